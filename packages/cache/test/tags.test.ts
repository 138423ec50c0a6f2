import * as assert from "assert";
import { assertUserTagsEverywhere, capture, ofType, USER_TAGS } from "@citadel/testing";
import { Cache } from "../src";

const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
    availabilityZones: ["us-east-1a", "us-east-1b"],
};

describe("Cache: tags", () => {
    it("tags every taggable child; the replication group keeps the backup tag", async () => {
        const rec = await capture(
            () =>
                new Cache("cache", {
                    network: NETWORK,
                    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
                    clients: { securityGroupIds: ["sg"], roleNames: ["r"] },
                    alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" },
                    tags: USER_TAGS,
                }),
        );
        assert.ok(assertUserTagsEverywhere(rec, "citadel:cache:Cache") > 5);
        const rg = ofType(rec, "aws:elasticache/replicationGroup:ReplicationGroup")[0].inputs.tags;
        assert.deepStrictEqual([rg["citadel:backup"], rg.CostCenter], ["daily", USER_TAGS.CostCenter]);
        assert.strictEqual(ofType(rec, "aws:ec2/securityGroup:SecurityGroup")[0].inputs.tags.Name, "cache");
    });
});
