import { strict as assert } from "assert";
import {
    accessLogSuffixPath,
    MANAGED_RULE_GROUPS,
    metricName,
    oacReadStatements,
    RATE_LIMIT_RULE,
    securityHeaders,
    BODY_SIZE_LABEL,
    validateEdgeCdnArgs,
    wafRules,
} from "../src";

describe("EdgeCdn rules (pure)", () => {
    const rules = wafRules("edge", { rateLimit: 500, rateLimitWindowSeconds: 60, countOnlyRules: [] }) as any[];

    it("rate-limits per IP first, with 429, then the four managed groups", () => {
        assert.deepEqual(
            rules.map((r) => [r.priority, r.name]),
            [
                [0, RATE_LIMIT_RULE],
                [1, "AWSManagedRulesAmazonIpReputationList"],
                [2, "AWSManagedRulesCommonRuleSet"],
                [3, "AWSManagedRulesKnownBadInputsRuleSet"],
                [4, "AWSManagedRulesSQLiRuleSet"],
            ],
        );
        assert.deepEqual(rules[0].statement.rateBasedStatement, {
            limit: 500,
            evaluationWindowSec: 60,
            aggregateKeyType: "IP",
        });
        assert.deepEqual(rules[0].action, { block: { customResponse: { responseCode: 429 } } });
    });

    it("lets managed groups act as AWS wrote them, unless a rule is made count-only", () => {
        for (const r of rules.slice(1)) {
            assert.deepEqual(r.overrideAction, { none: {} });
            assert.equal(r.statement.managedRuleGroupStatement.vendorName, "AWS");
            assert.equal(r.statement.managedRuleGroupStatement.ruleActionOverrides, undefined);
        }
        const counted = wafRules("edge", {
            rateLimit: 500,
            rateLimitWindowSeconds: 60,
            countOnlyRules: ["SizeRestrictions_BODY"],
        }) as any[];
        const crs = counted.find((r) => r.name === "AWSManagedRulesCommonRuleSet");
        assert.deepEqual(crs.statement.managedRuleGroupStatement.ruleActionOverrides, [
            { name: "SizeRestrictions_BODY", actionToUse: { count: {} } },
        ]);
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

    // The core rule set's SizeRestrictions_BODY blocks bodies over 8 KB, which breaks uploads through
    // CloudFront. Counted, it still labels the request; a later rule blocks labelled requests outside
    // the upload paths. https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html
    // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-label-match-examples.html
    it("WAF SizeRestrictions_BODY (8 KB): large bodies pass only under the configured upload paths", () => {
        const plain = wafRules("edge", { rateLimit: 500, rateLimitWindowSeconds: 60, countOnlyRules: [] }) as any[];
        const crs = (rs: any[]) =>
            rs.find((r) => r.name === "AWSManagedRulesCommonRuleSet").statement.managedRuleGroupStatement;
        assert.equal(crs(plain).ruleActionOverrides, undefined, "without upload paths the 8 KB rule blocks everywhere");
        assert.equal(plain.length, 5);

        const scoped = wafRules("edge", {
            rateLimit: 500,
            rateLimitWindowSeconds: 60,
            countOnlyRules: [],
            uploadPaths: ["/api/uploads/", "/dicom-web/"],
        }) as any[];
        assert.deepEqual(crs(scoped).ruleActionOverrides, [
            { name: "SizeRestrictions_BODY", actionToUse: { count: {} } },
        ]);
        const last = scoped[scoped.length - 1];
        assert.equal(last.name, "BodySizeOutsideUploadPaths");
        assert.ok(
            last.priority > scoped.find((r: any) => r.name === "AWSManagedRulesCommonRuleSet").priority,
            "after the label is set",
        );
        assert.deepEqual(last.action, { block: {} });
        const [label, not] = last.statement.andStatement.statements;
        assert.deepEqual(label, { labelMatchStatement: { scope: "LABEL", key: BODY_SIZE_LABEL } });
        assert.equal(BODY_SIZE_LABEL, "awswaf:managed:aws:core-rule-set:SizeRestrictions_Body");
        assert.deepEqual(
            not.notStatement.statement.orStatement.statements.map((s: any) => [
                s.byteMatchStatement.searchString,
                s.byteMatchStatement.positionalConstraint,
                Object.keys(s.byteMatchStatement.fieldToMatch),
            ]),
            [
                ["/api/uploads/", "STARTS_WITH", ["uriPath"]],
                ["/dicom-web/", "STARTS_WITH", ["uriPath"]],
            ],
        );
        const one = wafRules("edge", {
            rateLimit: 500,
            rateLimitWindowSeconds: 60,
            countOnlyRules: [],
            uploadPaths: ["/up/"],
        }) as any[];
        assert.ok(one[one.length - 1].statement.andStatement.statements[1].notStatement.statement.byteMatchStatement);
        assert.throws(
            () =>
                validateEdgeCdnArgs("edge", {
                    origin: { domainName: "o.example.com", header: { name: "X-O", value: "v" } },
                    logBucket: { bucketName: "l", arn: "arn:aws:s3:::l" },
                    waf: { uploadPaths: ["uploads/"] },
                }),
            /waf\.uploadPaths: "uploads\/" does not start with "\/"/,
        );
    });

    it("sends HSTS, nosniff, frame options and referrer policy, overriding the origin", () => {
        const h = securityHeaders({ frameOptions: "DENY", contentSecurityPolicy: "object-src 'none'" });
        assert.deepEqual(h.strictTransportSecurity, {
            accessControlMaxAgeSec: 63_072_000,
            includeSubdomains: true,
            preload: false,
            override: true,
        });
        assert.deepEqual(h.contentTypeOptions, { override: true });
        assert.deepEqual(h.frameOptions, { frameOption: "DENY", override: true });
        assert.deepEqual(h.referrerPolicy, { referrerPolicy: "strict-origin-when-cross-origin", override: true });
        assert.deepEqual(h.contentSecurityPolicy, { contentSecurityPolicy: "object-src 'none'", override: false });
    });

    it("partitions access logs by distribution and hour", () => {
        assert.equal(accessLogSuffixPath("cloudfront/"), "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}");
    });
});
