import * as pulumi from "@pulumi/pulumi";
import * as ecs from "@pulumi/aws/ecs";
import * as vpc from "@pulumi/aws/vpc";
import * as ecr from "@pulumi/aws/ecr";
import * as iam from "@pulumi/aws/iam";
import * as sqs from "@pulumi/aws/sqs";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as ssm from "@pulumi/aws/ssm";
import { getParameterOutput } from "@pulumi/aws/ssm/getParameter";
import {
    AlarmSpec,
    argKeys,
    awsContext,
    AwsContext,
    ConfigError,
    createAlarms,
    PostgresDatabase,
    policyJson,
    protectIf,
    serviceTrustPolicy,
    validatePostgresDatabaseArgs,
    requireArgs,
    withTags,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import {
    APP_VERSION_ENV,
    componentKeys,
    DATABASE_APP_USER,
    DATABASE_APP_USER_ENV,
    DATABASE_AUTH_ENV,
    DATABASE_ENV,
    DATABASE_SECRET,
    EcsAppAlarmsArgs,
    EcsAppArgs,
    producerQueueEnv,
    ResolvedContainer,
    ResolvedEcsAppArgs,
    ResolvedSecret,
    ResolvedService,
    ResolvedWorker,
    WORKER_QUEUE_ENV,
} from "./args";
import { requireImageTagResolved, resolveEcsAppArgs } from "./validate";
import { renderContainerDefinitions, scratchVolumes, secretValueFrom } from "./container";
import {
    ciPushPullStatements,
    deploymentAlertPattern,
    ecrLifecyclePolicy,
    executionRoleStatements,
    queueStatements,
    taskRoleStatements,
} from "./policies";
import { grantStatements, resolveGrant } from "./grants";
import { deployStatements, deployTrustPolicy, developerStatements, logReaderStatements } from "./access";
import { portForwardingCommand, runTaskCommand, sessionCommand } from "./commands";
import { createLoadBalancer, createSecurityGroups, createServiceRoute, SecurityGroups } from "./load-balancer";
import { createBastion, createEc2Capacity } from "./capacity";
import { createScaling, serviceTracking, workerTracking } from "./scaling";

/** The load balancer's own 5xx and its targets' 5xx (see EcsAppAlarmsArgs). */
export function loadBalancerAlarmSpecs(a: EcsAppAlarmsArgs, arnSuffix: pulumi.Input<string>): AlarmSpec[] {
    const base = {
        namespace: "AWS/ApplicationELB",
        dimensions: { LoadBalancer: arnSuffix },
        statistic: "Sum" as const,
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        period: 300,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching" as const,
    };
    return [
        {
            ...base,
            id: "elb-5xx",
            metricName: "HTTPCode_ELB_5XX_Count",
            threshold: a.loadBalancer5xx ?? 10,
            description: "The load balancer answered 5xx (no healthy target, or targets unreachable)",
        },
        {
            ...base,
            id: "target-5xx",
            metricName: "HTTPCode_Target_5XX_Count",
            threshold: a.target5xx ?? 10,
            description: "The app answered 5xx",
        },
    ];
}

/** Any unhealthy target of one service's target group. */
export function unhealthyTargetsSpec(
    lbArnSuffix: pulumi.Input<string>,
    tgArnSuffix: pulumi.Input<string>,
    description: string,
): AlarmSpec {
    return {
        id: "unhealthy-targets",
        description,
        namespace: "AWS/ApplicationELB",
        metricName: "UnHealthyHostCount",
        dimensions: { LoadBalancer: lbArnSuffix, TargetGroup: tgArnSuffix },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        period: 60,
        evaluationPeriods: 3,
        treatMissingData: "notBreaching",
    };
}

/** A worker queue's oldest message too old, and any message in its dead-letter queue. */
export function queueAlarmSpecs(
    a: EcsAppAlarmsArgs,
    queueName: pulumi.Input<string>,
    deadLetterName: pulumi.Input<string>,
): AlarmSpec[] {
    const base = {
        namespace: "AWS/SQS",
        statistic: "Maximum" as const,
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        period: 300,
        evaluationPeriods: 1,
        treatMissingData: "notBreaching" as const,
    };
    return [
        {
            ...base,
            id: "oldest-message",
            metricName: "ApproximateAgeOfOldestMessage",
            dimensions: { QueueName: queueName },
            threshold: a.oldestMessageSeconds ?? 900,
            description: "Work waits too long: workers are behind or stuck",
        },
        {
            ...base,
            id: "dead-letters",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: deadLetterName },
            threshold: 1,
            description: "A message failed every attempt and sits in the dead-letter queue",
        },
    ];
}

/** Docker's tag grammar: what the app-version parameter must hold. */

/**
 * The app-version parameter's first value: no image has been released yet, so services start with
 * zero tasks (nothing to pull) until the release pipeline writes a real tag and runs `pulumi up`.
 */
export const UNRELEASED_TAG = "unreleased";

/** ECR keeps this many images per repository (the seed, 002, keeps 100 versions). */
export const IMAGES_KEPT = 100;

/**
 * Validates EcsApp args (and the database's, so a bad database name also fails before anything is
 * registered) and fills in defaults.
 */
export function validateEcsAppArgs(name: string, args: EcsAppArgs): ResolvedEcsAppArgs {
    const a = resolveEcsAppArgs(args, componentKeys(name));
    if (a.capacity === "ec2" && /^(aws|ecs|fargate)/i.test(name)) {
        // The capacity provider is autonamed after the component, and ECS reserves these prefixes.
        throw new ConfigError(
            argKeys("EcsApp", name)("name"),
            name,
            'starts with "aws", "ecs" or "fargate", ' + "which ECS reserves for capacity provider names",
            "another component name",
        );
    }
    if (a.database) {
        validatePostgresDatabaseArgs(`${name}-db`, {
            ...a.database,
            network: args.network,
            kmsKeyArn: args.kmsKeyArn,
            allowedSecurityGroupIds: ["(the tasks' security group)"],
        });
    }
    return a;
}

/** What a task's containers are given beyond their own settings. */
interface TaskExtras {
    port?: number;
    environment: Record<string, pulumi.Input<string>>;
    consumeQueueArns: pulumi.Input<string>[];
    produceQueueArns: pulumi.Input<string>[];
}

interface Task {
    definition: ecs.TaskDefinition;
    logGroup: cloudwatch.LogGroup;
    taskRole: iam.Role;
    executionRole: iam.Role;
}

/** Where images come from: ECR repositories of the app, or a private registry. */
interface ImageSource {
    uri(image: string): pulumi.Output<string>;
    /** ARNs the execution role may pull (ECR only). */
    pullArns(image: string): pulumi.Input<string>[];
    credentialsArn?: pulumi.Input<string>;
}

// EcsApp's own state, kept off the instance (see the getters below).
const internals = new WeakMap<
    EcsApp,
    { a: ResolvedEcsAppArgs; args: EcsAppArgs; ctx: AwsContext; database?: PostgresDatabase }
>();

/** Every argument of EcsAppArgs, for refusing unknown ones (the compiler keeps this list exact). */
const ECS_APP_ARG_NAMES: ArgNames<EcsAppArgs> = {
    network: true,
    kmsKeyArn: true,
    capacity: true,
    ec2: true,
    cpuArchitecture: true,
    services: true,
    workers: true,
    migration: true,
    images: true,
    loadBalancer: true,
    logBucket: true,
    originProtection: true,
    parameterNamespace: true,
    imageTag: true,
    database: true,
    bastion: true,
    alarms: true,
    access: true,
    logRetentionInDays: true,
    protect: true,
    tags: true,
};

/**
 * An application on ECS behind a shared, internet-facing ALB: services with path/host routing,
 * queue workers, a run-once migration task, ECR repositories, an optional PostgreSQL database and
 * bastion. Secure and zero-downtime by default: HTTPS only (TLS 1.3 policy), tasks in private
 * subnets without public IPs, read-only root file systems, secrets by reference, least-privilege
 * roles per service, KMS everywhere, rolling deploys at 100/200 % with a rollback circuit breaker
 * and alerts on failed deploys and rollbacks.
 */
export class EcsApp extends pulumi.ComponentResource {
    /** The ECS cluster's name. */
    readonly clusterName: pulumi.Output<string>;
    /** The ECS cluster's ARN. */
    readonly clusterArn: pulumi.Output<string>;
    /** The application load balancer's ARN. */
    readonly loadBalancerArn: pulumi.Output<string>;
    /** The load balancer's DNS name (point the app's DNS record or a CDN origin at it). */
    readonly loadBalancerDnsName: pulumi.Output<string>;
    /** The load balancer's Route 53 hosted zone id (for an alias record). */
    readonly loadBalancerZoneId: pulumi.Output<string>;
    /** The load balancer's security group. */
    readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
    /** The tasks' security group (what a database or cache admits). */
    readonly tasksSecurityGroupId: pulumi.Output<string>;
    /** ECS service names (services and workers), by member name. */
    readonly serviceNames: Record<string, pulumi.Output<string>>;
    /** Worker queue URLs, by worker name. */
    readonly queueUrls: Record<string, pulumi.Output<string>>;
    /** Dead-letter queue URLs, by worker name. */
    readonly deadLetterQueueUrls: Record<string, pulumi.Output<string>>;
    /** ECR repository URLs, by image name (empty with a private registry). */
    readonly repositoryUrls: Record<string, pulumi.Output<string>>;
    /** The least-privilege push/pull policy for CI (ECR only). */
    readonly ciPolicyArn?: pulumi.Output<string>;
    /** SNS topic receiving alarms, failed deployments and rollbacks (`alarms.topicArn`); undefined without alarms. */
    readonly alertsTopicArn: pulumi.Output<string | undefined>;
    /** The image tag every container runs (the app-version parameter, unless given). */
    readonly imageTag: pulumi.Output<string>;
    /** The migration task definition, with `migration`. */
    readonly migrationTaskDefinitionArn?: pulumi.Output<string>;
    /** The exact `aws ecs run-task` command that runs the migration once. */
    readonly migrationCommand?: pulumi.Output<string>;
    /** The bastion's instance id, with `bastion`. */
    readonly bastionInstanceId?: pulumi.Output<string>;
    /** The `aws ssm start-session` command that opens a shell on the bastion, with `bastion`. */
    readonly bastionSessionCommand?: pulumi.Output<string>;
    /** The `aws ssm start-session` command that forwards localhost:5432 to the database through the bastion. */
    readonly databasePortForwardingCommand?: pulumi.Output<string>;
    /** The database's address (host name), with `database`. */
    readonly databaseAddress?: pulumi.Output<string>;
    /** The Secrets Manager secret (managed and rotated by RDS) holding the database's master credentials, with `database`. */
    readonly databaseMasterUserSecretArn?: pulumi.Output<string>;
    /**
     * Task role ARNs and names by member (service and worker names, and "migration"): give them to
     * resources whose own policies name their clients (a search domain's access policy).
     */
    readonly taskRoleArns: Record<string, pulumi.Output<string>>;
    /** Task role names by member, as `taskRoleArns`. */
    readonly taskRoleNames: Record<string, pulumi.Output<string>>;
    /** Execution role ARNs by member (what a deploy role must be allowed to pass). */
    readonly executionRoleArns: Record<string, pulumi.Output<string>>;
    /** Log group names by member. */
    readonly logGroupNames: Record<string, pulumi.Output<string>>;
    /** Log group ARNs by member. */
    readonly logGroupArns: Record<string, pulumi.Output<string>>;
    /** Task definition families by member (a deploy role registers revisions of these only). */
    readonly taskFamilies: Record<string, string>;
    /** The developers' group (parameter namespace read/write), with `access.developersGroup`. */
    readonly developersGroupName?: pulumi.Output<string>;
    /** The log readers' group, with `access.logReadersGroup`. */
    readonly logReadersGroupName?: pulumi.Output<string>;
    /** CI's release role, with `access.deployRole`. */
    readonly deployRoleArn?: pulumi.Output<string>;

    /** False while the app-version parameter still holds its first value: services then run no task. */
    readonly released: pulumi.Output<boolean>;
    /** The app-version parameter this app owns (absent when `imageTag` is given). */
    readonly appVersionParameterName?: pulumi.Output<string>;

    /**
     * The task definition each service runs after the update, by member name; resolving it fails
     * `pulumi up` when a deployment was rolled back (see requireDeployed).
     */
    readonly deployedTaskDefinitions: Record<string, pulumi.Output<string>> = {};

    /** The database component itself, for TypeScript programs (other languages get its address and secret). */
    get database(): PostgresDatabase | undefined {
        return internals.get(this)!.database;
    }
    // Internal state lives off the instance, behind getters: Pulumi's schema inference reads every
    // field of a component class as one of its outputs.
    private get a(): ResolvedEcsAppArgs {
        return internals.get(this)!.a;
    }
    private get args(): EcsAppArgs {
        return internals.get(this)!.args;
    }
    private get ctx(): AwsContext {
        return internals.get(this)!.ctx;
    }

    constructor(name: string, args: EcsAppArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("EcsApp", name, args);
        const a = validateEcsAppArgs(name, args);
        refuseUnknownArgs("EcsApp", name, args, ECS_APP_ARG_NAMES);
        super("citadel:ecs:EcsApp", name, {}, withTags(argKeys("EcsApp", name)("tags"), args.tags, opts));
        internals.set(this, { a, args, ctx: awsContext(this) });
        this.taskRoleArns = {};
        this.taskRoleNames = {};
        this.executionRoleArns = {};
        this.logGroupNames = {};
        this.logGroupArns = {};
        this.taskFamilies = {};
        const parent = { parent: this };

        const ports = [...new Set(a.services.map((s) => s.port))];
        const sgs = createSecurityGroups(name, this, args.network, ports, a.originProtection);

        const cluster = new ecs.Cluster(
            `${name}-cluster`,
            {
                settings: [{ name: "containerInsights", value: "enabled" }],
            },
            parent,
        );
        const { capacityProvider, associations } = this.capacity(name, cluster);
        this.alertsTopicArn = pulumi.output(args.alarms?.topicArn);
        if (args.alarms) this.deploymentAlerts(name, cluster, args.alarms.topicArn);

        const version = this.appVersion(name);
        this.appVersionParameterName = version.parameter?.name;
        this.imageTag = version.tag.apply((tag) =>
            // Known only once the parameter (or an Output argument) resolves: a ResourceError on this component.
            requireImageTagResolved(
                this,
                args.imageTag !== undefined
                    ? `EcsApp "${name}": imageTag`
                    : `EcsApp "${name}": the image tag (${a.parameterNamespace}/app-version)`,
                tag,
            ),
        );
        this.released = this.imageTag.apply((tag) => tag !== UNRELEASED_TAG);
        const { images, repositoryUrls, ciPolicyArn } = this.images(name);
        this.repositoryUrls = repositoryUrls;
        this.ciPolicyArn = ciPolicyArn;

        if (a.database) {
            const database = new PostgresDatabase(
                `${name}-db`,
                {
                    ...a.database,
                    network: args.network,
                    kmsKeyArn: args.kmsKeyArn,
                    allowedSecurityGroupIds: [sgs.tasks.id],
                    logRetentionInDays: a.database.logRetentionInDays ?? a.logRetentionInDays,
                    deletionProtection: a.database.deletionProtection ?? a.protect,
                    alarms: args.alarms ? { ...args.alarms.database, topicArn: args.alarms.topicArn } : undefined,
                },
                { ...parent, ...protectIf(a.protect) },
            );
            internals.get(this)!.database = database;
            this.databaseAddress = database.address;
            this.databaseMasterUserSecretArn = database.masterUserSecretArn;
        }

        this.queueUrls = {};
        this.deadLetterQueueUrls = {};
        const queues: Record<string, sqs.Queue> = {};
        const deadLetters: Record<string, sqs.Queue> = {};
        for (const w of a.workers) {
            const q = this.workerQueue(name, w);
            queues[w.name] = q.queue;
            deadLetters[w.name] = q.deadLetter;
            this.queueUrls[w.name] = q.queue.url;
            this.deadLetterQueueUrls[w.name] = q.deadLetter.url;
        }

        const alb = createLoadBalancer(name, this, args.network, args.loadBalancer, a, sgs.alb, args.logBucket);
        if (args.alarms)
            createAlarms(this, name, args.alarms, loadBalancerAlarmSpecs(args.alarms, alb.loadBalancer.arnSuffix));
        const strategy = [{ capacityProvider, weight: 1 }];
        this.serviceNames = {};

        for (const s of a.services) {
            const produces = a.workers.filter((w) => w.producers.includes(s.name));
            const task = this.task(name, s, images, {
                port: s.port,
                environment: Object.fromEntries(
                    produces.map((w) => [producerQueueEnv(w.name), this.queueUrls[w.name]]),
                ),
                consumeQueueArns: [],
                produceQueueArns: produces.map((w) => queues[w.name].arn),
            });
            const route = createServiceRoute(name, this, args.network, s, alb.https, a.originProtection);
            const service = this.service(name, s, cluster, task, sgs, strategy, [route.rule, associations], {
                loadBalancers: [
                    { targetGroupArn: route.targetGroup.arn, containerName: s.name, containerPort: s.port },
                ],
                healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds,
            });
            this.serviceNames[s.name] = service.name;
            if (args.alarms) {
                createAlarms(this, `${name}-${s.name}`, args.alarms, [
                    unhealthyTargetsSpec(
                        alb.loadBalancer.arnSuffix,
                        route.targetGroup.arnSuffix,
                        `${s.name}: a target is unhealthy`,
                    ),
                ]);
                this.tasksBelowDesired(name, s.name, cluster.name, service.name);
            }
            createScaling(
                name,
                this,
                s,
                this.released,
                cluster.name,
                service.name,
                serviceTracking(s, pulumi.interpolate`${alb.loadBalancer.arnSuffix}/${route.targetGroup.arnSuffix}`),
            );
        }

        for (const w of a.workers) {
            const task = this.task(name, w, images, {
                environment: { [WORKER_QUEUE_ENV]: this.queueUrls[w.name] },
                consumeQueueArns: [queues[w.name].arn],
                produceQueueArns: [],
            });
            const service = this.service(name, w, cluster, task, sgs, strategy, [associations], {});
            this.serviceNames[w.name] = service.name;
            if (args.alarms) {
                createAlarms(
                    this,
                    `${name}-${w.name}`,
                    args.alarms,
                    queueAlarmSpecs(args.alarms, queues[w.name].name, deadLetters[w.name].name),
                );
                this.tasksBelowDesired(name, w.name, cluster.name, service.name);
            }
            createScaling(
                name,
                this,
                w,
                this.released,
                cluster.name,
                service.name,
                workerTracking(w, queues[w.name].name, cluster.name, service.name),
            );
        }

        if (a.migration) {
            const task = this.task(name, a.migration, images, {
                environment: {},
                consumeQueueArns: [],
                produceQueueArns: [],
            });
            this.migrationTaskDefinitionArn = task.definition.arn;
            this.migrationCommand = pulumi
                .all([
                    cluster.name,
                    task.definition.arn,
                    args.network.privateSubnetIds,
                    sgs.tasks.id,
                    this.ctx.region,
                    a.capacity === "ec2" ? capacityProvider : undefined,
                ])
                .apply(([clusterName, arn, subnets, sg, region, provider]) =>
                    runTaskCommand({
                        cluster: clusterName,
                        taskDefinitionArn: arn,
                        subnetIds: subnets as string[],
                        securityGroupIds: [sg],
                        region,
                        capacityProvider: provider as string | undefined,
                    }),
                );
        }

        if (a.bastion) {
            const { instance: bastion, securityGroup: bastionSg } = createBastion(name, this, this.ctx, {
                network: args.network,
                kmsKeyArn: args.kmsKeyArn,
                instanceType: a.bastion.instanceType,
                cpuArchitecture: a.cpuArchitecture,
            });
            this.bastionInstanceId = bastion.id;
            this.bastionSessionCommand = pulumi
                .all([bastion.id, this.ctx.region])
                .apply(([id, region]) => sessionCommand(id, region));
            if (this.database && a.bastion.databaseAccess) {
                // The bastion exists to reach the database: 5432 from its group, and only there.
                const db = this.database;
                new vpc.SecurityGroupIngressRule(
                    `${name}-db-from-bastion`,
                    {
                        securityGroupId: db.securityGroupId,
                        description: "PostgreSQL from the bastion (port forwarding)",
                        ipProtocol: "tcp",
                        fromPort: 5432,
                        toPort: 5432,
                        referencedSecurityGroupId: bastionSg.id,
                    },
                    parent,
                );
                new vpc.SecurityGroupEgressRule(
                    `${name}-bastion-to-db`,
                    {
                        securityGroupId: bastionSg.id,
                        description: "PostgreSQL to the app's database",
                        ipProtocol: "tcp",
                        fromPort: 5432,
                        toPort: 5432,
                        referencedSecurityGroupId: db.securityGroupId,
                    },
                    parent,
                );
                this.databasePortForwardingCommand = pulumi
                    .all([bastion.id, this.ctx.region, db.address, db.port])
                    .apply(([id, region, host, port]) => portForwardingCommand(id, region, host, port));
            }
        }

        const access = this.access(name, cluster);
        this.developersGroupName = access.developers;
        this.logReadersGroupName = access.logReaders;
        this.deployRoleArn = access.deployRole;

        this.clusterName = cluster.name;
        this.clusterArn = cluster.arn;
        this.loadBalancerArn = alb.loadBalancer.arn;
        this.loadBalancerDnsName = alb.loadBalancer.dnsName;
        this.loadBalancerZoneId = alb.loadBalancer.zoneId;
        this.loadBalancerSecurityGroupId = sgs.alb.id;
        this.tasksSecurityGroupId = sgs.tasks.id;
        this.registerOutputs({
            clusterName: this.clusterName,
            loadBalancerDnsName: this.loadBalancerDnsName,
            loadBalancerSecurityGroupId: this.loadBalancerSecurityGroupId,
            tasksSecurityGroupId: this.tasksSecurityGroupId,
            serviceNames: this.serviceNames,
            queueUrls: this.queueUrls,
            repositoryUrls: this.repositoryUrls,
            alertsTopicArn: this.alertsTopicArn,
            migrationCommand: this.migrationCommand,
            bastionInstanceId: this.bastionInstanceId,
            taskRoleArns: this.taskRoleArns,
            developersGroupName: this.developersGroupName,
            logReadersGroupName: this.logReadersGroupName,
            deployRoleArn: this.deployRoleArn,
            deployedTaskDefinitions: this.deployedTaskDefinitions,
        });
    }

    /** The developers' and log readers' groups and CI's deploy role, each only when asked for. */
    private access(
        name: string,
        cluster: ecs.Cluster,
    ): { developers?: pulumi.Output<string>; logReaders?: pulumi.Output<string>; deployRole?: pulumi.Output<string> } {
        const access = this.args.access ?? {};
        const parent = { parent: this };
        const ctx = this.ctx;
        const context = pulumi
            .all([ctx.partition, ctx.region, ctx.accountId, ctx.dnsSuffix, this.args.kmsKeyArn])
            .apply(([partition, region, accountId, dnsSuffix, kmsKeyArn]) => ({
                partition,
                region,
                accountId,
                dnsSuffix,
                kmsKeyArn,
                parameterNamespace: this.a.parameterNamespace,
            }));
        const out: {
            developers?: pulumi.Output<string>;
            logReaders?: pulumi.Output<string>;
            deployRole?: pulumi.Output<string>;
        } = {};
        if (access.developersGroup) {
            const group = new iam.Group(`${name}-developers`, { path: "/" }, parent);
            new iam.GroupPolicy(
                `${name}-developers-policy`,
                {
                    group: group.name,
                    policy: context.apply((c) => policyJson(developerStatements(c))),
                },
                parent,
            );
            out.developers = group.name;
        }
        if (access.logReadersGroup) {
            const group = new iam.Group(`${name}-log-readers`, { path: "/" }, parent);
            new iam.GroupPolicy(
                `${name}-log-readers-policy`,
                {
                    group: group.name,
                    policy: pulumi
                        .all(Object.values(this.logGroupArns))
                        .apply((arns) => policyJson(logReaderStatements(arns))),
                },
                parent,
            );
            out.logReaders = group.name;
        }
        if (access.deployRole) {
            const d = access.deployRole;
            const role = new iam.Role(
                `${name}-deploy`,
                {
                    description: `CI releasing ${name}: app version, task definitions, services, migration, assets`,
                    assumeRolePolicy: pulumi
                        .all([pulumi.all(d.trustedPrincipalArns), d.externalId])
                        .apply(([principals, externalId]) => policyJson(deployTrustPolicy(principals, externalId))),
                    maxSessionDuration: 3600,
                },
                parent,
            );
            const members = [...this.a.services, ...this.a.workers].map((m) => m.name);
            new iam.RolePolicy(
                `${name}-deploy-policy`,
                {
                    role: role.id,
                    policy: pulumi
                        .all([
                            context,
                            cluster.arn,
                            cluster.name,
                            pulumi.all(members.map((m) => this.serviceNames[m])),
                            pulumi.all([...Object.values(this.taskRoleArns), ...Object.values(this.executionRoleArns)]),
                            d.assetsBucketName,
                            d.assetsKmsKeyArn,
                        ])
                        .apply(
                            ([c, clusterArn, clusterName, serviceNames, roleArns, assetsBucketName, assetsKmsKeyArn]) =>
                                policyJson(
                                    deployStatements({
                                        ...c,
                                        clusterArn,
                                        clusterName,
                                        serviceNames,
                                        passRoleArns: roleArns,
                                        families: Object.values(this.taskFamilies),
                                        migrationFamily: this.a.migration ? this.taskFamilies.migration : undefined,
                                        assetsBucketName,
                                        assetsKmsKeyArn,
                                    }),
                                ),
                        ),
                },
                parent,
            );
            if (this.ciPolicyArn) {
                new iam.RolePolicyAttachment(
                    `${name}-deploy-push-pull`,
                    { role: role.name, policyArn: this.ciPolicyArn },
                    parent,
                );
            }
            out.deployRole = role.arn;
        }
        return out;
    }

    /**
     * The image tag: `imageTag` if given; otherwise the `<namespace>/app-version` parameter, which
     * this app creates with UNRELEASED_TAG and then leaves to the release pipeline (its value is
     * ignored by Pulumi after creation). The lookup waits for the parameter, so a first `pulumi up`
     * on an empty account never reads a parameter that does not exist yet (AWS: ParameterNotFound).
     * https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html
     */
    private appVersion(name: string): { tag: pulumi.Output<string>; parameter?: ssm.Parameter } {
        if (this.args.imageTag !== undefined) return { tag: pulumi.output(this.args.imageTag) };
        const parameter = new ssm.Parameter(
            `${name}-app-version`,
            {
                name: `${this.a.parameterNamespace}/app-version`,
                type: "String",
                value: UNRELEASED_TAG,
                description: "The image tag every container of the app runs; written by the release pipeline",
            },
            { parent: this, ignoreChanges: ["value"] },
        );
        const tag = getParameterOutput(
            { name: parameter.name },
            { parent: this, dependsOn: [parameter] },
        ).insecureValue;
        return { tag, parameter };
    }

    /** Fargate, or EC2 instances behind a capacity provider; either way the cluster's only capacity. */
    private capacity(
        name: string,
        cluster: ecs.Cluster,
    ): { capacityProvider: pulumi.Output<string>; associations: ecs.ClusterCapacityProviders } {
        const provider: pulumi.Output<string> =
            this.a.capacity === "ec2"
                ? createEc2Capacity(name, this, this.ctx, {
                      network: this.args.network,
                      kmsKeyArn: this.args.kmsKeyArn,
                      cluster,
                      settings: this.a.ec2,
                      cpuArchitecture: this.a.cpuArchitecture,
                  }).name
                : pulumi.output("FARGATE");
        const associations = new ecs.ClusterCapacityProviders(
            `${name}-capacity`,
            {
                clusterName: cluster.name,
                capacityProviders: [provider],
                defaultCapacityProviderStrategies: [{ capacityProvider: provider, weight: 1, base: 0 }],
            },
            { parent: this },
        );
        return { capacityProvider: provider, associations };
    }

    /** Failed deployments and circuit-breaker rollbacks of this cluster's services, to the alert topic. */
    private deploymentAlerts(name: string, cluster: ecs.Cluster, topicArn: pulumi.Input<string>): void {
        const parent = { parent: this };
        const ctx = this.ctx;
        const rule = new cloudwatch.EventRule(
            `${name}-deploy-failures`,
            {
                description: "ECS deployments that failed or are being rolled back by the circuit breaker",
                eventPattern: pulumi
                    .all([ctx.partition, ctx.region, ctx.accountId, cluster.name])
                    .apply(([partition, region, account, clusterName]) =>
                        deploymentAlertPattern(partition, region, account, clusterName),
                    ),
            },
            parent,
        );
        new cloudwatch.EventTarget(`${name}-deploy-failures-target`, { rule: rule.name, arn: topicArn }, parent);
    }

    /**
     * A service running fewer tasks than desired for `tasksBelowDesiredMinutes` (Container Insights'
     * DesiredTaskCount − RunningTaskCount > 0): tasks crash, cannot be placed or fail health checks.
     */
    private tasksBelowDesired(
        name: string,
        member: string,
        clusterName: pulumi.Input<string>,
        serviceName: pulumi.Input<string>,
    ): void {
        const minutes = this.args.alarms?.tasksBelowDesiredMinutes ?? 10;
        const metric = (id: string, metricName: string) => ({
            id,
            returnData: false,
            metric: {
                namespace: "ECS/ContainerInsights",
                metricName,
                period: 60,
                stat: "Average",
                dimensions: { ClusterName: clusterName, ServiceName: serviceName },
            },
        });
        new cloudwatch.MetricAlarm(
            `${name}-${member}-alarm-tasks-below-desired`,
            {
                alarmDescription: `${member}: fewer tasks running than desired for ${minutes} minutes`,
                metricQueries: [
                    metric("desired", "DesiredTaskCount"),
                    metric("running", "RunningTaskCount"),
                    { id: "missing", expression: "desired - running", label: "Tasks missing", returnData: true },
                ],
                comparisonOperator: "GreaterThanThreshold",
                threshold: 0,
                evaluationPeriods: minutes,
                datapointsToAlarm: minutes,
                // Container Insights publishes both counts every minute while the service exists.
                treatMissingData: "notBreaching",
                alarmActions: [this.args.alarms!.topicArn],
                okActions: [this.args.alarms!.topicArn],
            },
            { parent: this },
        );
    }

    /** ECR repositories with every guard, and CI's push/pull policy; or the private registry. */
    private images(name: string): {
        images: ImageSource;
        repositoryUrls: Record<string, pulumi.Output<string>>;
        ciPolicyArn?: pulumi.Output<string>;
    } {
        const source = this.a.images;
        if (source.source === "registry") {
            return {
                images: {
                    uri: (image) => pulumi.interpolate`${source.registry}/${image}:${this.imageTag}`,
                    pullArns: () => [],
                    credentialsArn: source.credentialsSecretArn,
                },
                repositoryUrls: {},
            };
        }
        const parent = { parent: this };
        const repos = new Map<string, ecr.Repository>();
        for (const image of this.a.repositories) {
            const id = `${name}-${image.replace(/[^a-z0-9]+/g, "-")}`;
            const repo = new ecr.Repository(
                `${id}-repo`,
                {
                    imageTagMutability: "IMMUTABLE",
                    imageScanningConfiguration: { scanOnPush: true },
                    encryptionConfigurations: [{ encryptionType: "KMS", kmsKey: this.args.kmsKeyArn }],
                    forceDelete: false,
                },
                { parent: this, ...protectIf(this.a.protect), retainOnDelete: true },
            );
            new ecr.LifecyclePolicy(
                `${id}-lifecycle`,
                {
                    repository: repo.name,
                    policy: ecrLifecyclePolicy(IMAGES_KEPT),
                },
                parent,
            );
            repos.set(image, repo);
        }
        const ci = new iam.Policy(
            `${name}-ci-push-pull`,
            {
                description: "CI: push and pull the app's images, never delete them",
                policy: pulumi
                    .all([...repos.values()].map((r) => r.arn))
                    .apply((arns) => policyJson(ciPushPullStatements(arns))),
            },
            parent,
        );
        // Named by the role when it is a plain name (the URN of existing attachments stays), by its
        // position when it is another resource's output.
        (source.ciRoleNames ?? []).forEach((role, i) => {
            new iam.RolePolicyAttachment(
                `${name}-ci-push-pull-${typeof role === "string" ? role : i}`,
                { role, policyArn: ci.arn },
                parent,
            );
        });
        return {
            images: {
                uri: (image) => pulumi.interpolate`${repos.get(image)!.repositoryUrl}:${this.imageTag}`,
                pullArns: (image) => [repos.get(image)!.arn],
            },
            repositoryUrls: Object.fromEntries([...repos].map(([image, repo]) => [image, repo.repositoryUrl])),
            ciPolicyArn: ci.arn,
        };
    }

    /** A worker's queue (KMS, long polling, TLS only) and its dead-letter queue. */
    private workerQueue(name: string, w: ResolvedWorker): { queue: sqs.Queue; deadLetter: sqs.Queue } {
        const parent = { parent: this };
        const encryption = { kmsMasterKeyId: this.args.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 };
        const deadLetter = new sqs.Queue(
            `${name}-${w.name}-dlq`,
            {
                ...encryption,
                messageRetentionSeconds: 1209600,
            },
            parent,
        );
        const queue = new sqs.Queue(
            `${name}-${w.name}-queue`,
            {
                ...encryption,
                visibilityTimeoutSeconds: w.visibilityTimeoutSeconds,
                messageRetentionSeconds: w.messageRetentionSeconds,
                receiveWaitTimeSeconds: 20,
                redrivePolicy: deadLetter.arn.apply((arn) =>
                    JSON.stringify({ deadLetterTargetArn: arn, maxReceiveCount: w.maxReceiveCount }),
                ),
            },
            parent,
        );
        for (const [q, suffix] of [
            [queue, "queue"],
            [deadLetter, "dlq"],
        ] as const) {
            new sqs.QueuePolicy(
                `${name}-${w.name}-${suffix}-policy`,
                {
                    queueUrl: q.url,
                    policy: q.arn.apply((arn) => policyJson(queueStatements(arn))),
                },
                parent,
            );
        }
        return { queue, deadLetter };
    }

    /** The variables and secrets EcsApp gives a container: the app version, and the database if it uses it. */
    private injected(c: ResolvedContainer): {
        environment: Record<string, pulumi.Input<string>>;
        secrets: ResolvedSecret[];
    } {
        const environment: Record<string, pulumi.Input<string>> = { [APP_VERSION_ENV]: this.imageTag };
        const secrets: ResolvedSecret[] = [];
        if (c.useDatabase && this.database) {
            const db = this.database;
            const migration = c === this.a.migration;
            // Only the run-once migration uses the master user (it reads the rotating secret at its
            // start); services and workers are the app's own user with IAM authentication.
            const user = migration ? db.masterUsername : DATABASE_APP_USER;
            const values = [db.address, db.port.apply(String), db.databaseName, user];
            DATABASE_ENV.forEach((k, i) => {
                environment[k] = values[i];
            });
            if (migration) {
                environment[DATABASE_APP_USER_ENV] = DATABASE_APP_USER;
                secrets.push({
                    name: DATABASE_SECRET,
                    kind: "secretsmanager",
                    arn: db.masterUserSecretArn,
                    jsonKey: "password",
                });
            } else {
                environment[DATABASE_AUTH_ENV] = "true";
            }
        }
        return { environment, secrets };
    }

    /** Log group, execution role, task role and task definition of one container. */
    private task(name: string, c: ResolvedContainer, images: ImageSource, extras: TaskExtras): Task {
        const parent = { parent: this };
        const ctx = this.ctx;
        const id = `${name}-${c.name}`;
        const injected = this.injected(c);
        const environment = { ...c.environment, ...extras.environment, ...injected.environment };
        const secrets = [...c.secrets, ...injected.secrets];

        const logGroup = new cloudwatch.LogGroup(
            `${id}-logs`,
            {
                retentionInDays: this.a.logRetentionInDays,
                kmsKeyId: this.args.kmsKeyArn,
            },
            parent,
        );

        const trust = pulumi
            .all([ctx.accountId, ctx.dnsSuffix])
            .apply(([account, dns]) => serviceTrustPolicy(`ecs-tasks.${dns}`, account));
        const executionRole = new iam.Role(
            `${id}-execution`,
            {
                description: `ECS starting ${id}: pull its image, write its logs, read its secrets`,
                assumeRolePolicy: trust,
            },
            parent,
        );
        const byKind = (kind: ResolvedSecret["kind"]) => secrets.filter((s) => s.kind === kind).map((s) => s.arn);
        const secretArns = [...byKind("secretsmanager"), ...(images.credentialsArn ? [images.credentialsArn] : [])];
        new iam.RolePolicy(
            `${id}-execution-policy`,
            {
                role: executionRole.id,
                policy: pulumi
                    .all([
                        pulumi.all(images.pullArns(c.image)),
                        logGroup.arn,
                        pulumi.all(secretArns),
                        pulumi.all(byKind("ssm")),
                        this.args.kmsKeyArn,
                        ctx.region,
                        ctx.dnsSuffix,
                    ])
                    .apply(
                        ([repositoryArns, logGroupArn, secretArnList, parameterArns, kmsKeyArn, region, dnsSuffix]) =>
                            policyJson(
                                executionRoleStatements({
                                    repositoryArns,
                                    logGroupArn,
                                    secretArns: [...new Set(secretArnList)],
                                    parameterArns: [...new Set(parameterArns)],
                                    kmsKeyArn,
                                    region,
                                    dnsSuffix,
                                }),
                            ),
                    ),
            },
            parent,
        );

        const taskRole = new iam.Role(
            `${id}-task`,
            {
                description: `The ${id} application`,
                assumeRolePolicy: trust,
            },
            parent,
        );
        const grants = pulumi.all(c.grants.map((g) => resolveGrant(g, this.args.kmsKeyArn)));
        // Services and workers connect as the app's own user with IAM authentication; the migration does not.
        const grantsAndDb = pulumi.all([
            grants,
            c.useDatabase && this.database && c !== this.a.migration
                ? this.database.resourceId
                : pulumi.output(undefined),
        ]);
        new iam.RolePolicy(
            `${id}-task-policy`,
            {
                role: taskRole.id,
                policy: pulumi
                    .all([
                        pulumi.all(extras.consumeQueueArns),
                        pulumi.all(extras.produceQueueArns),
                        this.args.kmsKeyArn,
                        ctx.partition,
                        ctx.region,
                        ctx.accountId,
                        ctx.dnsSuffix,
                        grantsAndDb,
                    ])
                    .apply(
                        ([
                            consumeQueueArns,
                            produceQueueArns,
                            kmsKeyArn,
                            partition,
                            region,
                            accountId,
                            dnsSuffix,
                            [resolved, resourceId],
                        ]) =>
                            policyJson([
                                ...taskRoleStatements({
                                    partition,
                                    region,
                                    accountId,
                                    dnsSuffix,
                                    kmsKeyArn,
                                    parameterNamespace: this.a.parameterNamespace,
                                    consumeQueueArns,
                                    produceQueueArns,
                                    databaseUser: resourceId ? { resourceId, username: DATABASE_APP_USER } : undefined,
                                }),
                                ...grantStatements(resolved, { partition, region, dnsSuffix }),
                            ]),
                    ),
            },
            parent,
        );
        this.taskRoleArns[c.name] = taskRole.arn;
        this.taskRoleNames[c.name] = taskRole.name;
        this.executionRoleArns[c.name] = executionRole.arn;
        this.logGroupNames[c.name] = logGroup.name;
        this.logGroupArns[c.name] = logGroup.arn;
        this.taskFamilies[c.name] = taskFamily(name, c.name);

        const resolvedSecrets = pulumi.all(
            secrets.map((s) =>
                pulumi.output(s.arn).apply((arn) => ({ name: s.name, valueFrom: secretValueFrom(arn, s.jsonKey) })),
            ),
        );
        const containerDefinitions = pulumi
            .all([
                images.uri(c.image),
                pulumi.all(environment),
                resolvedSecrets,
                logGroup.name,
                ctx.region,
                images.credentialsArn,
            ])
            .apply(([image, env, secretList, logGroupName, region, credentialsArn]) =>
                renderContainerDefinitions({
                    name: c.name,
                    image,
                    command: c.command,
                    port: extras.port,
                    environment: env as Record<string, string>,
                    secrets: secretList,
                    user: c.user,
                    writablePaths: c.writablePaths,
                    logGroupName,
                    region,
                    repositoryCredentialsArn: credentialsArn,
                }),
            );

        const definition = new ecs.TaskDefinition(
            `${id}-taskdef`,
            {
                family: taskFamily(name, c.name),
                containerDefinitions,
                cpu: String(c.cpu),
                memory: String(c.memory),
                networkMode: "awsvpc",
                requiresCompatibilities: [this.a.capacity === "ec2" ? "EC2" : "FARGATE"],
                runtimePlatform: { operatingSystemFamily: "LINUX", cpuArchitecture: this.a.cpuArchitecture },
                executionRoleArn: executionRole.arn,
                taskRoleArn: taskRole.arn,
                volumes: scratchVolumes(c.writablePaths).map((v) => ({ name: v.name })),
            },
            parent,
        );
        return { definition, logGroup, taskRole, executionRole };
    }

    /**
     * A rolling, zero-downtime ECS service: new tasks start (up to 200 %) before old ones stop (never
     * below 100 %), a deployment that cannot become healthy is stopped and rolled back by the circuit
     * breaker, and tasks run in the private subnets without public IPs.
     */
    private service(
        name: string,
        m: ResolvedService | ResolvedWorker,
        cluster: ecs.Cluster,
        task: Task,
        sgs: SecurityGroups,
        strategy: Array<{ capacityProvider: pulumi.Input<string>; weight: number }>,
        dependsOn: pulumi.Resource[],
        extra: Pick<ecs.ServiceArgs, "loadBalancers" | "healthCheckGracePeriodSeconds">,
    ): ecs.Service {
        const service = this.createService(name, m, cluster, task, sgs, strategy, dependsOn, extra);
        // pulumi-aws issue 4487: after a circuit-breaker rollback the service is steady again (on the
        // old task definition) and the update reports success. The provider reads the service back
        // after waiting, so its task definition tells the truth: a mismatch fails `pulumi up`.
        this.deployedTaskDefinitions[m.name] = pulumi
            .all([service.taskDefinition, task.definition.arn])
            .apply(([running, deployed]) => {
                if (!pulumi.runtime.isDryRun()) requireDeployed(`${name}-${m.name}`, deployed, running);
                return running ?? deployed;
            });
        return service;
    }

    private createService(
        name: string,
        m: ResolvedService | ResolvedWorker,
        cluster: ecs.Cluster,
        task: Task,
        sgs: SecurityGroups,
        strategy: Array<{ capacityProvider: pulumi.Input<string>; weight: number }>,
        dependsOn: pulumi.Resource[],
        extra: Pick<ecs.ServiceArgs, "loadBalancers" | "healthCheckGracePeriodSeconds">,
    ): ecs.Service {
        return new ecs.Service(
            `${name}-${m.name}`,
            {
                cluster: cluster.arn,
                taskDefinition: task.definition.arn,
                // Only the first value counts (desiredCount is the autoscaler's afterwards): zero tasks until
                // an image is released; the release raises the scalable target's minimum, and Application
                // Auto Scaling brings the service up to it.
                desiredCount: this.released.apply((r) => (r ? m.desiredCount : 0)),
                capacityProviderStrategies: strategy,
                networkConfiguration: {
                    subnets: this.args.network.privateSubnetIds,
                    securityGroups: [sgs.tasks.id],
                    assignPublicIp: false,
                },
                deploymentMinimumHealthyPercent: 100,
                deploymentMaximumPercent: 200,
                deploymentCircuitBreaker: { enable: true, rollback: true },
                // `pulumi up` waits until the deployment is done (rolled out or rolled back); the check in
                // service() then tells the two apart.
                waitForSteadyState: true,
                deploymentController: { type: "ECS" },
                ...(this.a.capacity === "ec2"
                    ? {
                          // One task per AZ before any AZ gets a second; then pack instances.
                          orderedPlacementStrategies: [
                              { type: "spread", field: "attribute:ecs.availability-zone" },
                              { type: "binpack", field: "memory" },
                          ],
                      }
                    : {}),
                availabilityZoneRebalancing: "ENABLED",
                enableEcsManagedTags: true,
                propagateTags: "SERVICE",
                enableExecuteCommand: false,
                ...extra,
            },
            { parent: this, dependsOn, ignoreChanges: ["desiredCount"] },
        );
    }
}

/**
 * Fails the update when a service runs another task definition than the one just deployed: what
 * the circuit breaker's rollback leaves behind. ECS: "the service is rolled back to the last
 * deployment that completed successfully".
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
 * @throws Error naming the service, the deployed and the running task definition
 */
export function requireDeployed(service: string, deployed: string | undefined, running: string | undefined): void {
    if (deployed && running && deployed !== running) {
        throw new Error(
            `ECS service ${service} did not deploy ${deployed}: it runs ${running} ` +
                "(the deployment circuit breaker rolled it back; see the service's events and the alerts topic)",
        );
    }
}

/**
 * Task definition families are account-wide names, not autonamed: project, stack and component in
 * them keep two stacks in one account apart.
 */
export function taskFamily(component: string, member: string): string {
    return `${pulumi.getProject()}-${pulumi.getStack()}-${component}-${member}`
        .replace(/[^A-Za-z0-9_-]/g, "-")
        .slice(0, 255);
}
