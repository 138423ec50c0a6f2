/**
 * Container definitions as plain data, rendered by pure functions from typed settings, so tests read
 * them without mocks and every container gets the same guards: read-only root file system, not
 * privileged, logs to its own encrypted log group, secrets by reference only.
 */
import { jsonText } from "@citadel/shared";

/** A secret as ECS takes it: the variable name and where ECS reads the value when the task starts. */
export interface ContainerSecret {
    /** The environment variable the value is injected as. */
    name: string;
    /** The ARN of the Secrets Manager secret (optionally `:<json-key>::`) or of the SSM parameter. */
    valueFrom: string;
}

/** Everything known about one container once every Output has resolved. */
export interface ContainerSettings {
    /** The container's name in the task definition. */
    name: string;
    /** Full image reference, `repository:tag`. */
    image: string;
    /** The command, overriding the image's `CMD`. @default - the image's own */
    command?: string[];
    /** The port the container listens on (services only). */
    port?: number;
    /** Plain environment variables: nothing secret (secrets go in `secrets`). */
    environment: Record<string, string>;
    /** Secrets ECS injects as environment variables when the task starts. */
    secrets: ContainerSecret[];
    /**
     * The user the container runs as (`uid`, `uid:gid`, `name`, `name:group`), never root. @default - the image's own
     */
    user?: string;
    /** Paths given a writable scratch volume (the root file system is read-only). */
    writablePaths: string[];
    /** The container's log group (`awslogs` driver). */
    logGroupName: string;
    /** The log group's region. */
    region: string;
    /** Secrets Manager secret with the private registry's credentials. */
    repositoryCredentialsArn?: string;
}

/** The `valueFrom` of a secret: a whole Secrets Manager secret, one JSON key of it, or a parameter. */
export function secretValueFrom(arn: string, jsonKey?: string): string {
    // <arn>:<json-key>:<version-stage>:<version-id>; empty stage and id mean AWSCURRENT.
    return jsonKey === undefined ? arn : `${arn}:${jsonKey}::`;
}

/** Volume names for the writable paths: `scratch-0`, `scratch-1`, ... */
export function scratchVolumes(writablePaths: string[]): Array<{ name: string; path: string }> {
    return writablePaths.map((path, i) => ({ name: `scratch-${i}`, path }));
}

/** One container definition (the ECS API's shape), with sorted variables so renders are stable. */
export function containerDefinition(c: ContainerSettings): Record<string, unknown> {
    const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);
    return {
        name: c.name,
        image: c.image,
        essential: true,
        ...(c.command ? { command: c.command } : {}),
        ...(c.port !== undefined ? { portMappings: [{ containerPort: c.port, protocol: "tcp", name: c.name }] } : {}),
        environment: Object.entries(c.environment)
            .map(([name, value]) => ({ name, value }))
            .sort(byName),
        secrets: [...c.secrets].sort(byName),
        ...(c.user !== undefined ? { user: c.user } : {}),
        readonlyRootFilesystem: true,
        privileged: false,
        // An init process reaps zombies and forwards SIGTERM, so rolling deploys stop tasks cleanly.
        linuxParameters: { initProcessEnabled: true },
        mountPoints: scratchVolumes(c.writablePaths).map((v) => ({
            sourceVolume: v.name,
            containerPath: v.path,
            readOnly: false,
        })),
        volumesFrom: [],
        logConfiguration: {
            logDriver: "awslogs",
            options: {
                "awslogs-group": c.logGroupName,
                "awslogs-region": c.region,
                "awslogs-stream-prefix": c.name,
                // A CloudWatch Logs hiccup must not stall the app; the buffer rides out short ones.
                mode: "non-blocking",
                "max-buffer-size": "25m",
            },
        },
        ...(c.repositoryCredentialsArn
            ? { repositoryCredentials: { credentialsParameter: c.repositoryCredentialsArn } }
            : {}),
        stopTimeout: 30,
    };
}

/** The task definition's `containerDefinitions` JSON: one app container per task. */
export function renderContainerDefinitions(c: ContainerSettings): string {
    return jsonText([containerDefinition(c)]);
}
