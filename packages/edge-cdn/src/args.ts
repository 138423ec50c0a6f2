import * as pulumi from "@pulumi/pulumi";
import { requireWebAclCapacity, wafRules } from "./rules";
import {
    argKeys,
    ARN_RULES,
    checkedInput,
    ConfigError,
    describeUnsafe,
    requireArn,
    KeyOf,
    LogBucketRef,
    requireInteger,
    requireLogRetention,
    requireNonEmptyString,
    requireOneOf,
    requireUnique,
    TagsInput,
} from "@citadel/shared";

export const PriceClass = {
    PriceClass100: "PriceClass_100",
    PriceClass200: "PriceClass_200",
    PriceClassAll: "PriceClass_All",
} as const;
export type PriceClass = (typeof PriceClass)[keyof typeof PriceClass];
export const PRICE_CLASSES: readonly PriceClass[] = Object.values(PriceClass);

export const RATE_LIMIT_WINDOWS = [60, 120, 300, 600] as const;
export type RateLimitWindow = (typeof RATE_LIMIT_WINDOWS)[number];

export const FrameOption = {
    DENY: "DENY",
    SAMEORIGIN: "SAMEORIGIN",
} as const;
export type FrameOption = (typeof FrameOption)[keyof typeof FrameOption];
export const FRAME_OPTIONS: readonly FrameOption[] = Object.values(FrameOption);

/** WAF's bounds on a rate-based rule's limit (requests per evaluation window). */
export const RATE_LIMIT_MIN = 10;
export const RATE_LIMIT_MAX = 2_000_000_000;

/** The header name CloudFront adds to origin requests unless told otherwise. */
export const DEFAULT_ORIGIN_HEADER_NAME = "X-Origin-Verify";

/** The header CloudFront adds to every request it sends the load balancer, proving it came through CloudFront. */
export interface OriginHeader {
    /** Header name, e.g. `X-Origin-Verify`. */
    name: string;
    /** The shared secret; keep it a Pulumi secret (see OriginSecret). */
    value: pulumi.Input<string>;
}

export interface LoadBalancerOriginArgs {
    /**
     * A DNS name that points at the load balancer and that the load balancer's certificate covers,
     * e.g. `origin.example.com`. CloudFront checks the origin's certificate against this name, so
     * the load balancer's own `*.elb.amazonaws.com` name does not work (no public certificate covers
     * it) and is refused. Creating the DNS record is the user's part. May be another resource's
     * output (e.g. a Route 53 record's `fqdn`): it is then checked when it resolves.
     */
    domainName: pulumi.Input<string>;
    /**
     * The secret header CloudFront adds to every origin request; the load balancer's listener
     * forwards only requests that carry it (EcsApp's `originProtection`). Take both from one
     * OriginSecret so they cannot drift apart.
     */
    header: OriginHeader;
    /** Seconds CloudFront waits for the origin's response, 1..60 (more needs a quota raise). @default 30 */
    readTimeoutSeconds?: number;
}

export interface AssetsArgs {
    /**
     * The path the assets are served under; objects are looked up with the full path as key, so
     * `/assets/app.3f9a.js` is read from `assets/app.3f9a.js`. @default "/assets/*"
     */
    pathPattern?: string;
    /**
     * How long CloudFront keeps an asset, in seconds, when the object says nothing (and at most).
     * Assets are fingerprinted, so a new version has a new name and a long lifetime is safe.
     * @default 31536000 (a year)
     */
    cacheTtlSeconds?: number;
    /** Delete the assets with the bucket on `pulumi destroy` (throwaway stacks only). @default false */
    forceDestroy?: boolean;
}

export interface EdgeWafArgs {
    /**
     * Requests one client IP may make per `rateLimitWindowSeconds` before WAF blocks it (with 429),
     * 10..2,000,000,000. @default 2000
     */
    rateLimit?: number;
    /** The rate limit's evaluation window in seconds: 60, 120, 300 or 600. @default 300 */
    rateLimitWindowSeconds?: number;
    /**
     * Rules of the AWS core rule set (`AWSManagedRulesCommonRuleSet`) to count instead of block,
     * e.g. `["SizeRestrictions_BODY"]` for an app that takes uploads over 8 KB through the
     * distribution. Counted rules still show in metrics and logs. @default []
     */
    countOnlyRules?: string[];
    /**
     * URI path prefixes that may carry request bodies over 8 KB, e.g. `["/api/uploads/"]`. The core
     * rule set's SizeRestrictions_BODY blocks every body over 8 KB; with upload paths it blocks them
     * everywhere else only (counted in the group, then a label-matching rule). Each is a literal
     * prefix (the WAF's STARTS_WITH): it starts with `/`, is not `/` or `/*` (the whole site), has no
     * wildcard, query, fragment, empty, `.` or `..` segment (nor one percent-encoded, nor an encoded `/`,
     * `\\` or control character), only RFC 3986 path characters, at most
     * 200 characters, and lies inside no other; at most 10. @default [] (large bodies blocked everywhere)
     * @throws ConfigError naming `waf.uploadPaths` otherwise.
     */
    uploadPaths?: string[];
}

export interface EdgeCdnArgs {
    /**
     * The load balancer to front (the default behaviour: every path not matched by the assets).
     * At least one of `origin` and `assets` is required.
     * @default - no load balancer origin (then `assets` is required)
     * @default - no load balancer origin (then `assets` is required)
     */
    origin?: LoadBalancerOriginArgs;
    /**
     * Creates an assets bucket (SecureBucket, SSE-KMS) reached only through Origin Access Control
     * and served under `assets.pathPattern` with long cache lifetimes. Without `origin`, the bucket
     * is also the default origin and `index.html` the default root object. @default no assets
     */
    assets?: AssetsArgs;
    /**
     * Alternate domain names (`portal.example.com`, `*.example.com`). Requires `certificateArn`.
     * @default [] (only the `*.cloudfront.net` name)
     */
    aliases?: string[];
    /**
     * ACM certificate for the aliases; must be in us-east-1 (CloudFront's rule). With it the
     * viewer minimum is `TLSv1.2_2021`; without it the distribution uses the default
     * `*.cloudfront.net` certificate, whose policy CloudFront fixes. Requires `aliases`. May be an
     * `aws.acm.Certificate`'s `arn` (created with a us-east-1 provider): a plain string is checked
     * before anything is registered, an Output when it resolves (a ResourceError naming
     * `certificateArn`).
     * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
     * @default - the `*.cloudfront.net` certificate (an error with `aliases`)
     * @default - the `*.cloudfront.net` certificate (an error with `aliases`)
     */
    certificateArn?: pulumi.Input<string>;
    /**
     * The log bucket: CloudFront access logs (standard logging v2, Parquet). Its KMS key must admit
     * the `logDelivery` service.
     */
    logBucket: LogBucketRef;
    /**
     * Name of the bucket receiving the assets bucket's S3 server access logs: a SecureBucket with
     * purpose `accessLogs` (S3 delivers them only to SSE-S3 buckets, so not `logBucket`).
     * Required with `assets`. https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
     * @default - none (an error with `assets`)
     * @default - none (an error with `assets`)
     */
    accessLogsBucketName?: pulumi.Input<string>;
    /** Key prefix of the access logs in the log bucket. @default "cloudfront/" */
    accessLogPrefix?: string;
    /** WAF settings; a web ACL is always attached. @default - every EdgeWafArgs default */
    waf?: EdgeWafArgs;
    /** Days the WAF logs are kept; a CloudWatch Logs retention period. @default 365 */
    logRetentionInDays?: number;
    /**
     * A KMS key in us-east-1 for the WAF log group (which must live there), admitting the `logs`
     * service. @default a key created for the purpose in us-east-1
     */
    usEast1KmsKeyArn?: pulumi.Input<string>;
    /** Edge locations used: `PriceClass_100` (North America, Europe), `_200`, `_All`. @default "PriceClass_100" */
    priceClass?: string;
    /** The `X-Frame-Options` value sent with every response. @default "DENY" */
    frameOptions?: string;
    /**
     * `Content-Security-Policy` added when the origin sends none (the app's own policy wins).
     * @default "frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
     */
    contentSecurityPolicy?: string;
    /** Protect the assets bucket and the us-east-1 key from deletion and replacement. @default false */
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

/** Args after validation and defaults: what the component builds from. */
export interface ResolvedEdgeCdnArgs {
    /**
     * After defaults: the load balancer origin: its domain name, the secret header, the read timeout (seconds); absent
     * without one.
     */
    origin?: { domainName: pulumi.Input<string>; header: OriginHeader; readTimeoutSeconds: number };
    /**
     * After defaults: the assets behaviour: path pattern, cache TTL (seconds), whether the bucket may be destroyed with
     * objects; absent without assets.
     */
    assets?: { pathPattern: string; cacheTtlSeconds: number; forceDestroy: boolean };
    /** After defaults: the alternate domain names. */
    aliases: string[];
    /** After defaults: the us-east-1 ACM certificate; absent: the `*.cloudfront.net` one. */
    certificateArn?: pulumi.Input<string>;
    /** After defaults: the edge locations used. */
    priceClass: PriceClass;
    /** After defaults: the key prefix of the access logs in the log bucket. */
    accessLogPrefix: string;
    /**
     * After defaults: the WAF settings: rate limit (requests per window), window (seconds), count-only rules, upload
     * paths.
     */
    waf: {
        rateLimit: number;
        rateLimitWindowSeconds: RateLimitWindow;
        countOnlyRules: string[];
        uploadPaths: string[];
    };
    /** After defaults: days the WAF logs are kept. */
    logRetentionInDays: number;
    /** After defaults: the `X-Frame-Options` value. */
    frameOptions: FrameOption;
    /** After defaults: the `Content-Security-Policy` value. */
    contentSecurityPolicy: string;
}

export const EDGE_DEFAULTS = {
    assetsPathPattern: "/assets/*",
    assetsCacheTtlSeconds: 31_536_000,
    originReadTimeoutSeconds: 30,
    priceClass: "PriceClass_100" as PriceClass,
    accessLogPrefix: "cloudfront/",
    rateLimit: 2000,
    rateLimitWindowSeconds: 300 as RateLimitWindow,
    logRetentionInDays: 365,
    frameOptions: "DENY" as FrameOption,
    contentSecurityPolicy: "frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
};

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
const HOSTNAME_RE = new RegExp(`^(?:${LABEL}\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`);
const ALIAS_RE = new RegExp(`^(?:\\*\\.)?(?:${LABEL}\\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`);
const HEADER_NAME_RE = /^[A-Za-z0-9][A-Za-z0-9-]{0,127}$/;
/** Headers CloudFront refuses as origin custom headers (CloudFront developer guide, "custom headers"). */
const RESERVED_HEADERS = [
    "cache-control",
    "connection",
    "content-length",
    "cookie",
    "host",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-range",
    "if-unmodified-since",
    "max-forwards",
    "pragma",
    "proxy-authorization",
    "proxy-connection",
    "range",
    "request-range",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "x-real-ip",
    "x-forwarded-for",
    "x-forwarded-proto",
];
const PATH_PATTERN_RE = /^\/[A-Za-z0-9_\-.*$/~"'@:+&]+$/;

/** A DNS name CloudFront can reach over HTTPS; refuses the load balancer's own name with the reason. */
export function requireOriginDomain(key: string, value: unknown): string {
    const allowed = "a DNS name covered by the load balancer's certificate that points at it, e.g. origin.example.com";
    if (typeof value !== "string" || !HOSTNAME_RE.test(value)) {
        throw new ConfigError(key, value, "is not a lowercase DNS name", allowed);
    }
    if (value.endsWith(".elb.amazonaws.com")) {
        throw new ConfigError(
            key,
            value,
            "is the load balancer's own name, which its certificate cannot cover (CloudFront would fail TLS to the origin)",
            allowed,
        );
    }
    return value;
}

export function requireUsEast1Certificate(key: string, value: unknown): string {
    const allowed = "an ACM certificate ARN in us-east-1: arn:aws:acm:us-east-1:<account>:certificate/<id>";
    const rule = {
        ...ARN_RULES.certificate,
        example: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
    };
    const arn = requireArn(key, value, { ...rule, id: undefined });
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
    if (arn.region !== "us-east-1") {
        throw new ConfigError(
            key,
            value,
            `is in ${arn.region}, but CloudFront takes certificates only from us-east-1`,
            allowed,
        );
    }
    // Then the partition (us-east-1 is in aws) and the certificate id's shape.
    requireArn(key, value, { ...rule, region: "us-east-1" });
    return value as string;
}

export function requireOriginHeaderName(key: string, value: unknown): string {
    const allowed =
        "a header name of letters, digits and hyphens, not reserved by HTTP or CloudFront, e.g. X-Origin-Verify";
    if (typeof value !== "string" || !HEADER_NAME_RE.test(value)) {
        throw new ConfigError(key, value, "is not a header name", allowed);
    }
    const lower = value.toLowerCase();
    if (RESERVED_HEADERS.includes(lower) || lower.startsWith("x-amz-") || lower.startsWith("x-edge-")) {
        throw new ConfigError(key, value, "is a header CloudFront does not let an origin custom header set", allowed);
    }
    return value;
}

function requireAliases(key: string, value: unknown): string[] {
    const allowed = 'a list of lowercase DNS names, e.g. ["portal.example.com"] (a leading *. is allowed)';
    if (!Array.isArray(value)) throw new ConfigError(key, value, "is not a list", allowed);
    for (const a of value) {
        if (typeof a !== "string" || !ALIAS_RE.test(a)) throw new ConfigError(key, a, "is not a DNS name", allowed);
    }
    requireUnique(key, value as string[], "each name at most once");
    return value as string[];
}

function requirePathPattern(key: string, value: unknown): string {
    const allowed = 'a path pattern below the root, e.g. "/assets/*"';
    if (typeof value !== "string" || !PATH_PATTERN_RE.test(value) || value === "/*") {
        throw new ConfigError(key, value, "is not a path pattern", allowed);
    }
    return value;
}

/**
 * Validates EdgeCdn args and fills in defaults. `keyOf` names the offending key in errors: the
 * component passes argument names, the stack program its config keys.
 */
export function resolveEdgeCdnArgs(args: EdgeCdnArgs, keyOf: KeyOf): ResolvedEdgeCdnArgs {
    // Without these the distribution would fail late (a bare TypeError reading logBucket.bucketName).
    if (!args.logBucket || args.logBucket.bucketName === undefined || args.logBucket.arn === undefined) {
        throw new ConfigError(
            keyOf("logBucket"),
            args.logBucket,
            "is required",
            "{ bucketName, arn } of the log bucket (CloudFront and WAF logs)",
        );
    }
    if (!args.origin && !args.assets) {
        throw new ConfigError(
            keyOf("origin"),
            undefined,
            "and assets are both unset, so the distribution has nothing to serve",
            "an origin (the load balancer), assets, or both",
        );
    }

    let origin: ResolvedEdgeCdnArgs["origin"];
    if (args.origin) {
        origin = {
            domainName: checkedInput(keyOf("origin.domainName"), args.origin.domainName, requireOriginDomain),
            header: {
                name: requireOriginHeaderName(keyOf("origin.header.name"), args.origin.header?.name),
                value: args.origin.header.value,
            },
            readTimeoutSeconds: requireInteger(
                keyOf("origin.readTimeoutSeconds"),
                args.origin.readTimeoutSeconds ?? EDGE_DEFAULTS.originReadTimeoutSeconds,
                1,
                60,
            ),
        };
    }

    let assets: ResolvedEdgeCdnArgs["assets"];
    if (args.assets && (args.accessLogsBucketName === undefined || args.accessLogsBucketName === "")) {
        throw new ConfigError(
            keyOf("accessLogsBucketName"),
            args.accessLogsBucketName,
            "is required with assets (the assets bucket's S3 server access logs go there)",
            "the name of a bucket with SSE-S3 default encryption (SecureBucket purpose accessLogs)",
        );
    }
    if (args.assets) {
        assets = {
            pathPattern: requirePathPattern(
                keyOf("assets.pathPattern"),
                args.assets.pathPattern ?? EDGE_DEFAULTS.assetsPathPattern,
            ),
            cacheTtlSeconds: requireInteger(
                keyOf("assets.cacheTtlSeconds"),
                args.assets.cacheTtlSeconds ?? EDGE_DEFAULTS.assetsCacheTtlSeconds,
                60,
                31_536_000,
            ),
            forceDestroy: args.assets.forceDestroy ?? false,
        };
    }

    const aliases = requireAliases(keyOf("aliases"), args.aliases ?? []);
    let certificateArn: pulumi.Input<string> | undefined;
    if (args.certificateArn !== undefined) {
        certificateArn = checkedInput(keyOf("certificateArn"), args.certificateArn, requireUsEast1Certificate);
        if (aliases.length === 0) {
            throw new ConfigError(
                keyOf("aliases"),
                aliases,
                "is empty although certificateArn is set (the certificate would serve no name)",
                'the names the certificate covers, e.g. ["portal.example.com"]',
            );
        }
    } else if (aliases.length > 0) {
        throw new ConfigError(
            keyOf("aliases"),
            aliases,
            "needs certificateArn (CloudFront serves an alias only with a certificate covering it)",
            "[] without certificateArn, or set certificateArn to a us-east-1 ACM certificate for these names",
        );
    }

    const w = args.waf ?? {};
    const countOnlyRules = w.countOnlyRules ?? [];
    if (!Array.isArray(countOnlyRules)) {
        throw new ConfigError(
            keyOf("waf.countOnlyRules"),
            countOnlyRules,
            "is not a list",
            "rule names of AWSManagedRulesCommonRuleSet",
        );
    }
    for (const r of countOnlyRules) {
        requireNonEmptyString(keyOf("waf.countOnlyRules"), r, "rule names of AWSManagedRulesCommonRuleSet");
    }
    requireUnique(keyOf("waf.countOnlyRules"), countOnlyRules, "each rule at most once");
    const uploadPaths = w.uploadPaths ?? [];
    // The WAF compares each as a STARTS_WITH prefix of the URI path (bodySizeOutsideUploadsRule), so
    // "/" would lift the 8 KB body limit from the whole site, and "*" is a literal character there.
    // https://docs.aws.amazon.com/waf/latest/APIReference/API_ByteMatchStatement.html (SearchString 1..200 bytes)
    const pathAllowed =
        'URI path prefixes such as "/uploads/": starting with "/", not "/" alone, no wildcards, query or fragment, ' +
        "up to 10, each at most 200 characters of RFC 3986 path characters";
    if (!Array.isArray(uploadPaths) || uploadPaths.length > 10) {
        throw new ConfigError(keyOf("waf.uploadPaths"), uploadPaths, "is not a list of up to 10 paths", pathAllowed);
    }
    for (const p of uploadPaths) {
        const bad = (problem: string) => new ConfigError(keyOf("waf.uploadPaths"), p, problem, pathAllowed);
        if (typeof p !== "string" || p === "") throw bad("is not a URI path prefix");
        if (!p.startsWith("/")) throw bad('does not start with "/"');
        if (/^\/+\**$/.test(p))
            throw bad("matches every path, which would lift the body size limit from the whole site");
        if (/[*]/.test(p))
            throw bad(
                'has a wildcard, but the WAF matches a literal prefix (write "/uploads/" for everything under it)',
            );
        if (/[?#]/.test(p)) throw bad("has a query or fragment, which the URI path never contains");
        if (/\/\/|(^|\/)\.\.?(\/|$)/.test(p)) throw bad('has an empty, "." or ".." segment');
        if (/%(?![0-9A-Fa-f]{2})/.test(p)) throw bad("has a % that does not start a percent-encoded byte");
        if (!/^[A-Za-z0-9\-._~!$&'()+,;=:@%/]+$/.test(p))
            throw bad("has characters a URI path does not (space, quotes, <, >, non-ASCII, ...)");
        if (p.length > 200) throw bad(`is ${p.length} characters long`);
        // The origin decodes once: "/api/uploads/%2e%2e/" is "/api/uploads/../" to it, so the
        // decoded path passes the same checks (separators, dot segments, invisible characters).
        if (/%(2f|5c)/i.test(p)) throw bad('encodes a path separator ("/" or "\\" as %2F or %5C)');
        let decoded: string;
        try {
            decoded = decodeURIComponent(p);
        } catch {
            throw bad("has percent-encoded bytes that are not UTF-8");
        }
        if (decoded.split("/").some((seg) => seg === "." || seg === ".."))
            throw bad('encodes a "." or ".." segment (%2E)');
        const unsafe = describeUnsafe(decoded);
        if (unsafe) throw bad(`encodes a control or format character (${unsafe} once decoded)`);
    }
    for (const p of uploadPaths) {
        const wider = uploadPaths.find((q) => q !== p && p.startsWith(q));
        if (wider) {
            throw new ConfigError(
                keyOf("waf.uploadPaths"),
                uploadPaths,
                `lists ${JSON.stringify(p)}, which ${JSON.stringify(wider)} already covers`,
                "each prefix once, none inside another",
            );
        }
    }
    requireUnique(keyOf("waf.uploadPaths"), uploadPaths, "each path at most once");
    const windowSeconds = w.rateLimitWindowSeconds ?? EDGE_DEFAULTS.rateLimitWindowSeconds;
    if (!(RATE_LIMIT_WINDOWS as readonly number[]).includes(windowSeconds)) {
        throw new ConfigError(
            keyOf("waf.rateLimitWindowSeconds"),
            windowSeconds,
            "is not a WAF evaluation window",
            RATE_LIMIT_WINDOWS.join(" | "),
        );
    }

    const waf = {
        rateLimit: requireInteger(
            keyOf("waf.rateLimit"),
            w.rateLimit ?? EDGE_DEFAULTS.rateLimit,
            RATE_LIMIT_MIN,
            RATE_LIMIT_MAX,
        ),
        rateLimitWindowSeconds: windowSeconds as RateLimitWindow,
        countOnlyRules,
        uploadPaths,
    };
    // The web ACL's capacity is known from the settings alone: refuse it here, not at CreateWebACL.
    requireWebAclCapacity(keyOf("waf"), wafRules("capacity", waf));

    return {
        origin,
        assets,
        aliases,
        certificateArn,
        priceClass: requireOneOf(keyOf("priceClass"), args.priceClass ?? EDGE_DEFAULTS.priceClass, PRICE_CLASSES),
        accessLogPrefix: requireAccessLogPrefix(
            keyOf("accessLogPrefix"),
            args.accessLogPrefix ?? EDGE_DEFAULTS.accessLogPrefix,
        ),
        waf,
        logRetentionInDays: requireLogRetention(
            keyOf("logRetentionInDays"),
            args.logRetentionInDays ?? EDGE_DEFAULTS.logRetentionInDays,
        ),
        frameOptions: requireOneOf(
            keyOf("frameOptions"),
            args.frameOptions ?? EDGE_DEFAULTS.frameOptions,
            FRAME_OPTIONS,
        ),
        contentSecurityPolicy: requireNonEmptyString(
            keyOf("contentSecurityPolicy"),
            args.contentSecurityPolicy ?? EDGE_DEFAULTS.contentSecurityPolicy,
            "a Content-Security-Policy header value",
        ),
    };
}

function requireAccessLogPrefix(key: string, value: unknown): string {
    if (typeof value !== "string" || !/^([A-Za-z0-9_.-]+\/)*$/.test(value)) {
        throw new ConfigError(
            key,
            value,
            "is not a key prefix",
            'empty, or path segments each ending in "/", e.g. "cloudfront/"',
        );
    }
    return value;
}

export function validateEdgeCdnArgs(name: string, args: EdgeCdnArgs): ResolvedEdgeCdnArgs {
    return resolveEdgeCdnArgs(args, argKeys("EdgeCdn", name));
}
