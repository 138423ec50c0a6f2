import { strict as assert } from "assert";
import { currentRecording, named, ofType, runStack, StackRun } from "@citadel/testing";
import { CONFIG_RULES } from "@citadel/operations";
import { RULES } from "@citadel/policy/src/evaluate";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

describe("stack: operations baseline", () => {
    let dev: StackRun;
    let prod: StackRun;
    before(async () => {
        dev = await runStack("dev");
        prod = await runStack("prod");
    });

    it("prod: a locked vault, a nightly plan keeping 15 days with a copy in Frankfurt, and a selection by the backup tag", () => {
        assert.equal(
            named(prod, "backup-vault").inputs.kmsKeyArn,
            "arn:aws:kms:eu-west-1:123456789012:key/citadel-key-key-id",
        );
        assert.equal(named(prod, "backup-vault").protect, true);
        const [rule] = named(prod, "backup-plan").inputs.rules;
        assert.deepEqual(rule.lifecycle, { deleteAfter: 15 });
        assert.equal(rule.schedule, "cron(0 3 ? * * *)");
        assert.equal(named(prod, "backup-copy-vault").inputs.region, "eu-central-1");
        assert.equal(named(prod, "backup-vault-lock").inputs.minRetentionDays, 15);
        assert.deepEqual(named(prod, "backup-selection").inputs.selectionTags, [
            { type: "STRINGEQUALS", key: "citadel:backup", value: "daily" },
        ]);
    });

    it("prod: every database and data bucket carries the tag the selection selects", () => {
        for (const db of ofType(prod, "aws:rds/instance:Instance"))
            assert.equal(db.inputs.tags["citadel:backup"], "daily", db.name);
        const data = ["orthanc-images", "edge-assets"];
        for (const name of data)
            assert.equal(named(prod, name, "aws:s3/bucket:Bucket").inputs.tags["citadel:backup"], "daily", name);
        assert.equal(named(prod, "logs", "aws:s3/bucket:Bucket").inputs.tags, undefined);
    });

    it("prod: the trail, the recorder, the patch baseline and both windows; prod owns the account baseline", () => {
        assert.equal(named(prod, "account-trail").inputs.isMultiRegionTrail, true);
        assert.equal(named(prod, "account-recorder").inputs.recordingGroup.allSupported, true);
        assert.equal(named(prod, "patching-baseline").inputs.operatingSystem, "AMAZON_LINUX_2023");
        assert.deepEqual(
            ofType(prod, "aws:ssm/maintenanceWindow:MaintenanceWindow").map((w) => w.name),
            ["patching-scan", "patching-install"],
        );
        for (const host of ofType(prod, "aws:ec2/instance:Instance").filter((r) => r.parent === "orthanc")) {
            assert.equal(host.inputs.tags["Patch Group"], "citadel-orthanc");
        }
        assert.equal(ofType(dev, "citadel:operations:AccountBaseline").length, 0, "dev may share prod's account");
    });

    it("prod: every alarm notifies the alert topic, which has a subscriber; every database and queue has one", () => {
        const topic = named(prod, "alerts", "aws:sns/topic:Topic");
        const topicArn = "arn:aws:sns:eu-west-1:123456789012:alerts";
        assert.equal(prod.outputs.alertTopicArn, topicArn);
        assert.equal(ofType(prod, "aws:sns/topicSubscription:TopicSubscription").length, 1);
        assert.ok(topic.inputs.kmsMasterKeyId);
        const alarms = ofType(prod, ALARM);
        for (const a of alarms) assert.equal(a.inputs.alarmActions[0], topicArn, a.name);
        for (const db of ofType(prod, "aws:rds/instance:Instance")) {
            assert.ok(
                alarms.some((a) => a.inputs.dimensions?.DBInstanceIdentifier === db.inputs.identifier),
                db.name,
            );
        }
        const queueAlarms = alarms.filter((a) => a.inputs.namespace === "AWS/SQS");
        // One alarm per queue: the oldest message of the work queue, any message of the dead-letter queue.
        assert.equal(queueAlarms.length, ofType(prod, "aws:sqs/queue:Queue").length);
        assert.equal(named(prod, "app-deploy-failures-target").inputs.arn, topicArn);
        assert.equal(named(prod, "backup-failed-jobs-target").inputs.arn, topicArn);
        // The cache (2 cache.t4g.medium nodes in prod, 2 vCPUs each: 5 alarms each, host CPU among them)
        // and the search domain (AWS's 19 recommended ones for 3 data nodes and 3 dedicated masters).
        const cache = alarms.filter((a) => a.inputs.namespace === "AWS/ElastiCache");
        assert.equal(cache.length, 10);
        assert.equal(cache.filter((a) => a.inputs.metricName === "CPUUtilization").length, 2);
        const search = alarms.filter((a) => a.inputs.namespace === "AWS/ES");
        assert.equal(search.length, 19);
        assert.ok(["KMSKeyError", "KMSKeyInaccessible"].every((m) => search.some((a) => a.inputs.metricName === m)));
        // Each Orthanc host: its disk and memory from the CloudWatch agent.
        for (const host of ofType(prod, "aws:ec2/instance:Instance").filter((r) => r.parent === "orthanc")) {
            for (const metric of ["disk_used_percent", "mem_used_percent"]) {
                assert.ok(
                    alarms.some(
                        (a) =>
                            a.inputs.metricName === metric &&
                            a.inputs.dimensions.InstanceId === `${host.name}-id` &&
                            a.inputs.namespace === "Citadel/OrthancHost",
                    ),
                    `${host.name} ${metric}`,
                );
            }
        }
        assert.ok(
            search.every((a) => a.inputs.dimensions.DomainName && a.inputs.dimensions.ClientId === "123456789012"),
        );
    });

    it("dev stays cheap: alarms and patching, no backup vault, no trail, no recorder, nobody subscribed", () => {
        assert.ok(ofType(dev, ALARM).length > 0);
        assert.equal(ofType(dev, "aws:backup/vault:Vault").length, 0);
        assert.equal(ofType(dev, "aws:cloudtrail/trail:Trail").length, 0);
        assert.equal(ofType(dev, "aws:cfg/recorder:Recorder").length, 0);
        assert.equal(ofType(dev, "aws:sns/topicSubscription:TopicSubscription").length, 0);
        assert.equal(ofType(dev, "aws:ssm/patchBaseline:PatchBaseline").length, 1);
    });

    it("subscribes the app's former alert addresses first, so the adopted subscriptions keep their URNs", async () => {
        // prod's operations.alerts.emails on the dev stack (a quarter of prod's resources to run): the
        // order and aliases of the subscriptions do not depend on the stack.
        assert.equal(prod.config["citadel:operations.alerts.emails"], JSON.stringify(["ops@example.com"]));
        const run = await runStack("dev", {
            "citadel:app.alertEmails": ["oncall@example.com"],
            "citadel:operations.alerts.emails": ["ops@example.com"],
        });
        const subs = ofType(run, "aws:sns/topicSubscription:TopicSubscription").map((s) => [
            s.name,
            s.inputs.endpoint,
            s.aliases,
        ]);
        assert.deepEqual(subs, [
            ["alerts-email-0", "oncall@example.com", ["app-alerts-email-0"]],
            ["alerts-email-1", "ops@example.com", ["app-alerts-email-1"]],
        ]);
    });

    describe("refuses, naming the key", () => {
        const cases: Array<[string, Record<string, unknown>, string]> = [
            [
                "prod",
                { "citadel:operations.alerts.emails": [] },
                "citadel:operations.alerts.emails: [] leaves a protected stack's alerts unread",
            ],
            [
                "dev",
                { "citadel:operations.alerts.httpsEndpoints": ["http://hooks.example.com"] },
                'citadel:operations.alerts.httpsEndpoints: "http://hooks.example.com" is not an https:// URL',
            ],
            [
                "prod",
                { "citadel:operations.backup.enabled": false },
                "citadel:operations.backup.enabled: false leaves a protected stack without backups",
            ],
            [
                "prod",
                { "citadel:operations.backup.continuous": true, "citadel:operations.backup.retentionDays": 60 },
                "citadel:operations.backup.retentionDays: 60 is out of range, allowed 1..35",
            ],
            [
                "prod",
                { "citadel:operations.backup.hourUtc": 25 },
                "citadel:operations.backup.hourUtc: 25 is out of range, allowed 0..23",
            ],
            [
                "prod",
                { "citadel:operations.backup.copyRegion": "eu-west-1" },
                'citadel:operations.backup.copyRegion: "eu-west-1" is the stack\'s own region',
            ],
            [
                "dev",
                { "citadel:operations.patching.installSchedule": "weekly" },
                'citadel:operations.patching.installSchedule: "weekly" is not a cron(...) expression',
            ],
        ];
        for (const [stack, overrides, message] of cases) {
            it(`${stack}: ${JSON.stringify(overrides)}`, async () => {
                await assert.rejects(runStack(stack, overrides), (e: Error) => {
                    assert.ok(e.message.startsWith(message), `got: ${e.message}`);
                    return true;
                });
                assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
            });
        }
    });

    it("checks after deployment, with AWS Config, what the policy pack checks before it", () => {
        const ours = ["operations"];
        const names = new Set(RULES.map((r) => r.name));
        for (const rule of CONFIG_RULES) {
            for (const p of rule.policies)
                assert.ok(names.has(p) || ours.includes(p), `${rule.identifier}: no pack rule ${p}`);
        }
        assert.equal(ofType(prod, "aws:cfg/rule:Rule").length, CONFIG_RULES.length);
    });
});
