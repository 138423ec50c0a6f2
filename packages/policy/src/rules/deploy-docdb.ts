import type * as codedeploy from "@pulumi/aws/codedeploy";
import type * as docdb from "@pulumi/aws/docdb";
import type * as ec2 from "@pulumi/aws/ec2";
import { propsOf, ResourceRule } from "../rule";
import { fails, hasUnknown, isTrue, isUnknown, list } from "../values";
import { T } from "./types";

export const launchTemplateNoPublicIp: ResourceRule = {
    kind: "resource",
    name: "ec2-launch-template-no-public-ip",
    description: "EC2 launch templates do not assign public IP addresses to network interfaces [EC2.25].",
    controls: ["EC2.25"],
    severity: "high",
    remediation:
        'Set networkInterfaces[].associatePublicIpAddress: "false" and launch into private subnets (egress through NAT).',
    defaultLevel: "mandatory",
    resourceTypes: [T.launchTemplate],
    options: {},
    check(r) {
        return list(propsOf<ec2.LaunchTemplateArgs>(r).networkInterfaces)
            .filter((n) => !isUnknown(n) && isTrue(n.associatePublicIpAddress))
            .map((n) => `launch template ${r.name} assigns a public IP to network interface ${n.deviceIndex ?? 0}`);
    },
};

export const codeDeployAutoRollback: ResourceRule = {
    kind: "resource",
    name: "codedeploy-auto-rollback",
    description:
        "CodeDeploy deployment groups roll back automatically when a deployment fails, and when a watched alarm " +
        "stops it (Citadel rule; no FSBP control).",
    controls: [],
    severity: "high",
    remediation:
        'Set autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] } ' +
        "(the second when alarmConfiguration is enabled).",
    defaultLevel: "mandatory",
    resourceTypes: [T.codedeployDeploymentGroup],
    options: {},
    check(r) {
        const p = propsOf<codedeploy.DeploymentGroupArgs>(r);
        const rollback = p.autoRollbackConfiguration;
        if (hasUnknown(rollback)) return [];
        if (!isTrue(rollback?.enabled)) return [`deployment group ${r.name} does not roll back automatically`];
        const events = list(rollback?.events);
        const messages: string[] = [];
        if (!events.includes("DEPLOYMENT_FAILURE"))
            messages.push(`deployment group ${r.name} does not roll back a failed deployment`);
        if (isTrue(p.alarmConfiguration?.enabled) && !events.includes("DEPLOYMENT_STOP_ON_ALARM")) {
            messages.push(
                `deployment group ${r.name} watches alarms but does not roll back when they stop a deployment`,
            );
        }
        return messages;
    },
};

export const docdbEncrypted: ResourceRule = {
    kind: "resource",
    name: "docdb-storage-encrypted",
    description: "DocumentDB clusters encrypt their storage at rest [DocumentDB.1].",
    controls: ["DocumentDB.1"],
    severity: "medium",
    remediation: "Set storageEncrypted: true and kmsKeyId to the stack's key (a replacement: restore from a snapshot).",
    defaultLevel: "mandatory",
    resourceTypes: [T.docdbCluster],
    options: {},
    check(r) {
        return fails(propsOf<docdb.ClusterArgs>(r).storageEncrypted, (v) => v === true)
            ? [`DocumentDB cluster ${r.name} does not set storageEncrypted: true`]
            : [];
    },
};

export const docdbBackupRetention: ResourceRule = {
    kind: "resource",
    name: "docdb-backup-retention",
    description: "DocumentDB clusters keep automated backups for at least 7 days [DocumentDB.2].",
    controls: ["DocumentDB.2"],
    severity: "medium",
    remediation:
        "Set backupRetentionPeriod to 7 or more (DocumentDB's default is 1; Citadel's DocumentDatabase keeps 15).",
    defaultLevel: "mandatory",
    resourceTypes: [T.docdbCluster],
    options: {},
    check(r) {
        const days = propsOf<docdb.ClusterArgs>(r).backupRetentionPeriod;
        return fails(days, (d) => typeof d === "number" && d >= 7)
            ? [`DocumentDB cluster ${r.name} keeps backups ${days ?? "for the default 1 (unset)"} days, fewer than 7`]
            : [];
    },
};

export const docdbAuditLogs: ResourceRule = {
    kind: "resource",
    name: "docdb-audit-logs",
    description: "DocumentDB clusters publish their audit logs to CloudWatch Logs [DocumentDB.4].",
    controls: ["DocumentDB.4"],
    severity: "medium",
    remediation: 'Add "audit" to enabledCloudwatchLogsExports, and set audit_logs in the cluster parameter group.',
    defaultLevel: "mandatory",
    resourceTypes: [T.docdbCluster],
    options: {},
    check(r) {
        const exports = propsOf<docdb.ClusterArgs>(r).enabledCloudwatchLogsExports;
        return fails(exports, (e) => list(e).includes("audit"))
            ? [`DocumentDB cluster ${r.name} does not export its audit log`]
            : [];
    },
};

/** `audit_logs` values that log nothing. https://docs.aws.amazon.com/documentdb/latest/developerguide/db-cluster-parameter-group-parameters.html */
const AUDIT_OFF = ["disabled", "none"];

export const docdbParameterGroup: ResourceRule = {
    kind: "resource",
    name: "docdb-tls-and-audit-parameters",
    description:
        "DocumentDB cluster parameter groups require TLS and turn audit logging on (Citadel rule; no FSBP control).",
    controls: [],
    severity: "high",
    remediation:
        'Set parameters tls: "enabled" (or "fips-140-3"/"tls1.2+"/"tls1.3+") and audit_logs: "ddl" (or another value but ' +
        '"disabled"/"none").',
    defaultLevel: "mandatory",
    resourceTypes: [T.docdbClusterParameterGroup],
    options: {},
    check(r) {
        const params = propsOf<docdb.ClusterParameterGroupArgs>(r).parameters;
        if (hasUnknown(params)) return [];
        const byName = new Map(list(params).map((p) => [p.name, p.value]));
        const messages: string[] = [];
        if (byName.get("tls") === "disabled") messages.push(`DocumentDB parameter group ${r.name} turns TLS off`);
        const audit = byName.get("audit_logs");
        if (audit === undefined || AUDIT_OFF.includes(String(audit))) {
            messages.push(
                `DocumentDB parameter group ${r.name} leaves audit_logs ${audit ?? "at its default (disabled)"}`,
            );
        }
        return messages;
    },
};
