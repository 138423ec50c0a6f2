/**
 * `pnpm plan <stack> [--json] [--policy-config <file>]`: the stack's program under the mock runtime,
 * with no AWS account and no Pulumi CLI, and the policy pack evaluated over what it registered (with
 * the JSON config file `pulumi preview --policy-pack-config` takes, if given). Exits 1 on a mandatory
 * policy violation, 2 on bad usage, a bad policy config or a program error.
 */
import { checkPackConfig, readPackConfig } from "@citadel/policy/src/evaluate";
import { buildPlan, hasMandatoryViolation, parsePlanArgs, PLAN_USAGE, policyEvaluator, renderPlan } from "./plan";
import { listStacks } from "./stack";

async function main(argv: string[]): Promise<number> {
    const args = parsePlanArgs(argv);
    if (!args) {
        process.stderr.write(`${PLAN_USAGE}   (stacks: ${listStacks().join(", ")})\n`);
        return 2;
    }
    const { json } = args;
    const config = args.policyConfig ? checkPackConfig(readPackConfig(args.policyConfig)) : {};
    const plan = await buildPlan(args.stack, policyEvaluator(config));
    // Wait for the write to flush: into a pipe it is asynchronous, and process.exit would cut it.
    await new Promise<void>((resolve, reject) => process.stdout.write(
        json ? JSON.stringify(plan.json, null, 2) + "\n" : renderPlan(plan) + "\n",
        (err) => (err ? reject(err) : resolve())));
    return hasMandatoryViolation(plan) ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
        // Errors in what the user typed get their message alone; anything else is a bug: full trace.
        const known = ["ConfigError", "PolicyConfigError", "UnknownStackError"].includes(err.name);
        process.stderr.write(`plan failed: ${known ? err.message : err.stack ?? err.message}\n`);
        process.exit(2);
    },
);
