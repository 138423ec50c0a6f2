import * as pulumi from "@pulumi/pulumi";
import { LoadBalancerArgs } from "@citadel/ecs-app";
import {
    requireInstanceArchitecture,
    requireListenerRuleQuotas,
    AlarmsArgs,
    argKeys,
    ConfigError,
    LogBucketRef,
    NetworkRef,
    requireInteger,
    requireLogRetention,
    requireThreshold,
    requireUnique,
    requireInstanceType,
    TagsInput,
    refuseRenamed,
} from "@citadel/shared";

/** Instance architectures Amazon Linux 2023 is published for. */
export const Architecture = {
    X86_64: "x86_64",
    Arm64: "arm64",
} as const;
export type Architecture = (typeof Architecture)[keyof typeof Architecture];
export const ARCHITECTURES: readonly Architecture[] = Object.values(Architecture);

/**
 * CodeDeploy allows at most 10 alarms per deployment group (each app's group gets its own two).
 * https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AlarmConfiguration.html
 */
export const MAX_DEPLOYMENT_ALARMS = 10;

/**
 * A listener rule takes at most 5 match evaluations in all (path patterns and host names together), so
 * one app's `paths` + `hosts` is at most 5 (the rule has no other condition); each condition takes at
 * most 3, and the rule at most 5 wildcards (`requireListenerRuleQuotas` of @citadel/shared).
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 */
export const MAX_RULE_VALUES = 5;

/** How requests reach an application through the load balancer's HTTPS listener. */
export interface AppRoutingArgs {
    /** Path patterns (`/api/*`), at most 128 characters each. @default [] */
    paths?: string[];
    /** Host names (`admin.example.com`, `*.example.com`). @default [] */
    hosts?: string[];
}

/** One Node.js (or any HTTP) application on every instance, behind its own Nginx server. */
export interface AppArgs {
    /**
     * Lowercase letters, digits and hyphens, 2..20 characters, starting with a letter. Names the
     * CodeDeploy application, the target group, the system user (`app-<name>`), the directory
     * (`/opt/citadel/apps/<name>`) and the Parameter Store namespace (`<parameterNamespace>/<name>/`).
     */
    name: string;
    /** The port the application listens on, on 127.0.0.1 only (1024..65535). */
    port: number;
    /**
     * The port Nginx listens on for this application; the load balancer's target group sends traffic
     * and health checks here (1024..65535, distinct from every `port`). @default 8080 + the app's index
     */
    proxyPort?: number;
    /** Which requests reach this application; at least one path or host, at most 3 of each and 5 in all, with at most 5 wildcards (`*`, `?`) together. */
    routing: AppRoutingArgs;
    /**
     * The application's health path (answered by the app through Nginx): the target group's health
     * check and the deployment's ValidateService hook both use it. @default "/health"
     */
    healthCheckPath?: string;
    /** Largest request body Nginx passes to the app (MiB, 1..1024). @default 10 */
    maxBodySizeMiB?: number;
    /** Seconds Nginx waits for the app's response, 1..3600. @default 60 */
    readTimeoutSeconds?: number;
    /** Command that starts the app from its deployed directory. @default "node server.js" */
    startCommand?: string;
}

/** What every instance is made of. */
export interface InstancesArgs {
    /** The instances' EC2 type. @default "t3.small" (x86_64) or "t4g.small" (arm64) */
    instanceType?: string;
    /** The instances' CPU architecture (and so the AMI's). @default "x86_64" */
    architecture?: Architecture;
    /** Instances the group keeps (2.. for availability; CodeDeploy's OneAtATime needs 2 to stay up). @default 2 */
    minSize?: number;
    /** Most instances the Auto Scaling group runs. @default max(4, minSize) */
    maxSize?: number;
    /** Root volume (GiB, 8..16384), gp3, encrypted with the key. @default 20 */
    volumeSizeGiB?: number;
    /**
     * The AMI. Pin one in production: a new AMI reaches only instances launched after the next
     * `pulumi up`. @default the latest Amazon Linux 2023 for `architecture`, read from its public SSM parameter
     */
    amiId?: pulumi.Input<string>;
    /**
     * The Node.js package Amazon Linux 2023 installs at boot (AL2023 ships several major versions
     * side by side). @default "nodejs20"
     */
    nodePackage?: string;
}

/** Thresholds of the per-application alarms that stop a deployment and roll it back. */
export interface Ec2AppAlarmsArgs extends AlarmsArgs {
    /**
     * The KMS key the topic is encrypted with, when it is not `kmsKeyArn` (an alert topic with a key
     * of its own): CodeDeploy's service role publishes deployment events with it.
     * @default `kmsKeyArn`
     */
    topicKmsKeyArn?: pulumi.Input<string>;
    /** 5xx responses from an application's targets per minute that count as failing. @default 5 */
    target5xxPerMinute?: number;
    /**
     * Root-volume `disk_used_percent` (percent, the fullest instance of the group, from the
     * CloudWatch agent) at which the group's disk alarm fires: maximum over 5 minutes, twice in a
     * row. Created only with a `topicArn`. 1..100.
     * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-collected-by-CloudWatch-agent.html
     * @default 80
     */
    diskUsedPercent?: number;
}

export interface Ec2AppArgs {
    /** Public subnets for the load balancer; private subnets (with NAT egress) for the instances. */
    network: NetworkRef;
    /**
     * Encrypts the instances' volumes, the revisions bucket, the app parameters and (assumed) the
     * alert topic. Its policy must admit the `autoscaling` service (the Auto Scaling service-linked role
     * launches instances with volumes encrypted by it).
     */
    kmsKeyArn: pulumi.Input<string>;
    /** Two or more applications, each on its own ports on every instance. */
    apps: AppArgs[];
    /** The Auto Scaling group's instances: type, architecture, count, volume, AMI. @default see InstancesArgs */
    instances?: InstancesArgs;
    /** The internet-facing ALB: the certificate, access logs, deletion protection. As EcsApp's. */
    loadBalancer: LoadBalancerArgs;
    /**
     * The stack's access-log bucket (a SecureBucket with purpose `accessLogs`, SSE-S3): receives the
     * S3 server access logs of the revisions bucket and of the load balancer's log bucket. S3 does not
     * deliver server access logs to a bucket whose default encryption is SSE-KMS.
     * https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
     */
    logBucket: LogBucketRef;
    /**
     * The app parameters' root in Parameter Store: each app's deploy hook reads every parameter under
     * `<parameterNamespace>/<app>/` into its `.env`, and the instances may read nothing else.
     * Starts with `/`, no trailing `/`. @default `/<project>/<stack>`
     */
    parameterNamespace?: string;
    /**
     * Principals (role ARNs in this or another account, or an OIDC-federated role) allowed to assume the
     * CI role that uploads revisions and creates deployments of these applications. @default none: the
     * role is created with a trust policy for this account's root, which admits no one until an IAM
     * policy grants `sts:AssumeRole` on it.
     */
    ciPrincipalArns?: pulumi.Input<string>[];
    /**
     * Where alarms and CodeDeploy deployment events go (the stack's alert topic). Without it the
     * alarms still exist (CodeDeploy rolls back on them) but notify no one.
     * @default - alarms without notifications
     */
    alarms?: Ec2AppAlarmsArgs;
    /**
     * The SSM patch group of the instances (their `Patch Group` tag), for the operations baseline's
     * PatchManagement. @default none
     */
    patchGroup?: string;
    /** Retention (days) of the load balancer's access logs and of the apps' log groups. @default 365 */
    logRetentionInDays?: number;
    /**
     * Protect the revisions bucket and the load balancer's log bucket from deletion, and turn the load
     * balancer's deletion protection on. @default the component's own `protect` resource option, else false
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

export interface ResolvedApp {
    /** The app's name: its directory, parameter namespace and CodeDeploy application. */
    name: string;
    /** The port the app listens on, on loopback. */
    port: number;
    /** The port Nginx listens on for this app (the target group's port). */
    proxyPort: number;
    /** Path patterns routed to the app. */
    paths: string[];
    /** Host names routed to the app. */
    hosts: string[];
    /** The load balancer's health check path. */
    healthCheckPath: string;
    /** The largest request body Nginx passes. */
    maxBodySizeMiB: number;
    /** How long Nginx waits for the app's response. */
    readTimeoutSeconds: number;
    /** The command that starts the app from its deployed directory. */
    startCommand: string;
    /** Listener rule priority: the order of `apps`. */
    priority: number;
}

export interface ResolvedEc2AppArgs {
    /** After defaults: the apps, in routing order. */
    apps: ResolvedApp[];
    /** After defaults: the instances' settings; `amiId` absent: the latest Amazon Linux 2023. */
    instances: Required<Omit<InstancesArgs, "amiId">> & { amiId?: pulumi.Input<string> };
    /** After defaults: deletion protection, desync mitigation mode, idle timeout (seconds). */
    loadBalancer: {
        deletionProtection: boolean;
        desyncMitigationMode: "defensive" | "strictest";
        idleTimeoutSeconds: number;
    };
    /** Not supported by Ec2App yet: always absent. */
    originProtection: undefined;
    /** After defaults: the Parameter Store path of the apps' settings. */
    parameterNamespace: string;
    /**
     * After defaults: 5xx responses per minute from an app's targets that raise its alarm (and roll its deployment
     * back).
     */
    target5xxPerMinute: number;
    /** After defaults: days the logs are kept. */
    logRetentionInDays: number;
    /** After defaults: stateful resources protected from deletion. */
    protect: boolean;
}

const NAME = /^[a-z][a-z0-9-]{1,19}$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+?*&]{0,127}$/;
const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const NAMESPACE = /^(\/[A-Za-z0-9_.-]+)+$/;
const HEALTH_PATH = /^\/[A-Za-z0-9_\-./]{0,1023}$/;
/** A start command is placed in a systemd unit's ExecStart: no line breaks, quotes or shell operators. */
const START_COMMAND = /^[A-Za-z0-9_./=:@+, -]{1,200}$/;
const NODE_PACKAGE = /^nodejs(\d{2})?$/;

/** Validates the args (one ConfigError naming the argument) and fills in the defaults. */
export function validateEc2AppArgs(
    name: string,
    args: Ec2AppArgs,
    project = "citadel",
    stack = "dev",
): ResolvedEc2AppArgs {
    const key = argKeys("Ec2App", name);
    refuseRenamed(key, args, { logRetentionDays: "logRetentionInDays", "alarms.topicKeyArn": "topicKmsKeyArn" });
    if (!Array.isArray(args.apps) || args.apps.length < 2) {
        throw new ConfigError(
            key("apps"),
            args.apps?.length ?? args.apps,
            "is fewer than two applications",
            "two or more (one instance tier serves them all, each on its own ports; use EcsApp for one)",
        );
    }
    const apps = args.apps.map((a, i) => resolveApp(key, a, i));
    requireUnique(
        key("apps[].name"),
        apps.map((a) => a.name),
        "distinct names",
    );
    const ports = apps.flatMap((a) => [a.port, a.proxyPort]).map(String);
    requireUnique(key("apps[].port/proxyPort"), ports, "every app port and proxy port distinct");
    const routes = apps.map((a) => JSON.stringify([[...a.paths].sort(), [...a.hosts].sort()]));
    requireUnique(key("apps[].routing"), routes, "each app on its own paths or hosts");

    const inst = args.instances ?? {};
    const architecture = inst.architecture ?? "x86_64";
    if (!(ARCHITECTURES as readonly string[]).includes(architecture)) {
        throw new ConfigError(
            key("instances.architecture"),
            architecture,
            "is not an Amazon Linux 2023 architecture",
            ARCHITECTURES.join(" | "),
        );
    }
    const instanceType = inst.instanceType ?? (architecture === "arm64" ? "t4g.small" : "t3.small");
    requireInstanceType(key("instances.instanceType"), instanceType, "t3.small, t4g.small");
    requireInstanceArchitecture(
        key("instances.instanceType"),
        instanceType,
        architecture,
        key("instances.architecture"),
    );
    const minSize = requireInteger(key("instances.minSize"), inst.minSize ?? 2, 1, 100);
    const maxSize = requireInteger(key("instances.maxSize"), inst.maxSize ?? Math.max(4, minSize), minSize, 100);
    const volumeSizeGiB = requireInteger(key("instances.volumeSizeGiB"), inst.volumeSizeGiB ?? 20, 8, 16384);
    const nodePackage = inst.nodePackage ?? "nodejs20";
    if (!NODE_PACKAGE.test(nodePackage)) {
        throw new ConfigError(
            key("instances.nodePackage"),
            nodePackage,
            "is not an Amazon Linux 2023 Node.js package",
            '"nodejs" or "nodejs<major>", e.g. "nodejs20", "nodejs22"',
        );
    }

    const parameterNamespace = args.parameterNamespace ?? `/${project}/${stack}`;
    if (!NAMESPACE.test(parameterNamespace)) {
        throw new ConfigError(
            key("parameterNamespace"),
            parameterNamespace,
            "is not a Parameter Store path",
            "a path of /-separated letters, digits, _ . -, starting with / and not ending with /, e.g. /drsignet/prod",
        );
    }
    const lbArgs = args.loadBalancer ?? ({} as LoadBalancerArgs);
    const idleTimeoutSeconds = requireInteger(
        key("loadBalancer.idleTimeoutSeconds"),
        lbArgs.idleTimeoutSeconds ?? 60,
        1,
        4000,
    );
    const target5xxPerMinute = requireInteger(
        key("alarms.target5xxPerMinute"),
        args.alarms?.target5xxPerMinute ?? 5,
        1,
        100000,
    );
    requireThreshold(key("alarms.diskUsedPercent"), args.alarms?.diskUsedPercent, 1, 100, "percent");
    const logRetentionInDays = args.logRetentionInDays ?? 365;
    requireLogRetention(key("logRetentionInDays"), logRetentionInDays);
    if (args.patchGroup !== undefined && !/^[A-Za-z0-9_.:/=+@-]{1,256}$/.test(args.patchGroup)) {
        throw new ConfigError(
            key("patchGroup"),
            args.patchGroup,
            "is not a tag value",
            "1..256 letters, digits and _ . : / = + - @",
        );
    }
    const protect = args.protect ?? false;
    return {
        apps,
        instances: { instanceType, architecture, minSize, maxSize, volumeSizeGiB, nodePackage, amiId: inst.amiId },
        loadBalancer: {
            deletionProtection: lbArgs.deletionProtection ?? protect,
            desyncMitigationMode: lbArgs.desyncMitigationMode ?? "defensive",
            idleTimeoutSeconds,
        },
        originProtection: undefined,
        parameterNamespace,
        target5xxPerMinute,
        logRetentionInDays,
        protect,
    };
}

function resolveApp(key: (f: string) => string, a: AppArgs, i: number): ResolvedApp {
    const k = (f: string) => key(`apps[${i}].${f}`);
    if (typeof a?.name !== "string" || !NAME.test(a.name)) {
        throw new ConfigError(
            k("name"),
            a?.name,
            "is not a valid app name",
            "2..20 lowercase letters, digits and hyphens, starting with a letter",
        );
    }
    const port = requirePort(k("port"), a.port);
    const proxyPort = requirePort(k("proxyPort"), a.proxyPort ?? 8080 + i);
    const paths = a.routing?.paths ?? [];
    const hosts = a.routing?.hosts ?? [];
    if (paths.length + hosts.length === 0) {
        throw new ConfigError(k("routing"), a.routing, "matches no request", "one or more paths or hosts");
    }
    for (const p of paths) {
        if (!PATH_PATTERN.test(p)) {
            throw new ConfigError(
                k("routing.paths"),
                p,
                "is not a listener rule path pattern",
                "a path starting with /, up to 128 characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + ? * &",
            );
        }
    }
    for (const h of hosts) {
        if (!HOST.test(h)) {
            throw new ConfigError(
                k("routing.hosts"),
                h,
                "is not a host name",
                'a lowercase DNS name, optionally "*." first',
            );
        }
    }
    requireListenerRuleQuotas(
        { rule: k("routing"), paths: k("routing.paths"), hosts: k("routing.hosts") },
        { paths, hosts },
    );
    const healthCheckPath = a.healthCheckPath ?? "/health";
    if (!HEALTH_PATH.test(healthCheckPath)) {
        throw new ConfigError(
            k("healthCheckPath"),
            healthCheckPath,
            "is not a health check path",
            "a path starting with /, of letters, digits and _ - . /",
        );
    }
    const startCommand = a.startCommand ?? "node server.js";
    if (!START_COMMAND.test(startCommand)) {
        throw new ConfigError(
            k("startCommand"),
            startCommand,
            "is not a plain command line",
            "letters, digits, spaces and _ . / = : @ + , - only (no quotes, line breaks or shell operators)",
        );
    }
    return {
        name: a.name,
        port,
        proxyPort,
        paths,
        hosts,
        healthCheckPath,
        startCommand,
        maxBodySizeMiB: requireInteger(k("maxBodySizeMiB"), a.maxBodySizeMiB ?? 10, 1, 1024),
        readTimeoutSeconds: requireInteger(k("readTimeoutSeconds"), a.readTimeoutSeconds ?? 60, 1, 3600),
        priority: 100 + i * 10,
    };
}

/** Apps run as unprivileged users, which cannot bind below 1024; Nginx's app ports follow suit. */
function requirePort(key: string, v: unknown): number {
    return requireInteger(key, v, 1024, 65535);
}
