import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { buildPlan, PlanJson, policyEvaluator } from "@citadel/testing";
import { designProblems, PlanResource } from "./design";

const ROOT = path.resolve(__dirname, "..");

/** The container port the stack file configures: the load balancer's only way to the tasks. */
const APP_PORT = parse(fs.readFileSync(path.join(ROOT, "Pulumi.dev.yaml"), "utf8")).config["sg-design:port"] as number;

const clone = (rs: PlanResource[]): PlanResource[] => JSON.parse(JSON.stringify(rs));

describe("examples/sg-design (seed 001)", () => {
    let plan: PlanJson;
    before(async () => {
        // What `pnpm plan dev --dir examples/sg-design --json` prints, built in this process as the
        // other examples' tests do (the CLI's process-level behaviour is tested in packages/testing).
        plan = (await buildPlan("dev", policyEvaluator(), { root: ROOT })).json;
    });

    it("plans (as `pnpm plan dev --dir examples/sg-design` does) with no mandatory policy violation", () => {
        assert.equal(plan.project, "sg-design");
        assert.equal(plan.stack, "dev");
        assert.deepEqual(
            plan.violations.filter((v) => v.level === "mandatory"),
            [],
        );
    });

    it("the plan is the write-up's design: every stated rule, pairwise, and nothing else open", () => {
        assert.equal(APP_PORT, 8080);
        assert.deepEqual(designProblems(plan.resources, APP_PORT), []);
    });

    describe("the check fails when the design is broken", () => {
        it("a stated rule missing: the database no longer admits the tasks", () => {
            const broken = clone(plan.resources).filter(
                (r) => !(r.type.endsWith("SecurityGroupIngressRule") && r.inputs.fromPort === 5432),
            );
            assert.deepEqual(designProblems(broken, APP_PORT), [
                "ingress missing: tasks -> database on tcp/5432 (RDS SG: access only from authorized sources, the ECS tasks)",
            ]);
        });

        it("an extra ingress: SSH to the SSM-managed instance from the internet", () => {
            const broken = clone(plan.resources);
            const instanceSg = broken.find((r) => r.type === "aws:ec2/instance:Instance")!.inputs
                .vpcSecurityGroupIds[0];
            broken.push({
                type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
                name: "ssh",
                parent: "app",
                inputs: {
                    securityGroupId: instanceSg,
                    ipProtocol: "tcp",
                    fromPort: 22,
                    toPort: 22,
                    cidrIpv4: "0.0.0.0/0",
                },
            });
            assert.deepEqual(designProblems(broken, APP_PORT), [
                "ingress not in the design: internet -> instance on tcp/22 (rule ssh)",
            ]);
        });

        it("a widened rule: the database open to the whole VPC instead of the tasks", () => {
            const broken = clone(plan.resources);
            const rule = broken.find((r) => r.type.endsWith("SecurityGroupIngressRule") && r.inputs.fromPort === 5432)!;
            const vpc = broken.find((r) => r.type === "aws:ec2/vpc:Vpc")!;
            rule.inputs = { ...rule.inputs, referencedSecurityGroupId: undefined, cidrIpv4: vpc.inputs.cidrBlock };
            const problems = designProblems(broken, APP_PORT);
            assert.equal(problems.length, 2);
            assert.match(problems[0], /^ingress missing: tasks -> database on tcp\/5432/);
            assert.match(problems[1], /^ingress not in the design: vpc -> database on tcp\/5432/);
        });

        it("an inline rule on a group, and HTTP forwarded instead of redirected", () => {
            const broken = clone(plan.resources);
            const dbSg = broken.find((r) => r.type === "aws:rds/instance:Instance")!.inputs.vpcSecurityGroupIds[0];
            broken.find((r) => r.id === dbSg)!.inputs.ingress = [
                { protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] },
            ];
            const http = broken.find((r) => r.type === "aws:lb/listener:Listener" && r.inputs.port === 80)!;
            http.inputs.defaultActions = [{ type: "forward", targetGroupArn: "tg" }];
            assert.deepEqual(designProblems(broken, APP_PORT), [
                "ingress not in the design: internet -> database on tcp/5432 (rule app-db-sg (inline))",
                "expected one listener on 80 whose only action redirects to HTTPS",
            ]);
        });

        it("the tasks given public IPs", () => {
            const broken = clone(plan.resources);
            broken.find((r) => r.type === "aws:ecs/service:Service")!.inputs.networkConfiguration.assignPublicIp = true;
            assert.deepEqual(designProblems(broken, APP_PORT), ["service app-app's tasks may get public IPs"]);
        });
    });
});
