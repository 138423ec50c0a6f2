import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { capture, installMocks, Recording, runtimeSettings } from "./harness";
import { programPath, readProject, readStackConfig, REPO_ROOT } from "./project";

export * from "./project";

export interface StackRun extends Recording {
    /** The project name the program ran as. */
    project: string;
    /** The stack whose config the program read. */
    stack: string;
    /** The project folder the program ran from. */
    root: string;
    /** Stack outputs, resolved. */
    outputs: Record<string, unknown>;
    /** The flat config the program ran with (`namespace:key` → string), as the CLI would pass it. */
    config: Record<string, string>;
    /** Keys whose `secure:` value the plan could not decrypt and replaced by a stand-in. */
    secretStandIns: string[];
    /** The ESC environments the stack file imports, whose config the offline run does not have. */
    environments: string[];
}

const runs = new Map<string, Promise<StackRun>>();

/**
 * Runs the program of the Pulumi project in `root` (default: the repository's `stacks/`) for
 * `Pulumi.<stack>.yaml` under the mock runtime and returns what it registered and exported.
 * `overrides` replaces config values (`undefined` removes one).
 *
 * A program run is deterministic, so successful runs are memoised by (stack, overrides, root):
 * several test files asking for the prod stack pay for one run. Treat the result as read-only;
 * pass `{ fresh: true }` to run again regardless.
 */
export function runStack(
    stack: string,
    overrides: Record<string, unknown> = {},
    root = REPO_ROOT,
    opts: { fresh?: boolean } = {},
): Promise<StackRun> {
    const key = JSON.stringify([stack, Object.entries(overrides).sort(), path.resolve(root)]);
    const cached = runs.get(key);
    if (cached && !opts.fresh) return cached;
    const run = runStackOnce(stack, overrides, path.resolve(root));
    runs.set(key, run);
    run.catch(() => runs.delete(key));
    return run;
}

/**
 * Loads the program as the Pulumi Node.js host does: a module exporting a function (or a default
 * export that is one) is called and what it returns becomes the stack's outputs; otherwise the
 * module's own exports are the outputs. A module that registers resources at import time is loaded
 * afresh on each run (its files leave the require cache), so a second run registers them again.
 */
async function loadAndRun(entry: string, root: string): Promise<Record<string, unknown>> {
    const resolved = require.resolve(entry);
    const prior = require.cache[resolved]?.exports;
    if (prior !== undefined && !isProgramFunction(prior)) {
        for (const file of Object.keys(require.cache)) {
            if (file.startsWith(root + path.sep) && !file.includes(`${path.sep}node_modules${path.sep}`))
                delete require.cache[file];
        }
    }
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the program is a path known only at run time, loaded (and reloaded) through the require cache
    const m = require(resolved);
    const fn = typeof m === "function" ? m : typeof m?.default === "function" ? m.default : undefined;
    const out = fn ? await fn() : m;
    return (out ?? {}) as Record<string, unknown>;
}

function isProgramFunction(m: any): boolean {
    return typeof m === "function" || typeof m?.default === "function";
}

async function runStackOnce(stack: string, overrides: Record<string, unknown>, root: string): Promise<StackRun> {
    const cfg = readStackConfig(stack, overrides, root);
    const project = readProject(root).name;
    pulumi.runtime.setAllConfig(cfg.values, cfg.secretKeys);
    installMocks({ project, stack });
    const entry = programPath(root);
    let outputs: Record<string, unknown> = {};
    // The program is loaded inside the stack, after the mocks: it may look things up or register
    // resources at import time.
    const rec = await capture(
        async () => {
            outputs = (await pulumi.runtime.runInPulumiStack(() => loadAndRun(entry, root))) ?? {};
        },
        { isolate: false },
    );
    await runtimeSettings.waitForRPCs();
    return {
        ...rec,
        project,
        stack,
        root,
        outputs,
        config: cfg.values,
        secretStandIns: cfg.standIns,
        environments: cfg.environments,
    };
}
