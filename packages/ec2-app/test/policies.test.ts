/**
 * The tier's IAM policies evaluated by an IAM policy evaluator (@cloud-copilot/iam-simulate) for
 * requests that must be allowed and requests that must not: a statement that reads right but does
 * not match the request AWS makes fails here.
 */
import { strict as assert } from "assert";
import { runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { kmsKeyPolicyStatements, policyDocument, PolicyStatement } from "@citadel/shared";
import { Ctx, ciRoleStatements, instanceRoleStatements, serviceRoleStatements } from "../src";

const ACCOUNT = "123456789012";
const C: Ctx = { partition: "aws", region: "eu-central-1", accountId: ACCOUNT, dnsSuffix: "amazonaws.com" };
const KEY = `arn:aws:kms:eu-central-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BUCKET = "arn:aws:s3:::drsignet-revisions-abc123";
const ROLE = `arn:aws:iam::${ACCOUNT}:role/drsignet-ci-role-abc`;
const cd = (what: string) => `arn:aws:codedeploy:eu-central-1:${ACCOUNT}:${what}`;
const param = (p: string) => `arn:aws:ssm:eu-central-1:${ACCOUNT}:parameter${p}`;
/** KMS decides with the key policy too: the stack key's (KmsKey), which lets IAM policies grant use. */
const KEY_POLICY = kmsKeyPolicyStatements({ ...C, services: ["logs", "autoscaling"] });

async function decide(
    identity: PolicyStatement[],
    action: string,
    resource: string,
    context: Record<string, string> = {},
): Promise<string> {
    const simulation: Simulation = {
        identityPolicies: [{ name: "identity", policy: policyDocument(identity) }],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        ...(resource.startsWith("arn:aws:kms:") ? { resourcePolicy: policyDocument(KEY_POLICY) } : {}),
        request: {
            principal: ROLE,
            action,
            resource: { resource, accountId: ACCOUNT },
            contextVariables: { "aws:SecureTransport": "true", ...context },
        },
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error")
        throw new Error(`simulation refused its input: ${JSON.stringify(result.errors)}`);
    return result.overallResult;
}
async function allowed(
    p: PolicyStatement[],
    action: string,
    resource: string,
    context?: Record<string, string>,
): Promise<void> {
    assert.equal(await decide(p, action, resource, context), "Allowed", `${action} on ${resource}`);
}
async function refused(
    p: PolicyStatement[],
    action: string,
    resource: string,
    context?: Record<string, string>,
): Promise<void> {
    assert.notEqual(await decide(p, action, resource, context), "Allowed", `${action} on ${resource}`);
}

describe("Ec2App IAM policies (iam-simulate)", () => {
    const ci = ciRoleStatements({
        ...C,
        revisionsBucketArn: BUCKET,
        kmsKeyArn: KEY,
        applications: [
            { applicationName: "drsignet-api-1a2b", deploymentGroupName: "api", revisionPrefix: "api/" },
            { applicationName: "drsignet-web-3c4d", deploymentGroupName: "web", revisionPrefix: "web/" },
        ],
    });

    it("CI uploads revisions under its apps' prefixes and deploys its apps", async () => {
        await allowed(ci, "s3:PutObject", `${BUCKET}/api/release-42.zip`);
        await allowed(ci, "s3:PutObject", `${BUCKET}/web/release-42.zip`);
        await allowed(ci, "kms:GenerateDataKey", KEY, { "kms:ViaService": "s3.eu-central-1.amazonaws.com" });
        await allowed(ci, "codedeploy:RegisterApplicationRevision", cd("application:drsignet-api-1a2b"));
        await allowed(ci, "codedeploy:CreateDeployment", cd("deploymentgroup:drsignet-api-1a2b/api"));
        await allowed(ci, "codedeploy:GetDeploymentConfig", cd("deploymentconfig:CodeDeployDefault.OneAtATime"));
    });

    it("CI can touch no other prefix, application or group, cannot change a group, nor use the key outside S3", async () => {
        await refused(ci, "s3:PutObject", `${BUCKET}/release-42.zip`);
        await refused(ci, "s3:PutObject", `${BUCKET}/other/release-42.zip`);
        await refused(ci, "s3:DeleteObject", `${BUCKET}/api/release-42.zip`);
        await refused(ci, "s3:PutObject", "arn:aws:s3:::some-other-bucket/api/x.zip");
        await refused(ci, "codedeploy:CreateDeployment", cd("deploymentgroup:billing-app/prod"));
        await refused(ci, "codedeploy:CreateDeployment", cd("deploymentgroup:drsignet-api-1a2b/web"));
        await refused(ci, "codedeploy:UpdateDeploymentGroup", cd("deploymentgroup:drsignet-api-1a2b/api"));
        await refused(ci, "codedeploy:DeleteApplication", cd("application:drsignet-api-1a2b"));
        await refused(ci, "kms:Decrypt", KEY);
        await refused(ci, "kms:Decrypt", KEY, { "kms:ViaService": "secretsmanager.eu-central-1.amazonaws.com" });
    });

    const instance = instanceRoleStatements({
        ...C,
        parameterNamespace: "/drsignet/dev",
        apps: ["api", "web"],
        revisionsBucketArn: BUCKET,
        kmsKeyArn: KEY,
        logGroupArns: [`arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:drsignet-api-logs-1a2b`],
    });

    it("instances read their own apps' parameters (decrypted through SSM) and the revisions", async () => {
        await allowed(instance, "ssm:GetParametersByPath", param("/drsignet/dev/api"));
        await allowed(instance, "ssm:GetParameter", param("/drsignet/dev/web/MONGODB_HOST"));
        await allowed(instance, "kms:Decrypt", KEY, { "kms:ViaService": "ssm.eu-central-1.amazonaws.com" });
        await allowed(instance, "s3:GetObject", `${BUCKET}/api/release-42.zip`);
        await allowed(instance, "s3:GetObject", "arn:aws:s3:::aws-codedeploy-eu-central-1/latest/install");
        await allowed(
            instance,
            "logs:PutLogEvents",
            `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:drsignet-api-logs-1a2b:log-stream:i-0abc`,
        );
    });

    it("instances read no other environment's or app's parameters, write nothing, and use the key only through SSM and S3", async () => {
        await refused(instance, "ssm:GetParametersByPath", param("/drsignet/prod/api"));
        await refused(instance, "ssm:GetParametersByPath", param("/drsignet/dev"));
        await refused(instance, "ssm:GetParameter", param("/drsignet/dev/apiary/SECRET"));
        await refused(instance, "ssm:PutParameter", param("/drsignet/dev/api/X"));
        await refused(instance, "kms:Decrypt", KEY);
        await refused(instance, "s3:PutObject", `${BUCKET}/api/release-42.zip`);
        await refused(instance, "s3:GetObject", "arn:aws:s3:::aws-codedeploy-us-east-1/latest/install");
        await refused(
            instance,
            "logs:PutLogEvents",
            `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:other:log-stream:i-0abc`,
        );
        await refused(
            instance,
            "logs:DeleteLogGroup",
            `arn:aws:logs:eu-central-1:${ACCOUNT}:log-group:drsignet-api-logs-1a2b`,
        );
    });

    it("CodeDeploy passes only the instance role, and publishes only to the alert topic", async () => {
        const service = serviceRoleStatements({
            ...C,
            instanceRoleArn: `arn:aws:iam::${ACCOUNT}:role/instances`,
            kmsKeyArn: KEY,
            topicArn: `arn:aws:sns:eu-central-1:${ACCOUNT}:alerts`,
            topicKmsKeyArn: `${KEY}-topic`,
        });
        await allowed(service, "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/instances`);
        await refused(service, "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`);
        await allowed(service, "sns:Publish", `arn:aws:sns:eu-central-1:${ACCOUNT}:alerts`);
        await refused(service, "sns:Publish", `arn:aws:sns:eu-central-1:${ACCOUNT}:other`);
        await allowed(service, "kms:GenerateDataKey", `${KEY}-topic`, {
            "kms:ViaService": "sns.eu-central-1.amazonaws.com",
        });
        await refused(service, "kms:GenerateDataKey", `${KEY}-topic`);
    });
});
