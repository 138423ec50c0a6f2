import * as pulumi from "@pulumi/pulumi";

/**
 * What a component needs to know about a network. SecureVpc produces one; a user with an existing
 * VPC builds one by hand, so no component depends on SecureVpc itself.
 */
export interface NetworkRef {
    readonly vpcId: pulumi.Input<string>;
    readonly vpcCidrBlock: pulumi.Input<string>;
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** AZ names in the same order as the subnet lists. */
    readonly availabilityZones: pulumi.Input<pulumi.Input<string>[]>;
}

/** A customer-managed KMS key. */
export interface KeyRef {
    readonly arn: pulumi.Input<string>;
}

/** A bucket that receives logs (S3 server access logs, load balancer logs, flow logs). */
export interface LogBucketRef {
    readonly bucketName: pulumi.Input<string>;
    readonly arn: pulumi.Input<string>;
}
