import { strict as assert } from "assert";
import {
    BUCKET_PURPOSES,
    deliveriesAccepting,
    ELB_ACCOUNT_BY_REGION,
    LOG_DELIVERIES,
    LogDeliveryContext,
    LogDeliveryService,
    PURPOSE_DELIVERIES,
    purposeEncryption,
} from "../src";

const TRAIL = "arn:aws:cloudtrail:eu-west-1:123456789012:trail/citadel-prod-account-trail";
const ctx = (over: Partial<LogDeliveryContext> = {}): LogDeliveryContext => ({
    destinationArn: "arn:aws:s3:::logs",
    accountId: "123456789012",
    partition: "aws",
    region: "eu-west-1",
    dnsSuffix: "amazonaws.com",
    trailArn: TRAIL,
    ...over,
});

describe("log deliveries (one table)", () => {
    it("every entry names its documentation, a destination and statements that a resource policy accepts", () => {
        for (const [service, d] of Object.entries(LOG_DELIVERIES)) {
            assert.match(d.documentation, /^https:\/\/docs\.aws\.amazon\.com\//, service);
            assert.ok(
                d.destination === "s3" ? d.bucketEncryption.length > 0 : d.bucketEncryption.length === 0,
                service,
            );
            const statements = d.statements(ctx());
            assert.ok(statements.length > 0, service);
            const sids = statements.map((s) => s.Sid);
            assert.equal(new Set(sids).size, sids.length, `${service}: repeated Sid`);
            for (const s of statements) {
                assert.equal(s.Effect, "Allow");
                assert.ok(
                    s.Principal && s.Principal !== "*",
                    `${service}: a resource policy statement names its principal`,
                );
                assert.ok(s.Resource && !([] as string[]).concat(s.Resource).includes("*"), service);
            }
        }
        // Sids stay unique when one bucket receives several deliveries.
        const all = BUCKET_PURPOSES.flatMap((p) =>
            PURPOSE_DELIVERIES[p].flatMap((d) => LOG_DELIVERIES[d].statements(ctx())),
        );
        assert.equal(new Set(all.map((s) => s.Sid)).size, all.length);
    });

    // "Default server-side encryption with AWS KMS keys (SSE-KMS) is not supported for server access
    // logging destination buckets": S3 access logs never arrive in an SSE-KMS bucket.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    it("S3 server access logs: the target bucket uses SSE-S3, written by logging.s3 for this account only", () => {
        const d = LOG_DELIVERIES.s3ServerAccessLogs;
        assert.deepEqual(d.bucketEncryption, ["AES256"]);
        assert.equal(purposeEncryption("accessLogs"), "AES256");
        assert.equal(purposeEncryption("logs"), "aws:kms");
        assert.ok(
            !PURPOSE_DELIVERIES.logs.includes("s3ServerAccessLogs"),
            "the SSE-KMS log bucket cannot receive S3 access logs",
        );
        const [s] = d.statements(ctx());
        assert.deepEqual(s.Principal, { Service: "logging.s3.amazonaws.com" });
        assert.deepEqual(s.Condition!.StringEquals, { "aws:SourceAccount": "123456789012" });
    });

    // ALB access logs: "The only server-side encryption option that's supported is SSE-S3"; Regions
    // available before August 2022 grant the Region's Elastic Load Balancing account, later Regions the
    // service principal; AWS's policies carry no aws:SourceAccount, the object path names the account.
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    it("ALB access logs: SSE-S3, and the principal AWS documents for the Region", () => {
        const d = LOG_DELIVERIES.albAccessLogs;
        assert.deepEqual(d.bucketEncryption, ["AES256"]);
        assert.equal(purposeEncryption("elbLogs"), "AES256");
        const [old] = d.statements(ctx({ region: "eu-west-1" }));
        assert.deepEqual(old.Principal, { AWS: "arn:aws:iam::156460612806:root" });
        assert.equal(old.Resource, "arn:aws:s3:::logs/AWSLogs/123456789012/*");
        assert.equal(old.Condition, undefined);
        const [us] = d.statements(ctx({ region: "us-east-1" }));
        assert.deepEqual(us.Principal, { AWS: "arn:aws:iam::127311923021:root" });
        const [recent] = d.statements(ctx({ region: "ap-southeast-4", prefix: "alb" }));
        assert.deepEqual(recent.Principal, { Service: "logdelivery.elasticloadbalancing.amazonaws.com" });
        assert.equal(recent.Resource, "arn:aws:s3:::logs/alb/AWSLogs/123456789012/*");
        assert.ok(Object.values(ELB_ACCOUNT_BY_REGION).every((a) => /^\d{12}$/.test(a)));
    });

    // VPC flow logs to S3 and CloudFront standard logs v2 are written by delivery.logs, for this
    // account (aws:SourceAccount) and from its log sources (aws:SourceArn), with the ACL check; with
    // SSE-KMS the key must admit delivery.logs too.
    // https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/standard-logging.html
    it("VPC flow logs and CloudFront v2 logs: delivery.logs of this account, SSE-KMS allowed with a key grant", () => {
        for (const service of [
            "vpcFlowLogsToS3",
            "cloudFrontStandardLogsV2",
            "nlbAccessLogs",
        ] as LogDeliveryService[]) {
            const d = LOG_DELIVERIES[service];
            assert.ok(d.bucketEncryption.includes("aws:kms"), service);
            assert.equal(d.keyPrincipal, "delivery.logs", service);
            const [write, acl] = d.statements(ctx());
            assert.deepEqual(write.Principal, { Service: "delivery.logs.amazonaws.com" });
            assert.equal((write.Condition!.StringEquals as any)["aws:SourceAccount"], "123456789012");
            assert.equal((write.Condition!.StringEquals as any)["s3:x-amz-acl"], "bucket-owner-full-control");
            assert.match(
                String((write.Condition!.ArnLike as any)["aws:SourceArn"]),
                /^arn:aws:logs:[a-z0-9-]+:123456789012:/,
            );
            assert.equal(acl.Action, "s3:GetBucketAcl");
        }
        const [cf] = LOG_DELIVERIES.cloudFrontStandardLogsV2.statements(ctx());
        assert.match(
            String((cf.Condition!.ArnLike as any)["aws:SourceArn"]),
            /^arn:aws:logs:us-east-1:123456789012:delivery-source:/,
        );
        assert.deepEqual(deliveriesAccepting("aws:kms").sort(), [
            "cloudFrontStandardLogsV2",
            "cloudTrail",
            "configDelivery",
            "nlbAccessLogs",
            "vpcFlowLogsToS3",
        ]);
    });

    // WAF logs go only to log groups named aws-waf-logs-*, whose resource policy admits delivery.logs.
    // https://docs.aws.amazon.com/waf/latest/developerguide/logging-cw-logs.html
    it("WAF logs: an aws-waf-logs- log group written by delivery.logs of this account only", () => {
        const d = LOG_DELIVERIES.wafLogs;
        assert.equal(d.logGroupNamePrefix, "aws-waf-logs-");
        const [s] = d.statements(
            ctx({
                destinationArn: "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-x",
                region: "us-east-1",
            }),
        );
        assert.deepEqual(s.Action, ["logs:CreateLogStream", "logs:PutLogEvents"]);
        assert.equal(s.Resource, "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-x:log-stream:*");
        assert.deepEqual(s.Condition, {
            StringEquals: { "aws:SourceAccount": "123456789012" },
            ArnLike: { "aws:SourceArn": "arn:aws:logs:us-east-1:123456789012:*" },
        });
    });

    // CloudTrail's documented bucket policy: the ACL check and the write, each with StringEquals
    // aws:SourceArn = the trail; the write under [prefix/]AWSLogs/<account>/ (log and digest files)
    // with bucket-owner-full-control. Its key policy: GenerateDataKey* for the trail (its encryption
    // context any trail of this account) and DescribeKey.
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
    it("CloudTrail: the one trail writes under AWSLogs/<account>/ (SSE-KMS with its key statements), exactly as documented", () => {
        const d = LOG_DELIVERIES.cloudTrail;
        assert.deepEqual(d.bucketEncryption, ["AES256", "aws:kms"]);
        assert.equal(d.keyPrincipal, "cloudtrail");
        const [aclCheck, write] = d.statements(ctx({ destinationArn: "arn:aws:s3:::audit" }));
        assert.deepEqual(aclCheck, {
            Sid: "AWSCloudTrailAclCheck",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: "arn:aws:s3:::audit",
            Condition: { StringEquals: { "aws:SourceArn": TRAIL } },
        });
        assert.deepEqual(write, {
            Sid: "AWSCloudTrailWrite",
            Effect: "Allow",
            Principal: { Service: "cloudtrail.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: "arn:aws:s3:::audit/AWSLogs/123456789012/*",
            Condition: { StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": TRAIL } },
        });
        assert.equal(
            d.statements(ctx({ destinationArn: "arn:aws:s3:::audit", prefix: "trail" }))[1].Resource,
            "arn:aws:s3:::audit/trail/AWSLogs/123456789012/*",
        );
        const [encrypt, describe] = d.keyStatements!(ctx());
        assert.equal(encrypt.Action, "kms:GenerateDataKey*");
        assert.deepEqual(encrypt.Condition, {
            StringEquals: { "aws:SourceArn": TRAIL },
            StringLike: { "kms:EncryptionContext:aws:cloudtrail:arn": "arn:aws:cloudtrail:*:123456789012:trail/*" },
        });
        assert.deepEqual(
            [describe.Action, describe.Condition],
            ["kms:DescribeKey", { StringEquals: { "aws:SourceArn": TRAIL } }],
        );
        assert.throws(() => d.statements(ctx({ trailArn: undefined })), /trail's ARN/);
    });

    // Config's documented bucket policy: GetBucketAcl, ListBucket and PutObject under
    // AWSLogs/<account>/Config/, each for aws:SourceAccount = this account; with an SSE-KMS bucket
    // (s3KmsKeyArn) the key admits config.amazonaws.com for Decrypt and GenerateDataKey.
    // https://docs.aws.amazon.com/config/latest/developerguide/s3-bucket-policy.html
    // https://docs.aws.amazon.com/config/latest/developerguide/s3-kms-key-policy.html
    it("AWS Config: checks and delivers under AWSLogs/<account>/Config for this account only, SSE-KMS with its key statement", () => {
        const d = LOG_DELIVERIES.configDelivery;
        assert.deepEqual(d.bucketEncryption, ["AES256", "aws:kms"]);
        const statements = d.statements(ctx({ destinationArn: "arn:aws:s3:::audit" }));
        assert.deepEqual(
            statements.map((st) => [st.Sid, st.Action, st.Resource]),
            [
                ["AWSConfigBucketPermissionsCheck", "s3:GetBucketAcl", "arn:aws:s3:::audit"],
                ["AWSConfigBucketExistenceCheck", "s3:ListBucket", "arn:aws:s3:::audit"],
                ["AWSConfigBucketDelivery", "s3:PutObject", "arn:aws:s3:::audit/AWSLogs/123456789012/Config/*"],
            ],
        );
        for (const st of statements) {
            assert.deepEqual(st.Principal, { Service: "config.amazonaws.com" });
            assert.equal((st.Condition!.StringEquals as any)["aws:SourceAccount"], "123456789012");
        }
        assert.equal((statements[2].Condition!.StringEquals as any)["s3:x-amz-acl"], "bucket-owner-full-control");
        assert.deepEqual(
            d.keyStatements!(ctx()).map((st) => [st.Principal, st.Action, st.Condition]),
            [
                [
                    { Service: "config.amazonaws.com" },
                    ["kms:Decrypt", "kms:GenerateDataKey"],
                    { StringEquals: { "aws:SourceAccount": "123456789012" } },
                ],
            ],
        );
        // The audit purpose receives these two and nothing else, and is SSE-KMS.
        assert.deepEqual(PURPOSE_DELIVERIES.audit, ["cloudTrail", "configDelivery"]);
        assert.equal(purposeEncryption("audit"), "aws:kms");
        assert.ok(
            !PURPOSE_DELIVERIES.logs.some((x) => x === "cloudTrail" || x === "configDelivery"),
            "the general log bucket admits neither",
        );
    });

    it("each bucket purpose's encryption is one every delivery it receives accepts", () => {
        for (const p of BUCKET_PURPOSES) {
            for (const d of PURPOSE_DELIVERIES[p]) {
                assert.ok(LOG_DELIVERIES[d].bucketEncryption.includes(purposeEncryption(p)), `${p} receives ${d}`);
            }
        }
    });
});
