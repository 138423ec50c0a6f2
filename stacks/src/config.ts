import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { ConfigError, KeyOf, requireSafeText } from "@citadel/shared";

/** A key's declaration in Pulumi.yaml's `config:` schema. */
export interface KeyDeclaration {
    type?: string;
    default?: unknown;
    description?: string;
}

/** Pulumi.yaml beside the program (`stacks/` is the project's `main`): the declared keys. */
export function declaredKeys(projectFile = path.join(__dirname, "..", "..", "Pulumi.yaml")): Record<string, KeyDeclaration> {
    const project = parse(fs.readFileSync(projectFile, "utf8")) as { config?: Record<string, KeyDeclaration> };
    return Object.fromEntries(Object.entries(project.config ?? {}).filter(([k]) => !k.includes(":")));
}

/** Edit distance, for suggesting the declared key a misspelled one meant. */
function distance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return row[b.length];
}

/** The declared key closest to `key` (case differences cost nothing, other edits one each). */
export function closestKey(key: string, declared: readonly string[]): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    for (const d of declared) {
        const score = distance(key.toLowerCase(), d.toLowerCase());
        if (score < bestScore) { best = d; bestScore = score; }
    }
    // Beyond a third of the key's length the "closest" key is a guess, not a suggestion.
    return bestScore <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;

/**
 * Reads the project's config with the types Pulumi.yaml declares, turning a wrongly typed value
 * into a ConfigError that names the full key, the value and what is allowed. Every string that
 * reaches the program is refused if it holds a control character or a line separator: such values
 * end up in rendered files (cloud-config, shell, nginx, JSON, systemd units) where they could break
 * out of their line. Remembers every key it was asked for, so a test can check that Pulumi.yaml
 * declares them all.
 */
export class ConfigReader {
    private readonly config: pulumi.Config;
    readonly keysRead = new Set<string>();

    constructor(readonly namespace: string) {
        this.config = new pulumi.Config(namespace);
    }

    full(key: string): string {
        return `${this.namespace}:${key}`;
    }

    /**
     * Refuses any `<namespace>:` key that `declared` (Pulumi.yaml) does not list: a misspelled key
     * would otherwise be ignored and its default used (`orthanc.db.deletionprotection: true` leaving
     * the database unprotected). Suggests the closest declared key.
     */
    refuseUnknownKeys(declared: readonly string[], given: readonly string[] = Object.keys(pulumi.runtime.allConfig())): void {
        const prefix = `${this.namespace}:`;
        const known = new Set(declared);
        for (const full of [...given].sort()) {
            if (!full.startsWith(prefix)) continue;
            const key = full.slice(prefix.length);
            if (known.has(key)) continue;
            const near = closestKey(key, declared);
            throw new ConfigError(full, pulumi.runtime.allConfig()[full], "is not a key Pulumi.yaml declares" +
                (near ? ` (did you mean ${this.full(near)}?)` : ""), `one of the ${declared.length} keys declared in Pulumi.yaml`);
        }
    }

    /**
     * Names a component's argument by the config key a user writes: `prefix` + the argument path,
     * except where `renamed` maps an argument to a key spelled differently.
     */
    keyOf(prefix: string, renamed: Record<string, string> = {}): KeyOf {
        return (field) => this.full(renamed[field] ?? `${prefix}${field}`);
    }

    private raw(key: string): string | undefined {
        this.keysRead.add(key);
        return this.config.get(key);
    }

    private required(key: string, type: string): string {
        const v = this.raw(key);
        if (v === undefined) {
            throw new ConfigError(this.full(key), undefined, "is not set (Pulumi.yaml declares its default)", type);
        }
        return v;
    }

    string(key: string): string {
        return requireSafeText(this.full(key), this.required(key, "a string"));
    }

    /** An optional string: empty or unset is undefined. */
    optionalString(key: string): string | undefined {
        const v = this.raw(key);
        return v === undefined || v === "" ? undefined : requireSafeText(this.full(key), v);
    }

    /** One of `allowed`, exactly (case included): an empty or unknown value is refused, never defaulted. */
    oneOf<T extends string>(key: string, allowed: readonly T[]): T {
        const v = this.required(key, allowed.join(" | "));
        if (!(allowed as readonly string[]).includes(v)) {
            throw new ConfigError(this.full(key), v, "is not a known value", allowed.join(" | "));
        }
        return v as T;
    }

    /** A whole number in decimal (no `0x5a`, `90e0`, `1.0`, `+3` or leading zeros) within `min..max`. */
    integer(key: string, min: number, max: number): number {
        const range = `an integer in ${min}..${max}`;
        const v = this.required(key, range);
        if (!INTEGER.test(v) || !Number.isSafeInteger(Number(v))) {
            throw new ConfigError(this.full(key), v, "is not a whole number", range);
        }
        const n = Number(v);
        if (n < min || n > max) throw new ConfigError(this.full(key), n, "is out of range", `${min}..${max}`);
        return n;
    }

    boolean(key: string): boolean {
        const v = this.required(key, "true | false");
        if (v !== "true" && v !== "false") {
            throw new ConfigError(this.full(key), v, "is not a boolean", "true | false");
        }
        return v === "true";
    }

    /** A list of objects (a YAML list of mappings); each object's fields are checked by the component. */
    objectList(key: string): Array<Record<string, unknown>> {
        const v = this.required(key, "a list of objects");
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.some((x) => x === null || typeof x !== "object" || Array.isArray(x))) {
            throw new ConfigError(this.full(key), v, "is not a list of objects", "a YAML list of mappings");
        }
        return parsed as Array<Record<string, unknown>>;
    }

    stringList(key: string): string[] {
        const v = this.required(key, "a list of strings");
        let parsed: unknown;
        try {
            parsed = JSON.parse(v);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || parsed.some((x) => typeof x !== "string")) {
            throw new ConfigError(this.full(key), v, "is not a list of strings", 'a YAML list, e.g. ["kms", "ssm"]');
        }
        for (const item of parsed as string[]) requireSafeText(this.full(key), item);
        return parsed as string[];
    }
}
