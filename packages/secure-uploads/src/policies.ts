/**
 * The upload bucket's policies as plain data: pure functions of resolved ARNs, evaluated in tests
 * with an IAM policy simulator, not only read.
 */
import { PolicyStatement } from "@citadel/shared";

/** The object tag GuardDuty Malware Protection for S3 writes after each scan. */
export const SCAN_TAG_KEY = "GuardDutyMalwareScanStatus";
/** The only scan result that makes an object downloadable. */
export const SCAN_CLEAN = "NO_THREATS_FOUND";
/**
 * Every value GuardDuty may write (anything but NO_THREATS_FOUND, or no tag at all, stays locked).
 * https://docs.aws.amazon.com/guardduty/latest/ug/monitoring-malware-protection-s3-scans-gdu.html
 */
export const SCAN_RESULTS = ["NO_THREATS_FOUND", "THREATS_FOUND", "UNSUPPORTED", "ACCESS_DENIED", "FAILED"] as const;

/** Where browsers upload (pre-signed, per user: `incoming/<user>/...`). */
export const INCOMING_PREFIX = "incoming/";
/** Where the server moves scanned, accepted files; no pre-signed write reaches it. */
export const CLEAN_PREFIX = "clean/";
/** The avatars area; its second path segment is random (see SecureUploads.avatarsPrefix). */
export const AVATARS_PREFIX = "avatars/";

export interface UploadPolicyInputs {
    /** The upload bucket's ARN. */
    bucketArn: string;
    /** The GuardDuty protection plan's role: reads unscanned objects, writes the scan tag. */
    scannerRoleArn: string;
    /** Roles that may read objects whatever their scan result (a security team's quarantine role). */
    quarantineRoleArns: string[];
    /** Longest a pre-signed upload URL stays usable (seconds). */
    uploadUrlExpirySeconds: number;
    /** Longest a pre-signed download URL stays usable (seconds). */
    downloadUrlExpirySeconds: number;
    /** CloudFront distributions that read clean files and avatars through origin access control. */
    cdnDistributionArns: string[];
}

/** S3's `s3:authType` for pre-signed URLs (query string) and browser form POSTs. */
const PRESIGNED = ["REST-QUERY-STRING", "POST"];

/**
 * The upload bucket's own statements (SecureBucket adds TLS-only):
 * - nobody but the scanner and the quarantine roles reads an object whose scan tag is not
 *   NO_THREATS_FOUND, including an object with no tag yet (a condition key that is absent makes
 *   `StringNotEquals` true, so the deny applies);
 * - nobody but the scanner writes or removes the scan tag (so a compromised app cannot mark
 *   malware clean), nor sets it on upload;
 * - pre-signed and form-POST writes land under `incoming/` only: the app's role could sign for
 *   more, the bucket refuses it;
 * - pre-signed URLs older than their expiry are refused whatever `X-Amz-Expires` the signer chose
 *   (`s3:signatureAge`, milliseconds).
 * https://docs.aws.amazon.com/guardduty/latest/ug/malware-protection-s3-bucket-policy.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/tagging-and-policies.html
 * https://docs.aws.amazon.com/AmazonS3/latest/API/bucket-policy-s3-sigv4-conditions.html
 */
export function uploadBucketStatements(i: UploadPolicyInputs): PolicyStatement[] {
    const objects = `${i.bucketArn}/*`;
    const statements: PolicyStatement[] = [
        {
            Sid: "DenyDownloadUnlessScannedClean",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: objects,
            Condition: {
                StringNotEquals: { [`s3:ExistingObjectTag/${SCAN_TAG_KEY}`]: SCAN_CLEAN },
                ArnNotEquals: { "aws:PrincipalArn": [i.scannerRoleArn, ...i.quarantineRoleArns] },
            },
        },
        {
            Sid: "DenyScanTagTampering",
            Effect: "Deny",
            Principal: "*",
            Action: [
                "s3:PutObjectTagging",
                "s3:PutObjectVersionTagging",
                "s3:DeleteObjectTagging",
                "s3:DeleteObjectVersionTagging",
            ],
            Resource: objects,
            Condition: { ArnNotEquals: { "aws:PrincipalArn": i.scannerRoleArn } },
        },
        {
            Sid: "DenyScanTagOnWrite",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: {
                "ForAnyValue:StringEquals": { "s3:RequestObjectTagKeys": SCAN_TAG_KEY },
                ArnNotEquals: { "aws:PrincipalArn": i.scannerRoleArn },
            },
        },
        {
            Sid: "DenyPresignedWritesOutsideIncoming",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            NotResource: `${i.bucketArn}/${INCOMING_PREFIX}*`,
            Condition: { StringEquals: { "s3:authType": PRESIGNED } },
        },
        {
            Sid: "DenyExpiredUploadUrls",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:PutObject",
            Resource: objects,
            Condition: {
                StringEquals: { "s3:authType": "REST-QUERY-STRING" },
                NumericGreaterThan: { "s3:signatureAge": String(i.uploadUrlExpirySeconds * 1000) },
            },
        },
        {
            Sid: "DenyExpiredDownloadUrls",
            Effect: "Deny",
            Principal: "*",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: objects,
            Condition: {
                StringEquals: { "s3:authType": "REST-QUERY-STRING" },
                NumericGreaterThan: { "s3:signatureAge": String(i.downloadUrlExpirySeconds * 1000) },
            },
        },
    ];
    if (i.cdnDistributionArns.length > 0) {
        statements.push({
            Sid: "CloudFrontReadsCleanFilesAndAvatars",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: [`${i.bucketArn}/${CLEAN_PREFIX}*`, `${i.bucketArn}/${AVATARS_PREFIX}*`],
            Condition: { StringEquals: { "AWS:SourceArn": i.cdnDistributionArns } },
        });
    }
    return statements;
}

export interface ScannerInputs {
    /** The upload bucket the scanner reads and tags objects in. */
    bucketArn: string;
    /** The bucket's key: the scanner decrypts objects through S3 only. */
    kmsKeyArn: string;
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The 12-digit id of the account the resources are in. */
    accountId: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
}

/**
 * The protection plan's role, as GuardDuty documents it, on this bucket and key only: manage its
 * EventBridge managed rule, turn on the bucket's EventBridge notifications, read objects, tag
 * them, write its validation object, and use the key through S3.
 * https://docs.aws.amazon.com/guardduty/latest/ug/malware-protection-s3-iam-policy-prerequisite.html
 */
export function scannerRoleStatements(i: ScannerInputs): PolicyStatement[] {
    const rule = `arn:${i.partition}:events:${i.region}:${i.accountId}:rule/DO-NOT-DELETE-AmazonGuardDutyMalwareProtectionS3*`;
    const managedBy = { StringLike: { "events:ManagedBy": `malware-protection-plan.guardduty.${i.dnsSuffix}` } };
    return [
        {
            Sid: "ManagedRule",
            Effect: "Allow",
            Action: ["events:PutRule", "events:DeleteRule", "events:PutTargets", "events:RemoveTargets"],
            Resource: rule,
            Condition: managedBy,
        },
        {
            Sid: "WatchManagedRule",
            Effect: "Allow",
            Action: ["events:DescribeRule", "events:ListTargetsByRule"],
            Resource: rule,
        },
        {
            Sid: "TagScannedObjects",
            Effect: "Allow",
            Action: [
                "s3:PutObjectTagging",
                "s3:GetObjectTagging",
                "s3:PutObjectVersionTagging",
                "s3:GetObjectVersionTagging",
            ],
            Resource: `${i.bucketArn}/*`,
        },
        {
            Sid: "BucketEvents",
            Effect: "Allow",
            Action: ["s3:PutBucketNotification", "s3:GetBucketNotification"],
            Resource: i.bucketArn,
        },
        {
            Sid: "ValidationObject",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `${i.bucketArn}/malware-protection-resource-validation-object`,
        },
        { Sid: "BucketOwnership", Effect: "Allow", Action: "s3:ListBucket", Resource: i.bucketArn },
        {
            Sid: "ScanObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: `${i.bucketArn}/*`,
        },
        {
            Sid: "DecryptForScan",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: i.kmsKeyArn,
            Condition: { StringEquals: { "kms:ViaService": `s3.${i.region}.${i.dnsSuffix}` } },
        },
    ];
}

/**
 * GuardDuty's trust policy for a protection plan role, exactly as documented: GuardDuty's
 * documentation names no confused-deputy condition keys for this principal, and a condition it does
 * not send would make the plan fail its permission check on the first `pulumi up`.
 * https://docs.aws.amazon.com/guardduty/latest/ug/malware-protection-s3-iam-policy-prerequisite.html
 */
export function scannerTrustStatements(dnsSuffix: string): PolicyStatement[] {
    return [
        {
            Effect: "Allow",
            Principal: { Service: `malware-protection-plan.guardduty.${dnsSuffix}` },
            Action: "sts:AssumeRole",
        },
    ];
}

/**
 * Scan results of this bucket that need a person: malware found, or a scan that could not run
 * (the object then stays locked, and someone must look).
 * https://docs.aws.amazon.com/guardduty/latest/ug/monitor-with-eventbridge-s3-malware-protection.html
 */
export function scanAlertPattern(bucketName: string): string {
    return JSON.stringify({
        source: ["aws.guardduty"],
        "detail-type": ["GuardDuty Malware Protection Object Scan Result"],
        detail: {
            s3ObjectDetails: { bucketName: [bucketName] },
            scanResultDetails: { scanResultStatus: ["THREATS_FOUND", "FAILED", "ACCESS_DENIED"] },
        },
    });
}

/**
 * CORS for browser uploads: PUT and POST from the configured origins only, the headers a
 * pre-signed upload sends, and the ETag exposed for multipart uploads.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
 */
export function corsRules(origins: string[]): Array<{
    allowedMethods: string[];
    allowedOrigins: string[];
    allowedHeaders: string[];
    exposeHeaders: string[];
    maxAgeSeconds: number;
}> {
    return [
        {
            allowedMethods: ["PUT", "POST"],
            allowedOrigins: origins,
            allowedHeaders: [
                "content-type",
                "content-md5",
                "content-length",
                "x-amz-date",
                "x-amz-content-sha256",
                "x-amz-security-token",
                "x-amz-checksum-sha256",
                "authorization",
            ],
            exposeHeaders: ["ETag"],
            maxAgeSeconds: 3000,
        },
    ];
}
