import { CREDENTIAL_SHORT_NAME, CREDENTIAL_URL } from "@citadel/shared";
import type * as ecs from "@pulumi/aws/ecs";
import { PolicyResource, propsOf, ResourceRule } from "../rule";
import { fails, isSet, isUnknown, list, parseJson } from "../values";
import { T } from "./types";

/** The fields of an ECS container definition the rules read (ECS's own JSON names). */
interface ContainerDefinition {
    name?: string;
    privileged?: boolean;
    readonlyRootFilesystem?: boolean;
    environment?: Array<{ name?: string; value?: string }>;
    logConfiguration?: { logDriver?: string };
    user?: string;
}

/** The containers of a task definition; undefined when they cannot be read (unknown or not JSON). */
function containersOf(r: PolicyResource): ContainerDefinition[] | undefined {
    const parsed = parseJson(propsOf<ecs.TaskDefinitionArgs>(r).containerDefinitions);
    return Array.isArray(parsed) ? (parsed as ContainerDefinition[]) : undefined;
}

/** A rule over each container of each task definition. */
function containerRule(
    spec: Omit<ResourceRule, "kind" | "check" | "resourceTypes" | "options">,
    problem: (c: ContainerDefinition) => string | undefined,
): ResourceRule {
    return {
        ...spec,
        kind: "resource",
        resourceTypes: [T.taskDefinition],
        options: {},
        check(r) {
            return (containersOf(r) ?? []).flatMap((c) => {
                const p = problem(c);
                return p ? [`task definition ${r.name}, container ${c.name ?? "(unnamed)"}: ${p}`] : [];
            });
        },
    };
}

export const noPrivilegedContainers = containerRule(
    {
        name: "ecs-no-privileged-containers",
        description: "ECS containers do not run privileged [ECS.4].",
        controls: ["ECS.4"],
        severity: "high",
        remediation:
            "Remove privileged: true from the container definition; grant single Linux capabilities if needed.",
        defaultLevel: "mandatory",
    },
    (c) => (c.privileged === true ? "runs privileged" : undefined),
);

export const readonlyRootFilesystem = containerRule(
    {
        name: "ecs-readonly-root-filesystem",
        description: "ECS containers mount their root file system read-only [ECS.5].",
        controls: ["ECS.5"],
        severity: "high",
        remediation:
            "Set readonlyRootFilesystem: true; give the container writable volumes (or tmpfs) where it writes.",
        defaultLevel: "mandatory",
    },
    (c) =>
        c.readonlyRootFilesystem === true
            ? undefined
            : "root file system is writable (readonlyRootFilesystem is not true)",
);

export const containerLogging = containerRule(
    {
        name: "ecs-container-logging",
        description: "ECS containers have a log configuration [ECS.9].",
        controls: ["ECS.9"],
        severity: "high",
        remediation:
            'Set logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": <a KMS-encrypted log ' +
            'group>, "awslogs-region": ..., "awslogs-stream-prefix": ... } }.',
        defaultLevel: "mandatory",
    },
    (c) => (isSet(c.logConfiguration?.logDriver) ? undefined : "has no logConfiguration.logDriver"),
);

/** Credentials ECS.8 names outright, whatever their suffix. */
const ALWAYS_SECRET = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "ECS_ENGINE_AUTH_DATA"];
const SECRET_FRAGMENTS = /PASSWORD|PASSWD|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|AUTH_?DATA/;
/** A last word that makes the variable a reference to a secret, not the secret (KMS_KEY_ID, DB_SECRET_ARN). */
const REFERENCE_SUFFIXES = ["ARN", "ID", "FILE", "PATH", "NAME", "URL", "URI", "REF"];

/** Whether an environment variable's name suggests it holds a secret. */
export function looksSecret(name: string): boolean {
    const upper = name.toUpperCase();
    if (ALWAYS_SECRET.includes(upper)) return true;
    const words = upper.split(/[^A-Z0-9]+/).filter(Boolean);
    if (REFERENCE_SUFFIXES.includes(words[words.length - 1] ?? "")) return false;
    return (
        SECRET_FRAGMENTS.test(upper) ||
        words.includes("KEY") ||
        words.includes("KEYS") ||
        // The short forms the components refuse too (DB_PASS, PGPASS, API_AUTH, JWT_SIGNING): one list for both.
        CREDENTIAL_SHORT_NAME.test(upper)
    );
}

export interface EnvironmentSecretsOptions {
    /** Environment variable names that look secret but are not (exact names). @default [] */
    allowedNames: string[];
}

export const noSecretsInEnvironment: ResourceRule<EnvironmentSecretsOptions> = {
    kind: "resource",
    name: "ecs-no-secrets-in-environment",
    description:
        "ECS containers get no secret-looking values (names with PASSWORD, SECRET, TOKEN, KEY, ...) " +
        "through plain environment variables [ECS.8].",
    controls: ["ECS.8"],
    severity: "high",
    remediation:
        "Move the value to Secrets Manager or SSM Parameter Store and pass it in the container's " +
        "secrets: [{ name, valueFrom: <ARN> }]; list a name that only looks secret in allowedNames.",
    defaultLevel: "mandatory",
    resourceTypes: [T.taskDefinition],
    options: {
        allowedNames: {
            type: "array",
            items: { type: "string" },
            description: "Environment variable names that look secret but are not (exact names).",
            default: [],
        },
    },
    check(r, { allowedNames }) {
        return (containersOf(r) ?? []).flatMap((c) =>
            list(c.environment)
                .filter(
                    (e) =>
                        typeof e.name === "string" &&
                        !allowedNames.includes(e.name) &&
                        (looksSecret(e.name) || (typeof e.value === "string" && CREDENTIAL_URL.test(e.value))),
                )
                .map(
                    (e) =>
                        `task definition ${r.name}, container ${c.name ?? "(unnamed)"}: environment variable ` +
                        `${e.name} ${looksSecret(e.name!) ? "looks like a secret" : "holds a URL with a password"}; pass it in secrets (valueFrom), not environment`,
                ),
        );
    },
};

export const noHostNetwork: ResourceRule = {
    kind: "resource",
    name: "ecs-no-host-network",
    description: "ECS task definitions do not use the host network mode [ECS.17].",
    controls: ["ECS.17"],
    severity: "high",
    remediation: 'Set networkMode: "awsvpc" (each task its own interface and security group).',
    defaultLevel: "mandatory",
    resourceTypes: [T.taskDefinition],
    options: {},
    check(r) {
        return propsOf<ecs.TaskDefinitionArgs>(r).networkMode === "host"
            ? [`task definition ${r.name} uses networkMode "host"`]
            : [];
    },
};

export const serviceNoPublicIp: ResourceRule = {
    kind: "resource",
    name: "ecs-service-no-public-ip",
    description: "ECS services do not assign public IP addresses to their tasks [ECS.2].",
    controls: ["ECS.2"],
    severity: "high",
    remediation: "Set networkConfiguration.assignPublicIp: false and run tasks in private subnets.",
    defaultLevel: "mandatory",
    resourceTypes: [T.ecsService],
    options: {},
    check(r) {
        const net = propsOf<ecs.ServiceArgs>(r).networkConfiguration;
        return !isUnknown(net) && net?.assignPublicIp === true
            ? [`ECS service ${r.name} sets assignPublicIp: true`]
            : [];
    },
};

export const containerInsights: ResourceRule = {
    kind: "resource",
    name: "ecs-container-insights",
    description: "ECS clusters have Container Insights on [ECS.12].",
    controls: ["ECS.12"],
    severity: "medium",
    remediation: 'Add settings: [{ name: "containerInsights", value: "enhanced" }] (or "enabled").',
    defaultLevel: "mandatory",
    resourceTypes: [T.ecsCluster],
    options: {},
    check(r) {
        const settings = propsOf<ecs.ClusterArgs>(r).settings;
        return fails(settings, (s) =>
            list(s).some((x) => x.name === "containerInsights" && (x.value === "enabled" || x.value === "enhanced")),
        )
            ? [`ECS cluster ${r.name} does not enable containerInsights`]
            : [];
    },
};

/**
 * The user part of an ECS container `user` ("name", "uid", "name:group", "uid:gid", ...) is root:
 * the name root or a uid that is 0 in any spelling ("0", "00").
 */
export function isRootUser(user: string): boolean {
    const who = user.split(":")[0].trim();
    return who.toLowerCase() === "root" || /^0+$/.test(who);
}

/**
 * ECS.20: Linux containers name a user that is not root; without one they run as the image's user,
 * root unless the image says otherwise. Windows containers (ECS.21) ignore `user`.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20
 * https://docs.aws.amazon.com/config/latest/developerguide/ecs-task-definition-linux-user-non-root.html
 */
export const nonRootUser: ResourceRule = {
    kind: "resource",
    name: "ecs-non-root-user",
    description: "ECS task definitions run their Linux containers as a user that is not root [ECS.20].",
    controls: ["ECS.20"],
    severity: "medium",
    remediation:
        "Set the container's user to a non-root uid (EcsApp: the service's user, e.g. \"1000:1000\"; it must then listen on 1024 or above).",
    defaultLevel: "mandatory",
    resourceTypes: [T.taskDefinition],
    options: {},
    check(r) {
        const platform = propsOf<ecs.TaskDefinitionArgs>(r).runtimePlatform;
        if (isUnknown(platform)) return [];
        const family = platform?.operatingSystemFamily;
        if (typeof family === "string" && family !== "LINUX") return [];
        return (containersOf(r) ?? []).flatMap((c) => {
            const where = `task definition ${r.name}, container ${c.name ?? "(unnamed)"}`;
            if (isUnknown(c.user)) return [];
            if (typeof c.user !== "string" || c.user.trim() === "")
                return [`${where} names no user, so it runs as the image's (root by default)`];
            return isRootUser(c.user) ? [`${where} runs as root (user ${JSON.stringify(c.user)})`] : [];
        });
    },
};

/**
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-19
 * https://docs.aws.amazon.com/config/latest/developerguide/ecs-capacity-provider-termination-check.html
 */
export const capacityProviderTerminationProtection: ResourceRule = {
    kind: "resource",
    name: "ecs-capacity-provider-termination-protection",
    description:
        "ECS capacity providers backed by Auto Scaling groups have managed termination protection on [ECS.19].",
    controls: ["ECS.19"],
    severity: "medium",
    remediation:
        'Set autoScalingGroupProvider.managedTerminationProtection: "ENABLED" (with managed scaling, and the group\'s ' +
        "protectFromScaleIn: true) so scale-in does not terminate instances that run tasks.",
    defaultLevel: "mandatory",
    resourceTypes: [T.capacityProvider],
    options: {},
    check(r) {
        const provider = propsOf<ecs.CapacityProviderArgs>(r).autoScalingGroupProvider;
        if (!provider || isUnknown(provider)) return [];
        return fails(provider.managedTerminationProtection, (v) => v === "ENABLED")
            ? [`capacity provider ${r.name} leaves managed termination protection off`]
            : [];
    },
};
