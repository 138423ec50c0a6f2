import { strict as assert } from "assert";
import { autoNamed, capture, named, ofType } from "../../testing/src";
import { ConfigError, SecureBucket } from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";

describe("SecureBucket", () => {
    it("puts data buckets in the backup selection and leaves log buckets out", async () => {
        const rec = await capture(() => {
            new SecureBucket("images", { kmsKeyArn: KEY, accessLogs: { bucketName: "log-bucket" } });
            new SecureBucket("logs", { purpose: "logs", kmsKeyArn: KEY });
        });
        assert.deepEqual(named(rec, "images", "aws:s3/bucket:Bucket").inputs.tags, { "citadel:backup": "daily" });
        assert.equal(named(rec, "logs", "aws:s3/bucket:Bucket").inputs.tags, undefined);
    });

    it("encrypts with the KMS key, versions, blocks all public access, disables ACLs and logs access", async () => {
        const rec = await capture(
            () =>
                new SecureBucket(
                    "images",
                    {
                        kmsKeyArn: KEY,
                        accessLogs: { bucketName: "log-bucket" },
                    },
                    { protect: true },
                ),
        );
        assert.equal(named(rec, "images").protect, true);
        assert.equal(named(rec, "images").inputs.forceDestroy, false);
        const sse = named(rec, "images-encryption").inputs.rules[0];
        assert.deepEqual(sse.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY });
        assert.equal(sse.bucketKeyEnabled, true);
        assert.equal(named(rec, "images-versioning").inputs.versioningConfiguration.status, "Enabled");
        const pab = named(rec, "images-public-access").inputs;
        assert.deepEqual(
            [pab.blockPublicAcls, pab.blockPublicPolicy, pab.ignorePublicAcls, pab.restrictPublicBuckets],
            [true, true, true, true],
        );
        assert.equal(named(rec, "images-ownership").inputs.rule.objectOwnership, "BucketOwnerEnforced");
        const logging = named(rec, "images-access-logs").inputs;
        assert.equal(logging.bucket, "images-id");
        assert.equal(logging.targetBucket, "log-bucket");
        assert.equal(logging.targetPrefix, "s3/images/");
    });

    it("denies every request without TLS 1.2+, and admits no log service on a data bucket", async () => {
        const rec = await capture(
            () => new SecureBucket("images", { kmsKeyArn: KEY, accessLogs: { bucketName: "l" } }),
        );
        const policy = JSON.parse(named(rec, "images-policy").inputs.policy);
        const deny = policy.Statement.find((s: any) => s.Sid === "DenyInsecureTransport");
        assert.equal(deny.Effect, "Deny");
        assert.equal(deny.Principal, "*");
        assert.deepEqual(deny.Condition, { Bool: { "aws:SecureTransport": "false" } });
        assert.deepEqual(deny.Resource, [
            `arn:aws:s3:::${autoNamed("images", "s3/bucket:Bucket")}`,
            `arn:aws:s3:::${autoNamed("images", "s3/bucket:Bucket")}/*`,
        ]);
        const tls = policy.Statement.find((s: any) => s.Sid === "DenyOutdatedTls");
        assert.deepEqual(tls.Condition, { NumericLessThan: { "s3:TlsVersion": "1.2" } });
        assert.ok(
            policy.Statement.every((s: any) => s.Effect === "Deny"),
            "a data bucket allows nobody by policy",
        );
    });

    it("keeps old versions a year on data buckets and expires logs on log buckets", async () => {
        const data = await capture(() => new SecureBucket("d", { kmsKeyArn: KEY, accessLogs: { bucketName: "l" } }));
        const dataRules = named(data, "d-lifecycle").inputs.rules;
        assert.deepEqual(
            dataRules.map((r: any) => r.id),
            ["abort-incomplete-uploads", "expire-old-versions"],
        );
        assert.equal(dataRules[1].noncurrentVersionExpiration.noncurrentDays, 365);
        assert.deepEqual(dataRules[1].noncurrentVersionTransitions, [
            { noncurrentDays: 30, storageClass: "STANDARD_IA" },
        ]);

        const logs = await capture(
            () => new SecureBucket("l", { purpose: "logs", kmsKeyArn: KEY, logRetentionInDays: 90 }),
        );
        const logRules = named(logs, "l-lifecycle").inputs.rules;
        assert.equal(logRules.find((r: any) => r.id === "expire-logs").expiration.days, 90);
        assert.equal(
            ofType(logs, "aws:s3/bucketLogging:BucketLogging").length,
            0,
            "a log bucket must not log into itself",
        );
    });

    it("admits the AWS log services of this account only on a log bucket", async () => {
        const rec = await capture(() => new SecureBucket("l", { purpose: "logs", kmsKeyArn: KEY }));
        const allows = JSON.parse(named(rec, "l-policy").inputs.policy).Statement.filter(
            (s: any) => s.Effect === "Allow",
        );
        assert.ok(allows.length >= 4);
        for (const s of allows) {
            assert.deepEqual(s.Principal, { Service: "delivery.logs.amazonaws.com" });
            assert.equal(s.Condition.StringEquals["aws:SourceAccount"], "123456789012");
        }
    });

    // S3 server access logs arrive only in SSE-S3 buckets; ALB access logs too. In us-east-1 (a Region
    // older than August 2022) the ALB writes as ELB account 127311923021.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    it("S3 and ALB access logs: SSE-S3 buckets admitting exactly their documented writer", async () => {
        const rec = await capture(() => new SecureBucket("alb", { purpose: "elbLogs", deliveryPrefix: "alb" }));
        assert.deepEqual(named(rec, "alb-encryption").inputs.rules[0].applyServerSideEncryptionByDefault, {
            sseAlgorithm: "AES256",
        });
        const allows = JSON.parse(named(rec, "alb-policy").inputs.policy).Statement.filter(
            (s: any) => s.Effect === "Allow",
        );
        assert.deepEqual(
            allows.map((s: any) => [s.Principal, s.Resource]),
            [
                [
                    { AWS: "arn:aws:iam::127311923021:root" },
                    `arn:aws:s3:::${autoNamed("alb", "s3/bucket:Bucket")}/alb/AWSLogs/123456789012/*`,
                ],
            ],
        );
        const access = await capture(() => new SecureBucket("acc", { purpose: "accessLogs" }));
        assert.deepEqual(named(access, "acc-encryption").inputs.rules[0].applyServerSideEncryptionByDefault, {
            sseAlgorithm: "AES256",
        });
        const accAllows = JSON.parse(named(access, "acc-policy").inputs.policy).Statement.filter(
            (s: any) => s.Effect === "Allow",
        );
        assert.deepEqual(
            accAllows.map((s: any) => s.Principal),
            [{ Service: "logging.s3.amazonaws.com" }],
        );
    });

    // The audit bucket receives one trail and AWS Config, nothing else: SSE-KMS, no delivery.logs,
    // no S3 access logs, and a trail ARN without which the documented aws:SourceArn cannot be written.
    it("audit: SSE-KMS, admits the named trail and AWS Config of this account, and no other log service", async () => {
        const trail = "arn:aws:cloudtrail:us-east-1:123456789012:trail/citadel-prod-account-trail";
        const rec = await capture(
            () => new SecureBucket("audit", { purpose: "audit", kmsKeyArn: KEY, trailArn: trail }),
        );
        assert.equal(
            named(rec, "audit-encryption").inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm,
            "aws:kms",
        );
        const allows = JSON.parse(named(rec, "audit-policy").inputs.policy).Statement.filter(
            (s: any) => s.Effect === "Allow",
        );
        assert.deepEqual(allows.map((s: any) => s.Principal.Service).sort(), [
            "cloudtrail.amazonaws.com",
            "cloudtrail.amazonaws.com",
            "config.amazonaws.com",
            "config.amazonaws.com",
            "config.amazonaws.com",
        ]);
        for (const s of allows.filter((x: any) => x.Principal.Service.startsWith("cloudtrail"))) {
            assert.equal(s.Condition.StringEquals["aws:SourceArn"], trail);
        }
        assert.equal(
            named(rec, "audit", "aws:s3/bucket:Bucket").inputs.tags,
            undefined,
            "the record is kept by lifecycle, not backed up",
        );
        assert.throws(
            () => new SecureBucket("a2", { purpose: "audit", kmsKeyArn: KEY }),
            /SecureBucket "a2": trailArn: \(unset\) is required for an "audit" bucket/,
        );
        assert.throws(
            () => new SecureBucket("a3", { purpose: "logs", kmsKeyArn: KEY, trailArn: trail }),
            /trailArn: .* applies only to "audit" buckets, not "logs"/,
        );
    });

    it("appends extra policy statements built from the bucket ARN", async () => {
        const rec = await capture(
            () =>
                new SecureBucket(
                    "a",
                    {
                        kmsKeyArn: KEY,
                        accessLogs: { bucketName: "l" },
                    },
                    undefined,
                    {
                        extraPolicyStatements: (arn) => [
                            {
                                Sid: "Cdn",
                                Effect: "Allow",
                                Principal: { Service: "cloudfront.amazonaws.com" },
                                Action: "s3:GetObject",
                                Resource: `${arn}/*`,
                            },
                        ],
                    },
                ),
        );
        const cdn = JSON.parse(named(rec, "a-policy").inputs.policy).Statement.find((s: any) => s.Sid === "Cdn");
        assert.equal(cdn.Resource, `arn:aws:s3:::${autoNamed("a", "s3/bucket:Bucket")}/*`);
    });

    it("refuses a data bucket without a key or access logs, and log retention on data", () => {
        assert.throws(
            () => new SecureBucket("d", { accessLogs: { bucketName: "l" } }),
            (e: Error) =>
                e instanceof ConfigError &&
                /SecureBucket "d": kmsKeyArn: \(unset\) is required for a "data" bucket/.test(e.message),
        );
        assert.throws(
            () => new SecureBucket("d", { kmsKeyArn: KEY }),
            /SecureBucket "d": accessLogs: \(unset\) is required for a data bucket/,
        );
        assert.throws(
            () => new SecureBucket("d", { kmsKeyArn: KEY, accessLogs: { bucketName: "l" }, logRetentionInDays: 30 }),
            /logRetentionInDays: 30 applies only to log buckets/,
        );
        assert.throws(
            () => new SecureBucket("d", { purpose: "public" as never }),
            /purpose: "public" is not a known purpose, allowed data \| logs \| elbLogs/,
        );
    });
});
