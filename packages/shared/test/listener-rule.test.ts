import { strict as assert } from "assert";
import { ConfigError, requireListenerRuleQuotas, wildcardCount } from "../src";

// Listener-rule quotas AWS enforces at CreateRule (the mocks accept any rule):
// 3 match evaluations per condition, 5 per rule, 5 wildcards per rule.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
const KEYS = { rule: "r", paths: "r.paths", hosts: "r.hosts" };

describe("requireListenerRuleQuotas", () => {
    const refused: [string, { paths: string[]; hosts: string[]; headerValues?: string[] }, string][] = [
        [
            "4 paths in one condition",
            { paths: ["/a", "/b", "/c", "/d"], hosts: [] },
            'r.paths: ["/a","/b","/c","/d"] has 4 values, allowed at most 3',
        ],
        [
            "4 hosts in one condition",
            { paths: [], hosts: ["a.x.com", "b.x.com", "c.x.com", "d.x.com"] },
            'r.hosts: ["a.x.com","b.x.com","c.x.com","d.x.com"] has 4 values',
        ],
        [
            "6 evaluations (3 paths + 3 hosts)",
            { paths: ["/a", "/b", "/c"], hosts: ["a.x.com", "b.x.com", "c.x.com"] },
            "has 6 paths and hosts, allowed at most 5 in all",
        ],
        [
            "5 evaluations plus the origin header",
            { paths: ["/a", "/b", "/c"], hosts: ["a.x.com", "b.x.com"], headerValues: ["h"] },
            "has 5 paths and hosts, allowed at most 4 in all",
        ],
        ["6 wildcards in one path", { paths: ["/a*b*c*d*e*f*"], hosts: [] }, "has 6 wildcards (* and ?)"],
        [
            "6 wildcards across paths and hosts",
            { paths: ["/a/*", "/b/??"], hosts: ["*.x.com", "*.y.com", "a?.z.com"] },
            "has 6 wildcards",
        ],
    ];
    for (const [what, c, message] of refused) {
        it(`refuses ${what}`, () => {
            assert.throws(
                () => requireListenerRuleQuotas(KEYS, c),
                (e: unknown) => e instanceof ConfigError && e.message.includes(message),
            );
        });
    }
    const accepted: [string, { paths: string[]; hosts: string[]; headerValues?: string[] }][] = [
        ["3 paths and 2 hosts", { paths: ["/a", "/b", "/c"], hosts: ["a.x.com", "b.x.com"] }],
        ["4 values and the origin header", { paths: ["/a", "/b"], hosts: ["a.x.com", "b.x.com"], headerValues: ["h"] }],
        ["exactly 5 wildcards", { paths: ["/a/*", "/b/*", "/c/?"], hosts: ["*.x.com", "*.y.com"] }],
        ["one catch-all", { paths: ["/*"], hosts: [] }],
    ];
    for (const [what, c] of accepted) {
        it(`accepts ${what}`, () => assert.doesNotThrow(() => requireListenerRuleQuotas(KEYS, c)));
    }
    it("counts every * and ? as a wildcard", () => {
        assert.deepEqual(["/*", "/a?b*", "/plain", "*.x.com"].map(wildcardCount), [1, 2, 0, 1]);
    });
});
