import * as pulumi from "@pulumi/pulumi";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { ConfigError } from "./errors";

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

/** One CloudWatch alarm as data: what a component asks for, before it is wired to the topic. */
export interface AlarmSpec {
    /** Suffix of the alarm's logical name: `${component}-alarm-${id}`. */
    id: string;
    /** The alarm's description: what breached and what to look at first. Reaches the notification. */
    description: string;
    /** The metric's namespace, e.g. `AWS/RDS`, `CWAgent`. */
    namespace: string;
    /** The metric's name, e.g. `FreeStorageSpace`. */
    metricName: string;
    /** The metric's dimensions, e.g. `{ DBInstanceIdentifier: db.identifier }`. */
    dimensions: Record<string, pulumi.Input<string>>;
    /** How the datapoints of each period are aggregated. */
    statistic: "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount";
    /** How the statistic is compared with `threshold`. */
    comparisonOperator:
        "GreaterThanOrEqualToThreshold" | "GreaterThanThreshold" | "LessThanThreshold" | "LessThanOrEqualToThreshold";
    /** The value compared with, in the metric's own unit (bytes, percent, a count: see the metric's documentation). */
    threshold: number;
    /** Seconds per datapoint (60 for EC2 detailed monitoring and most services). */
    period: number;
    /** How many most recent periods are evaluated (a count). */
    evaluationPeriods: number;
    /** How many of the evaluated datapoints must breach. @default evaluationPeriods */
    datapointsToAlarm?: number;
    /**
     * What a missing datapoint means. `breaching` where silence is itself the failure (a host that
     * stopped reporting); `notBreaching` for counters AWS only publishes when non-zero (5xx, DLQ).
     */
    treatMissingData: "breaching" | "notBreaching" | "missing" | "ignore";
    /** Actions besides the topic, e.g. `arn:aws:automate:<region>:ec2:recover`. */
    extraAlarmActions?: pulumi.Input<string>[];
}

/** Rejects a threshold outside its allowed range, naming the argument. */
export function requireThreshold(key: string, value: number | undefined, min: number, max: number, unit: string): void {
    if (value === undefined) return;
    if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
        throw new ConfigError(key, value, "is out of range", `${min}..${max} (${unit})`);
    }
}

/**
 * Creates the alarms of `specs`, each notifying `alarms.topicArn` on ALARM and on OK, as children of
 * `parent`. Returns them so components can expose their names.
 */
export function createAlarms(
    parent: pulumi.Resource,
    name: string,
    alarms: AlarmsArgs,
    specs: AlarmSpec[],
): cloudwatch.MetricAlarm[] {
    return specs.map(
        (s) =>
            new cloudwatch.MetricAlarm(
                `${name}-alarm-${s.id}`,
                {
                    alarmDescription: s.description,
                    namespace: s.namespace,
                    metricName: s.metricName,
                    dimensions: s.dimensions,
                    statistic: s.statistic,
                    comparisonOperator: s.comparisonOperator,
                    threshold: s.threshold,
                    period: s.period,
                    evaluationPeriods: s.evaluationPeriods,
                    datapointsToAlarm: s.datapointsToAlarm ?? s.evaluationPeriods,
                    treatMissingData: s.treatMissingData,
                    alarmActions: [alarms.topicArn, ...(s.extraAlarmActions ?? [])],
                    okActions: [alarms.topicArn],
                    actionsEnabled: true,
                },
                { parent },
            ),
    );
}
