import { ConfigError } from "./errors";

/**
 * Application Load Balancer listener-rule quotas, which AWS enforces when the rule is created (the
 * mock runtime accepts any rule):
 * - at most 3 match evaluations (values) per condition,
 * - at most 5 match evaluations per rule, all conditions together,
 * - at most 5 wildcards (`*`, `?`) per rule, in host-header, http-header, path-pattern and
 *   query-string values together.
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
 */
export const LISTENER_RULE_QUOTAS = {
    matchEvaluationsPerCondition: 3,
    matchEvaluationsPerRule: 5,
    wildcardsPerRule: 5,
} as const;

/** The conditions one listener rule will carry, as the values of each condition. */
export interface ListenerRuleConditionValues {
    /** Values of the path-pattern condition (`/api/*`); empty for none. */
    paths: string[];
    /** Values of the host-header condition (`api.example.com`); empty for none. */
    hosts: string[];
    /** Values of http-header conditions the component adds itself (e.g. CloudFront's origin header). */
    headerValues?: string[];
}

/** How many `*` and `?` wildcards a value holds. */
export function wildcardCount(value: string): number {
    return (value.match(/[*?]/g) ?? []).length;
}

/** The argument or config keys a rule's values come from, for error messages. */
export interface ListenerRuleKeys {
    /** The routing as a whole (e.g. `EcsApp app: services[api].routing`, `citadel:app.backend.path`). */
    rule: string;
    /** The key the path patterns come from. */
    paths: string;
    /** The key the host names come from. */
    hosts: string;
}

/**
 * Refuses a rule AWS would refuse, naming the key, the values and the quota. `reservedNote` explains
 * values the component adds itself (an origin header).
 * @throws ConfigError
 */
export function requireListenerRuleQuotas(
    keys: ListenerRuleKeys,
    c: ListenerRuleConditionValues,
    reservedNote = "",
): void {
    const key = keys.rule;
    const q = LISTENER_RULE_QUOTAS;
    const header = c.headerValues ?? [];
    for (const [field, values] of [
        ["paths", c.paths],
        ["hosts", c.hosts],
    ] as const) {
        if (values.length > q.matchEvaluationsPerCondition) {
            throw new ConfigError(
                keys[field],
                values,
                `has ${values.length} values`,
                `at most ${q.matchEvaluationsPerCondition} (a listener rule condition takes 3 match evaluations)`,
            );
        }
    }
    const evaluations = c.paths.length + c.hosts.length + header.length;
    if (evaluations > q.matchEvaluationsPerRule) {
        throw new ConfigError(
            key,
            { paths: c.paths, hosts: c.hosts },
            `has ${c.paths.length + c.hosts.length} paths and hosts`,
            `at most ${q.matchEvaluationsPerRule - header.length} in all (a listener rule takes ${q.matchEvaluationsPerRule} match evaluations${reservedNote})`,
        );
    }
    const wildcards = [...c.paths, ...c.hosts, ...header].reduce((n, v) => n + wildcardCount(v), 0);
    if (wildcards > q.wildcardsPerRule) {
        throw new ConfigError(
            key,
            { paths: c.paths, hosts: c.hosts },
            `has ${wildcards} wildcards (* and ?)`,
            `at most ${q.wildcardsPerRule} in all its paths and hosts (a listener rule takes ${q.wildcardsPerRule} wildcards)`,
        );
    }
}
