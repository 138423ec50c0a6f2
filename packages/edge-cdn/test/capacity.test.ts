import { strict as assert } from "assert";
import { ConfigError } from "@citadel/shared";
import {
    MANAGED_RULE_GROUP_WCU,
    requireWebAclCapacity,
    validateEdgeCdnArgs,
    wafRules,
    webAclCapacity,
    WEB_ACL_MAX_WCU,
} from "../src";

// Web ACL capacity: the sum of the rules' and rule groups' WCU; at most 5,000, and above 1,500 AWS
// charges extra. https://docs.aws.amazon.com/waf/latest/developerguide/aws-waf-capacity-units.html
// Managed group WCU: https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-baseline.html,
// https://docs.aws.amazon.com/waf/latest/developerguide/aws-managed-rule-groups-ip-rep.html
// Rate-based 2 WCU: https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based.html
const group = (name: string, i: number) => ({
    name: `${name}-${i}`,
    priority: i,
    overrideAction: { none: {} },
    statement: { managedRuleGroupStatement: { vendorName: "AWS", name } },
    visibilityConfig: { cloudwatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: "m" },
});

describe("EdgeCdn web ACL capacity (WCU)", () => {
    it("prices the published managed groups", () => {
        assert.deepEqual(MANAGED_RULE_GROUP_WCU, {
            AWSManagedRulesAmazonIpReputationList: 25,
            AWSManagedRulesCommonRuleSet: 700,
            AWSManagedRulesKnownBadInputsRuleSet: 200,
            AWSManagedRulesSQLiRuleSet: 200,
        });
    });

    const cases: [string, any[], number][] = [
        [
            "the default web ACL (rate limit 2 + 25 + 700 + 200 + 200)",
            wafRules("e", { rateLimit: 500, rateLimitWindowSeconds: 300, countOnlyRules: [] }),
            1127,
        ],
        [
            "with one upload path (label match 1 + starts-with 2)",
            wafRules("e", { rateLimit: 500, rateLimitWindowSeconds: 300, countOnlyRules: [], uploadPaths: ["/up/"] }),
            1130,
        ],
        [
            "with ten upload paths",
            wafRules("e", {
                rateLimit: 500,
                rateLimitWindowSeconds: 300,
                countOnlyRules: [],
                uploadPaths: Array.from({ length: 10 }, (_, i) => `/u${i}/`),
            }),
            1148,
        ],
        [
            "a CONTAINS match with one LOWERCASE transformation (10 + 10)",
            [
                {
                    name: "c",
                    priority: 0,
                    action: { block: {} },
                    statement: {
                        byteMatchStatement: {
                            positionalConstraint: "CONTAINS",
                            searchString: "x",
                            fieldToMatch: { uriPath: {} },
                            textTransformations: [{ priority: 0, type: "LOWERCASE" }],
                        },
                    },
                    visibilityConfig: {},
                },
            ],
            20,
        ],
        [
            "a rate limit with two custom keys (2 + 60)",
            [
                {
                    name: "r",
                    priority: 0,
                    action: { block: {} },
                    statement: { rateBasedStatement: { limit: 100, customKeys: [{}, {}] } },
                    visibilityConfig: {},
                },
            ],
            62,
        ],
    ];
    for (const [what, rules, wcu] of cases) {
        it(`counts ${what}: ${wcu} WCU`, () => assert.equal(webAclCapacity(rules), wcu));
    }

    const refused: [string, any[], number | undefined, string][] = [
        [
            "three core rule sets (2,100 WCU > 1,500)",
            [0, 1, 2].map((i) => group("AWSManagedRulesCommonRuleSet", i)),
            undefined,
            'waf: "2100 WCU" is more web ACL capacity than allowed, allowed at most 1500 WCU',
        ],
        [
            "eight core rule sets (5,600 WCU) even with a higher limit",
            Array.from({ length: 8 }, (_, i) => group("AWSManagedRulesCommonRuleSet", i)),
            10_000,
            "allowed at most 5000 WCU",
        ],
        [
            "a managed group whose capacity is not published here",
            [group("AWSManagedRulesBotControlRuleSet", 0)],
            undefined,
            "is a managed rule group whose capacity is not known",
        ],
    ];
    for (const [what, rules, limit, message] of refused) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => requireWebAclCapacity("waf", rules, limit),
                (e: unknown) => e instanceof ConfigError && e.message.includes(message),
            );
        });
    }
    it("accepts 2,100 WCU when the caller allows it, and exactly the maximum", () => {
        const three = [0, 1, 2].map((i) => group("AWSManagedRulesCommonRuleSet", i));
        assert.equal(requireWebAclCapacity("waf", three, 2500), 2100);
        assert.ok(WEB_ACL_MAX_WCU === 5000);
    });
    it("EdgeCdn's args resolve within the base price with the most upload paths allowed", () => {
        const a = validateEdgeCdnArgs("edge", {
            origin: {
                domainName: "origin.example.com",
                header: { name: "X-Origin-Verify", value: "s3cret-value-long-enough-0123456789" },
            },
            logBucket: { bucketName: "logs", arn: "arn:aws:s3:::logs" },
            accessLogsBucketName: "access-logs",
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
            aliases: ["portal.example.com"],
            waf: { uploadPaths: Array.from({ length: 10 }, (_, i) => `/u${i}/`) },
        });
        assert.equal(webAclCapacity(wafRules("e", a.waf)), 1148);
    });
});
