import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Module = require("module");
import { transform } from "sucrase";
import { capture, named, ofType, REPO_ROOT } from "@citadel/testing";

/** The README's TypeScript example under `heading`, as written. */
function readmeExample(heading: string): string {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.split(/^## /m).find((s) => s.startsWith(heading));
    const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    if (!code) throw new Error(`README has no ts example under "## ${heading}"`);
    return code;
}

/** Runs TypeScript as if it were a file in stacks/test, so `@citadel/*` resolves as for a user. */
function runAsModule(ts: string): void {
    const filename = path.join(__dirname, "readme-example.ts");
    const m = new Module(filename, module) as Module & { _compile(code: string, file: string): void; paths: string[] };
    m.filename = filename;
    m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
    m._compile(transform(ts, { transforms: ["typescript", "imports"], filePath: filename }).code, filename);
}

describe("README", () => {
    it("the 'own program' example runs and builds what it says", async () => {
        const rec = await capture(() => runAsModule(readmeExample("Using the components in your own program")));
        assert.equal(named(rec, "net-vpc").inputs.cidrBlock, "10.40.0.0/16");
        assert.equal(ofType(rec, "aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(named(rec, "net-flow-logs").inputs.logDestinationType, "s3");
        assert.deepEqual(ofType(rec, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")
            .map((e) => e.inputs.serviceName.split(".").pop()), ["kms", "secretsmanager"]);
    });
});
