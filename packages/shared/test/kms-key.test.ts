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
        assert.equal(named(rec, "k-alias").protect, true, "children inherit the option (Pulumi's rule): nothing overrides it");
    });

    it("admits only this account's IAM and the named services of this account and region", async () => {
        const rec = await capture(() => new KmsKey("k", { description: "test", services: ["logs", "logDelivery"] }));
        const policy = JSON.parse(named(rec, "k-key").inputs.policy);
        const bySid = Object.fromEntries(policy.Statement.map((s: any) => [s.Sid, s]));
        assert.deepEqual(Object.keys(bySid), ["AccountAdministersKeyThroughIam", "CloudWatchLogsOfThisAccount", "LogDeliveryOfThisAccount"]);
        assert.equal(bySid.AccountAdministersKeyThroughIam.Principal.AWS, "arn:aws:iam::123456789012:root");
        assert.equal(bySid.CloudWatchLogsOfThisAccount.Principal.Service, "logs.us-east-1.amazonaws.com");
        assert.equal(bySid.CloudWatchLogsOfThisAccount.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"],
            "arn:aws:logs:us-east-1:123456789012:log-group:*");
        assert.equal(bySid.LogDeliveryOfThisAccount.Condition.StringEquals["aws:SourceAccount"], "123456789012");
        for (const s of policy.Statement.slice(1)) {
            assert.ok(!JSON.stringify(s.Action).includes("kms:*"), `${s.Sid} grants kms:*`);
            assert.ok(s.Condition, `${s.Sid} has no condition tying it to this account`);
        }
    });

    it("lives in another region when asked, with that region's logs principal", async () => {
        const rec = await capture(() => new KmsKey("edge", { description: "waf logs", region: "us-east-1", services: ["logs"] }));
        const key = named(rec, "edge-key");
        assert.equal(key.inputs.region, "us-east-1");
        assert.equal(named(rec, "edge-alias").inputs.region, "us-east-1");
        assert.match(key.inputs.policy, /logs\.us-east-1\.amazonaws\.com/);
    });

    it("refuses an unknown service and a deletion window outside 7..30", () => {
        assert.throws(() => new KmsKey("k", { description: "x", services: ["s3" as never] }),
            (e: Error) => e instanceof ConfigError && e.message === 'KmsKey "k": services: "s3" is not a known service, allowed logs | logDelivery | events | autoscaling | cloudfront');
        assert.throws(() => new KmsKey("k", { description: "x", deletionWindowInDays: 3 }),
            /KmsKey "k": deletionWindowInDays: 3 is out of range, allowed 7\.\.30/);
    });
});
