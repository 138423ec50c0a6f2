/**
 * The operations pieces this example needs, composed from @pulumi/aws directly: Citadel's operations
 * baseline (alert topic, AWS Backup plan) was not on main when this example was written. When
 * @citadel/operations lands, its AlertTopic and BackupPlan replace these two functions.
 */
import * as pulumi from "@pulumi/pulumi";
import * as backup from "@pulumi/aws/backup";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as sns from "@pulumi/aws/sns";
import { getCallerIdentityOutput } from "@pulumi/aws/getCallerIdentity";
import { getPartitionOutput } from "@pulumi/aws/getPartition";
import { BACKUP_TAG_KEY, BACKUP_TAG_VALUE, policyJson, serviceTrustPolicy } from "@citadel/shared";

export interface AlertTopic {
    topicArn: pulumi.Output<string>;
    keyArn: pulumi.Output<string>;
}

/**
 * An encrypted SNS topic with one email subscriber. It has a key of its own: CloudWatch alarms may
 * publish only to topics whose key policy admits `cloudwatch.amazonaws.com`.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html
 */
export function alertTopic(name: string, email: string): AlertTopic {
    const accountId = getCallerIdentityOutput().accountId;
    const partition = getPartitionOutput();
    const key = new kms.Key(`${name}-key`, {
        description: "Alert topic: CloudWatch alarms and CodeDeploy events",
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: pulumi.all([accountId, partition.partition, partition.dnsSuffix]).apply(([account, p, dns]) => policyJson([
            { Sid: "AccountAdministers", Effect: "Allow", Principal: { AWS: `arn:${p}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
            {
                Sid: "CloudWatchAlarms", Effect: "Allow", Principal: { Service: `cloudwatch.${dns}` },
                Action: ["kms:Decrypt", "kms:GenerateDataKey*"], Resource: "*",
                Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
        ])),
    });
    const topic = new sns.Topic(name, { kmsMasterKeyId: key.arn });
    new sns.TopicPolicy(`${name}-policy`, {
        arn: topic.arn,
        policy: pulumi.all([topic.arn, accountId, partition.dnsSuffix]).apply(([arn, account, dns]) => policyJson([
            {
                Sid: "CloudWatchAlarmsPublish", Effect: "Allow", Principal: { Service: `cloudwatch.${dns}` }, Action: "sns:Publish",
                Resource: arn, Condition: { StringEquals: { "aws:SourceAccount": account } },
            },
            {
                Sid: "DenyInsecureTransport", Effect: "Deny", Principal: "*", Action: "sns:Publish", Resource: arn,
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
        ])),
    });
    // An alert topic without a subscriber is silence.
    new sns.TopicSubscription(`${name}-email`, { topic: topic.arn, protocol: "email", endpoint: email });
    return { topicArn: topic.arn, keyArn: key.arn };
}

/**
 * Nightly AWS Backup of everything carrying `backupTags()` (the DocumentDB cluster here), kept 15
 * days as the write-up's dumps were, in a vault encrypted with the stack key. RPO 24 h.
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 */
export function nightlyBackups(name: string, kmsKeyArn: pulumi.Input<string>, protect: boolean): void {
    const accountId = getCallerIdentityOutput().accountId;
    const partition = getPartitionOutput();
    const vault = new backup.Vault(`${name}-vault`, { kmsKeyArn }, { protect });
    const plan = new backup.Plan(`${name}-plan`, {
        rules: [{
            ruleName: "nightly",
            targetVaultName: vault.name,
            schedule: "cron(0 0 * * ? *)",
            startWindow: 60,
            completionWindow: 240,
            lifecycle: { deleteAfter: 15 },
        }],
    });
    const role = new iam.Role(`${name}-role`, {
        assumeRolePolicy: pulumi.all([accountId, partition.dnsSuffix]).apply(([account, dns]) => serviceTrustPolicy(`backup.${dns}`, account)),
    });
    for (const policy of ["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"]) {
        new iam.RolePolicyAttachment(`${name}-${policy}`, {
            role: role.name,
            policyArn: partition.partition.apply((p) => `arn:${p}:iam::aws:policy/service-role/${policy}`),
        });
    }
    new backup.Selection(`${name}-selection`, {
        planId: plan.id,
        iamRoleArn: role.arn,
        selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_TAG_KEY, value: BACKUP_TAG_VALUE }],
    });
}
