import * as pulumi from "@pulumi/pulumi";
import {
    ARN_RULES,
    ConfigError,
    configKeys,
    KeyOf,
    LogBucketRef,
    NetworkRef,
    partitionOf,
    requireArn,
    requireLogRetention,
    requireNonRootUser,
} from "@citadel/shared";
import {
    CAPACITY_TYPES,
    CPU_ARCHITECTURES,
    CpuArchitecture,
    CapacityType,
    EcsApp,
    EcsAppArgs,
    EcsAppKeys,
    GrantArgs,
    OriginProtectionArgs,
    requireCertificateArn,
    resolveEcsAppArgs,
    validateEcsAppArgs,
} from "@citadel/ecs-app";
import { DEFAULT_ORIGIN_HEADER_NAME } from "@citadel/edge-cdn";
import { ConfigReader, stackRegion } from "./config";
import type { Platform } from "./program";

/** One of the two web services, as `citadel:app.<frontend|backend>.*` describes it. */
export interface WebServiceSettings {
    /** `image`: the image repository (an ECR repository name, or a path under `app.registry`). */
    image: string;
    /** `port`: the port the container listens on. */
    port: number;
    /** `cpu`: task CPU units (1024 per vCPU); on Fargate a valid pair with `memory`. */
    cpu: number;
    /** `memory`: task memory, in MiB. */
    memory: number;
    /** `path`: the path pattern the load balancer routes to the service. */
    path: string;
    /** `healthCheckPath`: the load balancer's health check path. */
    healthCheckPath: string;
}

/** The app (seed 000's instaNDT, 002's ecoPortal), validated from `citadel:app.*`. */
export interface AppSettings {
    /** `citadel:app.enabled`: deploy the app at all. */
    enabled: boolean;
    /** `app.capacity`: tasks run on Fargate or on EC2 instances of the app's own. */
    capacity: CapacityType;
    /** `app.cpuArchitecture`: the images' CPU architecture, and so the EC2 capacity's and bastion's. */
    cpuArchitecture: CpuArchitecture;
    /**
     * `app.ec2.*`: the EC2 capacity (with `capacity: ec2`): instance type and the Auto Scaling group's
     * bounds, in instances.
     */
    ec2: { instanceType: string; minInstances: number; maxInstances: number };
    /** `app.certificateArn`: ACM certificate of the HTTPS listener, in the stack's region. */
    certificateArn: string;
    /** `app.hosts`: host names both services answer to; empty means any host. */
    hosts: string[];
    /** `app.imageSource`: `ecr` (repositories the app creates) or `registry` (a private registry). */
    imageSource: "ecr" | "registry";
    /** `app.registry`: host and path of the private registry, with `imageSource: registry`. */
    registry?: string;
    /**
     * `app.registryCredentialsSecretArn`: the registry's credentials in Secrets Manager, with `imageSource: registry`.
     */
    registryCredentialsSecretArn?: string;
    /** Undefined: the tag is read from `/<project>/<stack>/app-version` at deploy time. */
    imageTag?: string;
    /** `app.user`: the non-root user the containers run as (`uid`, `uid:gid`, `name`, `name:group`). */
    user?: string;
    /** `app.desiredCount`: tasks per service at deployment and the autoscaling floor. */
    desiredCount: number;
    /** `app.maxCount`: the autoscaling ceiling of tasks per service. */
    maxCount: number;
    /** `app.frontend.*`: the frontend service. */
    frontend: WebServiceSettings;
    /** `app.backend.*`: the backend service (its image also runs the worker and the migration). */
    backend: WebServiceSettings;
    /** `app.worker.*`: the queue worker's command (in the backend's image), CPU units and memory (MiB). */
    worker: { command: string[]; cpu: number; memory: number };
    /** `app.migration.command`: the run-once migration task's command (in the backend's image). */
    migrationCommand: string[];
    /**
     * `app.database.*`: the PostgreSQL database's name, RDS instance class and whether it has a standby in a second AZ.
     */
    database: { name: string; instanceClass: string; multiAz: boolean };
    /** `app.bastion`: a bastion with no inbound rule, reached with SSM Session Manager. */
    bastion: boolean;
}

export const IMAGE_SOURCES = ["ecr", "registry"] as const;

/** Stands in for an unset certificate while the app is off, so its other values are still checked. */
const PLACEHOLDER_CERTIFICATE = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000";

/** What the app needs from the platform, besides its own settings. */
interface AppRefs {
    network: NetworkRef;
    logBucket: LogBucketRef;
    kmsKeyArn: pulumi.Input<string>;
    logRetentionInDays: number;
    protect: boolean;
    originProtection?: OriginProtectionArgs;
    /** The stack's alert topic, when components create alarms. */
    alarmsTopicArn?: pulumi.Input<string>;
    /** What the backend and the worker may do on the app's data (the upload bucket's prefixes). */
    grants?: GrantArgs[];
}

/** Component argument → config key, so a refused value names the key a user edits. */
const TOP_LEVEL_KEYS: Record<string, string> = {
    "loadBalancer.certificateArn": "app.certificateArn",
    "images.source": "app.imageSource",
    "images.registry": "app.registry",
    "images.credentialsSecretArn": "app.registryCredentialsSecretArn",
    logRetentionInDays: "logs.retentionDays",
    "bastion.instanceType": "app.bastion",
};
const MEMBER_KEYS: Record<string, string> = {
    desiredCount: "app.desiredCount",
    minCount: "app.desiredCount",
    maxCount: "app.maxCount",
    user: "app.user",
    "routing.hosts": "app.hosts",
    "routing.paths": "path",
    routing: "path",
};

function appConfigKeys(reader: ConfigReader): EcsAppKeys {
    const app: KeyOf = configKeys(reader.full("app."));
    return {
        arg: (field) => (TOP_LEVEL_KEYS[field] ? reader.full(TOP_LEVEL_KEYS[field]) : app(field)),
        member: (list, name, field) => {
            const mapped = MEMBER_KEYS[field];
            if (mapped?.startsWith("app.")) return reader.full(mapped);
            // The worker and the migration run the backend's image.
            if (field === "image" && list !== "services") return reader.full("app.backend.image");
            if (list === "migration" && (field === "cpu" || field === "memory"))
                return reader.full(`app.backend.${field}`);
            const member = list === "migration" ? "migration" : name;
            return reader.full(`app.${member}.${mapped ?? field}`);
        },
    };
}

function webService(reader: ConfigReader, name: "frontend" | "backend"): WebServiceSettings {
    return {
        image: reader.string(`app.${name}.image`),
        port: reader.integer(`app.${name}.port`, 1, 65535),
        cpu: reader.integer(`app.${name}.cpu`, 128, 196608),
        memory: reader.integer(`app.${name}.memory`, 128, 786432),
        path: reader.string(`app.${name}.path`),
        healthCheckPath: reader.string(`app.${name}.healthCheckPath`),
    };
}

/** The EcsApp args the stack deploys: a backend and a frontend behind the ALB, a worker, a migration, a database. */
export function appArgs(s: AppSettings, refs: AppRefs): EcsAppArgs {
    const common = { user: s.user, desiredCount: s.desiredCount, maxCount: s.maxCount };
    const web = (name: "frontend" | "backend", w: WebServiceSettings) => ({
        name,
        image: w.image,
        port: w.port,
        cpu: w.cpu,
        memory: w.memory,
        healthCheckPath: w.healthCheckPath,
        routing: { paths: [w.path], hosts: s.hosts },
        ...common,
    });
    return {
        network: refs.network,
        kmsKeyArn: refs.kmsKeyArn,
        logBucket: refs.logBucket,
        capacity: s.capacity,
        cpuArchitecture: s.cpuArchitecture,
        ec2: s.capacity === "ec2" ? s.ec2 : undefined,
        // The backend's path is the more specific one: its rule comes first.
        services: [
            {
                ...web("backend", s.backend),
                useDatabase: true,
                environment: { APP_ENV: pulumi.getStack() },
                grants: refs.grants,
            },
            web("frontend", s.frontend),
        ],
        workers: [
            {
                name: "worker",
                image: s.backend.image,
                command: s.worker.command,
                cpu: s.worker.cpu,
                memory: s.worker.memory,
                useDatabase: true,
                producers: ["backend"],
                environment: { APP_ENV: pulumi.getStack() },
                grants: refs.grants,
                ...common,
            },
        ],
        migration: {
            image: s.backend.image,
            command: s.migrationCommand,
            cpu: s.backend.cpu,
            memory: s.backend.memory,
            user: s.user,
        },
        images:
            s.imageSource === "registry"
                ? {
                      source: "registry",
                      registry: s.registry ?? "",
                      credentialsSecretArn: s.registryCredentialsSecretArn ?? "",
                  }
                : { source: "ecr" },
        loadBalancer: { certificateArn: s.certificateArn },
        originProtection: refs.originProtection,
        parameterNamespace: `/${pulumi.getProject()}/${pulumi.getStack()}`,
        imageTag: s.imageTag,
        database: {
            databaseName: s.database.name,
            instanceClass: s.database.instanceClass,
            multiAz: s.database.multiAz,
        },
        bastion: s.bastion ? {} : undefined,
        alarms: refs.alarmsTopicArn ? { topicArn: refs.alarmsTopicArn } : undefined,
        logRetentionInDays: refs.logRetentionInDays,
        protect: refs.protect,
    };
}

/** Interface endpoints tasks need when the private subnets have no route to the internet. */
export function requiredEndpoints(s: AppSettings): string[] {
    const ecsAgent = s.capacity === "ec2" ? ["ecs", "ecs-agent", "ecs-telemetry"] : [];
    return ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "sqs", ...ecsAgent];
}

/**
 * Refuses an app its tasks could never start: without NAT, tasks reach ECR, CloudWatch Logs,
 * Secrets Manager, SSM and SQS only through interface endpoints, and a private registry not at all.
 */
function requireEgress(reader: ConfigReader, s: AppSettings): void {
    if (reader.string("vpc.natStrategy") !== "none") return;
    if (s.imageSource === "registry") {
        throw new ConfigError(
            reader.full("vpc.natStrategy"),
            "none",
            "leaves the tasks no route to the private registry",
            "single | perAz when app.imageSource is registry",
        );
    }
    const have = reader.stringList("vpc.interfaceEndpoints");
    const missing = requiredEndpoints(s).filter((e) => !have.includes(e));
    if (missing.length > 0) {
        throw new ConfigError(
            reader.full("vpc.natStrategy"),
            "none",
            `leaves the app's tasks unable to reach ${missing.join(", ")} (no NAT and no interface endpoint)`,
            `single | perAz, or vpc.interfaceEndpoints including ${requiredEndpoints(s).join(", ")}`,
        );
    }
}

/**
 * Reads every `app.*` key (so Pulumi.yaml and the program cannot drift) and, when the app is on,
 * validates them with EcsApp's own rules, naming config keys in any message.
 */
export function loadAppSettings(reader: ConfigReader): AppSettings {
    const s: AppSettings = {
        enabled: reader.boolean("app.enabled"),
        capacity: reader.oneOf<CapacityType>("app.capacity", CAPACITY_TYPES),
        cpuArchitecture: reader.oneOf<CpuArchitecture>("app.cpuArchitecture", CPU_ARCHITECTURES),
        ec2: {
            instanceType: reader.string("app.ec2.instanceType"),
            minInstances: reader.integer("app.ec2.minInstances", 0, 100),
            maxInstances: reader.integer("app.ec2.maxInstances", 1, 100),
        },
        certificateArn: reader.string("app.certificateArn"),
        hosts: reader.stringList("app.hosts"),
        imageSource: reader.oneOf<AppSettings["imageSource"]>("app.imageSource", IMAGE_SOURCES),
        registry: reader.optionalString("app.registry"),
        registryCredentialsSecretArn: reader.optionalString("app.registryCredentialsSecretArn"),
        imageTag: reader.optionalString("app.imageTag"),
        user: reader.string("app.user"),
        desiredCount: reader.integer("app.desiredCount", 1, 100),
        maxCount: reader.integer("app.maxCount", 1, 100),
        frontend: webService(reader, "frontend"),
        backend: webService(reader, "backend"),
        worker: {
            command: reader.stringList("app.worker.command"),
            cpu: reader.integer("app.worker.cpu", 128, 196608),
            memory: reader.integer("app.worker.memory", 128, 786432),
        },
        migrationCommand: reader.stringList("app.migration.command"),
        database: {
            name: reader.string("app.database.name"),
            instanceClass: reader.string("app.database.instanceClass"),
            multiAz: reader.boolean("app.database.multiAz"),
        },
        bastion: reader.boolean("app.bastion"),
    };
    // Root in any spelling is refused; so is an empty user, which would keep the image's own user
    // (root unless its Dockerfile says otherwise). Components accept an unset user (the image's).
    requireNonRootUser(reader.full("app.user"), s.user);
    const region = stackRegion();
    // The values are validated whether or not the app is on; only the checks that tie the app to
    // the rest of the stack (a certificate, a route out) wait until it is.
    if (s.enabled || s.certificateArn !== "")
        requireCertificateArn(reader.full("app.certificateArn"), s.certificateArn, region);
    // ECS reads the registry credentials from any region (by full ARN), but only in the stack's partition.
    if (s.registryCredentialsSecretArn !== undefined) {
        requireArn(reader.full("app.registryCredentialsSecretArn"), s.registryCredentialsSecretArn, {
            ...ARN_RULES.secret,
            partition: partitionOf(region),
        });
    }
    const edgeFrontsApp = reader.boolean("edge.enabled");
    const refs: AppRefs = {
        network: {
            vpcId: "(the stack's VPC)",
            vpcCidrBlock: "(the stack's VPC)",
            publicSubnetIds: [],
            privateSubnetIds: [],
            availabilityZones: [],
        },
        kmsKeyArn: "(the stack's key)",
        logBucket: { bucketName: "(the stack's log bucket)", arn: "(the stack's log bucket)" },
        logRetentionInDays: requireLogRetention(
            reader.full("logs.retentionDays"),
            reader.integer("logs.retentionDays", 1, 3653),
        ),
        protect: reader.boolean("protect"),
        // With the edge in front, each listener rule carries the origin header condition too: the
        // hosts and paths get one condition value fewer.
        originProtection:
            s.enabled && edgeFrontsApp
                ? {
                      headerName: DEFAULT_ORIGIN_HEADER_NAME,
                      headerValue: "0".repeat(48),
                      prefixListIds: ["pl-00000000"],
                  }
                : undefined,
    };
    const given = s.enabled || s.certificateArn !== "" ? s : { ...s, certificateArn: PLACEHOLDER_CERTIFICATE };
    const args = appArgs(given, refs);
    resolveEcsAppArgs(args, appConfigKeys(reader));
    try {
        validateEcsAppArgs("app", args);
        // The keys of the capacity and image source not chosen are validated too, with the same
        // rules: switching to them later must not surprise. Unset registry keys stay unset.
        if (s.capacity !== "ec2")
            resolveEcsAppArgs(appArgs({ ...given, capacity: "ec2" }, refs), appConfigKeys(reader));
        if (s.imageSource !== "registry" && (s.registry || s.registryCredentialsSecretArn)) {
            resolveEcsAppArgs(
                appArgs(
                    {
                        ...given,
                        imageSource: "registry",
                        registry: s.registry || "registry.example.com/acme",
                        registryCredentialsSecretArn:
                            s.registryCredentialsSecretArn ||
                            "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf",
                    },
                    refs,
                ),
                appConfigKeys(reader),
            );
        }
    } catch (e) {
        // The database's own validator names its argument; name the config key instead.
        if (e instanceof ConfigError && /databaseName|instanceClass/.test(e.key)) {
            const key = e.key.endsWith("databaseName") ? "app.database.name" : "app.database.instanceClass";
            throw new ConfigError(reader.full(key), e.value, e.problem, e.allowed);
        }
        throw e;
    }
    if (s.enabled) requireEgress(reader, s);
    return s;
}

/**
 * Deploys the app on the platform: the EcsApp (with its database) and the stack outputs an
 * operator needs. `originProtection` (from the edge module) restricts the load balancer to the CDN.
 */
export function deployApp(
    platform: Platform,
    originProtection?: OriginProtectionArgs,
    grants: GrantArgs[] = [],
): { outputs: Record<string, unknown>; app: EcsApp } {
    const s = platform.settings;
    const app = new EcsApp(
        "app",
        appArgs(s.app, {
            network: platform.net.network,
            kmsKeyArn: platform.key.arn,
            logBucket: { bucketName: platform.accessLogs.bucketName, arn: platform.accessLogs.arn },
            logRetentionInDays: s.logs.retentionDays,
            protect: s.protect,
            originProtection,
            alarmsTopicArn: s.operations.alarms ? platform.alerts.topicArn : undefined,
            grants,
        }),
    );
    const outputs: Record<string, unknown> = {
        appLoadBalancerDnsName: app.loadBalancerDnsName,
        appClusterName: app.clusterName,
        appServiceNames: pulumi.all(app.serviceNames),
        appQueueUrls: pulumi.all(app.queueUrls),
        appMigrationCommand: app.migrationCommand,
        appImageTag: app.imageTag,
        // Resolving these fails `pulumi up` when a deployment was rolled back (pulumi-aws issue 4487).
        appDeployedTaskDefinitions: pulumi.all(app.deployedTaskDefinitions),
        ...(app.appVersionParameterName ? { appVersionParameterName: app.appVersionParameterName } : {}),
        appDatabaseAddress: app.database?.address,
        appDatabaseSecretArn: app.database?.masterUserSecretArn,
        ...(s.app.imageSource === "ecr"
            ? {
                  appRepositoryUrls: pulumi.all(app.repositoryUrls),
                  appCiPolicyArn: app.ciPolicyArn,
              }
            : {}),
        ...(s.app.bastion
            ? {
                  appBastionSessionCommand: app.bastionSessionCommand,
                  appDatabasePortForwardingCommand: app.databasePortForwardingCommand,
              }
            : {}),
    };
    return { outputs, app };
}
