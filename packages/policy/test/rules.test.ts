import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { evaluate, PolicyViolation } from "../src/evaluate";
import { RULES } from "../src/rules";
import { CASES, Fixture, plain } from "./fixtures";

const ADVISORY = [
    "elb-deletion-protection",
    "rds-multi-az",
    "rds-deletion-protection",
    "elasticache-automatic-failover",
    "opensearch-data-nodes",
    "opensearch-dedicated-masters",
    "docdb-deletion-protection",
    // Issue 11, item 14: FSBP controls that trade against a deliberate design, each saying why in its description.
    "autoscaling-elb-health-check",
    "autoscaling-multiple-instance-types",
    "ec2-instance-no-public-ip",
    "ec2-vpc-endpoint",
    "ebs-backup-coverage",
    "rds-non-default-port",
    "secretsmanager-rotation",
];

function run(rule: (typeof RULES)[number], set: Fixture[]): PolicyViolation[] {
    return evaluate(set.map(plain), {}, [rule]);
}

const describeSet = (set: Fixture[]) => set.map((f) => `${f.type.split(":").pop()} ${f.name}`).join(", ");

describe("policy rules", () => {
    it("has a unique name, a description citing its FSBP controls, a severity, remediation and a level", () => {
        assert.equal(new Set(RULES.map((r) => r.name)).size, RULES.length);
        for (const r of RULES) {
            assert.match(r.name, /^[a-z0-9]+(-[a-z0-9]+)+$/, r.name);
            for (const c of r.controls) {
                assert.match(c, /^[A-Za-z0-9]+\.\d+$/, `${r.name}: control ${c}`);
                assert.ok(r.description.includes(c), `${r.name}: description must cite ${c}`);
            }
            if (r.controls.length === 0) assert.match(r.description, /Citadel rule; no FSBP control/, r.name);
            assert.ok(["low", "medium", "high", "critical"].includes(r.severity), r.name);
            assert.ok(r.remediation.length > 20, `${r.name}: remediation`);
            assert.equal(r.defaultLevel, ADVISORY.includes(r.name) ? "advisory" : "mandatory", r.name);
            assert.ok(r.resourceTypes.length > 0, r.name);
        }
    });

    it("covers every control the issue lists", () => {
        const controls = new Set(RULES.flatMap((r) => r.controls));
        const required = [
            "EC2.6",
            "EC2.2",
            "EC2.15",
            "EC2.18",
            "EC2.19",
            "EC2.8",
            "EC2.170",
            "EC2.3",
            "EC2.181",
            "AutoScaling.9",
            "AutoScaling.2",
            "ELB.1",
            "ELB.4",
            "ELB.5",
            "ELB.6",
            "ELB.12",
            "ELB.17",
            "ECS.4",
            "ECS.5",
            "ECS.8",
            "ECS.9",
            "ECS.2",
            "ECS.12",
            "ECS.17",
            "RDS.3",
            "RDS.2",
            "RDS.11",
            "RDS.13",
            "RDS.10",
            "RDS.9",
            "RDS.5",
            "RDS.8",
            "S3.8",
            "S3.5",
            "S3.17",
            "S3.14",
            "S3.9",
            "S3.13",
            "S3.12",
            "CloudFront.3",
            "CloudFront.6",
            "CloudFront.5",
            "CloudFront.15",
            "CloudFront.13",
            "CloudFront.9",
            "WAF.10",
            "WAF.12",
            "WAF.11",
            "KMS.4",
            "KMS.1",
            "KMS.2",
            "IAM.1",
            "SQS.1",
            "CloudWatch.16",
            "ECR.1",
            "ECR.2",
            "ECR.3",
            // Issue 11: SNS topics, public key policies, data reads on all resources.
            "SNS.1",
            "KMS.5",
            "IAM.21",
            // Issue 11, item 14: the missing FSBP controls of every resource type the stacks and examples create.
            "ELB.13",
            "AutoScaling.1",
            "AutoScaling.6",
            "ECS.19",
            "ECS.20",
            "RDS.6",
            "RDS.23",
            "RDS.34",
            "RDS.36",
            "RDS.37",
            "RDS.38",
            "S3.6",
            "CloudFront.1",
            "CloudFront.8",
            "SQS.3",
            "SNS.4",
            "EC2.9",
            "EC2.10",
            "EC2.17",
            "EC2.28",
            "SecretsManager.1",
            "SecretsManager.4",
        ];
        assert.deepEqual(
            required.filter((c) => !controls.has(c)),
            [],
        );
    });

    it("are each listed in the README's table with their controls, default level and kind", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        const rows = RULES.map(
            (r) => `| \`${r.name}\` | ${r.controls.join(", ") || "— (Citadel)"} | ${r.defaultLevel} | ${r.kind} |`,
        );
        assert.deepEqual(
            rows.filter((row) => !readme.includes(row)),
            [],
        );
        assert.match(readme, new RegExp(`\\b${RULES.length} rules\\b`));
        // The repository's README counts them too.
        const root = fs.readFileSync(path.join(__dirname, "..", "..", "..", "README.md"), "utf8");
        assert.match(root, new RegExp(`CrossGuard pack of ${RULES.length} rules\\b`));
    });

    it("has rejecting and accepting cases for every rule, and no cases for a rule that does not exist", () => {
        assert.deepEqual(
            RULES.map((r) => r.name).filter((n) => !CASES[n]?.reject.length || !CASES[n]?.accept.length),
            [],
        );
        assert.deepEqual(
            Object.keys(CASES).filter((n) => !RULES.some((r) => r.name === n)),
            [],
        );
    });

    for (const rule of RULES) {
        describe(rule.name, () => {
            for (const set of CASES[rule.name]?.reject ?? []) {
                it(`rejects ${describeSet(set)}`, () => {
                    const vs = run(rule, set);
                    assert.ok(vs.length > 0, `expected a violation of ${rule.name}`);
                    for (const v of vs) {
                        assert.equal(v.policy, rule.name);
                        assert.equal(v.level, rule.defaultLevel);
                        // The violation names a resource of a type the rule says it reads.
                        assert.ok(rule.resourceTypes.includes(v.type!), `${v.type} not in ${rule.name}'s types`);
                        assert.ok(
                            set.some((f) => f.name === v.name),
                            v.name,
                        );
                    }
                });
            }
            for (const set of CASES[rule.name]?.accept ?? []) {
                it(`accepts ${describeSet(set)}`, () => assert.deepEqual(run(rule, set), []));
            }
            it("reads only types that its cases build from @pulumi/aws classes", () => {
                const built = new Set(
                    Object.values(CASES[rule.name] ?? { reject: [], accept: [] })
                        .flat(2)
                        .map((f: Fixture) => f.type),
                );
                // Every type the rule reads is built by one of its cases, or is an alias of one that is.
                const alias = (t: string) => ALIASES[t] ?? t.replace(/V2:(\w+)V2$/, ":$1");
                assert.deepEqual(
                    rule.resourceTypes.filter((t) => !built.has(t) && !built.has(alias(t))),
                    [],
                );
            });
        });
    }
});

/** Types a rule accepts as synonyms of another (the legacy alb module) and need no case of their own. */
const ALIASES: Record<string, string> = {
    "aws:alb/loadBalancer:LoadBalancer": "aws:lb/loadBalancer:LoadBalancer",
    "aws:alb/listener:Listener": "aws:lb/listener:Listener",
    "aws:alb/listenerRule:ListenerRule": "aws:lb/listenerRule:ListenerRule",
};
