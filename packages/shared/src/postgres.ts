import { ArgNames, refuseUnknownArgs } from "./known-args";
import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as rds from "@pulumi/aws/rds";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import { RandomString } from "@pulumi/random/randomString";
import { argKeys, ConfigError, requireArgs, requireInteger, refuseRenamed } from "./errors";
import { awsContext } from "./aws-context";
import { serviceTrustPolicy } from "./iam";
import { requireLogRetention } from "./logs";
import { requireDbInstanceClass } from "./aws-names";
import { NetworkRef } from "./refs";
import { AlarmsArgs, AlarmSpec, backupTags, createAlarms, requireThreshold } from "./operations";
import { TagsInput, withTags } from "./tags";

/**
 * The database's CloudWatch alarms (namespace `AWS/RDS`, one datapoint a minute). There is no
 * replica-lag alarm: this component creates no read replica (a Multi-AZ standby publishes no
 * `ReplicaLag`), so such an alarm would never see data.
 */
export interface DatabaseAlarmsArgs extends AlarmsArgs, DatabaseThresholdsArgs {}

/** The database alarms' thresholds, for a component that wires them to its own alarm topic. */
export interface DatabaseThresholdsArgs {
    /** Average CPU (percent) over 5 minutes, three periods in a row. 1..100. @default 80 */
    cpuPercent?: number;
    /** Free storage (GiB) below which the alarm fires; storage also grows on its own up to 5×. @default 2 */
    freeStorageGiB?: number;
    /**
     * Open connections (count) at which the alarm fires, averaged over 5 minutes. RDS for PostgreSQL
     * allows `LEAST(DBInstanceClassMemory / 9531392, 5000)` connections
     * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections).
     * @default 80 % of that for the instance class (90 per GiB: 90 on a db.t4g.micro, 720 on a db.m6g.large)
     */
    connections?: number;
}

export interface PostgresDatabaseArgs extends PostgresSettingsArgs {
    /** Where the database lives: its private subnets (a DB subnet group) and VPC. */
    network: NetworkRef;
    /** Encrypts storage, snapshots, Performance Insights, log exports and the managed master secret. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Security groups whose members may connect on 5432; nobody else can. Give at least one,
     * otherwise the database is unreachable (which is refused as a likely mistake).
     */
    allowedSecurityGroupIds: pulumi.Input<string>[];
}

/**
 * A PostgreSQL database's own settings, without where it lives and who may connect: what a component
 * that places the database itself (EcsApp) takes from its user.
 */
export interface PostgresSettingsArgs {
    /** Name of the database created in the instance (letters, digits, underscores). */
    databaseName: string;
    /** Master user name. Its password is generated and rotated by RDS in Secrets Manager. @default "citadel" */
    masterUsername?: string;
    /** The RDS instance class. @default "db.t4g.micro" */
    instanceClass?: string;
    /** Initial storage in GiB (gp3, grows automatically up to 5×). 20..65536. @default 20 */
    allocatedStorage?: number;
    /** Major version; minor versions are applied automatically. @default "16" */
    engineVersion?: string;
    /** A standby in a second AZ with automatic failover (RDS.5). @default false; on in prod */
    multiAz?: boolean;
    /** Refuse deletion through the API (RDS.8). @default false; on in prod */
    deletionProtection?: boolean;
    /** Days automated backups are kept, 7..35 (RDS.11 asks for at least 7). @default 7 */
    backupRetentionInDays?: number;
    /** Performance Insights, encrypted with the key (not on the smallest classes). @default false */
    performanceInsights?: boolean;
    /** Retention of the exported PostgreSQL logs. @default 365 */
    logRetentionInDays?: number;
    /**
     * Enhanced Monitoring (RDS.6): seconds between the operating-system metrics RDS publishes to
     * CloudWatch Logs (log group RDSOSMetrics), one of 0 (off), 1, 5, 10, 15, 30, 60. A role that
     * monitoring.rds.amazonaws.com assumes is created for it. RDS creates RDSOSMetrics itself, one log
     * group per account and region shared by every instance, so no stack owns its retention or key.
     * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
     * @default 60
     */
    monitoringInterval?: number;
    /** CPU, free storage and connection alarms to this topic; none when unset. @default - no alarms */
    alarms?: DatabaseAlarmsArgs;
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

/** PostgreSQL parameters that are part of the contract: TLS only, and no statement text (PHI) in logs. */
export const POSTGRES_PARAMETERS: ReadonlyArray<{ name: string; value: string; applyMethod?: string }> = [
    { name: "rds.force_ssl", value: "1" },
    { name: "log_statement", value: "none" },
    { name: "log_min_duration_statement", value: "-1" },
    { name: "log_min_error_statement", value: "panic" },
    { name: "log_connections", value: "1" },
    { name: "log_disconnections", value: "1" },
];

/** Log types RDS exports to CloudWatch Logs (RDS.9). */
export const POSTGRES_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** Every argument of PostgresDatabaseArgs, for refusing unknown ones (the compiler keeps this list exact). */
const POSTGRES_DATABASE_ARG_NAMES: ArgNames<PostgresDatabaseArgs> = {
    network: true,
    kmsKeyArn: true,
    allowedSecurityGroupIds: true,
    databaseName: true,
    masterUsername: true,
    instanceClass: true,
    allocatedStorage: true,
    engineVersion: true,
    multiAz: true,
    deletionProtection: true,
    backupRetentionInDays: true,
    performanceInsights: true,
    logRetentionInDays: true,
    monitoringInterval: true,
    alarms: true,
    tags: true,
};

/**
 * RDS PostgreSQL in private subnets: encrypted with the key, TLS forced, reachable on 5432 only
 * from the given security groups, IAM authentication on, the master password generated and kept
 * by RDS in Secrets Manager (never in Pulumi state), backups, log exports with retention, and a
 * final snapshot on deletion.
 */
export class PostgresDatabase extends pulumi.ComponentResource {
    /** The instance's DNS name (host), reachable from the allowed security groups only. */
    readonly address: pulumi.Output<string>;
    /** The port PostgreSQL listens on (5432). */
    readonly port: pulumi.Output<number>;
    /** `host:port` of the instance. */
    readonly endpoint: pulumi.Output<string>;
    /** The database's security group (5432 from the allowed security groups only). */
    readonly securityGroupId: pulumi.Output<string>;
    /** The RDS-managed secret holding `{"username": ..., "password": ...}`. */
    readonly masterUserSecretArn: pulumi.Output<string>;
    /** The RDS instance's ARN. */
    readonly instanceArn: pulumi.Output<string>;
    /** The RDS instance identifier (auto-named). */
    readonly instanceIdentifier: pulumi.Output<string>;
    /** The instance's DbiResourceId, which IAM database authentication policies name (`rds-db:connect`). */
    readonly resourceId: pulumi.Output<string>;
    /** The database created in the instance (`databaseName`). */
    readonly databaseName: string;
    /** The master user's name; its password is in `masterUserSecretArn`. */
    readonly masterUsername: string;

    constructor(name: string, args: PostgresDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("PostgresDatabase", name, args);
        validatePostgresDatabaseArgs(name, args);
        refuseUnknownArgs("PostgresDatabase", name, args, POSTGRES_DATABASE_ARG_NAMES);
        super(
            "citadel:shared:PostgresDatabase",
            name,
            {},
            withTags(argKeys("PostgresDatabase", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };
        const engineVersion = args.engineVersion ?? "16";
        const masterUsername = args.masterUsername ?? "citadel";

        const sg = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.network.vpcId,
                description: "PostgreSQL: 5432 from the application's security groups only",
            },
            parent,
        );
        args.allowedSecurityGroupIds.forEach((source, i) => {
            new vpc.SecurityGroupIngressRule(
                `${name}-from-${i}`,
                {
                    securityGroupId: sg.id,
                    description: "PostgreSQL from an allowed security group",
                    ipProtocol: "tcp",
                    fromPort: 5432,
                    toPort: 5432,
                    referencedSecurityGroupId: source,
                },
                parent,
            );
        });

        const subnets = new rds.SubnetGroup(
            `${name}-subnets`,
            {
                subnetIds: args.network.privateSubnetIds,
                description: "Private subnets only",
            },
            parent,
        );

        const params = new rds.ParameterGroup(
            `${name}-params`,
            {
                family: `postgres${engineVersion.split(".")[0]}`,
                description: "TLS only; no statement logging",
                parameters: POSTGRES_PARAMETERS.map((p) => ({ ...p, applyMethod: "pending-reboot" })),
            },
            parent,
        );

        // The identifier is chosen here (not autonamed by the provider) because RDS exports logs to
        // log groups named after it, and those groups must exist first, with a retention and a key,
        // or RDS creates them unencrypted and kept forever. A random suffix, renewed whenever an
        // input that replaces the instance changes, lets a replacement be created before the old
        // instance is deleted (identifiers are unique per account and region), and gives every
        // instance its own final snapshot name, so a second destroy does not hit DBSnapshotAlreadyExists.
        const suffix = new RandomString(
            `${name}-id-suffix`,
            {
                length: IDENTIFIER_SUFFIX_LENGTH,
                special: false,
                upper: false,
                numeric: true,
                lower: true,
                keepers: {
                    kmsKeyId: args.kmsKeyArn,
                    dbName: args.databaseName,
                    username: masterUsername,
                    storageEncrypted: "true",
                    engine: "postgres",
                },
            },
            parent,
        );
        const identifier = suffix.result.apply((r) =>
            databaseIdentifier(pulumi.getProject(), pulumi.getStack(), name, r),
        );
        const logGroups = POSTGRES_LOG_EXPORTS.map(
            (kind) =>
                new cloudwatch.LogGroup(
                    `${name}-${kind}-logs`,
                    {
                        name: pulumi.interpolate`/aws/rds/instance/${identifier}/${kind}`,
                        retentionInDays: args.logRetentionInDays ?? 365,
                        kmsKeyId: args.kmsKeyArn,
                    },
                    parent,
                ),
        );

        // Enhanced Monitoring's role, pinned to this account (the confused-deputy guard RDS documents:
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html).
        const monitoringInterval = args.monitoringInterval ?? 60;
        let monitoring: { role: iam.Role; attachment: iam.RolePolicyAttachment } | undefined;
        if (monitoringInterval > 0) {
            const ctx = awsContext(this);
            const role = new iam.Role(
                `${name}-monitoring-role`,
                {
                    description: "RDS Enhanced Monitoring: publishes the database host's OS metrics to CloudWatch Logs",
                    assumeRolePolicy: pulumi
                        .all([ctx.accountId, ctx.dnsSuffix])
                        .apply(([accountId, dns]) => serviceTrustPolicy(`monitoring.rds.${dns}`, accountId)),
                },
                parent,
            );
            const attachment = new iam.RolePolicyAttachment(
                `${name}-monitoring-policy`,
                {
                    role: role.name,
                    policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole`,
                },
                parent,
            );
            monitoring = { role, attachment };
        }

        const db = new rds.Instance(
            `${name}`,
            {
                identifier,
                engine: "postgres",
                engineVersion,
                instanceClass: args.instanceClass ?? "db.t4g.micro",
                allocatedStorage: args.allocatedStorage ?? 20,
                maxAllocatedStorage: Math.min((args.allocatedStorage ?? 20) * 5, RDS_MAX_STORAGE_GIB),
                storageType: "gp3",
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                dbName: args.databaseName,
                username: masterUsername,
                manageMasterUserPassword: true,
                masterUserSecretKmsKeyId: args.kmsKeyArn,
                iamDatabaseAuthenticationEnabled: true,
                dbSubnetGroupName: subnets.name,
                vpcSecurityGroupIds: [sg.id],
                parameterGroupName: params.name,
                publiclyAccessible: false,
                multiAz: args.multiAz ?? false,
                deletionProtection: args.deletionProtection ?? false,
                backupRetentionPeriod: args.backupRetentionInDays ?? 7,
                copyTagsToSnapshot: true,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: identifier.apply(finalSnapshotIdentifier),
                deleteAutomatedBackups: false,
                autoMinorVersionUpgrade: true,
                allowMajorVersionUpgrade: false,
                caCertIdentifier: "rds-ca-rsa2048-g1",
                enabledCloudwatchLogsExports: [...POSTGRES_LOG_EXPORTS],
                performanceInsightsEnabled: args.performanceInsights ?? false,
                performanceInsightsKmsKeyId: args.performanceInsights ? args.kmsKeyArn : undefined,
                performanceInsightsRetentionPeriod: args.performanceInsights ? 7 : undefined,
                monitoringInterval,
                monitoringRoleArn: monitoring?.role.arn,
                // Puts the instance in the stack's AWS Backup selection.
                tags: backupTags(),
            },
            { parent: this, dependsOn: [...logGroups, ...(monitoring ? [monitoring.attachment] : [])] },
        );

        if (args.alarms) {
            createAlarms(
                this,
                name,
                args.alarms,
                databaseAlarmSpecs(args.alarms, db.identifier, args.instanceClass ?? "db.t4g.micro"),
            );
        }

        this.address = db.address;
        this.port = db.port;
        this.endpoint = db.endpoint;
        this.securityGroupId = sg.id;
        this.masterUserSecretArn = db.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");
        this.instanceArn = db.arn;
        this.instanceIdentifier = db.identifier;
        this.resourceId = db.resourceId;
        this.databaseName = args.databaseName;
        this.masterUsername = masterUsername;
        this.registerOutputs({
            address: this.address,
            port: this.port,
            securityGroupId: this.securityGroupId,
            masterUserSecretArn: this.masterUserSecretArn,
        });
    }
}

/** The database's alarms as data (see DatabaseAlarmsArgs for the thresholds). */
/**
 * 80 % of the connections RDS for PostgreSQL allows an instance class, from its memory: t/m classes
 * have 4 GiB per large-size step (micro 1, small 2, medium 4, large 8, xlarge 16, Nxlarge 16·N),
 * r classes twice that, x classes four times. Unknown shapes fall back to a micro's.
 */
export function defaultConnectionsAlarm(instanceClass: string): number {
    const m = /^db\.([a-z]+)\d+[a-z-]*\.(micro|small|medium|large|xlarge|(\d+)xlarge)$/.exec(instanceClass);
    const base: Record<string, number> = { micro: 1, small: 2, medium: 4, large: 8, xlarge: 16 };
    let gib = m ? (m[3] ? 16 * Number(m[3]) : base[m[2]]) : 1;
    if (m && m[1].startsWith("r")) gib *= 2;
    if (m && m[1].startsWith("x")) gib *= 4;
    return Math.min(Math.floor(gib * 90), 4000);
}

export function databaseAlarmSpecs(
    a: DatabaseAlarmsArgs,
    identifier: pulumi.Input<string>,
    instanceClass = "db.t4g.micro",
): AlarmSpec[] {
    const dims = { DBInstanceIdentifier: identifier };
    const base = { namespace: "AWS/RDS", dimensions: dims, period: 300, treatMissingData: "breaching" as const };
    return [
        {
            ...base,
            id: "cpu",
            metricName: "CPUUtilization",
            statistic: "Average",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: a.cpuPercent ?? 80,
            evaluationPeriods: 3,
            description: "Database CPU high for 15 minutes",
        },
        {
            ...base,
            id: "free-storage",
            metricName: "FreeStorageSpace",
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: (a.freeStorageGiB ?? 2) * 1024 ** 3,
            evaluationPeriods: 1,
            description: "Database free storage low",
        },
        {
            ...base,
            id: "connections",
            metricName: "DatabaseConnections",
            statistic: "Average",
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            threshold: a.connections ?? defaultConnectionsAlarm(instanceClass),
            evaluationPeriods: 1,
            treatMissingData: "missing",
            description: "Database connections near the class's limit",
        },
    ];
}

/**
 * RDS for PostgreSQL storage: gp3 from 20 to 65,536 GiB
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html, AllocatedStorage),
 * and storage autoscaling needs its maximum at least 10 % above the allocated storage
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html): so at most
 * 59,578 GiB allocated, leaving room to grow to the 65,536 GiB ceiling.
 */
export const RDS_MAX_STORAGE_GIB = 65536;
export const RDS_MAX_ALLOCATED_STORAGE_GIB = Math.floor(RDS_MAX_STORAGE_GIB / 1.1);

/**
 * Names PostgreSQL or RDS keep for themselves: the template and maintenance databases, RDS's
 * administrative database and roles, and SQL key words PostgreSQL reserves (CREATE DATABASE user
 * fails). DBName and MasterUsername "can't be a word reserved by the database engine"
 * (https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html);
 * PostgreSQL's reserved key words: https://www.postgresql.org/docs/current/sql-keywords-appendix.html
 */
export const POSTGRES_RESERVED_NAMES: ReadonlySet<string> = new Set([
    "postgres",
    "template0",
    "template1",
    "rdsadmin",
    "rdsrepladmin",
    "rds_superuser",
    "rds_replication",
    "admin",
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "both",
    "case",
    "cast",
    "check",
    "collate",
    "column",
    "constraint",
    "create",
    "current_catalog",
    "current_date",
    "current_role",
    "current_time",
    "current_timestamp",
    "current_user",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "false",
    "fetch",
    "for",
    "foreign",
    "from",
    "grant",
    "group",
    "having",
    "in",
    "initially",
    "intersect",
    "into",
    "lateral",
    "leading",
    "limit",
    "localtime",
    "localtimestamp",
    "not",
    "null",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "placing",
    "primary",
    "public",
    "references",
    "returning",
    "select",
    "session_user",
    "some",
    "symmetric",
    "system_user",
    "table",
    "then",
    "to",
    "trailing",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "variadic",
    "when",
    "where",
    "window",
    "with",
]);

function reservedName(value: string): boolean {
    const v = value.toLowerCase();
    // PostgreSQL reserves role names starting pg_; RDS reserves rds_.
    return POSTGRES_RESERVED_NAMES.has(v) || v.startsWith("pg_") || v.startsWith("rds_");
}

/**
 * The intervals RDS accepts for Enhanced Monitoring, in seconds (MonitoringInterval,
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html).
 */
export const MONITORING_INTERVALS: readonly number[] = [0, 1, 5, 10, 15, 30, 60];

/** Random characters that make each instance's identifier its own. */
export const IDENTIFIER_SUFFIX_LENGTH = 8;

/**
 * A DB instance identifier from the project, stack, component name and a random suffix, as RDS
 * allows it: 1..63 letters, digits or hyphens, a letter first, no trailing or doubled hyphen.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier)
 */
export function databaseIdentifier(project: string, stack: string, name: string, suffix: string): string {
    const clean = (s: string) =>
        s
            .toLowerCase()
            .replace(/[^a-z0-9-]/g, "-")
            .replace(/-+/g, "-");
    const tail = clean(suffix).replace(/^-|-$/g, "");
    let base = clean(`${project}-${stack}-${name}`)
        .replace(/^[^a-z]+/, "")
        .replace(/-$/, "");
    base = base.slice(0, 63 - tail.length - 1).replace(/-+$/, "");
    return `${base || "db"}-${tail}`;
}

/**
 * The final snapshot's name: the instance's own identifier (unique to this instance, see
 * databaseIdentifier) and "-final", within the 255 characters RDS allows.
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html (FinalDBSnapshotIdentifier)
 */
export function finalSnapshotIdentifier(identifier: string): string {
    return `${identifier}-final`;
}

export function validatePostgresDatabaseArgs(name: string, args: PostgresDatabaseArgs): void {
    const key = argKeys("PostgresDatabase", name);
    refuseRenamed(key, args, { logRetentionDays: "logRetentionInDays", backupRetentionDays: "backupRetentionInDays" });
    if (args.alarms) {
        requireThreshold(key("alarms.cpuPercent"), args.alarms.cpuPercent, 1, 100, "percent");
        requireThreshold(key("alarms.freeStorageGiB"), args.alarms.freeStorageGiB, 1, 65536, "GiB");
        requireThreshold(key("alarms.connections"), args.alarms.connections, 1, 10000, "connections");
    }
    if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(args.databaseName ?? "")) {
        throw new ConfigError(
            key("databaseName"),
            args.databaseName,
            "is not a valid database name",
            "a letter followed by up to 62 letters, digits or underscores",
        );
    }
    if (args.monitoringInterval !== undefined && !MONITORING_INTERVALS.includes(args.monitoringInterval)) {
        throw new ConfigError(
            key("monitoringInterval"),
            args.monitoringInterval,
            "is not an Enhanced Monitoring interval",
            MONITORING_INTERVALS.join(", ") + " seconds (0 turns it off)",
        );
    }
    if (args.masterUsername !== undefined && !/^[A-Za-z][A-Za-z0-9_]{0,15}$/.test(args.masterUsername)) {
        throw new ConfigError(
            key("masterUsername"),
            args.masterUsername,
            "is not a valid user name",
            "a letter followed by up to 15 letters, digits or underscores",
        );
    }
    if (reservedName(args.databaseName)) {
        throw new ConfigError(
            key("databaseName"),
            args.databaseName,
            "is reserved by PostgreSQL or RDS",
            "another name, not a SQL key word and not starting pg_ or rds_",
        );
    }
    if (args.masterUsername !== undefined && reservedName(args.masterUsername)) {
        throw new ConfigError(
            key("masterUsername"),
            args.masterUsername,
            "is reserved by PostgreSQL or RDS",
            "another name, not a SQL key word and not starting pg_ or rds_",
        );
    }
    if (!Array.isArray(args.allowedSecurityGroupIds) || args.allowedSecurityGroupIds.length === 0) {
        throw new ConfigError(
            key("allowedSecurityGroupIds"),
            args.allowedSecurityGroupIds,
            "leaves the database reachable by no one",
            "one or more security group ids",
        );
    }
    if (args.instanceClass !== undefined) requireDbInstanceClass(key("instanceClass"), args.instanceClass);
    if (args.engineVersion !== undefined && !/^1[3-9](\.\d+)?$/.test(args.engineVersion)) {
        throw new ConfigError(
            key("engineVersion"),
            args.engineVersion,
            "is not a supported PostgreSQL version",
            'a major version 13..19, optionally with a minor ("16", "16.4")',
        );
    }
    if (args.allocatedStorage !== undefined)
        requireInteger(key("allocatedStorage"), args.allocatedStorage, 20, RDS_MAX_ALLOCATED_STORAGE_GIB);
    if (args.backupRetentionInDays !== undefined) {
        requireInteger(key("backupRetentionInDays"), args.backupRetentionInDays, 7, 35);
    }
    if (args.logRetentionInDays !== undefined) requireLogRetention(key("logRetentionInDays"), args.logRetentionInDays);
}
