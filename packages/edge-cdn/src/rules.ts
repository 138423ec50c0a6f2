/**
 * EdgeCdn's pure pieces: WAF rules, bucket and log policies, response headers. Plain data built
 * from plain values, so tests read them without the mock runtime.
 */
import type * as pulumiInputs from "@pulumi/aws/types/input";
import { ConfigError, PolicyStatement } from "@citadel/shared";
import { FrameOption, RateLimitWindow } from "./args";

type WebAclRule = pulumiInputs.wafv2.WebAclRule;

/** AWS-managed CloudFront policies, by their documented, global ids (no lookup needed). */
export const MANAGED_POLICY = {
    /** Cache policy: nothing cached, for dynamic responses (which may carry patient data). */
    cachingDisabled: "4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
    /** Cache policy: respects the origin's Cache-Control, 1 day by default; for a bucket's pages. */
    cachingOptimized: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    /**
     * Origin request policy: every viewer header, cookie and query string except `Host`, so
     * CloudFront asks the origin for its own name (the one its certificate covers).
     */
    allViewerExceptHostHeader: "b689b0a8-53d0-40ab-baf2-68738e2966ac",
} as const;

/** The AWS managed rule groups every web ACL gets, in evaluation order after the rate limit. */
export const MANAGED_RULE_GROUPS = [
    "AWSManagedRulesAmazonIpReputationList",
    "AWSManagedRulesCommonRuleSet",
    "AWSManagedRulesKnownBadInputsRuleSet",
    "AWSManagedRulesSQLiRuleSet",
] as const;

export const RATE_LIMIT_RULE = "RateLimitPerIp";

/** CloudWatch metric names allow letters, digits, `-` and `_` only. */
export function metricName(...parts: string[]): string {
    return parts
        .join("-")
        .replace(/[^A-Za-z0-9_-]/g, "-")
        .slice(0, 128);
}

/** CloudWatch metrics and sampled requests on, for a rule or the web ACL. */
export function wafVisibility(metric: string) {
    return { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: metric };
}

export interface WafRuleSettings {
    /** Requests one client IP may make per window before the WAF answers 429. */
    rateLimit: number;
    /** The rate-based rule's evaluation window: 60, 120, 300 or 600. */
    rateLimitWindowSeconds: RateLimitWindow;
    /** Core rule set rules to count instead of block. */
    countOnlyRules: string[];
    /**
     * URI path prefixes that may carry request bodies over 8 KB (uploads). Empty: the core rule
     * set's SizeRestrictions_BODY blocks large bodies everywhere.
     */
    uploadPaths?: string[];
}

/** The core rule set's 8 KB body rule, and the label it adds to a request it matches (even when counted). */
export const BODY_SIZE_RULE = "SizeRestrictions_BODY";
export const BODY_SIZE_LABEL = "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body";
export const BODY_SIZE_OUTSIDE_UPLOADS_RULE = "BodySizeOutsideUploadPaths";

/**
 * Large bodies allowed only under the upload paths: the core rule set counts SizeRestrictions_BODY
 * (which still labels the request), and this rule, evaluated after it, blocks a labelled request
 * whose path is not an upload path.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-match-examples.html
 */
export function bodySizeOutsideUploadsRule(metricPrefix: string, uploadPaths: string[], priority: number): WebAclRule {
    const onPath = uploadPaths.map((p) => ({
        byteMatchStatement: {
            fieldToMatch: { uriPath: {} },
            positionalConstraint: "STARTS_WITH",
            searchString: p,
            textTransformations: [{ priority: 0, type: "NONE" }],
        },
    }));
    return {
        name: BODY_SIZE_OUTSIDE_UPLOADS_RULE,
        priority,
        action: { block: {} },
        statement: {
            andStatement: {
                statements: [
                    { labelMatchStatement: { scope: "LABEL", key: BODY_SIZE_LABEL } },
                    {
                        notStatement: {
                            statement: onPath.length === 1 ? onPath[0] : { orStatement: { statements: onPath } },
                        },
                    },
                ],
            },
        },
        visibilityConfig: wafVisibility(metricName(metricPrefix, BODY_SIZE_OUTSIDE_UPLOADS_RULE)),
    };
}

/**
 * The web ACL's rules: a per-IP rate limit first (cheapest, and a flood should not reach the
 * costlier inspections), then IP reputation, then the request-inspecting managed groups. Every
 * rule publishes CloudWatch metrics and sampled requests.
 */
export function wafRules(metricPrefix: string, s: WafRuleSettings): WebAclRule[] {
    const rate: WebAclRule = {
        name: RATE_LIMIT_RULE,
        priority: 0,
        // 429 tells a well-behaved client to back off; WAF's default block is a bare 403.
        action: { block: { customResponse: { responseCode: 429 } } },
        statement: {
            rateBasedStatement: {
                limit: s.rateLimit,
                evaluationWindowSec: s.rateLimitWindowSeconds,
                aggregateKeyType: "IP",
            },
        },
        visibilityConfig: wafVisibility(metricName(metricPrefix, RATE_LIMIT_RULE)),
    };
    const uploadPaths = s.uploadPaths ?? [];
    const counted = [...new Set([...s.countOnlyRules, ...(uploadPaths.length > 0 ? [BODY_SIZE_RULE] : [])])];
    const managed = MANAGED_RULE_GROUPS.map((group, i): WebAclRule => ({
        name: group,
        priority: i + 1,
        overrideAction: { none: {} },
        statement: {
            managedRuleGroupStatement: {
                vendorName: "AWS",
                name: group,
                ruleActionOverrides:
                    group === "AWSManagedRulesCommonRuleSet" && counted.length > 0
                        ? counted.map((rule) => ({ name: rule, actionToUse: { count: {} } }))
                        : undefined,
            },
        },
        visibilityConfig: wafVisibility(metricName(metricPrefix, group)),
    }));
    const scoped =
        uploadPaths.length > 0 && !s.countOnlyRules.includes(BODY_SIZE_RULE)
            ? [bodySizeOutsideUploadsRule(metricPrefix, uploadPaths, MANAGED_RULE_GROUPS.length + 1)]
            : [];
    return [rate, ...managed, ...scoped];
}

/**
 * Web ACL capacity (WCU) that AWS charges each AWS managed rule group, as published on the group's page.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
 * (core rule set 700, known bad inputs 200)
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-use-case.html (SQL database 200)
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html (IP reputation 25)
 */
export const MANAGED_RULE_GROUP_WCU: Readonly<Record<string, number>> = {
    AWSManagedRulesAmazonIpReputationList: 25,
    AWSManagedRulesCommonRuleSet: 700,
    AWSManagedRulesKnownBadInputsRuleSet: 200,
    AWSManagedRulesSQLiRuleSet: 200,
};

/**
 * A web ACL holds at most 5,000 WCU; up to 1,500 are in the base price, each 500 above cost extra.
 * EdgeCdn keeps to the base price.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
 */
export const WEB_ACL_MAX_WCU = 5000;
export const WEB_ACL_BASE_PRICE_WCU = 1500;

/**
 * String match costs by positional constraint; each text transformation other than NONE adds 10.
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-match.html
 */
const BYTE_MATCH_WCU: Readonly<Record<string, number>> = {
    EXACTLY: 2,
    STARTS_WITH: 2,
    ENDS_WITH: 2,
    CONTAINS: 10,
    CONTAINS_WORD: 10,
};

// A WAFv2 statement as the plain object given to aws.wafv2.WebAcl. @pulumi/aws types every nesting
// level as its own Input type, so a walk over any statement kind reads it untyped.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
type Statement = Record<string, any>;

/**
 * The WCU of one statement, by the documented costs of the statement types EdgeCdn builds. A type
 * it has no cost for is refused rather than guessed.
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
 *   (rate-based: 2, plus 30 per custom aggregation key, plus its scope-down statement)
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-label-match.html (1)
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-logical.html (and/or/not: their statements)
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statements-rule-group.html
 *   (managed group: the group's WCU plus its scope-down statement)
 */
export function statementCapacity(st: Statement): number {
    if (st.managedRuleGroupStatement) {
        const g = st.managedRuleGroupStatement;
        const wcu = g.vendorName === "AWS" ? MANAGED_RULE_GROUP_WCU[g.name] : undefined;
        if (wcu === undefined) {
            throw new ConfigError(
                "waf",
                `${g.vendorName}/${g.name}`,
                "is a managed rule group whose capacity is not known",
                `one of ${Object.keys(MANAGED_RULE_GROUP_WCU).join(", ")}`,
            );
        }
        return wcu + (g.scopeDownStatement ? statementCapacity(g.scopeDownStatement) : 0);
    }
    if (st.rateBasedStatement) {
        const r = st.rateBasedStatement;
        return (
            2 + 30 * (r.customKeys?.length ?? 0) + (r.scopeDownStatement ? statementCapacity(r.scopeDownStatement) : 0)
        );
    }
    if (st.labelMatchStatement) return 1;
    if (st.byteMatchStatement) {
        const b = st.byteMatchStatement;
        const base = BYTE_MATCH_WCU[b.positionalConstraint];
        if (base === undefined)
            throw new ConfigError(
                "waf",
                b.positionalConstraint,
                "is not a string match type",
                Object.keys(BYTE_MATCH_WCU).join(", "),
            );
        const transforms = (b.textTransformations ?? []).filter((t: { type: string }) => t.type !== "NONE").length;
        return base + 10 * transforms;
    }
    if (st.andStatement)
        return st.andStatement.statements.reduce((n: number, x: Statement) => n + statementCapacity(x), 0);
    if (st.orStatement)
        return st.orStatement.statements.reduce((n: number, x: Statement) => n + statementCapacity(x), 0);
    if (st.notStatement) return statementCapacity(st.notStatement.statement);
    throw new ConfigError(
        "waf",
        Object.keys(st),
        "is a statement whose capacity EdgeCdn does not know",
        "managed rule groups, rate-based, label, string match, and, or, not",
    );
}

/**
 * The web ACL's capacity: the sum of its rules' and rule groups' WCU, plus 1 per 5 labels the rules add.
 * https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
 * https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-add.html
 */
export function webAclCapacity(rules: WebAclRule[]): number {
    return rules.reduce(
        (n, r) =>
            n +
            statementCapacity(r.statement as Statement) +
            Math.ceil(((r.ruleLabels as unknown[] | undefined)?.length ?? 0) / 5),
        0,
    );
}

/**
 * Refuses rules whose web ACL AWS would refuse (above 5,000 WCU) or bill above the base price
 * (above `limit`, 1,500 by default), naming `key`, the capacity and the limit.
 * @throws ConfigError
 */
export function requireWebAclCapacity(key: string, rules: WebAclRule[], limit = WEB_ACL_BASE_PRICE_WCU): number {
    const wcu = webAclCapacity(rules);
    const max = Math.min(limit, WEB_ACL_MAX_WCU);
    if (wcu > max) {
        throw new ConfigError(
            key,
            `${wcu} WCU`,
            "is more web ACL capacity than allowed",
            `at most ${max} WCU (a web ACL holds ${WEB_ACL_MAX_WCU}; above ${WEB_ACL_BASE_PRICE_WCU} AWS charges extra)`,
        );
    }
    return wcu;
}

/**
 * Bucket policy statement admitting CloudFront to read objects, only on behalf of this one
 * distribution (Origin Access Control signs with the distribution as source).
 */
export function oacReadStatements(bucketArn: string, distributionArn: string): PolicyStatement[] {
    return [
        {
            Sid: "CloudFrontReadsThroughOriginAccessControl",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: `${bucketArn}/*`,
            Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
        },
    ];
}

/**
 * The assets key's statement for CloudFront: decrypt only for requests signed by Origin Access Control
 * on behalf of this distribution (`aws:SourceArn`), as AWS documents for SSE-KMS origins in
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 * ("SSE-KMS"). AWS's example also grants kms:Encrypt and kms:GenerateDataKey* for uploads through
 * CloudFront; the assets behaviour allows GET and HEAD only, so reading is all it needs.
 */
export function oacKeyStatements(distributionArn: string): PolicyStatement[] {
    return [
        {
            Sid: "CloudFrontDecryptsForThisDistribution",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "AWS:SourceArn": distributionArn } },
        },
    ];
}

/** Two years, the minimum the HSTS preload list asks for. */
export const HSTS_MAX_AGE_SECONDS = 63_072_000;

export interface SecurityHeaderSettings {
    /** `X-Frame-Options`: `DENY`, or `SAMEORIGIN` for an app that frames its own pages. */
    frameOptions: FrameOption;
    /** The `Content-Security-Policy` header's value. */
    contentSecurityPolicy: string;
}

/** The response headers policy's security headers. */
export function securityHeaders(s: SecurityHeaderSettings) {
    return {
        strictTransportSecurity: {
            accessControlMaxAgeSec: HSTS_MAX_AGE_SECONDS,
            includeSubdomains: true,
            // Preloading is a commitment for the whole domain, which only its owner can make.
            preload: false,
            override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: s.frameOptions, override: true },
        referrerPolicy: { referrerPolicy: "strict-origin-when-cross-origin", override: true },
        // The app knows its own scripts: its policy wins, ours covers responses that have none.
        contentSecurityPolicy: { contentSecurityPolicy: s.contentSecurityPolicy, override: false },
    };
}

/**
 * Where access logs land below the log bucket's `AWSLogs/<account>/CloudFront/`: one partition per
 * distribution and hour, Hive-style, for Athena.
 */
export function accessLogSuffixPath(prefix: string): string {
    return `${prefix}{DistributionId}/{yyyy}/{MM}/{dd}/{HH}`;
}
