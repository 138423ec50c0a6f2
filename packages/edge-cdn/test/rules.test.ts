import { strict as assert } from "assert";
import {
    accessLogSuffixPath, MANAGED_RULE_GROUPS, metricName, oacReadStatements, RATE_LIMIT_RULE, securityHeaders,
    wafRules,
} from "../src";

describe("EdgeCdn rules (pure)", () => {
    const rules = wafRules("edge", { rateLimit: 500, rateLimitWindowSeconds: 60, countOnlyRules: [] }) as any[];

    it("rate-limits per IP first, with 429, then the four managed groups", () => {
        assert.deepEqual(rules.map((r) => [r.priority, r.name]), [
            [0, RATE_LIMIT_RULE],
            [1, "AWSManagedRulesAmazonIpReputationList"],
            [2, "AWSManagedRulesCommonRuleSet"],
            [3, "AWSManagedRulesKnownBadInputsRuleSet"],
            [4, "AWSManagedRulesSQLiRuleSet"],
        ]);
        assert.deepEqual(rules[0].statement.rateBasedStatement, { limit: 500, evaluationWindowSec: 60, aggregateKeyType: "IP" });
        assert.deepEqual(rules[0].action, { block: { customResponse: { responseCode: 429 } } });
    });

    it("lets managed groups act as AWS wrote them, unless a rule is made count-only", () => {
        for (const r of rules.slice(1)) {
            assert.deepEqual(r.overrideAction, { none: {} });
            assert.equal(r.statement.managedRuleGroupStatement.vendorName, "AWS");
            assert.equal(r.statement.managedRuleGroupStatement.ruleActionOverrides, undefined);
        }
        const counted = wafRules("edge", { rateLimit: 500, rateLimitWindowSeconds: 60, countOnlyRules: ["SizeRestrictions_BODY"] }) as any[];
        const crs = counted.find((r) => r.name === "AWSManagedRulesCommonRuleSet");
        assert.deepEqual(crs.statement.managedRuleGroupStatement.ruleActionOverrides,
            [{ name: "SizeRestrictions_BODY", actionToUse: { count: {} } }]);
    });

    it("publishes metrics and samples for every rule, under distinct valid names", () => {
        const names = rules.map((r) => r.visibilityConfig.metricName);
        assert.equal(new Set(names).size, rules.length);
        for (const r of rules) {
            assert.equal(r.visibilityConfig.cloudwatchMetricsEnabled, true);
            assert.equal(r.visibilityConfig.sampledRequestsEnabled, true);
            assert.match(r.visibilityConfig.metricName, /^[A-Za-z0-9_-]{1,128}$/);
        }
        assert.equal(metricName("my edge/1", "x"), "my-edge-1-x");
        assert.equal(MANAGED_RULE_GROUPS.length, 4);
    });

    it("admits CloudFront to the bucket only for one distribution, read-only", () => {
        const [s] = oacReadStatements("arn:aws:s3:::b", "arn:aws:cloudfront::123456789012:distribution/E1");
        assert.deepEqual(s, {
            Sid: "CloudFrontReadsThroughOriginAccessControl",
            Effect: "Allow",
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "s3:GetObject",
            Resource: "arn:aws:s3:::b/*",
            Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
        });
    });

    it("sends HSTS, nosniff, frame options and referrer policy, overriding the origin", () => {
        const h = securityHeaders({ frameOptions: "DENY", contentSecurityPolicy: "object-src 'none'" });
        assert.deepEqual(h.strictTransportSecurity, { accessControlMaxAgeSec: 63_072_000, includeSubdomains: true, preload: false, override: true });
        assert.deepEqual(h.contentTypeOptions, { override: true });
        assert.deepEqual(h.frameOptions, { frameOption: "DENY", override: true });
        assert.deepEqual(h.referrerPolicy, { referrerPolicy: "strict-origin-when-cross-origin", override: true });
        assert.deepEqual(h.contentSecurityPolicy, { contentSecurityPolicy: "object-src 'none'", override: false });
    });

    it("partitions access logs by distribution and hour", () => {
        assert.equal(accessLogSuffixPath("cloudfront/"), "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}");
    });
});
