import { strict as assert } from "assert";
import { assertUserTagsEverywhere, capture, ofType, USER_TAGS } from "@citadel/testing";
import { Ec2App } from "../src";
import { tierArgs } from "./fixtures";

describe("Ec2App: tags", () => {
    it("tags every taggable child, the group's tag list and the instances' and volumes' tag specifications included; Name and Patch Group stay", async () => {
        const rec = await capture(() => new Ec2App("tier", tierArgs({ patchGroup: "drsignet", tags: { ...USER_TAGS, "Patch Group": "user" } })));
        assert.ok(assertUserTagsEverywhere(rec, "citadel:ec2app:Ec2App") > 10);
        const specs = ofType(rec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs.tagSpecifications;
        const instance = specs.find((s: any) => s.resourceType === "instance").tags;
        assert.deepEqual([instance.Name, instance["Patch Group"], instance.CostCenter], ["tier", "drsignet", USER_TAGS.CostCenter]);
        const group = ofType(rec, "aws:autoscaling/group:Group")[0].inputs.tags;
        assert.deepEqual(group.find((t: any) => t.key === "Name").value, "tier");
    });
});
