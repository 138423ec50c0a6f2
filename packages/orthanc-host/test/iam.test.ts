import { strict as assert } from "assert";
import { runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { policyDocument } from "@citadel/shared";
import {
    ADMIN_PENDING_TAG,
    cloudWatchAgentConfig,
    HEARTBEAT_NAMESPACE,
    hostCloudWatchAgentParams,
    hostPolicyStatements,
    HostPolicyContext,
} from "../src";

const ctx: HostPolicyContext = {
    region: "eu-west-1",
    dnsSuffix: "amazonaws.com",
    bucketArn: "arn:aws:s3:::images",
    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
    databaseSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db",
    adminSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin",
    logGroupArn: "arn:aws:logs:eu-west-1:123456789012:log-group:orthanc",
};

describe("OrthancHost instance role", () => {
    const statements = hostPolicyStatements(ctx);
    const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));

    it("grants get/put/delete on the image bucket's objects and list on the bucket, nothing else in S3", () => {
        assert.deepEqual(bySid.ImageObjects.Action, ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"]);
        assert.equal(bySid.ImageObjects.Resource, "arn:aws:s3:::images/*");
        assert.equal(bySid.ListImageBucket.Action, "s3:ListBucket");
        assert.equal(bySid.ListImageBucket.Resource, "arn:aws:s3:::images");
    });

    it("reads the database and admin secrets, and writes only the admin secret", () => {
        assert.deepEqual(bySid.ReadSecrets.Resource, [ctx.databaseSecretArn, ctx.adminSecretArn]);
        assert.deepEqual(bySid.SetAdminSecretFirstValue.Action, "secretsmanager:PutSecretValue");
        assert.equal(bySid.SetAdminSecretFirstValue.Resource, ctx.adminSecretArn);
        assert.equal(
            statements.filter((s) =>
                ([] as string[])
                    .concat(s.Action)
                    .some((a) => /Put|Update|[Tt]ag|Delete/.test(a) && a.startsWith("secretsmanager:")),
            ).length,
            2,
        );
        const withCert = hostPolicyStatements({ ...ctx, certificateSecretArn: "arn:cert" });
        assert.deepEqual(withCert.find((s) => s.Sid === "ReadSecrets")!.Resource, [
            ctx.databaseSecretArn,
            ctx.adminSecretArn,
            "arn:cert",
        ]);
    });

    it("uses the key only through S3 and Secrets Manager of its region", () => {
        assert.deepEqual(bySid.UseKeyThroughS3AndSecretsManager.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
        assert.equal(bySid.UseKeyThroughS3AndSecretsManager.Resource, ctx.kmsKeyArn);
        assert.deepEqual(bySid.UseKeyThroughS3AndSecretsManager.Condition, {
            StringEquals: {
                "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"],
            },
        });
    });

    it("writes its own log group only", () => {
        assert.deepEqual(bySid.WriteOwnLogs.Resource, [ctx.logGroupArn, `${ctx.logGroupArn}:log-stream:*`]);
    });

    it("has no wildcard action, and a wildcard resource only for resource-less actions (Session Manager, its heartbeat)", () => {
        for (const s of statements) {
            for (const action of ([] as string[]).concat(s.Action))
                assert.ok(!action.includes("*"), `${s.Sid}: ${action}`);
            if (s.Sid === "PutHostMetrics") {
                assert.deepEqual(s.Condition, { StringEquals: { "cloudwatch:namespace": "Citadel/OrthancHost" } });
            } else if (s.Sid !== "SessionManagerAgent" && s.Sid !== "SystemsManagerAgent") {
                for (const resource of ([] as string[]).concat(s.Resource ?? [])) assert.notEqual(resource, "*", s.Sid);
            }
            assert.equal(s.Effect, "Allow");
        }
    });

    // AmazonSSMManagedInstanceCore allows ssm:GetParameter(s) on every parameter of the account; with
    // hop limit 2 the Orthanc container could use the host's role. Session Manager needs only these:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
    it("SSM instance profile: the agent's own actions (sessions, Run Command, patching), and no parameter read at all", () => {
        assert.deepEqual(bySid.SessionManagerAgent.Action, [
            "ssm:UpdateInstanceInformation",
            "ssmmessages:CreateControlChannel",
            "ssmmessages:CreateDataChannel",
            "ssmmessages:OpenControlChannel",
            "ssmmessages:OpenDataChannel",
        ]);
        assert.ok(
            statements.every((s) => !([] as string[]).concat(s.Action).some((a) => a.startsWith("ssm:GetParameter"))),
        );
    });

    // Secrets Manager authorizes PutSecretValue by resource tag (secretsmanager:ResourceTag/<key>): the
    // write is allowed while the admin secret still carries the pending tag, which the first host removes.
    // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
    it("Secrets Manager ResourceTag condition: the admin secret is writable only until its first value", () => {
        assert.deepEqual(bySid.SetAdminSecretFirstValue.Condition, {
            StringEquals: { [`secretsmanager:ResourceTag/${ADMIN_PENDING_TAG.key}`]: ADMIN_PENDING_TAG.value },
        });
        assert.deepEqual(bySid.EndAdminSecretFirstValue.Action, "secretsmanager:UntagResource");
        assert.deepEqual(bySid.EndAdminSecretFirstValue.Condition, {
            "ForAllValues:StringEquals": { "aws:TagKeys": [ADMIN_PENDING_TAG.key] },
        });
        assert.ok(
            statements.every((s) => !([] as string[]).concat(s.Action).includes("secretsmanager:TagResource")),
            "a host that could tag the secret could give itself the write back",
        );
    });
});

/**
 * The host's metrics statement evaluated by an IAM policy evaluator (@cloud-copilot/iam-simulate):
 * PutMetricData supports no resource-level permission, so the `cloudwatch:namespace` condition is
 * all that keeps the host (and, through the metadata service, the Orthanc container) out of other
 * namespaces. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
 */
describe("OrthancHost instance role under an IAM evaluator", () => {
    const ROLE = "arn:aws:iam::123456789012:role/pacs-host-role";
    async function decide(action: string, resource: string, context: Record<string, string>): Promise<string> {
        const simulation: Simulation = {
            identityPolicies: [{ name: "host", policy: policyDocument(hostPolicyStatements(ctx)) }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: {
                principal: ROLE,
                action,
                resource: { resource, accountId: "123456789012" },
                contextVariables: { "aws:SecureTransport": "true", ...context },
            },
        };
        const result = await runSimulation(simulation, {});
        if (result.resultType === "error")
            throw new Error(`simulation refused its input: ${JSON.stringify(result.errors)}`);
        return result.overallResult;
    }

    it("CloudWatch PutMetricData: the agent's and the heartbeat's namespace only", async () => {
        const config = cloudWatchAgentConfig(hostCloudWatchAgentParams()) as { metrics: { namespace: string } };
        assert.equal(config.metrics.namespace, HEARTBEAT_NAMESPACE);
        assert.equal(
            await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": config.metrics.namespace }),
            "Allowed",
        );
        assert.notEqual(
            await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "AWS/EC2" }),
            "Allowed",
        );
        assert.notEqual(
            await decide("cloudwatch:PutMetricData", "*", { "cloudwatch:namespace": "Citadel/Ec2App" }),
            "Allowed",
        );
        // The agent needs nothing else: no logs section (no log group), no tags (InstanceId comes from the metadata service).
        assert.notEqual(await decide("ec2:DescribeTags", "*", {}), "Allowed");
        assert.notEqual(
            await decide("logs:CreateLogGroup", "arn:aws:logs:eu-west-1:123456789012:log-group:x", {}),
            "Allowed",
        );
    });
});
