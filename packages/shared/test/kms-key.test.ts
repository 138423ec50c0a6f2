import { strict as assert } from "assert";
import { capture, named } from "../../testing/src";
import { ConfigError, KmsKey } from "../src";

describe("KmsKey", () => {
    it("rotates yearly, waits 30 days before deletion and is protected by the protect resource option", async () => {
        const rec = await capture(() => new KmsKey("k", { description: "test" }, { protect: true }));
        const key = named(rec, "k-key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.inputs.rotationPeriodInDays, 365);
        assert.equal(key.inputs.deletionWindowInDays, 30);
        assert.equal(key.protect, true);
        assert.equal(
            named(rec, "k-alias").protect,
            true,
            "children inherit the option (Pulumi's rule): nothing overrides it",
        );
    });

    it("admits only this account's IAM and the named services of this account and region", async () => {
        const rec = await capture(() => new KmsKey("k", { description: "test", services: ["logs", "logDelivery"] }));
        const policy = JSON.parse(named(rec, "k-key").inputs.policy);
        const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
        assert.deepEqual(Object.keys(bySid), [
            "AccountAdministersKeyThroughIam",
            "CloudWatchLogsOfThisAccount",
            "LogDeliveryOfThisAccount",
        ]);
        assert.equal(bySid.AccountAdministersKeyThroughIam.Principal.AWS, "arn:aws:iam::123456789012:root");
        assert.equal(bySid.CloudWatchLogsOfThisAccount.Principal.Service, "logs.us-east-1.amazonaws.com");
        assert.equal(
            bySid.CloudWatchLogsOfThisAccount.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"],
            "arn:aws:logs:us-east-1:123456789012:log-group:*",
        );
        assert.equal(bySid.LogDeliveryOfThisAccount.Condition.StringEquals["aws:SourceAccount"], "123456789012");
        for (const s of policy.Statement.slice(1)) {
            assert.ok(!JSON.stringify(s.Action).includes("kms:*"), `${s.Sid} grants kms:*`);
            assert.ok(s.Condition, `${s.Sid} has no condition tying it to this account`);
        }
    });

    it("lives in another region when asked, with that region's logs principal", async () => {
        const rec = await capture(
            () => new KmsKey("edge", { description: "waf logs", region: "us-east-1", services: ["logs"] }),
        );
        const key = named(rec, "edge-key");
        assert.equal(key.inputs.region, "us-east-1");
        assert.equal(named(rec, "edge-alias").inputs.region, "us-east-1");
        assert.match(key.inputs.policy, /logs\.us-east-1\.amazonaws\.com/);
    });

    // CloudFront is admitted per distribution (aws:SourceArn) by the key of the bucket it reads, never
    // account-wide: "cloudfront" is no longer a service a key can name.
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
    it("refuses cloudfront as an account-wide service", () => {
        assert.throws(
            () => new KmsKey("k", { description: "x", services: ["cloudfront" as never] }),
            (e: Error) => e instanceof ConfigError && /services: "cloudfront" is not a known service/.test(e.message),
        );
    });

    // A key policy naming resources built with the key goes in a separate KeyPolicy (the key's own
    // policy would be a cycle); one policy per key, so the key then carries none.
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
    it("applies deferred statements through one KeyPolicy after its own, leaving the key's policy unset", async () => {
        const extra = {
            Sid: "Later",
            Effect: "Allow" as const,
            Principal: { Service: "cloudfront.amazonaws.com" },
            Action: "kms:Decrypt",
            Resource: "*",
            Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::123456789012:distribution/E1" } },
        };
        const rec = await capture(
            () =>
                new KmsKey(
                    "k",
                    { description: "x", services: [] },
                    { protect: true },
                    { deferredPolicyStatements: [extra] },
                ),
        );
        assert.equal(named(rec, "k-key").inputs.policy, undefined);
        const kp = named(rec, "k-key-policy");
        assert.equal(kp.type, "aws:kms/keyPolicy:KeyPolicy");
        assert.ok(kp.inputs.keyId);
        assert.equal(kp.inputs.keyId, named(rec, "k-key").outputs.keyId);
        assert.equal(kp.protect, true);
        assert.deepEqual(
            JSON.parse(kp.inputs.policy).Statement.map((s: any) => s.Sid),
            ["AccountAdministersKeyThroughIam", "Later"],
        );
        const plain = await capture(() => new KmsKey("p", { description: "x" }));
        assert.ok(named(plain, "p-key").inputs.policy, "without deferred statements the key carries its policy");
        assert.equal(plain.resources.filter((r) => r.type === "aws:kms/keyPolicy:KeyPolicy").length, 0);
    });

    it("refuses an unknown service and a deletion window outside 7..30", () => {
        assert.throws(
            () => new KmsKey("k", { description: "x", services: ["s3" as never] }),
            (e: Error) =>
                e instanceof ConfigError &&
                e.message ===
                    'KmsKey "k": services: "s3" is not a known service, allowed logs | logDelivery | events | autoscaling',
        );
        assert.throws(
            () => new KmsKey("k", { description: "x", deletionWindowInDays: 3 }),
            /KmsKey "k": deletionWindowInDays: 3 is out of range, allowed 7\.\.30/,
        );
    });
});
