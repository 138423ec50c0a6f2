import { evaluate, type PackConfig, ruleNamed } from "@citadel/policy/src/evaluate";
import { RecordedResource, reveal, SecretValue } from "./harness";
import { runStack, StackRun } from "./stack";
import { REPO_ROOT } from "./project";

export { PLAN_USAGE, parsePlanArgs, UsageError } from "./args";
export type { PlanArgs } from "./args";

/** One policy violation, as GUIDE.md §5 specifies. */
export interface PlanViolation {
    /** The rule's name, e.g. `s3-ssl-only`. */
    policy: string;
    /** `mandatory` fails the plan (exit 1), `advisory` is reported only. */
    level: "mandatory" | "advisory";
    /** The type token of the resource at fault; absent for a finding about the stack as a whole. */
    type?: string;
    /** The logical name of the resource at fault; absent with `type`. */
    name?: string;
    /** What is wrong, naming the resource and the setting. */
    message: string;
}

/** The `--json` contract (GUIDE.md §5): tools read this, so change it only compatibly. */
export interface PlanJson {
    /** The stack planned. */
    stack: string;
    /** The project name from Pulumi.yaml. */
    project: string;
    /**
     * Every registered resource and component: the type token, logical name, mock `id` (absent for
     * components), the parent's logical name (absent for the stack's direct children), and the resolved
     * inputs as plain JSON with the `@pulumi/aws` property names.
     */
    resources: Array<{
        type: string;
        name: string;
        id?: string;
        parent?: string;
        inputs: Record<string, unknown>;
    }>;
    /** The stack's outputs, resolved; secrets masked. */
    outputs: Record<string, unknown>;
    /** The policy pack's findings over the resources. */
    violations: PlanViolation[];
}

/** Evaluates policies over a finished run; the policy pack plugs in here. */
export type PolicyEvaluator = (run: StackRun) => PlanViolation[];

/**
 * The policy pack's rules (resource and stack rules) over the recorded resources, secrets revealed,
 * with the same config `pulumi preview --policy-pack-config` takes.
 */
export function policyEvaluator(config: PackConfig = {}): PolicyEvaluator {
    return (run) =>
        evaluate(
            run.resources.map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                id: r.id,
                inputs: reveal<Record<string, unknown>>(r.inputs),
            })),
            config,
        );
}

export interface Plan {
    /** The stack run: recorded resources, lookups answered offline, outputs. */
    run: StackRun;
    /** The same, as the `--json` contract. */
    json: PlanJson;
}

/** Plain JSON: secrets become "[secret]", undefined members vanish. */
function plain(v: unknown): any {
    return JSON.parse(JSON.stringify(v ?? {}, (_k, x) => (x instanceof SecretValue ? "[secret]" : x)));
}

export interface BuildPlanOptions {
    /** The Pulumi project folder (its Pulumi.yaml and Pulumi.<stack>.yaml); default: the repository root. */
    root?: string;
    /** Config overrides for this run (`-c key=value`); a key without namespace takes the project's. */
    overrides?: Record<string, unknown>;
}

/** Runs the stack under mocks and evaluates the policy pack (its default config unless `evaluator` is given). */
export async function buildPlan(
    stack: string,
    evaluator: PolicyEvaluator = policyEvaluator(),
    opts: BuildPlanOptions = {},
): Promise<Plan> {
    const run = await runStack(stack, opts.overrides ?? {}, opts.root ?? REPO_ROOT);
    const json: PlanJson = {
        stack: run.stack,
        project: run.project,
        resources: run.resources.map((r) => ({
            type: r.type,
            name: r.name,
            ...(r.id !== undefined ? { id: r.id } : {}),
            ...(r.parent !== undefined ? { parent: r.parent } : {}),
            inputs: plain(r.inputs),
        })),
        // As registered (a secret output masked), else as resolved.
        outputs: plain(run.stackOutputs ?? run.outputs),
        violations: evaluator(run),
    };
    return { run, json };
}

/**
 * The human view, summary first: counts by type and the violations, then the resource tree, the
 * lookups answered by canned values, the config stand-ins and the outputs.
 */
export function renderPlan(plan: Plan): string {
    const { run, json } = plan;
    const lines: string[] = [];
    lines.push(`Offline plan of stack ${json.stack} (project ${json.project}), under the mock runtime`);
    lines.push("");
    const counts = new Map<string, number>();
    for (const r of run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    lines.push(`Resources: ${run.resources.length} (${run.resources.filter((r) => !r.custom).length} components)`);
    for (const [type, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
        lines.push(`  ${String(n).padStart(4)}  ${type}`);
    }
    lines.push("");
    lines.push(...renderViolations(json.violations));
    lines.push("");
    lines.push("Resource tree:");
    const children = new Map<string | undefined, RecordedResource[]>();
    for (const r of run.resources) {
        const list = children.get(r.parentUrn) ?? [];
        list.push(r);
        children.set(r.parentUrn, list);
    }
    const walk = (parentUrn: string | undefined, depth: number) => {
        for (const r of children.get(parentUrn) ?? []) {
            const flags = [r.protect ? "protected" : ""].filter(Boolean);
            lines.push(`${"  ".repeat(depth)}+ ${r.type}  ${r.name}${flags.length ? `  [${flags.join(", ")}]` : ""}`);
            walk(r.urn, depth + 1);
        }
    };
    walk(undefined, 1);
    lines.push("");
    lines.push("Lookups answered by the mock runtime's canned values (not by AWS):");
    for (const l of run.lookups) lines.push(`  ${l}`);
    if (run.secretStandIns.length) {
        lines.push("");
        lines.push("Secret config values (secure:) the offline plan cannot decrypt; planned with a stand-in string:");
        for (const k of run.secretStandIns) lines.push(`  ${k}`);
    }
    if (run.environments.length) {
        lines.push("");
        lines.push(
            "Pulumi ESC environments the stack file imports; offline there is no ESC, so their config and secrets are not in this plan:",
        );
        for (const e of run.environments) lines.push(`  ${e}`);
    }
    lines.push("");
    lines.push("Outputs:");
    for (const [k, v] of Object.entries(json.outputs)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
    return lines.join("\n");
}

/** Violations grouped by rule, mandatory first, each rule with its FSBP controls and remediation. */
export function renderViolations(violations: readonly PlanViolation[]): string[] {
    if (violations.length === 0) return ["Policy violations: none"];
    const byPolicy = new Map<string, PlanViolation[]>();
    for (const v of violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
    const mandatory = violations.filter((v) => v.level === "mandatory").length;
    const lines = [
        `Policy violations: ${violations.length} (${mandatory} mandatory, ${violations.length - mandatory} advisory)`,
    ];
    const groups = [...byPolicy].sort(
        (a, b) => Number(a[1][0].level !== "mandatory") - Number(b[1][0].level !== "mandatory"),
    );
    for (const [policy, vs] of groups) {
        const rule = ruleNamed(policy);
        const controls = rule?.controls.length ? `, ${rule.controls.join(", ")}` : "";
        lines.push(`  ${policy} (${vs[0].level}${controls}): ${vs.length}`);
        for (const v of vs) lines.push(`    - ${v.type ?? ""} ${v.name ?? ""}: ${v.message}`);
        if (rule) lines.push(`    fix: ${rule.remediation}`);
    }
    return lines;
}

export function hasMandatoryViolation(plan: Plan): boolean {
    return plan.json.violations.some((v) => v.level === "mandatory");
}
