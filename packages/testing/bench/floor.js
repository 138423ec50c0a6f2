// The fair floor of the offline plan (GUIDE.md §6): a bare process that loads @pulumi/pulumi and
// the @pulumi/aws modules the plan uses, installs the same mocks (canned.ts) and registers the same
// resources (type, name, inputs, parent) that a plan JSON lists, and nothing else: no program
// logic, no config, no recording, no policy pack. Plain JavaScript: no transpiler on its path but
// the precompiled canned.ts.
// Usage: node packages/testing/bench/floor.js <plan.json>
"use strict";
const fs = require("fs");
const plan = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const pulumi = require("@pulumi/pulumi");
for (const mod of new Set(
    plan.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type.split(":")[1].split("/")[0]),
)) {
    require(`@pulumi/aws/${mod}`);
}
require("../register.js");
const { mockState, mockId, checkedInputs } = require("../src/canned.ts");
pulumi.runtime.setMocks(
    {
        newResource: (a) => {
            const checked = { ...a, inputs: checkedInputs(a.type, a.name, a.inputs) };
            return { id: mockId(checked), state: mockState(checked, { region: "eu-west-1" }) };
        },
        call: (a) => a.inputs,
    },
    plan.project,
    plan.stack,
    false,
);
const settings = require("@pulumi/pulumi/runtime/settings");
pulumi.runtime
    .runInPulumiStack(async () => {
        const byName = new Map();
        for (const r of plan.resources) {
            const opts = r.parent ? { parent: byName.get(r.parent) } : {};
            const res = r.type.startsWith("citadel:")
                ? new pulumi.ComponentResource(r.type, r.name, {}, opts)
                : new pulumi.CustomResource(r.type, r.name, r.inputs, opts);
            if (!byName.has(r.name) || !r.type.startsWith("aws:")) byName.set(r.name, res);
        }
        return {};
    })
    .then(() => settings.waitForRPCs())
    .then(() => process.exit(0));
