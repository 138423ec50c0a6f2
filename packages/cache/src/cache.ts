import * as pulumi from "@pulumi/pulumi";
import * as elasticache from "@pulumi/aws/elasticache";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as iam from "@pulumi/aws/iam";
import * as ssm from "@pulumi/aws/ssm";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as random from "@pulumi/random";
import {
    AlarmsArgs,
    AlarmSpec,
    argKeys,
    backupTags,
    createAlarms,
    requireThreshold,
    ConfigError,
    NetworkRef,
    policyJson,
    PolicyStatement,
    requireInteger,
    requireLogRetention,
    requireCacheNodeType,
    requireArgs,
    withTags,
    TagsInput,
    refuseRenamed,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";

/** The cache engine: Valkey (the open-source successor of Redis OSS) or Redis OSS. */
export enum CacheEngine {
    Valkey = "valkey",
    RedisOss = "redis",
}

/** Who uses the cache: network access for their security groups, IAM authentication for their roles. */
export interface CacheClientArgs {
    /** Security groups admitted on the cache port (e.g. EcsApp's `tasksSecurityGroupId`). At least one. */
    securityGroupIds: pulumi.Input<string>[];
    /**
     * IAM role *names* (e.g. from EcsApp's `taskRoleNames`) that may connect as the cache's IAM user
     * (`elasticache:Connect` on this replication group and user only). At least one.
     */
    roleNames: pulumi.Input<string>[];
}

export interface CacheArgs {
    /** The cache lives in the private subnets of this network. */
    network: NetworkRef;
    /** Encrypts data at rest, snapshots and the cache's log groups. */
    kmsKeyArn: pulumi.Input<string>;
    /** Who may connect: security groups admitted on the port, and the IAM roles that connect as the cache's user. */
    clients: CacheClientArgs;
    /** The engine: Valkey or Redis OSS. @default CacheEngine.Valkey */
    engine?: CacheEngine;
    /**
     * Engine version. IAM authentication needs Valkey 7.2+ or Redis OSS 7.0+.
     * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
     * @default "8.0" (Valkey), "7.1" (Redis OSS)
     */
    engineVersion?: string;
    /** Node type; T2 nodes support no encryption in transit and are refused. @default "cache.t4g.micro" */
    nodeType?: string;
    /**
     * Automatic failover to a replica in another AZ, and Multi-AZ. Needs `nodeCount` ≥ 2.
     * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/AutoFailover.html
     * @default false
     */
    highAvailability?: boolean;
    /** Nodes (one primary, the rest replicas), 1..6. @default 2 with highAvailability, else 1 */
    nodeCount?: number;
    /** Days automatic snapshots are kept, 1..35 (FSBP ElastiCache.1). @default 7 */
    backupRetentionInDays?: number;
    /** Days the slow and engine logs are kept (a CloudWatch Logs retention period). @default 365 */
    logRetentionInDays?: number;
    /**
     * A Parameter Store path (e.g. `/ecoportal/prod/cache`) under which the cache publishes
     * `endpoint`, `port` and `user` as String parameters, for an app that reads its settings at boot.
     * @default none
     */
    parameterNamespace?: string;
    /** CloudWatch alarms per node to this topic (see CacheAlarmsArgs). @default none */
    alarms?: CacheAlarmsArgs;
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

export interface ResolvedCacheArgs {
    /** After defaults: the engine, Valkey or Redis OSS. */
    engine: CacheEngine;
    /** After defaults: the engine version, e.g. `8.0`. */
    engineVersion: string;
    /** After defaults: the node type, e.g. `cache.t4g.micro`. */
    nodeType: string;
    /** After defaults: automatic failover and Multi-AZ. */
    highAvailability: boolean;
    /** After defaults: nodes, one primary and the rest replicas, 1..6. */
    nodeCount: number;
    /** After defaults: days automatic snapshots are kept, 1..35. */
    backupRetentionInDays: number;
    /** After defaults: days the slow and engine logs are kept. */
    logRetentionInDays: number;
    /**
     * After defaults: the Parameter Store path the endpoint, port and user are published under; absent: not published.
     */
    parameterNamespace?: string;
}

const DEFAULT_VERSION: Record<CacheEngine, string> = { [CacheEngine.Valkey]: "8.0", [CacheEngine.RedisOss]: "7.1" };
/** The first version of each engine with IAM authentication. */
const IAM_AUTH_SINCE: Record<CacheEngine, [number, number]> = {
    [CacheEngine.Valkey]: [7, 2],
    [CacheEngine.RedisOss]: [7, 0],
};
export const CACHE_PORT = 6379;

export function validateCacheArgs(name: string, args: CacheArgs): ResolvedCacheArgs {
    const key = argKeys("Cache", name);
    refuseRenamed(key, args, {
        logRetentionDays: "logRetentionInDays",
        snapshotRetentionDays: "backupRetentionInDays",
        parameterPrefix: "parameterNamespace",
    });
    if (!/^[a-z][a-z0-9-]{0,19}$/.test(name)) {
        throw new ConfigError(
            key("name"),
            name,
            "cannot name ElastiCache users (40 characters with a suffix)",
            "a lowercase letter, then up to 19 lowercase letters, digits or hyphens",
        );
    }
    if (!args.network) throw new ConfigError(key("network"), args.network, "is required", "a NetworkRef");
    if (args.kmsKeyArn === undefined || args.kmsKeyArn === "") {
        throw new ConfigError(key("kmsKeyArn"), args.kmsKeyArn, "is required", "the ARN of a customer-managed KMS key");
    }
    for (const f of ["securityGroupIds", "roleNames"] as const) {
        const v = args.clients?.[f];
        if (!Array.isArray(v) || v.length === 0) {
            throw new ConfigError(key(`clients.${f}`), v, "is empty", "at least one (the cache admits nobody else)");
        }
    }
    const engine = args.engine ?? CacheEngine.Valkey;
    if (!Object.values(CacheEngine).includes(engine)) {
        throw new ConfigError(key("engine"), engine, "is not a cache engine", Object.values(CacheEngine).join(" | "));
    }
    const engineVersion = args.engineVersion ?? DEFAULT_VERSION[engine];
    const m = /^(\d+)\.(\d+)$/.exec(engineVersion);
    const [major, minor] = IAM_AUTH_SINCE[engine];
    if (!m || Number(m[1]) < major || (Number(m[1]) === major && Number(m[2]) < minor)) {
        throw new ConfigError(
            key("engineVersion"),
            engineVersion,
            `has no IAM authentication for ${engine}`,
            `"major.minor", ${major}.${minor} or later`,
        );
    }
    const nodeType = args.nodeType ?? "cache.t4g.micro";
    requireCacheNodeType(key("nodeType"), nodeType);
    if (nodeType.startsWith("cache.t2.")) {
        throw new ConfigError(
            key("nodeType"),
            nodeType,
            "is not a node type with encryption in transit",
            'e.g. "cache.t4g.micro", "cache.r7g.large" (not cache.t2.*)',
        );
    }
    const highAvailability = args.highAvailability ?? false;
    const nodeCount = requireInteger(key("nodeCount"), args.nodeCount ?? (highAvailability ? 2 : 1), 1, 6);
    if (highAvailability && nodeCount < 2) {
        throw new ConfigError(
            key("nodeCount"),
            nodeCount,
            "leaves no replica to fail over to",
            "2..6 with highAvailability",
        );
    }
    const backupRetentionInDays = requireInteger(key("backupRetentionInDays"), args.backupRetentionInDays ?? 7, 1, 35);
    const logRetentionInDays = requireLogRetention(key("logRetentionInDays"), args.logRetentionInDays ?? 365);
    if (args.parameterNamespace !== undefined && !/^(\/[A-Za-z0-9_.-]+){1,14}$/.test(args.parameterNamespace)) {
        throw new ConfigError(
            key("parameterNamespace"),
            args.parameterNamespace,
            "is not a Parameter Store path",
            'e.g. "/ecoportal/prod/cache", without a trailing slash',
        );
    }
    if (args.alarms) cacheAlarmSpecs(args.alarms, "(id)", nodeCount, nodeType, key);
    return {
        engine,
        engineVersion,
        nodeType,
        highAvailability,
        nodeCount,
        backupRetentionInDays,
        logRetentionInDays,
        parameterNamespace: args.parameterNamespace,
    };
}

/**
 * The cache's CloudWatch alarms (namespace `AWS/ElastiCache`, one datapoint a minute per node, dimension
 * `CacheClusterId`), following "Which metrics should I monitor?"
 * (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html) and
 * the metric definitions (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.Redis.html).
 * One set per node: Valkey and Redis OSS publish host and engine metrics per node, not per replication group.
 */
export interface CacheAlarmsArgs extends AlarmsArgs {
    /**
     * `EngineCPUUtilization` (percent of the engine's one thread), maximum over 5 minutes, three
     * periods in a row. AWS suggests 90 % of the CPU available to the engine. 1..100. @default 90
     */
    engineCpuPercent?: number;
    /**
     * `DatabaseMemoryUsagePercentage` (percent of the node's `maxmemory` in use), maximum over 5
     * minutes, three periods in a row: near 100 % the engine evicts keys. 1..100. @default 80
     */
    memoryPercent?: number;
    /**
     * `Evictions` (count of keys evicted for lack of memory), sum over 5 minutes. Job metadata
     * evicted is work lost, so the default is low. 1..1000000. @default 1
     */
    evictions?: number;
    /**
     * Host `CPUUtilization` (percent of all the node's vCPUs), maximum over 5 minutes, three periods
     * in a row; only on node types with 2 vCPUs or fewer (cache.t4g.*, cache.t3.*, *.large), where AWS
     * says to watch it besides `EngineCPUUtilization`: on a small node the host's own work (snapshots,
     * replication, TLS) competes with the engine's one thread. 1..100.
     * @default 90 % of one vCPU's share: 90 / vCPUs (45 on 2 vCPUs)
     */
    hostCpuPercent?: number;
    /**
     * `ReplicationLag` (seconds a replica is behind the primary), maximum over 5 minutes, three
     * periods in a row; only with 2 or more nodes (a primary publishes none, so missing data is
     * not breaching). 1..3600. @default 30
     */
    replicationLagSeconds?: number;
}

/**
 * vCPUs of a node type, from its size as ElastiCache's node types follow EC2's: micro, small and
 * medium 2 (1 on the previous generation's t1.micro, m1.small, m1.medium, m3.medium), large 2,
 * xlarge 4, Nxlarge 4·N. Undefined for a name it cannot read.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html
 */
export function cacheNodeVcpus(nodeType: string): number | undefined {
    if (
        [
            "cache.t1.micro",
            "cache.m1.small",
            "cache.m1.medium",
            "cache.m3.medium",
            "cache.t2.micro",
            "cache.t2.small",
        ].includes(nodeType)
    ) {
        return 1;
    }
    const size = /^cache\.[a-z0-9-]+\.(micro|small|medium|large|(\d*)xlarge)$/.exec(nodeType);
    if (!size) return undefined;
    if (size[1] === "large" || ["micro", "small", "medium"].includes(size[1])) return 2;
    return 4 * Number(size[2] || 1);
}

/** ElastiCache names the member clusters of a replication group `<id>-001`, `<id>-002`, … */
export function memberClusterId(replicationGroupId: string, index: number): string {
    return `${replicationGroupId}-${String(index + 1).padStart(3, "0")}`;
}

/**
 * The cache's alarms as data (see CacheAlarmsArgs for the thresholds); `key` names the argument in
 * errors. The metrics are those of node-based clusters (`CacheClusterId` per node), which is what this
 * component creates; ElastiCache Serverless publishes other ones (per cache, no host CPU).
 */
export function cacheAlarmSpecs(
    a: CacheAlarmsArgs,
    replicationGroupId: pulumi.Input<string>,
    nodeCount: number,
    nodeType: string,
    key: (k: string) => string = (k) => k,
): AlarmSpec[] {
    requireThreshold(key("alarms.engineCpuPercent"), a.engineCpuPercent, 1, 100, "percent");
    requireThreshold(key("alarms.hostCpuPercent"), a.hostCpuPercent, 1, 100, "percent");
    const vcpus = cacheNodeVcpus(nodeType);
    requireThreshold(key("alarms.memoryPercent"), a.memoryPercent, 1, 100, "percent");
    requireThreshold(key("alarms.evictions"), a.evictions, 1, 1_000_000, "keys per 5 minutes");
    requireThreshold(key("alarms.replicationLagSeconds"), a.replicationLagSeconds, 1, 3600, "seconds");
    const specs: AlarmSpec[] = [];
    for (let i = 0; i < nodeCount; i++) {
        const node = String(i + 1).padStart(3, "0");
        const base = {
            namespace: "AWS/ElastiCache",
            period: 300,
            dimensions: { CacheClusterId: pulumi.output(replicationGroupId).apply((id) => memberClusterId(id, i)) },
        };
        specs.push(
            {
                ...base,
                id: `engine-cpu-${node}`,
                metricName: "EngineCPUUtilization",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: a.engineCpuPercent ?? 90,
                evaluationPeriods: 3,
                treatMissingData: "breaching",
                description: `Cache node ${node}: engine CPU high for 15 minutes`,
            },
            {
                ...base,
                id: `memory-${node}`,
                metricName: "DatabaseMemoryUsagePercentage",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: a.memoryPercent ?? 80,
                evaluationPeriods: 3,
                treatMissingData: "breaching",
                description: `Cache node ${node}: memory near maxmemory for 15 minutes`,
            },
            {
                ...base,
                id: `evictions-${node}`,
                metricName: "Evictions",
                statistic: "Sum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: a.evictions ?? 1,
                evaluationPeriods: 1,
                treatMissingData: "notBreaching",
                description: `Cache node ${node}: keys evicted for lack of memory`,
            },
        );
        if (vcpus !== undefined && vcpus <= 2) {
            specs.push({
                ...base,
                id: `host-cpu-${node}`,
                metricName: "CPUUtilization",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: a.hostCpuPercent ?? Math.floor(90 / vcpus),
                evaluationPeriods: 3,
                treatMissingData: "breaching",
                description: `Cache node ${node}: host CPU high for 15 minutes (${vcpus} vCPU${vcpus > 1 ? "s" : ""})`,
            });
        }
        if (nodeCount > 1) {
            specs.push({
                ...base,
                id: `replication-lag-${node}`,
                metricName: "ReplicationLag",
                statistic: "Maximum",
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: a.replicationLagSeconds ?? 30,
                evaluationPeriods: 3,
                treatMissingData: "notBreaching",
                description: `Cache node ${node}: replica behind the primary for 15 minutes`,
            });
        }
    }
    return specs;
}

/**
 * Connect as the cache's IAM user: the replication group and the user, nothing else.
 * https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
 */
export function connectStatements(replicationGroupArn: string, userArn: string): PolicyStatement[] {
    return [
        {
            Sid: "ConnectAsCacheUser",
            Effect: "Allow",
            Action: "elasticache:Connect",
            Resource: [replicationGroupArn, userArn],
        },
    ];
}

/** Every argument of CacheArgs, for refusing unknown ones (the compiler keeps this list exact). */
const CACHE_ARG_NAMES: ArgNames<CacheArgs> = {
    network: true,
    kmsKeyArn: true,
    clients: true,
    engine: true,
    engineVersion: true,
    nodeType: true,
    highAvailability: true,
    nodeCount: true,
    backupRetentionInDays: true,
    logRetentionInDays: true,
    parameterNamespace: true,
    alarms: true,
    tags: true,
};

/**
 * An ElastiCache (Valkey or Redis OSS) replication group in the private subnets: encrypted at rest
 * with the key and in transit (TLS required), IAM authentication for one user bound to the app's
 * roles (no password anywhere, the default user switched off), daily snapshots kept, slow and
 * engine logs to CloudWatch, and a security group admitting the clients' groups on 6379 only.
 */
export class Cache extends pulumi.ComponentResource {
    /** The primary endpoint's host name (writes; TLS on `port`). */
    readonly primaryEndpointAddress: pulumi.Output<string>;
    /** The reader endpoint's host name (reads across replicas). */
    readonly readerEndpointAddress: pulumi.Output<string>;
    /** The port the cache listens on (TLS). */
    readonly port: number = CACHE_PORT;
    /** The user name clients authenticate as (with an IAM auth token). */
    readonly userName: pulumi.Output<string>;
    /** The ElastiCache user's ARN (IAM authentication). */
    readonly userArn: pulumi.Output<string>;
    /** The replication group's ARN. */
    readonly replicationGroupArn: pulumi.Output<string>;
    /** The cache's security group. */
    readonly securityGroupId: pulumi.Output<string>;

    constructor(name: string, args: CacheArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("Cache", name, args);
        const a = validateCacheArgs(name, args);
        refuseUnknownArgs("Cache", name, args, CACHE_ARG_NAMES);
        super("citadel:cache:Cache", name, {}, withTags(argKeys("Cache", name)("tags"), args.tags, opts));
        const parent = { parent: this };

        // User and group ids are region-wide names: a random suffix keeps stacks apart and lets a
        // replacement be created before the old one is deleted.
        const suffix = new random.RandomId(`${name}-id`, { byteLength: 4 }, parent).hex;
        const appUserId = pulumi.interpolate`${name}-app-${suffix}`;
        // A user group must hold a user named "default"; this one is switched off ("off -@all").
        const defaultUser = new elasticache.User(
            `${name}-default-user`,
            {
                userId: pulumi.interpolate`${name}-off-${suffix}`,
                userName: "default",
                engine: a.engine,
                accessString: "off -@all",
                authenticationMode: { type: "no-password-required" },
            },
            parent,
        );
        // IAM authentication requires the user id and name to be equal.
        const appUser = new elasticache.User(
            `${name}-app-user`,
            {
                userId: appUserId,
                userName: appUserId,
                engine: a.engine,
                // Job metadata and ID lists: data commands, no administration or dangerous commands.
                accessString: "on ~* &* +@all -@admin -@dangerous",
                authenticationMode: { type: "iam" },
            },
            parent,
        );
        const group = new elasticache.UserGroup(
            `${name}-users`,
            {
                userGroupId: pulumi.interpolate`${name}-${suffix}`,
                engine: a.engine,
                userIds: [defaultUser.userId, appUser.userId],
            },
            parent,
        );

        const sg = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.network.vpcId,
                description: `${name}: ${a.engine} on ${CACHE_PORT} from the app's tasks only`,
                tags: { Name: name },
            },
            parent,
        );
        args.clients.securityGroupIds.forEach(
            (client, i) =>
                new vpc.SecurityGroupIngressRule(
                    `${name}-from-client-${i}`,
                    {
                        securityGroupId: sg.id,
                        description: `${a.engine} from a client`,
                        ipProtocol: "tcp",
                        fromPort: CACHE_PORT,
                        toPort: CACHE_PORT,
                        referencedSecurityGroupId: client,
                    },
                    parent,
                ),
        );

        const subnets = new elasticache.SubnetGroup(
            `${name}-subnets`,
            {
                description: `${name}: private subnets`,
                subnetIds: args.network.privateSubnetIds,
            },
            parent,
        );

        const logs = (["slow-log", "engine-log"] as const).map((logType) => ({
            logType,
            group: new cloudwatch.LogGroup(
                `${name}-${logType}`,
                {
                    retentionInDays: a.logRetentionInDays,
                    kmsKeyId: args.kmsKeyArn,
                },
                parent,
            ),
        }));

        const rg = new elasticache.ReplicationGroup(
            `${name}`,
            {
                description: `${name}: ${a.engine} ${a.engineVersion}`,
                engine: a.engine,
                engineVersion: a.engineVersion,
                nodeType: a.nodeType,
                numCacheClusters: a.nodeCount,
                port: CACHE_PORT,
                automaticFailoverEnabled: a.highAvailability,
                multiAzEnabled: a.highAvailability,
                atRestEncryptionEnabled: true,
                kmsKeyId: args.kmsKeyArn,
                transitEncryptionEnabled: true,
                transitEncryptionMode: "required",
                userGroupIds: [group.userGroupId],
                subnetGroupName: subnets.name,
                securityGroupIds: [sg.id],
                snapshotRetentionLimit: a.backupRetentionInDays,
                finalSnapshotIdentifier: pulumi.interpolate`${name}-final-${suffix}`,
                autoMinorVersionUpgrade: true,
                applyImmediately: false,
                logDeliveryConfigurations: logs.map((l) => ({
                    destination: l.group.name,
                    destinationType: "cloudwatch-logs",
                    logFormat: "json",
                    logType: l.logType,
                })),
                tags: backupTags(),
            },
            parent,
        );

        const statements = pulumi
            .all([rg.arn, appUser.arn])
            .apply(([rgArn, userArn]) => policyJson(connectStatements(rgArn, userArn)));
        args.clients.roleNames.forEach(
            (role, i) => new iam.RolePolicy(`${name}-connect-${i}`, { role, policy: statements }, parent),
        );

        if (a.parameterNamespace) {
            const values: Record<string, pulumi.Input<string>> = {
                endpoint: rg.primaryEndpointAddress,
                port: String(CACHE_PORT),
                user: appUser.userName,
            };
            for (const [k, value] of Object.entries(values)) {
                new ssm.Parameter(
                    `${name}-param-${k}`,
                    {
                        name: `${a.parameterNamespace}/${k}`,
                        type: "String",
                        value,
                        description: `${name}: ${k} (TLS and IAM authentication required)`,
                    },
                    parent,
                );
            }
        }

        if (args.alarms)
            createAlarms(
                this,
                name,
                args.alarms,
                cacheAlarmSpecs(args.alarms, rg.replicationGroupId, a.nodeCount, a.nodeType),
            );

        this.primaryEndpointAddress = rg.primaryEndpointAddress;
        this.readerEndpointAddress = rg.readerEndpointAddress;
        this.userName = appUser.userName;
        this.userArn = appUser.arn;
        this.replicationGroupArn = rg.arn;
        this.securityGroupId = sg.id;
        this.registerOutputs({
            primaryEndpointAddress: this.primaryEndpointAddress,
            userName: this.userName,
            securityGroupId: this.securityGroupId,
        });
    }
}
