/**
 * The plan CLI's arguments. Light on purpose (no `@pulumi/pulumi`): bad usage is refused in
 * milliseconds, before the runtime and the program are loaded.
 */
import { configKey } from "./project";

export const PLAN_USAGE =
    "usage: pnpm plan <stack> [--json] [-c <key>=<value>]... [--dir <folder>] " +
    "[--graph <file.svg|file.mmd>] [--policy-config <file>]";

export interface PlanArgs {
    /** `--help` / `-h`: print the usage and exit 0; nothing else is read. @default false */
    help?: boolean;
    /** The stack to plan: `<stack>` of a `Pulumi.<stack>.yaml` in the project folder. */
    stack: string;
    /** `--json`: print the plan as one JSON object (PlanJson) and nothing else. */
    json: boolean;
    /** A CrossGuard pack config file (the one `pulumi preview --policy-pack-config` takes). @default - every rule at its own level */
    policyConfig?: string;
    /** The Pulumi project folder to plan (its Pulumi.yaml and Pulumi.<stack>.yaml). @default - the repository root */
    dir?: string;
    /** `-c key=value` overrides, in order (a later one wins), as `pulumi preview -c` takes them. */
    config: Record<string, string>;
    /** Where to write the architecture diagram: `.svg` (Graphviz) or `.mmd` (Mermaid). @default - no diagram */
    graph?: string;
}

/** A bad argument: the CLI prints the message and the usage, and exits 2. */
export class UsageError extends Error {
    override readonly name = "UsageError";
}

/** The CLI's arguments; throws a UsageError naming the bad argument. */
export function parsePlanArgs(argv: readonly string[]): PlanArgs {
    if (argv.includes("--help") || argv.includes("-h")) return { help: true, stack: "", json: false, config: {} };
    const positional: string[] = [];
    const out: PlanArgs = { stack: "", json: false, config: {} };
    const given = new Set<string>();
    // An option given twice: which one counts would be a guess (a later --dir planned another project).
    const once = (flag: string): void => {
        if (given.has(flag)) throw new UsageError(`${flag} is given twice; give it once`);
        given.add(flag);
    };
    const value = (i: number, flag: string, inline?: string): string => {
        const v = inline ?? argv[i];
        if (v === undefined || v === "" || (inline === undefined && v.startsWith("-"))) {
            throw new UsageError(`${flag} needs a value`);
        }
        return v;
    };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        // npm's habit, `pnpm plan dev -- --json`: pnpm hands the `--` on; it separates nothing here.
        if (a === "--") continue;
        const eq = a.startsWith("--") ? a.indexOf("=") : -1;
        const flag = eq > 0 ? a.slice(0, eq) : a;
        const inline = eq > 0 ? a.slice(eq + 1) : undefined;
        const take = () => (inline !== undefined ? value(i, flag, inline) : value(++i, flag));
        if (flag === "--json" && inline === undefined) {
            once(flag);
            out.json = true;
        } else if (flag === "--policy-config") {
            once(flag);
            out.policyConfig = take();
        } else if (flag === "--dir") {
            once(flag);
            out.dir = take();
        } else if (flag === "--graph") {
            once(flag);
            out.graph = take();
            // A name before the extension: `--graph .svg` would write a hidden file named ".svg".
            if (!/[^/\\]\.(svg|mmd)$/i.test(out.graph)) {
                throw new UsageError(
                    `--graph ${out.graph}: expected a file name ending in .svg (Graphviz) or .mmd (Mermaid), e.g. --graph prod.svg`,
                );
            }
        } else if (flag === "-c" || flag === "--config") {
            const kv = take();
            const at = kv.indexOf("=");
            if (at <= 0) throw new UsageError(`${flag} ${kv}: expected <key>=<value>, e.g. -c vpc.azCount=3`);
            const key = kv.slice(0, at);
            // Like a key given twice in a stack file: which one wins would be a guess.
            if (Object.prototype.hasOwnProperty.call(out.config, key)) {
                throw new UsageError(`${flag} ${key}: the key is given twice; keep one`);
            }
            out.config[key] = kv.slice(at + 1);
        } else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
        else positional.push(a);
    }
    if (positional.length !== 1) {
        throw new UsageError(positional.length ? `one stack expected, got ${positional.join(" ")}` : "no stack given");
    }
    out.stack = positional[0];
    return out;
}

/**
 * Refuses one `-c` key given in two spellings: `vpc.azCount`, `citadel:vpc.azCount` and
 * `citadel:config:vpc.azCount` are the same key in project `citadel` (read as the CLI reads keys,
 * `configKey`), and which value wins would depend on their order.
 */
export function refuseKeyGivenTwice(config: Record<string, string>, project: string): void {
    const seen = new Map<string, string>();
    for (const key of Object.keys(config)) {
        const full = configKey(key, project, (why) => new UsageError(`-c ${key}: the key ${why}`));
        const first = seen.get(full);
        if (first !== undefined) {
            throw new UsageError(`-c ${key}: the same key as -c ${first} (both are ${full}); keep one`);
        }
        seen.set(full, key);
    }
}
