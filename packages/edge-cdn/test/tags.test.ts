import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@citadel/shared";
import { assertUserTagsEverywhere, capture, USER_TAGS } from "@citadel/testing";
import { EdgeCdn, OriginSecret } from "../src";

describe("EdgeCdn: tags", () => {
    it("tags every taggable child of EdgeCdn (the us-east-1 WAF ones included)", async () => {
        const rec = await capture(() => {
            new EdgeCdn("edge", {
                origin: {
                    domainName: "origin.example.com",
                    header: { name: "X-Origin-Verify", value: pulumi.secret("s3cret-value") },
                },
                assets: {},
                aliases: ["portal.example.com"],
                certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
                logBucket: { bucketName: "logs-bucket", arn: "arn:aws:s3:::logs-bucket" },
                accessLogsBucketName: "access-logs-bucket",
                waf: { rateLimit: 1000 },
                tags: USER_TAGS,
            });
            new OriginSecret("origin", { rotation: "2026-01", tags: USER_TAGS });
        });
        assert.ok(assertUserTagsEverywhere(rec, "citadel:edge:EdgeCdn") > 5);
        assert.equal(
            rec.resources.filter((r) => r.parent === "origin").every((r) => r.type.startsWith("random:")),
            true,
        );
    });

    it("checks OriginSecret's tags too, though its only child (a random value) holds none", () => {
        assert.throws(
            () => new OriginSecret("origin", { tags: { "aws:team": "x" } }),
            (e: unknown) => e instanceof ConfigError && /^OriginSecret "origin": tags\.aws:team/.test(e.message),
        );
    });
});
