import * as pulumi from "@pulumi/pulumi";
import * as opensearch from "@pulumi/aws/opensearch";
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
    awsContext,
    backupTags,
    createAlarms,
    requireThreshold,
    ConfigError,
    NetworkRef,
    policyJson,
    PolicyStatement,
    requireInteger,
    requireLogRetention,
    requireSearchInstanceType,
    requireArgs,
    withTags,
    TagsInput,
    refuseRenamed,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";

/** TLS 1.2 minimum with forward-secret ciphers (FSBP Opensearch.8). */
export const SEARCH_TLS_POLICY = "Policy-Min-TLS-1-2-PFS-2023-10";
/** The HTTP actions of OpenSearch's REST API, named one by one (no `es:*`). */
export const SEARCH_HTTP_ACTIONS = [
    "es:ESHttpGet",
    "es:ESHttpHead",
    "es:ESHttpPost",
    "es:ESHttpPut",
    "es:ESHttpDelete",
    "es:ESHttpPatch",
];
/** The four log types OpenSearch Service publishes; audit logs need fine-grained access control. */
export const SEARCH_LOG_TYPES = ["INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS", "ES_APPLICATION_LOGS", "AUDIT_LOGS"] as const;

/** Who uses the domain. */
export interface SearchClientArgs {
    /** Security groups admitted on 443 (e.g. EcsApp's `tasksSecurityGroupId`). At least one. */
    securityGroupIds: pulumi.Input<string>[];
    /** IAM role ARNs admitted by the domain's access policy (SigV4), e.g. from EcsApp's `taskRoleArns`. At least one. */
    roleArns: pulumi.Input<string>[];
    /**
     * The indices the client roles may read, write and manage (OpenSearch index patterns, `*` allowed
     * inside a pattern but not alone, no leading `.`: system and security indices stay out of reach).
     * Fine-grained access control grants nothing else: the roles get a role of their own, not `all_access`.
     * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html
     * @default [`<component name>-*`]
     */
    indexPatterns?: string[];
}

export interface SearchArgs {
    /** The domain lives in the private subnets of this network (one per zone it spans). */
    network: NetworkRef;
    /** Encrypts the domain at rest and its log groups. */
    kmsKeyArn: pulumi.Input<string>;
    /** Who may connect: security groups admitted on 443, the IAM roles the access policy admits, and their indices. */
    clients: SearchClientArgs;
    /** The OpenSearch engine version. @default "OpenSearch_2.19" */
    engineVersion?: string;
    /** Data node type; T2 types support no encryption at rest and are refused. @default "t3.medium.search" */
    instanceType?: string;
    /**
     * Production shape: data nodes spread over `availabilityZoneCount` zones (zone awareness) and
     * three dedicated master nodes (FSBP Opensearch.6, Opensearch.11).
     * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-multiaz.html
     * @default false
     */
    highAvailability?: boolean;
    /** Zones with highAvailability, 2 or 3 (at most the network's private subnets). @default 3 if the network has 3, else 2 */
    availabilityZoneCount?: number;
    /** Data nodes; with highAvailability a multiple of the zone count, at least 3. @default 1, or 3 with highAvailability (6 over 2 zones: not a multiple) */
    instanceCount?: number;
    /** Instance type of the dedicated master nodes (with high availability). @default "m6g.large.search" */
    dedicatedMasterType?: string;
    /** gp3 volume per data node (GiB), 10..1024. @default 10 */
    volumeSizeGiB?: number;
    /** Days the search logs are kept (a CloudWatch Logs retention period). @default 365 */
    logRetentionInDays?: number;
    /**
     * Principals (role ARNs) allowed to assume the fine-grained access control master role, e.g. an
     * administrators' role. @default none: only the account's principals with an explicit sts:AssumeRole grant
     */
    adminPrincipalArns?: pulumi.Input<string>[];
    /** Parameter Store path under which `endpoint` is published (String). @default none */
    parameterNamespace?: string;
    /** AWS's recommended CloudWatch alarms to this topic (see SearchAlarmsArgs). @default none */
    alarms?: SearchAlarmsArgs;
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

export interface ResolvedSearchArgs {
    /** After defaults: the engine version, e.g. `OpenSearch_2.19`. */
    engineVersion: string;
    /** After defaults: the data node type. */
    instanceType: string;
    /** After defaults: zone awareness and dedicated masters. */
    highAvailability: boolean;
    /** After defaults: zones the data nodes span (1 without highAvailability). */
    availabilityZoneCount: number;
    /** After defaults: data nodes. */
    instanceCount: number;
    /** After defaults: the dedicated master node type (used with highAvailability). */
    dedicatedMasterType: string;
    /** After defaults: the gp3 volume per data node. */
    volumeSizeGiB: number;
    /** After defaults: days the search logs are kept. */
    logRetentionInDays: number;
    /** After defaults: the Parameter Store path the endpoint is published under; absent: not published. */
    parameterNamespace?: string;
    /** After defaults: the index patterns the client roles may use. */
    indexPatterns: string[];
    /** The OpenSearch role the client roles are mapped to. */
    clientRoleName: string;
}

export function validateSearchArgs(name: string, args: SearchArgs): ResolvedSearchArgs {
    const key = argKeys("Search", name);
    refuseRenamed(key, args, { logRetentionDays: "logRetentionInDays", parameterPrefix: "parameterNamespace" });
    if (!args.network) throw new ConfigError(key("network"), args.network, "is required", "a NetworkRef");
    if (args.kmsKeyArn === undefined || args.kmsKeyArn === "") {
        throw new ConfigError(key("kmsKeyArn"), args.kmsKeyArn, "is required", "the ARN of a customer-managed KMS key");
    }
    for (const f of ["securityGroupIds", "roleArns"] as const) {
        const v = args.clients?.[f];
        if (!Array.isArray(v) || v.length === 0) {
            throw new ConfigError(key(`clients.${f}`), v, "is empty", "at least one (the domain admits nobody else)");
        }
    }
    for (const arn of args.clients.roleArns) {
        if (typeof arn === "string" && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/.test(arn)) {
            throw new ConfigError(
                key("clients.roleArns"),
                arn,
                "is not an IAM role ARN",
                "arn:aws:iam::<account>:role/<name>, no wildcard",
            );
        }
    }
    const indexPatterns = args.clients.indexPatterns ?? [`${name}-*`];
    if (!Array.isArray(indexPatterns) || indexPatterns.length === 0) {
        throw new ConfigError(
            key("clients.indexPatterns"),
            indexPatterns,
            "is empty",
            'at least one index pattern, e.g. "app-*"',
        );
    }
    for (const p of indexPatterns) {
        // OpenSearch index names: lowercase, no \ / ? " < > | space , #, not starting with - _ + or . (system indices).
        // https://opensearch.org/docs/latest/api-reference/index-apis/create-index/
        if (typeof p !== "string" || !/^[a-z0-9*][a-z0-9*_+.-]{0,254}$/.test(p) || /^\*+$/.test(p)) {
            throw new ConfigError(
                key("clients.indexPatterns"),
                p,
                "is not an index pattern the app may own",
                'lowercase index names with * inside, e.g. "app-*"; not "*" alone, not a system index (".…")',
            );
        }
    }
    const engineVersion = args.engineVersion ?? "OpenSearch_2.19";
    if (!/^OpenSearch_\d+\.\d+$/.test(engineVersion)) {
        throw new ConfigError(
            key("engineVersion"),
            engineVersion,
            "is not an OpenSearch version",
            'e.g. "OpenSearch_2.19"',
        );
    }
    const instanceType = args.instanceType ?? "t3.medium.search";
    requireSearchInstanceType(key("instanceType"), instanceType);
    // Previous-generation T2, M3 and R3 support neither encryption at rest nor fine-grained access
    // control, both of which the domain turns on
    // (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html).
    if (/^(t2|m3|r3)\./.test(instanceType)) {
        throw new ConfigError(
            key("instanceType"),
            instanceType,
            "is not an instance type with encryption at rest",
            'e.g. "t3.medium.search", "r6g.large.search" (not t2.*, m3.* or r3.*)',
        );
    }
    const highAvailability = args.highAvailability ?? false;
    const subnets = args.network.privateSubnetIds;
    const known = Array.isArray(subnets) ? subnets.length : 3;
    const availabilityZoneCount = highAvailability
        ? requireInteger(
              key("availabilityZoneCount"),
              args.availabilityZoneCount ?? (known >= 3 ? 3 : 2),
              2,
              Math.min(3, known),
          )
        : 1;
    if (!highAvailability && args.availabilityZoneCount !== undefined) {
        throw new ConfigError(
            key("availabilityZoneCount"),
            args.availabilityZoneCount,
            "applies only with highAvailability",
            "unset",
        );
    }
    const defaultCount = highAvailability ? (availabilityZoneCount === 3 ? 3 : 4) : 1;
    const instanceCount = requireInteger(key("instanceCount"), args.instanceCount ?? defaultCount, 1, 80);
    if (highAvailability && (instanceCount < 3 || instanceCount % availabilityZoneCount !== 0)) {
        throw new ConfigError(
            key("instanceCount"),
            instanceCount,
            `is not a multiple of the ${availabilityZoneCount} zones, or below 3`,
            `3 or more, a multiple of ${availabilityZoneCount}`,
        );
    }
    const dedicatedMasterType = args.dedicatedMasterType ?? "m6g.large.search";
    requireSearchInstanceType(key("dedicatedMasterType"), dedicatedMasterType);
    const volumeSizeGiB = requireInteger(key("volumeSizeGiB"), args.volumeSizeGiB ?? 10, 10, 1024);
    const logRetentionInDays = requireLogRetention(key("logRetentionInDays"), args.logRetentionInDays ?? 365);
    if (args.parameterNamespace !== undefined && !/^(\/[A-Za-z0-9_.-]+){1,14}$/.test(args.parameterNamespace)) {
        throw new ConfigError(
            key("parameterNamespace"),
            args.parameterNamespace,
            "is not a Parameter Store path",
            'e.g. "/ecoportal/prod/search"',
        );
    }
    if (args.alarms) {
        searchAlarmSpecs(
            args.alarms,
            "(domain)",
            "(account)",
            { volumeSizeGiB, instanceCount, dedicatedMasters: highAvailability },
            key,
        );
    }
    return {
        indexPatterns,
        clientRoleName: `${name}-clients`.replace(/[^A-Za-z0-9_-]/g, "_"),
        engineVersion,
        instanceType,
        highAvailability,
        availabilityZoneCount,
        instanceCount,
        dedicatedMasterType,
        volumeSizeGiB,
        logRetentionInDays,
        parameterNamespace: args.parameterNamespace,
    };
}

/** Dedicated master nodes with highAvailability: three, so a master election survives one zone. */
export const DEDICATED_MASTER_COUNT = 3;

/**
 * The domain's CloudWatch alarms (namespace `AWS/ES`, dimensions `DomainName` and `ClientId` = the
 * account), AWS's recommended set for OpenSearch Service with its periods and thresholds
 * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cloudwatch-alarms.html);
 * metric definitions: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/managedomains-cloudwatchmetrics.html
 * Always created: ClusterStatus.red (1 minute), ClusterStatus.yellow (5 minutes in a row; not on a
 * single-node domain, which can place no replica and is always yellow with replicas configured),
 * ClusterIndexWritesBlocked (5 minutes), AutomatedSnapshotFailure (1 minute), Nodes below the
 * domain's node count for a day, KMSKeyError and KMSKeyInaccessible (the domain's KMS key disabled,
 * deleted or its grants revoked: the domain cannot read its data; published only when it happens, so
 * missing data is not breaching), OldGenJVMMemoryPressure ≥ 80 % (3 × 1 minute), Shards.active ≥ 30000,
 * ThreadpoolWriteQueue average ≥ 100 and ThreadpoolSearchQueue average ≥ 500 / maximum ≥ 5000
 * (1 minute); with dedicated masters MasterReachableFromNode below 1 for a day, MasterCPUUtilization
 * ≥ 50 % (3 × 15 minutes), MasterJVMMemoryPressure ≥ 95 % and MasterOldGenJVMMemoryPressure ≥ 80 %
 * (3 × 1 minute). Not created: the UltraWarm, cold-storage, cross-cluster and anomaly-detection
 * alarms (features this component does not turn on).
 */
export interface SearchAlarmsArgs extends AlarmsArgs {
    /**
     * `FreeStorageSpace` (MiB, the smallest data node), minimum over 1 minute. AWS recommends 25 % of
     * each node's storage. 1..1048576 MiB. @default 25 % of `volumeSizeGiB` (2560 MiB on the default 10 GiB)
     */
    freeStorageMiB?: number;
    /** `CPUUtilization` (percent, busiest data node), maximum over 15 minutes, three periods in a row. 1..100. @default 80 */
    cpuPercent?: number;
    /** `JVMMemoryPressure` (percent of the Java heap), maximum over 1 minute, three periods in a row. 1..100. @default 95 */
    jvmMemoryPressurePercent?: number;
}

/** The domain's alarms as data (see SearchAlarmsArgs for the thresholds); `key` names the argument in errors. */
export function searchAlarmSpecs(
    a: SearchAlarmsArgs,
    domainName: pulumi.Input<string>,
    accountId: pulumi.Input<string>,
    shape: { volumeSizeGiB: number; instanceCount: number; dedicatedMasters: boolean },
    key: (k: string) => string = (k) => k,
): AlarmSpec[] {
    requireThreshold(key("alarms.freeStorageMiB"), a.freeStorageMiB, 1, 1024 * 1024, "MiB");
    requireThreshold(key("alarms.cpuPercent"), a.cpuPercent, 1, 100, "percent");
    requireThreshold(key("alarms.jvmMemoryPressurePercent"), a.jvmMemoryPressurePercent, 1, 100, "percent");
    const base = { namespace: "AWS/ES", dimensions: { DomainName: domainName, ClientId: accountId } };
    const atLeastOne = {
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        threshold: 1,
        statistic: "Maximum" as const,
    };
    const atLeast = (threshold: number) => ({
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        threshold,
        statistic: "Maximum" as const,
    });
    const nodes = shape.instanceCount + (shape.dedicatedMasters ? DEDICATED_MASTER_COUNT : 0);
    const specs: AlarmSpec[] = [
        {
            ...base,
            ...atLeastOne,
            id: "cluster-red",
            metricName: "ClusterStatus.red",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "breaching",
            description: "Search: a primary shard is unassigned (cluster red)",
        },
        {
            ...base,
            ...atLeastOne,
            id: "index-writes-blocked",
            metricName: "ClusterIndexWritesBlocked",
            period: 300,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: the cluster blocks writes",
        },
        {
            ...base,
            ...atLeastOne,
            id: "snapshot-failure",
            metricName: "AutomatedSnapshotFailure",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: an automated snapshot failed",
        },
        {
            ...base,
            id: "free-storage",
            metricName: "FreeStorageSpace",
            statistic: "Minimum",
            comparisonOperator: "LessThanOrEqualToThreshold",
            threshold: a.freeStorageMiB ?? Math.floor(shape.volumeSizeGiB * 1024 * 0.25),
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "breaching",
            description: "Search: a data node is low on free storage",
        },
        {
            ...base,
            ...atLeast(a.cpuPercent ?? 80),
            id: "cpu",
            metricName: "CPUUtilization",
            period: 900,
            evaluationPeriods: 3,
            treatMissingData: "breaching",
            description: "Search: data node CPU high for 45 minutes",
        },
        {
            ...base,
            ...atLeast(a.jvmMemoryPressurePercent ?? 95),
            id: "jvm-memory-pressure",
            metricName: "JVMMemoryPressure",
            period: 60,
            evaluationPeriods: 3,
            treatMissingData: "breaching",
            description: "Search: Java heap pressure high for 3 minutes",
        },
        {
            ...base,
            ...atLeast(80),
            id: "old-gen-jvm-memory-pressure",
            metricName: "OldGenJVMMemoryPressure",
            period: 60,
            evaluationPeriods: 3,
            treatMissingData: "notBreaching",
            description: "Search: old-generation heap pressure high for 3 minutes",
        },
        {
            ...base,
            id: "nodes",
            metricName: "Nodes",
            statistic: "Minimum",
            comparisonOperator: "LessThanThreshold",
            threshold: nodes,
            period: 86400,
            evaluationPeriods: 1,
            treatMissingData: "breaching",
            description: `Search: fewer than its ${nodes} nodes for a day (a node failed and was not replaced)`,
        },
        // Published only while the domain's key is unusable: missing data is the healthy state.
        {
            ...base,
            ...atLeastOne,
            id: "kms-key-error",
            metricName: "KMSKeyError",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: the domain's KMS key is disabled: it cannot encrypt or read its data",
        },
        {
            ...base,
            ...atLeastOne,
            id: "kms-key-inaccessible",
            metricName: "KMSKeyInaccessible",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: the domain's KMS key was deleted or its grants revoked",
        },
        {
            ...base,
            ...atLeast(30000),
            id: "shards-active",
            metricName: "Shards.active",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: too many active shards (30000 or more)",
        },
        {
            ...base,
            ...atLeast(100),
            statistic: "Average",
            id: "write-queue",
            metricName: "ThreadpoolWriteQueue",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: write requests queue up (100 or more)",
        },
        {
            ...base,
            ...atLeast(500),
            statistic: "Average",
            id: "search-queue",
            metricName: "ThreadpoolSearchQueue",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: search requests queue up (500 or more on average)",
        },
        {
            ...base,
            ...atLeast(5000),
            id: "search-queue-max",
            metricName: "ThreadpoolSearchQueue",
            period: 60,
            evaluationPeriods: 1,
            treatMissingData: "notBreaching",
            description: "Search: a node's search queue is full (5000 or more)",
        },
    ];
    if (shape.instanceCount > 1) {
        specs.push({
            ...base,
            ...atLeastOne,
            id: "cluster-yellow",
            metricName: "ClusterStatus.yellow",
            period: 60,
            evaluationPeriods: 5,
            treatMissingData: "notBreaching",
            description: "Search: a replica shard is unassigned (cluster yellow) for 5 minutes",
        });
    }
    if (shape.dedicatedMasters) {
        specs.push(
            {
                ...base,
                id: "master-reachable",
                metricName: "MasterReachableFromNode",
                statistic: "Maximum",
                comparisonOperator: "LessThanThreshold",
                threshold: 1,
                period: 86400,
                evaluationPeriods: 1,
                treatMissingData: "breaching",
                description: "Search: the master node was unreachable for a day",
            },
            {
                ...base,
                ...atLeast(50),
                id: "master-cpu",
                metricName: "MasterCPUUtilization",
                period: 900,
                evaluationPeriods: 3,
                treatMissingData: "breaching",
                description: "Search: master node CPU high for 45 minutes",
            },
            {
                ...base,
                ...atLeast(95),
                id: "master-jvm-memory-pressure",
                metricName: "MasterJVMMemoryPressure",
                period: 60,
                evaluationPeriods: 3,
                treatMissingData: "breaching",
                description: "Search: master node heap pressure high for 3 minutes",
            },
            {
                ...base,
                ...atLeast(80),
                id: "master-old-gen-jvm-memory-pressure",
                metricName: "MasterOldGenJVMMemoryPressure",
                period: 60,
                evaluationPeriods: 3,
                treatMissingData: "notBreaching",
                description: "Search: master node old-generation heap pressure high for 3 minutes",
            },
        );
    }
    return specs;
}

/**
 * The domain's access policy: the client roles and the master role, over HTTP, on this domain's
 * indexes only. With fine-grained access control the roles also need a mapping inside OpenSearch.
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/ac.html
 */
export function searchAccessStatements(domainArn: string, principalArns: string[]): PolicyStatement[] {
    return [
        {
            Sid: "AppRolesOnly",
            Effect: "Allow",
            Principal: { AWS: principalArns },
            Action: SEARCH_HTTP_ACTIONS,
            Resource: `${domainArn}/*`,
        },
    ];
}

/**
 * CloudWatch Logs admits OpenSearch Service to write these log groups, on behalf of this account.
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/createdomain-configure-slow-logs.html
 */
export function searchLogDeliveryStatements(
    logGroupArns: string[],
    accountId: string,
    dnsSuffix: string,
): PolicyStatement[] {
    return [
        {
            Sid: "OpenSearchLogs",
            Effect: "Allow",
            Principal: { Service: `es.${dnsSuffix}` },
            Action: ["logs:PutLogEvents", "logs:CreateLogStream"],
            Resource: logGroupArns.map((a) => `${a}:*`),
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ];
}

/**
 * The two requests (sent once, signed as the master role) that give the client roles exactly their
 * indices: a role with CRUD and index management on `indexPatterns` and the cluster's read/write
 * operations, then its mapping to the roles as backend roles. Not `all_access`, which would also let
 * the app read every other index and change the security configuration.
 * https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html#fgac-mapping
 */
export function clientRoleRequests(
    role: string,
    indexPatterns: readonly string[],
    roleArns: readonly string[],
): string {
    const definition = {
        cluster_permissions: ["cluster_composite_ops", "cluster_monitor"],
        index_permissions: [{ index_patterns: indexPatterns, allowed_actions: ["crud", "create_index", "manage"] }],
    };
    return [
        `PUT _plugins/_security/api/roles/${role}`,
        JSON.stringify(definition),
        `PUT _plugins/_security/api/rolesmapping/${role}`,
        JSON.stringify({ backend_roles: roleArns }),
    ].join("\n");
}

/** Every argument of SearchArgs, for refusing unknown ones (the compiler keeps this list exact). */
const SEARCH_ARG_NAMES: ArgNames<SearchArgs> = {
    network: true,
    kmsKeyArn: true,
    clients: true,
    engineVersion: true,
    instanceType: true,
    highAvailability: true,
    availabilityZoneCount: true,
    instanceCount: true,
    dedicatedMasterType: true,
    volumeSizeGiB: true,
    logRetentionInDays: true,
    adminPrincipalArns: true,
    parameterNamespace: true,
    alarms: true,
    tags: true,
};

/**
 * An OpenSearch Service domain inside the VPC: KMS at rest, node-to-node encryption, HTTPS only with
 * TLS 1.2+, fine-grained access control with an IAM master role, an access policy admitting only
 * the client roles, all four log types to KMS-encrypted CloudWatch log groups, zone awareness and
 * three dedicated masters with highAvailability, and a security group admitting the clients on 443.
 *
 * Not done here (it needs OpenSearch's own API, which Pulumi's AWS provider does not reach): mapping
 * the client roles to an OpenSearch role; `roleMappingRequest` is the exact request, sent once with
 * the master role.
 */
export class Search extends pulumi.ComponentResource {
    /** The OpenSearch domain's ARN. */
    readonly domainArn: pulumi.Output<string>;
    /** The OpenSearch domain's name. */
    readonly domainName: pulumi.Output<string>;
    /** The domain's VPC endpoint host name (HTTPS). */
    readonly endpoint: pulumi.Output<string>;
    /** The IAM role that is the domain's fine-grained access control master user (it sends `roleMappingRequest`). */
    readonly masterRoleArn: pulumi.Output<string>;
    /** The domain's security group. */
    readonly securityGroupId: pulumi.Output<string>;
    /**
     * The requests that give the client roles their own OpenSearch role (their `indexPatterns` only)
     * and map them to it: `PUT _plugins/_security/api/roles/<name>-clients` and `.../rolesmapping/...`,
     * each followed by its JSON body, one per line. Send them once, signed as `masterRoleArn`.
     */
    readonly roleMappingRequest: pulumi.Output<string>;

    constructor(name: string, args: SearchArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("Search", name, args);
        const a = validateSearchArgs(name, args);
        refuseUnknownArgs("Search", name, args, SEARCH_ARG_NAMES);
        super("citadel:search:Search", name, {}, withTags(argKeys("Search", name)("tags"), args.tags, opts));
        const parent = { parent: this };
        const ctx = awsContext(this);

        const master = new iam.Role(
            `${name}-master`,
            {
                description: `${name}: OpenSearch fine-grained access control master`,
                assumeRolePolicy: pulumi
                    .all([ctx.partition, ctx.accountId, pulumi.all(args.adminPrincipalArns ?? [])])
                    .apply(([partition, account, admins]) =>
                        policyJson([
                            {
                                Effect: "Allow",
                                Principal: {
                                    AWS: admins.length > 0 ? admins : [`arn:${partition}:iam::${account}:root`],
                                },
                                Action: "sts:AssumeRole",
                            },
                        ]),
                    ),
            },
            parent,
        );

        const sg = new ec2.SecurityGroup(
            `${name}-sg`,
            {
                vpcId: args.network.vpcId,
                description: `${name}: HTTPS from the app's tasks only`,
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
                        description: "HTTPS from a client",
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        referencedSecurityGroupId: client,
                    },
                    parent,
                ),
        );

        const logGroups = SEARCH_LOG_TYPES.map((logType) => ({
            logType,
            group: new cloudwatch.LogGroup(
                `${name}-${logType.toLowerCase().replace(/_/g, "-")}`,
                {
                    retentionInDays: a.logRetentionInDays,
                    kmsKeyId: args.kmsKeyArn,
                },
                parent,
            ),
        }));
        const suffix = new random.RandomId(`${name}-id`, { byteLength: 4 }, parent).hex;
        const logPolicy = new cloudwatch.LogResourcePolicy(
            `${name}-log-delivery`,
            {
                policyName: pulumi.interpolate`${name}-opensearch-logs-${suffix}`,
                policyDocument: pulumi
                    .all([pulumi.all(logGroups.map((l) => l.group.arn)), ctx.accountId, ctx.dnsSuffix])
                    .apply(([arns, account, dns]) => policyJson(searchLogDeliveryStatements(arns, account, dns))),
            },
            parent,
        );

        const subnetIds = pulumi
            .output(args.network.privateSubnetIds)
            .apply((ids) => ids.slice(0, a.availabilityZoneCount));
        const domain = new opensearch.Domain(
            `${name}`,
            {
                engineVersion: a.engineVersion,
                clusterConfig: {
                    instanceType: a.instanceType,
                    instanceCount: a.instanceCount,
                    zoneAwarenessEnabled: a.highAvailability,
                    ...(a.highAvailability
                        ? {
                              zoneAwarenessConfig: { availabilityZoneCount: a.availabilityZoneCount },
                              dedicatedMasterEnabled: true,
                              dedicatedMasterCount: DEDICATED_MASTER_COUNT,
                              dedicatedMasterType: a.dedicatedMasterType,
                          }
                        : { dedicatedMasterEnabled: false }),
                },
                ebsOptions: { ebsEnabled: true, volumeType: "gp3", volumeSize: a.volumeSizeGiB },
                encryptAtRest: { enabled: true, kmsKeyId: args.kmsKeyArn },
                nodeToNodeEncryption: { enabled: true },
                domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: SEARCH_TLS_POLICY },
                advancedSecurityOptions: {
                    enabled: true,
                    internalUserDatabaseEnabled: false,
                    masterUserOptions: { masterUserArn: master.arn },
                },
                vpcOptions: { subnetIds, securityGroupIds: [sg.id] },
                logPublishingOptions: logGroups.map((l) => ({
                    logType: l.logType,
                    cloudwatchLogGroupArn: l.group.arn,
                    enabled: true,
                })),
                softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
                offPeakWindowOptions: { enabled: true },
                tags: backupTags(),
            },
            { parent: this, dependsOn: [logPolicy] },
        );

        new opensearch.DomainPolicy(
            `${name}-access`,
            {
                domainName: domain.domainName,
                accessPolicies: pulumi
                    .all([domain.arn, pulumi.all(args.clients.roleArns), master.arn])
                    .apply(([arn, clients, masterArn]) =>
                        policyJson(searchAccessStatements(arn, [...clients, masterArn])),
                    ),
            },
            parent,
        );

        if (a.parameterNamespace) {
            new ssm.Parameter(
                `${name}-param-endpoint`,
                {
                    name: `${a.parameterNamespace}/endpoint`,
                    type: "String",
                    value: pulumi.interpolate`https://${domain.endpoint}`,
                    description: `${name}: OpenSearch endpoint (HTTPS, SigV4)`,
                },
                parent,
            );
        }

        if (args.alarms) {
            createAlarms(
                this,
                name,
                args.alarms,
                searchAlarmSpecs(args.alarms, domain.domainName, ctx.accountId, {
                    volumeSizeGiB: a.volumeSizeGiB,
                    instanceCount: a.instanceCount,
                    dedicatedMasters: a.highAvailability,
                }),
            );
        }

        this.domainArn = domain.arn;
        this.domainName = domain.domainName;
        this.endpoint = domain.endpoint;
        this.masterRoleArn = master.arn;
        this.securityGroupId = sg.id;
        this.roleMappingRequest = pulumi
            .all(args.clients.roleArns)
            .apply((roles) => clientRoleRequests(a.clientRoleName, a.indexPatterns, roles));
        this.registerOutputs({ domainArn: this.domainArn, endpoint: this.endpoint, masterRoleArn: this.masterRoleArn });
    }
}
