import type * as cfg from "@pulumi/aws/cfg";
import type * as cloudtrail from "@pulumi/aws/cloudtrail";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as sns from "@pulumi/aws/sns";
import { attachedTo, Finding, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, hasUnknown, isSet, isUnknown, list } from "../values";
import { BUCKETS, T } from "./types";

export const cloudTrailBaseline: ResourceRule = {
    kind: "resource",
    name: "cloudtrail-baseline",
    description:
        "CloudTrail trails record every region, validate their log files, encrypt them with a KMS key and " +
        "send events to CloudWatch Logs [CloudTrail.1, CloudTrail.2, CloudTrail.4, CloudTrail.5].",
    controls: ["CloudTrail.1", "CloudTrail.2", "CloudTrail.4", "CloudTrail.5"],
    severity: "high",
    remediation:
        "Set isMultiRegionTrail, enableLogFileValidation, kmsKeyId and cloudWatchLogsGroupArn/RoleArn " +
        "(AccountBaseline does this).",
    defaultLevel: "mandatory",
    resourceTypes: [T.trail],
    options: {},
    check(r) {
        const p = propsOf<cloudtrail.TrailArgs>(r);
        const problems: string[] = [];
        if (fails(p.isMultiRegionTrail, (v) => v === true)) problems.push("isMultiRegionTrail is not true");
        if (fails(p.enableLogFileValidation, (v) => v === true)) problems.push("enableLogFileValidation is not true");
        if (fails(p.kmsKeyId, isSet)) problems.push("kmsKeyId is not set");
        if (fails(p.cloudWatchLogsGroupArn, isSet)) problems.push("cloudWatchLogsGroupArn is not set");
        return problems.map((m) => `trail ${r.name}: ${m}`);
    },
};

export const configRecorder: ResourceRule = {
    kind: "resource",
    name: "config-recorder-all-types",
    description: "AWS Config recorders record all supported resource types [Config.1].",
    controls: ["Config.1"],
    severity: "medium",
    remediation:
        "Set recordingGroup.allSupported: true (AccountBaseline does this); record global types in one region.",
    defaultLevel: "mandatory",
    resourceTypes: [T.configRecorder],
    options: {},
    check(r) {
        const group = propsOf<cfg.RecorderArgs>(r).recordingGroup as { allSupported?: unknown } | undefined;
        if (hasUnknown(group)) return [];
        return group?.allSupported === true
            ? []
            : [`Config recorder ${r.name} does not set recordingGroup.allSupported: true`];
    },
};

export const snsEncrypted: ResourceRule = {
    kind: "resource",
    name: "sns-encrypted",
    description: "SNS topics are encrypted at rest with a customer-managed KMS key [SNS.1].",
    controls: ["SNS.1"],
    severity: "medium",
    remediation:
        "Set kmsMasterKeyId to a customer-managed key whose policy admits the publishers (AlertTopic does " +
        "this); the AWS-managed alias/aws/sns cannot be used by CloudWatch alarms or EventBridge.",
    defaultLevel: "mandatory",
    resourceTypes: [T.snsTopic],
    options: {},
    check(r) {
        const key = propsOf<sns.TopicArgs>(r).kmsMasterKeyId;
        if (fails(key, isSet)) return [`topic ${r.name} is not encrypted (kmsMasterKeyId is not set)`];
        if (typeof key === "string" && /alias\/aws\/sns$/.test(key)) {
            return [`topic ${r.name} uses the AWS-managed key alias/aws/sns, which alarms and EventBridge cannot use`];
        }
        return [];
    },
};

export interface BackupCoverageOptions {
    /** The tag that puts a resource in a backup selection. @default "citadel:backup" */
    tagKey: string;
    /** The tag's value the backup selection matches. @default "daily" */
    tagValue: string;
}

/** A bucket whose current objects expire holds logs; one whose objects are kept holds data. */
function expiresCurrentObjects(resources: readonly PolicyResource[], bucket: PolicyResource): boolean {
    const lifecycles = attachedTo(resources, bucket, [T.bucketLifecycle, T.bucketLifecycleV2], "bucket").definite;
    return lifecycles.some((l) =>
        list(l.props.rules as unknown[]).some((rule) => {
            const e = (rule as { status?: unknown; expiration?: { days?: unknown } }).expiration;
            return (
                (rule as { status?: unknown }).status === "Enabled" &&
                e !== undefined &&
                e !== null &&
                e.days !== undefined
            );
        }),
    );
}

function tagged(r: PolicyResource, key: string, value: string): boolean | undefined {
    const tags = r.props.tags as Record<string, unknown> | undefined;
    if (isUnknown(tags) || (tags && isUnknown(tags[key]))) return undefined;
    return tags?.[key] === value;
}

export const backupCoverage: StackRule<BackupCoverageOptions> = {
    kind: "stack",
    name: "backup-coverage",
    description:
        "Every RDS instance and cluster and every data bucket (one whose current objects do not expire) " +
        "carries the backup tag, and the stack's AWS Backup selections select that tag [RDS.26].",
    controls: ["RDS.26"],
    severity: "high",
    remediation:
        "Tag the resource with backupTags() from @citadel/shared (PostgresDatabase and SecureBucket do this " +
        "for data) and select the tag in a backup.Selection (BackupPlan does this).",
    defaultLevel: "mandatory",
    resourceTypes: [
        T.dbInstance,
        T.dbCluster,
        T.bucket,
        T.bucketV2,
        T.bucketLifecycle,
        T.bucketLifecycleV2,
        T.backupSelection,
    ],
    options: {
        tagKey: {
            type: "string",
            default: "citadel:backup",
            description: "The tag that puts a resource in a backup selection.",
        },
        tagValue: { type: "string", default: "daily", description: "Its value." },
    },
    check(resources, { tagKey, tagValue }) {
        const findings: Finding[] = [];
        const candidates = [
            ...ofTypes(resources, [T.dbInstance, T.dbCluster]).filter((d) => !isSet(d.props.replicateSourceDb)),
            ...ofTypes(resources, BUCKETS).filter((b) => !expiresCurrentObjects(resources, b)),
        ];
        for (const r of candidates) {
            if (tagged(r, tagKey, tagValue) === false) {
                findings.push({
                    resource: r,
                    message: `${r.name} holds data but is not tagged ${tagKey}=${tagValue}, so no backup selects it`,
                });
            }
        }
        // Without a selection in the stack the tag may be selected elsewhere (an organisation's backup
        // policy); the stack program refuses a protected stack without backups.
        const selections = ofTypes(resources, [T.backupSelection]);
        const selects = selections.some((s) => {
            const tags = s.props.selectionTags;
            if (hasUnknown(tags)) return true;
            return list(tags as Array<{ key?: unknown; value?: unknown; type?: unknown }>).some(
                (t) => t.key === tagKey && t.value === tagValue && t.type === "STRINGEQUALS",
            );
        });
        if (selections.length > 0 && !selects) {
            for (const s of selections) {
                findings.push({
                    resource: s,
                    message: `backup selection ${s.name} does not select ${tagKey}=${tagValue}`,
                });
            }
        }
        return findings;
    },
};

/** Does an alarm's dimension `dim` name `target` (by property dependency, or by value)? */
function alarmNames(
    alarm: PolicyResource,
    dim: string,
    target: PolicyResource,
    values: unknown[],
    match: (value: string, known: string) => boolean = (v, k) => v === k,
): "yes" | "maybe" | "no" {
    if (alarm.propertyDeps?.dimensions?.includes(target.urn)) return "yes";
    const dims = alarm.props.dimensions as Record<string, unknown> | undefined;
    const v = dims?.[dim];
    if (v === undefined) return "no";
    if (isUnknown(v) || hasUnknown(dims)) return alarm.propertyDeps ? "no" : "maybe";
    const known = values.filter((x): x is string => typeof x === "string" && x !== "");
    if (known.length === 0) return alarm.propertyDeps ? "no" : "maybe";
    return known.some((k) => match(v as string, k)) ? "yes" : "no";
}

export const alarmCoverage: StackRule = {
    kind: "stack",
    name: "alarm-coverage",
    description:
        "Every RDS instance, SQS queue, ElastiCache replication group and OpenSearch domain has a CloudWatch " +
        "alarm, and every alarm notifies someone " +
        "[CloudWatch.15].",
    controls: ["CloudWatch.15"],
    severity: "medium",
    remediation:
        "Give the component an alarms argument with the stack's alert topic (PostgresDatabase, EcsApp, Cache, " +
        "Search and OrthancHost create their alarms from it); give every aws.cloudwatch.MetricAlarm alarmActions.",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.sqsQueue, T.replicationGroup, T.openSearchDomain, T.metricAlarm],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        const alarms = ofTypes(resources, [T.metricAlarm]);
        for (const a of alarms) {
            const p = propsOf<cloudwatch.MetricAlarmArgs>(a);
            if (p.actionsEnabled === false || fails(p.alarmActions, (v) => list(v as unknown[]).length > 0)) {
                findings.push({
                    resource: a,
                    message: `alarm ${a.name} notifies nobody (no alarmActions, or actions disabled)`,
                });
            }
        }
        const judge = (
            r: PolicyResource,
            dim: string,
            values: unknown[],
            what: string,
            match?: (value: string, known: string) => boolean,
        ) => {
            const answers = alarms.map((a) => alarmNames(a, dim, r, values, match));
            if (!answers.includes("yes") && !answers.includes("maybe")) {
                findings.push({
                    resource: r,
                    message: `${what} ${r.name} has no CloudWatch alarm (none has dimension ${dim} naming it)`,
                });
            }
        };
        for (const d of ofTypes(resources, [T.dbInstance]))
            judge(d, "DBInstanceIdentifier", [d.props.identifier], "DB instance");
        for (const q of ofTypes(resources, [T.sqsQueue])) judge(q, "QueueName", [q.props.name], "queue");
        // ElastiCache publishes per node: a replication group's member clusters are `<id>-001`, `<id>-002`, …
        // (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.HostLevel.html).
        for (const c of ofTypes(resources, [T.replicationGroup])) {
            judge(c, "CacheClusterId", [c.props.replicationGroupId], "replication group", (v, id) =>
                v.startsWith(`${id}-`),
            );
        }
        for (const d of ofTypes(resources, [T.openSearchDomain]))
            judge(d, "DomainName", [d.props.domainName], "OpenSearch domain");
        return findings;
    },
};
