/**
 * The resource policies of the operations baseline, as pure functions of account, region and ARNs,
 * so tests evaluate them with an IAM policy evaluator for the service principals that must use them.
 *
 * The CloudTrail and AWS Config delivery statements (audit bucket and audit key) come from the
 * log-delivery table of @citadel/shared (`cloudTrail`, `configDelivery`: the `audit` bucket purpose).
 */
import { logDeliveryKeyStatements, logDeliveryStatements, PolicyStatement, PURPOSE_DELIVERIES } from "@citadel/shared";

export interface AccountScope {
    /** The 12-digit id of the account the resources are in. */
    accountId: string;
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
}

const KEY_USE = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];

/** The key policy statement every key needs: the account administers it through IAM. */
export function accountAdministersKey(c: AccountScope): PolicyStatement {
    return {
        Sid: "AccountAdministersKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${c.partition}:iam::${c.accountId}:root` },
        Action: "kms:*",
        Resource: "*",
    };
}

// ---------------------------------------------------------------------------------------------
// Alert topic
// ---------------------------------------------------------------------------------------------

/**
 * The alert topic's key: CloudWatch alarms and EventBridge rules of this account encrypt messages
 * with it when they publish. Without these statements an encrypted topic silently drops them.
 *
 * EventBridge's statement has no `aws:SourceAccount`/`aws:SourceArn` condition on purpose: the KMS
 * request EventBridge makes carries neither key, so a condition on them would deny every event.
 * The topic policy (below) is where EventBridge is pinned to this account.
 * See https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services
 * and https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export function alertKeyStatements(c: AccountScope): PolicyStatement[] {
    return [
        accountAdministersKey(c),
        {
            Sid: "CloudWatchAlarmsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: `cloudwatch.${c.dnsSuffix}` },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
            Condition: { StringEquals: { "aws:SourceAccount": c.accountId } },
        },
        {
            Sid: "EventBridgeRules",
            Effect: "Allow",
            Principal: { Service: `events.${c.dnsSuffix}` },
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: "*",
        },
    ];
}

/**
 * The alert topic's policy: CloudWatch alarms and EventBridge rules of this account may publish;
 * publishing without TLS is denied to everyone.
 * See https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
 */
export function alertTopicStatements(c: AccountScope, topicArn: string): PolicyStatement[] {
    const sameAccount = { StringEquals: { "aws:SourceAccount": c.accountId } };
    return [
        {
            Sid: "CloudWatchAlarmsPublish",
            Effect: "Allow",
            Principal: { Service: `cloudwatch.${c.dnsSuffix}` },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: {
                ...sameAccount,
                ArnLike: { "aws:SourceArn": `arn:${c.partition}:cloudwatch:${c.region}:${c.accountId}:alarm:*` },
            },
        },
        {
            Sid: "EventBridgeRulesPublish",
            Effect: "Allow",
            Principal: { Service: `events.${c.dnsSuffix}` },
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: {
                ...sameAccount,
                ArnLike: { "aws:SourceArn": `arn:${c.partition}:events:${c.region}:${c.accountId}:rule/*` },
            },
        },
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sns:Publish",
            Resource: topicArn,
            Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
    ];
}

// ---------------------------------------------------------------------------------------------
// Backup vault
// ---------------------------------------------------------------------------------------------

/**
 * Actions the vault's access policy denies to every principal: recovery points outlive mistakes.
 * Removing or replacing the policy itself stays possible (denying it would only block `pulumi
 * destroy`, since PutBackupVaultAccessPolicy can replace it anyway): the vault lock is what makes
 * retention immutable.
 */
export const PROTECTED_BACKUP_ACTIONS = ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"] as const;

/**
 * The vault's access policy: nobody, administrators included, deletes a recovery point or shortens
 * its life; AWS Backup still expires them by the plan's lifecycle (that is not an API call of a
 * principal). Resource `*` means "this vault's recovery points" in a vault policy.
 * See https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault-access-policy.html
 */
export function backupVaultStatements(): PolicyStatement[] {
    return [
        {
            Sid: "DenyRecoveryPointDeletion",
            Effect: "Deny",
            Principal: { AWS: "*" },
            Action: [...PROTECTED_BACKUP_ACTIONS],
            Resource: "*",
        },
    ];
}

/** AWS-managed policies of the role AWS Backup assumes to back up and restore the selection. */
export function backupRoleManagedPolicies(partition: string): string[] {
    return [
        "service-role/AWSBackupServiceRolePolicyForBackup",
        "service-role/AWSBackupServiceRolePolicyForRestores",
        "AWSBackupServiceRolePolicyForS3Backup",
        "AWSBackupServiceRolePolicyForS3Restore",
    ].map((p) => `arn:${partition}:iam::aws:policy/${p}`);
}

// ---------------------------------------------------------------------------------------------
// Delivery: CloudTrail and AWS Config into the audit bucket, encrypted with the audit key.
// (The statements are the log-delivery table's `cloudTrail` and `configDelivery` entries.)
// ---------------------------------------------------------------------------------------------

/** Where CloudTrail and Config write in the audit bucket: `AWSLogs/<account>/...` as both services do. */
export function auditPrefixes(accountId: string): { cloudTrail: string; cloudTrailDigest: string; config: string } {
    return {
        cloudTrail: `AWSLogs/${accountId}/CloudTrail`,
        cloudTrailDigest: `AWSLogs/${accountId}/CloudTrail-Digest`,
        config: `AWSLogs/${accountId}/Config`,
    };
}

/**
 * The trail's name, known before the trail exists, so the audit bucket's and key's policies can name
 * the trail's ARN exactly (CloudTrail checks the bucket policy when it creates the trail, so the
 * policy cannot wait for an autonamed trail). Stack-unique: `<project>-<stack>-<component>-trail`,
 * in the characters CloudTrail allows, runs of separators collapsed.
 * https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
 */
export function trailName(project: string, stack: string, name: string): string {
    const n = `${project}-${stack}-${name}-trail`.replace(/[^A-Za-z0-9._-]/g, "-").replace(/[._-]{2,}/g, "-");
    return /^[A-Za-z0-9]/.test(n) ? n : `t${n}`;
}

/** A multi-Region trail's ARN names its home Region. */
export function trailArnOf(c: AccountScope, name: string): string {
    return `arn:${c.partition}:cloudtrail:${c.region}:${c.accountId}:trail/${name}`;
}

/**
 * CloudTrail (one trail) and AWS Config writing to the audit bucket: the log-delivery table's
 * `audit` purpose, as SecureBucket adds it to the bucket policy.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
 * https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
 */
export function auditBucketStatements(c: AccountScope, bucketArn: string, trailArn: string): PolicyStatement[] {
    return logDeliveryStatements(PURPOSE_DELIVERIES.audit, { ...c, destinationArn: bucketArn, trailArn });
}

/**
 * The audit key: CloudTrail encrypts log and digest files for the trail
 * (https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html),
 * AWS Config encrypts what it delivers
 * (https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html) — both from the
 * log-delivery table — and CloudWatch Logs encrypts the trail's log group
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
 */
export function auditKeyStatements(c: AccountScope, trailArn: string): PolicyStatement[] {
    return [
        accountAdministersKey(c),
        ...logDeliveryKeyStatements(PURPOSE_DELIVERIES.audit, { ...c, destinationArn: "", trailArn }),
        {
            Sid: "CloudWatchLogsOfThisAccount",
            Effect: "Allow",
            Principal: { Service: `logs.${c.region}.${c.dnsSuffix}` },
            Action: KEY_USE,
            Resource: "*",
            Condition: {
                ArnLike: {
                    "kms:EncryptionContext:aws:logs:arn": `arn:${c.partition}:logs:${c.region}:${c.accountId}:log-group:*`,
                },
            },
        },
    ];
}

/** What CloudTrail's role may do: write its events into the one log group. */
export function trailLogsRoleStatements(logGroupArn: string): PolicyStatement[] {
    return [
        {
            Sid: "DeliverTrailEvents",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: `${logGroupArn}:log-stream:*`,
        },
    ];
}

/**
 * What the Config recorder's role may do beyond `AWS_ConfigRole` (reading configurations): deliver
 * to its prefix of the audit bucket with the audit key.
 * See https://docs.aws.amazon.com/config/latest/developerguide/iamrole-permissions.html
 */
export function configRoleStatements(bucketArn: string, accountId: string, keyArn: string): PolicyStatement[] {
    return [
        {
            Sid: "DeliverToAuditBucket",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `${bucketArn}/${auditPrefixes(accountId).config}/*`,
            Condition: { StringLike: { "s3:x-amz-acl": "bucket-owner-full-control" } },
        },
        { Sid: "CheckAuditBucket", Effect: "Allow", Action: "s3:GetBucketAcl", Resource: bucketArn },
        { Sid: "EncryptDeliveries", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: keyArn },
    ];
}
