import { strict as assert } from "assert";
import * as path from "path";
import { buildPlan, policyEvaluator, PlanJson } from "@citadel/testing";

/** This example's folder: what `pnpm plan dev --dir examples/instandt` plans. */
const ROOT = path.resolve(__dirname, "..");
const REGISTRY_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:instandt/dev/gitlab-registry-AbCdEf";
/** The plan's JSON, its inputs read as the plain JSON they are. */
type Resource = Omit<PlanJson["resources"][number], "inputs"> & { inputs: Record<string, any> };
type Plan = Omit<PlanJson, "resources"> & { resources: Resource[] };

const ofType = (p: Plan, type: string) => p.resources.filter((r) => r.type === type);
const named = (p: Plan, name: string, type: string): Resource => {
    const hit = p.resources.find((r) => r.name === name && r.type === type);
    assert.ok(hit, `no ${type} named ${name}`);
    return hit;
};
const containers = (td: Resource) => JSON.parse(td.inputs.containerDefinitions) as Array<Record<string, any>>;
const statements = (p: Plan, policyName: string) =>
    JSON.parse(named(p, policyName, "aws:iam/rolePolicy:RolePolicy").inputs.policy).Statement as Array<
        Record<string, any>
    >;
/** Whether a role policy allows `action` on `resource` (exact ARN or a `prefix*` pattern). */
const allows = (p: Plan, policyName: string, action: string, resource: string) =>
    statements(p, policyName).some(
        (s) =>
            s.Effect === "Allow" &&
            [s.Action].flat().includes(action) &&
            [s.Resource]
                .flat()
                .some((r: string) => r === resource || (r.endsWith("*") && resource.startsWith(r.slice(0, -1)))),
    );

describe("examples/instandt (seed 000)", () => {
    let dev: Plan;
    before(async () => {
        dev = (await buildPlan("dev", policyEvaluator(), { root: ROOT })).json;
    });

    it("plans with no mandatory policy violation", () => {
        assert.equal(dev.project, "instandt");
        assert.deepEqual(
            dev.violations.filter((v) => v.level === "mandatory"),
            [],
        );
    });

    it("ECS on autoscaled EC2: a capacity provider with managed scaling over an Auto Scaling group", () => {
        const provider = ofType(dev, "aws:ecs/capacityProvider:CapacityProvider");
        assert.equal(provider.length, 1);
        assert.equal(provider[0].inputs.autoScalingGroupProvider.managedScaling.status, "ENABLED");
        const asg = ofType(dev, "aws:autoscaling/group:Group");
        assert.deepEqual(
            asg.map((g) => [g.inputs.minSize, g.inputs.maxSize]),
            [[1, 3]],
        );
        for (const td of ofType(dev, "aws:ecs/taskDefinition:TaskDefinition")) {
            assert.deepEqual(td.inputs.requiresCompatibilities, ["EC2"]);
        }
    });

    it("exactly two services, frontend and backend, and no worker or queue it does not have", () => {
        const services = ofType(dev, "aws:ecs/service:Service")
            .map((s) => s.name)
            .sort();
        assert.deepEqual(services, ["instandt-backend", "instandt-frontend"]);
        assert.equal(ofType(dev, "aws:sqs/queue:Queue").length, 0);
    });

    it("the run-once migration task runs the configured command in the backend image, started by the exported command", () => {
        const td = named(dev, "instandt-migration-taskdef", "aws:ecs/taskDefinition:TaskDefinition");
        const [c] = containers(td);
        assert.deepEqual(c.command, ["npm", "run", "migrate"]);
        assert.match(c.image, /^registry\.gitlab\.com\/acme\/instandt\/backend:/);
        assert.equal(
            ofType(dev, "aws:ecs/service:Service").some((s) => s.inputs.taskDefinition === td.id),
            false,
            "the migration must not run as a service",
        );
        assert.match(
            String(dev.outputs.migrationCommand),
            new RegExp(`^aws ecs run-task .*--task-definition ${td.inputs.arn ?? "\\S*migration"}`),
        );
        assert.match(String(dev.outputs.migrationCommand), /--count 1$/);
    });

    it("images come from GitLab with the token in Secrets Manager as registry credentials, read only by the execution roles", () => {
        for (const name of ["frontend", "backend", "migration"]) {
            const [c] = containers(named(dev, `instandt-${name}-taskdef`, "aws:ecs/taskDefinition:TaskDefinition"));
            assert.deepEqual(c.repositoryCredentials, { credentialsParameter: REGISTRY_SECRET });
            assert.ok(
                allows(dev, `instandt-${name}-execution-policy`, "secretsmanager:GetSecretValue", REGISTRY_SECRET),
            );
            assert.equal(
                allows(dev, `instandt-${name}-task-policy`, "secretsmanager:GetSecretValue", REGISTRY_SECRET),
                false,
            );
        }
    });

    it("the app version comes from Parameter Store: every image is tagged with /instandt/dev/app-version", () => {
        const tag = dev.outputs.appVersion;
        assert.ok(typeof tag === "string" && tag.length > 0);
        for (const td of ofType(dev, "aws:ecs/taskDefinition:TaskDefinition")) {
            assert.ok(containers(td)[0].image.endsWith(`:${tag}`), `${td.name} is not on the app version`);
        }
        assert.ok(
            allows(
                dev,
                "instandt-backend-task-policy",
                "ssm:GetParameter",
                "arn:aws:ssm:us-east-1:123456789012:parameter/instandt/dev/app-version",
            ),
        );
    });

    it("CloudFront with a WAF web ACL in front; the load balancer admits CloudFront's origin-facing ranges only", () => {
        const [distribution] = ofType(dev, "aws:cloudfront/distribution:Distribution");
        const [acl] = ofType(dev, "aws:wafv2/webAcl:WebAcl");
        assert.equal(acl.inputs.scope, "CLOUDFRONT");
        assert.ok(distribution.inputs.webAclId, "no web ACL on the distribution");
        assert.deepEqual(distribution.inputs.aliases, ["instandt.example.com"]);
        const albSg = ofType(dev, "aws:lb/loadBalancer:LoadBalancer")[0].inputs.securityGroups[0];
        const ingress = ofType(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === albSg,
        );
        assert.ok(ingress.length > 0);
        for (const r of ingress) {
            assert.ok(r.inputs.prefixListId && !r.inputs.cidrIpv4, `${r.name} admits more than CloudFront`);
            assert.equal(r.inputs.fromPort, 443);
        }
    });

    it("RDS PostgreSQL Multi-AZ on db.t3.micro, reachable from the tasks only", () => {
        const [db] = ofType(dev, "aws:rds/instance:Instance");
        assert.equal(db.inputs.multiAz, true);
        assert.equal(db.inputs.instanceClass, "db.t3.micro");
        assert.equal(db.inputs.publiclyAccessible, false);
        const tasksSg = ofType(dev, "aws:ecs/service:Service")[0].inputs.networkConfiguration.securityGroups[0];
        const ingress = ofType(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === db.inputs.vpcSecurityGroupIds[0],
        );
        // The tasks, and the bastion that exists to reach the database (Session Manager port forwarding).
        const bastionSg = ofType(dev, "aws:ec2/instance:Instance").find((i) => /bastion/.test(i.name))!.inputs
            .vpcSecurityGroupIds[0];
        assert.deepEqual(
            ingress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort]),
            [
                [tasksSg, 5432],
                [bastionSg, 5432],
            ],
        );
    });

    it("a private, KMS-encrypted bucket for uploaded DICOM images, which the backend may write and read and the frontend may not", () => {
        const bucket = named(dev, "instandt-dicom", "aws:s3/bucket:Bucket");
        const block = ofType(dev, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").find(
            (b) => b.inputs.bucket === bucket.id,
        )!;
        assert.deepEqual(
            [
                block.inputs.blockPublicAcls,
                block.inputs.blockPublicPolicy,
                block.inputs.ignorePublicAcls,
                block.inputs.restrictPublicBuckets,
            ],
            [true, true, true, true],
        );
        const sse = ofType(
            dev,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ).find((b) => b.inputs.bucket === bucket.id)!;
        assert.equal(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        const object = `arn:aws:s3:::${dev.outputs.dicomBucketName}/studies/1.dcm`;
        assert.ok(
            allows(dev, "instandt-backend-task-policy", "s3:PutObject", object),
            "the backend may not write images",
        );
        assert.ok(
            allows(dev, "instandt-backend-task-policy", "s3:GetObject", object),
            "the backend may not read images",
        );
        assert.equal(
            allows(dev, "instandt-backend-task-policy", "s3:DeleteObject", object),
            false,
            "deleting is more than write and read",
        );
        assert.equal(allows(dev, "instandt-frontend-task-policy", "s3:GetObject", object), false);
        assert.equal(allows(dev, "instandt-frontend-task-policy", "s3:PutObject", object), false);
    });

    it("a bastion with only a private IP and no inbound rule, reached with Session Manager", () => {
        const [bastion] = ofType(dev, "aws:ec2/instance:Instance");
        assert.equal(bastion.inputs.associatePublicIpAddress, false);
        const sg = bastion.inputs.vpcSecurityGroupIds[0];
        assert.equal(
            ofType(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
                (r) => r.inputs.securityGroupId === sg,
            ).length,
            0,
        );
        assert.match(String(dev.outputs.bastionSessionCommand), /^aws ssm start-session .*--target /);
    });

    it("refuses private subnets without NAT (the GitLab registry is on the internet), naming the config key", async () => {
        await assert.rejects(
            buildPlan("dev", policyEvaluator(), { root: ROOT, overrides: { "instandt:natStrategy": "none" } }),
            /instandt:natStrategy: "none" is not a known value, allowed single \| perAz/,
        );
    });

    it("every alarm notifies the alert topic, which someone is subscribed to", () => {
        const alarms = ofType(dev, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.ok(alarms.length > 0, "no alarms");
        for (const a of alarms)
            assert.ok(a.inputs.alarmActions.includes(dev.outputs.alertTopicArn), `${a.name} notifies no one`);
        assert.deepEqual(
            ofType(dev, "aws:sns/topicSubscription:TopicSubscription").map((s) => [
                s.inputs.protocol,
                s.inputs.endpoint,
            ]),
            [["email", "ops@example.com"]],
        );
    });
});
