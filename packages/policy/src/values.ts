/**
 * Reading resource properties safely. During `pulumi preview` a property computed from a resource
 * that does not exist yet (an id, an ARN, a policy rendered from an ARN) is unknown. The CrossGuard
 * adapter replaces such values by `UNKNOWN`, and every rule reads properties through the helpers
 * below, which never turn an unknown value into a violation: a rule that cannot tell stays silent.
 */

/** Stands for a value that cannot be known before the deployment creates it. */
export const UNKNOWN: unique symbol = Symbol.for("citadel.policy.unknown");
export type Unknown = typeof UNKNOWN;

export function isUnknown(v: unknown): v is Unknown {
    return v === UNKNOWN;
}

/** True when the value, or anything inside it, is unknown. */
export function hasUnknown(v: unknown): boolean {
    if (isUnknown(v)) return true;
    if (Array.isArray(v)) return v.some(hasUnknown);
    if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
    return false;
}

/**
 * True only when the value is known and `ok` rejects it. The one way rules test a property, so an
 * unknown value never produces a violation.
 */
export function fails<T>(v: T | Unknown | undefined, ok: (v: T | undefined) => boolean): boolean {
    return !hasUnknown(v) && !ok(v as T | undefined);
}

/** `true`, or the string "true" (launch templates type their EBS flags as strings). */
export function isTrue(v: unknown): boolean {
    return v === true || v === "true";
}

export function isFalse(v: unknown): boolean {
    return v === false || v === "false";
}

/** A list property as an array; absent is empty; an unknown list is empty (nothing to judge). */
export function list<T>(v: readonly T[] | T | Unknown | undefined | null): T[] {
    if (v === undefined || v === null || isUnknown(v)) return [];
    return Array.isArray(v) ? [...v] : [v as T];
}

/** A non-empty known string. */
export function isSet(v: unknown): boolean {
    return typeof v === "string" ? v.trim() !== "" : v !== undefined && v !== null && v !== false;
}

/**
 * A JSON document property (IAM policies, container definitions), parsed. Objects pass through
 * (`@pulumi/aws` also accepts policy documents as objects); unparsable text gives `undefined`.
 */
export function parseJson(v: unknown): unknown {
    if (isUnknown(v)) return UNKNOWN;
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
}

/** IAM-style wildcard match (`*` any run, `?` one character), case-insensitive, as IAM matches actions. */
export function wildcardMatch(pattern: string, value: string): boolean {
    const body = pattern
        .split(/([*?])/)
        .map((part) => (part === "*" ? ".*" : part === "?" ? "." : part.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
        .join("");
    return new RegExp(`^${body}$`, "i").test(value);
}
