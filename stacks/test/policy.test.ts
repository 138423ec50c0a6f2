/**
 * The policy pack against what the engine really records: each rule's cases built from the real
 * `@pulumi/aws` classes under the mock runtime, and the dev and prod stacks through `pnpm plan`'s code.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { evaluate, PlainResource, RULES } from "@citadel/policy/src/evaluate";
import { CASES, Fixture } from "@citadel/policy/test/fixtures";
import {
    buildPlan,
    capture,
    listStacks,
    hasMandatoryViolation,
    parsePlanArgs,
    Plan,
    policyEvaluator,
    RecordedResource,
    renderPlan,
    REPO_ROOT,
    reveal,
    StackRun,
} from "@citadel/testing";

const plain = (r: RecordedResource): PlainResource => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    id: r.id,
    inputs: reveal<Record<string, unknown>>(r.inputs),
});

/**
 * tsc already checks every fixture's property names against the class's args (packages/policy/test/
 * fixtures.ts); this proves the rest end to end, on one rejected and one accepted set per rule: the
 * class registers the type token the rule names, and the engine records the properties the rule reads.
 */
describe("policy rules on resources recorded from @pulumi/aws 7 classes", () => {
    const sets = RULES.map((rule) => ({
        rule,
        reject: CASES[rule.name].reject[0],
        accept: CASES[rule.name].accept[0],
    }));
    const key = (f: Fixture) => `${f.type} ${f.name} ${JSON.stringify(f.args)}`;
    const recorded = new Map<string, RecordedResource>();

    // One registration of each distinct fixture, under a unique logical name, then given back its own
    // name and mock id (what the cases' references use).
    before(async function () {
        this.timeout(30_000);
        const distinct = [...new Map(sets.flatMap((s) => [...s.reject, ...s.accept]).map((f) => [key(f), f])).values()];
        const rec = await capture(() => distinct.forEach((f, i) => new f.cls(`f${i}-${f.name}`, f.args as never)));
        distinct.forEach((f, i) => {
            const r = rec.resources.find((x) => x.name === `f${i}-${f.name}`);
            assert.ok(r, `${f.name} was not registered`);
            recorded.set(key(f), { ...r, name: f.name, id: `${f.name}-id` });
        });
    });

    const evaluateSet = (rule: (typeof RULES)[number], set: Fixture[]) =>
        evaluate(
            set.map((f) => plain(recorded.get(key(f))!)),
            {},
            [rule],
        );

    for (const { rule, reject, accept } of sets) {
        it(`${rule.name} sees the types it names with the property names the classes send`, () => {
            for (const f of reject)
                assert.equal(recorded.get(key(f))!.type, f.type, "the class registers the fixture's type token");
            assert.ok(
                evaluateSet(rule, reject).length > 0,
                `${rule.name} let through ${reject.map((f) => f.name).join(", ")}`,
            );
            assert.deepEqual(
                evaluateSet(rule, accept),
                [],
                `${rule.name} rejected ${accept.map((f) => f.name).join(", ")}`,
            );
        });
    }
});

describe("policy pack over the stacks (pnpm plan)", () => {
    const plans: Record<string, Plan> = {};
    before(async function () {
        this.timeout(60_000);
        for (const stack of listStacks()) plans[stack] = await buildPlan(stack);
    });

    for (const stack of listStacks()) {
        it(`${stack} plans with no mandatory violation`, () => {
            const mandatory = plans[stack].json.violations.filter((v) => v.level === "mandatory");
            assert.deepEqual(mandatory, []);
            assert.equal(hasMandatoryViolation(plans[stack]), false);
        });
    }

    it("evaluates every rule on resources of its types in prod or the examples (no rule silently idle)", async function () {
        this.timeout(60_000);
        // The EC2 app tier, CodeDeploy and DocumentDB live in the DrSignet example, not in the root stacks.
        const drsignet = await buildPlan("dev", undefined, { root: path.join(REPO_ROOT, "examples", "drsignet") });
        const types = new Set([...plans.prod.run.resources, ...drsignet.run.resources].map((r) => r.type));
        assert.deepEqual(
            RULES.filter((r) => !r.resourceTypes.some((t) => types.has(t))).map((r) => r.name),
            [],
        );
    });

    it("warns, without failing, on dev's deliberate savings and documented trade-offs, and on nothing else", () => {
        const advisory = plans.dev.json.violations.filter((v) => v.level === "advisory").map((v) => v.policy);
        // Savings: a single-AZ database without deletion protection, no EC2 interface endpoint. Trade-offs
        // (each rule's description says why): Orthanc hosts with public addresses and no data on their
        // volumes, PostgreSQL on its own port, Orthanc's admin login without a rotation function.
        const expected = [
            "rds-multi-az",
            "rds-deletion-protection",
            "elb-deletion-protection",
            "ec2-vpc-endpoint",
            "ec2-instance-no-public-ip",
            "ebs-backup-coverage",
            "rds-non-default-port",
            "secretsmanager-rotation",
        ];
        assert.deepEqual(
            advisory.filter((p) => !expected.includes(p)),
            [],
        );
    });

    /** The run with one change, as if the program had been written that way (the run itself is left as is). */
    function broken(run: StackRun, change: (rs: RecordedResource[]) => RecordedResource[]): StackRun {
        return { ...run, resources: change(run.resources.map((r) => ({ ...r, inputs: { ...r.inputs } }))) };
    }

    it("fails when flow logs are off, naming the rule and the VPC", () => {
        const run = broken(plans.dev.run, (rs) => rs.filter((r) => r.type !== "aws:ec2/flowLog:FlowLog"));
        const vs = policyEvaluator()(run);
        assert.deepEqual(
            vs.filter((v) => v.level === "mandatory").map((v) => `${v.policy} ${v.name}`),
            ["ec2-vpc-flow-logs net-vpc"],
        );
        const text = renderPlan({ run, json: { ...plans.dev.json, violations: vs } });
        assert.match(
            text,
            /ec2-vpc-flow-logs \(mandatory, EC2\.6\): 1\n\s+- aws:ec2\/vpc:Vpc net-vpc: VPC net-vpc has no flow log/,
        );
    });

    it("fails on a public bucket, naming the rule and the bucket", () => {
        const run = broken(plans.dev.run, (rs) => {
            for (const r of rs.filter((x) => x.type === "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")) {
                r.inputs.blockPublicPolicy = false;
                r.inputs.restrictPublicBuckets = false;
            }
            return rs;
        });
        const vs = policyEvaluator()(run).filter((v) => v.level === "mandatory");
        assert.ok(vs.length > 0);
        assert.ok(
            vs.every(
                (v) =>
                    v.policy === "s3-public-access-block" &&
                    /leaves blockPublicPolicy, restrictPublicBuckets off/.test(v.message),
            ),
        );
        assert.ok(vs.some((v) => v.name === "logs"));
    });

    it("follows the pack's config: an advisory rule made mandatory fails the plan, a disabled one is silent", () => {
        const strict = policyEvaluator({ "rds-multi-az": "mandatory" })(plans.dev.run);
        assert.ok(strict.some((v) => v.policy === "rds-multi-az" && v.level === "mandatory"));
        assert.deepEqual(policyEvaluator({ all: "disabled" })(plans.dev.run), []);
        // A stricter retention than prod's 731 days, as an organisation could require.
        const longer = policyEvaluator({ "cloudwatch-log-group-retention-kms": { minimumRetentionDays: 1096 } })(
            plans.prod.run,
        );
        assert.ok(
            longer.some((v) => v.policy === "cloudwatch-log-group-retention-kms" && /fewer than 1096/.test(v.message)),
        );
    });

    it("reads the CLI's arguments: stack, --json, --policy-config", () => {
        assert.deepEqual(parsePlanArgs(["prod", "--json"]), { stack: "prod", json: true, config: {} });
        assert.deepEqual(parsePlanArgs(["dev", "--policy-config", "p.json"]), {
            stack: "dev",
            json: false,
            config: {},
            policyConfig: "p.json",
        });
        assert.deepEqual(parsePlanArgs(["--policy-config=p.json", "dev"]), {
            stack: "dev",
            json: false,
            config: {},
            policyConfig: "p.json",
        });
        assert.throws(() => parsePlanArgs(["dev", "--policy-config"]), /--policy-config needs a value/);
        assert.throws(() => parsePlanArgs(["dev", "prod"]), /one stack expected/);
        assert.throws(() => parsePlanArgs(["dev", "--verbose"]), /unknown option --verbose/);
    });
});
