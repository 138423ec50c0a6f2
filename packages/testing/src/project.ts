/**
 * Pulumi project and stack files, read the way the Pulumi CLI reads them. Light on purpose (no
 * `@pulumi/pulumi`): the plan CLI refuses a bad stack name or argument before loading anything heavy.
 */
import * as fs from "fs";
import * as path from "path";
import { isMap, isScalar, LineCounter, parse, parseDocument, visit, YAMLParseError } from "yaml";

/** The repository root: where the root Pulumi.yaml is. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface ProjectFile {
    /** The project name (`name:` in Pulumi.yaml). */
    name: string;
    /** The program's entry, relative to the project folder (Pulumi's default: the folder itself). */
    main?: string;
    /** The project's config schema: key → `{ type, default, secret, ... }`, as Pulumi.yaml declares it. */
    config?: Record<string, unknown>;
}

/** A stack name with no `Pulumi.<stack>.yaml`: a usage error, reported without a stack trace. */
export class UnknownStackError extends Error {
    override readonly name = "UnknownStackError";
}

/** A folder that is not a Pulumi project (no Pulumi.yaml): a usage error too. */
export class ProjectError extends Error {
    override readonly name = "ProjectError";
}

export function listStacks(root = REPO_ROOT): string[] {
    return fs
        .readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

/**
 * A YAML file's parsed content, parsed again only when the file changes (size or mtime): the tests
 * read the same project and stack files for hundreds of config cases, and parsing them was a third
 * of that work. Each caller gets its own copy, so nobody can edit the cached one.
 */
const yamlCache = new Map<string, { size: number; mtimeMs: number; parsed: ParsedYaml }>();
function readYamlWithLines(file: string, numbersAsWritten = false): ParsedYaml {
    const st = fs.statSync(file);
    const cacheKey = `${numbersAsWritten ? "as-written:" : ""}${file}`;
    let hit = yamlCache.get(cacheKey);
    if (!hit || hit.size !== st.size || hit.mtimeMs !== st.mtimeMs) {
        hit = {
            size: st.size,
            mtimeMs: st.mtimeMs,
            parsed: parseYaml(file, fs.readFileSync(file, "utf8"), numbersAsWritten),
        };
        yamlCache.set(cacheKey, hit);
    }
    return { value: structuredClone(hit.parsed.value), lines: hit.parsed.lines };
}
function readYaml(file: string, numbersAsWritten = false): unknown {
    return readYamlWithLines(file, numbersAsWritten).value;
}

/**
 * A parsed file and, for a stack file, the line of each top-level key (`config`) and of each config
 * key (`config\0citadel:vpc.azCount`), so a refusal can name the line.
 */
interface ParsedYaml {
    value: unknown;
    lines: ReadonlyMap<string, number>;
}

/** `file` as the user would type it: relative to the working folder when inside it. */
function shown(file: string): string {
    return path.relative(process.cwd(), file) || file;
}

/**
 * Parses a project or stack file, turning a YAML error into a ProjectError that names the file, the
 * line and, for a key given twice (which the Pulumi CLI refuses too), the key: `Pulumi.dev.yaml:4:
 * the key citadel:vpc.azCount appears twice ...`.
 */
export function parseYamlFile(file: string, text: string, numbersAsWritten = false): unknown {
    return parseYaml(file, text, numbersAsWritten).value;
}

function parseYaml(file: string, text: string, numbersAsWritten: boolean): ParsedYaml {
    const lines = new Map<string, number>();
    try {
        if (!numbersAsWritten) return { value: parse(text), lines };
        const lineCounter = new LineCounter();
        const doc = parseDocument(text, { uniqueKeys: true, lineCounter });
        if (doc.errors.length > 0) throw doc.errors[0];
        // A stack file's `3.0`, `2.0000000000000001`, `0x10` or `.inf` would reach the program as
        // "3", "2", "16" or "null": keep the text as written, so an integer key refuses it by name.
        visit(doc, {
            Scalar(_key, node) {
                if (
                    typeof node.value === "number" &&
                    node.source !== undefined &&
                    !/^-?(0|[1-9][0-9]*)$/.test(node.source)
                )
                    node.value = node.source;
            },
        });
        const lineOf = (node: unknown) => {
            const offset = (node as { range?: [number, number, number] } | null)?.range?.[0];
            return offset === undefined ? undefined : lineCounter.linePos(offset).line;
        };
        if (isMap(doc.contents)) {
            for (const top of doc.contents.items) {
                const name = isScalar(top.key) ? String(top.key.value) : undefined;
                const line = lineOf(top.key);
                if (name === undefined || line === undefined) continue;
                lines.set(name, line);
                if (name === "config" && isMap(top.value)) {
                    for (const entry of top.value.items) {
                        const l = lineOf(entry.key);
                        if (isScalar(entry.key) && l !== undefined) lines.set(`config\0${String(entry.key.value)}`, l);
                    }
                }
            }
        }
        return { value: doc.toJS(), lines };
    } catch (e) {
        if (!(e instanceof YAMLParseError)) throw e;
        const pos = e.linePos?.[0];
        const where = `${shown(file)}${pos ? `:${pos.line}` : ""}`;
        if (e.code === "DUPLICATE_KEY" && pos) {
            const key =
                text
                    .split(/\r?\n/)
                    [pos.line - 1]?.trim()
                    .replace(/:(\s.*)?$/, "") ?? "";
            throw new ProjectError(
                `${where}: the key ${key} appears twice in the same mapping; ` +
                    "keep one (the Pulumi CLI refuses such a file too)",
            );
        }
        if (e.code === "MULTIPLE_DOCS") {
            // Go's yaml.Unmarshal, which the Pulumi CLI uses, reads the first document and drops the rest.
            throw new ProjectError(
                `${where}: a second YAML document starts here (---), allowed one document per file ` +
                    "(the Pulumi CLI would read only the first and ignore this one)",
            );
        }
        // The library's first line ends with its own " at line L, column C:" before a code excerpt;
        // the place is already in front (file:line), so keep the sentence and say the column plainly.
        const sentence = e.message
            .split("\n")[0]
            .replace(/\s+at line \d+, column \d+:?\s*$/, "")
            .replace(/[\s:]+$/, "");
        throw new ProjectError(`${where}: not valid YAML: ${sentence}${pos ? ` (column ${pos.col})` : ""}`);
    }
}

export function readProject(root = REPO_ROOT): ProjectFile {
    const file = path.join(root, "Pulumi.yaml");
    if (!fs.existsSync(file)) throw new ProjectError(`${root} is not a Pulumi project: it has no Pulumi.yaml`);
    const project = readYaml(file) as ProjectFile;
    if (!project || typeof project.name !== "string") throw new ProjectError(`${file} has no project name`);
    return project;
}

/** The stand-in the offline plan uses for a `secure:` value it cannot decrypt. */
export function secretStandIn(key: string): string {
    return `offline-plan-stand-in-for-${key.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

/**
 * A config override that the program sees as a `secure:` value Pulumi decrypted: marked secret (as
 * the CLI marks it, through PULUMI_CONFIG_SECRET_KEYS) and with this plain value, where a
 * `{ secure: ... }` override gets the offline plan's stand-in text. For tests of what a program does
 * with a secret.
 */
export class DecryptedSecret {
    constructor(readonly decrypted: unknown) {}
}

/** `runStack("prod", { "citadel:x": decryptedSecret("value") })`: see DecryptedSecret. */
export function decryptedSecret(value: unknown): DecryptedSecret {
    return new DecryptedSecret(value);
}

/**
 * A `secure:` config value as the Pulumi CLI recognises one (Go `config.isSecureValue`): a mapping
 * whose only key is `secure`, with text. Anything else, `{ secure: x, note: y }` included, is an
 * object value the program reads as JSON.
 */
function isSecureValue(v: unknown): boolean {
    if (!v || typeof v !== "object" || Array.isArray(v)) return false;
    const keys = Object.keys(v);
    return keys.length === 1 && keys[0] === "secure" && typeof (v as { secure: unknown }).secure === "string";
}

export interface StackConfig {
    /** `namespace:key` → string, as the CLI hands config to a program. */
    values: Record<string, string>;
    /** Keys whose value is a secret (the program sees them as Pulumi secrets). */
    secretKeys: string[];
    /** Keys whose `secure:` value could not be decrypted offline and got a stand-in. */
    standIns: string[];
    /**
     * The Pulumi ESC environments the stack file imports (`environment:`): the CLI would merge their
     * config and secrets in; offline there is no ESC, so the plan runs without them and says so.
     */
    environments: string[];
}

/** Fails with a clear message when `stack` has no stack file in `root`. */
export function checkStack(stack: string, root = REPO_ROOT): void {
    const stacks = listStacks(root);
    if (!stacks.includes(stack)) {
        throw new UnknownStackError(
            `unknown stack ${JSON.stringify(stack)}: there is no Pulumi.${stack}.yaml` +
                `${root === REPO_ROOT ? "" : ` in ${root}`}; allowed ${stacks.join(", ") || "(none)"}`,
        );
    }
}

/**
 * The config the Pulumi CLI would hand the program for this stack: the project's schema defaults
 * and project-level values, overlaid by the stack file, overlaid by `overrides` (`undefined`
 * removes a key; a key without a namespace gets the project's, as `pulumi config set` does).
 * A `secure:` value gets a stand-in string, listed in `standIns`, and is marked secret.
 */
export function readStackConfig(stack: string, overrides: Record<string, unknown> = {}, root = REPO_ROOT): StackConfig {
    checkStack(stack, root);
    const project = readProject(root);
    const full = (key: string) => (key.includes(":") ? key : `${project.name}:${key}`);
    const out: StackConfig = { values: {}, secretKeys: [], standIns: [], environments: [] };
    const set = (key: string, v: unknown) => {
        out.standIns = out.standIns.filter((k) => k !== key);
        out.secretKeys = out.secretKeys.filter((k) => k !== key);
        if (v instanceof DecryptedSecret) {
            out.values[key] = typeof v.decrypted === "string" ? v.decrypted : JSON.stringify(v.decrypted);
            out.secretKeys.push(key);
        } else if (isSecureValue(v)) {
            out.values[key] = secretStandIn(key);
            out.secretKeys.push(key);
            out.standIns.push(key);
        } else {
            // A `secure:` value inside an object or list is decrypted by the CLI too, and the whole
            // key is then a secret: each gets the stand-in here.
            let nested = false;
            const standIn = (x: unknown): unknown => {
                if (isSecureValue(x)) {
                    nested = true;
                    return secretStandIn(key);
                }
                if (Array.isArray(x)) return x.map(standIn);
                if (x && typeof x === "object") {
                    return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, standIn(y)]));
                }
                return x;
            };
            const plain = standIn(v);
            // A key with no value (`key:`) is the empty string to the CLI (with a warning), not "null".
            out.values[key] = typeof plain === "string" ? plain : plain === null ? "" : JSON.stringify(plain);
            if (nested) {
                out.secretKeys.push(key);
                out.standIns.push(key);
            }
        }
    };
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        if (decl && typeof decl === "object" && !Array.isArray(decl) && !("secure" in decl)) {
            const d = decl as { default?: unknown; value?: unknown };
            const v = d.value ?? d.default;
            if (v !== undefined) set(full(key), v);
        } else if (decl !== undefined) {
            set(full(key), decl);
        }
    }
    const stackFile = path.join(root, `Pulumi.${stack}.yaml`);
    for (const [key, v] of Object.entries(readStackFile(stackFile, project.name))) {
        set(key, v);
    }
    out.environments = stackEnvironments(stackFile);
    for (const [given, v] of Object.entries(overrides)) {
        const key = configKey(
            given,
            project.name,
            (why) => new ProjectError(`config key ${given} (an override) ${why}`),
        );
        if (v === undefined) {
            delete out.values[key];
            out.standIns = out.standIns.filter((k) => k !== key);
            out.secretKeys = out.secretKeys.filter((k) => k !== key);
        } else {
            set(key, v);
        }
    }
    return out;
}

/**
 * The top-level settings of a stack file, as Pulumi's stack settings file reference lists them
 * (https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/). The CLI's loader (Go
 * yaml into `workspace.ProjectStack`) drops any other key without a word, so a `confg:` typo loses
 * the whole config and the program later says a required key is unset: the plan refuses it instead.
 */
export const STACK_FILE_KEYS = ["secretsprovider", "encryptedkey", "encryptionsalt", "config", "environment"] as const;

/** What the plan says a value is: "a list", "a number", "text", ... */
function kindOf(v: unknown): string {
    if (v === null) return "null";
    if (Array.isArray(v)) return "a list";
    if (typeof v === "object") return "a mapping";
    if (typeof v === "string") return "text";
    return `a ${typeof v}`;
}

function suggestion(name: string, candidates: readonly string[]): string {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- @citadel/shared loads @pulumi/pulumi, kept off the CLI's fast refusal path
    const { closestName } = require("@citadel/shared") as typeof import("@citadel/shared");
    const near = closestName(name, candidates);
    return near ? ` (did you mean ${near}?)` : "";
}

/**
 * A config key as the Pulumi CLI reads it (Go `config.ParseKey`,
 * https://www.pulumi.com/docs/iac/concepts/config/): `<namespace>:<key>`; `<namespace>:config:<key>`,
 * the older spelling, is the same key; a key with no colon gets the project's namespace (the CLI
 * rewrites a stack file's `instanceSize:` to `<project>:instanceSize`, and `pulumi config set`
 * does the same); any other colon is refused, by the CLI too.
 */
export function configKey(key: string, project: string, refuse: (why: string) => Error): string {
    const parts = key.split(":");
    if (parts.length === 1) return `${project}:${key}`;
    if (parts.length === 2) return key;
    if (parts.length === 3 && parts[1] === "config") return `${parts[0]}:${parts[2]}`;
    throw refuse(
        `has ${parts.length - 1} colons (did you mean ${parts[0]}:${parts.slice(1).join(".")}?), ` +
            "allowed <namespace>:<key> with one colon, or <namespace>:config:<key>; the Pulumi CLI refuses it too",
    );
}

/**
 * A stack file's config, keys namespaced as the Pulumi CLI namespaces them; refuses, naming the
 * file, the line and the key, what the CLI would refuse or silently drop: a top level that is not
 * a mapping (an empty file is no config), an unknown top-level key, a `config` that is not a
 * mapping, a key that is not `<namespace>:<key>`, and one key written two ways.
 */
export function readStackFile(file: string, project: string): Record<string, unknown> {
    const { value, lines } = readYamlWithLines(file, true);
    const at = (key?: string) => {
        const line = key === undefined ? undefined : lines.get(key);
        return `${shown(file)}${line ? `:${line}` : ""}`;
    };
    if (value === null || value === undefined) return {};
    const allowed = STACK_FILE_KEYS.join(", ");
    if (typeof value !== "object" || Array.isArray(value)) {
        throw new ProjectError(
            `${at()}: the file is ${kindOf(value)}, allowed a mapping of ${allowed} (or an empty file)`,
        );
    }
    const settings = value as Record<string, unknown>;
    for (const name of Object.keys(settings)) {
        if (!(STACK_FILE_KEYS as readonly string[]).includes(name)) {
            throw new ProjectError(
                `${at(name)}: ${name} is not a stack file setting${suggestion(name, STACK_FILE_KEYS)}, ` +
                    `allowed ${allowed} (the Pulumi CLI would ignore it and everything under it)`,
            );
        }
    }
    for (const name of ["secretsprovider", "encryptedkey", "encryptionsalt"]) {
        const v = settings[name];
        if (v !== undefined && v !== null && typeof v === "object") {
            throw new ProjectError(`${at(name)}: ${name} is ${kindOf(v)}, allowed text`);
        }
    }
    const config = settings.config ?? {};
    if (typeof config !== "object" || Array.isArray(config)) {
        throw new ProjectError(
            `${at("config")}: config is ${kindOf(config)}, allowed a mapping of <namespace>:<key> to values ` +
                "(e.g. aws:region: eu-west-1)",
        );
    }
    const out: Record<string, unknown> = {};
    const writtenAs = new Map<string, string>();
    for (const [given, v] of Object.entries(config as Record<string, unknown>)) {
        const where = at(`config\0${given}`);
        const key = configKey(given, project, (why) => new ProjectError(`${where}: config key ${given} ${why}`));
        const earlier = writtenAs.get(key);
        if (earlier !== undefined) {
            throw new ProjectError(
                `${where}: config key ${given}${given === key ? "" : ` (${key})`} is already given as ${earlier}; keep one ` +
                    "(the Pulumi CLI would keep either, at random)",
            );
        }
        writtenAs.set(key, given);
        out[key] = v;
    }
    return out;
}

/**
 * The ESC environments a stack file imports: `environment:` is a list of names (or one name), or
 * an inline environment definition (a mapping), shown as such.
 * https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/
 */
function stackEnvironments(file: string): string[] {
    const value = readYaml(file, true) as { environment?: unknown } | null;
    const env = value?.environment;
    if (env === undefined || env === null) return [];
    if (Array.isArray(env)) return env.map((e) => (typeof e === "string" ? e : JSON.stringify(e)));
    return [typeof env === "string" ? env : "(an inline environment definition)"];
}

/** The flat config (`namespace:key` → string) the CLI would pass; see `readStackConfig`. */
export function stackConfig(
    stack: string,
    overrides: Record<string, unknown> = {},
    root = REPO_ROOT,
): Record<string, string> {
    return readStackConfig(stack, overrides, root).values;
}

/** The program's entry module: the project's `main`, else the folder (its package.json `main` or index). */
export function programPath(root = REPO_ROOT): string {
    return path.resolve(root, readProject(root).main ?? ".");
}
