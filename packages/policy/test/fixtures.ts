/**
 * For every rule, sets of resources it must reject and sets it must accept. Each resource is built
 * from its real `@pulumi/aws` class: the type token comes from the class, and the arguments are typed
 * by the class's args (tsc refuses a misspelt property). The policy tests evaluate them as plain
 * resources; stacks/test/policy.test.ts constructs them under the mock runtime and evaluates what
 * the engine recorded, which proves the property names survive serialization.
 *
 * References between resources use mock ids (`<name>-id`), as the mock runtime assigns them.
 */
import * as pulumi from "@pulumi/pulumi";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as codedeploy from "@pulumi/aws/codedeploy";
import * as docdb from "@pulumi/aws/docdb";
import * as ebs from "@pulumi/aws/ebs";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecr from "@pulumi/aws/ecr";
import * as ecs from "@pulumi/aws/ecs";
import * as elasticache from "@pulumi/aws/elasticache";
import * as guardduty from "@pulumi/aws/guardduty";
import * as opensearch from "@pulumi/aws/opensearch";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as lb from "@pulumi/aws/lb";
import * as rds from "@pulumi/aws/rds";
import * as s3 from "@pulumi/aws/s3";
import * as sqs from "@pulumi/aws/sqs";
import * as vpc from "@pulumi/aws/vpc";
import * as backup from "@pulumi/aws/backup";
import * as cfg from "@pulumi/aws/cfg";
import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as sns from "@pulumi/aws/sns";
import * as wafv2 from "@pulumi/aws/wafv2";
import type { PlainResource } from "../src/evaluate";

type ResourceClass<A> = new (name: string, args: A, opts?: pulumi.CustomResourceOptions) => pulumi.CustomResource;

export interface Fixture {
    cls: ResourceClass<never>;
    type: string;
    name: string;
    args: Record<string, unknown>;
}

/** A resource of class `cls` with plain (already resolved) arguments. */
export function fx<A>(cls: ResourceClass<A>, name: string, args: NoInfer<pulumi.Unwrap<NonNullable<A>>>): Fixture {
    return { cls: cls as ResourceClass<never>, type: pulumiType(cls), name, args: args as Record<string, unknown> };
}

export function pulumiType(cls: unknown): string {
    return (cls as { __pulumiType: string }).__pulumiType;
}

/** The id the mock runtime gives a resource. */
export const id = (name: string) => `${name}-id`;

/** A fixture as the evaluator sees it offline. */
export function plain(f: Fixture): PlainResource {
    return { type: f.type, name: f.name, id: id(f.name), inputs: JSON.parse(JSON.stringify(f.args)) };
}

export interface RuleCases {
    /** Each set must produce at least one violation of the rule. */
    reject: Fixture[][];
    /** Each set must produce none. */
    accept: Fixture[][];
}

// ---------------------------------------------------------------------------------------------
// Building blocks: compliant resources, which the cases then break one setting at a time.

const KEY_ARN = "arn:aws:kms:eu-west-1:123456789012:key/k";
const ACCOUNT = "123456789012";

const theVpc = () => fx(ec2.Vpc, "v", { cidrBlock: "10.0.0.0/16" });

const goodInstance = (over: Partial<pulumi.Unwrap<ec2.InstanceArgs>> = {}) =>
    fx(ec2.Instance, "i", {
        ami: "ami-0123456789abcdef0",
        instanceType: "t3.micro",
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
        rootBlockDevice: { encrypted: true, kmsKeyId: KEY_ARN },
        ...over,
    });

const goodTemplate = (over: Partial<pulumi.Unwrap<ec2.LaunchTemplateArgs>> = {}) =>
    fx(ec2.LaunchTemplate, "lt", {
        imageId: "ami-0123456789abcdef0",
        metadataOptions: { httpTokens: "required" },
        blockDeviceMappings: [
            { deviceName: "/dev/xvda", ebs: { encrypted: "true", kmsKeyId: KEY_ARN, volumeSize: 30 } },
        ],
        ...over,
    });

const subnet = (name: string, az: string) =>
    fx(ec2.Subnet, name, { vpcId: id("v"), cidrBlock: "10.0.1.0/24", availabilityZone: az });

const goodAlb = (over: Partial<pulumi.Unwrap<lb.LoadBalancerArgs>> = {}) =>
    fx(lb.LoadBalancer, "alb", {
        loadBalancerType: "application",
        subnets: [id("s1"), id("s2")],
        dropInvalidHeaderFields: true,
        enableDeletionProtection: true,
        desyncMitigationMode: "strictest",
        accessLogs: { bucket: "elb-logs-bucket", enabled: true, prefix: "alb" },
        ...over,
    });

const httpsListener = (sslPolicy?: string) =>
    fx(lb.Listener, "https", {
        loadBalancerArn: id("alb"),
        port: 443,
        protocol: "HTTPS",
        certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/c",
        ...(sslPolicy ? { sslPolicy } : {}),
        defaultActions: [{ type: "forward", targetGroupArn: id("tg") }],
    });

/** A container that passes every container rule. */
const goodContainer = {
    name: "app",
    image: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1.0.0",
    essential: true,
    readonlyRootFilesystem: true,
    environment: [
        { name: "LOG_LEVEL", value: "info" },
        { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db" },
    ],
    secrets: [{ name: "DB_PASSWORD", valueFrom: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password::" }],
    logConfiguration: {
        logDriver: "awslogs",
        options: { "awslogs-group": "app", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "app" },
    },
};

const taskDef = (container: Record<string, unknown>, networkMode = "awsvpc") =>
    fx(ecs.TaskDefinition, "td", {
        family: "app",
        networkMode,
        requiresCompatibilities: ["FARGATE"],
        cpu: "256",
        memory: "512",
        containerDefinitions: JSON.stringify([{ ...goodContainer, ...container }]),
    });

const strongPasswords = {
    minimumPasswordLength: 14,
    requireUppercaseCharacters: true,
    requireLowercaseCharacters: true,
    requireSymbols: true,
    requireNumbers: true,
    passwordReusePrevention: 24,
    maxPasswordAge: 90,
};

const goodDb = (over: Partial<pulumi.Unwrap<rds.InstanceArgs>> = {}) =>
    fx(rds.Instance, "db", {
        instanceClass: "db.t4g.micro",
        engine: "postgres",
        engineVersion: "17",
        allocatedStorage: 20,
        username: "citadel",
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        backupRetentionPeriod: 7,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        multiAz: true,
        deletionProtection: true,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: KEY_ARN,
        ...over,
    });

const goodCluster = (over: Partial<pulumi.Unwrap<rds.ClusterArgs>> = {}) =>
    fx(rds.Cluster, "dbc", {
        engine: "aurora-postgresql",
        storageEncrypted: true,
        backupRetentionPeriod: 14,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql"],
        deletionProtection: true,
        manageMasterUserPassword: true,
        masterUsername: "citadel",
        ...over,
    });

const goodDocdb = (over: Partial<pulumi.Unwrap<docdb.ClusterArgs>> = {}) =>
    fx(docdb.Cluster, "docs", {
        engine: "docdb",
        storageEncrypted: true,
        kmsKeyId: KEY_ARN,
        backupRetentionPeriod: 15,
        enabledCloudwatchLogsExports: ["audit", "profiler"],
        manageMasterUserPassword: true,
        masterUsername: "citadel",
        ...over,
    });
const docdbParams = (parameters: Array<{ name: string; value: string }>) =>
    fx(docdb.ClusterParameterGroup, "docs-params", { family: "docdb5.0", parameters });
const deploymentGroup = (over: Partial<pulumi.Unwrap<codedeploy.DeploymentGroupArgs>> = {}) =>
    fx(codedeploy.DeploymentGroup, "dg", {
        appName: "app",
        deploymentGroupName: "api",
        serviceRoleArn: "arn:aws:iam::123456789012:role/cd",
        deploymentConfigName: "CodeDeployDefault.OneAtATime",
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
        alarmConfiguration: { enabled: true, alarms: ["api-5xx"] },
        ...over,
    });
const templateNic = (associatePublicIpAddress?: string) =>
    fx(ec2.LaunchTemplate, "lt", {
        imageId: "ami-1",
        networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress, securityGroups: [id("sg")] }],
    });

const tlsDenyPolicy = (bucketArn: string, extra: object[] = []) =>
    JSON.stringify({
        Version: "2012-10-17",
        Statement: [
            {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            },
            ...extra,
        ],
    });

const writer = (service: string, bucketArn: string) => ({
    Effect: "Allow",
    Principal: { Service: service },
    Action: "s3:PutObject",
    Resource: `${bucketArn}/*`,
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
});

type BucketPart = "pab" | "policy" | "encryption" | "versioning" | "logging" | "lifecycle" | "ownership";

/** A bucket with every guard SecureBucket puts on it, minus `without`, with overrides per part. */
function secureBucket(
    name: string,
    opts: {
        without?: BucketPart[];
        pab?: Partial<pulumi.Unwrap<s3.BucketPublicAccessBlockArgs>>;
        policy?: string;
        sseAlgorithm?: string;
        versioningStatus?: string;
        lifecycleStatus?: string;
        objectOwnership?: string;
        bucket?: Partial<pulumi.Unwrap<s3.BucketArgs>>;
    } = {},
): Fixture[] {
    const b = id(name);
    const arn = `arn:aws:s3:::${b}`;
    const parts: Record<BucketPart, Fixture> = {
        pab: fx(s3.BucketPublicAccessBlock, `${name}-pab`, {
            bucket: b,
            blockPublicAcls: true,
            blockPublicPolicy: true,
            ignorePublicAcls: true,
            restrictPublicBuckets: true,
            ...opts.pab,
        }),
        policy: fx(s3.BucketPolicy, `${name}-policy`, { bucket: b, policy: opts.policy ?? tlsDenyPolicy(arn) }),
        encryption: fx(s3.BucketServerSideEncryptionConfiguration, `${name}-sse`, {
            bucket: b,
            rules: [
                {
                    applyServerSideEncryptionByDefault: {
                        sseAlgorithm: opts.sseAlgorithm ?? "aws:kms",
                        ...(opts.sseAlgorithm === "AES256" ? {} : { kmsMasterKeyId: KEY_ARN }),
                    },
                    bucketKeyEnabled: true,
                },
            ],
        }),
        versioning: fx(s3.BucketVersioning, `${name}-versioning`, {
            bucket: b,
            versioningConfiguration: { status: opts.versioningStatus ?? "Enabled" },
        }),
        logging: fx(s3.BucketLogging, `${name}-logging`, {
            bucket: b,
            targetBucket: "access-logs-bucket",
            targetPrefix: `s3/${name}/`,
        }),
        lifecycle: fx(s3.BucketLifecycleConfiguration, `${name}-lifecycle`, {
            bucket: b,
            rules: [
                {
                    id: "expire-old-versions",
                    status: opts.lifecycleStatus ?? "Enabled",
                    filter: {},
                    noncurrentVersionExpiration: { noncurrentDays: 30 },
                },
            ],
        }),
        ownership: fx(s3.BucketOwnershipControls, `${name}-ownership`, {
            bucket: b,
            rule: { objectOwnership: opts.objectOwnership ?? "BucketOwnerEnforced" },
        }),
    };
    const without = opts.without ?? [];
    return [
        fx(s3.Bucket, name, { forceDestroy: false, ...opts.bucket }),
        ...Object.entries(parts)
            .filter(([k]) => !without.includes(k as BucketPart))
            .map(([, f]) => f),
    ];
}

const DIST_ID = id("cdn");

const goodDistribution = (over: Partial<pulumi.Unwrap<cloudfront.DistributionArgs>> = {}) =>
    fx(cloudfront.Distribution, "cdn", {
        enabled: true,
        origins: [
            {
                originId: "app",
                domainName: "origin.example.com",
                customOriginConfig: {
                    httpPort: 80,
                    httpsPort: 443,
                    originProtocolPolicy: "https-only",
                    originSslProtocols: ["TLSv1.2"],
                },
            },
            {
                originId: "assets",
                domainName: "assets-bucket.s3.eu-west-1.amazonaws.com",
                originAccessControlId: id("oac"),
            },
        ],
        defaultCacheBehavior: {
            targetOriginId: "app",
            viewerProtocolPolicy: "redirect-to-https",
            allowedMethods: ["GET", "HEAD"],
            cachedMethods: ["GET", "HEAD"],
            cachePolicyId: "policy",
        },
        orderedCacheBehaviors: [
            {
                pathPattern: "/assets/*",
                targetOriginId: "assets",
                viewerProtocolPolicy: "https-only",
                allowedMethods: ["GET", "HEAD"],
                cachedMethods: ["GET", "HEAD"],
                cachePolicyId: "policy",
            },
        ],
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: {
            acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        },
        webAclId: "arn:aws:wafv2:us-east-1:123456789012:global/webacl/acl/acl-id",
        ...over,
    });

const accessLogSource = (logType = "ACCESS_LOGS") =>
    fx(cloudwatch.LogDeliverySource, "cdn-logs", {
        logType,
        resourceArn: `arn:aws:cloudfront::${ACCOUNT}:distribution/${DIST_ID}`,
    });

const metrics = (name: string, on = true) => ({
    cloudwatchMetricsEnabled: on,
    metricName: name,
    sampledRequestsEnabled: true,
});

const goodAcl = (over: Partial<pulumi.Unwrap<wafv2.WebAclArgs>> = {}) =>
    fx(wafv2.WebAcl, "acl", {
        scope: "CLOUDFRONT",
        defaultAction: { allow: {} },
        visibilityConfig: metrics("acl"),
        rules: [
            {
                name: "common",
                priority: 1,
                overrideAction: { none: {} },
                visibilityConfig: metrics("common"),
                statement: { managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" } },
            },
        ],
        ...over,
    });

const policyJson = (statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });

const goodTrail = (over: Partial<pulumi.Unwrap<cloudtrail.TrailArgs>> = {}) =>
    fx(cloudtrail.Trail, "trail", {
        s3BucketName: "audit",
        isMultiRegionTrail: true,
        includeGlobalServiceEvents: true,
        enableLogFileValidation: true,
        kmsKeyId: KEY_ARN,
        cloudWatchLogsGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:trail:*",
        cloudWatchLogsRoleArn: "arn:aws:iam::123456789012:role/trail",
        ...over,
    });

const BACKUP_TAG = { "citadel:backup": "daily" };
const backupSelection = () =>
    fx(backup.Selection, "sel", {
        iamRoleArn: "arn:aws:iam::1:role/b",
        planId: "p",
        selectionTags: [{ type: "STRINGEQUALS", key: "citadel:backup", value: "daily" }],
    });

const TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:alerts";
const alarm = (
    name: string,
    namespace: string,
    metricName: string,
    dimensions: Record<string, string>,
    over: Partial<pulumi.Unwrap<cloudwatch.MetricAlarmArgs>> = {},
) =>
    fx(cloudwatch.MetricAlarm, name, {
        namespace,
        metricName,
        dimensions,
        statistic: "Maximum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        period: 60,
        evaluationPeriods: 1,
        alarmActions: [TOPIC_ARN],
        ...over,
    });
const dbAlarm = (identifier: string, over = {}) =>
    alarm("db-cpu", "AWS/RDS", "CPUUtilization", { DBInstanceIdentifier: identifier }, over);
const cacheAlarm = (clusterId: string) =>
    alarm("cache-memory", "AWS/ElastiCache", "DatabaseMemoryUsagePercentage", { CacheClusterId: clusterId });
const domainAlarm = (domainName: string) =>
    alarm("search-red", "AWS/ES", "ClusterStatus.red", { DomainName: domainName, ClientId: "123456789012" });
const queueAlarm = (queueName: string) =>
    alarm("dlq-messages", "AWS/SQS", "ApproximateNumberOfMessagesVisible", { QueueName: queueName });

const repo = (over: Partial<pulumi.Unwrap<ecr.RepositoryArgs>> = {}) =>
    fx(ecr.Repository, "r", {
        imageTagMutability: "IMMUTABLE",
        imageScanningConfiguration: { scanOnPush: true },
        encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: KEY_ARN }],
        ...over,
    });

const repoLifecycle = () =>
    fx(ecr.LifecyclePolicy, "r-lifecycle", {
        repository: id("r"),
        policy: JSON.stringify({
            rules: [
                {
                    rulePriority: 1,
                    selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
                    action: { type: "expire" },
                },
            ],
        }),
    });

// ---------------------------------------------------------------------------------------------

/** A replication group as Citadel's Cache makes it, with overrides. */
function goodCache(over: Partial<pulumi.Unwrap<elasticache.ReplicationGroupArgs>> = {}): Fixture {
    return fx(elasticache.ReplicationGroup, "cache", {
        description: "cache",
        engine: "valkey",
        engineVersion: "8.0",
        nodeType: "cache.t4g.micro",
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
        atRestEncryptionEnabled: true,
        kmsKeyId: KEY_ARN,
        transitEncryptionEnabled: true,
        transitEncryptionMode: "required",
        userGroupIds: ["cache-users"],
        subnetGroupName: "cache-subnets",
        snapshotRetentionLimit: 7,
        autoMinorVersionUpgrade: true,
        ...over,
    });
}

/** An OpenSearch domain as Citadel's Search makes it in prod, with overrides. */
function goodDomain(over: Partial<pulumi.Unwrap<opensearch.DomainArgs>> = {}): Fixture {
    return fx(opensearch.Domain, "search", {
        engineVersion: "OpenSearch_2.19",
        clusterConfig: {
            instanceType: "r6g.large.search",
            instanceCount: 3,
            zoneAwarenessEnabled: true,
            zoneAwarenessConfig: { availabilityZoneCount: 3 },
            dedicatedMasterEnabled: true,
            dedicatedMasterCount: 3,
            dedicatedMasterType: "m6g.large.search",
        },
        encryptAtRest: { enabled: true, kmsKeyId: KEY_ARN },
        nodeToNodeEncryption: { enabled: true },
        domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
        advancedSecurityOptions: {
            enabled: true,
            internalUserDatabaseEnabled: false,
            masterUserOptions: { masterUserArn: "arn:aws:iam::1:role/m" },
        },
        vpcOptions: { subnetIds: ["priv-a", "priv-b", "priv-c"], securityGroupIds: ["sg"] },
        logPublishingOptions: ["ES_APPLICATION_LOGS", "AUDIT_LOGS", "INDEX_SLOW_LOGS", "SEARCH_SLOW_LOGS"].map(
            (logType) => ({
                logType,
                cloudwatchLogGroupArn: `arn:aws:logs:eu-west-1:1:log-group:${logType}`,
                enabled: true,
            }),
        ),
        softwareUpdateOptions: { autoSoftwareUpdateEnabled: true },
        ...over,
    });
}

const scanPlan = (tagging = "ENABLED") =>
    fx(guardduty.MalwareProtectionPlan, "scan", {
        role: "arn:aws:iam::1:role/scanner",
        protectedResource: { s3Bucket: { bucketName: id("up") } },
        actions: [{ taggings: [{ status: tagging }] }],
    });
const scanDeny = {
    Sid: "DenyDownloadUnlessScannedClean",
    Effect: "Deny",
    Principal: "*",
    Action: ["s3:GetObject"],
    Resource: "arn:aws:s3:::up-id/*",
    Condition: {
        StringNotEquals: { "s3:ExistingObjectTag/GuardDutyMalwareScanStatus": "NO_THREATS_FOUND" },
        ArnNotEquals: { "aws:PrincipalArn": "arn:aws:iam::1:role/scanner" },
    },
};
const uploadBucket = (statements: object[]) => [
    fx(s3.Bucket, "up", {}),
    fx(s3.BucketPolicy, "up-policy", { bucket: id("up"), policy: tlsDenyPolicy("arn:aws:s3:::up-id", statements) }),
];

export const CASES: Record<string, RuleCases> = {
    "ec2-vpc-flow-logs": {
        reject: [
            [theVpc()],
            [
                theVpc(),
                fx(ec2.FlowLog, "fl", {
                    vpcId: id("other"),
                    trafficType: "ALL",
                    logDestinationType: "s3",
                    logDestination: "arn:aws:s3:::b",
                }),
            ],
            [
                theVpc(),
                fx(ec2.FlowLog, "fl", {
                    vpcId: id("v"),
                    trafficType: "ACCEPT",
                    logDestinationType: "s3",
                    logDestination: "arn:aws:s3:::b",
                }),
            ],
        ],
        accept: [
            [
                theVpc(),
                fx(ec2.FlowLog, "fl", {
                    vpcId: id("v"),
                    trafficType: "ALL",
                    logDestinationType: "s3",
                    logDestination: "arn:aws:s3:::b",
                }),
            ],
            [
                theVpc(),
                fx(ec2.FlowLog, "fl", {
                    vpcId: id("v"),
                    trafficType: "REJECT",
                    logDestination: "arn:aws:logs:eu-west-1:1:log-group:g",
                    iamRoleArn: "arn:aws:iam::1:role/r",
                }),
            ],
        ],
    },
    "ec2-default-sg-closed": {
        reject: [
            [theVpc()],
            [
                theVpc(),
                fx(ec2.DefaultSecurityGroup, "dsg", {
                    vpcId: id("v"),
                    ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }],
                }),
            ],
            [
                theVpc(),
                fx(ec2.DefaultSecurityGroup, "dsg", {
                    vpcId: id("v"),
                    egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
                }),
            ],
        ],
        accept: [[theVpc(), fx(ec2.DefaultSecurityGroup, "dsg", { vpcId: id("v") })]],
    },
    "ec2-subnet-no-public-ip": {
        reject: [[fx(ec2.Subnet, "s", { vpcId: id("v"), cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: true })]],
        accept: [
            [fx(ec2.Subnet, "s", { vpcId: id("v"), cidrBlock: "10.0.0.0/24", mapPublicIpOnLaunch: false })],
            [fx(ec2.Subnet, "s", { vpcId: id("v"), cidrBlock: "10.0.0.0/24" })],
        ],
    },
    "ec2-no-world-ingress": {
        reject: [
            [
                fx(ec2.SecurityGroup, "sg", {
                    vpcId: id("v"),
                    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
                }),
            ],
            [
                fx(ec2.SecurityGroupRule, "rule", {
                    type: "ingress",
                    securityGroupId: id("sg"),
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    ipv6CidrBlocks: ["::/0"],
                }),
            ],
            [
                fx(vpc.SecurityGroupIngressRule, "in", {
                    securityGroupId: id("sg"),
                    ipProtocol: "tcp",
                    fromPort: 8080,
                    toPort: 8080,
                    cidrIpv4: "0.0.0.0/0",
                }),
            ],
            [
                fx(vpc.SecurityGroupIngressRule, "in", {
                    securityGroupId: id("sg"),
                    ipProtocol: "tcp",
                    fromPort: 0,
                    toPort: 65535,
                    cidrIpv6: "::/0",
                }),
            ],
            // 443 from the world on a group no load balancer uses.
            [
                fx(vpc.SecurityGroupIngressRule, "in", {
                    securityGroupId: id("sg"),
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "0.0.0.0/0",
                }),
            ],
            // The internet in pieces.
            [
                fx(ec2.SecurityGroup, "sg", {
                    vpcId: id("v"),
                    ingress: [
                        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/1", "128.0.0.0/1"] },
                    ],
                }),
            ],
            [
                fx(ec2.SecurityGroup, "sg", {
                    vpcId: id("v"),
                    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }],
                }),
            ],
        ],
        accept: [
            [
                fx(vpc.SecurityGroupIngressRule, "in", {
                    securityGroupId: id("sg"),
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: "0.0.0.0/0",
                }),
                goodAlb({ securityGroups: [id("sg")] }),
            ],
            [
                fx(vpc.SecurityGroupIngressRule, "in", {
                    securityGroupId: id("sg"),
                    ipProtocol: "tcp",
                    fromPort: 5432,
                    toPort: 5432,
                    referencedSecurityGroupId: id("app"),
                }),
            ],
            [
                fx(ec2.SecurityGroup, "sg", {
                    vpcId: id("v"),
                    ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/16"] }],
                }),
            ],
            [
                fx(ec2.SecurityGroupRule, "rule", {
                    type: "egress",
                    securityGroupId: id("sg"),
                    protocol: "-1",
                    fromPort: 0,
                    toPort: 0,
                    cidrBlocks: ["0.0.0.0/0"],
                }),
            ],
        ],
    },
    "ec2-imdsv2": {
        reject: [
            [goodInstance({ metadataOptions: undefined })],
            [goodInstance({ metadataOptions: { httpTokens: "optional" } })],
            [goodTemplate({ metadataOptions: { httpTokens: "optional" } })],
            [goodTemplate({ metadataOptions: undefined })],
        ],
        accept: [
            [goodInstance()],
            [goodTemplate()],
            [goodInstance({ metadataOptions: { httpEndpoint: "disabled" } })],
            [goodInstance({ metadataOptions: undefined, launchTemplate: { id: id("lt"), version: "$Latest" } })],
        ],
    },
    "ec2-encrypted-volumes": {
        reject: [
            [goodInstance({ rootBlockDevice: undefined })],
            [goodInstance({ rootBlockDevice: { encrypted: false } })],
            [goodInstance({ ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false, volumeSize: 10 }] })],
            [goodTemplate({ blockDeviceMappings: [] })],
            [
                goodTemplate({
                    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "false", volumeSize: 30 } }],
                }),
            ],
            [fx(ebs.Volume, "vol", { availabilityZone: "eu-west-1a", size: 10 })],
        ],
        accept: [
            [goodInstance()],
            [goodTemplate()],
            [fx(ebs.Volume, "vol", { availabilityZone: "eu-west-1a", size: 10, encrypted: true, kmsKeyId: KEY_ARN })],
        ],
    },
    "autoscaling-launch-template": {
        reject: [
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchConfiguration: "lc",
                    vpcZoneIdentifiers: [id("s1"), id("s2")],
                }),
            ],
            [fx(autoscaling.Group, "asg", { minSize: 1, maxSize: 2, vpcZoneIdentifiers: [id("s1"), id("s2")] })],
        ],
        accept: [
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt"), version: "$Latest" },
                    vpcZoneIdentifiers: [id("s1"), id("s2")],
                }),
            ],
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    vpcZoneIdentifiers: [id("s1"), id("s2")],
                    mixedInstancesPolicy: {
                        launchTemplate: { launchTemplateSpecification: { launchTemplateId: id("lt") } },
                    },
                }),
            ],
        ],
    },
    "autoscaling-multi-az": {
        reject: [
            [
                subnet("s1", "eu-west-1a"),
                subnet("s2", "eu-west-1a"),
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    vpcZoneIdentifiers: [id("s1"), id("s2")],
                }),
            ],
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    availabilityZones: ["eu-west-1a"],
                }),
            ],
        ],
        accept: [
            [
                subnet("s1", "eu-west-1a"),
                subnet("s2", "eu-west-1b"),
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    vpcZoneIdentifiers: [id("s1"), id("s2")],
                }),
            ],
            // Subnets of a VPC outside the stack: their AZs cannot be known, so two subnets pass.
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    vpcZoneIdentifiers: ["subnet-1", "subnet-2"],
                }),
            ],
        ],
    },
    "elb-http-redirects-to-https": {
        reject: [
            [
                fx(lb.Listener, "http", {
                    loadBalancerArn: id("alb"),
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [{ type: "forward", targetGroupArn: id("tg") }],
                }),
            ],
            [
                fx(lb.Listener, "http", {
                    loadBalancerArn: id("alb"),
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [
                        { type: "redirect", redirect: { protocol: "HTTP", port: "8080", statusCode: "HTTP_301" } },
                    ],
                }),
            ],
        ],
        accept: [
            [
                fx(lb.Listener, "http", {
                    loadBalancerArn: id("alb"),
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [
                        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                    ],
                }),
            ],
            [httpsListener("ELBSecurityPolicy-TLS13-1-2-Res-2021-06")],
        ],
    },
    "elb-http-listener-rules-redirect": {
        reject: [
            [
                fx(lb.Listener, "http", {
                    loadBalancerArn: id("alb"),
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [
                        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                    ],
                }),
                fx(lb.ListenerRule, "api", {
                    listenerArn: id("http"),
                    priority: 10,
                    conditions: [{ pathPattern: { values: ["/api/*"] } }],
                    actions: [{ type: "forward", targetGroupArn: id("tg") }],
                }),
            ],
        ],
        accept: [
            [
                httpsListener("ELBSecurityPolicy-TLS13-1-2-Res-2021-06"),
                fx(lb.ListenerRule, "api", {
                    listenerArn: id("https"),
                    priority: 10,
                    conditions: [{ pathPattern: { values: ["/api/*"] } }],
                    actions: [{ type: "forward", targetGroupArn: id("tg") }],
                }),
            ],
            [
                fx(lb.Listener, "http", {
                    loadBalancerArn: id("alb"),
                    port: 80,
                    protocol: "HTTP",
                    defaultActions: [
                        { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
                    ],
                }),
                fx(lb.ListenerRule, "legacy", {
                    listenerArn: id("http"),
                    priority: 10,
                    conditions: [{ hostHeader: { values: ["old.example.com"] } }],
                    actions: [
                        {
                            type: "redirect",
                            redirect: {
                                protocol: "HTTPS",
                                host: "new.example.com",
                                port: "443",
                                statusCode: "HTTP_301",
                            },
                        },
                    ],
                }),
            ],
        ],
    },
    "elb-drop-invalid-headers": {
        reject: [[goodAlb({ dropInvalidHeaderFields: false })], [goodAlb({ dropInvalidHeaderFields: undefined })]],
        accept: [[goodAlb()], [goodAlb({ loadBalancerType: "network", dropInvalidHeaderFields: undefined })]],
    },
    "elb-access-logs": {
        reject: [[goodAlb({ accessLogs: undefined })], [goodAlb({ accessLogs: { bucket: "elb-logs-bucket" } })]],
        accept: [[goodAlb()]],
    },
    "elb-deletion-protection": {
        reject: [[goodAlb({ enableDeletionProtection: undefined })]],
        accept: [[goodAlb()]],
    },
    "elb-desync-mitigation": {
        reject: [[goodAlb({ desyncMitigationMode: "monitor" })]],
        accept: [
            [goodAlb()],
            [goodAlb({ desyncMitigationMode: undefined })],
            [goodAlb({ desyncMitigationMode: "defensive" })],
        ],
    },
    "elb-tls-policy": {
        reject: [[httpsListener("ELBSecurityPolicy-2016-08")], [httpsListener()]],
        accept: [
            [httpsListener("ELBSecurityPolicy-TLS13-1-2-2021-06")],
            [httpsListener("ELBSecurityPolicy-TLS13-1-3-2021-06")],
        ],
    },
    "ecs-no-privileged-containers": {
        reject: [[taskDef({ privileged: true })]],
        accept: [[taskDef({})], [taskDef({ privileged: false })]],
    },
    "ecs-readonly-root-filesystem": {
        reject: [[taskDef({ readonlyRootFilesystem: false })], [taskDef({ readonlyRootFilesystem: undefined })]],
        accept: [[taskDef({})]],
    },
    "ecs-no-secrets-in-environment": {
        reject: [
            [taskDef({ environment: [{ name: "DB_PASSWORD", value: "hunter2" }] })],
            [taskDef({ environment: [{ name: "AWS_SECRET_ACCESS_KEY", value: "x" }] })],
            [taskDef({ environment: [{ name: "GITLAB_TOKEN", value: "glpat-x" }] })],
            [taskDef({ environment: [{ name: "STRIPE_API_KEY", value: "sk_live_x" }] })],
            // Issue 11, kind 13: the short forms, and a password inside a URL whatever the name.
            [taskDef({ environment: [{ name: "DB_PASS", value: "x" }] })],
            [taskDef({ environment: [{ name: "PGPASS", value: "x" }] })],
            [taskDef({ environment: [{ name: "API_AUTH", value: "x" }] })],
            [taskDef({ environment: [{ name: "JWT_SIGNING", value: "x" }] })],
            [
                taskDef({
                    environment: [{ name: "DATABASE_URL", value: "postgres://app:hunter2@db.internal:5432/app" }],
                }),
            ],
            [taskDef({ environment: [{ name: "BROKER", value: "amqp://:hunter2@mq:5672" }] })],
        ],
        accept: [
            [taskDef({})],
            [
                taskDef({
                    environment: [
                        { name: "KMS_KEY_ID", value: "k" },
                        { name: "DB_PASSWORD_FILE", value: "/run/secrets/db" },
                        { name: "KEYCLOAK_URL", value: "https://id.example.com" },
                    ],
                }),
            ],
            [
                taskDef({
                    environment: [
                        { name: "DATABASE_URL", value: "postgres://db.internal:5432/app" },
                        { name: "COMPASS_MODE", value: "on" },
                        { name: "AUTHOR", value: "ops" },
                        { name: "SITE", value: "https://user@example.com/" },
                    ],
                }),
            ],
        ],
    },
    "ecs-container-logging": {
        reject: [[taskDef({ logConfiguration: undefined })]],
        accept: [[taskDef({})]],
    },
    "ecs-service-no-public-ip": {
        reject: [
            [
                fx(ecs.Service, "svc", {
                    cluster: id("cluster"),
                    taskDefinition: id("td"),
                    desiredCount: 2,
                    networkConfiguration: { subnets: [id("s1")], assignPublicIp: true },
                }),
            ],
        ],
        accept: [
            [
                fx(ecs.Service, "svc", {
                    cluster: id("cluster"),
                    taskDefinition: id("td"),
                    desiredCount: 2,
                    networkConfiguration: { subnets: [id("s1")], assignPublicIp: false, securityGroups: [id("sg")] },
                }),
            ],
        ],
    },
    "ecs-container-insights": {
        reject: [
            [fx(ecs.Cluster, "cluster", {})],
            [fx(ecs.Cluster, "cluster", { settings: [{ name: "containerInsights", value: "disabled" }] })],
        ],
        accept: [
            [fx(ecs.Cluster, "cluster", { settings: [{ name: "containerInsights", value: "enhanced" }] })],
            [fx(ecs.Cluster, "cluster", { settings: [{ name: "containerInsights", value: "enabled" }] })],
        ],
    },
    "ecs-no-host-pid": {
        reject: [[fx(ecs.TaskDefinition, "td", { family: "app", pidMode: "host", containerDefinitions: "[]" })]],
        accept: [
            [taskDef({})],
            [fx(ecs.TaskDefinition, "td", { family: "app", pidMode: "task", containerDefinitions: "[]" })],
        ],
    },
    "ecs-fargate-latest-platform": {
        reject: [[fx(ecs.Service, "svc", { launchType: "FARGATE", platformVersion: "1.3.0" })]],
        accept: [
            [fx(ecs.Service, "svc", { launchType: "FARGATE" })],
            [fx(ecs.Service, "svc", { launchType: "FARGATE", platformVersion: "LATEST" })],
        ],
    },
    "rds-copy-tags-to-snapshots": {
        reject: [
            [goodDb({ copyTagsToSnapshot: false })],
            [goodDb({ copyTagsToSnapshot: undefined })],
            [fx(rds.Cluster, "cluster", { engine: "aurora-postgresql" })],
        ],
        accept: [
            [goodDb({ copyTagsToSnapshot: true })],
            [fx(rds.Cluster, "cluster", { engine: "aurora-postgresql", copyTagsToSnapshot: true })],
        ],
    },
    "rds-custom-admin-username": {
        reject: [
            [goodDb({ username: "postgres" })],
            [goodDb({ username: "Admin" })],
            [fx(rds.Cluster, "cluster", { engine: "aurora-postgresql", masterUsername: "postgres" })],
        ],
        accept: [
            [goodDb({ username: "citadel" })],
            [fx(rds.Cluster, "cluster", { engine: "aurora-postgresql", masterUsername: "citadel" })],
        ],
    },
    "docdb-deletion-protection": {
        reject: [[fx(docdb.Cluster, "docs", { deletionProtection: false })], [fx(docdb.Cluster, "docs", {})]],
        accept: [[fx(docdb.Cluster, "docs", { deletionProtection: true })]],
    },
    "cloudwatch-alarm-actions-enabled": {
        reject: [
            [
                fx(cloudwatch.MetricAlarm, "alarm", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    actionsEnabled: false,
                }),
            ],
        ],
        accept: [
            [
                fx(cloudwatch.MetricAlarm, "alarm", {
                    comparisonOperator: "GreaterThanThreshold",
                    evaluationPeriods: 1,
                    actionsEnabled: true,
                }),
            ],
            [fx(cloudwatch.MetricAlarm, "alarm", { comparisonOperator: "GreaterThanThreshold", evaluationPeriods: 1 })],
        ],
    },
    "backup-vault-kms": {
        reject: [[fx(backup.Vault, "vault", {})], [fx(backup.Vault, "vault", { kmsKeyArn: "" })]],
        accept: [[fx(backup.Vault, "vault", { kmsKeyArn: KEY_ARN })]],
    },
    "iam-password-policy": {
        reject: [
            [fx(iam.AccountPasswordPolicy, "pw", { ...strongPasswords, minimumPasswordLength: 8 })],
            [fx(iam.AccountPasswordPolicy, "pw", { ...strongPasswords, requireSymbols: false })],
            [fx(iam.AccountPasswordPolicy, "pw", { ...strongPasswords, passwordReusePrevention: undefined })],
            [fx(iam.AccountPasswordPolicy, "pw", { ...strongPasswords, maxPasswordAge: 365 })],
        ],
        accept: [[fx(iam.AccountPasswordPolicy, "pw", strongPasswords)]],
    },
    "ecs-no-host-network": {
        reject: [[taskDef({}, "host")]],
        accept: [[taskDef({}, "awsvpc")], [taskDef({}, "bridge")]],
    },
    "ec2-launch-template-no-public-ip": {
        reject: [[templateNic("true")]],
        accept: [[templateNic("false")], [templateNic()], [fx(ec2.LaunchTemplate, "lt", { imageId: "ami-1" })]],
    },
    "codedeploy-auto-rollback": {
        reject: [
            [deploymentGroup({ autoRollbackConfiguration: undefined })],
            [deploymentGroup({ autoRollbackConfiguration: { enabled: false, events: ["DEPLOYMENT_FAILURE"] } })],
            [deploymentGroup({ autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_STOP_ON_ALARM"] } })],
            [deploymentGroup({ autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] } })],
        ],
        accept: [
            [deploymentGroup()],
            [
                deploymentGroup({
                    alarmConfiguration: undefined,
                    autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE"] },
                }),
            ],
        ],
    },
    "docdb-storage-encrypted": {
        reject: [[goodDocdb({ storageEncrypted: false })], [goodDocdb({ storageEncrypted: undefined })]],
        accept: [[goodDocdb()]],
    },
    "docdb-backup-retention": {
        reject: [[goodDocdb({ backupRetentionPeriod: 1 })], [goodDocdb({ backupRetentionPeriod: undefined })]],
        accept: [[goodDocdb()], [goodDocdb({ backupRetentionPeriod: 7 })]],
    },
    "docdb-audit-logs": {
        reject: [
            [goodDocdb({ enabledCloudwatchLogsExports: ["profiler"] })],
            [goodDocdb({ enabledCloudwatchLogsExports: undefined })],
        ],
        accept: [[goodDocdb()], [goodDocdb({ enabledCloudwatchLogsExports: ["audit"] })]],
    },
    "docdb-tls-and-audit-parameters": {
        reject: [
            [
                docdbParams([
                    { name: "tls", value: "disabled" },
                    { name: "audit_logs", value: "ddl" },
                ]),
            ],
            [docdbParams([{ name: "tls", value: "enabled" }])],
            [
                docdbParams([
                    { name: "tls", value: "enabled" },
                    { name: "audit_logs", value: "none" },
                ]),
            ],
        ],
        accept: [
            [
                docdbParams([
                    { name: "tls", value: "enabled" },
                    { name: "audit_logs", value: "ddl" },
                ]),
            ],
            [docdbParams([{ name: "audit_logs", value: "all" }])],
        ],
    },
    "rds-storage-encrypted": {
        reject: [
            [goodDb({ storageEncrypted: false })],
            [goodDb({ storageEncrypted: undefined })],
            [goodCluster({ storageEncrypted: false })],
        ],
        accept: [[goodDb()], [goodCluster()]],
    },
    "rds-not-public": {
        reject: [
            [goodDb({ publiclyAccessible: true })],
            [
                fx(rds.ClusterInstance, "dbc-1", {
                    clusterIdentifier: id("dbc"),
                    engine: "aurora-postgresql",
                    instanceClass: "db.r6g.large",
                    publiclyAccessible: true,
                }),
            ],
        ],
        accept: [
            [goodDb()],
            [goodDb({ publiclyAccessible: false })],
            [
                fx(rds.ClusterInstance, "dbc-1", {
                    clusterIdentifier: id("dbc"),
                    engine: "aurora-postgresql",
                    instanceClass: "db.r6g.large",
                }),
            ],
        ],
    },
    "rds-backup-retention": {
        reject: [
            [goodDb({ backupRetentionPeriod: 1 })],
            [goodDb({ backupRetentionPeriod: undefined })],
            [goodCluster({ backupRetentionPeriod: 3 })],
        ],
        accept: [
            [goodDb()],
            [goodCluster()],
            [goodDb({ backupRetentionPeriod: 0, replicateSourceDb: "arn:aws:rds:eu-west-1:1:db:src" })],
        ],
    },
    "rds-auto-minor-upgrade": {
        reject: [
            [goodDb({ autoMinorVersionUpgrade: false })],
            [
                fx(rds.ClusterInstance, "dbc-1", {
                    clusterIdentifier: id("dbc"),
                    engine: "aurora-postgresql",
                    instanceClass: "db.r6g.large",
                    autoMinorVersionUpgrade: false,
                }),
            ],
        ],
        accept: [[goodDb()], [goodDb({ autoMinorVersionUpgrade: true })]],
    },
    "rds-iam-auth": {
        reject: [
            [goodDb({ iamDatabaseAuthenticationEnabled: false })],
            [goodCluster({ iamDatabaseAuthenticationEnabled: undefined })],
        ],
        accept: [
            [goodDb()],
            [goodCluster()],
            [goodDb({ engine: "sqlserver-ex", iamDatabaseAuthenticationEnabled: undefined })],
        ],
    },
    "rds-log-exports": {
        reject: [
            [goodDb({ enabledCloudwatchLogsExports: [] })],
            [goodDb({ enabledCloudwatchLogsExports: ["upgrade"] })],
            [goodDb({ engine: "mysql", enabledCloudwatchLogsExports: ["error"] })],
        ],
        accept: [
            [goodDb()],
            [goodCluster()],
            [goodDb({ engine: "mysql", enabledCloudwatchLogsExports: ["audit", "error", "general", "slowquery"] })],
        ],
    },
    "rds-multi-az": {
        reject: [[goodDb({ multiAz: false })]],
        accept: [[goodDb()]],
    },
    "rds-deletion-protection": {
        reject: [[goodDb({ deletionProtection: false })], [goodCluster({ deletionProtection: undefined })]],
        accept: [[goodDb()], [goodCluster()]],
    },
    "rds-master-password-not-in-state": {
        reject: [
            [goodDb({ manageMasterUserPassword: undefined, password: "correct-horse-battery-staple" })],
            [
                goodDb({
                    manageMasterUserPassword: undefined,
                    passwordWo: "correct-horse-battery-staple",
                    passwordWoVersion: 1,
                }),
            ],
            [goodDb({ manageMasterUserPassword: undefined })],
            [goodCluster({ manageMasterUserPassword: undefined, masterPassword: "correct-horse-battery-staple" })],
        ],
        accept: [
            [goodDb()],
            [goodCluster()],
            [goodDb({ manageMasterUserPassword: undefined, snapshotIdentifier: "snap" })],
        ],
    },
    "s3-public-access-block": {
        reject: [
            secureBucket("b", { without: ["pab"] }),
            secureBucket("b", { pab: { blockPublicPolicy: false } }),
            secureBucket("b", { pab: { restrictPublicBuckets: undefined } }),
        ],
        accept: [secureBucket("b")],
    },
    "s3-ssl-only": {
        reject: [
            secureBucket("b", { without: ["policy"] }),
            secureBucket("b", { policy: policyJson([writer("logging.s3.amazonaws.com", "arn:aws:s3:::b-id")]) }),
            secureBucket("b", {
                policy: policyJson([
                    {
                        Effect: "Deny",
                        Principal: "*",
                        Action: "s3:*",
                        Resource: "arn:aws:s3:::b-id/*",
                        Condition: { Bool: { "aws:SecureTransport": "true" } },
                    },
                ]),
            }),
        ],
        accept: [
            secureBucket("b"),
            [...secureBucket("b", { without: ["policy"], bucket: { policy: tlsDenyPolicy("arn:aws:s3:::b-id") } })],
        ],
    },
    "s3-kms-encryption": {
        reject: [
            secureBucket("b", { without: ["encryption"] }),
            secureBucket("b", { sseAlgorithm: "AES256" }),
            // AES256 is only for buckets ELB alone writes to; another writer voids the exception.
            secureBucket("b", {
                sseAlgorithm: "AES256",
                policy: tlsDenyPolicy("arn:aws:s3:::b-id", [
                    writer("logdelivery.elasticloadbalancing.amazonaws.com", "arn:aws:s3:::b-id"),
                    writer("delivery.logs.amazonaws.com", "arn:aws:s3:::b-id"),
                ]),
            }),
        ],
        accept: [
            secureBucket("b"),
            secureBucket("b", {
                sseAlgorithm: "AES256",
                policy: tlsDenyPolicy("arn:aws:s3:::b-id", [
                    writer("logdelivery.elasticloadbalancing.amazonaws.com", "arn:aws:s3:::b-id"),
                ]),
            }),
        ],
    },
    "s3-versioning": {
        reject: [secureBucket("b", { without: ["versioning"] }), secureBucket("b", { versioningStatus: "Suspended" })],
        accept: [
            secureBucket("b"),
            secureBucket("b", { without: ["versioning"], bucket: { versioning: { enabled: true } } }),
        ],
    },
    "s3-access-logging": {
        reject: [secureBucket("b", { without: ["logging"] })],
        accept: [
            secureBucket("b"),
            // The access-log bucket itself: its policy admits the S3 logging service.
            secureBucket("logs", {
                without: ["logging"],
                policy: tlsDenyPolicy("arn:aws:s3:::logs-id", [
                    writer("logging.s3.amazonaws.com", "arn:aws:s3:::logs-id"),
                ]),
            }),
            // ... or another bucket's logging targets it.
            [
                ...secureBucket("logs", { without: ["logging"] }),
                fx(s3.BucketLogging, "data-logging", {
                    bucket: id("data"),
                    targetBucket: id("logs"),
                    targetPrefix: "s3/data/",
                }),
            ],
        ],
    },
    "s3-access-log-target-sse-s3": {
        reject: [
            [
                ...secureBucket("logs", { without: ["logging"] }),
                fx(s3.BucketLogging, "data-logging", {
                    bucket: id("data"),
                    targetBucket: id("logs"),
                    targetPrefix: "s3/data/",
                }),
            ],
            [
                ...secureBucket("logs", { without: ["logging"], sseAlgorithm: "aws:kms:dsse" }),
                fx(s3.BucketLoggingV2, "data-logging", {
                    bucket: id("data"),
                    targetBucket: id("logs"),
                    targetPrefix: "s3/data/",
                }),
            ],
        ],
        accept: [
            [
                ...secureBucket("access-logs", { without: ["logging"], sseAlgorithm: "AES256" }),
                fx(s3.BucketLogging, "data-logging", {
                    bucket: id("data"),
                    targetBucket: id("access-logs"),
                    targetPrefix: "s3/data/",
                }),
            ],
            secureBucket("b"),
        ],
    },
    "s3-lifecycle": {
        reject: [secureBucket("b", { without: ["lifecycle"] }), secureBucket("b", { lifecycleStatus: "Disabled" })],
        accept: [secureBucket("b")],
    },
    "s3-no-acls": {
        reject: [
            secureBucket("b", { without: ["ownership"] }),
            secureBucket("b", { objectOwnership: "ObjectWriter" }),
            [...secureBucket("b"), fx(s3.BucketAcl, "b-acl", { bucket: id("b"), acl: "public-read" })],
            secureBucket("b", { bucket: { acl: "public-read" } }),
        ],
        accept: [secureBucket("b")],
    },
    "cloudfront-viewer-https": {
        reject: [
            [
                goodDistribution({
                    defaultCacheBehavior: {
                        targetOriginId: "app",
                        viewerProtocolPolicy: "allow-all",
                        allowedMethods: ["GET", "HEAD"],
                        cachedMethods: ["GET", "HEAD"],
                    },
                }),
            ],
            [
                goodDistribution({
                    orderedCacheBehaviors: [
                        {
                            pathPattern: "/a/*",
                            targetOriginId: "assets",
                            viewerProtocolPolicy: "allow-all",
                            allowedMethods: ["GET", "HEAD"],
                            cachedMethods: ["GET", "HEAD"],
                        },
                    ],
                }),
            ],
        ],
        accept: [[goodDistribution()]],
    },
    "cloudfront-waf": {
        reject: [[goodDistribution({ webAclId: undefined })]],
        accept: [[goodDistribution()]],
    },
    "cloudfront-logging": {
        reject: [[goodDistribution()], [goodDistribution(), accessLogSource("CONNECTION_LOGS")]],
        accept: [
            [goodDistribution(), accessLogSource()],
            [goodDistribution({ loggingConfig: { bucket: "logs-bucket.s3.amazonaws.com", prefix: "cdn/" } })],
        ],
    },
    "cloudfront-viewer-tls": {
        reject: [
            [goodDistribution({ viewerCertificate: { cloudfrontDefaultCertificate: true } })],
            [
                goodDistribution({
                    viewerCertificate: {
                        acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/c",
                        sslSupportMethod: "sni-only",
                        minimumProtocolVersion: "TLSv1.2_2019",
                    },
                }),
            ],
        ],
        accept: [
            [goodDistribution()],
            [
                goodDistribution({
                    viewerCertificate: {
                        acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/c",
                        sslSupportMethod: "sni-only",
                        minimumProtocolVersion: "TLSv1.3_2025",
                    },
                }),
            ],
        ],
    },
    "cloudfront-s3-oac": {
        reject: [
            [
                goodDistribution({
                    origins: [
                        {
                            originId: "assets",
                            domainName: "assets-bucket.s3.eu-west-1.amazonaws.com",
                            s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1" },
                        },
                    ],
                }),
            ],
            [
                goodDistribution({
                    origins: [{ originId: "assets", domainName: "assets-bucket.s3.eu-west-1.amazonaws.com" }],
                }),
            ],
        ],
        accept: [[goodDistribution()]],
    },
    "cloudfront-origin-https": {
        reject: [
            [
                goodDistribution({
                    origins: [
                        {
                            originId: "app",
                            domainName: "origin.example.com",
                            customOriginConfig: {
                                httpPort: 80,
                                httpsPort: 443,
                                originProtocolPolicy: "http-only",
                                originSslProtocols: ["TLSv1.2"],
                            },
                        },
                    ],
                }),
            ],
            [
                goodDistribution({
                    origins: [
                        {
                            originId: "app",
                            domainName: "origin.example.com",
                            customOriginConfig: {
                                httpPort: 80,
                                httpsPort: 443,
                                originProtocolPolicy: "https-only",
                                originSslProtocols: ["TLSv1", "TLSv1.2"],
                            },
                        },
                    ],
                }),
            ],
            [
                fx(cloudfront.VpcOrigin, "vo", {
                    vpcOriginEndpointConfig: {
                        arn: id("alb"),
                        name: "alb",
                        httpPort: 80,
                        httpsPort: 443,
                        originProtocolPolicy: "match-viewer",
                        originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
                    },
                }),
            ],
        ],
        accept: [
            [goodDistribution()],
            [
                fx(cloudfront.VpcOrigin, "vo", {
                    vpcOriginEndpointConfig: {
                        arn: id("alb"),
                        name: "alb",
                        httpPort: 80,
                        httpsPort: 443,
                        originProtocolPolicy: "https-only",
                        originSslProtocols: { items: ["TLSv1.2"], quantity: 1 },
                    },
                }),
            ],
        ],
    },
    "waf-has-rules": {
        reject: [[goodAcl({ rules: [] })], [goodAcl({ rules: undefined })]],
        accept: [[goodAcl()]],
    },
    "waf-metrics": {
        reject: [
            [goodAcl({ visibilityConfig: metrics("acl", false) })],
            [
                goodAcl({
                    rules: [
                        {
                            name: "common",
                            priority: 1,
                            overrideAction: { none: {} },
                            visibilityConfig: metrics("common", false),
                            statement: {
                                managedRuleGroupStatement: { name: "AWSManagedRulesCommonRuleSet", vendorName: "AWS" },
                            },
                        },
                    ],
                }),
            ],
        ],
        accept: [[goodAcl()]],
    },
    "waf-logging": {
        reject: [
            [goodAcl()],
            [
                goodAcl(),
                fx(wafv2.WebAclLoggingConfiguration, "acl-logs", {
                    resourceArn: "arn:aws:wafv2:us-east-1:1:global/webacl/x/other-id",
                    logDestinationConfigs: ["arn:aws:logs:us-east-1:1:log-group:aws-waf-logs-x"],
                }),
            ],
        ],
        accept: [
            [
                goodAcl(),
                fx(wafv2.WebAclLoggingConfiguration, "acl-logs", {
                    resourceArn: `arn:aws:wafv2:us-east-1:${ACCOUNT}:global/webacl/acl-mock/${id("acl")}`,
                    logDestinationConfigs: ["arn:aws:logs:us-east-1:1:log-group:aws-waf-logs-x"],
                }),
            ],
        ],
    },
    "kms-key-rotation": {
        reject: [
            [fx(kms.Key, "key", { description: "k" })],
            [fx(kms.Key, "key", { description: "k", enableKeyRotation: false })],
        ],
        accept: [
            [fx(kms.Key, "key", { description: "k", enableKeyRotation: true, rotationPeriodInDays: 365 })],
            [
                fx(kms.Key, "key", {
                    description: "signing",
                    customerMasterKeySpec: "ECC_NIST_P256",
                    keyUsage: "SIGN_VERIFY",
                }),
            ],
        ],
    },
    "iam-no-full-admin": {
        reject: [
            [fx(iam.Policy, "admin", { policy: policyJson([{ Effect: "Allow", Action: "*", Resource: "*" }]) })],
            [
                fx(iam.Role, "role", {
                    assumeRolePolicy: policyJson([]),
                    inlinePolicies: [
                        { name: "all", policy: policyJson([{ Effect: "Allow", Action: ["*:*"], Resource: ["*"] }]) },
                    ],
                }),
            ],
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", NotAction: "aws-portal:*", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.UserPolicy, "up", {
                    user: "u",
                    policy: policyJson([{ Effect: "Allow", Action: "*", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.GroupPolicy, "gp", {
                    group: "g",
                    policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] },
                }),
            ],
        ],
        accept: [
            [
                fx(iam.Policy, "scoped", {
                    policy: policyJson([{ Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws:s3:::b/*" }]),
                }),
            ],
            [fx(iam.Policy, "deny", { policy: policyJson([{ Effect: "Deny", Action: "*", Resource: "*" }]) })],
        ],
    },
    "iam-no-kms-decrypt-all-keys": {
        reject: [
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: "*" }]),
                }),
            ],
            [fx(iam.Policy, "p", { policy: policyJson([{ Effect: "Allow", Action: "kms:*", Resource: "*" }]) })],
            [
                fx(iam.UserPolicy, "up", {
                    user: "u",
                    policy: policyJson([{ Effect: "Allow", Action: "kms:ReEncrypt*", Resource: ["*"] }]),
                }),
            ],
            [
                fx(iam.Role, "role", {
                    assumeRolePolicy: policyJson([]),
                    inlinePolicies: [
                        {
                            name: "decrypt",
                            policy: policyJson([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }]),
                        },
                    ],
                }),
            ],
            [
                fx(iam.GroupPolicy, "gp", {
                    group: "g",
                    policy: policyJson([{ Effect: "Allow", Action: "kms:Decrypt", Resource: "*" }]),
                }),
            ],
        ],
        accept: [
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", Action: ["kms:Decrypt"], Resource: KEY_ARN }]),
                }),
            ],
            [
                fx(iam.GroupPolicy, "gp", {
                    group: "g",
                    policy: policyJson([{ Effect: "Allow", Action: "kms:ListKeys", Resource: "*" }]),
                }),
            ],
        ],
    },
    "sqs-encrypted": {
        reject: [
            [fx(sqs.Queue, "q", { sqsManagedSseEnabled: false })],
            [fx(sqs.Queue, "q", { sqsManagedSseEnabled: true })],
            [fx(sqs.Queue, "q", { kmsMasterKeyId: "alias/aws/sqs" })],
        ],
        accept: [[fx(sqs.Queue, "q", { kmsMasterKeyId: KEY_ARN })]],
    },
    "iam-no-data-read-on-all": {
        reject: [
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", Action: "ssm:GetParameter*", Resource: ["*"] }]),
                }),
            ],
            [fx(iam.Policy, "p", { policy: policyJson([{ Effect: "Allow", Action: "s3:Get*", Resource: "*" }]) })],
            [
                fx(iam.Policy, "p", {
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Action: "secretsmanager:*",
                            Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:*",
                        },
                    ]),
                }),
            ],
            [
                fx(iam.Role, "role", {
                    assumeRolePolicy: policyJson([]),
                    inlinePolicies: [
                        {
                            name: "read",
                            policy: policyJson([
                                { Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::x/*" },
                            ]),
                        },
                    ],
                }),
            ],
            [
                fx(iam.UserPolicy, "up", {
                    user: "u",
                    policy: policyJson([{ Effect: "Allow", Action: "ssm:GetParametersByPath", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.GroupPolicy, "gp", {
                    group: "g",
                    policy: policyJson([{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }]),
                }),
            ],
        ],
        accept: [
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Action: "secretsmanager:GetSecretValue",
                            Resource: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                        },
                    ]),
                }),
            ],
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Deny", Action: "s3:GetObject", Resource: "*" }]),
                }),
            ],
        ],
    },
    "iam-no-managed-data-reader": {
        reject: [
            [
                fx(iam.RolePolicyAttachment, "ssm", {
                    role: "r",
                    policyArn: "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                }),
            ],
            [
                fx(iam.RolePolicyAttachment, "ro", {
                    role: "r",
                    policyArn: "arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess",
                }),
            ],
            [
                fx(iam.UserPolicyAttachment, "s3", {
                    user: "u",
                    policyArn: "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                }),
            ],
            [
                fx(iam.GroupPolicyAttachment, "sm", {
                    group: "g",
                    policyArn: "arn:aws:iam::aws:policy/SecretsManagerReadWrite",
                }),
            ],
            [
                fx(iam.PolicyAttachment, "pa", {
                    roles: ["r"],
                    policyArn: "arn:aws:iam::aws:policy/AmazonSSMReadOnlyAccess",
                }),
            ],
            [
                fx(iam.Role, "role", {
                    assumeRolePolicy: policyJson([]),
                    managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM"],
                }),
            ],
        ],
        accept: [
            [
                fx(iam.RolePolicyAttachment, "ecs", {
                    role: "r",
                    policyArn: "arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role",
                }),
            ],
            [
                fx(iam.RolePolicyAttachment, "own", {
                    role: "r",
                    policyArn: "arn:aws:iam::123456789012:policy/AmazonSSMManagedInstanceCore",
                }),
            ],
            [fx(iam.Role, "role", { assumeRolePolicy: policyJson([]) })],
        ],
    },
    "iam-no-ecr-destructive-allow": {
        reject: [
            [
                fx(iam.Policy, "ci", {
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Action: "ecr:*",
                            Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/app",
                        },
                    ]),
                }),
            ],
            [
                fx(iam.RolePolicy, "rp", {
                    role: id("role"),
                    policy: policyJson([{ Effect: "Allow", Action: "ecr:BatchDeleteImage", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.UserPolicy, "up", {
                    user: "ci",
                    policy: policyJson([{ Effect: "Allow", Action: "ecr:SetRepositoryPolicy", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.GroupPolicy, "gp", {
                    group: "ci",
                    policy: policyJson([{ Effect: "Allow", Action: "ecr:Delete*", Resource: "*" }]),
                }),
            ],
            [
                fx(iam.Role, "role", {
                    assumeRolePolicy: policyJson([]),
                    inlinePolicies: [
                        {
                            name: "ci",
                            policy: policyJson([
                                { Effect: "Allow", Action: "ecr:PutImageTagMutability", Resource: "*" },
                            ]),
                        },
                    ],
                }),
            ],
        ],
        accept: [
            [
                fx(iam.Policy, "ci", {
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Action: ["ecr:PutImage", "ecr:BatchGetImage"],
                            Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/app",
                        },
                        {
                            Effect: "Deny",
                            Action: ["ecr:DeleteRepository", "ecr:BatchDeleteImage"],
                            Resource: "arn:aws:ecr:eu-west-1:123456789012:repository/app",
                        },
                    ]),
                }),
            ],
        ],
    },
    "kms-key-not-public": {
        reject: [
            [
                fx(kms.Key, "k", {
                    enableKeyRotation: true,
                    policy: policyJson([
                        { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" },
                    ]),
                }),
            ],
            [
                fx(kms.Key, "k", {
                    enableKeyRotation: true,
                    policy: policyJson([{ Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }]),
                }),
            ],
            // The policy applied apart from the key (KmsKey's deferred statements).
            [
                fx(kms.Key, "k", { enableKeyRotation: true }),
                fx(kms.KeyPolicy, "k-policy", {
                    keyId: id("k"),
                    policy: policyJson([
                        { Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:Decrypt", Resource: "*" },
                    ]),
                }),
            ],
        ],
        accept: [
            [
                fx(kms.Key, "k", {
                    enableKeyRotation: true,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                            Action: "kms:*",
                            Resource: "*",
                        },
                    ]),
                }),
            ],
            [
                fx(kms.Key, "k", {
                    enableKeyRotation: true,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: "kms:Decrypt",
                            Resource: "*",
                            Condition: { StringEquals: { "kms:CallerAccount": ACCOUNT } },
                        },
                    ]),
                }),
            ],
            [
                fx(kms.Key, "k", { enableKeyRotation: true }),
                fx(kms.KeyPolicy, "k-policy", {
                    keyId: id("k"),
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
                            Action: "kms:*",
                            Resource: "*",
                        },
                        {
                            Effect: "Allow",
                            Principal: { Service: "cloudfront.amazonaws.com" },
                            Action: "kms:Decrypt",
                            Resource: "*",
                            Condition: {
                                StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/cdn-id` },
                            },
                        },
                    ]),
                }),
            ],
        ],
    },
    "cloudwatch-log-group-retention-kms": {
        reject: [
            [fx(cloudwatch.LogGroup, "lg", { kmsKeyId: KEY_ARN })],
            [fx(cloudwatch.LogGroup, "lg", { retentionInDays: 365 })],
            [fx(cloudwatch.LogGroup, "lg", { retentionInDays: 0, kmsKeyId: KEY_ARN })],
        ],
        accept: [[fx(cloudwatch.LogGroup, "lg", { retentionInDays: 90, kmsKeyId: KEY_ARN })]],
    },
    "ecr-scan-on-push": {
        reject: [
            [repo({ imageScanningConfiguration: undefined })],
            [repo({ imageScanningConfiguration: { scanOnPush: false } })],
        ],
        accept: [
            [repo()],
            [
                repo({ imageScanningConfiguration: undefined }),
                fx(ecr.RegistryScanningConfiguration, "scanning", {
                    scanType: "ENHANCED",
                    rules: [
                        {
                            scanFrequency: "CONTINUOUS_SCAN",
                            repositoryFilters: [{ filter: "*", filterType: "WILDCARD" }],
                        },
                    ],
                }),
            ],
        ],
    },
    "ecr-immutable-tags": {
        reject: [[repo({ imageTagMutability: "MUTABLE" })], [repo({ imageTagMutability: undefined })]],
        accept: [[repo()]],
    },
    "ecr-lifecycle-policy": {
        reject: [[repo()]],
        accept: [[repo(), repoLifecycle()]],
    },
    "cloudtrail-baseline": {
        reject: [
            [goodTrail({ isMultiRegionTrail: false })],
            [goodTrail({ enableLogFileValidation: undefined })],
            [goodTrail({ kmsKeyId: undefined })],
            [goodTrail({ cloudWatchLogsGroupArn: undefined, cloudWatchLogsRoleArn: undefined })],
        ],
        accept: [[goodTrail()]],
    },
    "config-recorder-all-types": {
        reject: [
            [
                fx(cfg.Recorder, "rec", {
                    roleArn: "arn:aws:iam::1:role/c",
                    recordingGroup: { allSupported: false, resourceTypes: ["AWS::S3::Bucket"] },
                }),
            ],
            [fx(cfg.Recorder, "rec", { roleArn: "arn:aws:iam::1:role/c" })],
        ],
        accept: [
            [
                fx(cfg.Recorder, "rec", {
                    roleArn: "arn:aws:iam::1:role/c",
                    recordingGroup: { allSupported: true, includeGlobalResourceTypes: false },
                }),
            ],
        ],
    },
    "backup-coverage": {
        reject: [
            [goodDb()],
            [fx(s3.Bucket, "data", {})],
            [goodCluster()],
            [
                goodDb({ tags: BACKUP_TAG }),
                fx(backup.Selection, "sel", {
                    iamRoleArn: "arn:aws:iam::1:role/b",
                    planId: "p",
                    selectionTags: [{ type: "STRINGEQUALS", key: "other", value: "daily" }],
                }),
            ],
        ],
        accept: [
            [goodDb({ tags: BACKUP_TAG }), fx(s3.Bucket, "data", { tags: BACKUP_TAG }), backupSelection()],
            // A log bucket (its current objects expire) needs no backup; a read replica is its source's.
            [
                fx(s3.Bucket, "logs", {}),
                fx(s3.BucketLifecycleConfiguration, "logs-lifecycle", {
                    bucket: id("logs"),
                    rules: [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: 90 } }],
                }),
                goodDb({ replicateSourceDb: "arn:aws:rds:eu-west-1:1:db:src" }),
            ],
        ],
    },
    "sns-encrypted": {
        reject: [[fx(sns.Topic, "t", {})], [fx(sns.Topic, "t", { kmsMasterKeyId: "alias/aws/sns" })]],
        accept: [[fx(sns.Topic, "t", { kmsMasterKeyId: KEY_ARN })]],
    },
    "alarm-coverage": {
        reject: [
            [goodDb({ identifier: "citadel-prod-db" })],
            [goodDb({ identifier: "citadel-prod-db" }), dbAlarm("other-db")],
            [fx(sqs.Queue, "dlq", { name: "jobs-dlq" }), queueAlarm("other-queue")],
            [goodDb({ identifier: "citadel-prod-db" }), dbAlarm("citadel-prod-db", { alarmActions: [] })],
            [goodCache({ replicationGroupId: "cache-prod" })],
            [goodCache({ replicationGroupId: "cache-prod" }), cacheAlarm("other-001")],
            [goodDomain({ domainName: "search-prod" })],
            [goodDomain({ domainName: "search-prod" }), domainAlarm("search-other")],
        ],
        accept: [
            [goodDb({ identifier: "citadel-prod-db" }), dbAlarm("citadel-prod-db")],
            [fx(sqs.Queue, "dlq", { name: "jobs-dlq" }), queueAlarm("jobs-dlq")],
            [goodCache({ replicationGroupId: "cache-prod" }), cacheAlarm("cache-prod-001")],
            [goodDomain({ domainName: "search-prod" }), domainAlarm("search-prod")],
        ],
    },
    "elasticache-snapshots": {
        reject: [[goodCache({ snapshotRetentionLimit: 0 })], [goodCache({ snapshotRetentionLimit: undefined })]],
        accept: [[goodCache()]],
    },
    "elasticache-auto-minor-upgrade": {
        reject: [[goodCache({ autoMinorVersionUpgrade: false })]],
        accept: [[goodCache()], [goodCache({ autoMinorVersionUpgrade: undefined })]],
    },
    "elasticache-automatic-failover": {
        reject: [[goodCache({ automaticFailoverEnabled: false, numCacheClusters: 1 })]],
        accept: [[goodCache()]],
    },
    "elasticache-encrypted-at-rest": {
        reject: [[goodCache({ atRestEncryptionEnabled: false })], [goodCache({ atRestEncryptionEnabled: undefined })]],
        accept: [[goodCache()]],
    },
    "elasticache-encrypted-in-transit": {
        reject: [[goodCache({ transitEncryptionEnabled: false })], [goodCache({ transitEncryptionMode: "preferred" })]],
        accept: [[goodCache()]],
    },
    "elasticache-authentication": {
        reject: [[goodCache({ userGroupIds: undefined })]],
        accept: [[goodCache()], [goodCache({ userGroupIds: undefined, authToken: "a-long-token-of-16+" })]],
    },
    "elasticache-subnet-group": {
        reject: [[goodCache({ subnetGroupName: undefined })], [goodCache({ subnetGroupName: "default" })]],
        accept: [[goodCache()]],
    },
    "opensearch-encrypted-at-rest": {
        reject: [[goodDomain({ encryptAtRest: { enabled: false } })], [goodDomain({ encryptAtRest: undefined })]],
        accept: [[goodDomain()]],
    },
    "opensearch-in-vpc": {
        reject: [[goodDomain({ vpcOptions: undefined })]],
        accept: [[goodDomain()]],
    },
    "opensearch-node-to-node": {
        reject: [
            [goodDomain({ nodeToNodeEncryption: { enabled: false } })],
            [goodDomain({ nodeToNodeEncryption: undefined })],
        ],
        accept: [[goodDomain()]],
    },
    "opensearch-logging": {
        reject: [
            [goodDomain({ logPublishingOptions: undefined })],
            [
                goodDomain({
                    logPublishingOptions: [
                        {
                            logType: "ES_APPLICATION_LOGS",
                            cloudwatchLogGroupArn: "arn:aws:logs:eu-west-1:1:log-group:a",
                        },
                    ],
                }),
            ],
        ],
        accept: [[goodDomain()]],
    },
    "opensearch-data-nodes": {
        reject: [[goodDomain({ clusterConfig: { instanceType: "t3.medium.search", instanceCount: 1 } })]],
        accept: [[goodDomain()]],
    },
    "opensearch-fine-grained-access": {
        reject: [
            [goodDomain({ advancedSecurityOptions: undefined })],
            [goodDomain({ advancedSecurityOptions: { enabled: false } })],
        ],
        accept: [[goodDomain()]],
    },
    "opensearch-tls": {
        reject: [
            [
                goodDomain({
                    domainEndpointOptions: { enforceHttps: false, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" },
                }),
            ],
            [
                goodDomain({
                    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-0-2019-07" },
                }),
            ],
            [goodDomain({ domainEndpointOptions: { enforceHttps: true } })],
        ],
        accept: [
            [goodDomain()],
            [
                goodDomain({
                    domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-2019-07" },
                }),
            ],
        ],
    },
    "opensearch-software-updates": {
        reject: [
            [goodDomain({ softwareUpdateOptions: undefined })],
            [goodDomain({ softwareUpdateOptions: { autoSoftwareUpdateEnabled: false } })],
        ],
        accept: [[goodDomain()]],
    },
    "opensearch-dedicated-masters": {
        reject: [
            [
                goodDomain({
                    clusterConfig: { instanceType: "r6g.large.search", instanceCount: 3, zoneAwarenessEnabled: true },
                }),
            ],
        ],
        accept: [[goodDomain()]],
    },
    "guardduty-malware-tagging": {
        reject: [
            [scanPlan("DISABLED")],
            [
                fx(guardduty.MalwareProtectionPlan, "scan", {
                    role: "arn:aws:iam::1:role/s",
                    protectedResource: { s3Bucket: { bucketName: "b" } },
                }),
            ],
        ],
        accept: [[scanPlan()]],
    },
    "uploads-deny-unscanned": {
        reject: [
            [scanPlan(), ...uploadBucket([])],
            [scanPlan(), fx(s3.Bucket, "up", {})],
            [scanPlan(), ...uploadBucket([{ ...scanDeny, Effect: "Allow" }])],
        ],
        accept: [[scanPlan(), ...uploadBucket([scanDeny])]],
    },
    // Issue 11, item 14: the FSBP controls an audit of every resource type the stacks create found missing.
    "elb-multi-az": {
        reject: [
            [subnet("s1", "eu-west-1a"), subnet("s2", "eu-west-1a"), goodAlb()],
            [fx(lb.LoadBalancer, "nlb", { loadBalancerType: "network", subnets: ["subnet-1"] })],
            [
                subnet("s1", "eu-west-1a"),
                fx(lb.LoadBalancer, "nlb", { loadBalancerType: "network", subnetMappings: [{ subnetId: id("s1") }] }),
            ],
        ],
        accept: [
            [subnet("s1", "eu-west-1a"), subnet("s2", "eu-west-1b"), goodAlb()],
            // Subnets of a VPC outside the stack: their AZs cannot be known, so two subnets pass.
            [
                fx(lb.LoadBalancer, "nlb", {
                    loadBalancerType: "network",
                    subnetMappings: [{ subnetId: "subnet-1" }, { subnetId: "subnet-2" }],
                }),
            ],
        ],
    },
    "autoscaling-elb-health-check": {
        reject: [
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    targetGroupArns: [id("tg")],
                }),
            ],
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    targetGroupArns: [id("tg")],
                    healthCheckType: "EC2",
                }),
            ],
        ],
        accept: [
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    targetGroupArns: [id("tg")],
                    healthCheckType: "ELB",
                }),
            ],
            // No load balancer (an ECS capacity provider's group): EC2 health is all there is.
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    launchTemplate: { id: id("lt") },
                    healthCheckType: "EC2",
                }),
            ],
        ],
    },
    "autoscaling-multiple-instance-types": {
        reject: [
            [fx(autoscaling.Group, "asg", { minSize: 1, maxSize: 2, launchTemplate: { id: id("lt") } })],
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    mixedInstancesPolicy: {
                        launchTemplate: {
                            launchTemplateSpecification: { launchTemplateId: id("lt") },
                            overrides: [{ instanceType: "t3.small" }],
                        },
                    },
                }),
            ],
        ],
        accept: [
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    mixedInstancesPolicy: {
                        launchTemplate: {
                            launchTemplateSpecification: { launchTemplateId: id("lt") },
                            overrides: [{ instanceType: "t3.small" }, { instanceType: "t3a.small" }],
                        },
                    },
                }),
            ],
            [
                fx(autoscaling.Group, "asg", {
                    minSize: 1,
                    maxSize: 2,
                    mixedInstancesPolicy: {
                        launchTemplate: {
                            launchTemplateSpecification: { launchTemplateId: id("lt") },
                            overrides: [{ instanceRequirements: { vcpuCount: { min: 2 }, memoryMib: { min: 4096 } } }],
                        },
                    },
                }),
            ],
        ],
    },
    "ec2-instance-no-public-ip": {
        reject: [[goodInstance({ associatePublicIpAddress: true })]],
        accept: [[goodInstance()], [goodInstance({ associatePublicIpAddress: false })]],
    },
    "ec2-single-eni": {
        reject: [
            [
                goodInstance({
                    networkInterfaces: [
                        { deviceIndex: 0, networkInterfaceId: "eni-1" },
                        { deviceIndex: 1, networkInterfaceId: "eni-2" },
                    ],
                }),
            ],
            [goodTemplate({ networkInterfaces: [{ deviceIndex: 0 }, { deviceIndex: 1 }] })],
        ],
        accept: [
            [goodInstance()],
            [goodTemplate({ networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: "false" }] })],
        ],
    },
    "ec2-vpc-endpoint": {
        reject: [
            [theVpc()],
            [theVpc(), fx(ec2.VpcEndpoint, "s3", { vpcId: id("v"), serviceName: "com.amazonaws.eu-west-1.s3" })],
            [
                theVpc(),
                fx(ec2.VpcEndpoint, "ec2", {
                    vpcId: id("w"),
                    serviceName: "com.amazonaws.eu-west-1.ec2",
                    vpcEndpointType: "Interface",
                }),
            ],
        ],
        accept: [
            [
                theVpc(),
                fx(ec2.VpcEndpoint, "s3", { vpcId: id("v"), serviceName: "com.amazonaws.eu-west-1.s3" }),
                fx(ec2.VpcEndpoint, "ec2", {
                    vpcId: id("v"),
                    serviceName: "com.amazonaws.eu-west-1.ec2",
                    vpcEndpointType: "Interface",
                }),
            ],
        ],
    },
    "ebs-backup-coverage": {
        reject: [
            [goodTemplate({ tagSpecifications: [{ resourceType: "volume", tags: { Name: "host" } }] })],
            [goodTemplate()],
            [goodInstance({ volumeTags: { Name: "host" } })],
            [fx(ebs.Volume, "vol", { availabilityZone: "eu-west-1a", size: 10, encrypted: true })],
        ],
        accept: [
            [goodTemplate({ tagSpecifications: [{ resourceType: "volume", tags: { Name: "host", ...BACKUP_TAG } }] })],
            [goodInstance({ volumeTags: BACKUP_TAG })],
            // From a template: the template's volume tags apply, and the template is judged.
            [goodInstance({ launchTemplate: { id: id("lt"), version: "1" } })],
            [fx(ebs.Volume, "vol", { availabilityZone: "eu-west-1a", size: 10, encrypted: true, tags: BACKUP_TAG })],
        ],
    },
    "rds-enhanced-monitoring": {
        reject: [
            [goodDb()],
            [goodDb({ monitoringInterval: 0 })],
            [goodDb({ monitoringInterval: 60 })],
            [
                fx(rds.ClusterInstance, "dbc-1", {
                    clusterIdentifier: "dbc",
                    instanceClass: "db.r6g.large",
                    engine: "aurora-postgresql",
                }),
            ],
        ],
        accept: [
            [goodDb({ monitoringInterval: 60, monitoringRoleArn: "arn:aws:iam::123456789012:role/rds-monitoring" })],
            [
                fx(rds.ClusterInstance, "dbc-1", {
                    clusterIdentifier: "dbc",
                    instanceClass: "db.r6g.large",
                    engine: "aurora-postgresql",
                    monitoringInterval: 30,
                    monitoringRoleArn: "arn:aws:iam::123456789012:role/rds-monitoring",
                }),
            ],
        ],
    },
    "rds-non-default-port": {
        reject: [
            [goodDb()],
            [goodDb({ port: 5432 })],
            [goodCluster({ port: 5432 })],
            [goodDb({ engine: "mysql", engineVersion: "8.0", port: 3306 })],
        ],
        accept: [
            [goodDb({ port: 15432 })],
            [goodCluster({ port: 6543 })],
            [goodDb({ engine: "mysql", engineVersion: "8.0", port: 5432 })],
        ],
    },
    "rds-postgres-force-ssl": {
        reject: [
            [
                goodDb({ parameterGroupName: "db-params" }),
                fx(rds.ParameterGroup, "db-params", {
                    name: "db-params",
                    family: "postgres16",
                    parameters: [{ name: "rds.force_ssl", value: "0" }],
                }),
            ],
            // PostgreSQL 14's default group accepts plain connections.
            [goodDb({ engineVersion: "14.12" })],
            [
                goodDb({ engineVersion: "14", parameterGroupName: "db-params" }),
                fx(rds.ParameterGroup, "db-params", {
                    name: "db-params",
                    family: "postgres14",
                    parameters: [{ name: "log_connections", value: "1" }],
                }),
            ],
        ],
        accept: [
            [
                goodDb({ parameterGroupName: "db-params" }),
                fx(rds.ParameterGroup, "db-params", {
                    name: "db-params",
                    family: "postgres16",
                    parameters: [{ name: "rds.force_ssl", value: "1" }],
                }),
            ],
            // PostgreSQL 15 and later force TLS unless a group says otherwise.
            [goodDb({ engineVersion: "16" })],
            [
                goodDb({ engineVersion: "14", parameterGroupName: "db-params" }),
                fx(rds.ParameterGroup, "db-params", {
                    name: "db-params",
                    family: "postgres14",
                    parameters: [{ name: "rds.force_ssl", value: "1" }],
                }),
            ],
            // A group made elsewhere cannot be read here.
            [goodDb({ engineVersion: "14", parameterGroupName: "shared-params" })],
        ],
    },
    "s3-no-cross-account-admin": {
        reject: [
            [
                ...secureBucket("b", {
                    policy: tlsDenyPolicy("arn:aws:s3:::b-id", [
                        {
                            Effect: "Allow",
                            Principal: { AWS: "arn:aws:iam::210987654321:root" },
                            Action: "s3:PutBucketPolicy",
                            Resource: "arn:aws:s3:::b-id",
                        },
                    ]),
                }),
            ],
            [
                ...secureBucket("b", {
                    policy: tlsDenyPolicy("arn:aws:s3:::b-id", [
                        {
                            Effect: "Allow",
                            Principal: { AWS: "210987654321" },
                            Action: "s3:*",
                            Resource: ["arn:aws:s3:::b-id", "arn:aws:s3:::b-id/*"],
                        },
                    ]),
                }),
            ],
            [
                fx(s3.Bucket, "b", {
                    policy: policyJson([
                        { Effect: "Allow", Principal: "*", Action: "s3:PutObjectAcl", Resource: "arn:aws:s3:::b/*" },
                    ]),
                }),
            ],
        ],
        accept: [
            ...[secureBucket("b")],
            // ELB's log writer (another account) may put objects, which S3.6 allows.
            [
                ...secureBucket("b", {
                    policy: tlsDenyPolicy("arn:aws:s3:::b-id", [
                        {
                            Effect: "Allow",
                            Principal: { AWS: "arn:aws:iam::156460612806:root" },
                            Action: "s3:PutObject",
                            Resource: "arn:aws:s3:::b-id/*",
                        },
                    ]),
                }),
            ],
        ],
    },
    "sqs-not-public": {
        reject: [
            [
                fx(sqs.QueuePolicy, "q-policy", {
                    queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sqs:SendMessage",
                            Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
                        },
                    ]),
                }),
            ],
            [
                fx(sqs.Queue, "q", {
                    kmsMasterKeyId: KEY_ARN,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: "sqs:*",
                            Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
                            Condition: { ArnLike: { "aws:SourceArn": "*" } },
                        },
                    ]),
                }),
            ],
        ],
        accept: [
            [
                fx(sqs.QueuePolicy, "q-policy", {
                    queueUrl: "https://sqs.eu-west-1.amazonaws.com/123456789012/q",
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { Service: "events.amazonaws.com" },
                            Action: "sqs:SendMessage",
                            Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
                            Condition: {
                                ArnEquals: { "aws:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/r" },
                            },
                        },
                        {
                            Effect: "Deny",
                            Principal: "*",
                            Action: "sqs:*",
                            Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
                            Condition: { Bool: { "aws:SecureTransport": "false" } },
                        },
                    ]),
                }),
            ],
            [
                fx(sqs.Queue, "q", {
                    kmsMasterKeyId: KEY_ARN,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sqs:SendMessage",
                            Resource: "arn:aws:sqs:eu-west-1:123456789012:q",
                            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
                        },
                    ]),
                }),
            ],
        ],
    },
    "sns-not-public": {
        reject: [
            [
                fx(sns.TopicPolicy, "t-policy", {
                    arn: TOPIC_ARN,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { AWS: "*" },
                            Action: ["sns:Publish", "sns:Subscribe"],
                            Resource: TOPIC_ARN,
                        },
                    ]),
                }),
            ],
            [
                fx(sns.Topic, "t", {
                    kmsMasterKeyId: KEY_ARN,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sns:Subscribe",
                            Resource: TOPIC_ARN,
                            Condition: { StringEquals: { "sns:Protocol": "https" } },
                        },
                    ]),
                }),
            ],
        ],
        accept: [
            [
                fx(sns.TopicPolicy, "t-policy", {
                    arn: TOPIC_ARN,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: { Service: "cloudwatch.amazonaws.com" },
                            Action: "sns:Publish",
                            Resource: TOPIC_ARN,
                            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
                        },
                    ]),
                }),
            ],
            [
                fx(sns.Topic, "t", {
                    kmsMasterKeyId: KEY_ARN,
                    policy: policyJson([
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sns:Publish",
                            Resource: TOPIC_ARN,
                            Condition: {
                                ArnLike: { "aws:SourceArn": "arn:aws:cloudwatch:eu-west-1:123456789012:alarm:*" },
                            },
                        },
                    ]),
                }),
            ],
        ],
    },
    "secretsmanager-rotation": {
        reject: [
            [fx(secretsmanager.Secret, "s", { kmsKeyId: KEY_ARN })],
            [
                fx(secretsmanager.Secret, "s", { kmsKeyId: KEY_ARN }),
                fx(secretsmanager.SecretRotation, "s-rotation", {
                    secretId: id("s"),
                    rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate",
                    rotationRules: { automaticallyAfterDays: 365 },
                }),
            ],
            [
                fx(secretsmanager.Secret, "s", { kmsKeyId: KEY_ARN }),
                fx(secretsmanager.SecretRotation, "s-rotation", {
                    secretId: id("other"),
                    rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate",
                    rotationRules: { automaticallyAfterDays: 30 },
                }),
            ],
        ],
        accept: [
            [
                fx(secretsmanager.Secret, "s", { kmsKeyId: KEY_ARN }),
                fx(secretsmanager.SecretRotation, "s-rotation", {
                    secretId: id("s"),
                    rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate",
                    rotationRules: { automaticallyAfterDays: 30 },
                }),
            ],
            [
                fx(secretsmanager.Secret, "s", { kmsKeyId: KEY_ARN }),
                fx(secretsmanager.SecretRotation, "s-rotation", {
                    secretId: id("s"),
                    rotationLambdaArn: "arn:aws:lambda:eu-west-1:123456789012:function:rotate",
                    rotationRules: { scheduleExpression: "rate(10 days)" },
                }),
            ],
        ],
    },
    "cloudfront-default-root-object": {
        reject: [
            [
                goodDistribution({
                    defaultCacheBehavior: {
                        targetOriginId: "assets",
                        viewerProtocolPolicy: "redirect-to-https",
                        allowedMethods: ["GET", "HEAD"],
                        cachedMethods: ["GET", "HEAD"],
                        cachePolicyId: "policy",
                    },
                }),
            ],
        ],
        accept: [
            [
                goodDistribution({
                    defaultRootObject: "index.html",
                    defaultCacheBehavior: {
                        targetOriginId: "assets",
                        viewerProtocolPolicy: "redirect-to-https",
                        allowedMethods: ["GET", "HEAD"],
                        cachedMethods: ["GET", "HEAD"],
                        cachePolicyId: "policy",
                    },
                }),
            ],
            // The root goes to the application (a custom origin); S3 serves only /assets/*.
            [goodDistribution()],
        ],
    },
    "cloudfront-sni": {
        reject: [
            [
                goodDistribution({
                    viewerCertificate: {
                        acmCertificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/c",
                        sslSupportMethod: "vip",
                        minimumProtocolVersion: "TLSv1.2_2021",
                    },
                }),
            ],
        ],
        accept: [[goodDistribution()]],
    },
    "ecs-non-root-user": {
        reject: [[taskDef({})], [taskDef({ user: "root" })], [taskDef({ user: "0:1000" })], [taskDef({ user: "00" })]],
        accept: [
            [taskDef({ user: "1000:1000" })],
            [taskDef({ user: "app" })],
            [
                fx(ecs.TaskDefinition, "td", {
                    family: "app",
                    runtimePlatform: { operatingSystemFamily: "WINDOWS_SERVER_2022_CORE" },
                    containerDefinitions: JSON.stringify([goodContainer]),
                }),
            ],
        ],
    },
    "ecs-capacity-provider-termination-protection": {
        reject: [
            [
                fx(ecs.CapacityProvider, "cp", {
                    autoScalingGroupProvider: {
                        autoScalingGroupArn: "arn:aws:autoscaling:eu-west-1:1:asg",
                        managedTerminationProtection: "DISABLED",
                    },
                }),
            ],
            [
                fx(ecs.CapacityProvider, "cp", {
                    autoScalingGroupProvider: { autoScalingGroupArn: "arn:aws:autoscaling:eu-west-1:1:asg" },
                }),
            ],
        ],
        accept: [
            [
                fx(ecs.CapacityProvider, "cp", {
                    autoScalingGroupProvider: {
                        autoScalingGroupArn: "arn:aws:autoscaling:eu-west-1:1:asg",
                        managedTerminationProtection: "ENABLED",
                        managedScaling: { status: "ENABLED", targetCapacity: 100 },
                    },
                }),
            ],
        ],
    },
};
