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
import * as path from "path";
import { parsePlanArgs, PLAN_USAGE, UsageError } from "./args";
import { checkStack, listStacks, readProject, REPO_ROOT } from "./project";

const KNOWN_ERRORS = ["ConfigError", "PolicyConfigError", "UnknownStackError", "ProjectError", "UsageError", "GraphError"];

async function main(argv: string[]): Promise<number> {
    let args;
    try {
        args = parsePlanArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        let stacks = "";
        try { stacks = `   (stacks: ${listStacks().join(", ")})`; } catch { /* no stacks to list */ }
        process.stderr.write(`plan: ${e.message}\n${PLAN_USAGE}${stacks}\n`);
        return 2;
    }
    const root = args.dir ? path.resolve(args.dir) : REPO_ROOT;
    readProject(root);
    checkStack(args.stack, root);

    /* eslint-disable @typescript-eslint/no-require-imports */
    const { checkPackConfig, readPackConfig } = require("@citadel/policy/src/evaluate") as typeof import("@citadel/policy/src/evaluate");
    const policyConfig = args.policyConfig ? checkPackConfig(readPackConfig(args.policyConfig)) : {};
    const { buildPlan, hasMandatoryViolation, policyEvaluator, renderPlan } = require("./plan") as typeof import("./plan");
    /* eslint-enable @typescript-eslint/no-require-imports */
    const plan = await buildPlan(args.stack, policyEvaluator(policyConfig), { root, overrides: args.config });
    if (args.graph) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { writeGraph } = require("./graph") as typeof import("./graph");
        await writeGraph(plan, args.graph);
    }
    // Wait for the write to flush: into a pipe it is asynchronous, and process.exit would cut it.
    await new Promise<void>((resolve, reject) => process.stdout.write(
        args.json ? JSON.stringify(plan.json, null, 2) + "\n" : renderPlan(plan) + "\n",
        (err) => (err ? reject(err) : resolve())));
    return hasMandatoryViolation(plan) ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
        // Errors in what the user typed get their message alone; anything else is a bug: full trace.
        const known = KNOWN_ERRORS.includes(err.name);
        // Flushed before exiting, as stdout is above: into a pipe the write is asynchronous and a
        // long message (a 100 kB bad value) was cut at 64 kB.
        process.stderr.write(`plan failed: ${known ? err.message : err.stack ?? err.message}\n`, () => process.exit(2));
    },
);
