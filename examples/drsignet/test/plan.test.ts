/**
 * The DrSignet example planned as `pnpm plan dev --dir examples/drsignet` plans it (the same
 * buildPlan, on this folder, with the policy pack's default config).
 */
import { strict as assert } from "assert";
import * as path from "path";
import { buildPlan, Plan, PlanJson } from "@citadel/testing";

export const DRSIGNET = path.resolve(__dirname, "..");
/** A planned resource, its inputs read as plain JSON. */
type Resource = Omit<PlanJson["resources"][number], "inputs"> & { inputs: Record<string, any> };

describe("examples/drsignet (pnpm plan dev --dir examples/drsignet)", () => {
    let plan: Plan;
    let resources: Resource[];
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    const one = (type: string) => {
        const found = ofType(type);
        assert.equal(found.length, 1, `${type}: ${found.length}`);
        return found[0];
    };
    before(async function () {
        this.timeout(60_000);
        plan = await buildPlan("dev", undefined, { root: DRSIGNET });
        resources = plan.json.resources as Resource[];
    });

    it("plans with no mandatory violation (dev's advisories: deletable load balancer and DocumentDB cluster, and the documented trade-offs)", () => {
        assert.equal(plan.json.project, "drsignet");
        assert.deepEqual(
            plan.json.violations.filter((v) => v.level === "mandatory"),
            [],
        );
        // EC2 health checks (an instance serves several apps), one instance type, no EC2 interface
        // endpoint in dev, and immutable hosts whose volumes hold no data: see each rule's description.
        assert.deepEqual([...new Set(plan.json.violations.map((v) => v.policy))].sort(), [
            "autoscaling-elb-health-check",
            "autoscaling-multiple-instance-types",
            "docdb-deletion-protection",
            "ebs-backup-coverage",
            "ec2-vpc-endpoint",
            "elb-deletion-protection",
        ]);
    });

    it("puts the instances in the private subnets, with NAT egress, two per group", () => {
        const subnets = ofType("aws:ec2/subnet:Subnet");
        const privateIds = subnets
            .filter((s) => s.inputs.mapPublicIpOnLaunch !== true && /private/.test(s.name))
            .map((s) => s.id);
        const asg = one("aws:autoscaling/group:Group").inputs;
        assert.deepEqual(asg.vpcZoneIdentifiers, privateIds);
        assert.equal(privateIds.length, 2);
        assert.equal(asg.minSize, 2);
        assert.equal(ofType("aws:ec2/natGateway:NatGateway").length, 1);
        assert.ok(
            ofType("aws:ec2/route:Route").some(
                (r) => r.inputs.natGatewayId && r.inputs.destinationCidrBlock === "0.0.0.0/0",
            ),
        );
    });

    it("has the two target groups and the two in-place deployment groups with OneAtATime and automatic rollback", () => {
        assert.deepEqual(
            ofType("aws:lb/targetGroup:TargetGroup").map((t) => [t.name, t.inputs.targetType, t.inputs.port]),
            [
                ["drsignet-api-tg", "instance", 8080],
                ["drsignet-web-tg", "instance", 8081],
            ],
        );
        const groups = ofType("aws:codedeploy/deploymentGroup:DeploymentGroup");
        assert.equal(groups.length, 2);
        for (const g of groups) {
            assert.equal(g.inputs.deploymentConfigName, "CodeDeployDefault.OneAtATime");
            assert.equal(g.inputs.deploymentStyle.deploymentType, "IN_PLACE");
            assert.equal(g.inputs.deploymentStyle.deploymentOption, "WITH_TRAFFIC_CONTROL");
            assert.deepEqual(g.inputs.autoRollbackConfiguration.events, [
                "DEPLOYMENT_FAILURE",
                "DEPLOYMENT_STOP_ON_ALARM",
            ]);
            assert.equal(g.inputs.alarmConfiguration.alarms.length, 2);
            assert.equal(g.inputs.triggerConfigurations[0].triggerTargetArn, plan.json.outputs.alertTopicArn);
        }
    });

    it("has the database (private, TLS, 15-day backups, backup tag) reachable from the instances only", () => {
        const cluster = one("aws:docdb/cluster:Cluster").inputs;
        assert.equal(cluster.backupRetentionPeriod, 15);
        assert.equal(cluster.tags["citadel:backup"], "daily");
        const tierSg = ofType("aws:ec2/securityGroup:SecurityGroup").find((s) => s.name === "drsignet-instances-sg")!;
        const dbSg = ofType("aws:ec2/securityGroup:SecurityGroup").find((s) => s.name === "docs-sg")!;
        const toDb = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === dbSg.id,
        );
        assert.deepEqual(
            toDb.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort]),
            [[tierSg.id, 27017]],
        );
    });

    it("has the operations baseline: an alert topic with a subscriber, a nightly backup of the tagged resources kept 15 days, patching", () => {
        assert.equal(one("aws:ssm/patchGroup:PatchGroup").inputs.patchGroup, "drsignet");
        const lt = one("aws:ec2/launchTemplate:LaunchTemplate").inputs;
        assert.equal(lt.tagSpecifications[0].tags["Patch Group"], "drsignet");
        const sub = one("aws:sns/topicSubscription:TopicSubscription").inputs;
        assert.equal(sub.protocol, "email");
        assert.ok(one("aws:sns/topic:Topic").inputs.kmsMasterKeyId);
        const rule = one("aws:backup/plan:Plan").inputs.rules[0];
        assert.deepEqual([rule.schedule, rule.lifecycle.deleteAfter], ["cron(0 0 ? * * *)", 15]);
        assert.deepEqual(one("aws:backup/selection:Selection").inputs.selectionTags, [
            { type: "STRINGEQUALS", key: "citadel:backup", value: "daily" },
        ]);
    });

    it("refuses subnets without NAT and a single instance before any resource, naming the config key", async () => {
        await assert.rejects(
            buildPlan("dev", undefined, { root: DRSIGNET, overrides: { "drsignet:natStrategy": "none" } }),
            /ConfigError: drsignet:natStrategy: "none" is not a known value, allowed single \| perAz/,
        );
        await assert.rejects(
            buildPlan("dev", undefined, { root: DRSIGNET, overrides: { "drsignet:instanceCount": 1 } }),
            /drsignet:instanceCount: 1 is out of range, allowed 2..20/,
        );
    });
});
