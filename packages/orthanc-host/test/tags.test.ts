import { strict as assert } from "assert";
import { assertUserTagsEverywhere, capture, ofType, USER_TAGS } from "@citadel/testing";
import { OrthancHost } from "../src";

describe("OrthancHost: tags", () => {
    it("tags every taggable child (database, buckets, hosts, launch template specifications); Name, Patch Group and the backup tag stay", async () => {
        const rec = await capture(
            () =>
                new OrthancHost("pacs", {
                    network: {
                        vpcId: "vpc-1",
                        vpcCidrBlock: "10.0.0.0/16",
                        availabilityZones: ["us-east-1a", "us-east-1b"],
                        publicSubnetIds: ["pub-a", "pub-b"],
                        privateSubnetIds: ["priv-a", "priv-b"],
                    },
                    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/test",
                    accessLogsBucketName: "access-logs",
                    webCidrs: ["203.0.113.0/24"],
                    dicomCidrs: ["198.51.100.0/24"],
                    alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" },
                    patchGroup: "citadel-orthanc",
                    tags: { ...USER_TAGS, "Patch Group": "user" },
                }),
        );
        assert.ok(assertUserTagsEverywhere(rec, "citadel:orthanc:OrthancHost") > 15);
        for (const host of ofType(rec, "aws:ec2/instance:Instance")) {
            assert.match(host.inputs.tags.Name, /^pacs-host-\d$/);
            assert.equal(host.inputs.tags["Patch Group"], "citadel-orthanc");
        }
        assert.equal(ofType(rec, "aws:rds/instance:Instance")[0].inputs.tags["citadel:backup"], "daily");
    });
});
