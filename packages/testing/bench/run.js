// `pnpm bench [stack] [runs]`: the offline plan against its floor (GUIDE.md §6), each in a cold
// process, medians of `runs`. Budget: plan ≤ 2 × floor.
"use strict";
const { spawnSync } = require("child_process");
const path = require("path");
const root = path.resolve(__dirname, "..", "..", "..");
const stack = process.argv[2] || "prod";
const runs = Number(process.argv[3] || 5);

function time(args) {
    const t = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8", maxBuffer: 64 << 20 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(" ")} failed: ${r.stderr}`);
    return { ms, stdout: r.stdout };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Exactly what `pnpm plan` runs, read from package.json so the two cannot drift.
const planScript = require(path.join(root, "package.json")).scripts.plan.split(/\s+/);
if (planScript[0] !== "node") throw new Error(`the plan script does not start with node: ${planScript.join(" ")}`);
const planArgs = [...planScript.slice(1), stack, "--json"];
const first = time(planArgs);
const n = JSON.parse(first.stdout).resources.length;
const plan = [first.ms, ...Array.from({ length: runs - 1 }, () => time(planArgs).ms)];
const floor = Array.from({ length: runs }, () => time([path.join(__dirname, "floor.js"), String(n)]).ms);
const p = median(plan), f = median(floor);
console.log(`stack ${stack}: ${n} resources, ${runs} cold runs each`);
console.log(`  plan   median ${p.toFixed(0)} ms  (${plan.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`  floor  median ${f.toFixed(0)} ms  (${floor.map((x) => x.toFixed(0)).join(", ")})`);
console.log(`  ratio  ${(p / f).toFixed(2)} × the floor (budget 2.00)`);
process.exit(p / f <= 2 ? 0 : 1);
