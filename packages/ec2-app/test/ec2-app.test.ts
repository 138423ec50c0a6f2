import { strict as assert } from "assert";
import {
    assertUserTagsEverywhere,
    autoNamed,
    capture,
    named,
    ofType,
    Recording,
    RecordedResource,
    reveal,
    USER_TAGS,
} from "@citadel/testing";
import { ConfigError } from "@citadel/shared";
import { DEPLOYMENT_CONFIG, Ec2App, METADATA_OPTIONS } from "../src";
import { CERT_ARN, CI_PRINCIPAL, KEY_ARN, TOPIC_ARN, tierArgs } from "./fixtures";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const DG = "aws:codedeploy/deploymentGroup:DeploymentGroup";
const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

function ingress(rec: Recording): string[] {
    return ofType(rec, INGRESS)
        .map((r) => {
            const i = r.inputs;
            return `${i.cidrIpv4 ?? i.referencedSecurityGroupId} -> ${i.securityGroupId}:${i.fromPort}`;
        })
        .sort();
}
function policy(r: RecordedResource, field = "policy"): any {
    return JSON.parse(reveal<string>(r.inputs[field]));
}

describe("Ec2App", () => {
    let rec: Recording;
    before(async () => {
        rec = await capture(() => new Ec2App("tier", tierArgs()));
    });

    it("admits 443/80 to the ALB from anywhere and only the ALB to the instances, on the apps' Nginx ports; no SSH", () => {
        assert.deepEqual(ingress(rec), [
            "0.0.0.0/0 -> tier-alb-sg-id:443",
            "0.0.0.0/0 -> tier-alb-sg-id:80",
            "tier-alb-sg-id -> tier-instances-sg-id:8080",
            "tier-alb-sg-id -> tier-instances-sg-id:8081",
        ]);
        const instanceEgress = ofType(rec, EGRESS).filter((r) => r.inputs.securityGroupId === "tier-instances-sg-id");
        assert.deepEqual(
            instanceEgress.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4]),
            [[443, "0.0.0.0/0"]],
        );
        for (const sg of ofType(rec, "aws:ec2/securityGroup:SecurityGroup")) assert.equal(sg.inputs.ingress, undefined);
    });

    it("serves HTTPS with the TLS 1.3 policy and only redirects HTTP, as EcsApp's load balancer", () => {
        const https = named(rec, "tier-https").inputs;
        assert.deepEqual(
            [https.port, https.protocol, https.sslPolicy, https.certificateArn],
            [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", CERT_ARN],
        );
        assert.deepEqual(named(rec, "tier-http").inputs.defaultActions, [
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ]);
        const alb = named(rec, "tier-alb").inputs;
        assert.deepEqual(alb.subnets, ["subnet-pub-a", "subnet-pub-b"]);
        assert.equal(alb.dropInvalidHeaderFields, true);
    });

    it("routes by path or host to one target group per app, on the instances' Nginx port, health-checked on the app's path", () => {
        const tgs = ofType(rec, "aws:lb/targetGroup:TargetGroup");
        assert.deepEqual(
            tgs.map((t) => [t.name, t.inputs.targetType, t.inputs.port, t.inputs.healthCheck.path]),
            [
                ["tier-api-tg", "instance", 8080, "/api/health"],
                ["tier-web-tg", "instance", 8081, "/health"],
            ],
        );
        const rules = ofType(rec, "aws:lb/listenerRule:ListenerRule");
        assert.deepEqual(
            rules.map((r) => [
                r.inputs.priority,
                r.inputs.conditions,
                r.inputs.actions[0].targetGroupArn.split(":").pop(),
            ]),
            [
                [100, [{ pathPattern: { values: ["/api/*"] } }], "tier-api-tg"],
                [110, [{ hostHeader: { values: ["app.example.com"] } }], "tier-web-tg"],
            ],
        );
        const asg = named(rec, "tier-asg").inputs;
        assert.equal(asg.targetGroupArns.length, 2);
    });

    it("launches private AL2023 instances: IMDSv2, encrypted gp3 with the key, no public IP, no key pair", () => {
        const lt = named(rec, "tier-lt").inputs;
        assert.deepEqual(lt.metadataOptions, METADATA_OPTIONS);
        assert.equal(lt.metadataOptions.httpTokens, "required");
        assert.equal(lt.keyName, undefined);
        assert.deepEqual(
            lt.networkInterfaces.map((n: any) => [n.associatePublicIpAddress, n.securityGroups]),
            [["false", ["tier-instances-sg-id"]]],
        );
        assert.deepEqual(lt.blockDeviceMappings[0].ebs, {
            volumeSize: 20,
            volumeType: "gp3",
            encrypted: "true",
            kmsKeyId: KEY_ARN,
            deleteOnTermination: "true",
        });
        assert.equal(lt.imageId, "ami-0fedcba9876543210", "the latest AL2023 AMI from its public SSM parameter");
        const userData = Buffer.from(lt.userData, "base64").toString("utf8");
        assert.match(userData, /^#cloud-config\n/);
        assert.match(userData, /set_real_ip_from 10\.20\.0\.0\/16;/, "Nginx trusts the VPC's CIDR");
        // EC2 caps user data at 16 KiB.
        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/user-data.html
        assert.ok(lt.userData.length <= 16384, `${lt.userData.length} bytes of user data`);
        const asg = named(rec, "tier-asg").inputs;
        assert.deepEqual(asg.vpcZoneIdentifiers, ["subnet-priv-a", "subnet-priv-b"]);
        assert.deepEqual([asg.minSize, asg.maxSize, asg.healthCheckType], [2, 4, "EC2"]);
        assert.equal(asg.launchTemplate.id, "tier-lt-id");
        assert.deepEqual(asg.instanceRefresh, {
            strategy: "Rolling",
            preferences: { minHealthyPercentage: 50, instanceWarmup: "300" },
        });
    });

    it("deploys each app in place, one instance at a time, traffic blocked at the ALB, rolled back on failure and on its alarms", () => {
        const groups = ofType(rec, DG);
        assert.equal(groups.length, 2);
        for (const g of groups) {
            const i = g.inputs;
            assert.equal(i.deploymentConfigName, DEPLOYMENT_CONFIG);
            assert.equal(DEPLOYMENT_CONFIG, "CodeDeployDefault.OneAtATime");
            assert.deepEqual(i.deploymentStyle, {
                deploymentType: "IN_PLACE",
                deploymentOption: "WITH_TRAFFIC_CONTROL",
            });
            assert.deepEqual(i.autoRollbackConfiguration, {
                enabled: true,
                events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"],
            });
            assert.equal(i.alarmConfiguration.enabled, true);
            assert.equal(i.alarmConfiguration.alarms.length, 2);
            // At most 10 alarms per deployment group.
            // https://docs.aws.amazon.com/codedeploy/latest/APIReference/API_AlarmConfiguration.html
            assert.ok(i.alarmConfiguration.alarms.length <= 10);
            assert.equal(i.loadBalancerInfo.targetGroupInfos.length, 1);
            assert.deepEqual(i.autoscalingGroups.length, 1);
            assert.deepEqual(
                i.triggerConfigurations.map((t: any) => [
                    t.triggerTargetArn,
                    t.triggerEvents.includes("DeploymentFailure"),
                    t.triggerEvents.includes("DeploymentRollback"),
                ]),
                [[TOPIC_ARN, true, true]],
            );
        }
        assert.deepEqual(
            groups.map((g) => g.inputs.deploymentGroupName),
            ["api", "web"],
        );
    });

    it("raises each app's 5xx and unhealthy-target alarms on the alert topic", () => {
        const alarms = ofType(rec, ALARM).filter((a) => a.inputs.namespace === "AWS/ApplicationELB");
        assert.deepEqual(
            alarms.map((a) => [a.name, a.inputs.metricName, a.inputs.namespace]),
            [
                ["tier-api-5xx", "HTTPCode_Target_5XX_Count", "AWS/ApplicationELB"],
                ["tier-api-unhealthy", "UnHealthyHostCount", "AWS/ApplicationELB"],
                ["tier-web-5xx", "HTTPCode_Target_5XX_Count", "AWS/ApplicationELB"],
                ["tier-web-unhealthy", "UnHealthyHostCount", "AWS/ApplicationELB"],
            ],
        );
        for (const a of alarms) {
            assert.deepEqual(a.inputs.alarmActions, [TOPIC_ARN]);
            assert.deepEqual(a.inputs.okActions, [TOPIC_ARN]);
            assert.deepEqual(Object.keys(a.inputs.dimensions).sort(), ["LoadBalancer", "TargetGroup"]);
        }
    });

    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-collected-by-CloudWatch-agent.html
    it("raises one root-volume disk alarm for the group (the agent's disk_used_percent by group and path) on the topic", async () => {
        const disk = ofType(rec, ALARM).filter((a) => a.inputs.namespace === "Citadel/Ec2App");
        assert.deepEqual(
            disk.map((a) => [
                a.name,
                a.inputs.metricName,
                a.inputs.statistic,
                a.inputs.threshold,
                a.inputs.period * a.inputs.evaluationPeriods,
                a.inputs.dimensions.path,
                a.inputs.alarmActions,
            ]),
            [["tier-disk", "disk_used_percent", "Maximum", 80, 600, "/", [TOPIC_ARN]]],
        );
        assert.ok(disk[0].inputs.dimensions.AutoScalingGroupName);
        const tuned = await capture(
            () => new Ec2App("tier", tierArgs({ alarms: { topicArn: TOPIC_ARN, diskUsedPercent: 90 } })),
        );
        assert.equal(named(tuned, "tier-disk", ALARM).inputs.threshold, 90);
        assert.throws(
            () => new Ec2App("bad", tierArgs({ alarms: { topicArn: TOPIC_ARN, diskUsedPercent: 101 } })),
            /alarms\.diskUsedPercent.*1\.\.100/s,
        );
    });

    it("gives each app a log group with a retention and the key, named in the instances' CloudWatch agent config", () => {
        const groups = ofType(rec, "aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(
            groups.map((g) => [g.name, g.inputs.retentionInDays, g.inputs.kmsKeyId]),
            [
                ["tier-api-logs", 365, KEY_ARN],
                ["tier-web-logs", 365, KEY_ARN],
            ],
        );
        const userData = Buffer.from(named(rec, "tier-lt").inputs.userData, "base64").toString("utf8");
        assert.ok(
            userData.includes(`"log_group_name": "${autoNamed("tier-api-logs", "cloudwatch/logGroup:LogGroup")}"`),
        );
    });

    it("keeps revisions in a versioned SSE-KMS bucket that refuses requests without TLS", () => {
        const bucket = named(rec, "tier-revisions", "citadel:shared:SecureBucket");
        const children = rec.resources.filter((r) => r.parent === bucket.name);
        const enc = children.find((r) => r.type.includes("ServerSideEncryption"))!;
        assert.equal(enc.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
        assert.equal(enc.inputs.rules[0].applyServerSideEncryptionByDefault.kmsMasterKeyId, KEY_ARN);
        const versioning = children.find((r) => r.type.includes("Versioning"))!;
        assert.equal(versioning.inputs.versioningConfiguration.status, "Enabled");
        const bp = policy(children.find((r) => r.type === "aws:s3/bucketPolicy:BucketPolicy")!);
        assert.ok(
            bp.Statement.some(
                (s: any) => s.Effect === "Deny" && s.Condition?.Bool?.["aws:SecureTransport"] === "false",
            ),
        );
    });

    it("lets the CI principals assume a role that can only upload these apps' revisions and deploy these apps", () => {
        const trust = policy(named(rec, "tier-ci-role"), "assumeRolePolicy");
        assert.deepEqual(trust.Statement[0].Principal, { AWS: [CI_PRINCIPAL] });
        const p = policy(named(rec, "tier-ci-policy"));
        const actions = p.Statement.flatMap((s: any) => [s.Action].flat());
        assert.ok(!actions.some((a: string) => a.includes("*")), "no wildcard actions");
        assert.ok(!actions.includes("codedeploy:UpdateDeploymentGroup"), "CI cannot switch rollback off");
        for (const s of p.Statement) {
            for (const r of [s.Resource].flat()) assert.notEqual(r, "*", `${s.Sid} on every resource`);
        }
        const uploads = p.Statement.find((s: any) => s.Sid === "UploadRevisions").Resource;
        assert.deepEqual(
            uploads.map((r: string) => r.split("/").slice(1).join("/")),
            ["api/*", "web/*"],
        );
    });

    it("gives the instances Session Manager and their own apps' parameters only", () => {
        // AmazonSSMManagedInstanceCore allows ssm:GetParameter(s) on every parameter of the account:
        // the instances get Session Manager's own actions instead, and parameters by namespace only.
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
        const attached = ofType(rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
            (a) => a.inputs.policyArn,
        );
        assert.ok(!attached.some((arn) => /AmazonSSMManagedInstanceCore/.test(arn)), attached.join(", "));
        const ssm = policy(named(rec, "tier-instance-ssm"));
        assert.ok(ssm.Statement.some((s: any) => [s.Action].flat().includes("ssmmessages:OpenDataChannel")));
        for (const s of ssm.Statement) {
            for (const a of [s.Action].flat())
                assert.doesNotMatch(a, /^ssm:GetParameter/, `${s.Sid} reads parameters on ${s.Resource}`);
        }
        const p = policy(named(rec, "tier-instance-policy"));
        const params = p.Statement.find((s: any) => s.Sid === "ReadOwnAppParameters");
        assert.deepEqual(params.Resource, [
            "arn:aws:ssm:us-east-1:123456789012:parameter/drsignet/test/api",
            "arn:aws:ssm:us-east-1:123456789012:parameter/drsignet/test/api/*",
            "arn:aws:ssm:us-east-1:123456789012:parameter/drsignet/test/web",
            "arn:aws:ssm:us-east-1:123456789012:parameter/drsignet/test/web/*",
        ]);
        assert.deepEqual(p.Statement.find((s: any) => s.Sid === "ShipAppLogs").Resource.length, 2);
        const decrypt = p.Statement.filter((s: any) => [s.Action].flat().includes("kms:Decrypt"));
        assert.ok(
            decrypt.every((s: any) => s.Condition?.StringEquals?.["kms:ViaService"]),
            "the key only through SSM or S3",
        );
    });

    it("gives CodeDeploy its managed policy, the launch-template permissions and the topic", () => {
        const attached = ofType(rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map(
            (a) => a.inputs.policyArn,
        );
        assert.ok(attached.includes("arn:aws:iam::aws:policy/service-role/AWSCodeDeployRole"));
        const p = policy(named(rec, "tier-codedeploy-policy"));
        const bySid = Object.fromEntries(p.Statement.map((s: any) => [s.Sid, s]));
        assert.deepEqual(bySid.LaunchFromTemplate.Action, ["ec2:RunInstances", "ec2:CreateTags"]);
        assert.match(bySid.PassInstanceRole.Resource, /role\/tier-instance-role/);
        assert.equal(bySid.PublishDeploymentEvents.Resource, TOPIC_ARN);
        const trust = policy(named(rec, "tier-codedeploy-role"), "assumeRolePolicy");
        assert.equal(trust.Statement[0].Principal.Service, "codedeploy.amazonaws.com");
    });

    it("without an alert topic, still rolls back on its alarms but sends no events", async () => {
        const quiet = await capture(() => new Ec2App("tier", tierArgs({ alarms: undefined })));
        for (const g of ofType(quiet, DG)) {
            assert.equal(g.inputs.triggerConfigurations, undefined);
            assert.equal(g.inputs.alarmConfiguration.alarms.length, 2);
        }
        assert.ok(ofType(quiet, ALARM).every((a) => a.inputs.alarmActions.length === 0));
    });

    it("protects its buckets and the load balancer when the component is protected; tags instances with the patch group", async () => {
        const prot = await capture(
            () =>
                new Ec2App(
                    "tier",
                    tierArgs({ patchGroup: "drsignet", tags: { ...USER_TAGS, "Patch Group": "user" } }),
                    { protect: true },
                ),
        );
        // Every taggable child carries the user's tags (the group's tag list and the instances' and
        // volumes' tag specifications included); Name and Patch Group stay Citadel's.
        assert.ok(assertUserTagsEverywhere(prot, "citadel:ec2app:Ec2App") > 10);
        const instance = named(prot, "tier-lt").inputs.tagSpecifications.find(
            (t: any) => t.resourceType === "instance",
        ).tags;
        assert.deepEqual([instance.Name, instance.CostCenter], ["tier", USER_TAGS.CostCenter]);
        assert.equal(
            ofType(prot, "aws:autoscaling/group:Group")[0].inputs.tags.find((t: any) => t.key === "Name").value,
            "tier",
        );
        assert.equal(named(prot, "tier-lt").inputs.tagSpecifications[0].tags["Patch Group"], "drsignet");
        assert.equal(named(rec, "tier-lt").inputs.tagSpecifications[0].tags["Patch Group"], undefined);
        assert.equal(named(prot, "tier-revisions", "aws:s3/bucket:Bucket").protect, true);
        assert.equal(named(prot, "tier-alb-logs", "aws:s3/bucket:Bucket").protect, true);
        assert.equal(named(prot, "tier-alb").inputs.enableDeletionProtection, true);
        assert.equal(named(rec, "tier-revisions", "aws:s3/bucket:Bucket").protect, false);
    });

    it("refuses bad args before registering anything", async () => {
        let thrown: unknown;
        const r = await capture(() => {
            try {
                new Ec2App("tier", tierArgs({ apps: tierArgs().apps.slice(0, 1) }));
            } catch (e) {
                thrown = e;
            }
        });
        assert.ok(thrown instanceof ConfigError);
        assert.equal(r.resources.length, 0);
    });
});
