import { strict as assert } from "assert";
import * as fs from "fs";
import Ajv from "ajv";
import * as path from "path";
import { planCli, scriptProcess } from "./plan-cli-process";
import * as os from "os";
import { autoName, buildPlan, listStacks, parsePlanArgs, PlanJson, renderPlan, runStack } from "../src";
import { refuseKeyGivenTwice } from "../src/args";
import { planCliMain } from "../src/plan-cli";

const MINI = path.join(__dirname, "fixtures", "mini");
const LARGE = path.join(__dirname, "fixtures", "large");

// Whole processes, started now (while mocha loads the other files) so they run beside the in-process
// tests; each test below awaits its own. See plan-cli-process.ts. Two only, for what needs a process,
// and neither loads Pulumi (a process that plans costs 1.6 s of CPU, which the rest of the suite
// waited for): the exit code and stderr of a refusal, and a large stdout through a pipe, written and
// exited the way the CLI is (runAsProcess). The rest runs planCliMain in-process; CI pipes a whole
// prod plan (`pnpm plan prod --json | cmp`).
const LARGE_OUTPUT = scriptProcess(path.join(__dirname, "fixtures", "large-output.ts"), String(1024 * 1024));
// The same, read by a reader that leaves after the first chunk, as `pnpm plan prod --json | head` does.
const READER_GONE = scriptProcess(path.join(__dirname, "fixtures", "large-output.ts"), String(1024 * 1024), {
    closeAfterFirstChunk: true,
});
const UNKNOWN = planCli("no-such-stack");
const REFUSALS = [
    [["dev", "-c", "oops"], /plan: -c oops: expected <key>=<value>/],
    [["nope", "--dir", MINI], /unknown stack "nope": there is no Pulumi\.nope\.yaml in .*mini; allowed demo/],
    [["dev", "--dir", __dirname], /is not a Pulumi project: it has no Pulumi\.yaml/],
] as const;

/** The plan CLI in this process: its exit code and what it wrote. */
async function planInProcess(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
    let stdout = "";
    let stderr = "";
    const status = await planCliMain(argv, {
        stdout: async (text) => {
            stdout += text;
        },
        stderr: async (text) => {
            stderr += text;
        },
    });
    return { status, stdout, stderr };
}

describe("offline plan", () => {
    it("--json prints exactly one JSON object in the GUIDE.md §5 shape", async () => {
        const r = await planInProcess("prod", "--json");
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        const plan = JSON.parse(r.stdout);
        assert.deepEqual(Object.keys(plan), ["stack", "project", "resources", "outputs", "violations"]);
        assert.equal(plan.stack, "prod");
        assert.equal(plan.project, "citadel");
        assert.ok(Array.isArray(plan.violations));
        const vpc = plan.resources.find((r: any) => r.name === "net-vpc");
        assert.deepEqual(
            { type: vpc.type, id: vpc.id, parent: vpc.parent, cidr: vpc.inputs.cidrBlock },
            { type: "aws:ec2/vpc:Vpc", id: "net-vpc-id", parent: "net", cidr: "10.30.0.0/16" },
        );
        const component = plan.resources.find((r: any) => r.name === "net");
        assert.equal(component.type, "citadel:network:SecureVpc");
        assert.equal("id" in component, false, "components have no id");
        assert.equal("parent" in component, false, "the stack's direct children have no parent");
        // References can be followed: the subnet's vpcId is the VPC's mock id.
        assert.equal(plan.resources.find((r: any) => r.name === "net-public-0").inputs.vpcId, vpc.id);
        for (const t of [
            "aws:ec2/subnet:Subnet",
            "aws:ec2/routeTable:RouteTable",
            "aws:ec2/vpcEndpoint:VpcEndpoint",
            "aws:ec2/flowLog:FlowLog",
        ]) {
            assert.ok(
                plan.resources.some((x: any) => x.type === t),
                `no ${t} in the plan`,
            );
        }
        assert.equal(plan.outputs.vpcId, "net-vpc-id");
    });

    it("a large stdout through a pipe is whole when the process exits 0 (runAsProcess)", async function () {
        this.timeout(180_000); // a whole process: slow when the machine is shared
        // Well over what the kernel buffers for the reader (64 kB in a shell pipe, about 208 kB in the
        // socket pair child_process reads from): a CLI that exits before stdout drains cuts it there.
        const r = await LARGE_OUTPUT;
        assert.equal(r.status, 0, r.stderr);
        assert.equal(r.stderr, "");
        assert.ok(r.stdout.length >= 1024 * 1024, `only ${r.stdout.length} bytes: too small to prove the drain`);
        const lines = r.stdout.split("\n");
        assert.equal(lines.pop(), "", "ends with a whole line");
        lines.forEach((line, i) => assert.equal(line.slice(0, 8), String(i).padStart(8, "0"), `line ${i} is cut`));
    });

    it("a reader that leaves early (| head) ends the output quietly: exit 0, no EPIPE trace", async function () {
        this.timeout(180_000); // a whole process: slow when the machine is shared
        const r = await READER_GONE;
        assert.equal(r.stderr, "", "nothing on stderr");
        assert.equal(r.status, 0);
        assert.ok(r.stdout.length < 1024 * 1024, "the reader left before the end");
    });

    it("--json of a large plan is whole, and the CLI returns only once its output is flushed", async () => {
        const events: string[] = [];
        let json = "";
        const status = await planCliMain(["demo", "--dir", LARGE, "--json"], {
            stdout: async (text) => {
                // A pipe that takes its time: returning first would let the process exit and cut it.
                await new Promise((resolve) => setTimeout(resolve, 20));
                json += text;
                events.push("flushed");
            },
            stderr: async (text) => {
                events.push(`stderr: ${text}`);
            },
        });
        events.push(`returned ${status}`);
        assert.deepEqual(events, ["flushed", "returned 0"]);
        assert.ok(json.length > 1024 * 1024, `only ${json.length} bytes`);
        const plan = JSON.parse(json);
        assert.deepEqual(Object.keys(plan), ["stack", "project", "resources", "outputs", "violations"]);
        assert.equal(plan.project, "large");
        assert.equal(plan.resources.length, 4);
        // The last resource, at the end of the output, is all there.
        assert.equal(plan.resources[3].inputs.content, "3".repeat(256 * 1024));
        assert.deepEqual(plan.outputs, { objects: 4 });
    });

    it("refuses an unknown stack, naming the stacks there are: exit code 2, the message alone on stderr", async function () {
        this.timeout(180_000); // a whole process: slow when the machine is shared
        const expected = `unknown stack "no-such-stack": there is no Pulumi.no-such-stack.yaml; allowed ${listStacks().join(", ")}`;
        // In-process, and as a whole process: the exit code and stderr a user's shell sees.
        for (const r of [await planInProcess("no-such-stack"), await UNKNOWN]) {
            assert.equal(r.status, 2);
            assert.ok(r.stderr.includes(expected), r.stderr);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "a usage error must not print a stack trace");
            assert.equal(r.stdout, "");
        }
    });

    it("prod has 3 NAT gateways and 6 interface endpoints; the human view counts them", async () => {
        const plan = await buildPlan("prod");
        const count = (t: string) => plan.json.resources.filter((r) => r.type === t).length;
        assert.equal(count("aws:ec2/natGateway:NatGateway"), 3);
        assert.equal(
            plan.json.resources.filter(
                (r) => r.type === "aws:ec2/vpcEndpoint:VpcEndpoint" && r.inputs.vpcEndpointType === "Interface",
            ).length,
            6,
        );
        const text = renderPlan(plan);
        assert.match(text, /^\s+3\s+aws:ec2\/natGateway:NatGateway$/m);
        assert.match(text, /Lookups answered by the mock runtime's canned values/);
        assert.match(text, /aws:index\/getAvailabilityZones:getAvailabilityZones/);
    });

    it("parses -c (repeatable, each key once), --dir and --graph; refuses malformed ones naming the argument", () => {
        assert.deepEqual(
            parsePlanArgs([
                "dev",
                "--config=citadel:protect=true",
                "-c",
                "vpc.azCount=2",
                "--dir",
                "examples/x",
                "--graph",
                "a.svg",
            ]),
            {
                stack: "dev",
                json: false,
                config: { "vpc.azCount": "2", "citadel:protect": "true" },
                dir: "examples/x",
                graph: "a.svg",
            },
        );
        assert.throws(() => parsePlanArgs(["dev", "-c", "novalue"]), /-c novalue: expected <key>=<value>/);
        assert.throws(
            () => parsePlanArgs(["dev", "-c", "vpc.azCount=3", "-c", "vpc.azCount=2"]),
            /-c vpc\.azCount: the key is given twice; keep one/,
        );
        assert.throws(() => parsePlanArgs(["dev", "-c"]), /-c needs a value/);
        assert.throws(() => parsePlanArgs(["dev", "--yes"]), /unknown option --yes/);
        assert.throws(() => parsePlanArgs(["dev", "prod"]), /one stack expected, got dev prod/);
    });

    // The fresh-user trial: an option given twice was taken silently (the last --dir planned another
    // project, the last --graph wrote only one file), `--graph .svg` wrote a hidden file named ".svg".
    const ARGS: [argv: string[], outcome: RegExp | Partial<ReturnType<typeof parsePlanArgs>>][] = [
        [["dev", "--dir", "examples/orthweb", "--dir", "examples/instandt"], /--dir is given twice; give it once/],
        [["dev", "--graph", "a.svg", "--graph", "b.mmd"], /--graph is given twice; give it once/],
        [["dev", "--json", "--json"], /--json is given twice/],
        [["dev", "--policy-config", "a.json", "--policy-config=b.json"], /--policy-config is given twice/],
        [["dev", "--graph", "a.png"], /--graph a\.png: expected a file name ending in \.svg .* or \.mmd/],
        [["dev", "--graph", ".svg"], /--graph \.svg: expected a file name ending in/],
        [["dev", "--graph", "out/.mmd"], /--graph out\/\.mmd: expected a file name ending in/],
        [["dev", "--graph", "prod.SVG"], { graph: "prod.SVG" }],
        [["dev", "--graph", "out/x.mmd"], { graph: "out/x.mmd" }],
        [["dev", "--", "--json"], { stack: "dev", json: true }],
        [["--help"], { help: true }],
        [["dev", "-h", "--bogus"], { help: true }],
    ];
    for (const [argv, outcome] of ARGS) {
        it(`pnpm plan ${argv.join(" ")} → ${outcome instanceof RegExp ? "refused" : "accepted"}`, () => {
            if (outcome instanceof RegExp) assert.throws(() => parsePlanArgs(argv), outcome);
            else assert.deepEqual({ ...parsePlanArgs(argv), ...outcome }, parsePlanArgs(argv));
        });
    }

    it("without --dir plans the project in the working folder (an example's own plan script), else the repository's", async () => {
        const here = process.cwd();
        try {
            process.chdir(path.join(__dirname, "..", "..", "..", "examples", "orthweb"));
            const r = await planInProcess("nope");
            assert.match(r.stderr, /no Pulumi\.nope\.yaml in .*examples\/orthweb; allowed dev\n/);
            process.chdir(__dirname); // no Pulumi.yaml here: the repository's project
            assert.match((await planInProcess("nope")).stderr, /no Pulumi\.nope\.yaml; allowed dev, prod\n/);
        } finally {
            process.chdir(here);
        }
    });

    it("refuses one -c key in two spellings (vpc.azCount and citadel:vpc.azCount), keeps other namespaces apart", () => {
        assert.throws(
            () => refuseKeyGivenTwice({ "vpc.azCount": "3", "citadel:vpc.azCount": "2" }, "citadel"),
            /-c citadel:vpc\.azCount: the same key as -c vpc\.azCount \(both are citadel:vpc\.azCount\); keep one/,
        );
        assert.throws(
            () => refuseKeyGivenTwice({ "citadel:config:vpc.azCount": "3", "vpc.azCount": "2" }, "citadel"),
            /-c vpc\.azCount: the same key as -c citadel:config:vpc\.azCount/,
        );
        assert.doesNotThrow(() => refuseKeyGivenTwice({ "vpc.azCount": "3", "orthweb:vpc.azCount": "2" }, "citadel"));
        assert.doesNotThrow(() => refuseKeyGivenTwice({ "aws:region": "eu-west-1", region: "x" }, "citadel"));
    });

    it("refuses a --dir that is missing or a file, a --graph it cannot write, before the plan runs; --help prints the usage", async () => {
        for (const [args, message] of [
            [["dev", "--dir", "/nonexistent/citadel"], /--dir \/nonexistent\/citadel: no such folder/],
            [["dev", "--dir", "README.md"], /--dir README\.md: is a file; give the Pulumi project's folder/],
            [["dev", "-c", "vpc.azCount=3", "-c", "citadel:vpc.azCount=2"], /the same key as -c vpc\.azCount/],
            [
                ["dev", "--graph", "/nonexistent/dir/x.svg"],
                /--graph \/nonexistent\/dir\/x\.svg: the folder \/nonexistent\/dir does not exist/,
            ],
        ] as const) {
            const started = Date.now();
            const r = await planInProcess(...args);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, message);
            assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
            assert.ok(Date.now() - started < 1000, `${args.join(" ")}: refused after the plan ran`);
        }
        const folder = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-graph-dir-"));
        fs.mkdirSync(path.join(folder, "x.svg"));
        const r = await planInProcess("dev", "--graph", path.join(folder, "x.svg"));
        assert.match(r.stderr, /x\.svg: is a folder; give a writable path/);
        const help = await planInProcess("--help");
        assert.deepEqual([help.status, help.stderr], [0, ""]);
        assert.match(help.stdout, /^usage: pnpm plan <stack> \[--json\]/);
    });

    it("refuses bad arguments and unknown stacks in a --dir before loading the runtime", async () => {
        for (const [args, message] of REFUSALS) {
            const r = await planInProcess(...args);
            assert.equal(r.status, 2, r.stderr);
            assert.match(r.stderr, message);
            assert.doesNotMatch(r.stderr, /\n\s+at /);
            assert.equal(r.stdout, "");
        }
    });

    it("--dir plans another project folder with its own stack file; -c overrides config; secure: gets a stand-in", async () => {
        const plan = await buildPlan("demo", undefined, { root: MINI, overrides: { bucketPrefix: "override" } });
        assert.equal(plan.json.project, "mini");
        assert.deepEqual(
            plan.json.resources.map((r) => [r.type, r.name]),
            [
                ["aws:s3/bucket:Bucket", "data"],
                ["aws:ssm/parameter:Parameter", "token"],
            ],
        );
        assert.equal(plan.json.resources[0].inputs.bucketPrefix, "override", "-c beats the stack file");
        assert.equal(plan.json.resources[1].inputs.value, "[secret]", "the stand-in stays a secret");
        assert.deepEqual(plan.run.secretStandIns, ["mini:apiToken"]);
        assert.match(renderPlan(plan), /cannot decrypt; planned with a stand-in string:\n {2}mini:apiToken/);
        // The fixture's stack file imports an ESC environment: the plan says it ran without it.
        assert.deepEqual(plan.run.environments, ["mini-shared/demo"]);
        assert.match(
            renderPlan(plan),
            /ESC environments the stack file imports; .* not in this plan:\n {2}mini-shared\/demo/,
        );
        const again = await buildPlan("demo", undefined, { root: MINI });
        assert.equal(again.json.resources[0].inputs.bucketPrefix, "demo", "the stack file's value without -c");
        assert.equal(
            again.json.resources.length,
            2,
            "a top-level program registers its resources again on a second run",
        );
    });

    it("the human view starts with the summary (counts, violations), then the tree", async () => {
        const text = renderPlan(await buildPlan("dev"));
        const at = (re: RegExp) => text.search(re);
        assert.ok(at(/^Resources: \d+/m) >= 0 && at(/^Resources: \d+/m) < at(/^Policy violations/m));
        assert.ok(at(/^Policy violations/m) < at(/^Resource tree:/m));
        assert.ok(at(/^Resource tree:/m) < at(/^ {2}\+ citadel:network:SecureVpc {2}net$/m));
    });

    it("keeps real error traces while skipping Pulumi's per-promise trace capture", async () => {
        const limit = Error.stackTraceLimit;
        await assert.rejects(runStack("dev", { "citadel:vpc.azCount": 5 }), (e: Error) => {
            assert.match(e.message, /citadel:vpc\.azCount: 5 is out of range/);
            // The error thrown inside the program, through Pulumi's promises, still says where it came from.
            assert.match(e.stack ?? "", /\n\s+at .*stacks\/src\/\w+\.ts:\d+/);
            return true;
        });
        assert.equal(Error.stackTraceLimit, limit, "the trace limit is restored");
    });

    it("keeps Pulumi's leaked-promise check: a promise that never settles is reported, settled ones are not", async () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- an internal module: no typed import path
        const debuggable = require("@pulumi/pulumi/runtime/debuggable");
        const never = new Promise<never>(() => undefined);
        const settled = Promise.resolve(1);
        const rejected = Promise.reject(new Error("boom"));
        // Not the process's first wrapped promise (that one goes through Pulumi's own function).
        await debuggable.debuggablePromise(Promise.resolve(0), "first");
        void debuggable.debuggablePromise(never, "never settles");
        assert.equal(await debuggable.debuggablePromise(settled, "settles"), 1);
        await assert.rejects(debuggable.debuggablePromise(rejected, "rejects"), (e: any) => e.promise === rejected);
        // leakedPromises() reports and forgets the candidates, so this test leaves no leak for the exit check.
        const [leaks] = debuggable.leakedPromises() as [Set<Promise<unknown>>, string];
        assert.ok(leaks.has(never), "the pending promise is a leak candidate");
        assert.ok(!leaks.has(settled) && !leaks.has(rejected), "settled promises are not");
    });

    describe("dev and prod plans", () => {
        const plans: Record<string, PlanJson> = {};
        before(async () => {
            for (const stack of ["dev", "prod"]) plans[stack] = (await buildPlan(stack)).json;
        });

        it("validate against the JSON Schema in packages/testing/plan.schema.json", () => {
            const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "plan.schema.json"), "utf8"));
            const validate = new Ajv({ allErrors: true }).compile(schema);
            for (const [stack, plan] of Object.entries(plans))
                assert.ok(validate(plan), `${stack}: ${JSON.stringify(validate.errors)}`);
            // The schema can fail: a resource without inputs, an unknown level.
            assert.equal(validate({ ...plans.dev, resources: [{ type: "aws:s3/bucket:Bucket", name: "x" }] }), false);
            assert.equal(
                validate({ ...plans.dev, violations: [{ policy: "p", level: "fatal", message: "m" }] }),
                false,
            );
        });

        it("carry the names the provider assigns at preview, so references by name resolve", () => {
            for (const [stack, plan] of Object.entries(plans)) {
                const byType = (t: string) => plan.resources.filter((r) => r.type === t);
                const names = (t: string, field = "name") => new Set(byType(t).map((r) => r.inputs[field]));
                const dbs = byType("aws:rds/instance:Instance");
                assert.ok(dbs.length > 0);
                for (const db of dbs) {
                    assert.ok(
                        names("aws:rds/subnetGroup:SubnetGroup").has(db.inputs.dbSubnetGroupName),
                        `${stack} ${db.name}: ${db.inputs.dbSubnetGroupName}`,
                    );
                    assert.ok(
                        names("aws:rds/parameterGroup:ParameterGroup").has(db.inputs.parameterGroupName),
                        `${stack} ${db.name}`,
                    );
                    // As pulumi-aws names it: logical name, "-", 7 hex; RDS names in lower case.
                    assert.match(String(db.inputs.dbSubnetGroupName), /^[a-z0-9-]+-[0-9a-f]{7}$/);
                }
                const buckets = names("aws:s3/bucket:Bucket", "bucket");
                const logging = byType("aws:s3/bucketLogging:BucketLogging");
                assert.ok(logging.length > 0);
                for (const l of logging)
                    assert.ok(buckets.has(l.inputs.targetBucket), `${stack} ${l.name}: ${l.inputs.targetBucket}`);
            }
            const again = autoName("aws:s3/bucket:Bucket", "logs", {});
            assert.deepEqual(again, {
                field: "bucket",
                value: plans.prod.resources.find((r) => r.name === "logs" && r.type === "aws:s3/bucket:Bucket")!.inputs
                    .bucket,
            });
            assert.equal(
                autoName("aws:s3/bucket:Bucket", "logs", { bucketPrefix: "x-" }),
                undefined,
                "a prefix leaves the name to the provider's create",
            );
            assert.equal(
                autoName("aws:lb/targetGroup:TargetGroup", "a-very-long-target-group-name-indeed", {})!.value.length,
                32,
            );
        });

        it("mask a secret leaf only: CloudFront's origins and the listener rules stay readable", () => {
            const cf = plans.prod.resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!;
            const lb = (cf.inputs.origins as any[]).find((o) => o.originId === "load-balancer");
            assert.deepEqual(lb.customHeaders, [{ name: "X-Origin-Verify", value: "[secret]" }]);
            assert.equal(lb.customOriginConfig.originProtocolPolicy, "https-only");
            const assets = (cf.inputs.origins as any[]).find((o) => o.originId === "assets");
            assert.ok(assets.originAccessControlId, "the OAC is visible");
            const rules = plans.prod.resources.filter(
                (r) => r.type === "aws:lb/listenerRule:ListenerRule" && JSON.stringify(r.inputs).includes("[secret]"),
            );
            assert.ok(rules.length > 0);
            for (const r of rules) {
                const header = (r.inputs.conditions as any[]).find((c) => c.httpHeader).httpHeader;
                assert.deepEqual(header, { httpHeaderName: "X-Origin-Verify", values: ["[secret]"] }, r.name);
                assert.ok(
                    (r.inputs.conditions as any[]).some((c) => c.pathPattern || c.hostHeader),
                    `${r.name}: the routing condition is visible`,
                );
            }
        });
    });
});
