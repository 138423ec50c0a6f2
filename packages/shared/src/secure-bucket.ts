import { ArgNames, refuseUnknownArgs } from "./known-args";
import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import { awsContext } from "./aws-context";
import { argKeys, ConfigError, lateConfigError, requireInteger, requireArgs, refuseRenamed } from "./errors";
import { ARN_RULES, requireArn } from "./arn";
import { PolicyStatement, policyJson } from "./iam";
import { backupTags } from "./operations";
import { BucketEncryption, LOG_DELIVERIES, logDeliveryStatements, LogDeliveryService } from "./log-delivery";
import { TagsInput, withTags } from "./tags";

export const BucketPurpose = {
    Data: "data",
    Logs: "logs",
    ElbLogs: "elbLogs",
    AccessLogs: "accessLogs",
    Audit: "audit",
} as const;
export type BucketPurpose = (typeof BucketPurpose)[keyof typeof BucketPurpose];
export const BUCKET_PURPOSES: readonly BucketPurpose[] = Object.values(BucketPurpose);

/**
 * The log deliveries each purpose receives (see LOG_DELIVERIES), and from them its encryption: a
 * purpose is SSE-KMS unless one of its deliveries cannot write to SSE-KMS.
 */
export const PURPOSE_DELIVERIES: Readonly<Record<BucketPurpose, readonly LogDeliveryService[]>> = {
    data: [],
    logs: ["vpcFlowLogsToS3", "cloudFrontStandardLogsV2", "nlbAccessLogs"],
    elbLogs: ["albAccessLogs"],
    accessLogs: ["s3ServerAccessLogs"],
    audit: ["cloudTrail", "configDelivery"],
};

/** The default encryption of a purpose's buckets: SSE-KMS whenever every delivery it receives allows it. */
export function purposeEncryption(purpose: BucketPurpose): BucketEncryption {
    return PURPOSE_DELIVERIES[purpose].every((d) => LOG_DELIVERIES[d].bucketEncryption.includes("aws:kms"))
        ? "aws:kms"
        : "AES256";
}

/** Where a bucket's S3 server access logs go. */
export interface BucketAccessLogsArgs {
    /** Name of a bucket with purpose `accessLogs` (SSE-S3: S3 delivers server access logs only there). */
    bucketName: pulumi.Input<string>;
    /** Key prefix of this bucket's logs in the target bucket. @default `s3/<component name>/` */
    prefix?: string;
}

/**
 * What only a TypeScript program can add to a SecureBucket: statements computed from the bucket's own
 * ARN, which does not exist until the bucket does. A function is not data, so it stays out of
 * SecureBucketArgs (the args Pulumi's schema inference reads for other languages).
 */
export interface SecureBucketPolicyExtension {
    /** Extra bucket policy statements, built from the bucket's ARN (e.g. admitting a CloudFront OAC). */
    extraPolicyStatements?: (bucketArn: string) => pulumi.Input<PolicyStatement[]>;
}

export interface SecureBucketArgs {
    /**
     * - `data`: application data (images, uploads, assets). SSE-KMS, access-logged.
     * - `logs`: receives VPC flow logs, CloudFront standard logs (v2) and NLB access logs; its policy
     *   admits those AWS log services of this account only. SSE-KMS.
     * - `elbLogs`: receives Application Load Balancer access logs, which ELB writes only to SSE-S3 buckets.
     * - `accessLogs`: receives S3 server access logs, which S3 delivers only to SSE-S3 buckets.
     * - `audit`: receives one CloudTrail trail's log and digest files (`trailArn`) and AWS Config's
     *   deliveries for this account, nothing else. SSE-KMS with a key whose policy admits both
     *   services (`logDeliveryKeyStatements(PURPOSE_DELIVERIES.audit, ...)`).
     * The deliveries and their rules are the table in log-delivery.ts (PURPOSE_DELIVERIES).
     * @default "data"
     */
    purpose?: BucketPurpose;
    /**
     * The KMS key for SSE-KMS. Required for `data` and `logs`; unused by the SSE-S3 purposes.
     * @default - none (an error for `data` and `logs`)
     */
    kmsKeyArn?: pulumi.Input<string>;
    /**
     * Where this bucket's S3 server access logs go: a bucket with purpose `accessLogs` (S3 delivers
     * server access logs only to SSE-S3 buckets). Required for `data` buckets; a log bucket does not
     * log its own access (that would loop).
     * @default - none (an error for `data` buckets)
     */
    accessLogs?: BucketAccessLogsArgs;
    /**
     * Days an object's previous versions are kept after it is overwritten or deleted.
     * @default 365 for `data`, 30 for log buckets
     */
    noncurrentVersionRetentionDays?: number;
    /**
     * Key prefix the log deliveries are configured to write under (e.g. a load balancer's
     * `accessLogs.prefix`), so the bucket policy admits exactly `<prefix>/AWSLogs/<account>/*`.
     * @default none
     */
    deliveryPrefix?: string;
    /**
     * The ARN of the trail that delivers to an `audit` bucket: the bucket policy admits that trail
     * only (CloudTrail's documented `aws:SourceArn` condition). Required for `audit`, refused otherwise.
     * @default - none: only `audit` buckets take a trail
     */
    trailArn?: pulumi.Input<string>;
    /** Days current objects live before they expire. Log buckets only. @default 365 */
    logRetentionInDays?: number;
    /**
     * Extra lifecycle rules, after the bucket's own (abort incomplete uploads, expire old versions):
     * e.g. expiring a prefix. A bucket has one lifecycle configuration, so they are merged here.
     * @default []
     */
    lifecycleRules?: s3.BucketLifecycleConfigurationArgs["rules"] extends pulumi.Input<infer R> ? R : never;
    /** Delete all objects on `pulumi destroy`. Only for throwaway environments. @default false */
    forceDestroy?: boolean;
    /**
     * Tags for every taggable AWS resource this component creates (launch templates' instances and
     * volumes included), merged over the AWS provider's `defaultTags`. A tag a resource sets itself
     * (`Name`, `Patch Group`, the backup tag) keeps its value. Keys under `aws:` or `citadel:` are
     * refused, as is what AWS refuses (more than 45 tags, keys over 128 or values over 256
     * characters, characters other than letters, numbers, spaces and `_ . : / = + - @`), with a
     * ConfigError naming `tags`. See `withTags` in @citadel/shared and
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
     * @default {}
     */
    tags?: TagsInput;
}

/** Every argument of SecureBucketArgs, for refusing unknown ones (the compiler keeps this list exact). */
const SECURE_BUCKET_ARG_NAMES: ArgNames<SecureBucketArgs> = {
    purpose: true,
    kmsKeyArn: true,
    accessLogs: true,
    noncurrentVersionRetentionDays: true,
    deliveryPrefix: true,
    trailArn: true,
    logRetentionInDays: true,
    lifecycleRules: true,
    forceDestroy: true,
    tags: true,
};

/**
 * An S3 bucket with every guard on: SSE-KMS with a bucket key, versioning, all public access
 * blocked, ACLs disabled (`BucketOwnerEnforced`), a policy that denies requests without TLS 1.2+,
 * server access logs, and lifecycle rules that bound the cost of old versions.
 */
export class SecureBucket extends pulumi.ComponentResource {
    /** The bucket's name (auto-named from the component name). */
    readonly bucketName: pulumi.Output<string>;
    /** The bucket's provider id (for S3, its name): what other resources of the bucket refer to. */
    readonly bucketId: pulumi.Output<string>;
    /** The bucket's ARN. */
    readonly arn: pulumi.Output<string>;
    /** The bucket's regional domain name, e.g. for a CloudFront origin. */
    readonly bucketRegionalDomainName: pulumi.Output<string>;

    constructor(
        name: string,
        args: SecureBucketArgs,
        opts?: pulumi.ComponentResourceOptions,
        extension: SecureBucketPolicyExtension = {},
    ) {
        requireArgs("SecureBucket", name, args);
        const purpose = validateSecureBucketArgs(name, args);
        refuseUnknownArgs("SecureBucket", name, args, SECURE_BUCKET_ARG_NAMES);
        super(
            "citadel:shared:SecureBucket",
            name,
            {},
            withTags(argKeys("SecureBucket", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };
        const isLogs = purpose !== "data";

        const bucket = new s3.Bucket(
            `${name}`,
            {
                forceDestroy: args.forceDestroy ?? false,
                // Data buckets are in the stack's AWS Backup selection; log buckets are not (they are
                // the record, kept by lifecycle, and restoring them would not restore service).
                tags: isLogs ? undefined : backupTags(),
            },
            { parent: this },
        );

        new s3.BucketOwnershipControls(
            `${name}-ownership`,
            {
                bucket: bucket.id,
                rule: { objectOwnership: "BucketOwnerEnforced" },
            },
            parent,
        );

        const publicAccess = new s3.BucketPublicAccessBlock(
            `${name}-public-access`,
            {
                bucket: bucket.id,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
            parent,
        );

        new s3.BucketServerSideEncryptionConfiguration(
            `${name}-encryption`,
            {
                bucket: bucket.id,
                rules: [
                    purposeEncryption(purpose) === "AES256"
                        ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }
                        : {
                              applyServerSideEncryptionByDefault: {
                                  sseAlgorithm: "aws:kms",
                                  // An Output known only at deploy time: the same check as for a plain string, as a ResourceError.
                                  kmsMasterKeyId: pulumi
                                      .output(args.kmsKeyArn)
                                      .apply((arn) => requireKeyResolved(this, name, arn)),
                              },
                              bucketKeyEnabled: true,
                          },
                ],
            },
            parent,
        );

        const versioning = new s3.BucketVersioning(
            `${name}-versioning`,
            {
                bucket: bucket.id,
                versioningConfiguration: { status: "Enabled" },
            },
            parent,
        );

        const ctx = awsContext(this);
        const policy = pulumi
            .all([bucket.arn, ctx.accountId, ctx.partition, ctx.region, ctx.dnsSuffix, args.trailArn])
            .apply(([arn, accountId, partition, region, dnsSuffix, trailArn]) =>
                pulumi
                    .output(extension.extraPolicyStatements ? extension.extraPolicyStatements(arn) : [])
                    .apply((extra) =>
                        policyJson([
                            ...tlsOnlyStatements(arn),
                            ...logDeliveryStatements(PURPOSE_DELIVERIES[purpose], {
                                destinationArn: arn,
                                accountId,
                                partition,
                                region,
                                dnsSuffix,
                                prefix: args.deliveryPrefix,
                                trailArn,
                            }),
                            ...(extra as PolicyStatement[]),
                        ]),
                    ),
            );
        // Applied after the public access block so S3 never sees the policy on an unblocked bucket.
        new s3.BucketPolicy(
            `${name}-policy`,
            { bucket: bucket.id, policy },
            { parent: this, dependsOn: [publicAccess] },
        );

        if (args.accessLogs) {
            new s3.BucketLogging(
                `${name}-access-logs`,
                {
                    bucket: bucket.id,
                    targetBucket: args.accessLogs.bucketName,
                    targetPrefix: args.accessLogs.prefix ?? `s3/${name}/`,
                },
                parent,
            );
        }

        const noncurrentDays = args.noncurrentVersionRetentionDays ?? (isLogs ? 30 : 365);
        new s3.BucketLifecycleConfiguration(
            `${name}-lifecycle`,
            {
                bucket: bucket.id,
                rules: [
                    {
                        id: "abort-incomplete-uploads",
                        status: "Enabled",
                        filter: {},
                        abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
                    },
                    {
                        id: "expire-old-versions",
                        status: "Enabled",
                        filter: {},
                        noncurrentVersionTransitions:
                            noncurrentDays > 30 ? [{ noncurrentDays: 30, storageClass: "STANDARD_IA" }] : undefined,
                        noncurrentVersionExpiration: { noncurrentDays },
                    },
                    ...(isLogs
                        ? [
                              {
                                  id: "expire-logs",
                                  status: "Enabled",
                                  filter: {},
                                  expiration: { days: args.logRetentionInDays ?? 365 },
                              },
                          ]
                        : []),
                    ...((args.lifecycleRules ?? []) as never[]),
                ],
            },
            { parent: this, dependsOn: [versioning] },
        );

        this.bucketName = bucket.bucket;
        this.bucketId = bucket.id;
        this.arn = bucket.arn;
        this.bucketRegionalDomainName = bucket.bucketRegionalDomainName;
        this.registerOutputs({ bucketName: this.bucketName, arn: this.arn });
    }
}

/**
 * Late check (an Output key ARN): never empty, or S3 silently uses the AWS-managed key, and a KMS key
 * ARN. Throws a ResourceError.
 */
export function requireKeyResolved(
    resource: pulumi.Resource | undefined,
    name: string,
    arn: string | undefined,
): string {
    if (!arn) {
        throw lateConfigError(
            resource,
            `SecureBucket "${name}": kmsKeyArn`,
            arn,
            "is empty (S3 would use the AWS-managed key)",
            "the ARN of a customer-managed KMS key",
        );
    }
    // The same format check a plain string gets before registration (another resource's ARN here).
    try {
        requireArn(`SecureBucket "${name}": kmsKeyArn`, arn, ARN_RULES.kmsKey);
    } catch (e) {
        if (e instanceof ConfigError) throw lateConfigError(resource, e.key, e.value, e.problem, e.allowed);
        throw e;
    }
    return arn;
}

export function validateSecureBucketArgs(name: string, args: SecureBucketArgs): BucketPurpose {
    const key = argKeys("SecureBucket", name);
    refuseRenamed(key, args, { logRetentionDays: "logRetentionInDays" });
    const purpose = args.purpose ?? "data";
    if (!(BUCKET_PURPOSES as readonly string[]).includes(purpose)) {
        throw new ConfigError(key("purpose"), purpose, "is not a known purpose", BUCKET_PURPOSES.join(" | "));
    }
    // An empty id would make S3 fall back to the AWS-managed aws/s3 key, silently.
    if (purposeEncryption(purpose) === "aws:kms" && (args.kmsKeyArn === undefined || args.kmsKeyArn === "")) {
        throw new ConfigError(
            key("kmsKeyArn"),
            args.kmsKeyArn,
            `is required for a "${purpose}" bucket`,
            "the ARN of a customer-managed KMS key",
        );
    }
    if (typeof args.kmsKeyArn === "string") requireArn(key("kmsKeyArn"), args.kmsKeyArn, ARN_RULES.kmsKey);
    if ((purpose === "audit") !== (args.trailArn !== undefined)) {
        throw new ConfigError(
            key("trailArn"),
            args.trailArn,
            purpose === "audit"
                ? 'is required for an "audit" bucket'
                : `applies only to "audit" buckets, not "${purpose}"`,
            purpose === "audit" ? "the ARN of the trail that delivers to it" : "unset",
        );
    }
    if (purpose === "data" && !args.accessLogs) {
        throw new ConfigError(
            key("accessLogs"),
            undefined,
            "is required for a data bucket",
            "{ bucketName } of a log bucket",
        );
    }
    if (args.noncurrentVersionRetentionDays !== undefined) {
        requireInteger(key("noncurrentVersionRetentionDays"), args.noncurrentVersionRetentionDays, 1, 36500);
    }
    if (args.logRetentionInDays !== undefined) {
        if (purpose === "data") {
            throw new ConfigError(
                key("logRetentionInDays"),
                args.logRetentionInDays,
                "applies only to log buckets",
                'unset, or purpose "logs" | "elbLogs" | "accessLogs" | "audit"',
            );
        }
        requireInteger(key("logRetentionInDays"), args.logRetentionInDays, 1, 36500);
    }
    return purpose;
}

/** Deny any request not made over TLS 1.2 or newer (FSBP S3.5). */
export function tlsOnlyStatements(bucketArn: string): PolicyStatement[] {
    const resources = [bucketArn, `${bucketArn}/*`];
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
        {
            Sid: "DenyOutdatedTls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: resources,
            Condition: { NumericLessThan: { "s3:TlsVersion": "1.2" } },
        },
    ];
}
