// The performance floor of the offline plan (GUIDE.md §6): load @pulumi/pulumi and @pulumi/aws,
// install mocks, and register N bare resources. Plain JavaScript, so no transpiler cost is counted.
// Usage: node packages/testing/bench/floor.js <N>
"use strict";
const pulumi = require("@pulumi/pulumi");
require("@pulumi/aws");
const n = Number(process.argv[2] || 100);
pulumi.runtime.setMocks({
    newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
    call: (a) => a.inputs,
}, "citadel", "floor", false);
const settings = require("@pulumi/pulumi/runtime/settings");
pulumi.runtime.runInPulumiStack(async () => {
    for (let i = 0; i < n; i++) new pulumi.CustomResource("aws:ec2/vpc:Vpc", `r${i}`, { cidrBlock: "10.0.0.0/16", tags: { i: String(i) } });
    return {};
}).then(() => settings.waitForRPCs()).then(() => process.exit(0));
