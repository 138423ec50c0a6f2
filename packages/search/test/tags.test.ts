import * as assert from "assert";
import { assertUserTagsEverywhere, capture, ofType, USER_TAGS } from "@citadel/testing";
import { Search } from "../src";

const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
    availabilityZones: ["us-east-1a", "us-east-1b"],
};

describe("Search: tags", () => {
    it("tags every taggable child; the domain keeps the backup tag", async () => {
        const rec = await capture(
            () =>
                new Search("search", {
                    network: NETWORK,
                    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
                    clients: { securityGroupIds: ["sg"], roleArns: ["arn:aws:iam::123456789012:role/web"] },
                    alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" },
                    tags: USER_TAGS,
                }),
        );
        assert.ok(assertUserTagsEverywhere(rec, "citadel:search:Search") > 3);
        const domain = ofType(rec, "aws:opensearch/domain:Domain")[0].inputs.tags;
        assert.deepStrictEqual([domain["citadel:backup"], domain.CostCenter], ["daily", USER_TAGS.CostCenter]);
        assert.strictEqual(ofType(rec, "aws:ec2/securityGroup:SecurityGroup")[0].inputs.tags.Name, "search");
    });
});
