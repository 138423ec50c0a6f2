import type * as rds from "@pulumi/aws/rds";
import { PolicyResource, propsOf, ResourceRule } from "../rule";
import { fails, isSet, isUnknown, list } from "../values";
import { T } from "./types";

/** The fields shared by DB instances and clusters that the rules read. */
type DbProps = Partial<{
    engine: unknown;
    storageEncrypted: unknown;
    backupRetentionPeriod: unknown;
    iamDatabaseAuthenticationEnabled: unknown;
    enabledCloudwatchLogsExports: unknown;
    deletionProtection: unknown;
    manageMasterUserPassword: unknown;
    replicateSourceDb: unknown;
    snapshotIdentifier: unknown;
}>;

function db(r: PolicyResource): DbProps {
    return r.type === T.dbCluster ? propsOf<rds.ClusterArgs>(r) : propsOf<rds.InstanceArgs>(r);
}

/** "instance x" / "cluster x" in messages. */
function what(r: PolicyResource): string {
    return `${r.type === T.dbCluster ? "DB cluster" : r.type === T.dbClusterInstance ? "DB cluster instance" : "DB instance"} ${r.name}`;
}

/** A rule that one boolean field of DB instances (and clusters) must be true. */
function mustBeTrue(
    spec: Omit<ResourceRule, "kind" | "check" | "options">,
    field: keyof DbProps,
    message: string,
): ResourceRule {
    return {
        ...spec,
        kind: "resource",
        options: {},
        check(r) {
            return fails(db(r)[field], (v) => v === true) ? [`${what(r)} ${message}`] : [];
        },
    };
}

export const storageEncrypted = mustBeTrue(
    {
        name: "rds-storage-encrypted",
        description: "RDS DB instances and clusters encrypt their storage at rest [RDS.3, RDS.27].",
        controls: ["RDS.3", "RDS.27"],
        severity: "medium",
        remediation:
            "Set storageEncrypted: true and kmsKeyId to the stack's key (a replacement: plan a snapshot restore).",
        defaultLevel: "mandatory",
        resourceTypes: [T.dbInstance, T.dbCluster],
    },
    "storageEncrypted",
    "does not set storageEncrypted: true",
);

export const notPublic: ResourceRule = {
    kind: "resource",
    name: "rds-not-public",
    description: "RDS DB instances are not publicly accessible [RDS.2].",
    controls: ["RDS.2"],
    severity: "critical",
    remediation: "Set publiclyAccessible: false (the default) and place the database in private subnets.",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbClusterInstance],
    options: {},
    check(r) {
        return propsOf<rds.InstanceArgs>(r).publiclyAccessible === true
            ? [`${what(r)} sets publiclyAccessible: true`]
            : [];
    },
};

export interface BackupOptions {
    /** Fewest days of automated backups accepted, 1 to 35. @default 7 */
    minimumRetentionDays: number;
}

export const backupRetention: ResourceRule<BackupOptions> = {
    kind: "resource",
    name: "rds-backup-retention",
    description: "RDS DB instances and clusters keep automated backups for at least 7 days [RDS.11].",
    controls: ["RDS.11"],
    severity: "medium",
    remediation: "Set backupRetentionPeriod to 7 or more (up to 35).",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbCluster],
    options: {
        minimumRetentionDays: {
            type: "integer",
            minimum: 1,
            maximum: 35,
            default: 7,
            description: "Fewest days of automated backups accepted.",
        },
    },
    check(r, { minimumRetentionDays }) {
        const p = db(r);
        // A read replica's backups are its source's.
        if (isSet(p.replicateSourceDb)) return [];
        return fails(p.backupRetentionPeriod, (d) => typeof d === "number" && d >= minimumRetentionDays)
            ? [
                  `${what(r)} keeps backups ${p.backupRetentionPeriod ?? "for the provider's default (unset)"} days, ` +
                      `fewer than ${minimumRetentionDays}`,
              ]
            : [];
    },
};

export const autoMinorUpgrade: ResourceRule = {
    kind: "resource",
    name: "rds-auto-minor-upgrade",
    description: "RDS DB instances take automatic minor engine upgrades [RDS.13].",
    controls: ["RDS.13"],
    severity: "high",
    remediation: "Leave autoMinorVersionUpgrade unset or true.",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbClusterInstance],
    options: {},
    check(r) {
        return propsOf<rds.InstanceArgs>(r).autoMinorVersionUpgrade === false
            ? [`${what(r)} sets autoMinorVersionUpgrade: false`]
            : [];
    },
};

/** Engines that support IAM database authentication (RDS.10 applies to these). */
const IAM_AUTH_ENGINES = /^(postgres|mysql|mariadb|aurora)/;

export const iamAuthentication: ResourceRule = {
    kind: "resource",
    name: "rds-iam-auth",
    description: "RDS DB instances and clusters accept IAM database authentication [RDS.10, RDS.12].",
    controls: ["RDS.10", "RDS.12"],
    severity: "medium",
    remediation: "Set iamDatabaseAuthenticationEnabled: true.",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbCluster],
    options: {},
    check(r) {
        const p = db(r);
        if (typeof p.engine === "string" && !IAM_AUTH_ENGINES.test(p.engine)) return [];
        return fails(p.iamDatabaseAuthenticationEnabled, (v) => v === true)
            ? [`${what(r)} does not set iamDatabaseAuthenticationEnabled: true`]
            : [];
    },
};

/** The logs RDS.9 expects per engine family; other engines need at least one export. */
const REQUIRED_LOGS: Array<[RegExp, string[]]> = [
    [/^(aurora-postgresql|postgres)/, ["postgresql"]],
    [/^(aurora-mysql|aurora|mysql|mariadb)/, ["audit", "error", "general", "slowquery"]],
    [/^oracle/, ["alert", "audit", "trace", "listener"]],
    [/^sqlserver/, ["error", "agent"]],
];

export const logExports: ResourceRule = {
    kind: "resource",
    name: "rds-log-exports",
    description:
        "RDS DB instances and clusters publish their engine logs to CloudWatch Logs [RDS.9; for PostgreSQL " +
        "RDS.36 and RDS.37, for Aurora MySQL's audit log RDS.34].",
    controls: ["RDS.9", "RDS.36", "RDS.37", "RDS.34"],
    severity: "medium",
    remediation:
        'Set enabledCloudwatchLogsExports, e.g. ["postgresql", "upgrade"] for PostgreSQL (and keep ' +
        "statement logging off in the parameter group: the logs must not carry PHI).",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbCluster],
    options: {},
    check(r) {
        const p = db(r);
        if (isUnknown(p.enabledCloudwatchLogsExports)) return [];
        const exported = list(p.enabledCloudwatchLogsExports as string[] | undefined);
        const engine = typeof p.engine === "string" ? p.engine : "";
        const required = REQUIRED_LOGS.find(([re]) => re.test(engine))?.[1];
        const missing = (required ?? []).filter((l) => !exported.includes(l));
        if (exported.length === 0) return [`${what(r)} exports no logs to CloudWatch Logs`];
        return missing.length
            ? [`${what(r)} does not export the ${missing.join(", ")} log${missing.length > 1 ? "s" : ""}`]
            : [];
    },
};

export const multiAz: ResourceRule = {
    kind: "resource",
    name: "rds-multi-az",
    description: "RDS DB instances run multi-AZ [RDS.5]. Advisory: dev runs a single-AZ database to save cost.",
    controls: ["RDS.5"],
    severity: "medium",
    remediation: "Set multiAz: true (Citadel's prod stack does).",
    defaultLevel: "advisory",
    resourceTypes: [T.dbInstance],
    options: {},
    check(r) {
        return fails(propsOf<rds.InstanceArgs>(r).multiAz, (v) => v === true) ? [`${what(r)} is single-AZ`] : [];
    },
};

export const dbDeletionProtection = mustBeTrue(
    {
        name: "rds-deletion-protection",
        description:
            "RDS DB instances and clusters have deletion protection on [RDS.8, RDS.7]. Advisory: a dev " +
            "database is meant to be destroyed.",
        controls: ["RDS.8", "RDS.7"],
        severity: "low",
        remediation: "Set deletionProtection: true (Citadel does where protect is on).",
        defaultLevel: "advisory",
        resourceTypes: [T.dbInstance, T.dbCluster],
    },
    "deletionProtection",
    "does not set deletionProtection: true",
);

export const managedMasterPassword: ResourceRule = {
    kind: "resource",
    name: "rds-master-password-not-in-state",
    description:
        "The master password of RDS DB instances and clusters is generated and kept by RDS in Secrets " +
        "Manager, never written to Pulumi state (Citadel rule; no FSBP control: Orthweb kept it in state).",
    controls: [],
    severity: "high",
    remediation:
        "Set manageMasterUserPassword: true (with masterUserSecretKmsKeyId) and drop password / " +
        "passwordWo (Pulumi writes even write-only inputs to state, as secrets); apps read the secret at runtime.",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbCluster],
    options: {},
    check(r) {
        const given =
            r.type === T.dbCluster
                ? (["masterPassword", "masterPasswordWo"] as const).filter((f) => isSet(propsOf<rds.ClusterArgs>(r)[f]))
                : (["password", "passwordWo"] as const).filter((f) => isSet(propsOf<rds.InstanceArgs>(r)[f]));
        if (given.length > 0) return [`${what(r)} sets ${given.join(" and ")}, so the password is in state`];
        const p = db(r);
        // Replicas and snapshot restores take their credentials from the source.
        if (isSet(p.replicateSourceDb) || isSet(p.snapshotIdentifier)) return [];
        return fails(p.manageMasterUserPassword, (v) => v === true)
            ? [`${what(r)} does not set manageMasterUserPassword: true`]
            : [];
    },
};
