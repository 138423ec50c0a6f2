import * as assert from "assert";
import { assertUserTagsEverywhere, capture, named, USER_TAGS } from "@citadel/testing";
import { SecureUploads } from "../src";

describe("SecureUploads: tags", () => {
    it("tags every taggable child, the nested bucket's included; the bucket keeps the backup tag", async () => {
        const rec = await capture(
            () =>
                new SecureUploads("uploads", {
                    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
                    accessLogsBucketName: "logs-mock",
                    allowedOrigins: ["https://portal.example.com"],
                    alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" },
                    tags: USER_TAGS,
                }),
        );
        assert.ok(assertUserTagsEverywhere(rec, "citadel:uploads:SecureUploads") > 3);
        const tags = named(rec, "uploads-files", "aws:s3/bucket:Bucket").inputs.tags;
        assert.deepStrictEqual([tags["citadel:backup"], tags.CostCenter], ["daily", USER_TAGS.CostCenter]);
    });
});
