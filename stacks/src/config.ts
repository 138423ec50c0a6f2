import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    closestName,
    ConfigError,
    ConfigSecrets,
    declaredConfig,
    HIDDEN,
    isPlanStandIn,
    isSecretConfig,
    KeyDeclaration,
    KeyOf,
    partitionOf,
    refuseUndeclaredKeys,
    requireSafeText,
    stackRegion,
} from "@citadel/shared";

export type { KeyDeclaration };

/** Pulumi.yaml beside the program (`stacks/` is the project's `main`): the declared keys. */
export function declaredKeys(
    projectFile = path.join(__dirname, "..", "..", "Pulumi.yaml"),
): Record<string, KeyDeclaration> {
    return declaredConfig(projectFile);
}

/** The declared key closest to `key` (case differences cost nothing, other edits one each). */
export function closestKey(key: string, declared: readonly string[]): string | undefined {
    return closestName(key, declared);
}

export { stackRegion };

/**
 * Only for the offline plan, which cannot decrypt `secure:` values: what a secret key reads as when
 * its Pulumi.yaml default would not do because the stack needs a value of that shape (a certificate
 * when the app or edge is on, a subscriber in a protected stack). Reached only through
 * `isPlanStandIn` (the plan's exact stand-in text on a secret key); `pulumi preview` and `up`
 * decrypt the real value and check it. Every other key reads as its default.
 */
const PLAN_STAND_INS: Record<string, () => unknown> = {
    "app.certificateArn": () =>
        `arn:${partitionOf(stackRegion()) ?? "aws"}:acm:${stackRegion()}:000000000000:certificate/00000000-0000-0000-0000-000000000000`,
    "edge.certificateArn": () => "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000",
    "edge.originDomainName": () => "origin.example.com",
    "app.registry": () => "registry.example.com/stand-in",
    "app.registryCredentialsSecretArn": () =>
        `arn:${partitionOf(stackRegion()) ?? "aws"}:secretsmanager:${stackRegion()}:000000000000:secret:stand-in-AbCdEf`,
    "uploads.allowedOrigins": () => ["https://stand-in.example.com"],
    "operations.alerts.emails": () => ["stand-in@example.com"],
    "orthanc.webCidrs": () => ["192.0.2.0/24"],
    "orthanc.dicomCidrs": () => ["198.51.100.0/24"],
};

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
    /** Every key asked for, without the namespace: tests check that Pulumi.yaml declares each. */
    readonly keysRead = new Set<string>();

    /**
     * `secrets` (from `keepConfigSecrets`, the program's first statement) learns the values read
     * in place of a secret the offline plan cannot decrypt, so they stay secret like the real one.
     */
    constructor(
        readonly namespace: string,
        private readonly secrets?: ConfigSecrets,
    ) {
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
    refuseUnknownKeys(declared: readonly string[]): void {
        refuseUndeclaredKeys(this.namespace, declared);
    }

    /**
     * Keys whose `secure:` value the offline plan could not decrypt: read as their Pulumi.yaml
     * default (or, where the stack needs a value of a shape, PLAN_STAND_INS) instead, so format
     * checks (which `pulumi preview` and `up` run on the decrypted value) do not fail on the plan's
     * stand-in text. A real value is always checked.
     */
    readonly standIns = new Set<string>();

    /**
     * The same error with secret values kept out of it: a ConfigError about a key whose value is a
     * secret shows `(secret, not shown)` instead of the value; one about a key the plan could not
     * decrypt says so.
     */
    redact(e: unknown): unknown {
        if (!(e instanceof ConfigError)) return e;
        const key = [...this.keysRead].map((k) => this.full(k)).find((k) => e.key === k || e.key.startsWith(`${k}[`));
        if (!key) return e;
        const standIn = this.standIns.has(key.slice(this.namespace.length + 1));
        if (!isSecretConfig(key) && !standIn) return e;
        // The problem may quote the value (`repeats "x"`): every string of the secret is masked there too.
        const raw = this.config.get(key.slice(this.namespace.length + 1)) ?? "";
        let parts: unknown;
        try {
            parts = JSON.parse(raw);
        } catch {
            parts = raw;
        }
        const secrets = [
            raw,
            ...(Array.isArray(parts)
                ? parts.flatMap((p) => (typeof p === "object" && p !== null ? Object.values(p) : [p]))
                : []),
        ]
            .filter((x): x is string => typeof x === "string" && x.length >= 3)
            .sort((a, b) => b.length - a.length);
        const mask = (text: string) =>
            secrets.reduce(
                (t, v) => t.split(v).join("(secret)").split(JSON.stringify(v).slice(1, -1)).join("(secret)"),
                text,
            );
        return new ConfigError(
            e.key,
            HIDDEN,
            standIn
                ? `${e.problem} (the offline plan cannot decrypt this secure: value and planned with a stand-in; pulumi preview checks the real value)`
                : mask(e.problem),
            e.allowed,
        );
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
        const v = this.config.get(key);
        if (v !== undefined && isPlanStandIn(this.full(key), v)) {
            this.standIns.add(key);
            const shaped = PLAN_STAND_INS[key]?.();
            this.secrets?.add(shaped);
            if (shaped !== undefined) return typeof shaped === "string" ? shaped : JSON.stringify(shaped);
            const d = this.declared()[key]?.default;
            this.secrets?.add(d);
            return d === undefined ? undefined : typeof d === "string" ? d : JSON.stringify(d);
        }
        return v;
    }

    private declarations?: Record<string, KeyDeclaration>;
    private declared(): Record<string, KeyDeclaration> {
        this.declarations ??= this.namespace === "citadel" ? declaredKeys() : {};
        return this.declarations;
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
