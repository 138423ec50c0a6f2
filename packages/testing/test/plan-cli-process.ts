/**
 * The plan CLI run as a separate process, exactly as `pnpm plan` runs it (without pnpm's own
 * start-up), for the tests of its process-level behaviour: exit codes, stderr, stdout through a pipe.
 *
 * Why asynchronous and started when a test file is loaded: each run is a whole Node.js process
 * (seconds of CPU for a full plan). Mocha loads every test file before it runs any test, so a run
 * started at load time proceeds on the machine's other core while the in-process tests run, and the
 * test that checks it awaits a result that is usually already there. The same arguments share one
 * run. A run never rejects: the test asserts on its status and output.
 */
import { spawn } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../src";

export interface CliRun {
    status: number | null;
    signal: NodeJS.Signals | null;
    stdout: string;
    stderr: string;
}

const runs = new Map<string, Promise<CliRun>>();

/** The `pnpm plan` script's command line (node's options, then the script), checked to start with `node`. */
function planCommand(): string[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON, read as the CLI reads it
    const [node, ...script] = (require(path.join(REPO_ROOT, "package.json")).scripts.plan as string).split(/\s+/);
    if (node !== "node") throw new Error(`the plan script must start with node, got ${node}`);
    return script;
}

/** Starts `pnpm plan ...args` (or returns the run already started with the same arguments). */
export function planCli(...args: string[]): Promise<CliRun> {
    return nodeProcess(planCommand(), args);
}

/**
 * Starts another TypeScript script the way `pnpm plan` starts its own (same node options), e.g. a
 * fixture that exits through the plan CLI's `runAsProcess`.
 */
export function scriptProcess(
    script: string,
    arg: string,
    opts: { closeAfterFirstChunk?: boolean } = {},
): Promise<CliRun> {
    return nodeProcess([...planCommand().slice(0, -1), script], [arg], opts);
}

function nodeProcess(
    command: string[],
    args: string[],
    opts: { closeAfterFirstChunk?: boolean } = {},
): Promise<CliRun> {
    const key = JSON.stringify([command, args, opts]);
    let run = runs.get(key);
    if (!run) {
        run = new Promise<CliRun>((resolve) => {
            const child = spawn(process.execPath, [...command, ...args], {
                cwd: REPO_ROOT,
                stdio: ["ignore", "pipe", "pipe"],
            });
            const out: Buffer[] = [];
            const err: Buffer[] = [];
            child.stdout.on("data", (b: Buffer) => {
                out.push(b);
                // A reader that has seen enough (`| head`): the writer's next write gets EPIPE.
                if (opts.closeAfterFirstChunk) child.stdout.destroy();
            });
            child.stderr.on("data", (b: Buffer) => err.push(b));
            const timer = setTimeout(() => child.kill("SIGKILL"), 180_000);
            timer.unref();
            child.on("error", (e) => err.push(Buffer.from(String(e.stack ?? e))));
            child.on("close", (status, signal) => {
                clearTimeout(timer);
                resolve({
                    status,
                    signal,
                    stdout: Buffer.concat(out).toString("utf8"),
                    stderr: Buffer.concat(err).toString("utf8"),
                });
            });
        });
        runs.set(key, run);
    }
    return run;
}
