/**
 * `pnpm plan <stack> [--json] [-c key=value]... [--dir <folder>] [--graph <file>] [--policy-config <file>]`:
 * the program of a Pulumi project (default: the repository root) under the mock runtime, with no AWS
 * account and no Pulumi CLI, and the policy pack evaluated over what it registered (with the JSON
 * config file `pulumi preview --policy-pack-config` takes, if given). Exits 1 on a mandatory policy
 * violation, 2 on bad usage, a bad policy config or a program error.
 *
 * Arguments and the stack name are checked with light modules first; `@pulumi/pulumi`, the policy
 * pack and the program are loaded only once the command is known to be well-formed.
 */
import * as fs from "fs";
import * as path from "path";
import { parsePlanArgs, PLAN_USAGE, refuseKeyGivenTwice, UsageError } from "./args";
import { checkStack, listStacks, readProject, REPO_ROOT } from "./project";

const KNOWN_ERRORS = [
    "ConfigError",
    "PolicyConfigError",
    "UnknownStackError",
    "ProjectError",
    "UsageError",
    "GraphError",
];

/** Where the plan CLI writes: each write resolves once the text is flushed (into a pipe, writes are asynchronous). */
export interface PlanCliOutput {
    stdout(text: string): Promise<void>;
    stderr(text: string): Promise<void>;
}

/**
 * A write that resolves once the stream has taken the text: process.exit right after a bare write
 * cuts it. A reader that has gone (`pnpm plan prod --json | head`: EPIPE) ends the output, as for any
 * command-line tool, rather than failing the plan with a trace; the exit code is still the plan's.
 */
function flushed(stream: NodeJS.WritableStream): (text: string) => Promise<void> {
    let readerGone = false;
    stream.on("error", (err: NodeJS.ErrnoException) => {
        if (err.code !== "EPIPE") throw err;
        readerGone = true;
    });
    return (text) =>
        new Promise<void>((resolve, reject) => {
            if (readerGone) return resolve();
            stream.write(text, (err?: NodeJS.ErrnoException | null) => {
                if (err?.code === "EPIPE") readerGone = true;
                return err && !readerGone ? reject(err) : resolve();
            });
        });
}

const PROCESS_OUTPUT: PlanCliOutput = { stdout: flushed(process.stdout), stderr: flushed(process.stderr) };

/**
 * The plan CLI without the process around it: runs `pnpm plan` with `argv` (the arguments after the
 * script), writes to `out` and returns the exit code the process exits with. Never rejects: errors in
 * what the user typed get their message alone on stderr; anything else is a bug and gets its full trace.
 */
export async function planCliMain(argv: string[], out: PlanCliOutput = PROCESS_OUTPUT): Promise<number> {
    try {
        return await plan(argv, out);
    } catch (e) {
        const err = e as Error;
        const known = KNOWN_ERRORS.includes(err.name);
        // Awaited like stdout below: a long message (a 100 kB bad value) was cut at 64 kB into a pipe.
        await out.stderr(`plan failed: ${known ? err.message : (err.stack ?? err.message)}\n`);
        return 2;
    }
}

async function plan(argv: string[], out: PlanCliOutput): Promise<number> {
    let args;
    try {
        args = parsePlanArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        let stacks = "";
        try {
            stacks = `   (stacks: ${listStacks(defaultRoot()).join(", ")})`;
        } catch {
            /* no stacks to list */
        }
        await out.stderr(`plan: ${e.message}\n${PLAN_USAGE}${stacks}\n`);
        return 2;
    }
    if (args.help) {
        await out.stdout(`${PLAN_USAGE}\n`);
        return 0;
    }
    const root = args.dir ? path.resolve(args.dir) : defaultRoot();
    if (args.dir !== undefined && !fs.existsSync(root)) throw new UsageError(`--dir ${args.dir}: no such folder`);
    if (args.dir !== undefined && !fs.statSync(root).isDirectory()) {
        throw new UsageError(`--dir ${args.dir}: is a file; give the Pulumi project's folder (where Pulumi.yaml is)`);
    }
    refuseKeyGivenTwice(args.config, readProject(root).name);
    checkStack(args.stack, root);
    // Before the plan runs, not after it: a diagram that cannot be written wastes the whole run.
    if (args.graph) checkWritable(args.graph);

    // Loaded after the arguments are checked: a usage error answers without loading @pulumi/pulumi.
    /* eslint-disable @typescript-eslint/no-require-imports -- deferred loads, see above */
    const { checkPackConfig, readPackConfig } =
        require("@citadel/policy/src/evaluate") as typeof import("@citadel/policy/src/evaluate");
    const policyConfig = args.policyConfig ? checkPackConfig(readPackConfig(args.policyConfig)) : {};
    const { buildPlan, hasMandatoryViolation, policyEvaluator, renderPlan } =
        require("./plan") as typeof import("./plan");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const built = await buildPlan(args.stack, policyEvaluator(policyConfig), { root, overrides: args.config });
    if (args.graph) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- the graph code loads only for --graph
        const { writeGraph } = require("./graph") as typeof import("./graph");
        await writeGraph(built, args.graph);
    }
    // Wait for the write to flush: into a pipe it is asynchronous, and process.exit would cut it.
    await out.stdout(args.json ? JSON.stringify(built.json, null, 2) + "\n" : renderPlan(built) + "\n");
    return hasMandatoryViolation(built) ? 1 : 0;
}

/**
 * The project planned without `--dir`: the one in the working folder, as `pulumi preview` takes it
 * (pnpm runs an example's `plan` script in the example's folder), else the repository's.
 */
function defaultRoot(): string {
    return fs.existsSync(path.join(process.cwd(), "Pulumi.yaml")) ? process.cwd() : REPO_ROOT;
}

/** `--graph <file>`: its folder exists and takes writes, and the file is not a folder. */
function checkWritable(file: string): void {
    const dir = path.dirname(path.resolve(file));
    let problem: string | undefined;
    if (!fs.existsSync(dir)) problem = `the folder ${dir} does not exist`;
    else if (fs.existsSync(file) && fs.statSync(file).isDirectory()) problem = "is a folder";
    else {
        try {
            fs.accessSync(dir, fs.constants.W_OK);
            if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
        } catch {
            problem = "cannot be written here (permissions)";
        }
    }
    if (problem) throw new UsageError(`--graph ${file}: ${problem}; give a writable path ending in .svg or .mmd`);
}

/**
 * Runs a CLI's main function as the process: its writes go to stdout and stderr, and the process
 * exits with the code it returns only once they are flushed (a bare process.exit cuts a pipe at what
 * the kernel buffers, 64 kB). `pnpm plan` is `runAsProcess(planCliMain)`.
 */
export function runAsProcess(main: (argv: string[], out: PlanCliOutput) => Promise<number>): void {
    void main(process.argv.slice(2), PROCESS_OUTPUT).then((code) => process.exit(code));
}

if (require.main === module) runAsProcess(planCliMain);
