import * as pulumi from "@pulumi/pulumi";

/**
 * What a component needs to know about a network. SecureVpc produces one; a user with an existing
 * VPC builds one by hand, so no component depends on SecureVpc itself.
 */
export interface NetworkRef {
    /** The VPC's id. */
    readonly vpcId: pulumi.Input<string>;
    /** The VPC's IPv4 CIDR block. */
    readonly vpcCidrBlock: pulumi.Input<string>;
    /** Public subnets (a route to an internet gateway), one per AZ. */
    readonly publicSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** Private subnets (no route from the internet), one per AZ, in the same AZ order. */
    readonly privateSubnetIds: pulumi.Input<pulumi.Input<string>[]>;
    /** AZ names in the same order as the subnet lists. */
    readonly availabilityZones: pulumi.Input<pulumi.Input<string>[]>;
}

/** A customer-managed KMS key. */
export interface KeyRef {
    /** The key's ARN. */
    readonly arn: pulumi.Input<string>;
}

/** A bucket that receives logs (S3 server access logs, load balancer logs, flow logs). */
export interface LogBucketRef {
    /** The log bucket's name. */
    readonly bucketName: pulumi.Input<string>;
    /** The log bucket's ARN. */
    readonly arn: pulumi.Input<string>;
}
