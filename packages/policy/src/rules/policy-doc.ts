import { isUnknown, parseJson, wildcardMatch } from "../values";

/** An IAM or resource policy statement, normalised: every list a list, principals split by kind. */
export interface Statement {
    /** `Effect`. */
    effect: "Allow" | "Deny";
    /** `Action`, as a list (wildcards kept). */
    actions: string[];
    /** `NotAction`, as a list. */
    notActions: string[];
    /** `Resource`, as a list. */
    resources: string[];
    /** `NotResource`, as a list. */
    notResources: string[];
    /** True when the principal is `*` or `{ AWS: "*" }`. */
    anyPrincipal: boolean;
    /** `Principal.Service` entries, e.g. `logs.amazonaws.com`. */
    services: string[];
    /** `Principal.AWS` entries: account ids, ARNs of roles, users or account roots. */
    awsPrincipals: string[];
    /** `Condition`: operator → condition key → value(s); empty when absent. */
    condition: Record<string, Record<string, unknown>>;
}

function strings(v: unknown): string[] {
    if (v === undefined || v === null) return [];
    return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === "string");
}

/**
 * The statements of a policy document (JSON text or object). Undefined when the document is unknown
 * (preview) or unreadable: the caller must then not judge it.
 */
export function statementsOf(doc: unknown): Statement[] | undefined {
    const parsed = parseJson(doc);
    if (isUnknown(parsed) || !parsed || typeof parsed !== "object") return undefined;
    const raw = (parsed as { Statement?: unknown }).Statement;
    const list = Array.isArray(raw) ? raw : raw ? [raw] : [];
    return list
        .filter((s): s is Record<string, unknown> => !!s && typeof s === "object")
        .map((s) => {
            const principal = s.Principal as unknown;
            const byKind = principal && typeof principal === "object" ? (principal as Record<string, unknown>) : {};
            return {
                effect: s.Effect === "Deny" ? "Deny" : "Allow",
                actions: strings(s.Action),
                notActions: strings(s.NotAction),
                resources: strings(s.Resource),
                notResources: strings(s.NotResource),
                anyPrincipal: principal === "*" || strings(byKind.AWS).includes("*"),
                services: strings(byKind.Service),
                awsPrincipals: strings(byKind.AWS),
                condition: (s.Condition && typeof s.Condition === "object"
                    ? s.Condition
                    : {}) as Statement["condition"],
            };
        });
}

/** Whether the statement grants (or denies) `action`, honouring wildcards and NotAction. */
export function coversAction(s: Statement, action: string): boolean {
    if (s.notActions.length > 0) return !s.notActions.some((p) => wildcardMatch(p, action));
    return s.actions.some((p) => wildcardMatch(p, action));
}

/** Whether the statement applies to every resource (`*`, or NotResource). */
export function onAllResources(s: Statement): boolean {
    return s.resources.includes("*") || s.notResources.length > 0;
}

/** The value a condition sets for `key` under any of `operators`, as strings. */
export function conditionValues(s: Statement, operators: string[], key: string): string[] {
    const out: string[] = [];
    for (const op of operators) {
        const block = s.condition[op];
        if (!block) continue;
        for (const [k, v] of Object.entries(block)) {
            if (k.toLowerCase() === key.toLowerCase()) out.push(...(Array.isArray(v) ? v : [v]).map(String));
        }
    }
    return out;
}
