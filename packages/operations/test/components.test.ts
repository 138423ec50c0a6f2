import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { autoNamed, capture, named, ofType, Recording } from "../../testing/src";
import {
    AccountBaseline,
    AlertTopic,
    BackupPlan,
    CONFIG_RULES,
    nightlySchedule,
    PatchManagement,
    SubscriptionProtocol,
    TRAIL_ALARMS,
    trailName,
    VaultLockMode,
} from "../src";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/stack";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts";

describe("AlertTopic", () => {
    let rec: Recording;
    before(async () => {
        rec = await capture(
            () =>
                new AlertTopic(
                    "alerts",
                    {
                        subscribers: [
                            { protocol: SubscriptionProtocol.Email, endpoint: "ops@example.com" },
                            { protocol: SubscriptionProtocol.Https, endpoint: "https://hooks.example.com/citadel" },
                        ],
                        previous: {
                            parentUrn: "urn:pulumi:prod::citadel::citadel:ecs:EcsApp::app",
                            name: "app-alerts",
                        },
                    },
                    { protect: true },
                ),
        );
    });

    it("encrypts the topic with its own rotating key, whose policy admits CloudWatch and EventBridge", () => {
        const key = named(rec, "alerts-key");
        assert.equal(key.inputs.enableKeyRotation, true);
        assert.equal(key.protect, true, "the component's protect reaches the key");
        const topic = named(rec, "alerts", "aws:sns/topic:Topic");
        assert.match(topic.inputs.kmsMasterKeyId, /^arn:aws:kms:[a-z0-9-]+:123456789012:key\/alerts-key-key-id$/);
        const sids = JSON.parse(key.inputs.policy).Statement.map((s: any) => s.Sid);
        assert.deepEqual(sids, [
            "AccountAdministersKeyThroughIam",
            "CloudWatchAlarmsOfThisAccount",
            "EventBridgeRules",
        ]);
        const policy = JSON.parse(named(rec, "alerts-policy").inputs.policy);
        assert.deepEqual(
            policy.Statement.map((s: any) => s.Sid),
            ["CloudWatchAlarmsPublish", "EventBridgeRulesPublish", "DenyInsecureTransport"],
        );
    });

    it("subscribes every address and endpoint, and adopts the app's former topic and subscriptions", () => {
        const subs = ofType(rec, "aws:sns/topicSubscription:TopicSubscription").map((s) => [
            s.name,
            s.inputs.protocol,
            s.inputs.endpoint,
        ]);
        assert.deepEqual(subs, [
            ["alerts-email-0", "email", "ops@example.com"],
            ["alerts-https-0", "https", "https://hooks.example.com/citadel"],
        ]);
        const topic = named(rec, "alerts", "aws:sns/topic:Topic");
        // The harness records an alias spec by its name; its parent is the URN given in `previous`.
        assert.deepEqual(topic.aliases, ["app-alerts"]);
        assert.deepEqual(named(rec, "alerts-policy").aliases, ["app-alerts-policy"]);
        assert.deepEqual(named(rec, "alerts-email-0").aliases, ["app-alerts-email-0"]);
    });

    it("refuses a protected topic nobody reads, http endpoints, bad addresses and repeats", () => {
        assert.throws(
            () => new AlertTopic("t", {}, { protect: true }),
            /AlertTopic "t": subscribers: \[\] leaves a protected stack's alerts unread, allowed at least one/,
        );
        assert.throws(
            () =>
                new AlertTopic("t", {
                    subscribers: [{ protocol: SubscriptionProtocol.Https, endpoint: "http://x.example.com" }],
                }),
            /"http:\/\/x.example.com" is not an https:\/\/ URL/,
        );
        assert.throws(
            () => new AlertTopic("t", { subscribers: [{ protocol: SubscriptionProtocol.Email, endpoint: "ops" }] }),
            /"ops" is not an email address/,
        );
        const twice = { protocol: SubscriptionProtocol.Email, endpoint: "a@example.com" };
        assert.throws(() => new AlertTopic("t", { subscribers: [twice, twice] }), /is listed twice/);
    });

    it("allows an unprotected topic without subscribers (dev)", async () => {
        const r = await capture(() => new AlertTopic("dev-alerts", {}));
        assert.equal(ofType(r, "aws:sns/topicSubscription:TopicSubscription").length, 0);
    });
});

describe("BackupPlan", () => {
    let rec: Recording;
    before(async () => {
        rec = await capture(
            () =>
                new BackupPlan(
                    "backup",
                    {
                        kmsKeyArn: KEY,
                        vaultLock: VaultLockMode.Governance,
                        copyRegion: "eu-central-1",
                        alarms: { topicArn: TOPIC },
                    },
                    { protect: true },
                ),
        );
    });

    it("keeps nightly recovery points 15 days in a vault under the key, at 03:00 UTC by default", () => {
        assert.equal(named(rec, "backup-vault").inputs.kmsKeyArn, KEY);
        assert.equal(named(rec, "backup-vault").protect, true);
        const [rule] = named(rec, "backup-plan").inputs.rules;
        assert.equal(rule.schedule, "cron(0 3 ? * * *)");
        assert.equal(rule.scheduleExpressionTimezone, "Etc/UTC");
        assert.deepEqual(rule.lifecycle, { deleteAfter: 15 });
        assert.equal(rule.enableContinuousBackup, false);
        assert.equal(rule.startWindow, 60);
        assert.ok(rule.completionWindow >= rule.startWindow + 60);
        assert.equal(nightlySchedule(23), "cron(0 23 ? * * *)");
    });

    it("denies deleting recovery points and locks the vault at the plan's retention", () => {
        const policy = JSON.parse(named(rec, "backup-vault-policy").inputs.policy);
        assert.equal(policy.Statement[0].Effect, "Deny");
        assert.ok(policy.Statement[0].Action.includes("backup:DeleteRecoveryPoint"));
        const lock = named(rec, "backup-vault-lock").inputs;
        assert.equal(lock.minRetentionDays, 15);
        assert.equal(lock.changeableForDays, undefined, "governance mode has no grace period");
    });

    it("copies every recovery point to a vault in the second region under a key created there", () => {
        const copy = named(rec, "backup-copy-vault").inputs;
        assert.equal(copy.region, "eu-central-1");
        assert.equal(named(rec, "backup-copy-key").inputs.region, "eu-central-1");
        assert.equal(named(rec, "backup-copy-vault-policy").inputs.region, "eu-central-1");
        const [rule] = named(rec, "backup-plan").inputs.rules;
        assert.deepEqual(rule.copyActions, [
            {
                destinationVaultArn: "arn:aws:backup:eu-central-1:123456789012:backup-copy-vault",
                lifecycle: { deleteAfter: 15 },
            },
        ]);
    });

    it("selects by the components' backup tag with a role AWS Backup of this account assumes", () => {
        const sel = named(rec, "backup-selection").inputs;
        assert.deepEqual(sel.selectionTags, [{ type: "STRINGEQUALS", key: "citadel:backup", value: "daily" }]);
        const trust = JSON.parse(named(rec, "backup-role").inputs.assumeRolePolicy).Statement[0];
        assert.deepEqual(trust.Principal, { Service: "backup.amazonaws.com" });
        assert.equal(trust.Condition.StringEquals["aws:SourceAccount"], "123456789012");
        const managed = ofType(rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
            .map((a) => a.inputs.policyArn)
            .sort();
        assert.deepEqual(managed, [
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Backup",
            "arn:aws:iam::aws:policy/AWSBackupServiceRolePolicyForS3Restore",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup",
            "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
        ]);
    });

    it("publishes failed, expired and aborted jobs to the alert topic", () => {
        const pattern = JSON.parse(named(rec, "backup-failed-jobs").inputs.eventPattern);
        assert.deepEqual(pattern.detail.state, ["FAILED", "EXPIRED", "ABORTED"]);
        assert.equal(named(rec, "backup-failed-jobs-target").inputs.arn, TOPIC);
    });

    it("refuses what AWS Backup refuses", () => {
        assert.throws(
            () => new BackupPlan("b", { kmsKeyArn: KEY, continuousBackup: true, backupRetentionInDays: 36 }),
            /BackupPlan "b": backupRetentionInDays: 36 is out of range, allowed 1..35 \(days; continuous backup keeps at most 35\)/,
        );
        assert.throws(
            () => new BackupPlan("b", { kmsKeyArn: KEY, scheduleHourUtc: 24 }),
            /scheduleHourUtc: 24 is out of range/,
        );
        assert.throws(
            () => new BackupPlan("b", { kmsKeyArn: KEY, startWindowMinutes: 30 }),
            /startWindowMinutes: 30 is out of range, allowed 60/,
        );
        assert.throws(
            () => new BackupPlan("b", { kmsKeyArn: KEY, completionWindowMinutes: 100 }),
            /completionWindowMinutes: 100 is out of range, allowed 120/,
        );
        assert.throws(
            () => new BackupPlan("b", { kmsKeyArn: KEY, vaultLock: "frozen" as VaultLockMode }),
            /vaultLock: "frozen" is not a known mode/,
        );
        assert.throws(
            () => new BackupPlan("b", { kmsKeyArn: KEY, copyRegion: "Frankfurt" }),
            /copyRegion: "Frankfurt" is not an AWS region/,
        );
        assert.throws(
            () =>
                new BackupPlan("b", {
                    kmsKeyArn: KEY,
                    vaultLock: VaultLockMode.Compliance,
                    vaultLockChangeableForDays: 1,
                }),
            /vaultLockChangeableForDays: 1 is out of range, allowed 3/,
        );
    });

    it("gives a compliance lock its grace period", async () => {
        const r = await capture(
            () =>
                new BackupPlan("c", {
                    kmsKeyArn: KEY,
                    vaultLock: VaultLockMode.Compliance,
                    vaultLockChangeableForDays: 7,
                }),
        );
        assert.equal(named(r, "c-vault-lock").inputs.changeableForDays, 7);
    });
});

describe("AccountBaseline", () => {
    let rec: Recording;
    before(async () => {
        rec = await capture(
            () =>
                new AccountBaseline(
                    "account",
                    {
                        accessLogsBucketName: "logs-bucket",
                        logRetentionInDays: 731,
                        recordGlobalResources: false,
                        alarms: { topicArn: TOPIC },
                    },
                    { protect: true },
                ),
        );
    });

    it("records every region's API calls, validated and encrypted, into its own bucket and a log group", () => {
        const trail = named(rec, "account-trail").inputs;
        assert.equal(trail.isMultiRegionTrail, true);
        assert.equal(trail.includeGlobalServiceEvents, true);
        assert.equal(trail.enableLogFileValidation, true);
        assert.equal(trail.kmsKeyId, "arn:aws:kms:us-east-1:123456789012:key/account-audit-key-key-id");
        assert.equal(trail.s3BucketName, autoNamed("account-audit", "s3/bucket:Bucket"));
        assert.ok(
            trail.cloudWatchLogsGroupArn.endsWith(
                `log-group:${autoNamed("account-trail-logs", "cloudwatch/logGroup:LogGroup")}:*`,
            ),
            trail.cloudWatchLogsGroupArn,
        );
        assert.equal(named(rec, "account-trail-logs").inputs.retentionInDays, 731);
        const bucketPolicy = JSON.parse(named(rec, "account-audit-policy").inputs.policy);
        const sids = bucketPolicy.Statement.map((s: any) => s.Sid);
        for (const sid of [
            "DenyInsecureTransport",
            "AWSCloudTrailAclCheck",
            "AWSCloudTrailWrite",
            "AWSConfigBucketDelivery",
        ]) {
            assert.ok(sids.includes(sid), sid);
        }
        assert.equal(named(rec, "account-audit-access-logs").inputs.targetBucket, "logs-bucket");
        assert.equal(named(rec, "account-audit", "aws:s3/bucket:Bucket").protect, true);
    });

    // CloudTrail checks the bucket policy when it creates the trail, and its documented policy names
    // the trail's ARN: the trail is named before it exists, and the bucket and key name exactly it.
    // https://docs.aws.amazon.com/awscloudtrail/latest/userguide/create-s3-bucket-policy-for-cloudtrail.html
    it("CloudTrail bucket and key policies name the trail's ARN exactly; the audit bucket admits nobody else", () => {
        const trail = named(rec, "account-trail").inputs;
        assert.equal(trail.name, trailName(pulumi.getProject(), pulumi.getStack(), "account"));
        assert.match(trail.name, /^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$/);
        const arn = `arn:aws:cloudtrail:us-east-1:123456789012:trail/${trail.name}`;
        const bucketPolicy = JSON.parse(named(rec, "account-audit-policy").inputs.policy).Statement;
        const trailStatements = bucketPolicy.filter((s: any) => s.Principal?.Service === "cloudtrail.amazonaws.com");
        assert.equal(trailStatements.length, 2);
        for (const s of trailStatements) assert.equal(s.Condition.StringEquals["aws:SourceArn"], arn);
        const services = bucketPolicy.filter((s: any) => s.Effect === "Allow").map((s: any) => s.Principal.Service);
        assert.ok(
            services.every((x: string) => x === "cloudtrail.amazonaws.com" || x === "config.amazonaws.com"),
            services.join(),
        );
        const keyPolicy = JSON.parse(named(rec, "account-audit-key").inputs.policy).Statement;
        assert.equal(
            keyPolicy.find((s: any) => s.Sid === "CloudTrailEncryptsLogs").Condition.StringEquals["aws:SourceArn"],
            arn,
        );
        assert.ok(keyPolicy.some((s: any) => s.Sid === "AWSConfigKMSPolicy"));
        // CloudTrail's names are at most 128 characters: a component name that makes it longer is refused first.
        const long = "a".repeat(120);
        assert.throws(
            () => new AccountBaseline(long, { accessLogsBucketName: "logs-bucket" }),
            (e: Error) =>
                e.message.startsWith(`AccountBaseline "${long}": name: `) &&
                /longer than CloudTrail's 128 characters/.test(e.message),
        );
    });

    it("raises an alarm on root use, denied calls and IAM, security group and KMS policy changes", () => {
        const filters = ofType(rec, "aws:cloudwatch/logMetricFilter:LogMetricFilter");
        assert.deepEqual(
            filters.map((f) => f.name),
            TRAIL_ALARMS.map((a) => `account-${a.id}`),
        );
        assert.match(named(rec, "account-root-use").inputs.pattern, /\$\.userIdentity\.type = "Root"/);
        assert.match(named(rec, "account-kms-key-changes").inputs.pattern, /PutKeyPolicy/);
        assert.match(named(rec, "account-security-group-changes").inputs.pattern, /AuthorizeSecurityGroupIngress/);
        for (const a of ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm")) {
            assert.deepEqual(a.inputs.alarmActions, [TOPIC]);
            assert.equal(a.inputs.namespace, "Citadel/CloudTrail");
        }
        assert.equal(ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm").length, TRAIL_ALARMS.length);
    });

    it("records all supported types (global ones only where asked), delivers to the audit bucket and checks the managed rules", () => {
        assert.deepEqual(named(rec, "account-recorder").inputs.recordingGroup, {
            allSupported: true,
            includeGlobalResourceTypes: false,
        });
        const channel = named(rec, "account-delivery").inputs;
        assert.equal(channel.s3BucketName, autoNamed("account-audit", "s3/bucket:Bucket"));
        assert.equal(channel.s3KmsKeyArn, "arn:aws:kms:us-east-1:123456789012:key/account-audit-key-key-id");
        assert.equal(named(rec, "account-recorder-status").inputs.isEnabled, true);
        assert.equal(named(rec, "account-recorder-status").inputs.name, "default");
        const rules = ofType(rec, "aws:cfg/rule:Rule");
        assert.equal(rules.length, CONFIG_RULES.length);
        const ids = rules.map((r) => r.inputs.source.sourceIdentifier);
        for (const id of [
            "MULTI_REGION_CLOUD_TRAIL_ENABLED",
            "SNS_ENCRYPTED_KMS",
            "RDS_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        ]) {
            assert.ok(ids.includes(id), id);
        }
        assert.equal(new Set(ids).size, ids.length);
    });

    it("sets the account password policy and opts the region into S3 backups", () => {
        const p = named(rec, "account-password-policy").inputs;
        assert.equal(p.minimumPasswordLength, 14);
        assert.equal(p.passwordReusePrevention, 24);
        assert.ok(p.requireSymbols && p.requireNumbers && p.requireUppercaseCharacters && p.requireLowercaseCharacters);
        assert.equal(named(rec, "account-backup-opt-in").inputs.resourceTypeOptInPreference.S3, true);
    });

    it("refuses a short password and a retention CloudWatch Logs does not offer", () => {
        assert.throws(
            () => new AccountBaseline("a", { accessLogsBucketName: "l", minimumPasswordLength: 8 }),
            /AccountBaseline "a": minimumPasswordLength: 8 is out of range, allowed 14..128/,
        );
        assert.throws(
            () => new AccountBaseline("a", { accessLogsBucketName: "l", logRetentionInDays: 100 }),
            /logRetentionInDays: 100 is not a CloudWatch Logs retention period/,
        );
    });
});

describe("PatchManagement", () => {
    let rec: Recording;
    before(async () => {
        rec = await capture(
            () => new PatchManagement("patching", { patchGroup: "citadel-orthanc", approveAfterDays: 3 }),
        );
    });

    it("approves Amazon Linux 2023 security and bug fixes after the given days, for the patch group", () => {
        const b = named(rec, "patching-baseline").inputs;
        assert.equal(b.operatingSystem, "AMAZON_LINUX_2023");
        assert.equal(b.approvalRules[0].approveAfterDays, 3);
        assert.deepEqual(b.approvalRules[0].patchFilters[0], { key: "CLASSIFICATION", values: ["Security", "Bugfix"] });
        assert.equal(named(rec, "patching-group").inputs.patchGroup, "citadel-orthanc");
    });

    it("scans daily and installs weekly, one host at a time, stopping at the first failure", () => {
        assert.equal(named(rec, "patching-scan").inputs.schedule, "cron(0 1 ? * * *)");
        assert.equal(named(rec, "patching-install").inputs.schedule, "cron(0 2 ? * SUN *)");
        for (const kind of ["scan", "install"]) {
            const target = named(rec, `patching-${kind}-target`).inputs;
            assert.deepEqual(target.targets, [{ key: "tag:Patch Group", values: ["citadel-orthanc"] }]);
            const task = named(rec, `patching-${kind}-task`).inputs;
            assert.equal(task.taskArn, "AWS-RunPatchBaseline");
            assert.equal(task.maxConcurrency, "1");
            assert.equal(task.maxErrors, "0");
        }
        const install = named(rec, "patching-install-task").inputs.taskInvocationParameters.runCommandParameters
            .parameters;
        assert.deepEqual(install, [
            { name: "Operation", values: ["Install"] },
            { name: "RebootOption", values: ["RebootIfNeeded"] },
        ]);
        const scan = named(rec, "patching-scan-task").inputs.taskInvocationParameters.runCommandParameters.parameters;
        assert.deepEqual(scan, [
            { name: "Operation", values: ["Scan"] },
            { name: "RebootOption", values: ["NoReboot"] },
        ]);
    });

    it("refuses a schedule that is not AWS cron and days out of range", () => {
        assert.throws(
            () => new PatchManagement("p", { patchGroup: "g", installSchedule: "0 2 * * 0" }),
            /PatchManagement "p": installSchedule: "0 2 \* \* 0" is not a cron\(\.\.\.\) expression/,
        );
        assert.throws(
            () => new PatchManagement("p", { patchGroup: "g", approveAfterDays: 400 }),
            /approveAfterDays: 400 is out of range/,
        );
    });
});
