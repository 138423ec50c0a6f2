/**
 * Secret config stays secret wherever it goes. A program reads config as plain values (it must: the
 * validators check the text, the components lowercase it, embed it in JSON policy documents, URLs
 * and cloud-config), and that plain text would then reach resource inputs, Pulumi state and
 * `pulumi preview` unmasked. `keepConfigSecrets` registers one stack transformation that looks at
 * every resource's inputs as they are registered and turns every string that holds a secret
 * config value into a Pulumi secret (Pulumi masks it in state, in preview, and in the outputs the
 * provider echoes under the same name); the program wraps its exports in `exports()` likewise.
 *
 * Why a transformation rather than `pulumi.secret(...)` at each use: a value crosses many
 * components, some of which transform it before use, and a single forgotten call site would leak
 * it. The transformation sees every resource, including a component's children, whatever shape
 * the value has taken.
 *
 * Why `registerStackTransformation` (run in the program, on the inputs the program built) rather
 * than `registerResourceTransform` (run by the engine over RPC): both see every resource of the
 * stack, but the latter needs the engine's callback server, which the mock runtime (and so the
 * offline plan and the tests) lacks; the former runs the same code in both.
 */
import * as zlib from "zlib";
import * as pulumi from "@pulumi/pulumi";
import { isSecretConfig } from "./project-config";

/**
 * Shortest secret text matched inside other strings. A shorter `secure:` value (a number, `true`,
 * an enumeration such as `ecr`) would match unrelated text everywhere; such values shape the
 * resources themselves (their count, their kind) and cannot be hidden by masking strings.
 */
export const MIN_SECRET_LENGTH = 4;

/** Input properties whose value the provider echoes under another output name. */
const DERIVED_OUTPUTS: Record<string, string[]> = { tags: ["tagsAll"] };

/**
 * The secret config values of the running stack and the means to keep them secret. Create it with
 * `keepConfigSecrets()` as the program's first statement.
 */
export class ConfigSecrets {
    private readonly needles = new Set<string>();
    private pattern?: RegExp;

    /** Treats `value` (a string, or a list or object of strings) as secret from now on. */
    add(value: unknown): void {
        for (const s of leafStrings(value)) {
            if (s.length < MIN_SECRET_LENGTH) continue;
            // The forms a value takes on its way to a resource: as given, lowercased (emails,
            // host names), and escaped inside a JSON document (policies, container definitions).
            for (const form of [
                s,
                s.toLowerCase(),
                JSON.stringify(s).slice(1, -1),
                JSON.stringify(s.toLowerCase()).slice(1, -1),
            ]) {
                this.needles.add(form.toLowerCase());
            }
            this.pattern = undefined;
        }
    }

    /** Whether `text` holds a secret value (case-insensitively), also inside base64 or gzipped base64 (user data). */
    holdsSecret(text: string): boolean {
        if (this.needles.size === 0 || text.length < MIN_SECRET_LENGTH) return false;
        this.pattern ??= new RegExp(
            [...this.needles]
                .sort((a, b) => b.length - a.length)
                .map(escapeRegExp)
                .join("|"),
            "i",
        );
        if (this.pattern.test(text)) return true;
        const decoded = decodeBase64(text);
        return decoded !== undefined && this.pattern.test(decoded);
    }

    /**
     * `v` with every string that holds a secret value made a Pulumi secret, where it is: plain
     * objects and lists are walked, an Output or a promise is looked into once it resolves.
     * Resources, assets and other class instances are passed through. Only the leaf that holds the
     * secret is secret, so `pulumi preview` still shows the rest of a structure.
     */
    mark<T>(v: T): T {
        if (this.needles.size === 0) return v;
        return this.walk(v) as T;
    }

    /** The stack outputs, with every value that holds a secret made a Pulumi secret. */
    exports<T extends Record<string, unknown>>(outputs: T): T {
        return this.mark(outputs);
    }

    private walk(v: unknown): unknown {
        if (typeof v === "string") return this.holdsSecret(v) ? pulumi.secret(v) : v;
        if (v === null || typeof v !== "object") return v;
        if (pulumi.Output.isInstance(v)) return (v as pulumi.Output<unknown>).apply((x: unknown) => this.walk(x));
        if (v instanceof Promise)
            return (pulumi.output(v as pulumi.Input<unknown>) as pulumi.Output<unknown>).apply((x: unknown) =>
                this.walk(x),
            );
        if (Array.isArray(v)) return v.map((x) => this.walk(x));
        const proto = Object.getPrototypeOf(v);
        if (proto !== Object.prototype && proto !== null) return v;
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v)) out[k] = this.walk(x);
        return out;
    }

    /**
     * The stack transformation: every resource's input properties through `mark`, and the outputs
     * the provider derives from a secret input under another name (`tags` → `tagsAll`) listed in
     * `additionalSecretOutputs`. Pulumi itself marks an output secret when the input of the same
     * name was.
     */
    readonly transformation: pulumi.ResourceTransformation = (args) => {
        if (this.needles.size === 0) return undefined;
        const props = this.mark(args.props);
        // additionalSecretOutputs is an option of custom resources only.
        // (`isInstance` reads a flag set only once the constructor returns; the prototype is there already.)
        const derived = !(args.resource instanceof pulumi.CustomResource)
            ? []
            : Object.entries(DERIVED_OUTPUTS)
                  .filter(([input]) => args.props[input] !== undefined && this.holdsPlainSecret(args.props[input]))
                  .flatMap(([, outputs]) => outputs);
        if (derived.length === 0) return { props, opts: args.opts };
        const given = (args.opts as pulumi.CustomResourceOptions).additionalSecretOutputs ?? [];
        const additional = [...new Set([...given, ...derived])];
        return { props, opts: { ...args.opts, additionalSecretOutputs: additional } as pulumi.CustomResourceOptions };
    };

    /**
     * Whether a plain value holds a secret. Tags given as an Output are not looked into here: the
     * option must be set before the Output resolves (their `tags` input is still made secret).
     */
    private holdsPlainSecret(v: unknown): boolean {
        return leafStrings(v).some((s) => this.holdsSecret(s));
    }
}

/**
 * For a program's first statement (after the stack exists, i.e. inside the program): collects the
 * value of every config key the stack marks secret (`secure:`, any namespace) and registers the
 * transformation that makes every resource input holding one of them a Pulumi secret. Returns the
 * collection, for `add` (values the program derives in place of a secret, e.g. the offline plan's
 * stand-ins) and `exports` (the stack outputs).
 */
export function keepConfigSecrets(config: Record<string, string> = pulumi.runtime.allConfig()): ConfigSecrets {
    const secrets = new ConfigSecrets();
    for (const [key, value] of Object.entries(config)) {
        if (!isSecretConfig(key)) continue;
        let parsed: unknown;
        try {
            parsed = JSON.parse(value);
        } catch {
            parsed = value;
        }
        // A list's or object's strings, a plain string, a number's text; never `true`/`false`,
        // which would match half of every policy document.
        secrets.add(typeof parsed === "number" ? value : typeof parsed === "boolean" ? undefined : parsed);
    }
    pulumi.runtime.registerStackTransformation(secrets.transformation);
    return secrets;
}

function leafStrings(v: unknown): string[] {
    if (typeof v === "string") return [v];
    if (Array.isArray(v)) return v.flatMap(leafStrings);
    if (v && typeof v === "object" && !pulumi.Output.isInstance(v) && !(v instanceof Promise)) {
        const proto = Object.getPrototypeOf(v);
        if (proto === Object.prototype || proto === null) return Object.values(v).flatMap(leafStrings);
    }
    return [];
}

function escapeRegExp(s: string): string {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The text inside base64 (optionally gzipped, as user data often is), or undefined if it is not that. */
function decodeBase64(text: string): string | undefined {
    if (text.length < 16 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
    const bytes = Buffer.from(text, "base64");
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
        try {
            return zlib.gunzipSync(bytes).toString("utf8");
        } catch {
            return undefined;
        }
    }
    return bytes.toString("utf8");
}
