/**
 * Typed grants: what a task role may do on data the app does not own (a bucket, a queue, a cache
 * user, a search domain), and extra policy statements, validated so that no grant hands out `*`.
 *
 * Written for Pulumi's schema inference: enums, named interfaces, no unions or callbacks, so the
 * same argument can be given from Python, Go, C# or YAML.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, PolicyStatement } from "@citadel/shared";

/** What a grant allows on its resource. */
export enum GrantAccess {
    /** Read objects / receive messages / query. */
    Read = "read",
    /** Write objects / send messages (no read back). */
    Write = "write",
    /** Both. */
    ReadWrite = "readWrite",
}

/** The effect of an extra policy statement. */
export enum StatementEffect {
    Allow = "Allow",
    Deny = "Deny",
}

/** One condition of an extra statement, as in `aws.iam.getPolicyDocument`: `{ test, variable, values }`. */
export interface GrantConditionArgs {
    /** The condition operator, e.g. `StringEquals`, `ArnLike`, `Bool`. */
    test: string;
    /** The condition key, e.g. `aws:SourceVpce`, `s3:prefix`. */
    variable: string;
    /** The values the key is compared with; any one matching satisfies the condition. */
    values: pulumi.Input<string>[];
}

/**
 * An extra statement for the task role, for services no typed grant covers. Refused: a wildcard in
 * any action (`s3:*`, `s3:Get*`, `*`), and a `*` (or an ARN that is all wildcard) resource on a
 * data-plane read (reads and decrypts of S3, DynamoDB, SQS, Secrets Manager, Parameter Store, KMS,
 * OpenSearch, ElastiCache, RDS, Kinesis, SNS); `*` stays possible for actions without resources
 * such as `xray:PutTraceSegments` or `cloudwatch:PutMetricData`.
 */
export interface GrantStatementArgs {
    /** Allow or deny the actions. @default "Allow" */
    effect?: StatementEffect;
    /** IAM actions, `service:Action`, no wildcards. */
    actions: string[];
    /** Resource ARNs. */
    resources: pulumi.Input<string>[];
    /** Conditions, all of which must hold. @default none */
    conditions?: GrantConditionArgs[];
}

/** `elasticache:Connect` as an ElastiCache user with IAM authentication. */
export interface CacheGrantArgs {
    /** ARN of the replication group (`arn:aws:elasticache:<region>:<account>:replicationgroup:<id>`). */
    replicationGroupArn: pulumi.Input<string>;
    /** ARN of the IAM-authenticated ElastiCache user (`...:user:<id>`). */
    userArn: pulumi.Input<string>;
}

/**
 * One grant to a task role. Exactly one of `bucket`, `queue`, `cache`, `searchDomain`, `statement`.
 * - `bucket` (a bucket *name*) with `access` and optionally `prefix`: object reads (`s3:GetObject`,
 *   `s3:GetObjectTagging`, listing under the prefix) and/or writes (`s3:PutObject`, `s3:AbortMultipartUpload`,
 *   and `s3:DeleteObject` with readWrite), on `<bucket>/<prefix>*` only. A pre-signed URL carries the
 *   permissions of its signer, so a write grant on `incoming/` is exactly what the app may sign uploads for.
 * - `queue` (a queue ARN) with `access`: receive/delete and/or send.
 * - `cache`: connect as an IAM-authenticated ElastiCache user.
 * - `searchDomain` (a domain ARN) with `access`: HTTP GET/HEAD and/or POST/PUT/DELETE on the domain's indexes.
 * - `statement`: one extra, validated statement.
 * With `kmsKeyArn` (default: the app's key) the role may also use the key for that service only
 * (`kms:ViaService`): decrypt to read, generate data keys to write.
 */
export interface GrantArgs {
    /**
     * A bucket *name*: object reads and/or writes (`access`) under `prefix`.
     * @default - none (exactly one of `bucket`, `queue`, `cache`, `searchDomain`, `statement` is given)
     */
    bucket?: pulumi.Input<string>;
    /** A queue ARN: receive/delete and/or send (`access`). @default - none */
    queue?: pulumi.Input<string>;
    /** Connect as an IAM-authenticated ElastiCache user. @default - none */
    cache?: CacheGrantArgs;
    /** A domain ARN: HTTP GET/HEAD and/or POST/PUT/DELETE on the domain's indexes (`access`). @default - none */
    searchDomain?: pulumi.Input<string>;
    /** One extra, validated statement. @default - none */
    statement?: GrantStatementArgs;
    /** Required with bucket, queue and searchDomain. @default - none (an error with bucket, queue and searchDomain) */
    access?: GrantAccess;
    /**
     * With `bucket`: the key prefix the grant is limited to, e.g. `incoming/` (letters, digits and
     * `!-_.*'()/`, ending in `/`, no wildcard). @default the whole bucket
     */
    prefix?: string;
    /** The key that encrypts the bucket or queue. @default the app's `kmsKeyArn` */
    kmsKeyArn?: pulumi.Input<string>;
}

/** A grant after validation, with its inputs resolved to strings. */
export interface ResolvedGrant {
    /** Which of the GrantArgs targets the grant has. */
    kind: "bucket" | "queue" | "cache" | "searchDomain" | "statement";
    /** Read, write or both; absent for `cache` and `statement`. */
    access?: GrantAccess;
    /** With `bucket`: the key prefix; absent for the whole bucket. */
    prefix?: string;
    /** The bucket name, queue ARN or domain ARN. */
    target?: string;
    /** With `cache`: the replication group's and the user's ARNs. */
    cache?: { replicationGroupArn: string; userArn: string };
    /** With `statement`: the statement, its inputs resolved. */
    statement?: {
        effect: StatementEffect;
        actions: string[];
        resources: string[];
        conditions: Array<{ test: string; variable: string; values: string[] }>;
    };
    /** The key the role may use for this grant's service only (`kms:ViaService`). */
    kmsKeyArn: string;
}

const KINDS = ["bucket", "queue", "cache", "searchDomain", "statement"] as const;
const ACCESS = Object.values(GrantAccess) as string[];
const ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;
const PREFIX = /^[A-Za-z0-9!_.'()\-/]+\/$/;

/** Services whose reads touch data; a `*` resource on their reads is refused. */
export const DATA_SERVICES = [
    "s3",
    "dynamodb",
    "sqs",
    "secretsmanager",
    "ssm",
    "kms",
    "es",
    "aoss",
    "elasticache",
    "rds",
    "rds-db",
    "rds-data",
    "kinesis",
    "sns",
    "glacier",
    "backup",
    "ecr",
    "logs",
    "athena",
    "redshift-data",
];
/** Action names that read data (or make it readable). */
const READ_ACTION =
    /^(Get|List|Describe|Receive|Query|Scan|Select|Decrypt|Search|BatchGet|ESHttp|Connect|Restore|Export|FilterLogEvents|StartQuery|ReEncrypt|GenerateDataKey)/;

/**
 * Is this resource pattern "every resource of its kind" (`*`, `arn:aws:s3:::*`, `arn:aws:s3:::*` + `/*`,
 * `arn:aws:dynamodb:*:*:table` + `/*`, `arn:aws:sqs:*:*:*`)? The name part decides: for S3 the bucket,
 * elsewhere the name after the resource type.
 */
export function isWildcardResource(resource: string): boolean {
    if (resource === "*") return true;
    const parts = resource.split(":");
    if (parts[0] !== "arn" || parts.length < 6) return false;
    const segments = parts.slice(5).join(":").split(/[/:]/);
    const name = parts[2] === "s3" || segments.length === 1 ? segments[0] : segments[1];
    return /^[*?]*$/.test(name) || /^[*?]/.test(name);
}

/** Validates grant shapes that are known before deployment (everything but Output values). */
export function validateGrants(key: string, grants: unknown): GrantArgs[] {
    if (grants === undefined) return [];
    if (!Array.isArray(grants)) throw new ConfigError(key, grants, "is not a list", "a list of grants");
    return grants.map((g, i) => {
        const k = `${key}[${i}]`;
        if (typeof g !== "object" || g === null)
            throw new ConfigError(k, g, "is not a grant", "{ bucket | queue | cache | searchDomain | statement, ... }");
        const r = g as Record<string, unknown>;
        const kinds = KINDS.filter((kind) => r[kind] !== undefined);
        if (kinds.length !== 1) {
            throw new ConfigError(
                k,
                Object.keys(r),
                "names " + (kinds.length === 0 ? "no" : "more than one") + " resource",
                "exactly one of bucket, queue, cache, searchDomain, statement",
            );
        }
        const kind = kinds[0];
        if (kind === "bucket" || kind === "queue" || kind === "searchDomain") {
            if (!ACCESS.includes(r.access as string)) {
                throw new ConfigError(
                    `${k}.access`,
                    r.access,
                    `is not an access level for a ${kind} grant`,
                    ACCESS.join(" | "),
                );
            }
        } else if (r.access !== undefined) {
            throw new ConfigError(`${k}.access`, r.access, `does not apply to a ${kind} grant`, "unset");
        }
        if (r.prefix !== undefined) {
            if (kind !== "bucket")
                throw new ConfigError(`${k}.prefix`, r.prefix, "applies only to bucket grants", "unset");
            if (typeof r.prefix !== "string" || !PREFIX.test(r.prefix) || r.prefix.startsWith("/")) {
                throw new ConfigError(
                    `${k}.prefix`,
                    r.prefix,
                    "is not a key prefix",
                    'letters, digits and !-_.\'()/ ending in "/", not starting with "/", no wildcard, e.g. "incoming/"',
                );
            }
        }
        if (typeof r.bucket === "string" && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(r.bucket)) {
            throw new ConfigError(
                `${k}.bucket`,
                r.bucket,
                "is not a bucket name",
                "the bucket's name (not its ARN), 3..63 lowercase characters",
            );
        }
        for (const f of ["queue", "searchDomain"] as const) {
            if (typeof r[f] === "string" && (!(r[f] as string).startsWith("arn:") || /[*?]/.test(r[f] as string))) {
                throw new ConfigError(`${k}.${f}`, r[f], "is not an ARN", "the ARN of one resource, no wildcard");
            }
        }
        if (kind === "cache") {
            const c = r.cache as Record<string, unknown>;
            for (const f of ["replicationGroupArn", "userArn"]) {
                if (c?.[f] === undefined) throw new ConfigError(`${k}.cache.${f}`, undefined, "is required", "an ARN");
            }
        }
        if (kind === "statement") validateStatement(`${k}.statement`, r.statement);
        return g as GrantArgs;
    });
}

function validateStatement(key: string, s: unknown): void {
    const st = s as GrantStatementArgs;
    if (typeof s !== "object" || s === null)
        throw new ConfigError(key, s, "is not a statement", "{ actions, resources, effect?, conditions? }");
    if (st.effect !== undefined && !Object.values(StatementEffect).includes(st.effect)) {
        throw new ConfigError(`${key}.effect`, st.effect, "is not an effect", "Allow | Deny");
    }
    if (!Array.isArray(st.actions) || st.actions.length === 0) {
        throw new ConfigError(`${key}.actions`, st.actions, "is empty", "one or more service:Action names");
    }
    for (const a of st.actions) {
        if (typeof a !== "string" || !ACTION.test(a)) {
            throw new ConfigError(
                `${key}.actions`,
                a,
                /[*?]/.test(String(a)) ? "is a wildcard action" : "is not an IAM action",
                'service:Action names without wildcards, e.g. "s3:GetObject"',
            );
        }
    }
    if (!Array.isArray(st.resources) || st.resources.length === 0) {
        throw new ConfigError(
            `${key}.resources`,
            st.resources,
            "is empty",
            'one or more resource ARNs, or "*" for actions without resources',
        );
    }
    const known = st.resources.filter((r): r is string => typeof r === "string");
    if ((st.effect ?? StatementEffect.Allow) === StatementEffect.Allow) {
        const reads = st.actions.filter(isDataRead);
        const wild = known.find(isWildcardResource);
        if (reads.length > 0 && wild !== undefined) {
            throw new ConfigError(
                `${key}.resources`,
                wild,
                `gives every resource to the data read ${reads[0]}`,
                "the ARNs of the resources the app reads",
            );
        }
    }
    for (const [i, c] of (st.conditions ?? []).entries()) {
        if (
            typeof c?.test !== "string" ||
            typeof c.variable !== "string" ||
            !Array.isArray(c.values) ||
            c.values.length === 0
        ) {
            throw new ConfigError(
                `${key}.conditions[${i}]`,
                c,
                "is not a condition",
                "{ test, variable, values: [..] }",
            );
        }
    }
}

/** Does this action read data of a data service? */
export function isDataRead(action: string): boolean {
    const [service, name] = action.split(":");
    return DATA_SERVICES.includes(service) && READ_ACTION.test(name ?? "");
}

const S3_READ = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"];
const S3_WRITE = ["s3:PutObject", "s3:AbortMultipartUpload"];
const SQS_READ = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
    "sqs:GetQueueUrl",
];
const SQS_WRITE = ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"];
const ES_READ = ["es:ESHttpGet", "es:ESHttpHead"];
const ES_WRITE = ["es:ESHttpPost", "es:ESHttpPut", "es:ESHttpDelete", "es:ESHttpPatch"];

const reads = (a?: GrantAccess) => a === GrantAccess.Read || a === GrantAccess.ReadWrite;
const writes = (a?: GrantAccess) => a === GrantAccess.Write || a === GrantAccess.ReadWrite;

export interface GrantContext {
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
}

/**
 * The task role statements of resolved grants. S3 and SQS grants also get the key for their
 * service only (`kms:ViaService`): `kms:Decrypt` to read, `kms:GenerateDataKey` (and Decrypt, which
 * multipart uploads need) to write.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html#require-sse-kms
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
 */
export function grantStatements(grants: ResolvedGrant[], ctx: GrantContext): PolicyStatement[] {
    const out: PolicyStatement[] = [];
    grants.forEach((g, i) => {
        const sid = `Grant${i}`;
        if (g.kind === "bucket") {
            const bucketArn = `arn:${ctx.partition}:s3:::${g.target}`;
            const objects = `${bucketArn}/${g.prefix ?? ""}*`;
            const actions = [
                ...(reads(g.access) ? S3_READ : []),
                ...(writes(g.access) ? S3_WRITE : []),
                ...(g.access === GrantAccess.ReadWrite ? ["s3:DeleteObject"] : []),
            ];
            out.push({ Sid: `${sid}Objects`, Effect: "Allow", Action: actions, Resource: objects });
            if (reads(g.access)) {
                out.push({
                    Sid: `${sid}List`,
                    Effect: "Allow",
                    Action: "s3:ListBucket",
                    Resource: bucketArn,
                    ...(g.prefix ? { Condition: { StringLike: { "s3:prefix": [`${g.prefix}*`] } } } : {}),
                });
            }
            out.push(keyStatement(`${sid}Key`, g, "s3", ctx));
        } else if (g.kind === "queue") {
            const actions = [
                ...new Set([...(reads(g.access) ? SQS_READ : []), ...(writes(g.access) ? SQS_WRITE : [])]),
            ];
            out.push({ Sid: sid, Effect: "Allow", Action: actions, Resource: g.target! });
            out.push(keyStatement(`${sid}Key`, g, "sqs", ctx));
        } else if (g.kind === "searchDomain") {
            out.push({
                Sid: sid,
                Effect: "Allow",
                Action: [...(reads(g.access) ? ES_READ : []), ...(writes(g.access) ? ES_WRITE : [])],
                Resource: [g.target!, `${g.target}/*`],
            });
        } else if (g.kind === "cache") {
            // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/auth-iam.html
            out.push({
                Sid: sid,
                Effect: "Allow",
                Action: "elasticache:Connect",
                Resource: [g.cache!.replicationGroupArn, g.cache!.userArn],
            });
        } else {
            const s = g.statement!;
            const condition: Record<string, Record<string, string[]>> = {};
            for (const c of s.conditions) (condition[c.test] ??= {})[c.variable] = c.values;
            out.push({
                Sid: sid,
                Effect: s.effect,
                Action: s.actions,
                Resource: s.resources,
                ...(s.conditions.length > 0 ? { Condition: condition } : {}),
            });
        }
    });
    return out;
}

function keyStatement(sid: string, g: ResolvedGrant, service: string, ctx: GrantContext): PolicyStatement {
    const actions = [
        ...(reads(g.access) ? ["kms:Decrypt"] : []),
        ...(writes(g.access) ? ["kms:Decrypt", "kms:GenerateDataKey"] : []),
    ];
    return {
        Sid: sid,
        Effect: "Allow",
        Action: [...new Set(actions)],
        Resource: g.kmsKeyArn,
        Condition: { StringEquals: { "kms:ViaService": `${service}.${ctx.region}.${ctx.dnsSuffix}` } },
    };
}

/** Resolves a validated grant's inputs. */
export function resolveGrant(g: GrantArgs, defaultKeyArn: pulumi.Input<string>): pulumi.Output<ResolvedGrant> {
    const kind = KINDS.find((k) => g[k] !== undefined)!;
    const s = g.statement;
    return pulumi
        .all([
            g.bucket ?? g.queue ?? g.searchDomain,
            g.kmsKeyArn ?? defaultKeyArn,
            g.cache ? pulumi.all([g.cache.replicationGroupArn, g.cache.userArn]) : undefined,
            s ? pulumi.all(s.resources) : undefined,
            s ? pulumi.all((s.conditions ?? []).map((c) => pulumi.all(c.values))) : undefined,
        ])
        .apply(([target, kmsKeyArn, cache, resources, conditionValues]) => {
            const r: ResolvedGrant = {
                kind,
                access: g.access,
                prefix: g.prefix,
                target: target as string | undefined,
                kmsKeyArn: kmsKeyArn as string,
            };
            if (cache) r.cache = { replicationGroupArn: cache[0], userArn: cache[1] };
            if (s) {
                r.statement = {
                    effect: s.effect ?? StatementEffect.Allow,
                    actions: s.actions,
                    resources: resources as string[],
                    conditions: (s.conditions ?? []).map((c, i) => ({
                        test: c.test,
                        variable: c.variable,
                        values: (conditionValues as string[][])[i],
                    })),
                };
                // Outputs resolved now: the same check as for known values.
                validateStatement("grants.statement", { ...s, resources: r.statement.resources });
            }
            return r;
        });
}
