/**
 * `pnpm urns [--update] [--dir <folder>] [stack...]`: checks (or, with --update, rewrites) each
 * stack's `Pulumi.<stack>.urns.json`, the URNs of its stateful resources. Default: every stack of
 * the project. Exits 1 when a check fails, naming the resource and how to keep it.
 */
import * as path from "path";
import { listStacks, REPO_ROOT } from "./project";

async function main(argv: string[]): Promise<number> {
    let update = false;
    let root = REPO_ROOT;
    const stacks: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--update") update = true;
        else if (argv[i] === "--dir" && argv[i + 1]) root = path.resolve(argv[++i]);
        else if (argv[i].startsWith("-")) {
            process.stderr.write(
                `urns: unknown option ${argv[i]}\nusage: pnpm urns [--update] [--dir <folder>] [stack...]\n`,
            );
            return 2;
        } else stacks.push(argv[i]);
    }
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

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
        process.stderr.write(
            `urns failed: ${["ConfigError", "UnknownStackError", "ProjectError"].includes(err.name) ? err.message : err.stack}\n`,
        );
        process.exit(2);
    },
);
