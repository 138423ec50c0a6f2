/**
 * The assets bucket's key policy, evaluated with @cloud-copilot/iam-simulate (AWS's policy evaluation
 * logic, offline): CloudFront may decrypt for this distribution only.
 * AWS's OAC + SSE-KMS key policy names the distribution in aws:SourceArn:
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html
 */
import { strict as assert } from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { PolicyDocument } from "@citadel/shared";
import { capture, named, ofType, Recording, reveal } from "@citadel/testing";
import { EdgeCdn } from "../src";

const ACCOUNT = "123456789012";
const OTHER_DISTRIBUTION = `arn:aws:cloudfront::${ACCOUNT}:distribution/EOTHERDIST`;

describe("EdgeCdn: the assets bucket's key policy, evaluated", () => {
    let rec: Recording;
    let policy: PolicyDocument;
    let keyArn: string;
    let distributionArn: string;

    before(async () => {
        rec = await capture(
            () =>
                new EdgeCdn(
                    "edge",
                    {
                        assets: {},
                        logBucket: { bucketName: "logs", arn: "arn:aws:s3:::logs" },
                        accessLogsBucketName: "access-logs",
                    },
                    { protect: true },
                ),
        );
        policy = JSON.parse(
            reveal<string>(named(rec, "edge-assets-key-policy", "aws:kms/keyPolicy:KeyPolicy").inputs.policy),
        );
        keyArn = named(rec, "edge-assets-key").outputs.arn;
        distributionArn = named(rec, "edge", "aws:cloudfront/distribution:Distribution").outputs.arn;
    });

    /** One request by a service principal against the key policy alone (services have no identity policy). */
    async function decide(principal: string, action: string, context: Record<string, string>): Promise<string> {
        const res = await runSimulation(
            {
                identityPolicies: [],
                serviceControlPolicies: [],
                resourceControlPolicies: [],
                resourcePolicy: policy,
                request: {
                    action,
                    principal,
                    resource: { accountId: ACCOUNT, resource: keyArn },
                    contextVariables: context,
                },
            },
            {},
        );
        if (res.resultType === "error") throw new Error(JSON.stringify(res.errors));
        return res.overallResult;
    }

    it("lets CloudFront decrypt for this distribution, and for no other distribution or account-wide", async () => {
        assert.match(distributionArn, /^arn:aws:cloudfront::123456789012:distribution\//);
        assert.equal(
            await decide("cloudfront.amazonaws.com", "kms:Decrypt", {
                "aws:SourceArn": distributionArn,
                "aws:SourceAccount": ACCOUNT,
            }),
            "Allowed",
        );
        assert.equal(
            await decide("cloudfront.amazonaws.com", "kms:Decrypt", {
                "aws:SourceArn": OTHER_DISTRIBUTION,
                "aws:SourceAccount": ACCOUNT,
            }),
            "ImplicitlyDenied",
        );
        assert.equal(
            await decide("cloudfront.amazonaws.com", "kms:Decrypt", { "aws:SourceAccount": ACCOUNT }),
            "ImplicitlyDenied",
        );
    });

    it("gives CloudFront nothing but decrypt: the assets behaviour only reads", async () => {
        for (const action of [
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "kms:ReEncryptFrom",
            "kms:CreateGrant",
            "kms:PutKeyPolicy",
        ]) {
            assert.equal(
                await decide("cloudfront.amazonaws.com", action, { "aws:SourceArn": distributionArn }),
                "ImplicitlyDenied",
                action,
            );
        }
    });

    it("admits no other service: the bucket's access logs go to an SSE-S3 bucket", async () => {
        const services = policy.Statement.map((s) => (s.Principal as any)?.Service).filter(Boolean);
        assert.deepEqual(services, ["cloudfront.amazonaws.com"]);
        assert.equal(
            await decide("delivery.logs.amazonaws.com", "kms:GenerateDataKey", { "aws:SourceAccount": ACCOUNT }),
            "ImplicitlyDenied",
        );
    });

    it("is a KeyPolicy on the assets key, which carries no policy of its own and, like the bucket, is protected", () => {
        const key = named(rec, "edge-assets-key");
        const kp = named(rec, "edge-assets-key-policy", "aws:kms/keyPolicy:KeyPolicy");
        assert.equal(key.inputs.policy, undefined);
        assert.equal(kp.inputs.keyId, key.outputs.keyId);
        assert.equal(key.protect, true);
        assert.equal(kp.protect, true);
        assert.equal(ofType(rec, "aws:kms/keyPolicy:KeyPolicy").length, 1);
    });
});
