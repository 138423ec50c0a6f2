import { strict as assert } from "assert";
import { hostPolicyStatements, HostPolicyContext, ssmCorePolicyArn } from "../src";

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
        const withCert = hostPolicyStatements({ ...ctx, certificateSecretArn: "arn:cert" });
        assert.deepEqual(withCert.find((s) => s.Sid === "ReadSecrets")!.Resource, [ctx.databaseSecretArn, ctx.adminSecretArn, "arn:cert"]);
    });

    it("uses the key only through S3 and Secrets Manager of its region", () => {
        assert.deepEqual(bySid.UseKeyThroughS3AndSecretsManager.Action, ["kms:Decrypt", "kms:GenerateDataKey"]);
        assert.equal(bySid.UseKeyThroughS3AndSecretsManager.Resource, ctx.kmsKeyArn);
        assert.deepEqual(bySid.UseKeyThroughS3AndSecretsManager.Condition, {
            StringEquals: { "kms:ViaService": ["s3.eu-west-1.amazonaws.com", "secretsmanager.eu-west-1.amazonaws.com"] },
        });
    });

    it("writes its own log group only", () => {
        assert.deepEqual(bySid.WriteOwnLogs.Resource, [ctx.logGroupArn, `${ctx.logGroupArn}:log-stream:*`]);
    });

    it("has no wildcard action and no wildcard resource", () => {
        for (const s of statements) {
            for (const action of ([] as string[]).concat(s.Action)) assert.ok(!action.includes("*"), `${s.Sid}: ${action}`);
            for (const resource of ([] as string[]).concat(s.Resource ?? [])) assert.notEqual(resource, "*", s.Sid);
            assert.equal(s.Effect, "Allow");
        }
    });

    it("names the partition's SSM core policy", () => {
        assert.equal(ssmCorePolicyArn("aws-us-gov"), "arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore");
    });
});
