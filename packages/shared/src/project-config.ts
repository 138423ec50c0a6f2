/**
 * The project's config schema (the `config:` block of Pulumi.yaml) as the one list of keys a stack
 * may set: a misspelled key is refused, with the closest declared key, instead of being ignored
 * while its default silently applies (`orthanc.db.deletionprotection: true` leaving a database
 * unprotected). The root program and every example call the same function.
 */
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { closestName, requireRegion } from "./aws-names";
import { ConfigError, HIDDEN, KEY_ONLY } from "./errors";

/** A key's declaration in Pulumi.yaml's `config:` schema. */
export interface KeyDeclaration {
    /** `string`, `integer`, `boolean` or `array`. @default - untyped */
    type?: string;
    /** The value when the stack's file does not set the key. @default - none: the key is then unset */
    default?: unknown;
    /** What the key means, its allowed values and its unit. */
    description?: string;
}

/**
 * The keys `projectFile` (a Pulumi.yaml) declares in its own namespace, with their declarations.
 * Keys with a namespace (`aws:region`) are project-level values for other packages, not declarations.
 */
export function declaredConfig(projectFile: string): Record<string, KeyDeclaration> {
    // Parsed again only when the file changes: a test suite reads config hundreds of times.
    const st = fs.statSync(projectFile);
    const hit = declarationCache.get(projectFile);
    if (hit && hit.size === st.size && hit.mtimeMs === st.mtimeMs) return structuredClone(hit.value);
    const value = parseDeclarations(projectFile);
    declarationCache.set(projectFile, { size: st.size, mtimeMs: st.mtimeMs, value });
    return structuredClone(value);
}

const declarationCache = new Map<string, { size: number; mtimeMs: number; value: Record<string, KeyDeclaration> }>();

function parseDeclarations(projectFile: string): Record<string, KeyDeclaration> {
    // Loaded here, not at import: a program that never reads Pulumi.yaml does not pay for the parser.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
    const { parse, YAMLParseError } = require("yaml") as typeof import("yaml");
    const text = fs.readFileSync(projectFile, "utf8");
    let project: { config?: Record<string, KeyDeclaration> } | null;
    try {
        project = parse(text) as typeof project;
    } catch (e) {
        if (!(e instanceof YAMLParseError)) throw e;
        // Named like any other bad input: the file and line, the key given twice.
        const line = e.linePos?.[0]?.line;
        const where = `${projectFile}${line ? `:${line}` : ""}`;
        if (e.code === "DUPLICATE_KEY" && line) {
            throw new ConfigError(
                where,
                text
                    .split(/\r?\n/)
                    [line - 1]?.trim()
                    .replace(/:(\s.*)?$/, ""),
                "is given twice in the same mapping",
                "each key once (the Pulumi CLI refuses such a file too)",
            );
        }
        throw new ConfigError(where, e.message.split("\n")[0], "is a YAML error", "a valid Pulumi.yaml");
    }
    return Object.fromEntries(Object.entries(project?.config ?? {}).filter(([k]) => !k.includes(":")));
}

/**
 * Refuses any `<namespace>:` key in the stack's config that `declared` does not list, suggesting
 * the closest declared key and listing the declared keys when there are at most 12. The message
 * names the key, not its value (`citadel:vpc.azcount is not a key Pulumi.yaml declares (did you
 * mean citadel:vpc.azCount?), allowed ...`). Call it before reading any value.
 */
export function refuseUndeclaredKeys(
    namespace: string,
    declared: readonly string[],
    given: Record<string, string> = pulumi.runtime.allConfig(),
): void {
    const prefix = `${namespace}:`;
    const known = new Set(declared);
    for (const full of Object.keys(given).sort()) {
        // A misspelled namespace (`citadell:`, `Citadel:`) hides the key from everyone: refused too.
        const ns = full.slice(0, full.indexOf(":"));
        if (ns !== namespace && ns !== "aws" && closestName(ns, [namespace, "aws"]) !== undefined) {
            const key = full.slice(ns.length + 1);
            const meant = closestName(ns, [namespace, "aws"]);
            throw new ConfigError(
                full,
                KEY_ONLY,
                `is in namespace ${ns}, which no program or provider of this project reads (did you mean ${meant}:${key}?)`,
                `${namespace}: keys declared in Pulumi.yaml, or aws: provider settings`,
            );
        }
        if (full.startsWith("aws:")) {
            requireProviderSetting(full);
            continue;
        }
        if (!full.startsWith(prefix)) continue;
        const key = full.slice(prefix.length);
        if (known.has(key)) continue;
        const near = closestName(key, declared);
        throw new ConfigError(
            full,
            KEY_ONLY,
            "is not a key Pulumi.yaml declares" + (near ? ` (did you mean ${prefix}${near}?)` : ""),
            declaredKeys(prefix, declared),
        );
    }
}

/** Up to this many declared keys, the undeclared-key message lists them all. */
const LISTED_KEYS = 12;

/** What an undeclared key's message allows: the declared keys, listed when there are few. */
function declaredKeys(prefix: string, declared: readonly string[]): string {
    const what =
        declared.length === 1
            ? "the 1 key declared in Pulumi.yaml"
            : `one of the ${declared.length} keys declared in Pulumi.yaml`;
    if (declared.length === 0 || declared.length > LISTED_KEYS) return what;
    const keys = [...declared].sort().map((k) => prefix + k);
    return `${what}: ${keys.join(", ")}`;
}

/** Whether the stack's value for `fullKey` (`namespace:key`) is a secret (`secure:` in the stack file). */
export function isSecretConfig(fullKey: string): boolean {
    // `isConfigSecret` is what `pulumi.Config.getSecret` builds on; it is not in the typings.
    const f = (pulumi.runtime as unknown as { isConfigSecret?: (k: string) => boolean }).isConfigSecret;
    return typeof f === "function" ? f(fullKey) : false;
}

/**
 * The text the offline plan (`pnpm plan`, @citadel/testing) puts in place of a `secure:` value it
 * cannot decrypt. A program recognises it (the exact text, on a secret key) so that the value's
 * format checks, which `pulumi preview` and `up` run on the decrypted value, do not fail the plan.
 */
export function planStandIn(fullKey: string): string {
    return `offline-plan-stand-in-for-${fullKey.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

/** Whether `value` is the offline plan's stand-in for the secret `fullKey` (never true under `pulumi up`). */
export function isPlanStandIn(fullKey: string, value: string | undefined): boolean {
    return value === planStandIn(fullKey) && isSecretConfig(fullKey);
}

/**
 * For a program's first line: refuses any key of the project's namespace that the Pulumi.yaml in
 * `projectDir` (the program's folder: `__dirname` of its main module) does not declare, naming the
 * closest declared key. `pulumi.Config` would otherwise hand the program `undefined` for a
 * misspelled key and its default would apply silently.
 */
export function refuseUndeclaredProjectKeys(
    projectDir: string,
    given: Record<string, string> = pulumi.runtime.allConfig(),
    project: string = pulumi.getProject(),
): void {
    refuseUndeclaredKeys(project, Object.keys(declaredConfig(path.join(projectDir, "Pulumi.yaml"))), given);
    // A key in any other namespace (`citadel:vpc.azCount` on an example) is read by nobody: the
    // stack would deploy without it, so it is refused rather than ignored.
    for (const full of Object.keys(given).sort()) {
        const ns = full.slice(0, Math.max(0, full.indexOf(":")));
        if (ns === project || ns === "aws") continue;
        throw new ConfigError(
            full,
            KEY_ONLY,
            `is in namespace ${ns || "(none)"}, which this program (${project}) does not read`,
            `${project}: keys declared in Pulumi.yaml, or aws: provider settings`,
        );
    }
}

const DECIMAL_INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * The integer config value `key` of `config` (a `pulumi.Config` of the project's namespace), read
 * strictly: plain decimal digits only. `pulumi.Config.getNumber` parses like `parseFloat`, so
 * `3abc` and `"3 4"` would read as 3, `1e1` as 10 and `0x14` as 0; these are refused here.
 * Unset reads as `fallback` (the Pulumi.yaml default).
 * @throws ConfigError naming `<project>:<key>`, the value and `min..max`, when the value is not a
 *   whole decimal number, is unset without a fallback, or lies outside `min..max`.
 */
export function configInteger(config: pulumi.Config, key: string, min: number, max: number, fallback?: number): number {
    const full = `${config.name}:${key}`;
    const range = `an integer in ${min}..${max}`;
    const v = config.get(key);
    if (v === undefined) {
        if (fallback === undefined) throw new ConfigError(full, undefined, "is not set", range);
        return fallback;
    }
    if (!DECIMAL_INTEGER.test(v) || !Number.isSafeInteger(Number(v))) {
        throw new ConfigError(full, v, "is not a whole number", range);
    }
    const n = Number(v);
    if (n < min || n > max) throw new ConfigError(full, n, "is out of range", `${min}..${max}`);
    return n;
}

/**
 * The boolean config value `key` of `config`, read strictly: exactly `true` or `false` (not `TRUE`,
 * `yes`, `1`). `pulumi.Config.getBoolean` throws a stack trace on anything else. Unset reads as
 * `fallback` (the Pulumi.yaml default).
 * @throws ConfigError naming `<project>:<key>` and the value, when it is neither, or is unset
 *   without a fallback.
 */
export function configBoolean(config: pulumi.Config, key: string, fallback?: boolean): boolean {
    const full = `${config.name}:${key}`;
    const v = config.get(key);
    if (v === undefined) {
        if (fallback === undefined) throw new ConfigError(full, undefined, "is not set", "true | false");
        return fallback;
    }
    if (v !== "true" && v !== "false") throw new ConfigError(full, v, "is not a boolean", "true | false");
    return v === "true";
}

/**
 * The stack's region, checked before anything that depends on it (certificate and secret ARNs,
 * the backup copy region): `aws:region`, or the AWS_REGION / AWS_DEFAULT_REGION environment
 * variables the provider falls back to.
 */
export function stackRegion(): string {
    const configured = new pulumi.Config("aws").get("region");
    if (configured !== undefined && isPlanStandIn("aws:region", configured)) {
        // The offline plan cannot decrypt a secure: region, and no region makes a plan: say so,
        // rather than call its stand-in text a bad region name.
        throw new ConfigError(
            "aws:region",
            HIDDEN,
            "is secure: the offline plan cannot decrypt it",
            "the region in clear (a region name is not a secret), or -c aws:region=<region> for the plan",
        );
    }
    if (configured !== undefined) return requireRegion("aws:region", configured);
    const env = process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (env === undefined) {
        // Region comes first, so a misspelled `aws:regoin` would otherwise surface only as "not set".
        const typo = Object.keys(pulumi.runtime.allConfig()).find(
            (k) => k.toLowerCase().startsWith("aws:") && closestName(k, ["aws:region"]) === "aws:region",
        );
        throw new ConfigError(
            "aws:region",
            undefined,
            `is not set (nor AWS_REGION)${typo ? `; ${typo} is set: did you mean aws:region?` : ""}`,
            "an AWS region name, e.g. eu-west-1",
        );
    }
    return requireRegion(
        process.env.AWS_REGION !== undefined
            ? "AWS_REGION (aws:region is unset)"
            : "AWS_DEFAULT_REGION (aws:region is unset)",
        env,
    );
}

let awsSettings: string[] | undefined;
/**
 * An `aws:` key the AWS provider reads (its config settings, e.g. `aws:region`, `aws:profile`,
 * `aws:defaultTags`): a misspelled one (`aws:regoin`) would be ignored and the provider would fall
 * back to the environment's region.
 */
function requireProviderSetting(fullKey: string): void {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at import
    awsSettings ??= Object.keys(require("@pulumi/aws/config/vars") as object);
    const key = fullKey.slice("aws:".length);
    if (awsSettings.includes(key)) return;
    const near = closestName(key, awsSettings);
    throw new ConfigError(
        fullKey,
        KEY_ONLY,
        `is not a setting of the AWS provider${near ? ` (did you mean aws:${near}?)` : ""}`,
        `one of the ${awsSettings.length} settings @pulumi/aws reads, e.g. aws:region, aws:profile`,
    );
}
