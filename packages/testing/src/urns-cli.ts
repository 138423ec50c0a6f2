/**
 * `pnpm urns [--update] [--dir <folder>] [stack...]`: checks (or, with --update, rewrites) each
 * stack's `Pulumi.<stack>.urns.json`, the URNs of its stateful resources. Default: every stack of
 * the project. Exits 1 when a check fails, naming the resource and how to keep it.
 */
import * as fs from "fs";
import * as path from "path";
import { listStacks, REPO_ROOT } from "./project";

export const URNS_USAGE = "usage: pnpm urns [--update] [--dir <folder>] [stack...]";

/**
 * The command line of `pnpm urns`: `--update`, `--dir <folder>` (an existing folder) and stack
 * names, each option once. Returns the options, or the one-line refusal naming the argument, its
 * value and what is allowed. `isDir` decides whether a folder exists (a test passes its own).
 */
export function parseUrnsArgs(
    argv: readonly string[],
    isDir: (dir: string) => boolean = (dir) => fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory() ?? false,
): { update: boolean; root: string; stacks: string[] } | { problem: string } {
    let update = false;
    let root = REPO_ROOT;
    const stacks: string[] = [];
    const seen = new Set<string>();
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--update" || arg === "--dir") {
            if (seen.has(arg)) return { problem: `urns: ${arg} is given twice, allowed once` };
            seen.add(arg);
        }
        if (arg === "--update") update = true;
        else if (arg === "--dir") {
            const dir = argv[i + 1];
            if (dir === undefined || dir.startsWith("-"))
                return { problem: "urns: --dir has no value, allowed a folder holding a Pulumi project's stacks" };
            if (!isDir(dir))
                return {
                    problem: `urns: --dir ${JSON.stringify(dir)} is not an existing folder, allowed a folder holding a Pulumi project's stacks`,
                };
            root = path.resolve(dir);
            i++;
        } else if (arg.startsWith("-"))
            return {
                problem: `urns: ${JSON.stringify(arg)} is not an option, allowed --update, --dir <folder>, stack names`,
            };
        else stacks.push(arg);
    }
    return { update, root, stacks };
}

async function main(argv: string[]): Promise<number> {
    const parsed = parseUrnsArgs(argv);
    if ("problem" in parsed) {
        process.stderr.write(`${parsed.problem}\n${URNS_USAGE}\n`);
        return 2;
    }
    const { update, root, stacks } = parsed;
    const all = listStacks(root);
    for (const s of stacks) {
        if (!all.includes(s)) {
            process.stderr.write(`urns: unknown stack ${JSON.stringify(s)}; allowed ${all.join(", ")}\n`);
            return 2;
        }
    }
    /* eslint-disable @typescript-eslint/no-require-imports -- loaded after the arguments are checked: a usage error answers without loading @pulumi/pulumi */
    const { runStack } = require("./stack") as typeof import("./stack");
    const { checkUrnPins, readPinFile, writePinFile, pinFilePath, URNS_UPDATE_COMMAND } =
        require("./urns") as typeof import("./urns");
    /* eslint-enable @typescript-eslint/no-require-imports */
    let failed = false;
    for (const stack of stacks.length ? stacks : all) {
        const run = await runStack(stack, {}, root);
        if (update) {
            const file = writePinFile(stack, run.project, run.resources, root);
            process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
            continue;
        }
        const pins = readPinFile(stack, root);
        if (!pins) {
            process.stderr.write(
                `stack ${stack}: no ${path.relative(process.cwd(), pinFilePath(stack, root))}; run ${URNS_UPDATE_COMMAND}\n`,
            );
            failed = true;
            continue;
        }
        const problems = checkUrnPins(pins, run.resources);
        for (const p of problems) process.stderr.write(`${p}\n`);
        if (problems.length === 0)
            process.stdout.write(`stack ${stack}: ${pins.urns.length} stateful URNs as pinned\n`);
        failed ||= problems.length > 0;
    }
    return failed ? 1 : 0;
}

if (require.main === module) {
    main(process.argv.slice(2)).then(
        (code) => process.exit(code),
        (err: Error) => {
            process.stderr.write(
                `urns failed: ${["ConfigError", "UnknownStackError", "ProjectError"].includes(err.name) ? err.message : err.stack}\n`,
            );
            process.exit(2);
        },
    );
}
