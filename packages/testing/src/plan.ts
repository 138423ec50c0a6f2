import { RecordedResource, SecretValue } from "./harness";
import { runStack, StackRun } from "./stack";

/** One policy violation, as GUIDE.md §5 specifies. */
export interface PlanViolation {
    policy: string;
    level: "mandatory" | "advisory";
    type?: string;
    name?: string;
    message: string;
}

/** The `--json` contract (GUIDE.md §5): tools read this, so change it only compatibly. */
export interface PlanJson {
    stack: string;
    project: string;
    resources: Array<{
        type: string;
        name: string;
        id?: string;
        parent?: string;
        inputs: Record<string, unknown>;
    }>;
    outputs: Record<string, unknown>;
    violations: PlanViolation[];
}

/** Evaluates policies over a finished run; the policy pack plugs in here. */
export type PolicyEvaluator = (run: StackRun) => PlanViolation[];

export interface Plan {
    run: StackRun;
    json: PlanJson;
}

/** Plain JSON: secrets become "[secret]", undefined members vanish. */
function plain(v: unknown): any {
    return JSON.parse(JSON.stringify(v ?? {}, (_k, x) => (x instanceof SecretValue ? "[secret]" : x)));
}

export async function buildPlan(stack: string, evaluate?: PolicyEvaluator): Promise<Plan> {
    const run = await runStack(stack);
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
        outputs: plain(run.outputs),
        violations: evaluate ? evaluate(run) : [],
    };
    return { run, json };
}

/** The human view: the resource tree, counts by type, canned lookups and violations. */
export function renderPlan(plan: Plan): string {
    const { run, json } = plan;
    const lines: string[] = [];
    lines.push(`Offline plan of stack ${json.stack} (project ${json.project}), under the mock runtime`);
    lines.push("");
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

    const counts = new Map<string, number>();
    for (const r of run.resources) counts.set(r.type, (counts.get(r.type) ?? 0) + 1);
    lines.push("");
    lines.push(`Resources: ${run.resources.length} (${run.resources.filter((r) => !r.custom).length} components)`);
    for (const [type, n] of [...counts].sort((a, b) => a[0].localeCompare(b[0]))) {
        lines.push(`  ${String(n).padStart(4)}  ${type}`);
    }
    lines.push("");
    lines.push("Lookups answered by the mock runtime's canned values (not by AWS):");
    for (const l of run.lookups) lines.push(`  ${l}`);
    lines.push("");
    lines.push("Outputs:");
    for (const [k, v] of Object.entries(json.outputs)) lines.push(`  ${k}: ${JSON.stringify(v)}`);
    lines.push("");
    const byPolicy = new Map<string, PlanViolation[]>();
    for (const v of json.violations) byPolicy.set(v.policy, [...(byPolicy.get(v.policy) ?? []), v]);
    if (byPolicy.size === 0) {
        lines.push("Policy violations: none");
    } else {
        lines.push(`Policy violations: ${json.violations.length}`);
        for (const [policy, vs] of byPolicy) {
            lines.push(`  ${policy} (${vs[0].level}): ${vs.length}`);
            for (const v of vs) lines.push(`    - ${v.type ?? ""} ${v.name ?? ""}: ${v.message}`);
        }
    }
    return lines.join("\n");
}

export function hasMandatoryViolation(plan: Plan): boolean {
    return plan.json.violations.some((v) => v.level === "mandatory");
}
