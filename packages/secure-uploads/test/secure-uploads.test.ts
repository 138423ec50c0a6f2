import * as assert from "assert";
import { ConfigError } from "@citadel/shared";
import { capture, named, ofType, Recording, reveal } from "@citadel/testing";
import { scanAlertPattern, SecureUploads, SecureUploadsArgs, validateSecureUploadsArgs } from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const PEM = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n";
const base: SecureUploadsArgs = {
    kmsKeyArn: KEY,
    accessLogsBucketName: "logs-mock",
    allowedOrigins: ["https://portal.example.com"],
};

describe("SecureUploads", () => {
    let rec: Recording;
    let uploads: SecureUploads;
    before(async () => {
        rec = await capture(() => {
            uploads = new SecureUploads(
                "uploads",
                { ...base, alarms: { topicArn: TOPIC }, signedUrls: { publicKeyPem: PEM }, incomingExpirationDays: 2 },
                { protect: true },
            );
        });
    });

    it("scans every object with a GuardDuty plan that tags results, under its own role", () => {
        const plan = ofType(rec, "aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan")[0].inputs;
        assert.deepStrictEqual(plan.actions, [{ taggings: [{ status: "ENABLED" }] }]);
        assert.strictEqual(plan.protectedResource.s3Bucket.objectPrefixes, undefined);
        const trust = JSON.parse(
            reveal<string>(named(rec, "uploads-scanner", "aws:iam/role:Role").inputs.assumeRolePolicy),
        );
        assert.deepStrictEqual(trust.Statement[0].Principal, {
            Service: "malware-protection-plan.guardduty.amazonaws.com",
        });
        const policy = JSON.parse(reveal<string>(named(rec, "uploads-scanner-policy").inputs.policy));
        const decrypt = policy.Statement.find((s: any) => s.Sid === "DecryptForScan");
        assert.deepStrictEqual(
            [decrypt.Resource, decrypt.Condition.StringEquals["kms:ViaService"]],
            [KEY, "s3.us-east-1.amazonaws.com"],
        );
        for (const s of policy.Statement) assert.ok(!String(s.Action).includes("*"), s.Sid);
    });

    it("expires incoming/ after the configured days, keeps other versions under the bucket's rules", () => {
        const rules = named(rec, "uploads-files-lifecycle").inputs.rules;
        const incoming = rules.find((r: any) => r.id === "expire-incoming");
        assert.deepStrictEqual(
            [incoming.filter.prefix, incoming.expiration.days, incoming.noncurrentVersionExpiration.noncurrentDays],
            ["incoming/", 2, 2],
        );
        assert.ok(rules.some((r: any) => r.id === "expire-old-versions"));
    });

    it("admits uploads from the configured origins only", () => {
        const cors = named(rec, "uploads-cors").inputs.corsRules;
        assert.deepStrictEqual(
            [cors[0].allowedOrigins, cors[0].allowedMethods],
            [["https://portal.example.com"], ["PUT", "POST"]],
        );
    });

    it("is KMS-encrypted, versioned, in the backup selection, and protected as its component is", () => {
        const bucket = named(rec, "uploads-files", "aws:s3/bucket:Bucket");
        assert.strictEqual(bucket.inputs.tags["citadel:backup"], "daily");
        assert.strictEqual(bucket.protect, true);
        const enc = named(rec, "uploads-files-encryption").inputs.rules[0].applyServerSideEncryptionByDefault;
        assert.deepStrictEqual([enc.sseAlgorithm, enc.kmsMasterKeyId], ["aws:kms", KEY]);
    });

    it("sends malware findings and failed scans of this bucket to the alert topic", () => {
        const rule = JSON.parse(
            named(rec, "uploads-scan-alerts", "aws:cloudwatch/eventRule:EventRule").inputs.eventPattern,
        );
        assert.deepStrictEqual(rule.detail.scanResultDetails.scanResultStatus, [
            "THREATS_FOUND",
            "FAILED",
            "ACCESS_DENIED",
        ]);
        assert.strictEqual(rule["detail-type"][0], "GuardDuty Malware Protection Object Scan Result");
        assert.strictEqual(named(rec, "uploads-scan-alerts-target").inputs.arn, TOPIC);
        assert.deepStrictEqual(JSON.parse(scanAlertPattern("b")).detail.s3ObjectDetails.bucketName, ["b"]);
    });

    it("creates a CloudFront key group for signed URLs, and an unguessable avatars prefix", async () => {
        assert.strictEqual(named(rec, "uploads-signing-key").inputs.encodedKey, PEM);
        assert.ok(named(rec, "uploads-signers"));
        assert.strictEqual(named(rec, "uploads-avatars-prefix").inputs.byteLength, 16);
        assert.deepStrictEqual(
            uploads.appGrants.map((g) => [g.access, g.prefix]),
            [
                ["readWrite", "incoming/"],
                ["readWrite", "clean/"],
                ["readWrite", "avatars/"],
            ],
        );
    });

    it("refuses bad origins, sizes, expiries and keys, naming the argument", () => {
        const bad = (over: Partial<SecureUploadsArgs>, re: RegExp) =>
            assert.throws(
                () => validateSecureUploadsArgs("u", { ...base, ...over }),
                (e: unknown) => e instanceof ConfigError && re.test(e.message),
            );
        bad({ allowedOrigins: [] }, /SecureUploads "u": allowedOrigins.*is empty/);
        bad({ accessLogsBucketName: "" }, /SecureUploads "u": accessLogsBucketName: "" is required/);
        bad({ allowedOrigins: ["*"] }, /allowedOrigins: "\*" is not an HTTPS origin/);
        bad({ allowedOrigins: ["http://portal.example.com"] }, /is not an HTTPS origin/);
        bad({ allowedOrigins: ["https://portal.example.com/app"] }, /is not an HTTPS origin/);
        bad({ maxUploadBytes: 6 * 1024 ** 3 }, /maxUploadBytes/);
        bad({ downloadUrlExpirySeconds: 604801 }, /downloadUrlExpirySeconds/);
        bad({ incomingExpirationDays: 0 }, /incomingExpirationDays/);
        bad({ signedUrls: { publicKeyPem: "ssh-rsa AAAA" } }, /signedUrls.publicKeyPem.*is not a PEM public key/);
    });
});
