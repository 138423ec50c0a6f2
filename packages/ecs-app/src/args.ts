import * as pulumi from "@pulumi/pulumi";
import {
    AlarmsArgs,
    argKeys,
    DatabaseThresholdsArgs,
    KeyOf,
    LogBucketRef,
    NetworkRef,
    PostgresSettingsArgs,
    TagsInput,
} from "@citadel/shared";
import { GrantArgs } from "./grants";
import { AppAccessArgs } from "./access";

/**
 * EcsApp's alarm thresholds. ALB metrics are `AWS/ApplicationELB` sums over 5 minutes; task counts
 * come from Container Insights (`ECS/ContainerInsights`, on for every cluster here); queue metrics
 * are `AWS/SQS`, published every 5 minutes.
 */
export interface EcsAppAlarmsArgs extends AlarmsArgs {
    /** 5xx responses (count) the load balancer itself returns in 5 minutes. @default 10 */
    loadBalancer5xx?: number;
    /** 5xx responses (count) the targets return in 5 minutes. @default 10 */
    target5xx?: number;
    /** Age (seconds) of a worker queue's oldest message. @default 900 */
    oldestMessageSeconds?: number;
    /** Minutes a service may run fewer tasks than desired before the alarm fires (deploys, scaling). @default 10 */
    tasksBelowDesiredMinutes?: number;
    /** The database's thresholds. @default PostgresDatabase's defaults */
    database?: DatabaseThresholdsArgs;
}

export const CapacityType = {
    Fargate: "fargate",
    Ec2: "ec2",
} as const;
export type CapacityType = (typeof CapacityType)[keyof typeof CapacityType];
export const CAPACITY_TYPES: readonly CapacityType[] = Object.values(CapacityType);

export const CpuArchitecture = {
    X86_64: "X86_64",
    ARM64: "ARM64",
} as const;
export type CpuArchitecture = (typeof CpuArchitecture)[keyof typeof CpuArchitecture];
export const CPU_ARCHITECTURES: readonly CpuArchitecture[] = Object.values(CpuArchitecture);

export const DesyncMitigationMode = {
    Defensive: "defensive",
    Strictest: "strictest",
} as const;
export type DesyncMitigationMode = (typeof DesyncMitigationMode)[keyof typeof DesyncMitigationMode];
export const DESYNC_MITIGATION_MODES: readonly DesyncMitigationMode[] = Object.values(DesyncMitigationMode);

export const TargetProtocol = {
    HTTP: "HTTP",
    HTTPS: "HTTPS",
} as const;
export type TargetProtocol = (typeof TargetProtocol)[keyof typeof TargetProtocol];
export const TARGET_PROTOCOLS: readonly TargetProtocol[] = Object.values(TargetProtocol);

/** The one TLS policy of the HTTPS listener: TLS 1.3, and TLS 1.2 with forward-secret AEAD ciphers only. */
export const TLS_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * Environment names that look like they hold a secret. Such values belong in `secrets` (by
 * reference), where they never reach the task definition, the state or the console in clear.
 */
export const SECRET_LOOKING_NAME = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|KEY|CREDENTIAL/i;

/**
 * A secret handed to a container by reference: ECS resolves it when the task starts, with the task
 * execution role, which may read exactly the secrets its service names.
 * - `secretsManagerArn`: the full ARN of a Secrets Manager secret (with its 6-character suffix);
 *   `jsonKey` picks one key of a JSON secret (e.g. `password` of an RDS-managed secret).
 * - `ssmParameterArn`: the ARN of a Parameter Store parameter (SecureString, encrypted with the app's key).
 */
export interface SecretRef {
    /** The full ARN of a Secrets Manager secret (with its 6-character suffix). Set this or `ssmParameterArn`. */
    secretsManagerArn?: pulumi.Input<string>;
    /** One key of a JSON secret, e.g. `password` of an RDS-managed secret. Only with `secretsManagerArn`. @default the whole secret */
    jsonKey?: string;
    /** The ARN of a Parameter Store parameter (SecureString, encrypted with the app's key). Set this or `secretsManagerArn`. */
    ssmParameterArn?: pulumi.Input<string>;
}

/** What every container of the app (services, workers, the migration) is made of. */
export interface ContainerArgs {
    /**
     * The image's repository: with `images.source` `ecr`, the name of an ECR repository the app
     * creates (one per distinct name); with `registry`, the path under the registry. The tag is the
     * app version (see `imageTag`).
     */
    image: string;
    /**
     * Task CPU units (1024 = 1 vCPU) and memory (MiB). On Fargate, a valid Fargate pair
     * (256/512..2048, 512/1024..4096, 1024/2048..8192, 2048/4096..16384, 4096/8192..30720, ...).
     * @default 256 CPU, 512 MiB
     */
    cpu?: number;
    /** Task memory (MiB); see `cpu`. @default 512 */
    memory?: number;
    /** Overrides the image's CMD. @default the image's */
    command?: string[];
    /**
     * Plain, non-secret settings. A name that looks like a secret (PASSWORD, SECRET, TOKEN, KEY,
     * CREDENTIAL, ...) is refused: pass it in `secrets`. @default {}
     */
    environment?: Record<string, pulumi.Input<string>>;
    /** Secrets by reference, never by value (a plain string is refused). @default {} */
    secrets?: Record<string, SecretRef>;
    /**
     * Run as this user (`"1000"`, `"1000:1000"`, `"app"`), not root (root is refused). Ports below 1024
     * need root, so a service with `user` listens on 1024 or above. @default the image's user
     */
    user?: string;
    /**
     * Give the container the app's database: `DATABASE_HOST`, `DATABASE_PORT`, `DATABASE_NAME` and
     * `DATABASE_USER` in its environment (the database forces TLS). Services and workers connect as
     * the app's own user (`app`) with IAM authentication (`DATABASE_USE_IAM=true`: a token from the task
     * role per connection, so RDS's 7-day rotation of the master secret never reaches them). The
     * migration connects as the master user with `DATABASE_PASSWORD` (read at its start) and gets
     * `DATABASE_APP_USER`, the user it creates (see README). Requires `database`. @default false (true for the migration)
     */
    useDatabase?: boolean;
    /**
     * The root file system is read-only; these paths get a writable scratch volume that lives as
     * long as the task. @default ["/tmp"]
     */
    writablePaths?: string[];
    /**
     * What this container's task role may do beyond its own queue and parameters: buckets (with a
     * prefix), queues, cache users, search domains, or extra statements (see {@link GrantArgs}).
     * Refused: wildcard actions, and `*` resources on data-plane reads. @default []
     */
    grants?: GrantArgs[];
}

/** How a service is reached through the load balancer's HTTPS listener. */
export interface RoutingArgs {
    /** Path patterns (`/api/*`); at least one of `paths`/`hosts`. @default [] */
    paths?: string[];
    /** Host names (`app.example.com`, `*.example.com`). @default [] */
    hosts?: string[];
}

/** A long-running service behind the shared load balancer. */
export interface ServiceArgs extends ContainerArgs {
    /** Lowercase letters, digits and hyphens, up to 20 characters; unique among services and workers. */
    name: string;
    /** The container's port (1..65535; 1024.. with a non-root `user`). */
    port: number;
    /**
     * Which requests reach this service. Rules are evaluated in the order of `services`: list the
     * most specific first and a catch-all (`/*`) last. Two services on the same path and host are refused.
     */
    routing: RoutingArgs;
    /** Protocol between the load balancer and the container. @default "HTTP" */
    protocol?: TargetProtocol;
    /** The load balancer's health check path. @default "/" */
    healthCheckPath?: string;
    /** Seconds the service ignores failing load balancer health checks after a task starts. @default 60 */
    healthCheckGracePeriodSeconds?: number;
    /** Tasks at creation (autoscaling moves it between `minCount` and `maxCount`). @default 2 */
    desiredCount?: number;
    /** Fewest tasks the service scales in to. @default desiredCount */
    minCount?: number;
    /** Most tasks the service scales out to. @default max(4, desiredCount) */
    maxCount?: number;
    /** Target average CPU utilisation (%) of the CPU target-tracking policy, 10..90. @default 60 */
    cpuTargetPercent?: number;
    /** Target requests per task per minute of the request-count policy. @default 1000 */
    requestsPerTarget?: number;
}

/** A background worker: no load balancer, consumes its own SQS queue and scales on its backlog. */
export interface WorkerArgs extends ContainerArgs {
    /** Lowercase letters, digits and hyphens, up to 20 characters; unique among services and workers. */
    name: string;
    /** Tasks the worker runs normally. @default 1 */
    desiredCount?: number;
    /** Fewest tasks the worker scales in to (on its queue's depth). @default desiredCount */
    minCount?: number;
    /** Most tasks the worker scales out to (on its queue's depth). @default max(4, desiredCount) */
    maxCount?: number;
    /** Visible messages per running task that autoscaling aims for. @default 100 */
    backlogPerTask?: number;
    /** Seconds a received message stays invisible to other consumers, 0..43200. @default 300 */
    visibilityTimeoutSeconds?: number;
    /** Receives before a message moves to the dead-letter queue, 1..1000. @default 5 */
    maxReceiveCount?: number;
    /** Seconds a message is kept, 60..1209600. @default 345600 (4 days) */
    messageRetentionSeconds?: number;
    /**
     * Services allowed to send to this worker's queue; each gets `<WORKER>_QUEUE_URL` in its
     * environment (e.g. `JOBS_QUEUE_URL`). The worker itself gets `QUEUE_URL`. @default []
     */
    producers?: string[];
}

/** The run-once database migration: a task definition started on demand with `aws ecs run-task`. */
export interface MigrationArgs extends ContainerArgs {
    /** The migration command, e.g. `["bin/rails", "db:migrate"]`. */
    command: string[];
}

/** Where the app's images come from. */
export const ImageRegistryType = {
    /** The app creates one ECR repository per distinct image (scan on push, immutable tags, KMS, last 100 kept). */
    Ecr: "ecr",
    /** Images come from a private registry such as GitLab's. */
    Registry: "registry",
} as const;
export type ImageRegistryType = (typeof ImageRegistryType)[keyof typeof ImageRegistryType];

/** Where images come from: ECR repositories the app creates, or a private registry (`registry` and `credentialsSecretArn`). */
export interface ImagesArgs {
    /** `ecr` or `registry`. @default "ecr" */
    source?: ImageRegistryType;
    /**
     * With `ecr`: IAM roles (by name, e.g. an `aws.iam.Role`'s `name`) of CI that get the
     * least-privilege push/pull policy. A name that is an Output is checked when it resolves. @default []
     */
    ciRoleNames?: pulumi.Input<string>[];
    /**
     * With `registry` (required there): registry host and path, without scheme: `registry.gitlab.com/acme/app`.
     * @default - none (an error with `registry`)
     */
    registry?: string;
    /**
     * With `registry` (required there): Secrets Manager secret `{"username": ..., "password": <access token>}` for the registry.
     * @default - none (an error with `registry`)
     */
    credentialsSecretArn?: pulumi.Input<string>;
}

/** ImagesArgs once validated: one of the two sources with what it needs. */
export type ResolvedImages =
    | { source: "ecr"; ciRoleNames?: pulumi.Input<string>[] }
    | { source: "registry"; registry: string; credentialsSecretArn: pulumi.Input<string> };

/**
 * Lets only a CDN reach the load balancer: its security group admits 443 only from the CDN's managed
 * prefix lists (and nothing on 80), and every routing rule also requires the secret header the
 * CDN adds; anything else gets a 403 from the listener's default action.
 */
export interface OriginProtectionArgs {
    /** Name of the header the CDN sends (letters, digits, hyphens), e.g. `X-Origin-Verify`. */
    headerName: string;
    /** Its secret value (a Pulumi secret; 1..128 characters). */
    headerValue: pulumi.Input<string>;
    /** Managed prefix lists the CDN connects from (`com.amazonaws.global.cloudfront.origin-facing`). */
    prefixListIds: pulumi.Input<string>[];
}

export interface LoadBalancerArgs {
    /** ACM certificate of the HTTPS listener, in the load balancer's region. */
    certificateArn: pulumi.Input<string>;
    /**
     * Bucket for the access logs. Elastic Load Balancing writes only to SSE-S3 buckets whose policy
     * admits it: a SecureBucket with purpose `elbLogs` and `deliveryPrefix` "alb" (ALB_LOG_PREFIX). @default the app creates one (then `logBucket`
     * is required, to receive that bucket's own S3 server access logs)
     */
    accessLogsBucketName?: pulumi.Input<string>;
    /** Refuse deletion of the load balancer through the API. @default `protect` */
    deletionProtection?: boolean;
    /** HTTP desync mitigation. @default "defensive" */
    desyncMitigationMode?: DesyncMitigationMode;
    /** Seconds an idle connection stays open, 1..4000. @default 60 */
    idleTimeoutSeconds?: number;
}

export interface Ec2CapacityArgs {
    /** The container instances' EC2 type. @default "t3.small" (x86) or "t4g.small" (ARM) */
    instanceType?: string;
    /** Instances kept running even when idle. @default 1 */
    minInstances?: number;
    /** Upper bound for the capacity provider's managed scaling. @default 4 */
    maxInstances?: number;
    /** Root volume (GiB), encrypted with the key. @default 30 */
    volumeSizeGiB?: number;
}

/** The database: a PostgresDatabase from @citadel/shared, reachable only from the app's tasks. */
export type DatabaseArgs = PostgresSettingsArgs;

/** A bastion host for Session Manager port forwarding to the database. */
export interface BastionArgs {
    /** The bastion's EC2 type. @default "t3.micro" (`t4g.micro` with `cpuArchitecture` ARM64) */
    instanceType?: string;
    /** Admit 5432 from the bastion and output the port-forwarding command (with a database). @default true */
    databaseAccess?: boolean;
}

export interface EcsAppArgs {
    /** Where the app lives: the load balancer in the public subnets, everything else in the private ones. */
    network: NetworkRef;
    /**
     * Encrypts logs, queues, volumes and repositories. Its policy must admit the `logs` service and,
     * for EC2 capacity, `autoscaling`. Deployment events go to `alarms.topicArn`, a topic with a key of
     * its own (AlertTopic), so this key needs no EventBridge grant.
     */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Where tasks run: `fargate`, or `ec2` (an Auto Scaling group of ECS-optimized instances behind a
     * capacity provider with managed scaling and termination protection). Tasks use `awsvpc`
     * networking either way, so each task has its own security group and private IP; on EC2 an
     * instance holds as many tasks as it has spare network interfaces. @default "fargate"
     */
    capacity?: CapacityType;
    /**
     * EC2 capacity settings; only with `capacity: "ec2"`.
     * @default - every Ec2CapacityArgs default (used with `capacity: "ec2"` only)
     */
    ec2?: Ec2CapacityArgs;
    /** CPU architecture of the images (and of the EC2 instances). @default "X86_64" */
    cpuArchitecture?: CpuArchitecture;
    /** Services behind the load balancer, at least one. */
    services: ServiceArgs[];
    /** Queue workers. @default [] */
    workers?: WorkerArgs[];
    /** The run-once migration task. @default none */
    migration?: MigrationArgs;
    /** Where images come from. @default { source: "ecr" } */
    images?: ImagesArgs;
    /** The HTTPS load balancer in front of the services: certificate, rules, access logs. */
    loadBalancer: LoadBalancerArgs;
    /**
     * The bucket receiving the S3 server access logs of the load balancer's log bucket the app
     * creates: purpose `accessLogs` (SSE-S3; S3 does not deliver server access logs to SSE-KMS buckets). Required unless `loadBalancer.accessLogsBucketName` is given.
     * @default - none (an error unless `loadBalancer.accessLogsBucketName` is given)
     */
    logBucket?: LogBucketRef;
    /** Only a CDN may reach the load balancer. @default none: 443 (and 80, redirected) open to all */
    originProtection?: OriginProtectionArgs;
    /**
     * This environment's Parameter Store namespace, e.g. `/citadel/prod`. The image tag is read from
     * `<namespace>/app-version` (a String parameter the release pipeline writes) unless `imageTag` is
     * given, and task roles may read parameters under the namespace only.
     * @default `/<project>/<stack>`
     */
    parameterNamespace?: string;
    /** The image tag of every container; overrides the `app-version` parameter. @default the parameter */
    imageTag?: pulumi.Input<string>;
    /** A PostgreSQL database for the app (5432 admitted from the tasks' security group only). @default none */
    database?: DatabaseArgs;
    /**
     * A bastion with a private IP and no inbound rules, reached with SSM Session Manager. With a
     * database, `databaseAccess` (default true) admits 5432 from the bastion and outputs the
     * port-forwarding command; false keeps the database reachable from the tasks only. @default none
     */
    bastion?: BastionArgs;
    /**
     * Alarms (load balancer 5xx and unhealthy targets, services running fewer tasks than desired,
     * queue age and dead letters, the database's) and failed deployments and rollbacks, all to
     * `alarms.topicArn` (the stack's alert topic). Unset: no alarms and no deployment alerts.
     * @default - no alarms and no deployment alerts
     */
    alarms?: EcsAppAlarmsArgs;
    /**
     * People and CI: a developers' group for the parameter namespace, a log readers' group, and a
     * least-privilege deploy role (see {@link AppAccessArgs}). @default none
     */
    access?: AppAccessArgs;
    /** Days container logs are kept (a CloudWatch Logs retention period). @default 365 */
    logRetentionInDays?: number;
    /**
     * Guard stateful resources: ECR repositories are protected (and always retained on delete), the
     * database and the log bucket protected, the load balancer's deletion protection on. @default false
     */
    protect?: boolean;
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

/* ------------------------------------------------------------------------------------------------ */
/* Resolved args: validated, with defaults                                                           */
/* ------------------------------------------------------------------------------------------------ */

export interface ResolvedSecret {
    /** Environment variable name in the container. */
    name: string;
    /** Where ECS reads the value: Secrets Manager or Parameter Store. */
    kind: "secretsmanager" | "ssm";
    /** The secret's or parameter's ARN. */
    arn: pulumi.Input<string>;
    /** The key of a JSON secret whose value is injected; absent: the whole secret. */
    jsonKey?: string;
}

export interface ResolvedContainer {
    /** The member's name: service, worker, or `migration`. */
    name: string;
    /** The image repository (the tag is the app version). */
    image: string;
    /** Task CPU units (1024 per vCPU). */
    cpu: number;
    /** Task memory, in MiB. */
    memory: number;
    /** The command; absent: the image's own. */
    command?: string[];
    /** Plain environment variables (the component adds its own, e.g. queue URLs). */
    environment: Record<string, pulumi.Input<string>>;
    /** Secrets injected by reference when the task starts. */
    secrets: ResolvedSecret[];
    /** The user the container runs as; absent: the image's own. */
    user?: string;
    /** The task gets the database's address and secret. */
    useDatabase: boolean;
    /** Paths given a writable scratch volume. */
    writablePaths: string[];
    /** What the task role may reach besides the app's own resources. */
    grants: GrantArgs[];
}

export interface ResolvedService extends ResolvedContainer {
    /** The container's port. */
    port: number;
    /** Path patterns routed to the service. */
    paths: string[];
    /** Host names routed to the service. */
    hosts: string[];
    /** Protocol between the load balancer and the container. */
    protocol: TargetProtocol;
    /** The load balancer's health check path. */
    healthCheckPath: string;
    /** Time failing health checks are ignored after a task starts. */
    healthCheckGracePeriodSeconds: number;
    /** Tasks at creation. */
    desiredCount: number;
    /** The autoscaling floor, in tasks. */
    minCount: number;
    /** The autoscaling ceiling, in tasks. */
    maxCount: number;
    /** Target average CPU utilisation, in percent. */
    cpuTargetPercent: number;
    /** Target requests per task per minute. */
    requestsPerTarget: number;
    /** Listener rule priority: by position in `services`. */
    priority: number;
}

export interface ResolvedWorker extends ResolvedContainer {
    /** Tasks at creation. */
    desiredCount: number;
    /** The autoscaling floor, in tasks. */
    minCount: number;
    /** The autoscaling ceiling, in tasks. */
    maxCount: number;
    /** Visible messages per running task autoscaling aims for (a count). */
    backlogPerTask: number;
    /** Time a received message stays invisible to other consumers. */
    visibilityTimeoutSeconds: number;
    /** Receives before a message moves to the dead-letter queue. */
    maxReceiveCount: number;
    /** Time a message is kept. */
    messageRetentionSeconds: number;
    /** Services that may send to the worker's queue. */
    producers: string[];
}

export interface ResolvedEcsAppArgs {
    /** After defaults: Fargate or EC2. */
    capacity: CapacityType;
    /** After defaults: the EC2 capacity settings (used with `capacity: "ec2"` only). */
    ec2: Required<Ec2CapacityArgs>;
    /** After defaults: the images' CPU architecture. */
    cpuArchitecture: CpuArchitecture;
    /** After defaults: the services, in routing order. */
    services: ResolvedService[];
    /** After defaults: the queue workers. */
    workers: ResolvedWorker[];
    /** After defaults: the migration task; absent without one. */
    migration?: ResolvedContainer;
    /** After defaults: where images come from, with what that source needs. */
    images: ResolvedImages;
    /** Distinct repository names, in first-use order. */
    repositories: string[];
    /** After defaults: deletion protection, desync mitigation mode, idle timeout (seconds). */
    loadBalancer: {
        deletionProtection: boolean;
        desyncMitigationMode: DesyncMitigationMode;
        idleTimeoutSeconds: number;
    };
    /** After defaults: the CDN-only admission; absent: open to all. */
    originProtection?: OriginProtectionArgs;
    /** After defaults: the app's Parameter Store path. */
    parameterNamespace: string;
    /** After defaults: the database's args; absent without one. */
    database?: DatabaseArgs;
    /** After defaults: the bastion's instance type and database access; absent without one. */
    bastion?: { instanceType: string; databaseAccess: boolean };
    /** After defaults: days the logs are kept. */
    logRetentionInDays: number;
    /** After defaults: stateful resources protected from deletion. */
    protect: boolean;
}

/**
 * How messages name an argument. The component names its arguments (`EcsApp "app": services["api"].cpu`);
 * the stack program maps them to its config keys (`citadel:app.backend.cpu`).
 */
export interface EcsAppKeys {
    /** A top-level argument path, e.g. `loadBalancer.certificateArn`. */
    arg: KeyOf;
    /** A field of one container: `member("services", "api", "cpu")`; the migration's name is "migration". */
    member(list: "services" | "workers" | "migration", name: string, field: string): string;
}

export function componentKeys(name: string): EcsAppKeys {
    const arg = argKeys("EcsApp", name);
    return {
        arg,
        member: (list, member, field) =>
            list === "migration" ? arg(`migration.${field}`) : arg(`${list}[${JSON.stringify(member)}].${field}`),
    };
}

export const ECS_APP_DEFAULTS = {
    cpu: 256,
    memory: 512,
    writablePaths: ["/tmp"],
    serviceDesiredCount: 2,
    workerDesiredCount: 1,
    maxCountFloor: 4,
    healthCheckPath: "/",
    healthCheckGracePeriodSeconds: 60,
    cpuTargetPercent: 60,
    requestsPerTarget: 1000,
    backlogPerTask: 100,
    visibilityTimeoutSeconds: 300,
    maxReceiveCount: 5,
    messageRetentionSeconds: 345600,
    logRetentionInDays: 365,
    idleTimeoutSeconds: 60,
    ec2: {
        instanceType: { X86_64: "t3.small", ARM64: "t4g.small" },
        minInstances: 1,
        maxInstances: 4,
        volumeSizeGiB: 30,
    },
    bastionInstanceType: { X86_64: "t3.micro", ARM64: "t4g.micro" },
};

/** Names of variables EcsApp sets itself; a container may not set them too. */
export const DATABASE_ENV = ["DATABASE_HOST", "DATABASE_PORT", "DATABASE_NAME", "DATABASE_USER"] as const;
export const DATABASE_SECRET = "DATABASE_PASSWORD";
/**
 * Set to "iam" for services and workers: they connect as the app's own user with an IAM
 * authentication token (the RDS Signer of any AWS SDK, with the task role), never with a password.
 */
export const DATABASE_AUTH_ENV = "DATABASE_USE_IAM";
/** Given to the migration (which connects as the master user): the user it must create for the app. */
export const DATABASE_APP_USER_ENV = "DATABASE_APP_USER";
/** The app's own database user: least privilege, IAM authentication, no password to rotate. */
export const DATABASE_APP_USER = "app";
export const APP_VERSION_ENV = "APP_VERSION";
export const WORKER_QUEUE_ENV = "QUEUE_URL";

/** The variable a producer service gets for a worker's queue: `jobs` → `JOBS_QUEUE_URL`. */
export function producerQueueEnv(worker: string): string {
    return `${worker.toUpperCase().replace(/-/g, "_")}_QUEUE_URL`;
}
