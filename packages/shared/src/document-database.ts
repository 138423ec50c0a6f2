import { ArgNames, refuseUnknownArgs } from "./known-args";
import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as docdb from "@pulumi/aws/docdb";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { argKeys, ConfigError, requireInteger, requireArgs, refuseRenamed } from "./errors";
import { requireLogRetention } from "./logs";
import { requireDbInstanceClass } from "./aws-names";
import { AlarmsArgs, backupTags, createAlarms, requireThreshold } from "./operations";
import { NetworkRef } from "./refs";
import { TagsInput, withTags } from "./tags";

/** DocumentDB's port. */
export const DOCUMENTDB_PORT = 27017;

/**
 * Log types the cluster exports to CloudWatch Logs: `audit` (FSBP DocumentDB.4) and `profiler`
 * (slow operations). Each also needs its parameter in the cluster parameter group.
 * https://docs.aws.amazon.com/documentdb/latest/developerguide/event-auditing.html
 * https://docs.aws.amazon.com/documentdb/latest/developerguide/profiling.html
 */
export const DOCUMENTDB_LOG_EXPORTS = ["audit", "profiler"] as const;

/**
 * Cluster parameters that are part of the contract: TLS required for every connection, auditing of
 * authentication and DDL (not of reads and writes, which would copy PHI into the logs), and the
 * profiler for operations slower than 100 ms.
 * https://docs.aws.amazon.com/documentdb/latest/developerguide/db-cluster-parameter-group-parameters.html
 */
export const DOCUMENTDB_PARAMETERS: ReadonlyArray<{ name: string; value: string }> = [
    { name: "tls", value: "enabled" },
    { name: "audit_logs", value: "ddl" },
    { name: "profiler", value: "enabled" },
    { name: "profiler_threshold_ms", value: "100" },
];

/** Engine versions (major.minor) DocumentDB offers for new instance-based clusters. */
export const DocumentDbEngineVersion = {
    V4_0: "4.0",
    V5_0: "5.0",
    V8_0: "8.0",
} as const;
export type DocumentDbEngineVersion = (typeof DocumentDbEngineVersion)[keyof typeof DocumentDbEngineVersion];
export const DOCUMENTDB_ENGINE_VERSIONS: readonly DocumentDbEngineVersion[] = Object.values(DocumentDbEngineVersion);

/**
 * The cluster's alarms: CPU at 80 % or more for 10 minutes per instance, and with replicas
 * (`instanceCount` ≥ 2) the cluster's `DBClusterReplicaLagMaximum` (milliseconds, the largest lag of
 * any replica behind the primary, whichever instance is primary after a failover).
 * https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html
 */
export interface DocumentDatabaseAlarmsArgs extends AlarmsArgs {
    /**
     * Replica lag (milliseconds) at which the alarm fires: maximum over 5 minutes, three periods in a
     * row. DocumentDB replicas usually trail the primary by under 100 ms
     * (https://docs.aws.amazon.com/documentdb/latest/developerguide/how-it-works.html), so the
     * default is ten times that. 1..3600000. @default 1000
     */
    replicaLagMilliseconds?: number;
}

export interface DocumentDatabaseArgs {
    /** The cluster's private subnets (a DocumentDB subnet group) and VPC. */
    network: NetworkRef;
    /** Encrypts storage, snapshots, the managed master secret and the exported logs. */
    kmsKeyArn: pulumi.Input<string>;
    /** Security groups whose members may connect on 27017; nobody else can. At least one. */
    allowedSecurityGroupIds: pulumi.Input<string>[];
    /** Master user name (1..63 letters/digits, starting with a letter; not `admin`/`serviceadmin`). @default "citadel" */
    masterUsername?: string;
    /** The instance class of every instance. @default "db.t4g.medium" */
    instanceClass?: string;
    /** Instances: 1 (a primary), or 2..16 (replicas in other AZs for failover). @default 1 */
    instanceCount?: number;
    /** Engine version. @default "5.0" */
    engineVersion?: DocumentDbEngineVersion;
    /** Days automated backups are kept, 7..35 (DocumentDB.2 asks for at least 7). @default 15 (the write-up's) */
    backupRetentionInDays?: number;
    /** Refuse deletion through the API (DocumentDB.5). @default false; on in prod */
    deletionProtection?: boolean;
    /** Retention of the exported audit and profiler logs. @default 365 */
    logRetentionInDays?: number;
    /**
     * A CPU alarm per instance (≥ 80 % for 10 minutes) and, with replicas, a replica-lag alarm, to
     * this topic (see DocumentDatabaseAlarmsArgs); none when unset.
     * @default - no alarms
     */
    alarms?: DocumentDatabaseAlarmsArgs;
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

/** Every argument of DocumentDatabaseArgs, for refusing unknown ones (the compiler keeps this list exact). */
const DOCUMENT_DATABASE_ARG_NAMES: ArgNames<DocumentDatabaseArgs> = {
    network: true,
    kmsKeyArn: true,
    allowedSecurityGroupIds: true,
    masterUsername: true,
    instanceClass: true,
    instanceCount: true,
    engineVersion: true,
    backupRetentionInDays: true,
    deletionProtection: true,
    logRetentionInDays: true,
    alarms: true,
    tags: true,
};

/**
 * Amazon DocumentDB (MongoDB-compatible) in private subnets: encrypted with the key, TLS required by
 * the cluster parameter group, reachable on 27017 only from the given security groups, the master
 * password generated and kept by DocumentDB in Secrets Manager (never in Pulumi state), backups kept
 * 15 days and in the stack's AWS Backup selection (`backupTags()`), audit and profiler logs exported
 * to log groups created first with a retention and the key, and a final snapshot on deletion.
 */
export class DocumentDatabase extends pulumi.ComponentResource {
    /** The cluster (writer) endpoint's host name. */
    readonly endpoint: pulumi.Output<string>;
    /** The reader endpoint's host name (balances across replicas). */
    readonly readerEndpoint: pulumi.Output<string>;
    /** The port DocumentDB listens on (27017). */
    readonly port: number;
    /** The cluster's security group (27017 from the allowed security groups only). */
    readonly securityGroupId: pulumi.Output<string>;
    /** The DocumentDB-managed secret holding `{"username", "password"}`. */
    readonly masterUserSecretArn: pulumi.Output<string>;
    /** The cluster's ARN. */
    readonly clusterArn: pulumi.Output<string>;
    /** The cluster identifier (auto-named). */
    readonly clusterIdentifier: pulumi.Output<string>;

    constructor(name: string, args: DocumentDatabaseArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("DocumentDatabase", name, args);
        validateDocumentDatabaseArgs(name, args);
        refuseUnknownArgs("DocumentDatabase", name, args, DOCUMENT_DATABASE_ARG_NAMES);
        super(
            "citadel:shared:DocumentDatabase",
            name,
            {},
            withTags(argKeys("DocumentDatabase", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };
        const engineVersion = args.engineVersion ?? "5.0";

        const sg = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.network.vpcId,
                description: "DocumentDB: 27017 from the application's security groups only",
            },
            parent,
        );
        args.allowedSecurityGroupIds.forEach(
            (source, i) =>
                new vpc.SecurityGroupIngressRule(
                    `${name}-from-${i}`,
                    {
                        securityGroupId: sg.id,
                        description: "DocumentDB from an allowed security group",
                        ipProtocol: "tcp",
                        fromPort: DOCUMENTDB_PORT,
                        toPort: DOCUMENTDB_PORT,
                        referencedSecurityGroupId: source,
                    },
                    parent,
                ),
        );

        const subnets = new docdb.SubnetGroup(
            `${name}-subnets`,
            {
                subnetIds: args.network.privateSubnetIds,
                description: "Private subnets only",
            },
            parent,
        );
        const params = new docdb.ClusterParameterGroup(
            `${name}-params`,
            {
                family: `docdb${engineVersion}`,
                description: "TLS required; audit (DDL, authentication) and profiler logs",
                parameters: DOCUMENTDB_PARAMETERS.map((p) => ({ ...p, applyMethod: "pending-reboot" })),
            },
            parent,
        );

        // Fixed, as PostgresDatabase's: DocumentDB exports to log groups named after the cluster, and
        // they must exist first, with a retention and the key, or DocumentDB creates them unencrypted
        // and kept forever.
        const identifier = documentDbIdentifier(pulumi.getProject(), pulumi.getStack(), name);
        const logGroups = DOCUMENTDB_LOG_EXPORTS.map(
            (kind) =>
                new cloudwatch.LogGroup(
                    `${name}-${kind}-logs`,
                    {
                        name: `/aws/docdb/${identifier}/${kind}`,
                        retentionInDays: args.logRetentionInDays ?? 365,
                        kmsKeyId: args.kmsKeyArn,
                    },
                    parent,
                ),
        );

        const cluster = new docdb.Cluster(
            `${name}`,
            {
                clusterIdentifier: identifier,
                engine: "docdb",
                engineVersion,
                masterUsername: args.masterUsername ?? "citadel",
                // DocumentDB keeps the password in Secrets Manager (MasterUserSecret); none passes through state.
                // https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/docdb/aws.sdk.kotlin.services.docdb.model/-modify-db-cluster-request/manage-master-user-password.html
                manageMasterUserPassword: true,
                storageEncrypted: true,
                kmsKeyId: args.kmsKeyArn,
                dbSubnetGroupName: subnets.name,
                vpcSecurityGroupIds: [sg.id],
                dbClusterParameterGroupName: params.name,
                backupRetentionPeriod: args.backupRetentionInDays ?? 15,
                preferredBackupWindow: "02:00-03:00",
                preferredMaintenanceWindow: "sun:04:00-sun:05:00",
                deletionProtection: args.deletionProtection ?? false,
                skipFinalSnapshot: false,
                finalSnapshotIdentifier: `${identifier}-final`,
                enabledCloudwatchLogsExports: [...DOCUMENTDB_LOG_EXPORTS],
                allowMajorVersionUpgrade: false,
                tags: backupTags(),
                // The cluster inherits the component's `protect` resource option (Pulumi's, the one way to protect).
            },
            { parent: this, dependsOn: logGroups },
        );

        const count = args.instanceCount ?? 1;
        for (let i = 0; i < count; i++) {
            const instance = new docdb.ClusterInstance(
                `${name}-${i}`,
                {
                    clusterIdentifier: cluster.id,
                    instanceClass: args.instanceClass ?? "db.t4g.medium",
                    autoMinorVersionUpgrade: true,
                    caCertIdentifier: "rds-ca-rsa2048-g1",
                    promotionTier: i,
                },
                parent,
            );
            if (args.alarms) {
                // https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html (AWS/DocDB, DBInstanceIdentifier)
                createAlarms(this, `${name}-${i}`, args.alarms, [
                    {
                        id: "cpu",
                        description: `DocumentDB instance ${i} of ${name}: CPU at 80 % or more for 10 minutes`,
                        namespace: "AWS/DocDB",
                        metricName: "CPUUtilization",
                        dimensions: { DBInstanceIdentifier: instance.identifier },
                        statistic: "Average",
                        comparisonOperator: "GreaterThanOrEqualToThreshold",
                        threshold: 80,
                        period: 60,
                        evaluationPeriods: 10,
                        treatMissingData: "missing",
                    },
                ]);
            }
        }

        if (args.alarms && count > 1) {
            createAlarms(this, name, args.alarms, [
                {
                    id: "replica-lag",
                    description: `DocumentDB cluster ${name}: a replica is behind the primary for 15 minutes`,
                    namespace: "AWS/DocDB",
                    metricName: "DBClusterReplicaLagMaximum",
                    dimensions: { DBClusterIdentifier: cluster.clusterIdentifier },
                    statistic: "Maximum",
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    threshold: args.alarms.replicaLagMilliseconds ?? 1000,
                    period: 300,
                    evaluationPeriods: 3,
                    // Published only while the cluster has replicas; nothing to judge otherwise.
                    treatMissingData: "notBreaching",
                },
            ]);
        }

        this.endpoint = cluster.endpoint;
        this.readerEndpoint = cluster.readerEndpoint;
        this.port = DOCUMENTDB_PORT;
        this.securityGroupId = sg.id;
        this.masterUserSecretArn = cluster.masterUserSecrets.apply((s) => s?.[0]?.secretArn ?? "");
        this.clusterArn = cluster.arn;
        this.clusterIdentifier = cluster.clusterIdentifier;
        this.registerOutputs({
            endpoint: this.endpoint,
            securityGroupId: this.securityGroupId,
            masterUserSecretArn: this.masterUserSecretArn,
        });
    }
}

/**
 * The cluster identifier `<project>-<stack>-<name>` made valid: lowercase letters, digits and single
 * hyphens, starting with a letter, not ending with a hyphen (its length is checked by the validator).
 * https://docs.aws.amazon.com/documentdb/latest/developerguide/API_CreateDBCluster.html
 */
export function documentDbIdentifier(project: string, stack: string, name: string): string {
    const id = `${project}-${stack}-${name}`
        .toLowerCase()
        .replace(/[^a-z0-9-]/g, "-")
        .replace(/-{2,}/g, "-")
        .replace(/-+$/, "");
    return /^[a-z]/.test(id) ? id : `d-${id}`.replace(/-{2,}/g, "-");
}

export function validateDocumentDatabaseArgs(name: string, args: DocumentDatabaseArgs): void {
    const key = argKeys("DocumentDatabase", name);
    refuseRenamed(key, args, { logRetentionDays: "logRetentionInDays", backupRetentionDays: "backupRetentionInDays" });
    if (!Array.isArray(args.allowedSecurityGroupIds) || args.allowedSecurityGroupIds.length === 0) {
        throw new ConfigError(
            key("allowedSecurityGroupIds"),
            args.allowedSecurityGroupIds,
            "leaves the database reachable by no one",
            "one or more security group ids",
        );
    }
    if (args.masterUsername !== undefined) {
        if (!/^[A-Za-z][A-Za-z0-9]{0,62}$/.test(args.masterUsername)) {
            throw new ConfigError(
                key("masterUsername"),
                args.masterUsername,
                "is not a valid DocumentDB user name",
                "a letter followed by up to 62 letters or digits",
            );
        }
        if (["admin", "serviceadmin"].includes(args.masterUsername.toLowerCase())) {
            throw new ConfigError(
                key("masterUsername"),
                args.masterUsername,
                "is reserved by DocumentDB",
                "any other name",
            );
        }
    }
    if (
        args.engineVersion !== undefined &&
        !(DOCUMENTDB_ENGINE_VERSIONS as readonly string[]).includes(args.engineVersion)
    ) {
        throw new ConfigError(
            key("engineVersion"),
            args.engineVersion,
            "is not a DocumentDB engine version",
            DOCUMENTDB_ENGINE_VERSIONS.join(" | "),
        );
    }
    if (args.instanceClass !== undefined)
        requireDbInstanceClass(key("instanceClass"), args.instanceClass, "a DocumentDB instance class");
    if (args.instanceCount !== undefined) requireInteger(key("instanceCount"), args.instanceCount, 1, 16);
    if (args.backupRetentionInDays !== undefined)
        requireInteger(key("backupRetentionInDays"), args.backupRetentionInDays, 7, 35);
    if (args.logRetentionInDays !== undefined) requireLogRetention(key("logRetentionInDays"), args.logRetentionInDays);
    requireThreshold(
        key("alarms.replicaLagMilliseconds"),
        args.alarms?.replicaLagMilliseconds,
        1,
        3_600_000,
        "milliseconds",
    );
    const identifier = documentDbIdentifier(pulumi.getProject(), pulumi.getStack(), name);
    if (identifier.length > 63) {
        throw new ConfigError(
            key("name"),
            name,
            `makes the cluster identifier ${identifier} longer than 63 characters`,
            "a shorter component name",
        );
    }
}
