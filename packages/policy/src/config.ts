import * as fs from "fs";
import { closestName } from "@citadel/shared";
import { EnforcementLevel, OptionSchema, Rule } from "./rule";

/**
 * The pack's config: CrossGuard's own format, so one JSON file serves `pulumi preview
 * --policy-pack-config <file>` and `pnpm plan <stack> --policy-config <file>`:
 *
 * ```json
 * { "all": "mandatory",
 *   "elb-deletion-protection": "disabled",
 *   "ec2-no-world-ingress": { "allowedPorts": [80, 443, 11112] },
 *   "s3-access-logging": { "enforcementLevel": "advisory" } }
 * ```
 *
 * A key is a rule's name (or `all`); its value an enforcement level, or an object with an optional
 * `enforcementLevel` and the rule's options. A rule's own level beats `all`, which beats the rule's
 * default.
 */
export type PolicySettings =
    EnforcementLevel | "remediate" | ({ enforcementLevel?: EnforcementLevel | "remediate" } & Record<string, unknown>);
export type PackConfig = Record<string, PolicySettings>;

export const LEVELS = ["mandatory", "advisory", "disabled", "remediate"] as const;

export class PolicyConfigError extends Error {
    constructor(
        readonly key: string,
        readonly value: unknown,
        problem: string,
        allowed: string,
    ) {
        super(`${key}: ${JSON.stringify(value) ?? "(unset)"} ${problem}, allowed ${allowed}`);
        this.name = "PolicyConfigError";
    }
}

export interface ResolvedRule {
    /** The rule. */
    rule: Rule;
    /** "remediate" counts as mandatory: Citadel's rules only validate. */
    level: EnforcementLevel;
    /** The rule's options: the config's values over the defaults of its OptionSchema. */
    options: Record<string, unknown>;
}

/** Each rule with its level and options under `config`; refuses unknown rules, levels and options. */
export function resolveConfig(rules: readonly Rule[], config: PackConfig = {}): ResolvedRule[] {
    const names = new Set(rules.map((r) => r.name));
    for (const key of Object.keys(config)) {
        if (key !== "all" && !names.has(key)) {
            const near = closestName(key, names);
            throw new PolicyConfigError(
                key,
                config[key],
                `names no rule of the pack${near ? ` (did you mean ${near}?)` : ""}`,
                `"all" or a rule name (see packages/policy/README.md)`,
            );
        }
    }
    const all = levelOf("all", config.all);
    return rules.map((rule) => {
        const settings = config[rule.name];
        const level = levelOf(rule.name, settings) ?? all ?? rule.defaultLevel;
        const given = typeof settings === "object" && settings !== null ? settings : {};
        return { rule, level, options: ruleOptions(rule, given) };
    });
}

function levelOf(key: string, settings: PolicySettings | undefined): EnforcementLevel | undefined {
    const level = typeof settings === "object" && settings !== null ? settings.enforcementLevel : settings;
    if (level === undefined) return undefined;
    if (!(LEVELS as readonly unknown[]).includes(level)) {
        throw new PolicyConfigError(
            `${key}.enforcementLevel`,
            level,
            "is not an enforcement level",
            LEVELS.join(" | "),
        );
    }
    return level === "remediate" ? "mandatory" : level;
}

/** A rule's options: its defaults overlaid by `given` (what CrossGuard's `getConfig()` returns). */
export function ruleOptions(rule: Rule, given: Record<string, unknown>): Record<string, unknown> {
    const schema = rule.options as Record<string, OptionSchema>;
    const options: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(given)) {
        if (key === "enforcementLevel") continue;
        if (!schema[key]) {
            const known = Object.keys(schema);
            throw new PolicyConfigError(
                `${rule.name}.${key}`,
                value,
                "is not an option of this rule",
                known.length ? known.join(" | ") : "enforcementLevel only",
            );
        }
    }
    for (const [key, s] of Object.entries(schema)) {
        const value = given[key] ?? s.default;
        checkOption(`${rule.name}.${key}`, value, s);
        options[key] = value;
    }
    return options;
}

function checkOption(key: string, value: unknown, s: OptionSchema | NonNullable<OptionSchema["items"]>): void {
    const fail = (problem: string) => {
        const range =
            s.minimum !== undefined || s.maximum !== undefined ? ` ${s.minimum ?? ""}..${s.maximum ?? ""}` : "";
        throw new PolicyConfigError(
            key,
            value,
            problem,
            `${s.type === "array" ? `an array of ${s.items?.type}` : s.type}${range}`,
        );
    };
    switch (s.type) {
        case "array":
            if (!Array.isArray(value)) fail("is not an array");
            (value as unknown[]).forEach((v, i) => checkOption(`${key}[${i}]`, v, (s as OptionSchema).items!));
            return;
        case "integer":
            if (typeof value !== "number" || !Number.isInteger(value)) fail("is not a whole number");
            if (
                (s.minimum !== undefined && (value as number) < s.minimum) ||
                (s.maximum !== undefined && (value as number) > s.maximum)
            )
                fail("is out of range");
            return;
        default:
            if (typeof value !== s.type) fail(`is not a ${s.type}`);
    }
}

/** Reads a pack config file (JSON), naming the file when it is unreadable. */
export function readPackConfig(file: string): PackConfig {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        throw new PolicyConfigError("--policy-config", file, `cannot be read (${(e as Error).message})`, "a JSON file");
    }
    try {
        const parsed = JSON.parse(text) as unknown;
        if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
        return parsed as PackConfig;
    } catch (e) {
        throw new PolicyConfigError(
            "--policy-config",
            file,
            // JSON.parse quotes the text around the fault, newlines and all: one line here.
            `is not a JSON object (${(e as Error).message.replace(/\s+/g, " ")})`,
            `{ "<rule>": "advisory" | { "enforcementLevel": ..., "<option>": ... } }`,
        );
    }
}
