/**
 * The operations baseline's resource policies, evaluated by an IAM policy evaluator
 * (@cloud-copilot/iam-simulate) for the service principals that must use them, and for those that
 * must not. A statement that reads right but does not match the request AWS makes fails here.
 */
import { strict as assert } from "assert";
import { runSimulation, Simulation } from "@cloud-copilot/iam-simulate";
import { policyDocument, PolicyStatement, tlsOnlyStatements } from "@citadel/shared";
import {
    alertKeyStatements,
    alertTopicStatements,
    AccountScope,
    auditBucketStatements,
    auditKeyStatements,
    backupVaultStatements,
    configRoleStatements,
    PROTECTED_BACKUP_ACTIONS,
    trailArnOf,
    trailLogsRoleStatements,
    trailName,
} from "../src";

const ACCOUNT = "123456789012";
const OTHER = "210987654321";
const C: AccountScope = { accountId: ACCOUNT, partition: "aws", region: "eu-west-1", dnsSuffix: "amazonaws.com" };
const TOPIC = `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`;
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
const BUCKET = "arn:aws:s3:::account-audit-abc123";
const TRAIL = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/account-trail-1a2b3c`;

interface Request {
    principal: string;
    action: string;
    resource: string;
    context?: Record<string, string>;
    /** Identity policies of the principal (IAM principals only). */
    identity?: PolicyStatement[];
}

/**
 * What AWS would decide for the request under the resource policy. A context key the evaluator
 * does not know for the action fails the test (a condition on it would otherwise be judged on a
 * missing key). The exception is `kms:EncryptionContext:<key>`: the evaluator's catalogue lists it
 * as a variable key that it matches only when the key has a `/` (as in `aws:RequestTag/<key>`), so
 * it ignores the context keys AWS services send (`aws:logs:arn`, `aws:cloudtrail:arn`). Those
 * conditions are judged here (`StringLike`/`ArnLike` globs, `StringEquals`) and removed from the
 * copy of the policy the evaluator sees; a statement whose encryption-context condition fails is
 * removed entirely.
 */
async function decide(resourcePolicy: PolicyStatement[], r: Request): Promise<string> {
    const first = await simulate(resourcePolicy, r);
    if (first.ignored.length === 0) return first.result;
    assert.ok(
        first.ignored.every((k) => /^kms:EncryptionContext:/i.test(k)),
        `context keys ignored: ${first.ignored.join(", ")}`,
    );
    const context = r.context ?? {};
    const judged: PolicyStatement[] = [];
    for (const st of resourcePolicy) {
        let holds = true;
        const condition: NonNullable<PolicyStatement["Condition"]> = {};
        for (const [op, entries] of Object.entries(st.Condition ?? {})) {
            const rest: Record<string, string | string[] | boolean> = {};
            for (const [k, v] of Object.entries(entries)) {
                if (!/^kms:EncryptionContext:/i.test(k)) {
                    rest[k] = v;
                    continue;
                }
                const actual = context[k];
                const patterns = [v].flat().map(String);
                const glob = (p: string) =>
                    new RegExp(
                        `^${p
                            .replace(/[.+^${}()|[\]\\]/g, "\\$&")
                            .replace(/\*/g, ".*")
                            .replace(/\?/g, ".")}$`,
                    );
                const ok =
                    actual !== undefined &&
                    (op === "StringEquals" || op === "ArnEquals"
                        ? patterns.includes(actual)
                        : op === "StringLike" || op === "ArnLike"
                          ? patterns.some((p) => glob(p).test(actual))
                          : false);
                assert.ok(
                    ["StringEquals", "ArnEquals", "StringLike", "ArnLike"].includes(op),
                    `unjudged operator ${op}`,
                );
                if (!ok) holds = false;
            }
            if (Object.keys(rest).length > 0) condition[op] = rest;
        }
        if (!holds) continue;
        const { Condition: _dropped, ...bare } = st;
        judged.push(Object.keys(condition).length > 0 ? { ...bare, Condition: condition } : bare);
    }
    const withoutContext = Object.fromEntries(
        Object.entries(context).filter(([k]) => !/^kms:EncryptionContext:/i.test(k)),
    );
    const second = await simulate(judged, { ...r, context: withoutContext });
    assert.deepEqual(second.ignored, []);
    return second.result;
}

async function simulate(resourcePolicy: PolicyStatement[], r: Request): Promise<{ result: string; ignored: string[] }> {
    const simulation: Simulation = {
        identityPolicies: r.identity ? [{ name: "identity", policy: policyDocument(r.identity) }] : [],
        serviceControlPolicies: [],
        resourceControlPolicies: [],
        resourcePolicy: policyDocument(resourcePolicy),
        request: {
            principal: r.principal,
            action: r.action,
            resource: { resource: r.resource, accountId: ACCOUNT },
            contextVariables: { "aws:SecureTransport": "true", ...r.context },
        },
    };
    const result = await runSimulation(simulation, {});
    if (result.resultType === "error")
        throw new Error(`simulation refused its input: ${JSON.stringify(result.errors)}`);
    const ignored = result.resultType === "single" ? (result.result.ignoredContextKeys ?? []) : [];
    return { result: result.overallResult, ignored };
}

const allowed = async (p: PolicyStatement[], r: Request) =>
    assert.equal(await decide(p, r), "Allowed", JSON.stringify(r));
const refused = async (p: PolicyStatement[], r: Request) =>
    assert.notEqual(await decide(p, r), "Allowed", JSON.stringify(r));

describe("alert topic policies", () => {
    const topic = alertTopicStatements(C, TOPIC);
    const key = alertKeyStatements(C);
    const alarm = `arn:aws:cloudwatch:eu-west-1:${ACCOUNT}:alarm:orthanc-host-0-alarm-cpu`;
    const rule = `arn:aws:events:eu-west-1:${ACCOUNT}:rule/app-deploy-failures-1a2b`;

    it("let CloudWatch alarms of this account publish, and encrypt with the key", async () => {
        const context = { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm };
        await allowed(topic, {
            principal: "cloudwatch.amazonaws.com",
            action: "sns:Publish",
            resource: TOPIC,
            context,
        });
        await allowed(key, {
            principal: "cloudwatch.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context,
        });
        await allowed(key, { principal: "cloudwatch.amazonaws.com", action: "kms:Decrypt", resource: KEY, context });
    });

    it("let EventBridge rules of this account publish; the key admits EventBridge without source keys, which its KMS calls lack", async () => {
        await allowed(topic, {
            principal: "events.amazonaws.com",
            action: "sns:Publish",
            resource: TOPIC,
            context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": rule },
        });
        await allowed(key, { principal: "events.amazonaws.com", action: "kms:GenerateDataKey", resource: KEY });
        await allowed(key, { principal: "events.amazonaws.com", action: "kms:Decrypt", resource: KEY });
    });

    it("refuse alarms and rules of another account, other services, and publishing without TLS", async () => {
        await refused(topic, {
            principal: "cloudwatch.amazonaws.com",
            action: "sns:Publish",
            resource: TOPIC,
            context: { "aws:SourceAccount": OTHER, "aws:SourceArn": alarm.replace(ACCOUNT, OTHER) },
        });
        await refused(topic, {
            principal: "events.amazonaws.com",
            action: "sns:Publish",
            resource: TOPIC,
            context: { "aws:SourceAccount": OTHER, "aws:SourceArn": rule.replace(ACCOUNT, OTHER) },
        });
        await refused(key, {
            principal: "cloudwatch.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "aws:SourceAccount": OTHER },
        });
        await refused(topic, {
            principal: "s3.amazonaws.com",
            action: "sns:Publish",
            resource: TOPIC,
            context: { "aws:SourceAccount": ACCOUNT },
        });
        await refused(key, {
            principal: "cloudwatch.amazonaws.com",
            action: "kms:ScheduleKeyDeletion",
            resource: KEY,
            context: { "aws:SourceAccount": ACCOUNT },
        });
        await refused(topic, {
            principal: "cloudwatch.amazonaws.com",
            action: "sns:Publish",
            resource: TOPIC,
            context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm, "aws:SecureTransport": "false" },
        });
    });
});

describe("audit bucket and key", () => {
    // The whole bucket policy as SecureBucket writes it for a log bucket: TLS only, then the audit statements.
    const bucket = [...tlsOnlyStatements(BUCKET), ...auditBucketStatements(C, BUCKET, TRAIL)];
    const key = auditKeyStatements(C, TRAIL);
    const trailObject = `${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail/eu-west-1/2026/11/30/x.json.gz`;
    // With log file validation the trail also writes digest files, beside (not below) CloudTrail/.
    const digestObject = `${BUCKET}/AWSLogs/${ACCOUNT}/CloudTrail-Digest/eu-west-1/2026/11/30/x.json.gz`;
    const otherTrail = `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/someone-elses-trail`;
    const configObject = `${BUCKET}/AWSLogs/${ACCOUNT}/Config/eu-west-1/2026/11/30/ConfigSnapshot/x.json.gz`;
    const acl = { "s3:x-amz-acl": "bucket-owner-full-control" };

    it("let the trail check the ACL and write its logs and digests under AWSLogs/<account>/, owner-full-control only", async () => {
        const context = { "aws:SourceArn": TRAIL, "aws:SourceAccount": ACCOUNT };
        await allowed(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:GetBucketAcl",
            resource: BUCKET,
            context,
        });
        await allowed(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:PutObject",
            resource: trailObject,
            context: { ...context, ...acl },
        });
        await allowed(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:PutObject",
            resource: digestObject,
            context: { ...context, ...acl },
        });
        await refused(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:PutObject",
            resource: trailObject,
            context,
        });
        // Another trail, even of this account, does not write here (the documented aws:SourceArn is exact).
        await refused(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:PutObject",
            resource: trailObject,
            context: { "aws:SourceArn": otherTrail, "aws:SourceAccount": ACCOUNT, ...acl },
        });
        await refused(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:GetBucketAcl",
            resource: BUCKET,
            context: { "aws:SourceArn": otherTrail, "aws:SourceAccount": ACCOUNT },
        });
        await refused(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:PutObject",
            resource: `${BUCKET}/elsewhere/x.json.gz`,
            context: { ...context, ...acl },
        });
        await refused(bucket, {
            principal: "cloudtrail.amazonaws.com",
            action: "s3:PutObject",
            resource: trailObject,
            context: { "aws:SourceArn": TRAIL.replace(ACCOUNT, OTHER), "aws:SourceAccount": OTHER, ...acl },
        });
    });

    it("let AWS Config of this account check the bucket and deliver under AWSLogs/<account>/Config", async () => {
        const context = { "aws:SourceAccount": ACCOUNT };
        await allowed(bucket, {
            principal: "config.amazonaws.com",
            action: "s3:GetBucketAcl",
            resource: BUCKET,
            context,
        });
        await allowed(bucket, {
            principal: "config.amazonaws.com",
            action: "s3:ListBucket",
            resource: BUCKET,
            context,
        });
        await allowed(bucket, {
            principal: "config.amazonaws.com",
            action: "s3:PutObject",
            resource: configObject,
            context: { ...context, ...acl },
        });
        await refused(bucket, {
            principal: "config.amazonaws.com",
            action: "s3:PutObject",
            resource: trailObject,
            context: { ...context, ...acl },
        });
        await refused(bucket, {
            principal: "config.amazonaws.com",
            action: "s3:PutObject",
            resource: configObject,
            context: { "aws:SourceAccount": OTHER, ...acl },
        });
        await refused(bucket, {
            principal: "config.amazonaws.com",
            action: "s3:GetBucketAcl",
            resource: BUCKET,
            context: { ...context, "aws:SecureTransport": "false" },
        });
    });

    it("condition on the encryption-context keys CloudTrail and CloudWatch Logs send", () => {
        // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-kms-key-policy-for-cloudtrail.html
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html
        const text = JSON.stringify(key);
        assert.ok(text.includes('"kms:EncryptionContext:aws:cloudtrail:arn"'));
        assert.ok(text.includes('"kms:EncryptionContext:aws:logs:arn"'));
    });

    it("let CloudTrail encrypt for the trail and describe the key, Config and the trail's log group encrypt", async () => {
        await allowed(key, {
            principal: "cloudtrail.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "aws:SourceArn": TRAIL, "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL },
        });
        await allowed(key, {
            principal: "cloudtrail.amazonaws.com",
            action: "kms:DescribeKey",
            resource: KEY,
            context: { "aws:SourceArn": TRAIL },
        });
        await refused(key, {
            principal: "cloudtrail.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "aws:SourceArn": otherTrail, "kms:EncryptionContext:aws:cloudtrail:arn": otherTrail },
        });
        await refused(key, {
            principal: "config.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "aws:SourceAccount": OTHER },
        });
        await refused(key, {
            principal: "cloudtrail.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: {
                "aws:SourceArn": TRAIL.replace(ACCOUNT, OTHER),
                "kms:EncryptionContext:aws:cloudtrail:arn": TRAIL.replace(ACCOUNT, OTHER),
            },
        });
        await refused(key, {
            principal: "cloudtrail.amazonaws.com",
            action: "kms:Decrypt",
            resource: KEY,
            context: { "aws:SourceArn": TRAIL },
        });
        await allowed(key, {
            principal: "config.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "aws:SourceAccount": ACCOUNT },
        });
        await allowed(key, {
            principal: "logs.eu-west-1.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: {
                "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:account-trail-logs-1`,
            },
        });
        await refused(key, {
            principal: "logs.eu-west-1.amazonaws.com",
            action: "kms:GenerateDataKey",
            resource: KEY,
            context: { "kms:EncryptionContext:aws:logs:arn": `arn:aws:logs:eu-west-1:${OTHER}:log-group:x` },
        });
    });

    it("give the trail's role its log group only, and the recorder's role its prefix and the key", async () => {
        const group = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:account-trail-logs-1`;
        const role = `arn:aws:iam::${ACCOUNT}:role/account-trail-role`;
        const logs = trailLogsRoleStatements(group);
        await allowed([], {
            principal: role,
            action: "logs:PutLogEvents",
            resource: `${group}:log-stream:${ACCOUNT}_CloudTrail_eu-west-1`,
            identity: logs,
        });
        await refused([], {
            principal: role,
            action: "logs:PutLogEvents",
            resource: `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:other:log-stream:x`,
            identity: logs,
        });
        const recorder = `arn:aws:iam::${ACCOUNT}:role/account-config-role`;
        const cfg = configRoleStatements(BUCKET, ACCOUNT, KEY);
        await allowed([], {
            principal: recorder,
            action: "s3:PutObject",
            resource: configObject,
            context: acl,
            identity: cfg,
        });
        await refused([], {
            principal: recorder,
            action: "s3:PutObject",
            resource: trailObject,
            context: acl,
            identity: cfg,
        });
        // KMS needs the key policy to delegate to IAM; the audit key's does, so the role's policy counts.
        await allowed(auditKeyStatements(C, TRAIL), {
            principal: recorder,
            action: "kms:GenerateDataKey",
            resource: KEY,
            identity: cfg,
        });
        await refused([], { principal: recorder, action: "kms:GenerateDataKey", resource: KEY, identity: cfg });
    });
});

// Trail names: letters, digits, periods, underscores and dashes; start with a letter or digit; no
// adjacent separators. https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_CreateTrail.html
describe("CloudTrail trail name", () => {
    it("is stack-unique, in CloudTrail's characters, and its ARN names the home Region", () => {
        assert.equal(trailName("citadel", "prod", "account"), "citadel-prod-account-trail");
        assert.equal(trailName("my app", "dev..x", "-acct"), "my-app-dev-x-acct-trail");
        assert.equal(trailName("_p", "s", "n"), "t_p-s-n-trail");
        assert.equal(
            trailArnOf(C, "citadel-prod-account-trail"),
            `arn:aws:cloudtrail:eu-west-1:${ACCOUNT}:trail/citadel-prod-account-trail`,
        );
    });
});

describe("backup vault access policy", () => {
    const vault = `arn:aws:backup:eu-west-1:${ACCOUNT}:backup-vault:backup-vault-1a2b`;
    const point = `arn:aws:rds:eu-west-1:${ACCOUNT}:snapshot:awsbackup:job-1`;
    const admin = `arn:aws:iam::${ACCOUNT}:role/Administrator`;
    const everything: PolicyStatement[] = [{ Effect: "Allow", Action: "backup:*", Resource: "*" }];

    it("denies deleting or shortening recovery points even to an administrator allowed backup:*", async () => {
        for (const action of PROTECTED_BACKUP_ACTIONS) {
            assert.equal(
                await decide(backupVaultStatements(), {
                    principal: admin,
                    action,
                    resource: point,
                    identity: everything,
                }),
                "ExplicitlyDenied",
                action,
            );
        }
    });

    it("leaves reading and restoring to IAM", async () => {
        await allowed(backupVaultStatements(), {
            principal: admin,
            action: "backup:DescribeRecoveryPoint",
            resource: point,
            identity: everything,
        });
        await allowed(backupVaultStatements(), {
            principal: admin,
            action: "backup:StartRestoreJob",
            resource: point,
            identity: everything,
        });
        await allowed(backupVaultStatements(), {
            principal: admin,
            action: "backup:DeleteBackupVaultAccessPolicy",
            resource: vault,
            identity: everything,
        });
    });
});
