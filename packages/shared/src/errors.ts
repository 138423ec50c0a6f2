import * as pulumi from "@pulumi/pulumi";

/**
 * The one error type for bad input. Its message always has the same shape, so a user can find the
 * offending key at once: `<key>: <value> <problem>, allowed <what is allowed>` (`<key> <problem>, ...`
 * when the key itself is wrong, see KEY_ONLY).
 *
 * `key` is whatever the user wrote: a stack config key (`citadel:vpc.azCount`) when the stack program
 * validates config, or a component argument (`SecureVpc net: azCount`) when a component validates
 * its args.
 *
 * It is a Pulumi `RunError`: under `pulumi up` and `preview` the CLI prints its one-line message and
 * exits, without the unhandled-exception report and stack trace. Checks that can only run once a
 * value resolves (inside an `apply`) throw a `ResourceError` with the same message instead
 * (`lateConfigError`), which Pulumi attaches to the resource.
 */
export class ConfigError extends pulumi.RunError {
    constructor(
        readonly key: string,
        readonly value: unknown,
        readonly problem: string,
        readonly allowed: string,
    ) {
        super(
            value === KEY_ONLY
                ? `${key} ${problem}, allowed ${allowed}`
                : `${key}: ${formatValue(value)} ${problem}, allowed ${allowed}`,
        );
        this.name = "ConfigError";
    }
}

/**
 * Stands for a value that must not appear in a message (a secret config value, a credential):
 * `new ConfigError(key, HIDDEN, ...)` prints `(secret, not shown)`.
 */
export const HIDDEN: unique symbol = Symbol("hidden value");

/**
 * Stands for the value when the key itself is what is wrong (a key nobody declares or reads):
 * `new ConfigError(key, KEY_ONLY, ...)` prints `<key> <problem>, allowed <what is allowed>`, so the
 * value cannot be taken for the key.
 */
export const KEY_ONLY: unique symbol = Symbol("the key is wrong, whatever its value");

/** Values longer than this (as printed, in characters) are cut to their first FORMAT_KEEP characters in messages. */
export const FORMAT_LIMIT = 120;
const FORMAT_KEEP = 80;

/** One printed character or escape sequence of JSON text: a cut never splits either. */
const JSON_TOKEN = /\\u[0-9A-Fa-f]{4}|\\.|[^]/gu;

/**
 * A value as messages print it: JSON (so invisible characters show as escapes); when longer than
 * 120 characters, cut after its first 80 so one bad value cannot flood the terminal, yet still one
 * token: a string as `"aaaa…" (10000 characters)` (the quote closed after the `…`; the count is the
 * value's, in characters), another value as `["x","x",…" (401 characters as JSON)` with a string the
 * cut falls in closed the same way. A cut never splits a character or an escape sequence. HIDDEN
 * prints as `(secret, not shown)`.
 */
export function formatValue(value: unknown): string {
    if (value === undefined) return "(unset)";
    if (value === HIDDEN) return "(secret, not shown)";
    let text: string | undefined;
    try {
        text = JSON.stringify(value);
    } catch {
        // A BigInt, a cycle: printed as String() does, with no quotes to track.
    }
    const isJson = text !== undefined;
    text ??= String(value);
    // JSON leaves U+0085, the line/paragraph separators and other invisible format characters (bidi
    // overrides, zero-width) as they are: escaped here so a refused value cannot break or disguise
    // the message's line.
    text = text.replace(
        /[\u0085\p{Zl}\p{Zp}\p{Cf}]/gu,
        (c) => `\\u${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`,
    );
    if ([...text].length <= FORMAT_LIMIT) return text;
    let kept = "";
    let length = 0;
    let inString = false;
    for (const [token] of text.matchAll(JSON_TOKEN)) {
        const size = [...token].length;
        if (length + size > FORMAT_KEEP) break;
        if (isJson && token === '"') inString = !inString;
        kept += token;
        length += size;
    }
    const close = inString ? '"' : "";
    const size =
        typeof value === "string"
            ? `${[...value].length} characters`
            : `${[...text].length} characters${isJson ? " as JSON" : ""}`;
    return `${kept}…${close} (${size})`;
}

/** Builds the key names used in messages: `keyOf("azCount")` → `"citadel:vpc.azCount"`. */
export type KeyOf = (field: string) => string;

/** Messages from a component name the component and the argument: `SecureVpc "net": azCount`. */
export function argKeys(component: string, name: string): KeyOf {
    return (field) => `${component} "${name}": ${field}`;
}

/** Messages from stack config name the config key: `citadel:vpc.azCount`. */
export function configKeys(prefix: string): KeyOf {
    return (field) => `${prefix}${field}`;
}

export function requireInteger(key: string, value: unknown, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value)) {
        throw new ConfigError(key, value, "is not a whole number", `${min}..${max}`);
    }
    if (value < min || value > max) {
        throw new ConfigError(key, value, "is out of range", `${min}..${max}`);
    }
    return value;
}

export function requireOneOf<T extends string>(key: string, value: unknown, allowed: readonly T[]): T {
    if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
        throw new ConfigError(key, value, "is not a known value", allowed.join(" | "));
    }
    return value as T;
}

export function requireNonEmptyString(key: string, value: unknown, allowed: string): string {
    if (typeof value !== "string" || value.trim() === "") {
        throw new ConfigError(key, value, "is not a non-empty string", allowed);
    }
    return value;
}

/** Rejects repeated entries in a list, naming the first repeat. */
export function requireUnique(key: string, values: readonly string[], allowed: string): void {
    const seen = new Set<string>();
    for (const v of values) {
        if (seen.has(v)) throw new ConfigError(key, values, `repeats ${JSON.stringify(v)}`, allowed);
        seen.add(v);
    }
}

/**
 * For checks that must wait for a resolved value: the same message as ConfigError, as a Pulumi
 * `ResourceError` on the component (stack hidden), so the CLI reports it against that resource.
 */
export function lateConfigError(
    resource: pulumi.Resource | undefined,
    key: string,
    value: unknown,
    problem: string,
    allowed: string,
): pulumi.ResourceError {
    return new pulumi.ResourceError(new ConfigError(key, value, problem, allowed).message, resource, true);
}

/**
 * A component's first check: its args are an object. Called with `undefined` or `null` (a
 * JavaScript caller, or `new SecureVpc("net", undefined as any)`), a component would otherwise die
 * on a TypeError naming a property, not the argument.
 */
export function requireArgs(component: string, name: string, args: unknown): void {
    if (args === null || typeof args !== "object" || Array.isArray(args)) {
        throw new ConfigError(
            `${component} ${JSON.stringify(name)}: args`,
            args,
            "is not an object",
            `${component}Args, an object with the component's arguments (see its README)`,
        );
    }
}

/**
 * A required argument that may be a `pulumi.Input<string>`: refused when missing or empty (an
 * Output is accepted now and resolved by Pulumi). Without it, Pulumi's own "Missing required
 * property" names the AWS resource's property, or a service default (an AWS-managed key) applies.
 */
export function requireInput(key: string, value: unknown, allowed: string): void {
    if (
        value === undefined ||
        value === null ||
        value === "" ||
        (typeof value !== "string" &&
            !pulumi.Output.isInstance(value) &&
            !(typeof value === "object" && typeof (value as PromiseLike<unknown>).then === "function"))
    ) {
        throw new ConfigError(key, value, "is required", allowed);
    }
}

/**
 * Refuses arguments renamed in a breaking release, naming the new name. TypeScript programs get a
 * type error for the old name; JavaScript, Python and Go programs would silently lose the setting
 * (the default would apply), so the old name is refused at run time as well. `renamed` maps old
 * paths (`"flowLogs.retentionInDays"`) to new names.
 */
export function refuseRenamed(keyOf: KeyOf, args: object | undefined, renamed: Record<string, string>): void {
    for (const [old, now] of Object.entries(renamed)) {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any -- walks any args object by a dotted path
        let value: any = args;
        for (const part of old.split(".")) value = value === undefined || value === null ? undefined : value[part];
        if (value !== undefined) {
            const path = old.split(".").slice(0, -1).concat(now).join(".");
            throw new ConfigError(
                keyOf(old),
                value,
                `is the old name of ${path}`,
                `${path} (renamed in 0.2.0: one name per concept across Citadel)`,
            );
        }
    }
}

/**
 * Validates a string argument that may be another resource's output (an ARN, a name): a plain string
 * now, before anything is registered (ConfigError); an Output or Promise once it resolves, as a
 * ResourceError with the same message, reported against the resource that consumes the returned
 * value. Use the returned value downstream so the late check is on the path to that resource.
 * `undefined` passes through (optional arguments check their presence themselves).
 */
export function checkedInput<T extends pulumi.Input<string> | undefined>(
    key: string,
    value: T,
    check: (key: string, value: unknown) => unknown,
): T {
    if (value === undefined) return value;
    if (typeof value === "string") {
        check(key, value);
        return value;
    }
    return pulumi.output(value).apply((resolved) => {
        try {
            check(key, resolved);
        } catch (e) {
            if (e instanceof ConfigError) throw lateConfigError(undefined, e.key, e.value, e.problem, e.allowed);
            throw e;
        }
        return resolved;
    }) as unknown as T;
}
