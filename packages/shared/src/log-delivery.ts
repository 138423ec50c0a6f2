/**
 * Every AWS log delivery Citadel uses, with the rules its service documents: who writes (the
 * principal), which destination encryption it accepts, and the resource-policy statements it needs.
 * One table, so the buckets, the key and the components cannot disagree; pure (no Pulumi imports),
 * so the policy pack and tests read it too. To add a delivery (CloudTrail, Config, ...): add a
 * `LogDeliveryService` and its entry; the table's tests check every entry's shape.
 */
import type { PolicyStatement } from "./iam";

/** Default encryption of a destination bucket: SSE-S3 (`AES256`) or SSE-KMS (`aws:kms`). */
export type BucketEncryption = "AES256" | "aws:kms";

export type LogDeliveryService =
    | "s3ServerAccessLogs"
    | "albAccessLogs"
    | "nlbAccessLogs"
    | "vpcFlowLogsToS3"
    | "cloudFrontStandardLogsV2"
    | "wafLogs";

/** What a statement builder knows about the destination and the account. */
export interface LogDeliveryContext {
    /** The destination bucket's or log group's ARN. */
    destinationArn: string;
    accountId: string;
    partition: string;
    region: string;
    dnsSuffix: string;
    /** Key prefix the service writes under, without slashes at either end ("" for none). */
    prefix?: string;
}

export interface LogDelivery {
    /** What is delivered, in the service's own words. */
    description: string;
    destination: "s3" | "cloudwatchLogs";
    /** Bucket default encryptions the service can write to (S3 destinations). */
    bucketEncryption: readonly BucketEncryption[];
    /**
     * For SSE-KMS destinations: the principal that must be allowed to use the key (KmsKey's
     * `logDelivery` service covers `delivery.logs`). Undefined when the key is not involved.
     */
    keyPrincipal?: "delivery.logs";
    /** Log group name prefix the service requires (CloudWatch Logs destinations). */
    logGroupNamePrefix?: string;
    /** The destination's resource-policy statements (bucket policy or CloudWatch Logs resource policy). */
    statements(c: LogDeliveryContext): PolicyStatement[];
    /** The AWS page the entry follows. */
    documentation: string;
}

/**
 * The Elastic Load Balancing account of each Region that opened before August 2022: there the ALB
 * writes its logs as this account, not as a service principal. Regions not listed use the service
 * principal `logdelivery.elasticloadbalancing.amazonaws.com`.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
 */
export const ELB_ACCOUNT_BY_REGION: Readonly<Record<string, string>> = {
    "us-east-1": "127311923021",
    "us-east-2": "033677994240",
    "us-west-1": "027434742980",
    "us-west-2": "797873946194",
    "af-south-1": "098369216593",
    "ap-east-1": "754344448648",
    "ap-southeast-3": "589379963580",
    "ap-south-1": "718504428378",
    "ap-northeast-3": "383597477331",
    "ap-northeast-2": "600734575887",
    "ap-southeast-1": "114774131450",
    "ap-southeast-2": "783225319266",
    "ap-northeast-1": "582318560864",
    "ca-central-1": "985666609251",
    "eu-central-1": "054676820928",
    "eu-west-1": "156460612806",
    "eu-west-2": "652711504416",
    "eu-south-1": "635631232127",
    "eu-west-3": "009996457667",
    "eu-north-1": "897822967062",
    "me-south-1": "076674570225",
    "sa-east-1": "507241528517",
    "us-gov-west-1": "048591011584",
    "us-gov-east-1": "190560391635",
};

/** The objects a delivery writes for this account, under the prefix: `<bucket>[/<prefix>]/AWSLogs/<account>/*`. */
function accountLogs(c: LogDeliveryContext): string {
    return `${c.destinationArn}/${c.prefix ? `${c.prefix}/` : ""}AWSLogs/${c.accountId}/*`;
}

function deliveryLogsStatements(sid: string, c: LogDeliveryContext, sourceArn: string, objects = accountLogs(c)): PolicyStatement[] {
    const origin = {
        StringEquals: { "aws:SourceAccount": c.accountId },
        ArnLike: { "aws:SourceArn": sourceArn },
    };
    return [
        {
            Sid: `${sid}Write`,
            Effect: "Allow",
            Principal: { Service: `delivery.logs.${c.dnsSuffix}` },
            Action: "s3:PutObject",
            Resource: objects,
            Condition: { ...origin, StringEquals: { ...origin.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
        {
            Sid: `${sid}AclCheck`,
            Effect: "Allow",
            Principal: { Service: `delivery.logs.${c.dnsSuffix}` },
            Action: "s3:GetBucketAcl",
            Resource: c.destinationArn,
            Condition: origin,
        },
    ];
}

export const LOG_DELIVERIES: Readonly<Record<LogDeliveryService, LogDelivery>> = {
    s3ServerAccessLogs: {
        description: "S3 server access logs",
        destination: "s3",
        // "The destination bucket ... default encryption ... only SSE-S3 is supported": SSE-KMS
        // default encryption on the target bucket silently stops delivery.
        bucketEncryption: ["AES256"],
        statements: (c) => [{
            Sid: "S3ServerAccessLogs",
            Effect: "Allow",
            Principal: { Service: `logging.s3.${c.dnsSuffix}` },
            Action: "s3:PutObject",
            Resource: `${c.destinationArn}/*`,
            Condition: {
                StringEquals: { "aws:SourceAccount": c.accountId },
                ArnLike: { "aws:SourceArn": `arn:${c.partition}:s3:::*` },
            },
        }],
        documentation: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html",
    },
    albAccessLogs: {
        description: "Application Load Balancer access logs",
        destination: "s3",
        bucketEncryption: ["AES256"],
        // AWS's policies send no aws:SourceAccount here; the object path, which carries the account
        // id, is what keeps other accounts' load balancers out.
        statements: (c) => {
            const elbAccount = ELB_ACCOUNT_BY_REGION[c.region];
            return [{
                Sid: "AlbAccessLogs",
                Effect: "Allow",
                Principal: elbAccount
                    ? { AWS: `arn:${c.partition}:iam::${elbAccount}:root` }
                    : { Service: `logdelivery.elasticloadbalancing.${c.dnsSuffix}` },
                Action: "s3:PutObject",
                Resource: accountLogs(c),
            }];
        },
        documentation: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    },
    nlbAccessLogs: {
        description: "Network Load Balancer access logs (TLS listeners only)",
        destination: "s3",
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "delivery.logs",
        statements: (c) => deliveryLogsStatements("NlbAccessLogs", c, `arn:${c.partition}:logs:${c.region}:${c.accountId}:*`),
        documentation: "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html",
    },
    vpcFlowLogsToS3: {
        description: "VPC flow logs published to S3",
        destination: "s3",
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "delivery.logs",
        statements: (c) => deliveryLogsStatements("VpcFlowLogs", c, `arn:${c.partition}:logs:${c.region}:${c.accountId}:*`),
        documentation: "https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html",
    },
    cloudFrontStandardLogsV2: {
        description: "CloudFront standard logging (v2), delivered by CloudWatch Logs to S3",
        destination: "s3",
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "delivery.logs",
        // The delivery source lives in us-east-1 (CloudFront's Region), whatever the bucket's Region.
        // Its objects go where the delivery's suffix path says, so the whole bucket is named; the
        // conditions keep the writes to this account's CloudFront delivery sources.
        statements: (c) => deliveryLogsStatements("CloudFrontLogs", c,
            `arn:${c.partition}:logs:us-east-1:${c.accountId}:delivery-source:*`, `${c.destinationArn}/*`),
        documentation: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html",
    },
    wafLogs: {
        description: "AWS WAF web ACL traffic logs to CloudWatch Logs",
        destination: "cloudwatchLogs",
        bucketEncryption: [],
        logGroupNamePrefix: "aws-waf-logs-",
        statements: (c) => [{
            Sid: "WafLogDelivery",
            Effect: "Allow",
            Principal: { Service: `delivery.logs.${c.dnsSuffix}` },
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${c.destinationArn}:log-stream:*`,
            Condition: {
                StringEquals: { "aws:SourceAccount": c.accountId },
                ArnLike: { "aws:SourceArn": `arn:${c.partition}:logs:${c.region}:${c.accountId}:*` },
            },
        }],
        documentation: "https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html",
    },
};

/** The statements a destination needs for the deliveries it receives, in table order. */
export function logDeliveryStatements(services: readonly LogDeliveryService[], c: LogDeliveryContext): PolicyStatement[] {
    return services.flatMap((s) => LOG_DELIVERIES[s].statements(c));
}

/** The deliveries that can write to a bucket with this default encryption. */
export function deliveriesAccepting(encryption: BucketEncryption): LogDeliveryService[] {
    return (Object.keys(LOG_DELIVERIES) as LogDeliveryService[])
        .filter((s) => LOG_DELIVERIES[s].bucketEncryption.includes(encryption));
}
