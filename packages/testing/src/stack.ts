import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { capture, installMocks, Recording, runtimeSettings } from "./harness";

/** The repository root: where Pulumi.yaml is. */
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface ProjectFile {
    name: string;
    config?: Record<string, unknown>;
}

export interface StackRun extends Recording {
    project: string;
    stack: string;
    /** Stack outputs, resolved. */
    outputs: Record<string, unknown>;
    /** The flat config the program ran with (`namespace:key` → string), as the CLI would pass it. */
    config: Record<string, string>;
}

/** A stack name with no `Pulumi.<stack>.yaml`: a usage error, reported without a stack trace. */
export class UnknownStackError extends Error {
    override readonly name = "UnknownStackError";
}

export function listStacks(root = REPO_ROOT): string[] {
    return fs.readdirSync(root)
        .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
        .filter((s): s is string => !!s)
        .sort();
}

export function readProject(root = REPO_ROOT): ProjectFile {
    return parse(fs.readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as ProjectFile;
}

function asConfigString(key: string, v: unknown): string {
    if (v && typeof v === "object" && "secure" in (v as object)) {
        throw new Error(`${key} is an encrypted secret, which the offline plan cannot decrypt; ` +
            `pass a stand-in value through runStack's overrides`);
    }
    return typeof v === "string" ? v : JSON.stringify(v);
}

/**
 * The config the Pulumi CLI would hand the program for this stack: the project's schema defaults
 * and project-level values, overlaid by the stack file, overlaid by `overrides`.
 */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}, root = REPO_ROOT):
    Record<string, string> {
    const stacks = listStacks(root);
    if (!stacks.includes(stack)) {
        throw new UnknownStackError(`unknown stack ${JSON.stringify(stack)}: there is no Pulumi.${stack}.yaml; ` +
            `allowed ${stacks.join(", ")}`);
    }
    const project = readProject(root);
    const config: Record<string, string> = {};
    for (const [key, decl] of Object.entries(project.config ?? {})) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        if (decl && typeof decl === "object" && !Array.isArray(decl)) {
            const d = decl as { default?: unknown; value?: unknown };
            const v = d.value ?? d.default;
            if (v !== undefined) config[full] = asConfigString(full, v);
        } else if (decl !== undefined) {
            config[full] = asConfigString(full, decl);
        }
    }
    const stackFile = parse(fs.readFileSync(path.join(root, `Pulumi.${stack}.yaml`), "utf8")) ?? {};
    for (const [key, v] of Object.entries((stackFile.config ?? {}) as Record<string, unknown>)) {
        const full = key.includes(":") ? key : `${project.name}:${key}`;
        config[full] = asConfigString(full, v);
    }
    for (const [key, v] of Object.entries(overrides)) {
        if (v === undefined) delete config[key];
        else config[key] = asConfigString(key, v);
    }
    return config;
}

const runs = new Map<string, Promise<StackRun>>();

/**
 * Runs the `stacks/` program for `Pulumi.<stack>.yaml` under the mock runtime and returns what it
 * registered and exported. `overrides` replaces config values (`undefined` removes one).
 *
 * A program run is deterministic, so successful runs are memoised by (stack, overrides, root):
 * several test files asking for the prod stack pay for one run. Treat the result as read-only;
 * pass `{ fresh: true }` to run again regardless.
 */
export function runStack(stack: string, overrides: Record<string, unknown> = {}, root = REPO_ROOT,
    opts: { fresh?: boolean } = {}): Promise<StackRun> {
    const key = JSON.stringify([stack, Object.entries(overrides).sort(), root]);
    const cached = runs.get(key);
    if (cached && !opts.fresh) return cached;
    const run = runStackOnce(stack, overrides, root);
    runs.set(key, run);
    run.catch(() => runs.delete(key));
    return run;
}

async function runStackOnce(stack: string, overrides: Record<string, unknown>, root: string): Promise<StackRun> {
    const config = stackConfig(stack, overrides, root);
    const project = readProject(root).name;
    pulumi.runtime.setAllConfig(config);
    installMocks({ project, stack });
    // Loaded only now, after the mocks: the program may look things up at import time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const program = require(path.join(root, "stacks")) as () => Promise<Record<string, unknown>>;
    let outputs: Record<string, unknown> = {};
    const rec = await capture(async () => {
        outputs = (await pulumi.runtime.runInPulumiStack(program)) ?? {};
    }, { isolate: false });
    await runtimeSettings.waitForRPCs();
    return { ...rec, project, stack, outputs, config };
}
