import * as assert from "assert";
import { assertUserTagsEverywhere, capture, named, ofType, USER_TAGS } from "@citadel/testing";
import { EcsApp } from "../src/ecs-app";
import { appArgs } from "./fixtures";

describe("EcsApp: tags", () => {
    it("tags every taggable child: database, queues, load balancer, EC2 capacity (group, launch template, bastion); own names and the backup tag stay", async () => {
        const rec = await capture(() => new EcsApp("app", appArgs({
            alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" }, images: { source: "ecr", ciRoleNames: ["ci"] },
            capacity: "ec2", ec2: { instanceType: "m6i.large", minInstances: 2, maxInstances: 6 }, bastion: {}, tags: USER_TAGS,
        } as any)));
        assert.ok(assertUserTagsEverywhere(rec, "citadel:ecs:EcsApp") > 20);
        const db = ofType(rec, "aws:rds/instance:Instance")[0].inputs.tags;
        assert.deepStrictEqual([db["citadel:backup"], db.CostCenter], ["daily", USER_TAGS.CostCenter]);
        assert.strictEqual(named(rec, "app-bastion", "aws:ec2/instance:Instance").inputs.tags.Name, "app-bastion");
        const group = ofType(rec, "aws:autoscaling/group:Group")[0].inputs.tags;
        assert.deepStrictEqual(group.filter((t: any) => t.key === "Name").length, 1);
    });
});
