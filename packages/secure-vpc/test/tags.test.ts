import { strict as assert } from "assert";
import { assertUserTagsEverywhere, capture, named, ofType, USER_TAGS } from "@citadel/testing";
import { SecureVpc } from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/test";

describe("SecureVpc: tags", () => {
    it("tags every taggable child; subnets keep their own Name and tier", async () => {
        const rec = await capture(
            () =>
                new SecureVpc("net", {
                    kmsKeyArn: KEY,
                    flowLogs: { destination: "cloudwatch" },
                    natStrategy: "perAz",
                    interfaceEndpoints: ["ssm"],
                    tags: USER_TAGS,
                } as any),
        );
        assert.ok(assertUserTagsEverywhere(rec, "citadel:network:SecureVpc") > 10);
        assert.equal(named(rec, "net-vpc").inputs.tags.Name, "net");
        for (const s of ofType(rec, "aws:ec2/subnet:Subnet")) {
            assert.match(s.inputs.tags.Name, /^net-(public|private)-/);
            assert.match(s.inputs.tags["citadel:tier"], /^(public|private)$/);
        }
    });
});
