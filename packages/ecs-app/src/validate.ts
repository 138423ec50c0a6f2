import * as pulumi from "@pulumi/pulumi";
import {
    requireListenerRuleQuotas,
    ARN_RULES,
    ConfigError,
    credentialReason,
    lateConfigError,
    requireArn,
    requireInteger,
    requireLogRetention,
    requireNonRootUser,
    requireOneOf,
    requireSafeText,
    requireThreshold,
    requireInstanceType,
    requireInstanceArchitecture,
    refuseRenamed,
    checkedInput,
} from "@citadel/shared";
import {
    CAPACITY_TYPES,
    CapacityType,
    ContainerArgs,
    CPU_ARCHITECTURES,
    CpuArchitecture,
    DESYNC_MITIGATION_MODES,
    ECS_APP_DEFAULTS,
    Ec2CapacityArgs,
    EcsAppArgs,
    EcsAppKeys,
    ImagesArgs,
    ResolvedImages,
    LoadBalancerArgs,
    OriginProtectionArgs,
    ResolvedContainer,
    ResolvedEcsAppArgs,
    ResolvedSecret,
    ResolvedService,
    ResolvedWorker,
    RoutingArgs,
    SECRET_LOOKING_NAME,
    ServiceArgs,
    TARGET_PROTOCOLS,
    WorkerArgs,
    APP_VERSION_ENV,
    DATABASE_APP_USER_ENV,
    DATABASE_AUTH_ENV,
    DATABASE_ENV,
    DATABASE_SECRET,
    producerQueueEnv,
    WORKER_QUEUE_ENV,
} from "./args";
import { validateGrants } from "./grants";
import { validateAccess } from "./access";

/* ------------------------------------------------------------------------------------------------ */
/* Fargate sizes                                                                                     */
/* ------------------------------------------------------------------------------------------------ */

function range(from: number, to: number, step: number): number[] {
    const out: number[] = [];
    for (let v = from; v <= to; v += step) out.push(v);
    return out;
}

/** Memory sizes (MiB) Fargate allows for each task CPU size (Linux, platform 1.4.0). */
export const FARGATE_SIZES: ReadonlyMap<number, readonly number[]> = new Map([
    [256, [512, 1024, 2048]],
    [512, range(1024, 4096, 1024)],
    [1024, range(2048, 8192, 1024)],
    [2048, range(4096, 16384, 1024)],
    [4096, range(8192, 30720, 1024)],
    [8192, range(16384, 61440, 4096)],
    [16384, range(32768, 122880, 8192)],
]);

function describeSizes(sizes: readonly number[]): string {
    return sizes.length <= 3
        ? sizes.join(", ")
        : `${sizes[0]}..${sizes[sizes.length - 1]} in steps of ${sizes[1] - sizes[0]}`;
}

/** Validates a task size: a Fargate pair on Fargate, sane bounds on EC2. */
export function requireTaskSize(
    cpuKey: string,
    cpu: unknown,
    memoryKey: string,
    memory: unknown,
    capacity: CapacityType,
): void {
    if (capacity === "ec2") {
        requireInteger(cpuKey, cpu, 128, 196608);
        requireInteger(memoryKey, memory, 128, 786432);
        return;
    }
    const sizes = FARGATE_SIZES.get(cpu as number);
    if (sizes === undefined) {
        throw new ConfigError(cpuKey, cpu, "is not a Fargate CPU size", [...FARGATE_SIZES.keys()].join(", "));
    }
    if (!sizes.includes(memory as number)) {
        throw new ConfigError(
            memoryKey,
            memory,
            `is not a valid Fargate memory size for ${cpu} CPU units`,
            `${describeSizes(sizes)} (MiB)`,
        );
    }
}

/* ------------------------------------------------------------------------------------------------ */
/* Field validators                                                                                  */
/* ------------------------------------------------------------------------------------------------ */

const MEMBER_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_NAME = /^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
const SECRETS_MANAGER_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@!-]+$/;
const SSM_PARAMETER_ARN = /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:\d{12}:parameter\/[A-Za-z0-9/_.-]+$/;
const PATH_PATTERN = /^\/[A-Za-z0-9_\-.$/~"'@:+&()!,;=*?]{0,127}$/;
const HOST_PATTERN = /^(\*\.)?([A-Za-z0-9*?]([A-Za-z0-9*?-]{0,61}[A-Za-z0-9*?])?\.)+[A-Za-z0-9*?-]{1,63}$/;
const HEADER_NAME = /^[A-Za-z0-9-]{1,40}$/;
const PARAMETER_NAMESPACE = /^(\/[A-Za-z0-9_.-]+){1,14}$/;
const REGISTRY = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d+)?(\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/;
/** A Docker image tag: https://docs.docker.com/reference/cli/docker/image/tag/ */
export const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
export const IMAGE_TAG_ALLOWED = "letters, digits, _ . -, not starting with . or -, up to 128 characters";

/** Late check (a tag read from Parameter Store or given as an Output): a Docker tag. Throws a ResourceError. */
export function requireImageTagResolved(
    resource: pulumi.Resource | undefined,
    key: string,
    tag: string | undefined,
): string {
    if (!IMAGE_TAG.test(tag ?? ""))
        throw lateConfigError(resource, key, tag, "is not a Docker image tag", IMAGE_TAG_ALLOWED);
    return tag!;
}

/** The CloudFront origin header's secret value: long enough not to be guessed, no characters a header cannot carry. */
export const ORIGIN_HEADER_VALUE = /^[A-Za-z0-9_-]{32,128}$/;

/** Is this a plain value (checkable now) rather than an Output resolved later? */
function isKnown(v: unknown): v is string {
    return typeof v === "string";
}

function requireList(key: string, value: unknown, allowed: string): unknown[] {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new ConfigError(key, value, "is not a list", allowed);
    return value;
}

function requireMatch(key: string, value: unknown, re: RegExp, problem: string, allowed: string): string {
    if (typeof value !== "string" || !re.test(value)) throw new ConfigError(key, value, problem, allowed);
    return value;
}

/** Validates an ACM certificate ARN when it is known now (an Output is checked by AWS). */
/**
 * The load balancer's certificate: an ACM certificate ARN, in `region` when given (ACM certificates
 * are regional; a load balancer uses one from its own region:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html).
 */
export function requireCertificateArn(key: string, value: unknown, region?: string): void {
    if (value === undefined || value === "") {
        throw new ConfigError(key, value, "is required", "the ARN of an ACM certificate in the load balancer's region");
    }
    if (isKnown(value)) requireArn(key, value, { ...ARN_RULES.certificate, region });
}

function resolveSecrets(secrets: unknown, keyOf: (field: string) => string): ResolvedSecret[] {
    if (secrets === undefined) return [];
    if (typeof secrets !== "object" || secrets === null || Array.isArray(secrets)) {
        throw new ConfigError(
            keyOf("secrets"),
            secrets,
            "is not a map of names to secret references",
            "{ NAME: { secretsManagerArn, jsonKey? } | { ssmParameterArn } }",
        );
    }
    return Object.entries(secrets as Record<string, unknown>).map(([name, ref]) => {
        const key = keyOf(`secrets.${name}`);
        requireMatch(
            keyOf("secrets"),
            name,
            ENV_NAME,
            "is not a valid environment variable name",
            "letters, digits and underscores, not starting with a digit",
        );
        const allowed = "a reference { secretsManagerArn, jsonKey? } or { ssmParameterArn }, never the value itself";
        if (typeof ref !== "object" || ref === null || Array.isArray(ref) || pulumi.Output.isInstance(ref)) {
            // Never echo what may be the secret itself.
            throw new ConfigError(key, "(hidden)", "is a plain value, not a reference to a secret", allowed);
        }
        const r = ref as Record<string, unknown>;
        const kinds = ["secretsManagerArn", "ssmParameterArn"].filter((k) => r[k] !== undefined);
        if (kinds.length !== 1) {
            throw new ConfigError(
                key,
                Object.keys(r),
                "names neither or both of secretsManagerArn and ssmParameterArn",
                allowed,
            );
        }
        if (r.secretsManagerArn !== undefined) {
            if (isKnown(r.secretsManagerArn)) {
                requireMatch(
                    `${key}.secretsManagerArn`,
                    r.secretsManagerArn,
                    SECRETS_MANAGER_ARN,
                    "is not a Secrets Manager secret ARN",
                    "arn:aws:secretsmanager:<region>:<account>:secret:<name>-<suffix>",
                );
            }
            if (r.jsonKey !== undefined) {
                requireMatch(
                    `${key}.jsonKey`,
                    r.jsonKey,
                    /^[^:\s]{1,128}$/,
                    "is not a JSON key",
                    "a key of the secret's JSON, without colons or spaces",
                );
            }
            return {
                name,
                kind: "secretsmanager" as const,
                arn: r.secretsManagerArn as pulumi.Input<string>,
                jsonKey: r.jsonKey as string | undefined,
            };
        }
        if (r.jsonKey !== undefined) {
            throw new ConfigError(`${key}.jsonKey`, r.jsonKey, "applies only to secretsManagerArn", "unset");
        }
        if (isKnown(r.ssmParameterArn)) {
            requireMatch(
                `${key}.ssmParameterArn`,
                r.ssmParameterArn,
                SSM_PARAMETER_ARN,
                "is not a Parameter Store parameter ARN",
                "arn:aws:ssm:<region>:<account>:parameter/<name>",
            );
        }
        return { name, kind: "ssm" as const, arn: r.ssmParameterArn as pulumi.Input<string> };
    });
}

function resolveEnvironment(env: unknown, keyOf: (field: string) => string): Record<string, pulumi.Input<string>> {
    if (env === undefined) return {};
    if (typeof env !== "object" || env === null || Array.isArray(env)) {
        throw new ConfigError(keyOf("environment"), env, "is not a map of names to values", "{ NAME: value }");
    }
    for (const [name, value] of Object.entries(env as Record<string, unknown>)) {
        requireMatch(
            keyOf("environment"),
            name,
            ENV_NAME,
            "is not a valid environment variable name",
            "letters, digits and underscores, not starting with a digit",
        );
        const reason = SECRET_LOOKING_NAME.test(name)
            ? "has a name that looks like a secret"
            : credentialReason(name, value);
        if (reason) {
            throw new ConfigError(
                keyOf(`environment.${name}`),
                "(hidden)",
                `${reason}, and environment values are stored in clear`,
                "the value in `secrets`, by reference to Secrets Manager or Parameter Store",
            );
        }
        if (typeof value === "string") requireSafeText(keyOf(`environment.${name}`), value);
        if (typeof value !== "string" && !pulumi.Output.isInstance(value) && !(value instanceof Promise)) {
            throw new ConfigError(keyOf(`environment.${name}`), value, "is not a string", "a string");
        }
    }
    return env as Record<string, pulumi.Input<string>>;
}

function resolveContainer(
    raw: ContainerArgs & { name: string },
    keyOf: (field: string) => string,
    capacity: CapacityType,
    hasDatabase: boolean,
    useDatabaseDefault: boolean,
): ResolvedContainer {
    const image = requireMatch(
        keyOf("image"),
        raw.image,
        IMAGE_NAME,
        "is not a repository name",
        'lowercase letters, digits, and . _ - / separators, e.g. "backend" or "acme/backend"',
    );
    const cpu = raw.cpu ?? ECS_APP_DEFAULTS.cpu;
    const memory = raw.memory ?? ECS_APP_DEFAULTS.memory;
    requireTaskSize(keyOf("cpu"), cpu, keyOf("memory"), memory, capacity);
    const command =
        raw.command === undefined
            ? undefined
            : requireList(keyOf("command"), raw.command, "a list of strings").map((c) => {
                  if (typeof c !== "string")
                      throw new ConfigError(keyOf("command"), raw.command, "is not a list of strings", "strings");
                  return requireSafeText(keyOf("command"), c);
              });
    // An empty command is not "no command": ECS would run the image's default (a web server for a worker).
    if (command !== undefined && (command.length === 0 || command[0].trim() === "")) {
        throw new ConfigError(
            keyOf("command"),
            raw.command,
            "is empty",
            'a non-empty list of strings, e.g. ["bin/worker"], or unset (the image\'s command)',
        );
    }
    if (raw.user !== undefined) requireNonRootUser(keyOf("user"), raw.user);
    const useDatabase = raw.useDatabase ?? (useDatabaseDefault && hasDatabase);
    if (useDatabase && !hasDatabase) {
        throw new ConfigError(keyOf("useDatabase"), true, "needs a database", "false, or set `database`");
    }
    const writablePaths = requireWritablePaths(
        keyOf("writablePaths"),
        raw.writablePaths ?? ECS_APP_DEFAULTS.writablePaths,
    );
    const environment = resolveEnvironment(raw.environment, keyOf);
    const secrets = resolveSecrets(raw.secrets, keyOf);
    for (const s of secrets) {
        if (s.name in environment) {
            throw new ConfigError(keyOf(`secrets.${s.name}`), s.name, "is also set in environment", "one or the other");
        }
    }
    const grants = validateGrants(keyOf("grants"), raw.grants);
    return {
        name: raw.name,
        image,
        cpu,
        memory,
        command,
        environment,
        secrets,
        user: raw.user,
        useDatabase,
        writablePaths,
        grants,
    };
}

/**
 * System directories a scratch volume would hide (the image's binaries, libraries, configuration):
 * mounting over them defeats the read-only root file system, or breaks the container.
 */
export const SYSTEM_PATHS = [
    "/",
    "/bin",
    "/boot",
    "/dev",
    "/etc",
    "/lib",
    "/lib32",
    "/lib64",
    "/proc",
    "/root",
    "/run",
    "/sbin",
    "/sys",
    "/usr",
    "/var",
] as const;

function requireWritablePaths(key: string, value: unknown): string[] {
    const allowed =
        'unique absolute paths of directories the app writes to, outside the system directories, e.g. ["/tmp", "/app/tmp"]';
    const paths = requireList(key, value, allowed).map((p) =>
        requireMatch(key, p, /^(\/[A-Za-z0-9_.-]+)+$/, "is not a normalised absolute path", allowed),
    );
    const seen = new Set<string>();
    for (const p of paths) {
        if (p.split("/").some((seg) => seg === "." || seg === ".."))
            throw new ConfigError(key, p, "is not a normalised absolute path", allowed);
        if (
            (SYSTEM_PATHS as readonly string[]).includes(p) ||
            p.startsWith("/proc/") ||
            p.startsWith("/sys/") ||
            p.startsWith("/dev/")
        ) {
            throw new ConfigError(key, p, "would hide a system directory of the image", allowed);
        }
        if (seen.has(p)) throw new ConfigError(key, paths, `repeats ${JSON.stringify(p)}`, allowed);
        seen.add(p);
    }
    return paths;
}

function resolveCounts(
    raw: { desiredCount?: number; minCount?: number; maxCount?: number },
    keyOf: (f: string) => string,
    desiredDefault: number,
): { desiredCount: number; minCount: number; maxCount: number } {
    const desiredCount = requireInteger(keyOf("desiredCount"), raw.desiredCount ?? desiredDefault, 0, 100);
    const minCount = requireInteger(keyOf("minCount"), raw.minCount ?? desiredCount, 0, 100);
    const maxCount = requireInteger(
        keyOf("maxCount"),
        raw.maxCount ?? Math.max(ECS_APP_DEFAULTS.maxCountFloor, desiredCount),
        1,
        100,
    );
    if (minCount > desiredCount) {
        throw new ConfigError(
            keyOf("minCount"),
            minCount,
            `is above desiredCount (${desiredCount})`,
            `0..${desiredCount}`,
        );
    }
    if (maxCount < desiredCount) {
        throw new ConfigError(
            keyOf("maxCount"),
            maxCount,
            `is below desiredCount (${desiredCount})`,
            `${desiredCount}..100`,
        );
    }
    return { desiredCount, minCount, maxCount };
}

function resolveRouting(
    raw: unknown,
    keyOf: (f: string) => string,
    protectedOrigin: boolean,
): { paths: string[]; hosts: string[] } {
    const r = (raw ?? {}) as RoutingArgs;
    const paths = requireList(keyOf("routing.paths"), r.paths, "a list of path patterns").map((p) =>
        requireMatch(
            keyOf("routing.paths"),
            p,
            PATH_PATTERN,
            "is not a path pattern",
            'a path starting with "/", up to 128 characters, * and ? as wildcards',
        ),
    );
    const hosts = requireList(keyOf("routing.hosts"), r.hosts, "a list of host names").map((h) =>
        requireMatch(
            keyOf("routing.hosts"),
            h,
            HOST_PATTERN,
            "is not a host name",
            'e.g. "app.example.com", "*.example.com"',
        ),
    );
    if (paths.length + hosts.length === 0) {
        throw new ConfigError(keyOf("routing"), raw, "matches no request", "at least one path or host");
    }
    // The origin header CloudFront adds is one more match evaluation (and its value has no wildcard).
    requireListenerRuleQuotas(
        { rule: keyOf("routing"), paths: keyOf("routing.paths"), hosts: keyOf("routing.hosts") },
        { paths, hosts, headerValues: protectedOrigin ? ["origin"] : [] },
        protectedOrigin ? ", the origin header takes one" : "",
    );
    return { paths, hosts };
}

/** Does the ALB pattern `pattern` (`*`, `?` wildcards) match the text `text`? */
export function globMatches(pattern: string, text: string, caseInsensitive = false): boolean {
    return globRegExp(pattern, caseInsensitive).test(text);
}

/**
 * Each pattern is compiled once: the reachability check compares every service with those before
 * it, and building a RegExp per comparison made a 200-service app spend its time in the compiler.
 */
const compiled = new Map<string, RegExp>();
function globRegExp(pattern: string, caseInsensitive: boolean): RegExp {
    const key = `${caseInsensitive ? "i" : "s"}${pattern}`;
    let re = compiled.get(key);
    if (!re) {
        const body = pattern
            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
            .replace(/\*/g, ".*")
            .replace(/\?/g, ".");
        re = new RegExp(`^${body}$`, caseInsensitive ? "i" : "");
        compiled.set(key, re);
    }
    return re;
}

/** Every request `later` matches is matched by `earlier` (an empty list matches everything). */
function covers(earlier: string[], later: string[], caseInsensitive: boolean): boolean {
    if (earlier.length === 0) return true;
    return later.length > 0 && later.every((l) => earlier.some((e) => globMatches(e, l, caseInsensitive)));
}

/**
 * Refuses a service that can never receive a request because a service listed before it already
 * matches all of its paths and hosts (the same path twice, or a catch-all listed first).
 */
export function requireReachableRoutes(services: ResolvedService[], keys: EcsAppKeys): void {
    // A later service can only be shadowed by an earlier one whose patterns match its own: exact
    // (wildcard-free) patterns are looked up by text; only earlier services with a wildcard, or
    // with no routes at all on one axis, need the pattern comparison. With distinct literal routes
    // this is linear in the number of services.
    const wild = (ps: string[]) => ps.length === 0 || ps.some((p) => /[*?]/.test(p));
    const byExact = new Map<string, ResolvedService[]>();
    const general: ResolvedService[] = [];
    const position = new Map(services.map((s, i) => [s, i]));
    for (let j = 0; j < services.length; j++) {
        const b = services[j];
        const earlier = new Set<ResolvedService>(general);
        for (const p of b.paths) for (const a of byExact.get(`p:${p}`) ?? []) earlier.add(a);
        for (const h of b.hosts) for (const a of byExact.get(`h:${h.toLowerCase()}`) ?? []) earlier.add(a);
        for (const a of [...earlier].sort((x, y) => position.get(x)! - position.get(y)!)) {
            if (covers(a.hosts, b.hosts, true) && covers(a.paths, b.paths, false)) {
                const field = b.paths.length > 0 ? "routing.paths" : "routing.hosts";
                throw new ConfigError(
                    keys.member("services", b.name, field),
                    b.paths.length > 0 ? b.paths : b.hosts,
                    `is already routed to service "${a.name}", listed before it`,
                    "a path or host no earlier service matches (list specific routes before catch-alls)",
                );
            }
        }
        // b may shadow later services: exactly through its literal patterns (on the axis with
        // literals only), or in general when both axes have wildcards or are empty.
        if (!wild(b.paths)) for (const p of b.paths) byExact.set(`p:${p}`, [...(byExact.get(`p:${p}`) ?? []), b]);
        else if (!wild(b.hosts))
            for (const h of b.hosts)
                byExact.set(`h:${h.toLowerCase()}`, [...(byExact.get(`h:${h.toLowerCase()}`) ?? []), b]);
        else general.push(b);
    }
}

function resolveService(
    raw: ServiceArgs,
    index: number,
    keys: EcsAppKeys,
    capacity: CapacityType,
    hasDatabase: boolean,
    protectedOrigin: boolean,
): ResolvedService {
    const keyOf = (f: string) => keys.member("services", raw.name, f);
    const container = resolveContainer(raw, keyOf, capacity, hasDatabase, false);
    const port = requireInteger(keyOf("port"), raw.port, 1, 65535);
    if (raw.user !== undefined && port < 1024) {
        throw new ConfigError(keyOf("port"), port, "needs root to listen on, and `user` is not root", "1024..65535");
    }
    const { paths, hosts } = resolveRouting(raw.routing, keyOf, protectedOrigin);
    const protocol = requireOneOf(keyOf("protocol"), raw.protocol ?? "HTTP", TARGET_PROTOCOLS);
    const healthCheckPath = requireMatch(
        keyOf("healthCheckPath"),
        raw.healthCheckPath ?? ECS_APP_DEFAULTS.healthCheckPath,
        /^\/[A-Za-z0-9_\-.~/%?=&]{0,1023}$/,
        "is not a path",
        'a path starting with "/"',
    );
    const healthCheckGracePeriodSeconds = requireInteger(
        keyOf("healthCheckGracePeriodSeconds"),
        raw.healthCheckGracePeriodSeconds ?? ECS_APP_DEFAULTS.healthCheckGracePeriodSeconds,
        0,
        2147483647,
    );
    const counts = resolveCounts(raw, keyOf, ECS_APP_DEFAULTS.serviceDesiredCount);
    const cpuTargetPercent = requireInteger(
        keyOf("cpuTargetPercent"),
        raw.cpuTargetPercent ?? ECS_APP_DEFAULTS.cpuTargetPercent,
        10,
        90,
    );
    const requestsPerTarget = requireInteger(
        keyOf("requestsPerTarget"),
        raw.requestsPerTarget ?? ECS_APP_DEFAULTS.requestsPerTarget,
        1,
        1_000_000,
    );
    return {
        ...container,
        port,
        paths,
        hosts,
        protocol,
        healthCheckPath,
        healthCheckGracePeriodSeconds,
        ...counts,
        cpuTargetPercent,
        requestsPerTarget,
        priority: (index + 1) * 10,
    };
}

function resolveWorker(
    raw: WorkerArgs,
    keys: EcsAppKeys,
    capacity: CapacityType,
    hasDatabase: boolean,
    serviceNames: string[],
    serviceImages: string[],
): ResolvedWorker {
    const keyOf = (f: string) => keys.member("workers", raw.name, f);
    const container = resolveContainer(raw, keyOf, capacity, hasDatabase, false);
    if (container.command === undefined && serviceImages.includes(container.image)) {
        throw new ConfigError(
            keyOf("command"),
            undefined,
            "is unset, and the worker runs a service's image (its default command is the service)",
            'the worker\'s command, e.g. ["bin/worker"]',
        );
    }
    const counts = resolveCounts(raw, keyOf, ECS_APP_DEFAULTS.workerDesiredCount);
    if (counts.maxCount < 1) throw new ConfigError(keyOf("maxCount"), counts.maxCount, "is out of range", "1..100");
    const producers = requireList(keyOf("producers"), raw.producers, "a list of service names").map((p) => {
        if (typeof p !== "string" || !serviceNames.includes(p)) {
            throw new ConfigError(keyOf("producers"), p, "is not one of the services", serviceNames.join(" | "));
        }
        return p;
    });
    return {
        ...container,
        ...counts,
        producers,
        backlogPerTask: requireInteger(
            keyOf("backlogPerTask"),
            raw.backlogPerTask ?? ECS_APP_DEFAULTS.backlogPerTask,
            1,
            1_000_000,
        ),
        visibilityTimeoutSeconds: requireInteger(
            keyOf("visibilityTimeoutSeconds"),
            raw.visibilityTimeoutSeconds ?? ECS_APP_DEFAULTS.visibilityTimeoutSeconds,
            0,
            43200,
        ),
        maxReceiveCount: requireInteger(
            keyOf("maxReceiveCount"),
            raw.maxReceiveCount ?? ECS_APP_DEFAULTS.maxReceiveCount,
            1,
            1000,
        ),
        messageRetentionSeconds: requireInteger(
            keyOf("messageRetentionSeconds"),
            raw.messageRetentionSeconds ?? ECS_APP_DEFAULTS.messageRetentionSeconds,
            60,
            1209600,
        ),
    };
}

/** Variables EcsApp injects into a container; user settings may not collide with them. */
function injectedNames(c: ResolvedContainer, a: { workers: ResolvedWorker[]; isWorker: boolean }): string[] {
    const names: string[] = [APP_VERSION_ENV];
    if (c.useDatabase) names.push(...DATABASE_ENV, DATABASE_SECRET, DATABASE_AUTH_ENV, DATABASE_APP_USER_ENV);
    if (a.isWorker) names.push(WORKER_QUEUE_ENV);
    for (const w of a.workers) if (w.producers.includes(c.name)) names.push(producerQueueEnv(w.name));
    return names;
}

function requireNoInjectedCollision(c: ResolvedContainer, injected: string[], keyOf: (f: string) => string): void {
    for (const n of injected) {
        if (n in c.environment) throw new ConfigError(keyOf(`environment.${n}`), n, "is set by EcsApp", "another name");
        if (c.secrets.some((s) => s.name === n))
            throw new ConfigError(keyOf(`secrets.${n}`), n, "is set by EcsApp", "another name");
    }
}

function resolveImages(raw: ImagesArgs | undefined, keys: EcsAppKeys): ResolvedImages {
    const images = raw ?? {};
    const source = requireOneOf(keys.arg("images.source"), images.source ?? "ecr", ["ecr", "registry"] as const);
    if (source === "registry") {
        requireMatch(
            keys.arg("images.registry"),
            images.registry,
            REGISTRY,
            "is not a registry path",
            'host[:port]/path without scheme, e.g. "registry.gitlab.com/acme/app"',
        );
        const arn = images.credentialsSecretArn;
        if (arn === undefined || arn === "") {
            throw new ConfigError(
                keys.arg("images.credentialsSecretArn"),
                arn,
                "is required for a private registry",
                'the ARN of a Secrets Manager secret {"username", "password"}',
            );
        }
        // A plain ARN is checked now; another resource's output when it resolves.
        return {
            source,
            registry: images.registry as string,
            credentialsSecretArn: checkedInput(keys.arg("images.credentialsSecretArn"), arn, (key, value) =>
                requireArn(key, value, ARN_RULES.secret),
            ),
        };
    }
    if (images.ciRoleNames === undefined) return { source };
    const roles = requireList(
        keys.arg("images.ciRoleNames"),
        images.ciRoleNames,
        "a list of IAM role names",
    ) as pulumi.Input<string>[];
    return {
        source,
        ciRoleNames: roles.map((r) =>
            checkedInput(keys.arg("images.ciRoleNames"), r, (key, value) =>
                requireMatch(key, value, /^[\w+=,.@-]{1,64}$/, "is not an IAM role name", "a role name, not an ARN"),
            ),
        ),
    };
}

function resolveOriginProtection(
    raw: OriginProtectionArgs | undefined,
    keys: EcsAppKeys,
): OriginProtectionArgs | undefined {
    if (raw === undefined) return undefined;
    requireMatch(
        keys.arg("originProtection.headerName"),
        raw.headerName,
        HEADER_NAME,
        "is not an HTTP header name",
        "1..40 letters, digits and hyphens",
    );
    if (isKnown(raw.headerValue) && !ORIGIN_HEADER_VALUE.test(raw.headerValue)) {
        throw new ConfigError(
            keys.arg("originProtection.headerValue"),
            "(hidden)",
            "is too short, too long or has other characters",
            "32..128 letters, digits, '-' or '_' (a shared secret: e.g. the value originProtection() generates)",
        );
    }
    if (raw.headerValue === undefined) {
        throw new ConfigError(keys.arg("originProtection.headerValue"), undefined, "is required", "a secret string");
    }
    const lists = requireList(
        keys.arg("originProtection.prefixListIds"),
        raw.prefixListIds,
        "a list of prefix list ids",
    );
    if (lists.length === 0) {
        throw new ConfigError(
            keys.arg("originProtection.prefixListIds"),
            raw.prefixListIds,
            "would admit no one on 443",
            "one or more managed prefix list ids (pl-...)",
        );
    }
    for (const id of lists) {
        if (isKnown(id))
            requireMatch(
                keys.arg("originProtection.prefixListIds"),
                id,
                /^pl-[0-9a-f]+$/,
                "is not a prefix list id",
                "pl-...",
            );
    }
    return raw;
}

function resolveEc2(
    raw: Ec2CapacityArgs | undefined,
    capacity: CapacityType,
    arch: CpuArchitecture,
    keys: EcsAppKeys,
): Required<Ec2CapacityArgs> {
    if (raw !== undefined && capacity !== "ec2") {
        throw new ConfigError(
            keys.arg("ec2"),
            raw,
            `applies only to capacity "ec2" (capacity is "${capacity}")`,
            "unset",
        );
    }
    const r = raw ?? {};
    const d = ECS_APP_DEFAULTS.ec2;
    const instanceType = requireInstanceType(
        keys.arg("ec2.instanceType"),
        r.instanceType ?? d.instanceType[arch],
        "t3.small, m6i.large",
    );
    requireInstanceArchitecture(
        keys.arg("ec2.instanceType"),
        instanceType,
        arch === "ARM64" ? "arm64" : "x86_64",
        keys.arg("cpuArchitecture"),
    );
    const minInstances = requireInteger(keys.arg("ec2.minInstances"), r.minInstances ?? d.minInstances, 0, 100);
    const maxInstances = requireInteger(
        keys.arg("ec2.maxInstances"),
        r.maxInstances ?? Math.max(d.maxInstances, minInstances),
        1,
        100,
    );
    if (maxInstances < minInstances) {
        throw new ConfigError(
            keys.arg("ec2.maxInstances"),
            maxInstances,
            `is below minInstances (${minInstances})`,
            `${minInstances}..100`,
        );
    }
    const volumeSizeGiB = requireInteger(keys.arg("ec2.volumeSizeGiB"), r.volumeSizeGiB ?? d.volumeSizeGiB, 30, 16384);
    return { instanceType, minInstances, maxInstances, volumeSizeGiB };
}

/**
 * Validates EcsApp args and fills in defaults. Nothing is registered before this returns, so a bad
 * argument costs nothing. `keys` names the offending argument (or config key) in the message.
 */
export function resolveEcsAppArgs(args: EcsAppArgs, keys: EcsAppKeys): ResolvedEcsAppArgs {
    refuseRenamed(keys.arg, args, {
        logRetentionDays: "logRetentionInDays",
        "database.logRetentionDays": "logRetentionInDays",
        "database.backupRetentionDays": "backupRetentionInDays",
    });
    if (!args.network) throw new ConfigError(keys.arg("network"), args.network, "is required", "a NetworkRef");
    if (args.kmsKeyArn === undefined || args.kmsKeyArn === "") {
        throw new ConfigError(
            keys.arg("kmsKeyArn"),
            args.kmsKeyArn,
            "is required",
            "the ARN of a customer-managed KMS key",
        );
    }
    const capacity = requireOneOf(keys.arg("capacity"), args.capacity ?? "fargate", CAPACITY_TYPES);
    const cpuArchitecture = requireOneOf(
        keys.arg("cpuArchitecture"),
        args.cpuArchitecture ?? "X86_64",
        CPU_ARCHITECTURES,
    );
    const ec2 = resolveEc2(args.ec2, capacity, cpuArchitecture, keys);
    const hasDatabase = args.database !== undefined;
    const originProtection = resolveOriginProtection(args.originProtection, keys);

    const rawServices = requireList(keys.arg("services"), args.services, "a list of services") as ServiceArgs[];
    if (rawServices.length === 0) {
        throw new ConfigError(
            keys.arg("services"),
            args.services,
            "is empty",
            "at least one service behind the load balancer",
        );
    }
    const rawWorkers = requireList(keys.arg("workers"), args.workers, "a list of workers") as WorkerArgs[];
    const names = [...rawServices, ...rawWorkers].map((m) => m?.name);
    names.forEach((n, i) => {
        const list = i < rawServices.length ? "services" : "workers";
        requireMatch(
            keys.arg(`${list}[${i < rawServices.length ? i : i - rawServices.length}].name`),
            n,
            MEMBER_NAME,
            "is not a valid name",
            "a lowercase letter, then up to 19 lowercase letters, digits or hyphens",
        );
        if (n === "migration")
            throw new ConfigError(keys.arg(`${list}.name`), n, "is reserved for the migration task", "another name");
        if (names.indexOf(n) !== i) {
            throw new ConfigError(
                keys.arg(`${list}.name`),
                n,
                "is used twice",
                "names unique among services and workers",
            );
        }
    });

    const services = rawServices.map((s, i) => resolveService(s, i, keys, capacity, hasDatabase, !!originProtection));
    requireReachableRoutes(services, keys);
    const workers = rawWorkers.map((w) =>
        resolveWorker(
            w,
            keys,
            capacity,
            hasDatabase,
            services.map((s) => s.name),
            services.map((s) => s.image),
        ),
    );
    for (const s of services)
        requireNoInjectedCollision(s, injectedNames(s, { workers, isWorker: false }), (f) =>
            keys.member("services", s.name, f),
        );
    for (const w of workers)
        requireNoInjectedCollision(w, injectedNames(w, { workers, isWorker: true }), (f) =>
            keys.member("workers", w.name, f),
        );

    let migration: ResolvedContainer | undefined;
    if (args.migration !== undefined) {
        const keyOf = (f: string) => keys.member("migration", "migration", f);
        const cmd = requireList(keyOf("command"), args.migration.command, "a non-empty list of strings");
        if (cmd.length === 0)
            throw new ConfigError(
                keyOf("command"),
                cmd,
                "is empty",
                'the migration command, e.g. ["bin/rails", "db:migrate"]',
            );
        migration = resolveContainer({ ...args.migration, name: "migration" }, keyOf, capacity, hasDatabase, true);
        requireNoInjectedCollision(migration, injectedNames(migration, { workers: [], isWorker: false }), keyOf);
    }

    const images = resolveImages(args.images, keys);
    if (args.imageTag !== undefined && (typeof args.imageTag === "string" || args.imageTag === null)) {
        requireMatch(keys.arg("imageTag"), args.imageTag, IMAGE_TAG, "is not a Docker image tag", IMAGE_TAG_ALLOWED);
    }
    const repositories = [...new Set([...services, ...workers, ...(migration ? [migration] : [])].map((c) => c.image))];

    const lb = args.loadBalancer ?? ({} as LoadBalancerArgs);
    requireCertificateArn(keys.arg("loadBalancer.certificateArn"), lb.certificateArn);
    if (lb.accessLogsBucketName === undefined && args.logBucket === undefined) {
        throw new ConfigError(
            keys.arg("logBucket"),
            undefined,
            "is required to log access to the load balancer's log bucket the app creates",
            "{ bucketName, arn } of a log bucket, or set loadBalancer.accessLogsBucketName",
        );
    }
    const protect = args.protect ?? false;
    const loadBalancer = {
        deletionProtection: lb.deletionProtection ?? protect,
        desyncMitigationMode: requireOneOf(
            keys.arg("loadBalancer.desyncMitigationMode"),
            lb.desyncMitigationMode ?? "defensive",
            DESYNC_MITIGATION_MODES,
        ),
        idleTimeoutSeconds: requireInteger(
            keys.arg("loadBalancer.idleTimeoutSeconds"),
            lb.idleTimeoutSeconds ?? ECS_APP_DEFAULTS.idleTimeoutSeconds,
            1,
            4000,
        ),
    };

    const parameterNamespace = requireMatch(
        keys.arg("parameterNamespace"),
        args.parameterNamespace ?? `/${pulumi.getProject()}/${pulumi.getStack()}`,
        PARAMETER_NAMESPACE,
        "is not a Parameter Store path",
        'a path such as "/citadel/prod", without a trailing slash',
    );

    let bastion: { instanceType: string; databaseAccess: boolean } | undefined;
    if (args.bastion !== undefined) {
        if (args.bastion.databaseAccess !== undefined && typeof args.bastion.databaseAccess !== "boolean") {
            throw new ConfigError(
                keys.arg("bastion.databaseAccess"),
                args.bastion.databaseAccess,
                "is not a boolean",
                "true | false",
            );
        }
        bastion = {
            instanceType: requireInstanceArchitecture(
                keys.arg("bastion.instanceType"),
                requireInstanceType(
                    keys.arg("bastion.instanceType"),
                    args.bastion.instanceType ?? ECS_APP_DEFAULTS.bastionInstanceType[cpuArchitecture],
                    "t3.micro",
                ),
                cpuArchitecture === "ARM64" ? "arm64" : "x86_64",
                keys.arg("cpuArchitecture"),
            ),
            databaseAccess: args.bastion.databaseAccess ?? true,
        };
    }
    if (args.alarms) {
        requireThreshold(
            keys.arg("alarms.loadBalancer5xx"),
            args.alarms.loadBalancer5xx,
            1,
            1e9,
            "responses in 5 minutes",
        );
        requireThreshold(keys.arg("alarms.target5xx"), args.alarms.target5xx, 1, 1e9, "responses in 5 minutes");
        requireThreshold(
            keys.arg("alarms.oldestMessageSeconds"),
            args.alarms.oldestMessageSeconds,
            60,
            1209600,
            "seconds",
        );
        requireThreshold(
            keys.arg("alarms.tasksBelowDesiredMinutes"),
            args.alarms.tasksBelowDesiredMinutes,
            1,
            1440,
            "minutes",
        );
    }
    validateAccess(keys.arg("access"), args.access);
    const logRetentionInDays = requireLogRetention(
        keys.arg("logRetentionInDays"),
        args.logRetentionInDays ?? ECS_APP_DEFAULTS.logRetentionInDays,
    );

    return {
        capacity,
        ec2,
        cpuArchitecture,
        services,
        workers,
        migration,
        images,
        repositories,
        loadBalancer,
        originProtection,
        parameterNamespace,
        database: args.database,
        bastion,
        logRetentionInDays,
        protect,
    };
}
