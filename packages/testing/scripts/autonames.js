// Regenerates src/autonames.json: the @pulumi/aws resource types the provider auto-names at preview
// (an optional `name` input, or `bucket` for S3 buckets), read from the installed package's typings.
// The provider fills such a property with `<logical name>-<7 random hex>` in its Check, so
// `pulumi preview` already knows the name; the offline plan mirrors it. Run after upgrading @pulumi/aws:
//   node packages/testing/scripts/autonames.js
"use strict";
const fs = require("fs");
const path = require("path");
const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json"));
// The provider's own transforms (pulumi-aws resources.go): names AWS stores in lower case, and
// resources whose names are capped below the default 255.
const LOWER = new Set(["aws:rds/subnetGroup:SubnetGroup", "aws:rds/parameterGroup:ParameterGroup",
    "aws:rds/optionGroup:OptionGroup", "aws:rds/clusterParameterGroup:ClusterParameterGroup", "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2", "aws:elasticache/subnetGroup:SubnetGroup", "aws:elasticache/parameterGroup:ParameterGroup"]);
const MAXLEN = { "aws:lb/loadBalancer:LoadBalancer": 32, "aws:lb/targetGroup:TargetGroup": 32, "aws:alb/loadBalancer:LoadBalancer": 32,
    "aws:alb/targetGroup:TargetGroup": 32, "aws:iam/role:Role": 64, "aws:iam/instanceProfile:InstanceProfile": 128,
    "aws:s3/bucket:Bucket": 63, "aws:s3/bucketV2:BucketV2": 63, "aws:ecs/cluster:Cluster": 255 };
// Auto-named properties other than name/bucket (pulumi-aws resources.go).
const EXTRA = { "aws:rds/instance:Instance": { field: "identifier", prefix: "identifierPrefix", lower: true },
    "aws:rds/cluster:Cluster": { field: "clusterIdentifier", prefix: "clusterIdentifierPrefix", lower: true } };
const out = { ...EXTRA };
function walk(dir) {
    for (const f of fs.readdirSync(dir)) {
        const p = path.join(dir, f);
        if (fs.statSync(p).isDirectory()) { if (f !== "types" && f !== "node_modules") walk(p); continue; }
        if (!f.endsWith(".js")) continue;
        const js = fs.readFileSync(p, "utf8");
        const m = /static __pulumiType = '([^']+)'/.exec(js);
        const cls = /^class (\w+) extends pulumi\.CustomResource/m.exec(js);
        if (!m || !cls) continue;
        const dts = fs.readFileSync(p.replace(/\.js$/, ".d.ts"), "utf8");
        const start = dts.indexOf(`export interface ${cls[1]}Args {`);
        if (start < 0) continue;
        const body = dts.slice(start, dts.indexOf("\n}", start));
        const field = m[1].startsWith("aws:s3/bucket") && /^ {4}bucket\?:/m.test(body) ? "bucket"
            : /^ {4}name\?:/m.test(body) ? "name" : undefined;
        if (!field || EXTRA[m[1]]) continue;
        const entry = { field };
        if (/^ {4}(name|bucket)Prefix\?:/m.test(body)) entry.prefix = `${field}Prefix`;
        if (LOWER.has(m[1])) entry.lower = true;
        if (MAXLEN[m[1]]) entry.maxlen = MAXLEN[m[1]];
        out[m[1]] = entry;
    }
}
walk(awsDir);
const sorted = Object.fromEntries(Object.keys(out).sort().map((k) => [k, out[k]]));
fs.writeFileSync(path.join(__dirname, "..", "src", "autonames.json"), JSON.stringify(sorted, null, 0).replace(/},"/g, "},\n\"") + "\n");
console.log(`${Object.keys(sorted).length} auto-named types`);
