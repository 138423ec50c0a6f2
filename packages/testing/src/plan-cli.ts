/**
 * `pnpm plan <stack> [--json]`: the stack's program under the mock runtime, with no AWS account and
 * no Pulumi CLI. Exits 1 on a mandatory policy violation, 2 on bad usage or a program error.
 */
import { buildPlan, hasMandatoryViolation, renderPlan } from "./plan";
import { listStacks } from "./stack";

async function main(argv: string[]): Promise<number> {
    const json = argv.includes("--json");
    const positional = argv.filter((a) => !a.startsWith("--"));
    const unknownFlags = argv.filter((a) => a.startsWith("--") && a !== "--json");
    const stacks = listStacks();
    if (positional.length !== 1 || unknownFlags.length > 0) {
        process.stderr.write(`usage: pnpm plan <stack> [--json]   (stacks: ${stacks.join(", ")})\n`);
        return 2;
    }
    const plan = await buildPlan(positional[0]);
    process.stdout.write(json ? JSON.stringify(plan.json, null, 2) + "\n" : renderPlan(plan) + "\n");
    return hasMandatoryViolation(plan) ? 1 : 0;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
        process.stderr.write(`plan failed: ${err.name === "ConfigError" ? err.message : err.stack ?? err.message}\n`);
        process.exit(2);
    },
);
