/**
 * Pulumi project and stack files, read the way the Pulumi CLI reads them. Light on purpose (no
 * `@pulumi/pulumi`): the plan CLI refuses a bad stack name or argument before loading anything heavy.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument, visit, YAMLParseError } from "yaml";

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
const yamlCache = new Map<string, { size: number; mtimeMs: number; value: unknown }>();
function readYaml(file: string, numbersAsWritten = false): unknown {
    const st = fs.statSync(file);
    const cacheKey = `${numbersAsWritten ? "as-written:" : ""}${file}`;
    let hit = yamlCache.get(cacheKey);
    if (!hit || hit.size !== st.size || hit.mtimeMs !== st.mtimeMs) {
        hit = {
            size: st.size,
            mtimeMs: st.mtimeMs,
            value: parseYamlFile(file, fs.readFileSync(file, "utf8"), numbersAsWritten),
        };
        yamlCache.set(cacheKey, hit);
    }
    return structuredClone(hit.value);
}

/**
 * Parses a project or stack file, turning a YAML error into a ProjectError that names the file, the
 * line and, for a key given twice (which the Pulumi CLI refuses too), the key: `Pulumi.dev.yaml:4:
 * the key citadel:vpc.azCount appears twice ...`.
 */
export function parseYamlFile(file: string, text: string, numbersAsWritten = false): unknown {
    try {
        if (!numbersAsWritten) return parse(text);
        const doc = parseDocument(text, { uniqueKeys: true });
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
        return doc.toJS();
    } catch (e) {
        if (!(e instanceof YAMLParseError)) throw e;
        const line = e.linePos?.[0]?.line;
        const where = `${path.relative(process.cwd(), file) || file}${line ? `:${line}` : ""}`;
        if (e.code === "DUPLICATE_KEY" && line) {
            const key =
                text
                    .split(/\r?\n/)
                    [line - 1]?.trim()
                    .replace(/:(\s.*)?$/, "") ?? "";
            throw new ProjectError(
                `${where}: the key ${key} appears twice in the same mapping; ` +
                    "keep one (the Pulumi CLI refuses such a file too)",
            );
        }
        throw new ProjectError(`${where}: not valid YAML: ${e.message.split("\n")[0]}`);
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

export interface StackConfig {
    /** `namespace:key` → string, as the CLI hands config to a program. */
    values: Record<string, string>;
    /** Keys whose value is a secret (the program sees them as Pulumi secrets). */
    secretKeys: string[];
    /** Keys whose `secure:` value could not be decrypted offline and got a stand-in. */
    standIns: string[];
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
    const out: StackConfig = { values: {}, secretKeys: [], standIns: [] };
    const set = (key: string, v: unknown) => {
        out.standIns = out.standIns.filter((k) => k !== key);
        out.secretKeys = out.secretKeys.filter((k) => k !== key);
        if (v instanceof DecryptedSecret) {
            out.values[key] = typeof v.decrypted === "string" ? v.decrypted : JSON.stringify(v.decrypted);
            out.secretKeys.push(key);
        } else if (v && typeof v === "object" && !Array.isArray(v) && "secure" in (v as object)) {
            out.values[key] = secretStandIn(key);
            out.secretKeys.push(key);
            out.standIns.push(key);
        } else {
            out.values[key] = typeof v === "string" ? v : JSON.stringify(v);
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
    const stackFile = (readYaml(path.join(root, `Pulumi.${stack}.yaml`), true) ?? {}) as { config?: unknown };
    for (const [key, v] of Object.entries((stackFile.config ?? {}) as Record<string, unknown>)) set(full(key), v);
    for (const [key, v] of Object.entries(overrides)) {
        if (v === undefined) {
            delete out.values[full(key)];
            out.standIns = out.standIns.filter((k) => k !== full(key));
            out.secretKeys = out.secretKeys.filter((k) => k !== full(key));
        } else {
            set(full(key), v);
        }
    }
    return out;
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
