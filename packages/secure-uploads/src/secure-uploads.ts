import * as pulumi from "@pulumi/pulumi";
import * as s3 from "@pulumi/aws/s3";
import * as iam from "@pulumi/aws/iam";
import * as guardduty from "@pulumi/aws/guardduty";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as random from "@pulumi/random";
import {
    argKeys,
    awsContext,
    ConfigError,
    policyJson,
    requireInteger,
    SecureBucket,
    requireArgs,
    withTags,
    TagsInput,
    AlarmsArgs,
    refuseRenamed,
    requireInput,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { GrantAccess, GrantArgs } from "@citadel/ecs-app";
import {
    AVATARS_PREFIX,
    CLEAN_PREFIX,
    corsRules,
    INCOMING_PREFIX,
    scanAlertPattern,
    scannerRoleStatements,
    scannerTrustStatements,
    uploadBucketStatements,
} from "./policies";

/** CloudFront signed URLs for downloads through the edge. */
export interface SignedUrlArgs {
    /**
     * The public half (PEM, `-----BEGIN PUBLIC KEY-----`, RSA 2048 or ECDSA P-256) of the key the app
     * signs CloudFront URLs with; the private half stays with the app (e.g. in Parameter Store).
     * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-trusted-signers.html
     */
    publicKeyPem: pulumi.Input<string>;
}

export interface SecureUploadsArgs {
    /** Encrypts the bucket (SSE-KMS with a bucket key); the scanner may use it through S3 only. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Name of the bucket that receives this bucket's S3 server access logs (a SecureBucket with
     * purpose `accessLogs`: S3 delivers server access logs only to an SSE-S3 bucket). The same name
     * as OrthancHost's, EdgeCdn's and AccountBaseline's.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
     */
    accessLogsBucketName: pulumi.Input<string>;
    /**
     * Browser origins allowed to upload (CORS), e.g. `https://portal.example.com`: `https://`, a host,
     * an optional port, no path and no wildcard. At least one.
     */
    allowedOrigins: string[];
    /**
     * Largest upload (bytes) the app should sign for: published as `maxUploadBytes` for the app to
     * put in its pre-signed POST policy (`content-length-range`) or signed `Content-Length`. S3
     * itself takes at most 5 GiB in one PUT. 1..5368709120. @default 104857600 (100 MiB)
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/upload-objects.html
     */
    maxUploadBytes?: number;
    /** Days an object stays under `incoming/` (processed or not) before it expires, 1..365. @default 1 */
    incomingExpirationDays?: number;
    /**
     * Longest a pre-signed upload URL works (seconds), enforced by the bucket policy on
     * `s3:signatureAge`, 1..604800. @default 900
     */
    uploadUrlExpirySeconds?: number;
    /** Longest a pre-signed download URL works (seconds), enforced the same way, 1..604800. @default 300 */
    downloadUrlExpirySeconds?: number;
    /**
     * Roles that may read objects whatever their scan result (a security team inspecting
     * quarantined files). Nobody else can download an object not tagged NO_THREATS_FOUND. @default []
     */
    quarantineRoleArns?: pulumi.Input<string>[];
    /**
     * Where alerts go, as for every component's `alarms`: malware found, or a scan that failed, is
     * published to `alarms.topicArn` through EventBridge. The topic's policy must admit
     * `events.amazonaws.com`, its key EventBridge. @default none: no alerts
     */
    alarms?: AlarmsArgs;
    /** CloudFront distributions that read clean files and avatars (origin access control). @default [] */
    cdnDistributionArns?: pulumi.Input<string>[];
    /** Create a CloudFront key group for signed download URLs. @default none */
    signedUrls?: SignedUrlArgs;
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

export const SECURE_UPLOADS_DEFAULTS = {
    maxUploadBytes: 100 * 1024 * 1024,
    incomingExpirationDays: 1,
    uploadUrlExpirySeconds: 900,
    downloadUrlExpirySeconds: 300,
};

const ORIGIN = /^https:\/\/([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}(:\d{1,5})?$/;
/** SigV4 pre-signed URLs live at most 7 days. https://docs.aws.amazon.com/AmazonS3/latest/userguide/ShareObjectPreSignedURL.html */
const MAX_PRESIGNED_SECONDS = 604800;

export interface ResolvedUploadsArgs {
    /** After defaults: browser origins allowed to upload (CORS). */
    allowedOrigins: string[];
    /** After defaults: the largest upload the app signs for. */
    maxUploadBytes: number;
    /** After defaults: days an object stays under `incoming/`. */
    incomingExpirationDays: number;
    /** After defaults: lifetime of a pre-signed upload. */
    uploadUrlExpirySeconds: number;
    /** After defaults: lifetime of a pre-signed download. */
    downloadUrlExpirySeconds: number;
}

export function validateSecureUploadsArgs(name: string, args: SecureUploadsArgs): ResolvedUploadsArgs {
    const key = argKeys("SecureUploads", name);
    refuseRenamed(key, args, { accessLogs: "accessLogsBucketName", alertTopicArn: "alarms" });
    if (args.kmsKeyArn === undefined || args.kmsKeyArn === "") {
        throw new ConfigError(key("kmsKeyArn"), args.kmsKeyArn, "is required", "the ARN of a customer-managed KMS key");
    }
    requireInput(
        key("accessLogsBucketName"),
        args.accessLogsBucketName,
        "the name of an accessLogs-purpose (SSE-S3) bucket",
    );
    const origins = args.allowedOrigins;
    if (!Array.isArray(origins) || origins.length === 0) {
        throw new ConfigError(key("allowedOrigins"), origins, "is empty", "one or more https://host origins");
    }
    for (const o of origins) {
        if (typeof o !== "string" || !ORIGIN.test(o)) {
            throw new ConfigError(
                key("allowedOrigins"),
                o,
                "is not an HTTPS origin",
                'https://host[:port] in lowercase, no path, no wildcard, e.g. "https://portal.example.com"',
            );
        }
    }
    const d = SECURE_UPLOADS_DEFAULTS;
    const maxUploadBytes = requireInteger(
        key("maxUploadBytes"),
        args.maxUploadBytes ?? d.maxUploadBytes,
        1,
        5 * 1024 ** 3,
    );
    const incomingExpirationDays = requireInteger(
        key("incomingExpirationDays"),
        args.incomingExpirationDays ?? d.incomingExpirationDays,
        1,
        365,
    );
    const uploadUrlExpirySeconds = requireInteger(
        key("uploadUrlExpirySeconds"),
        args.uploadUrlExpirySeconds ?? d.uploadUrlExpirySeconds,
        1,
        MAX_PRESIGNED_SECONDS,
    );
    const downloadUrlExpirySeconds = requireInteger(
        key("downloadUrlExpirySeconds"),
        args.downloadUrlExpirySeconds ?? d.downloadUrlExpirySeconds,
        1,
        MAX_PRESIGNED_SECONDS,
    );
    if (args.signedUrls) {
        const pem = args.signedUrls.publicKeyPem;
        if (
            pem === undefined ||
            (typeof pem === "string" &&
                !/^-----BEGIN PUBLIC KEY-----\r?\n[A-Za-z0-9+/=\r\n]+-----END PUBLIC KEY-----\s*$/.test(pem))
        ) {
            throw new ConfigError(
                key("signedUrls.publicKeyPem"),
                "(a key)",
                "is not a PEM public key",
                "-----BEGIN PUBLIC KEY----- ... -----END PUBLIC KEY----- (RSA 2048 or ECDSA P-256)",
            );
        }
    }
    return {
        allowedOrigins: origins,
        maxUploadBytes,
        incomingExpirationDays,
        uploadUrlExpirySeconds,
        downloadUrlExpirySeconds,
    };
}

/** Every argument of SecureUploadsArgs, for refusing unknown ones (the compiler keeps this list exact). */
const SECURE_UPLOADS_ARG_NAMES: ArgNames<SecureUploadsArgs> = {
    kmsKeyArn: true,
    accessLogsBucketName: true,
    allowedOrigins: true,
    maxUploadBytes: true,
    incomingExpirationDays: true,
    uploadUrlExpirySeconds: true,
    downloadUrlExpirySeconds: true,
    quarantineRoleArns: true,
    alarms: true,
    cdnDistributionArns: true,
    signedUrls: true,
    tags: true,
};

/**
 * A bucket for user files, scanned for malware by GuardDuty Malware Protection for S3 (AWS keeps the
 * engine and signatures current), where nothing is downloadable until its scan says
 * NO_THREATS_FOUND. Browsers upload with pre-signed requests under `incoming/<user>/`; the server
 * moves accepted files to `clean/`, which no pre-signed write reaches; downloads are short-lived
 * pre-signed GETs (or CloudFront signed URLs); avatars live under an unguessable prefix.
 */
export class SecureUploads extends pulumi.ComponentResource {
    /** The uploads bucket's name. */
    readonly bucketName: pulumi.Output<string>;
    /** The uploads bucket's ARN. */
    readonly bucketArn: pulumi.Output<string>;
    /** The uploads bucket's regional domain name (the host of presigned URLs). */
    readonly bucketRegionalDomainName: pulumi.Output<string>;
    /** `incoming/`: sign uploads for `incoming/<user id>/<file>` only. */
    readonly incomingPrefix: string = INCOMING_PREFIX;
    /** `clean/`: scanned files the server has accepted. */
    readonly cleanPrefix: string = CLEAN_PREFIX;
    /** `avatars/<32 random hex>/`: the unguessable avatars area. */
    readonly avatarsPrefix: pulumi.Output<string>;
    /** The largest upload the presigned POST policy accepts, in bytes (`maxUploadBytes`). */
    readonly maxUploadBytes: number;
    /** Lifetime of the download URLs the app signs, in seconds. */
    readonly downloadUrlExpirySeconds: number;
    /** Lifetime of the upload URLs the app signs, in seconds. */
    readonly uploadUrlExpirySeconds: number;
    /** The role GuardDuty Malware Protection for S3 scans and tags objects with. */
    readonly scannerRoleArn: pulumi.Output<string>;
    /** The GuardDuty malware protection plan's ARN. */
    readonly malwareProtectionPlanArn: pulumi.Output<string>;
    /** The CloudFront key group for signed URLs (with `signedUrls`). */
    readonly keyGroupId?: pulumi.Output<string>;
    /**
     * What the app's task role needs, as EcsApp grants: write (sign uploads) and read/delete
     * `incoming/`, read and write `clean/` and the avatars area.
     */
    readonly appGrants: GrantArgs[];

    constructor(name: string, args: SecureUploadsArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("SecureUploads", name, args);
        const a = validateSecureUploadsArgs(name, args);
        refuseUnknownArgs("SecureUploads", name, args, SECURE_UPLOADS_ARG_NAMES);
        super(
            "citadel:uploads:SecureUploads",
            name,
            {},
            withTags(argKeys("SecureUploads", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };
        const ctx = awsContext(this);

        const scanner = new iam.Role(
            `${name}-scanner`,
            {
                description: "GuardDuty Malware Protection for S3: scan and tag the uploads bucket",
                assumeRolePolicy: ctx.dnsSuffix.apply((dns) => policyJson(scannerTrustStatements(dns))),
            },
            parent,
        );

        const bucket = new SecureBucket(
            `${name}-files`,
            {
                purpose: "data",
                kmsKeyArn: args.kmsKeyArn,
                accessLogs: { bucketName: args.accessLogsBucketName },
                lifecycleRules: [
                    {
                        id: "expire-incoming",
                        status: "Enabled",
                        filter: { prefix: INCOMING_PREFIX },
                        expiration: { days: a.incomingExpirationDays },
                        noncurrentVersionExpiration: { noncurrentDays: a.incomingExpirationDays },
                    },
                ],
            },
            parent,
            {
                extraPolicyStatements: (bucketArn) =>
                    pulumi
                        .all([
                            scanner.arn,
                            pulumi.all(args.quarantineRoleArns ?? []),
                            pulumi.all(args.cdnDistributionArns ?? []),
                        ])
                        .apply(([scannerRoleArn, quarantineRoleArns, cdnDistributionArns]) =>
                            uploadBucketStatements({
                                bucketArn,
                                scannerRoleArn,
                                quarantineRoleArns,
                                cdnDistributionArns,
                                uploadUrlExpirySeconds: a.uploadUrlExpirySeconds,
                                downloadUrlExpirySeconds: a.downloadUrlExpirySeconds,
                            }),
                        ),
            },
        );

        new s3.BucketCorsConfiguration(
            `${name}-cors`,
            {
                bucket: bucket.bucketName,
                corsRules: corsRules(a.allowedOrigins),
            },
            parent,
        );

        const scannerPolicy = new iam.RolePolicy(
            `${name}-scanner-policy`,
            {
                role: scanner.id,
                policy: pulumi
                    .all([bucket.arn, args.kmsKeyArn, ctx.partition, ctx.region, ctx.accountId, ctx.dnsSuffix])
                    .apply(([bucketArn, kmsKeyArn, partition, region, accountId, dnsSuffix]) =>
                        policyJson(
                            scannerRoleStatements({ bucketArn, kmsKeyArn, partition, region, accountId, dnsSuffix }),
                        ),
                    ),
            },
            parent,
        );

        // Every object is scanned (no prefix filter): a file the server copies into clean/ is scanned
        // again, so no path to a downloadable object skips the scanner.
        const plan = new guardduty.MalwareProtectionPlan(
            `${name}-malware-protection`,
            {
                role: scanner.arn,
                // The bucket's id is its name; the same reference its policy uses, so a rule can pair them.
                protectedResource: { s3Bucket: { bucketName: bucket.bucketId } },
                actions: [{ taggings: [{ status: "ENABLED" }] }],
            },
            { parent: this, dependsOn: [scannerPolicy] },
        );

        if (args.alarms !== undefined) {
            const rule = new cloudwatch.EventRule(
                `${name}-scan-alerts`,
                {
                    description: "Malware found, or a scan that failed, in the uploads bucket",
                    eventPattern: bucket.bucketName.apply(scanAlertPattern),
                },
                parent,
            );
            new cloudwatch.EventTarget(
                `${name}-scan-alerts-target`,
                { rule: rule.name, arn: args.alarms.topicArn },
                parent,
            );
        }

        if (args.signedUrls) {
            const key = new cloudfront.PublicKey(
                `${name}-signing-key`,
                {
                    encodedKey: args.signedUrls.publicKeyPem,
                    comment: `${name}: signed download URLs`,
                },
                parent,
            );
            const group = new cloudfront.KeyGroup(
                `${name}-signers`,
                { items: [key.id], comment: `${name} download signers` },
                parent,
            );
            this.keyGroupId = group.id;
        }

        const avatarsId = new random.RandomId(`${name}-avatars-prefix`, { byteLength: 16 }, parent);
        this.avatarsPrefix = pulumi.interpolate`${AVATARS_PREFIX}${avatarsId.hex}/`;

        this.bucketName = bucket.bucketName;
        this.bucketArn = bucket.arn;
        this.bucketRegionalDomainName = bucket.bucketRegionalDomainName;
        this.maxUploadBytes = a.maxUploadBytes;
        this.uploadUrlExpirySeconds = a.uploadUrlExpirySeconds;
        this.downloadUrlExpirySeconds = a.downloadUrlExpirySeconds;
        this.scannerRoleArn = scanner.arn;
        this.malwareProtectionPlanArn = plan.arn;
        this.appGrants = [
            {
                bucket: bucket.bucketName,
                access: GrantAccess.ReadWrite,
                prefix: INCOMING_PREFIX,
                kmsKeyArn: args.kmsKeyArn,
            },
            {
                bucket: bucket.bucketName,
                access: GrantAccess.ReadWrite,
                prefix: CLEAN_PREFIX,
                kmsKeyArn: args.kmsKeyArn,
            },
            {
                bucket: bucket.bucketName,
                access: GrantAccess.ReadWrite,
                prefix: AVATARS_PREFIX,
                kmsKeyArn: args.kmsKeyArn,
            },
        ];
        this.registerOutputs({
            bucketName: this.bucketName,
            avatarsPrefix: this.avatarsPrefix,
            scannerRoleArn: this.scannerRoleArn,
            malwareProtectionPlanArn: this.malwareProtectionPlanArn,
            keyGroupId: this.keyGroupId,
        });
    }
}
