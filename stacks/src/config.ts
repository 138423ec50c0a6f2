import * as pulumi from "@pulumi/pulumi";
import { ConfigError, KeyOf } from "@citadel/shared";

/**
 * Reads the project's config with the types Pulumi.yaml declares, turning a wrongly typed value
 * into a ConfigError that names the full key. Remembers every key it was asked for, so a test can
 * check that Pulumi.yaml declares them all.
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
        return this.required(key, "a string");
    }

    /** An optional string: empty or unset is undefined. */
    optionalString(key: string): string | undefined {
        const v = this.raw(key);
        return v === undefined || v === "" ? undefined : v;
    }

    integer(key: string): number {
        const v = this.required(key, "a whole number");
        const n = Number(v);
        if (v.trim() === "" || !Number.isInteger(n)) {
            throw new ConfigError(this.full(key), v, "is not a whole number", "an integer");
        }
        return n;
    }

    boolean(key: string): boolean {
        const v = this.required(key, "true | false");
        if (v !== "true" && v !== "false") {
            throw new ConfigError(this.full(key), v, "is not a boolean", "true | false");
        }
        return v === "true";
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
        return parsed as string[];
    }
}
