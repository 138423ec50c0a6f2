/**
 * The generated bucket policy, evaluated with @cloud-copilot/iam-simulate (AWS's policy evaluation
 * logic, offline) for tagged-clean, tagged-infected and untagged objects: not only read as JSON.
 */
import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { policyDocument, PolicyDocument, PolicyStatement } from "@citadel/shared";
import { capture, named, ofType, reveal } from "@citadel/testing";
import { grantStatements } from "@citadel/ecs-app";
import { SCAN_TAG_KEY, SecureUploads } from "../src";

const ACCOUNT = "123456789012";
const APP_ROLE = `arn:aws:iam::${ACCOUNT}:role/portal-web-task`;
const QUARANTINE = `arn:aws:iam::${ACCOUNT}:role/security-quarantine`;
const CDN = `arn:aws:cloudfront::${ACCOUNT}:distribution/E2EXAMPLE`;
const KEY = `arn:aws:kms:us-east-1:${ACCOUNT}:key/k`;

let bucketPolicy: PolicyDocument;
let bucketArn: string;
let scannerRole: string;

/** One request, evaluated against the generated bucket policy and the caller's identity policy. */
async function decide(
    principal: string | { service: string },
    identity: PolicyStatement[],
    action: string,
    key: string,
    context: Record<string, string | string[]> = {},
): Promise<string> {
    const res = await runSimulation(
        {
            identityPolicies: typeof principal === "string" ? [{ name: "id", policy: policyDocument(identity) }] : [],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            resourcePolicy: bucketPolicy,
            request: {
                action,
                principal: typeof principal === "string" ? principal : principal.service,
                resource: { accountId: ACCOUNT, resource: `${bucketArn}/${key}` },
                // AWS sets aws:PrincipalArn on every request by an IAM principal; the simulator needs it given.
                contextVariables: {
                    "aws:SecureTransport": "true",
                    "s3:TlsVersion": "1.3",
                    "s3:authType": "REST-HEADER",
                    ...(typeof principal === "string"
                        ? { "aws:PrincipalArn": principal, "aws:PrincipalAccount": ACCOUNT }
                        : {}),
                    ...context,
                },
            },
        },
        {},
    );
    if (res.resultType === "error") throw new Error(JSON.stringify(res.errors));
    return res.overallResult;
}

const tagged = (v: string) => ({ [`s3:ExistingObjectTag/${SCAN_TAG_KEY}`]: v });

describe("SecureUploads: the bucket policy, evaluated", () => {
    let appIdentity: PolicyStatement[];
    const anyObject = (arn: string): PolicyStatement[] => [
        { Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:PutObjectTagging"], Resource: arn },
    ];

    before(async () => {
        let uploads: SecureUploads;
        const rec = await capture(() => {
            uploads = new SecureUploads("uploads", {
                kmsKeyArn: KEY,
                accessLogsBucketName: "logs-mock",
                allowedOrigins: ["https://portal.example.com"],
                quarantineRoleArns: [QUARANTINE],
                cdnDistributionArns: [CDN],
            });
        });
        bucketPolicy = JSON.parse(reveal<string>(named(rec, "uploads-files-policy").inputs.policy));
        bucketArn = bucketPolicy.Statement.find((s) => s.Sid === "DenyDownloadUnlessScannedClean")!
            .Resource!.toString()
            .replace(/\/\*$/, "");
        scannerRole = bucketPolicy.Statement.find((s) => s.Sid === "DenyScanTagTampering")!.Condition!.ArnNotEquals[
            "aws:PrincipalArn"
        ] as string;
        const bucketName = bucketArn.split(":::")[1];
        // The app's identity policy is exactly what its grants produce.
        appIdentity = grantStatements(
            uploads!.appGrants.map((g) => ({
                kind: "bucket" as const,
                target: bucketName,
                access: g.access,
                prefix: g.prefix,
                kmsKeyArn: KEY,
            })),
            { partition: "aws", region: "us-east-1", dnsSuffix: "amazonaws.com" },
        );
        assert.ok(ofType(rec, "aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan").length === 1);
    });

    it("lets the app download a clean file", async () => {
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:GetObject", "clean/u1/report.pdf", tagged("NO_THREATS_FOUND")),
            "Allowed",
        );
    });

    it("denies the app an infected, unsupported, failed or unscanned file", async () => {
        for (const status of ["THREATS_FOUND", "UNSUPPORTED", "FAILED", "ACCESS_DENIED"]) {
            assert.strictEqual(
                await decide(APP_ROLE, appIdentity, "s3:GetObject", "clean/u1/report.pdf", tagged(status)),
                "ExplicitlyDenied",
                status,
            );
        }
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:GetObject", "incoming/u1/report.pdf"),
            "ExplicitlyDenied",
        );
    });

    it("denies an infected file even to a principal allowed everything on the bucket, except the quarantine role", async () => {
        const admin = `arn:aws:iam::${ACCOUNT}:role/admin`;
        assert.strictEqual(
            await decide(admin, anyObject(`${bucketArn}/*`), "s3:GetObject", "clean/x", tagged("THREATS_FOUND")),
            "ExplicitlyDenied",
        );
        assert.strictEqual(
            await decide(QUARANTINE, anyObject(`${bucketArn}/*`), "s3:GetObject", "clean/x", tagged("THREATS_FOUND")),
            "Allowed",
        );
    });

    it("lets the scanner read unscanned objects and tag them, and nobody else tag them", async () => {
        assert.strictEqual(
            await decide(scannerRole, anyObject(`${bucketArn}/*`), "s3:GetObject", "incoming/u1/f"),
            "Allowed",
        );
        assert.strictEqual(
            await decide(scannerRole, anyObject(`${bucketArn}/*`), "s3:PutObjectTagging", "incoming/u1/f"),
            "Allowed",
        );
        assert.strictEqual(
            await decide(APP_ROLE, anyObject(`${bucketArn}/*`), "s3:PutObjectTagging", "incoming/u1/f"),
            "ExplicitlyDenied",
        );
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:PutObject", "clean/u1/f", {
                "s3:RequestObjectTagKeys": [SCAN_TAG_KEY],
            }),
            "ExplicitlyDenied",
        );
    });

    it("accepts pre-signed uploads under incoming/ only, and the server's own writes to clean/", async () => {
        const presigned = { "s3:authType": "REST-QUERY-STRING", "s3:signatureAge": "1000" };
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:PutObject", "incoming/u1/cv.pdf", presigned),
            "Allowed",
        );
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:PutObject", "clean/u1/cv.pdf", presigned),
            "ExplicitlyDenied",
        );
        assert.strictEqual(await decide(APP_ROLE, appIdentity, "s3:PutObject", "clean/u1/cv.pdf"), "Allowed");
        // The grants give the app nothing outside its three prefixes.
        assert.strictEqual(await decide(APP_ROLE, appIdentity, "s3:PutObject", "other/cv.pdf"), "ImplicitlyDenied");
    });

    it("refuses pre-signed URLs older than their expiry (900 s up, 300 s down)", async () => {
        const age = (ms: number) => ({ "s3:authType": "REST-QUERY-STRING", "s3:signatureAge": String(ms) });
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:PutObject", "incoming/u1/f", age(901_000)),
            "ExplicitlyDenied",
        );
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:GetObject", "clean/f", {
                ...age(299_000),
                ...tagged("NO_THREATS_FOUND"),
            }),
            "Allowed",
        );
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:GetObject", "clean/f", {
                ...age(301_000),
                ...tagged("NO_THREATS_FOUND"),
            }),
            "ExplicitlyDenied",
        );
    });

    it("lets the named CloudFront distribution read clean files only", async () => {
        const cf = { service: "cloudfront.amazonaws.com" };
        assert.strictEqual(
            await decide(cf, [], "s3:GetObject", "clean/f", { "aws:SourceArn": CDN, ...tagged("NO_THREATS_FOUND") }),
            "Allowed",
        );
        assert.strictEqual(
            await decide(cf, [], "s3:GetObject", "clean/f", { "aws:SourceArn": CDN, ...tagged("THREATS_FOUND") }),
            "ExplicitlyDenied",
        );
        assert.strictEqual(
            await decide(cf, [], "s3:GetObject", "incoming/f", { "aws:SourceArn": CDN, ...tagged("NO_THREATS_FOUND") }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(cf, [], "s3:GetObject", "clean/f", {
                "aws:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/OTHER`,
                ...tagged("NO_THREATS_FOUND"),
            }),
            "ImplicitlyDenied",
        );
    });

    it("refuses requests without TLS", async () => {
        assert.strictEqual(
            await decide(APP_ROLE, appIdentity, "s3:GetObject", "clean/f", {
                ...tagged("NO_THREATS_FOUND"),
                "aws:SecureTransport": "false",
            }),
            "ExplicitlyDenied",
        );
    });
});
