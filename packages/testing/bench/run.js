// `pnpm bench [--runs N] [--baseline <checkout>] [--tests] [--no-scale]`: the budgets of GUIDE.md §6,
// measured on this machine as ratios, interleaved (A B A B ...) so that load from other processes
// hits both sides alike, medians of N (default 5). CI does not assert timings: the note reports them.
//  1. the plan CLI for prod, run by node as `pnpm plan` runs it (pnpm's own start-up excluded),
//     against the fair floor (floor.js: same @pulumi modules, same mocks, same resources, no program);
//     with --baseline, the same CLI of another checkout (e.g. /work/main) interleaved too;
//  2. with --tests, `pnpm test` (pnpm's start-up included, as the budget is), and the baseline's;
//  3. linearity: an EcsApp with 50 and 200 services (about 800 and 3,200 resources), time per resource;
//  4. the policy pack alone over 800 and 2,400 synthetic buckets (policy.js), and the baseline's.
// Wall times are printed with CPU times (user+sys of the child): on a shared machine CPU is the steadier.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");
const root = path.resolve(__dirname, "..", "..", "..");

const { parseBenchArgs, BenchArgsError, USAGE } = require("./args");

let options;
try {
    options = parseBenchArgs(process.argv.slice(2));
} catch (err) {
    if (!(err instanceof BenchArgsError)) throw err;
    process.stderr.write(`${err.message}\n${USAGE}\n`);
    process.exit(2);
}
const { runs, baseline } = options;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function time(cmd, args, cwd) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, encoding: "utf8", maxBuffer: 256 << 20 });
    const wall = Number(process.hrtime.bigint() - t) / 1e6;
    // Children's CPU: getrusage(RUSAGE_CHILDREN) is not exposed; read it from /proc/self/stat (cutime, cstime).
    const cpu = childCpuMs() - (time.lastChildCpu ?? 0);
    time.lastChildCpu = childCpuMs();
    if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) failed: ${r.stderr}`);
    return { wall, cpu, stdout: r.stdout };
}
function childCpuMs() {
    const f = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    const tick = 100; // USER_HZ on Linux
    return ((Number(f[13]) + Number(f[14])) / tick) * 1000; // cutime, cstime (fields 16, 17)
}

/** The plan command of a checkout, as its package.json runs it. */
function planCommand(dir) {
    const script = require(path.join(dir, "package.json")).scripts.plan.split(/\s+/);
    if (script[0] !== "node") throw new Error(`the plan script of ${dir} does not start with node`);
    return script.slice(1);
}

/** Interleaves the commands `runs` times; prints medians and returns them by name. */
function interleave(title, commands) {
    const results = Object.fromEntries(commands.map((c) => [c.name, { wall: [], cpu: [] }]));
    for (let i = 0; i < runs; i++) {
        for (const c of commands) {
            const r = time(c.cmd, c.args, c.cwd);
            results[c.name].wall.push(r.wall);
            results[c.name].cpu.push(r.cpu);
        }
    }
    console.log(title);
    const out = {};
    for (const c of commands) {
        const w = median(results[c.name].wall),
            u = median(results[c.name].cpu);
        out[c.name] = { wall: w, cpu: u };
        console.log(
            `  ${c.name.padEnd(14)} wall ${(w / 1000).toFixed(2)} s  cpu ${(u / 1000).toFixed(2)} s   (wall: ${results[c.name].wall.map((x) => (x / 1000).toFixed(2)).join(", ")})`,
        );
    }
    return out;
}

// 1. plan vs floor (and baseline)
const planJson = path.join(os.tmpdir(), `citadel-bench-prod-${process.pid}.json`);
const first = time(process.execPath, [...planCommand(root), "prod", "--json"], root);
fs.writeFileSync(planJson, first.stdout);
const n = JSON.parse(first.stdout).resources.length;
const commands = [
    { name: "plan", cmd: process.execPath, args: [...planCommand(root), "prod", "--json"], cwd: root },
    { name: "floor", cmd: process.execPath, args: [path.join(__dirname, "floor.js"), planJson], cwd: root },
];
if (baseline)
    commands.push({
        name: "baseline plan",
        cmd: process.execPath,
        args: [...planCommand(baseline), "prod", "--json"],
        cwd: baseline,
    });
const p = interleave(
    `\nplan CLI for prod (${n} resources) against its floor, ${runs} interleaved runs, medians:`,
    commands,
);
console.log(
    `  ratio plan/floor: wall ${(p.plan.wall / p.floor.wall).toFixed(2)}, cpu ${(p.plan.cpu / p.floor.cpu).toFixed(2)}  (budget 1.30)`,
);
if (baseline) {
    console.log(
        `  ratio baseline/floor: wall ${(p["baseline plan"].wall / p.floor.wall).toFixed(2)}, cpu ${(p["baseline plan"].cpu / p.floor.cpu).toFixed(2)}`,
    );
}

// 2. the test suite
if (options.tests) {
    // The budget is `pnpm test` as a user types it, pnpm's own start-up (about 0.8 s here) included.
    const pnpmTest = (dir) => ({ cmd: "pnpm", args: ["--silent", "test"], cwd: dir });
    const t = interleave(`\nthe test suite (pnpm test), ${runs} interleaved runs, medians:`, [
        { name: "tests", ...pnpmTest(root) },
        ...(baseline ? [{ name: "baseline tests", ...pnpmTest(baseline) }] : []),
    ]);
    console.log(
        `  budget: under 8 s wall on an otherwise idle 2-core machine; measured ${(t.tests.wall / 1000).toFixed(2)} s wall, ${(t.tests.cpu / 1000).toFixed(2)} s cpu` +
            ` (cpu includes pnpm and the processes the suite starts; load average ${os.loadavg()[0].toFixed(1)})`,
    );
    if (baseline) {
        console.log(
            `  ratio tests/baseline: wall ${(t.tests.wall / t["baseline tests"].wall).toFixed(2)}, cpu ${(t.tests.cpu / t["baseline tests"].cpu).toFixed(2)}`,
        );
    }
}

// 3. linearity
if (options.scale) {
    const scale = (services) =>
        JSON.parse(
            time(
                process.execPath,
                ["-r", "./packages/testing/register.js", "packages/testing/bench/scale.ts", String(services)],
                root,
            ).stdout,
        );
    const small = [],
        large = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
        small.push(scale(50));
        large.push(scale(200));
    }
    const per = (xs, k) => median(xs.map((x) => x[k] / x.resources));
    console.log(
        `\nlinearity: EcsApp with 50 services (${small[0].resources} resources) and 200 (${large[0].resources}), medians of ${small.length}:`,
    );
    for (const k of ["cpuMs", "programMs", "policyMs"]) {
        console.log(
            `  ${k.padEnd(10)} per resource: ${per(small, k).toFixed(3)} ms → ${per(large, k).toFixed(3)} ms  (ratio ${(per(large, k) / per(small, k)).toFixed(2)}; 1.00 is linear)`,
        );
    }
}
// 4. the policy pack alone over 800 and 2,400 buckets (4,800 and 14,400 resources)
if (options.scale) {
    const policy = (dir, buckets) =>
        JSON.parse(
            time(
                process.execPath,
                [
                    "-r",
                    path.join(root, "packages/testing/register.js"),
                    path.join(__dirname, "policy.js"),
                    String(buckets),
                    dir,
                ],
                root,
            ).stdout,
        );
    for (const [name, dir] of [["this checkout", root], ...(baseline ? [["baseline", baseline]] : [])]) {
        const small = [],
            large = [];
        for (let i = 0; i < Math.min(runs, 3); i++) {
            small.push(policy(dir, 800));
            large.push(policy(dir, 2400));
        }
        const per = (xs) => median(xs.map((x) => x.policyMs / x.resources));
        console.log(
            `policy pack, ${name}: ${small[0].resources} → ${large[0].resources} resources, per resource ${per(small).toFixed(3)} ms → ` +
                `${per(large).toFixed(3)} ms (ratio ${(per(large) / per(small)).toFixed(2)}; 1.00 is linear)`,
        );
    }
}
fs.rmSync(planJson, { force: true });
