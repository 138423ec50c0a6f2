// The policy pack alone over N synthetic buckets, each with its public access block, versioning,
// logging and ownership controls, plus a subnet: the shape that exposed rules scanning the whole
// stack once per bucket. Prints one JSON line. Usage: node -r ./packages/testing/register.js
// packages/testing/bench/policy.js <buckets> [checkout]
"use strict";
const path = require("path");
const n = Number(process.argv[2] || 800);
const root = path.resolve(process.argv[3] || path.join(__dirname, "..", "..", ".."));
const { evaluate } = require(path.join(root, "packages/policy/src/evaluate"));
const resources = [];
for (let i = 0; i < n; i++) {
    const b = `b${i}-id`;
    resources.push(
        { type: "aws:s3/bucket:Bucket", name: `b${i}`, id: b, inputs: { bucket: `b${i}-x` } },
        {
            type: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
            name: `b${i}-pab`,
            id: `${b}-pab`,
            inputs: {
                bucket: b,
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            },
        },
        {
            type: "aws:s3/bucketVersioning:BucketVersioning",
            name: `b${i}-v`,
            id: `${b}-v`,
            inputs: { bucket: b, versioningConfiguration: { status: "Enabled" } },
        },
        {
            type: "aws:s3/bucketLogging:BucketLogging",
            name: `b${i}-l`,
            id: `${b}-l`,
            inputs: { bucket: b, targetBucket: "b0-x" },
        },
        {
            type: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
            name: `b${i}-o`,
            id: `${b}-o`,
            inputs: { bucket: b, rule: { objectOwnership: "BucketOwnerEnforced" } },
        },
        { type: "aws:ec2/subnet:Subnet", name: `s${i}`, id: `s${i}-id`, inputs: { vpcId: "v" } },
    );
}
const t = process.hrtime.bigint();
const violations = evaluate(resources);
process.stdout.write(
    JSON.stringify({
        buckets: n,
        resources: resources.length,
        policyMs: Number(process.hrtime.bigint() - t) / 1e6,
        violations: violations.length,
    }) + "\n",
);
