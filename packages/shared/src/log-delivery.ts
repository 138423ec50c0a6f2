/**
 * Every AWS log delivery Citadel uses, with the rules its service documents: who writes (the
 * principal), which destination encryption it accepts, and the resource-policy statements it needs.
 * One table, so the buckets, the key and the components cannot disagree; pure (no Pulumi imports),
 * so the policy pack and tests read it too. To add a delivery: add a `LogDeliveryService` and its
 * entry; the table's tests check every entry's shape.
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
    | "wafLogs"
    | "cloudTrail"
    | "configDelivery";

/** What a statement builder knows about the destination and the account. */
export interface LogDeliveryContext {
    /** The destination bucket's or log group's ARN. */
    destinationArn: string;
    /** The account the logs come from and the destination is in. */
    accountId: string;
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region of the destination and of the delivering service. */
    region: string;
    /** The partition's DNS suffix, for service principals (`delivery.logs.amazonaws.com`). */
    dnsSuffix: string;
    /** Key prefix the service writes under, without slashes at either end ("" for none). */
    prefix?: string;
    /**
     * The ARN of the one trail that may deliver (`cloudTrail`): CloudTrail's documented policy names
     * it in an `aws:SourceArn` condition. Required by that entry, unused by the others.
     */
    trailArn?: string;
}

export interface LogDelivery {
    /** What is delivered, in the service's own words. */
    description: string;
    /** Where the service delivers: an S3 bucket or a CloudWatch Logs log group. */
    destination: "s3" | "cloudwatchLogs";
    /** Bucket default encryptions the service can write to (S3 destinations). */
    bucketEncryption: readonly BucketEncryption[];
    /**
     * For SSE-KMS destinations: the principal that must be allowed to use the key (KmsKey's
     * `logDelivery` service covers `delivery.logs`; `cloudtrail` and `config` encrypt with the key
     * themselves, through `keyStatements`). Undefined when the key is not involved.
     */
    keyPrincipal?: "delivery.logs" | "cloudtrail" | "config";
    /**
     * The destination key's policy statements the service documents, for services that encrypt
     * with the bucket's key themselves (CloudTrail, Config). Undefined where KmsKey covers it.
     */
    keyStatements?(c: LogDeliveryContext): PolicyStatement[];
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

function deliveryLogsStatements(
    sid: string,
    c: LogDeliveryContext,
    sourceArn: string,
    objects = accountLogs(c),
): PolicyStatement[] {
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
            Condition: {
                ...origin,
                StringEquals: { ...origin.StringEquals, "s3:x-amz-acl": "bucket-owner-full-control" },
            },
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
        statements: (c) => [
            {
                Sid: "S3ServerAccessLogs",
                Effect: "Allow",
                Principal: { Service: `logging.s3.${c.dnsSuffix}` },
                Action: "s3:PutObject",
                Resource: `${c.destinationArn}/*`,
                Condition: {
                    StringEquals: { "aws:SourceAccount": c.accountId },
                    ArnLike: { "aws:SourceArn": `arn:${c.partition}:s3:::*` },
                },
            },
        ],
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
            return [
                {
                    Sid: "AlbAccessLogs",
                    Effect: "Allow",
                    Principal: elbAccount
                        ? { AWS: `arn:${c.partition}:iam::${elbAccount}:root` }
                        : { Service: `logdelivery.elasticloadbalancing.${c.dnsSuffix}` },
                    Action: "s3:PutObject",
                    Resource: accountLogs(c),
                },
            ];
        },
        documentation: "https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html",
    },
    nlbAccessLogs: {
        description: "Network Load Balancer access logs (TLS listeners only)",
        destination: "s3",
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "delivery.logs",
        statements: (c) =>
            deliveryLogsStatements("NlbAccessLogs", c, `arn:${c.partition}:logs:${c.region}:${c.accountId}:*`),
        documentation: "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/enable-access-logs.html",
    },
    vpcFlowLogsToS3: {
        description: "VPC flow logs published to S3",
        destination: "s3",
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "delivery.logs",
        statements: (c) =>
            deliveryLogsStatements("VpcFlowLogs", c, `arn:${c.partition}:logs:${c.region}:${c.accountId}:*`),
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
        statements: (c) =>
            deliveryLogsStatements(
                "CloudFrontLogs",
                c,
                `arn:${c.partition}:logs:us-east-1:${c.accountId}:delivery-source:*`,
                `${c.destinationArn}/*`,
            ),
        documentation: "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html",
    },
    wafLogs: {
        description: "AWS WAF web ACL traffic logs to CloudWatch Logs",
        destination: "cloudwatchLogs",
        bucketEncryption: [],
        logGroupNamePrefix: "aws-waf-logs-",
        statements: (c) => [
            {
                Sid: "WafLogDelivery",
                Effect: "Allow",
                Principal: { Service: `delivery.logs.${c.dnsSuffix}` },
                Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                Resource: `${c.destinationArn}:log-stream:*`,
                Condition: {
                    StringEquals: { "aws:SourceAccount": c.accountId },
                    ArnLike: { "aws:SourceArn": `arn:${c.partition}:logs:${c.region}:${c.accountId}:*` },
                },
            },
        ],
        documentation: "https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html",
    },
    cloudTrail: {
        description: "AWS CloudTrail log files and digest files (log file validation) of one trail",
        destination: "s3",
        // CloudTrail writes to SSE-S3 and SSE-KMS buckets, and encrypts with a KMS key of its own
        // when the trail names one (it then needs the key policy statements below).
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "cloudtrail",
        // The documented policy, with the trail's ARN in StringEquals aws:SourceArn: only that trail
        // of this account writes. Its objects are AWSLogs/<account>/CloudTrail/... and, with log
        // file validation, AWSLogs/<account>/CloudTrail-Digest/...: both under AWSLogs/<account>/.
        statements: (c): PolicyStatement[] => {
            const trail = trailArnOf(c);
            return [
                {
                    Sid: "AWSCloudTrailAclCheck",
                    Effect: "Allow",
                    Principal: { Service: `cloudtrail.${c.dnsSuffix}` },
                    Action: "s3:GetBucketAcl",
                    Resource: c.destinationArn,
                    Condition: { StringEquals: { "aws:SourceArn": trail } },
                },
                {
                    Sid: "AWSCloudTrailWrite",
                    Effect: "Allow",
                    Principal: { Service: `cloudtrail.${c.dnsSuffix}` },
                    Action: "s3:PutObject",
                    Resource: `${c.destinationArn}/${awsLogsPrefix(c)}/*`,
                    Condition: {
                        StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": trail },
                    },
                },
            ];
        },
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html:
        // the trail generates data keys (for its own encryption context, any trail of this account
        // in any Region, as CloudTrail sends it) and describes the key.
        keyStatements: (c): PolicyStatement[] => {
            const trail = trailArnOf(c);
            return [
                {
                    Sid: "CloudTrailEncryptsLogs",
                    Effect: "Allow",
                    Principal: { Service: `cloudtrail.${c.dnsSuffix}` },
                    Action: "kms:GenerateDataKey*",
                    Resource: "*",
                    Condition: {
                        StringEquals: { "aws:SourceArn": trail },
                        StringLike: {
                            "kms:EncryptionContext:aws:cloudtrail:arn": `arn:${c.partition}:cloudtrail:*:${c.accountId}:trail/*`,
                        },
                    },
                },
                {
                    Sid: "CloudTrailDescribesKey",
                    Effect: "Allow",
                    Principal: { Service: `cloudtrail.${c.dnsSuffix}` },
                    Action: "kms:DescribeKey",
                    Resource: "*",
                    Condition: { StringEquals: { "aws:SourceArn": trail } },
                },
            ];
        },
        documentation:
            "https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html",
    },
    configDelivery: {
        description: "AWS Config configuration history and snapshots, through the delivery channel",
        destination: "s3",
        // Config delivers to SSE-S3 and SSE-KMS buckets; with s3KmsKeyArn on the channel it encrypts
        // with that key, which must admit config.amazonaws.com for this account.
        bucketEncryption: ["AES256", "aws:kms"],
        keyPrincipal: "config",
        statements: (c): PolicyStatement[] => {
            const sameAccount = { "aws:SourceAccount": c.accountId };
            return [
                {
                    Sid: "AWSConfigBucketPermissionsCheck",
                    Effect: "Allow",
                    Principal: { Service: `config.${c.dnsSuffix}` },
                    Action: "s3:GetBucketAcl",
                    Resource: c.destinationArn,
                    Condition: { StringEquals: sameAccount },
                },
                {
                    Sid: "AWSConfigBucketExistenceCheck",
                    Effect: "Allow",
                    Principal: { Service: `config.${c.dnsSuffix}` },
                    Action: "s3:ListBucket",
                    Resource: c.destinationArn,
                    Condition: { StringEquals: sameAccount },
                },
                {
                    Sid: "AWSConfigBucketDelivery",
                    Effect: "Allow",
                    Principal: { Service: `config.${c.dnsSuffix}` },
                    Action: "s3:PutObject",
                    Resource: `${c.destinationArn}/${awsLogsPrefix(c, "Config")}/*`,
                    Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", ...sameAccount } },
                },
            ];
        },
        // https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
        keyStatements: (c) => [
            {
                Sid: "AWSConfigKMSPolicy",
                Effect: "Allow",
                Principal: { Service: `config.${c.dnsSuffix}` },
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": c.accountId } },
            },
        ],
        documentation: "https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html",
    },
};

/** The trail's ARN, which CloudTrail's documented bucket and key policies name exactly. */
function trailArnOf(c: LogDeliveryContext): string {
    if (!c.trailArn) throw new Error("the cloudTrail log delivery needs the trail's ARN (LogDeliveryContext.trailArn)");
    return c.trailArn;
}

/** Where a delivery writes for this account, below the destination's optional prefix: `AWSLogs/<account>/<sub>`. */
function awsLogsPrefix(c: LogDeliveryContext, sub?: string): string {
    return `${c.prefix ? `${c.prefix}/` : ""}AWSLogs/${c.accountId}${sub ? `/${sub}` : ""}`;
}

/** The statements a destination needs for the deliveries it receives, in table order. */
export function logDeliveryStatements(
    services: readonly LogDeliveryService[],
    c: LogDeliveryContext,
): PolicyStatement[] {
    return services.flatMap((s) => LOG_DELIVERIES[s].statements(c));
}

/** The key policy statements a destination's key needs for the deliveries it receives, in table order. */
export function logDeliveryKeyStatements(
    services: readonly LogDeliveryService[],
    c: LogDeliveryContext,
): PolicyStatement[] {
    return services.flatMap((s) => LOG_DELIVERIES[s].keyStatements?.(c) ?? []);
}

/** The deliveries that can write to a bucket with this default encryption. */
export function deliveriesAccepting(encryption: BucketEncryption): LogDeliveryService[] {
    return (Object.keys(LOG_DELIVERIES) as LogDeliveryService[]).filter((s) =>
        LOG_DELIVERIES[s].bucketEncryption.includes(encryption),
    );
}
