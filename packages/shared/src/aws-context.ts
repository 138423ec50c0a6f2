import * as pulumi from "@pulumi/pulumi";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { getRegionOutput } from "@pulumi/aws/getRegion";

/**
 * Account, partition and region of the provider a component deploys with. Looked up (not taken from
 * config) so that the same component works in any account, in GovCloud and China partitions, and
 * under an explicit provider passed through resource options.
 */
export interface AwsContext {
    /** The 12-digit id of the account the provider deploys to. */
    readonly accountId: pulumi.Output<string>;
    /** `aws`, `aws-cn` or `aws-us-gov`: the first field of every ARN. */
    readonly partition: pulumi.Output<string>;
    /** The provider's region, e.g. `eu-central-1`. */
    readonly region: pulumi.Output<string>;
    /** `com.amazonaws` (or `cn.com.amazonaws`), the prefix of VPC endpoint service names. */
    readonly reverseDnsPrefix: pulumi.Output<string>;
    /** `amazonaws.com` (or `amazonaws.com.cn`), for service principals. */
    readonly dnsSuffix: pulumi.Output<string>;
}

export function awsContext(parent: pulumi.Resource): AwsContext {
    const opts = { parent };
    const partition = getPartitionOutput({}, opts);
    return {
        accountId: getCallerIdentityOutput({}, opts).accountId,
        partition: partition.partition,
        reverseDnsPrefix: partition.reverseDnsPrefix,
        dnsSuffix: partition.dnsSuffix,
        region: getRegionOutput({}, opts).region,
    };
}

/**
 * The public SSM parameter naming the latest Amazon Linux 2023 AMI of an architecture.
 * https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-via-aws-cli
 */
export function amazonLinuxParameter(architecture: "x86_64" | "arm64"): string {
    return `/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-${architecture}`;
}
