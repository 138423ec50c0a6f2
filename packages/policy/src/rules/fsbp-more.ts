/**
 * FSBP controls for resource types Citadel creates that the other rule files did not cover yet
 * (issue 11, kind 14). Each judges one resource's own inputs.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html
 */
import { PolicyResource, ResourceRule } from "../rule";
import { fails } from "../values";
import { T } from "./types";

const get = (r: PolicyResource, field: string): unknown => (r.props as Record<string, unknown>)[field];

function fieldRule(
    spec: Omit<ResourceRule, "kind" | "check" | "options">,
    field: string,
    ok: (v: unknown) => boolean,
    message: (v: unknown) => string,
): ResourceRule {
    return {
        ...spec,
        kind: "resource",
        options: {},
        check(r) {
            const v = get(r, field);
            return fails(v, ok) ? [`${r.type.split(":").pop()} ${r.name} ${message(v)}`] : [];
        },
    };
}

/** https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-3 */
export const noHostPid = fieldRule(
    {
        name: "ecs-no-host-pid",
        description: "ECS task definitions do not share the host's process namespace [ECS.3].",
        controls: ["ECS.3"],
        severity: "high",
        remediation: 'Remove pidMode: "host" (use "task" to share processes between the task\'s containers).',
        defaultLevel: "mandatory",
        resourceTypes: [T.taskDefinition],
    },
    "pidMode",
    (v) => v !== "host",
    () => 'shares the host\'s process namespace (pidMode "host")',
);

/** https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-10 */
export const fargateLatestPlatform = fieldRule(
    {
        name: "ecs-fargate-latest-platform",
        description: "ECS services pin no Fargate platform version other than LATEST [ECS.10].",
        controls: ["ECS.10"],
        severity: "medium",
        remediation: 'Leave platformVersion unset (AWS uses LATEST) or set it to "LATEST".',
        defaultLevel: "mandatory",
        resourceTypes: [T.ecsService],
    },
    "platformVersion",
    (v) => v === undefined || v === null || v === "LATEST",
    (v) => `pins Fargate platform version ${JSON.stringify(v)}, not LATEST`,
);

/** https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-17 (instances), #rds-16 (clusters) */
export const copyTagsToSnapshots = fieldRule(
    {
        name: "rds-copy-tags-to-snapshots",
        description: "RDS DB instances and clusters copy their tags to snapshots [RDS.17, RDS.16].",
        controls: ["RDS.17", "RDS.16"],
        severity: "low",
        remediation: "Set copyTagsToSnapshot: true (the backup tag then follows the data into its snapshots).",
        defaultLevel: "mandatory",
        resourceTypes: [T.dbInstance, T.dbCluster],
    },
    "copyTagsToSnapshot",
    (v) => v === true,
    () => "does not set copyTagsToSnapshot: true",
);

/** Default administrator names of the RDS engines, which RDS.24/RDS.25 refuse. */
export const DEFAULT_ADMIN_USERNAMES = ["admin", "postgres", "root", "administrator", "sa", "master"];

/** https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-25 (instances), #rds-24 (clusters) */
export const customAdminUsername: ResourceRule = {
    kind: "resource",
    name: "rds-custom-admin-username",
    description:
        "RDS DB instances and clusters use a custom administrator username, not the engine's default [RDS.25, RDS.24].",
    controls: ["RDS.25", "RDS.24"],
    severity: "medium",
    remediation: 'Set username / masterUsername to a name of your own (Citadel uses "citadel").',
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbCluster],
    options: {},
    check(r) {
        const v = get(r, r.type === T.dbCluster ? "masterUsername" : "username");
        return fails(v, (u) => typeof u !== "string" || !DEFAULT_ADMIN_USERNAMES.includes(u.toLowerCase()))
            ? [`${r.type.split(":").pop()} ${r.name} uses the default administrator name ${JSON.stringify(v)}`]
            : [];
    },
};

/** https://docs.aws.amazon.com/securityhub/latest/userguide/documentdb-controls.html#documentdb-5 */
export const docdbDeletionProtection = fieldRule(
    {
        name: "docdb-deletion-protection",
        description:
            "DocumentDB clusters have deletion protection on [DocumentDB.5]. Advisory: a dev cluster is meant to be destroyed.",
        controls: ["DocumentDB.5"],
        severity: "medium",
        remediation: "Set deletionProtection: true (Citadel does where protect is on).",
        defaultLevel: "advisory",
        resourceTypes: [T.docdbCluster],
    },
    "deletionProtection",
    (v) => v === true,
    () => "does not set deletionProtection: true",
);

/** https://docs.aws.amazon.com/securityhub/latest/userguide/cloudwatch-controls.html#cloudwatch-17 */
export const alarmActionsEnabled = fieldRule(
    {
        name: "cloudwatch-alarm-actions-enabled",
        description: "CloudWatch alarms have their actions enabled [CloudWatch.17].",
        controls: ["CloudWatch.17"],
        severity: "high",
        remediation: "Leave actionsEnabled unset or true: an alarm whose actions are off notifies no one.",
        defaultLevel: "mandatory",
        resourceTypes: [T.metricAlarm],
    },
    "actionsEnabled",
    (v) => v !== false,
    () => "has its actions disabled (actionsEnabled: false)",
);

/** https://docs.aws.amazon.com/securityhub/latest/userguide/backup-controls.html#backup-1 */
export const backupVaultEncrypted = fieldRule(
    {
        name: "backup-vault-kms",
        description: "AWS Backup vaults encrypt recovery points with a customer-managed KMS key [Backup.1].",
        controls: ["Backup.1"],
        severity: "medium",
        remediation: "Set kmsKeyArn to the stack's key.",
        defaultLevel: "mandatory",
        resourceTypes: [T.backupVault],
    },
    "kmsKeyArn",
    (v) => typeof v === "string" && v !== "",
    () => "sets no kmsKeyArn (AWS's managed key)",
);

/**
 * IAM.7 and IAM.11..IAM.16: the account password policy.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/iam-controls.html
 */
export const passwordPolicy: ResourceRule = {
    kind: "resource",
    name: "iam-password-policy",
    description:
        "The account password policy requires 14+ characters with upper and lower case, numbers and symbols, " +
        "expiry within 90 days and no reuse of the last 24 [IAM.7; CIS's IAM.11..IAM.16 too].",
    controls: ["IAM.7"],
    severity: "medium",
    remediation:
        "Set minimumPasswordLength >= 14, require upper/lower case, numbers and symbols, maxPasswordAge <= 90, " +
        "passwordReusePrevention >= 24.",
    defaultLevel: "mandatory",
    resourceTypes: [T.accountPasswordPolicy],
    options: {},
    check(r) {
        const checks: [string, (v: unknown) => boolean, string][] = [
            ["minimumPasswordLength", (v) => typeof v === "number" && v >= 14, "is below 14 (IAM.15)"],
            ["requireUppercaseCharacters", (v) => v === true, "is not true (IAM.11)"],
            ["requireLowercaseCharacters", (v) => v === true, "is not true (IAM.12)"],
            ["requireSymbols", (v) => v === true, "is not true (IAM.13)"],
            ["requireNumbers", (v) => v === true, "is not true (IAM.14)"],
            ["passwordReusePrevention", (v) => typeof v === "number" && v >= 24, "is below 24 (IAM.16)"],
            ["maxPasswordAge", (v) => typeof v === "number" && v >= 1 && v <= 90, "is not 1..90 days"],
        ];
        return checks.flatMap(([f, ok, problem]) =>
            fails(get(r, f), ok)
                ? [`password policy ${r.name}: ${f} ${JSON.stringify(get(r, f)) ?? "(unset)"} ${problem}`]
                : [],
        );
    },
};
