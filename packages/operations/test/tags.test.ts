import { strict as assert } from "assert";
import { assertUserTagsEverywhere, capture, named, USER_TAGS } from "../../testing/src";
import { ConfigError } from "@citadel/shared";
import { AccountBaseline, AlertTopic, BackupPlan, PatchManagement, SubscriptionProtocol } from "../src";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/stack";
const TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts";

describe("operations components: tags", () => {
    it("tag every taggable child of AlertTopic, BackupPlan, AccountBaseline and PatchManagement", async () => {
        const rec = await capture(() => {
            new AlertTopic("alerts", {
                subscribers: [{ protocol: SubscriptionProtocol.Email, endpoint: "ops@example.com" }],
                tags: USER_TAGS,
            });
            new BackupPlan("backup", {
                kmsKeyArn: KEY,
                copyRegion: "eu-central-1",
                alarms: { topicArn: TOPIC },
                tags: USER_TAGS,
            });
            new AccountBaseline("account", {
                accessLogsBucketName: "logs-bucket",
                alarms: { topicArn: TOPIC },
                tags: USER_TAGS,
            });
            new PatchManagement("patching", { patchGroup: "citadel-orthanc", tags: USER_TAGS });
        });
        for (const t of ["AlertTopic", "BackupPlan", "AccountBaseline", "PatchManagement"]) {
            assert.ok(assertUserTagsEverywhere(rec, `citadel:operations:${t}`) > 0, t);
        }
        // The user's Name reaches resources that name nothing themselves.
        assert.equal(named(rec, "backup-vault").inputs.tags.Name, USER_TAGS.Name);
    });

    it("refuse a user tag in Citadel's namespace before anything is registered", () => {
        assert.throws(
            () => new BackupPlan("backup", { kmsKeyArn: KEY, tags: { "citadel:backup": "none" } }),
            (e: unknown) => e instanceof ConfigError && /^BackupPlan "backup": tags\.citadel:backup/.test(e.message),
        );
    });
});
