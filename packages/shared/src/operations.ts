import * as pulumi from "@pulumi/pulumi";

/**
 * The tag that puts a stateful resource into the stack's AWS Backup selection. Every component that
 * creates state (RDS/DocumentDB clusters and instances, data buckets, EBS volumes of hosts that hold
 * state) tags it with `{ [BACKUP_TAG_KEY]: BACKUP_TAG_VALUE }`; the operations baseline selects by it.
 * One constant so the components and the backup selection cannot drift apart.
 *
 * See https://docs.aws.amazon.com/aws-backup/latest/devguide/assigning-resources.html
 */
export const BACKUP_TAG_KEY = "citadel:backup";
/** The value of {@link BACKUP_TAG_KEY} that the stack's nightly backup plan selects. */
export const BACKUP_TAG_VALUE = "daily";

/** The tags that place a resource in the stack's backup selection. */
export function backupTags(): Record<string, string> {
    return { [BACKUP_TAG_KEY]: BACKUP_TAG_VALUE };
}

/**
 * Where a component's CloudWatch alarms notify. Components that take an `alarms` argument create
 * their alarms only when it is given, with `alarmActions` and `okActions` pointing at the topic.
 * Per-component thresholds live in interfaces that extend this one.
 */
export interface AlarmsArgs {
    /**
     * ARN of the SNS topic (encrypted, with a policy admitting `cloudwatch.amazonaws.com`) that
     * receives alarm and OK notifications: normally the stack's alert topic.
     */
    topicArn: pulumi.Input<string>;
}
