import { PackConfig, resolveConfig } from "./config";
import { EnforcementLevel, PolicyResource, Rule } from "./rule";
import { RULES } from "./rules";

/**
 * The offline evaluator: every rule of the pack over plain resources, with the same config object
 * CrossGuard takes. Used by `pnpm plan` (packages/testing/src/plan.ts) and the tests; it starts no
 * server and loads neither `@pulumi/policy` nor `@pulumi/aws`.
 */

/** A resource as the mock harness records it (`RecordedResource`), with secrets already revealed. */
export interface PlainResource {
    /** Type token, e.g. `aws:ec2/vpc:Vpc`. */
    type: string;
    /** Logical name. */
    name: string;
    /** The URN; when absent, one is made up from the type and name (enough to tell resources apart). */
    urn?: string;
    /** Mock or provider id; absent for components. */
    id?: string;
    /** Resolved inputs with `@pulumi/aws` property names, secrets revealed. */
    inputs: Record<string, unknown>;
}

/** One violation, in the shape of the plan's JSON (GUIDE.md §5). */
export interface PolicyViolation {
    /** The rule's name, e.g. `s3-ssl-only`. */
    policy: string;
    /** `mandatory` fails the preview or plan; `advisory` is reported only. */
    level: Exclude<EnforcementLevel, "disabled">;
    /** Type token of the resource at fault; absent for a finding about the stack as a whole. */
    type?: string;
    /** Logical name of the resource at fault; absent with `type`. */
    name?: string;
    /** What is wrong, naming the resource and the setting. */
    message: string;
}

export function toPolicyResource(r: PlainResource): PolicyResource {
    return { type: r.type, name: r.name, urn: r.urn ?? `urn:offline::${r.type}::${r.name}`, id: r.id, props: r.inputs };
}

/** Runs the enabled rules (resource rules on each resource of their types, stack rules once). */
export function evaluate(
    resources: readonly PlainResource[],
    config: PackConfig = {},
    rules: readonly Rule[] = RULES,
): PolicyViolation[] {
    const views = resources.map(toPolicyResource);
    const violations: PolicyViolation[] = [];
    for (const { rule, level, options } of resolveConfig(rules, config)) {
        if (level === "disabled") continue;
        const report = (r: PolicyResource, message: string) =>
            violations.push({ policy: rule.name, level, type: r.type, name: r.name, message });
        if (rule.kind === "resource") {
            for (const r of views) {
                if (rule.resourceTypes.includes(r.type)) rule.check(r, options).forEach((m) => report(r, m));
            }
        } else {
            rule.check(views, options).forEach((f) => report(f.resource, f.message));
        }
    }
    return violations;
}

/** Refuses a config naming unknown rules, levels or options now, before the stack runs. */
export function checkPackConfig(config: PackConfig, rules: readonly Rule[] = RULES): PackConfig {
    resolveConfig(rules, config);
    return config;
}

export { RULES, ruleNamed } from "./rules";
export { PolicyConfigError, readPackConfig } from "./config";
export type { PackConfig } from "./config";
