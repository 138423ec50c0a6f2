import * as assert from "assert";
import { ConfigError } from "@citadel/shared";
import { capture, named, reveal } from "@citadel/testing";
import {
    EcsApp,
    GrantAccess,
    grantStatements,
    isDataRead,
    isWildcardResource,
    ResolvedGrant,
    StatementEffect,
    validateGrants,
} from "../src";
import { CERT_ARN, KEY_ARN, NETWORK } from "./fixtures";

const CTX = { partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" };
const QUEUE = "arn:aws:sqs:eu-west-1:123456789012:jobs";
const DOMAIN = "arn:aws:es:eu-west-1:123456789012:domain/search";

function refused(grants: unknown, key: RegExp): void {
    assert.throws(
        () => validateGrants("grants", grants),
        (e: unknown) => e instanceof ConfigError && key.test(e.message),
    );
}

describe("grants: validation", () => {
    it("accepts one typed resource per grant, with its access level", () => {
        const g = validateGrants("grants", [
            { bucket: "uploads-1", access: GrantAccess.Write, prefix: "incoming/" },
            { queue: QUEUE, access: GrantAccess.Read },
            { searchDomain: DOMAIN, access: GrantAccess.ReadWrite },
            {
                cache: {
                    replicationGroupArn: "arn:aws:elasticache:eu-west-1:1:replicationgroup:c",
                    userArn: "arn:aws:elasticache:eu-west-1:1:user:app",
                },
            },
            { statement: { actions: ["xray:PutTraceSegments"], resources: ["*"] } },
        ]);
        assert.strictEqual(g.length, 5);
    });

    it("refuses a grant naming no resource or two", () => {
        refused([{ access: "read" }], /grants\[0\].*exactly one of bucket, queue/);
        refused([{ bucket: "b-1", queue: QUEUE, access: "read" }], /grants\[0\].*more than one/);
    });

    it("refuses a missing or unknown access level, and access on a statement", () => {
        refused([{ bucket: "b-1" }], /grants\[0\]\.access.*read \| write \| readWrite/);
        refused([{ bucket: "b-1", access: "all" }], /grants\[0\]\.access: "all"/);
        refused(
            [{ statement: { actions: ["xray:PutTraceSegments"], resources: ["*"] }, access: "read" }],
            /does not apply/,
        );
    });

    it("refuses prefixes with wildcards or without a trailing slash, and prefixes on non-buckets", () => {
        refused([{ bucket: "b-1", access: "read", prefix: "incoming/*" }], /prefix.*is not a key prefix/);
        refused([{ bucket: "b-1", access: "read", prefix: "incoming" }], /prefix.*is not a key prefix/);
        refused([{ queue: QUEUE, access: "read", prefix: "a/" }], /applies only to bucket/);
    });

    it("refuses a bucket ARN where a name is expected, and wildcard ARNs", () => {
        refused([{ bucket: "arn:aws:s3:::b", access: "read" }], /is not a bucket name/);
        refused([{ queue: "arn:aws:sqs:*:*:*", access: "read" }], /is not an ARN/);
    });

    it("refuses wildcard actions in statements", () => {
        for (const a of ["*", "s3:*", "s3:Get*", "s3:Get?bject"]) {
            refused([{ statement: { actions: [a], resources: ["arn:aws:s3:::b/*"] } }], /is a wildcard action/);
        }
    });

    it("refuses a * resource on data-plane reads, allows it on actions without resources", () => {
        for (const r of [
            "*",
            "arn:aws:s3:::*",
            "arn:aws:s3:::*/*",
            "arn:aws:dynamodb:*:*:table/*",
            "arn:aws:sqs:*:*:*",
        ]) {
            refused(
                [
                    {
                        statement: {
                            actions: ["s3:GetObject", "dynamodb:GetItem", "sqs:ReceiveMessage"],
                            resources: [r],
                        },
                    },
                ],
                /resources.*gives every resource to the data read/,
            );
        }
        refused([{ statement: { actions: ["kms:Decrypt"], resources: ["*"] } }], /kms:Decrypt/);
        assert.doesNotThrow(() =>
            validateGrants("g", [{ statement: { actions: ["cloudwatch:PutMetricData"], resources: ["*"] } }]),
        );
        assert.doesNotThrow(() =>
            validateGrants("g", [{ statement: { actions: ["s3:GetObject"], resources: ["arn:aws:s3:::reports/*"] } }]),
        );
        // A Deny on everything is a restriction, not a grant.
        assert.doesNotThrow(() =>
            validateGrants("g", [
                { statement: { effect: StatementEffect.Deny, actions: ["s3:GetObject"], resources: ["*"] } },
            ]),
        );
    });

    it("classifies data reads and wildcard resources", () => {
        assert.ok(
            isDataRead("secretsmanager:GetSecretValue") &&
                isDataRead("es:ESHttpGet") &&
                isDataRead("ssm:GetParametersByPath"),
        );
        assert.ok(!isDataRead("xray:PutTraceSegments") && !isDataRead("s3:PutObject"));
        assert.ok(isWildcardResource("arn:aws:secretsmanager:eu-west-1:1:secret:*"));
        assert.ok(!isWildcardResource("arn:aws:secretsmanager:eu-west-1:1:secret:app/*"));
        assert.ok(!isWildcardResource("arn:aws:s3:::uploads/*"));
    });
});

describe("grants: statements", () => {
    const key = "arn:aws:kms:eu-west-1:123456789012:key/k";
    it("limits a write grant to the prefix's objects and the key to generating data keys through S3", () => {
        const s = grantStatements(
            [{ kind: "bucket", target: "uploads-1", access: GrantAccess.Write, prefix: "incoming/", kmsKeyArn: key }],
            CTX,
        );
        assert.deepStrictEqual(s, [
            {
                Sid: "Grant0Objects",
                Effect: "Allow",
                Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
                Resource: "arn:aws:s3:::uploads-1/incoming/*",
            },
            {
                Sid: "Grant0Key",
                Effect: "Allow",
                Action: ["kms:Decrypt", "kms:GenerateDataKey"],
                Resource: key,
                Condition: { StringEquals: { "kms:ViaService": "s3.eu-west-1.amazonaws.com" } },
            },
        ]);
    });

    it("lets a reader list only under its prefix", () => {
        const s = grantStatements(
            [{ kind: "bucket", target: "files", access: GrantAccess.ReadWrite, prefix: "clean/", kmsKeyArn: key }],
            CTX,
        );
        assert.deepStrictEqual(s[0].Action, [
            "s3:GetObject",
            "s3:GetObjectVersion",
            "s3:GetObjectTagging",
            "s3:PutObject",
            "s3:AbortMultipartUpload",
            "s3:DeleteObject",
        ]);
        assert.deepStrictEqual(s[1], {
            Sid: "Grant0List",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: "arn:aws:s3:::files",
            Condition: { StringLike: { "s3:prefix": ["clean/*"] } },
        });
    });

    it("maps queue, search, cache and statement grants to exactly their resources", () => {
        const grants: ResolvedGrant[] = [
            { kind: "queue", target: QUEUE, access: GrantAccess.Write, kmsKeyArn: key },
            { kind: "searchDomain", target: DOMAIN, access: GrantAccess.Read, kmsKeyArn: key },
            { kind: "cache", cache: { replicationGroupArn: "rg", userArn: "u" }, kmsKeyArn: key },
            {
                kind: "statement",
                kmsKeyArn: key,
                statement: {
                    effect: StatementEffect.Allow,
                    actions: ["xray:PutTraceSegments"],
                    resources: ["*"],
                    conditions: [{ test: "StringEquals", variable: "aws:RequestedRegion", values: ["eu-west-1"] }],
                },
            },
        ];
        const s = grantStatements(grants, CTX);
        assert.deepStrictEqual(s[0].Action, ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]);
        assert.deepStrictEqual(s[2], {
            Sid: "Grant1",
            Effect: "Allow",
            Action: ["es:ESHttpGet", "es:ESHttpHead"],
            Resource: [DOMAIN, `${DOMAIN}/*`],
        });
        assert.deepStrictEqual(s[3], {
            Sid: "Grant2",
            Effect: "Allow",
            Action: "elasticache:Connect",
            Resource: ["rg", "u"],
        });
        assert.deepStrictEqual(s[4].Condition, { StringEquals: { "aws:RequestedRegion": ["eu-west-1"] } });
    });
});

describe("EcsApp: grants, task roles, and a web-only app", () => {
    let app: EcsApp;
    let rec: Awaited<ReturnType<typeof capture>>;
    before(async () => {
        rec = await capture(() => {
            app = new EcsApp("web", {
                network: NETWORK,
                kmsKeyArn: KEY_ARN,
                services: [
                    {
                        name: "web",
                        image: "web",
                        port: 8080,
                        routing: { hosts: ["portal.example.com"], paths: ["/*"] },
                        grants: [{ bucket: "uploads-1", access: GrantAccess.Write, prefix: "incoming/" }],
                    },
                ],
                loadBalancer: { certificateArn: CERT_ARN },
                logBucket: { bucketName: "logs-mock", arn: "arn:aws:s3:::logs-mock" },
                parameterNamespace: "/portal/dev",
                imageTag: "v1",
            });
        });
    });

    it("creates no database, queue or migration for a web-only app", () => {
        const types = new Set(rec.resources.map((r) => r.type));
        for (const t of ["aws:rds/instance:Instance", "aws:sqs/queue:Queue"]) assert.ok(!types.has(t), t);
        assert.strictEqual(app.migrationCommand, undefined);
    });

    it("adds the grant to the service's task role, after its own parameter namespace", () => {
        const doc = JSON.parse(reveal<string>(named(rec, "web-web-task-policy").inputs.policy));
        const sids = doc.Statement.map((s: any) => s.Sid);
        assert.deepStrictEqual(sids, ["ReadOwnParameterNamespace", "DecryptOwnData", "Grant0Objects", "Grant0Key"]);
        assert.strictEqual(doc.Statement[2].Resource, "arn:aws:s3:::uploads-1/incoming/*");
        assert.strictEqual(doc.Statement[3].Resource, KEY_ARN);
    });

    it("exposes each member's task role", async () => {
        assert.deepStrictEqual(Object.keys(app.taskRoleArns), ["web"]);
        const arn = await new Promise((r) => app.taskRoleArns.web.apply(r));
        assert.match(String(arn), /web-web-task/);
    });
});
