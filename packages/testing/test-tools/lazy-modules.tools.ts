import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as path from "path";

const TESTING = path.resolve(__dirname, "..");
const STAND_INS = path.join(TESTING, "lazy-modules.js");

// What a program could ask of the modules lazy-modules.js stands in for: closure serialization
// (TypeScript's parser, npm's arborist and normalize-package-data) and the Automation API. Printed as
// JSON, with the stand-ins each of them loaded.
const PROBE = `
const pulumi = require("@pulumi/pulumi");
const lazy = process.env.WITH_STAND_INS ? require(${JSON.stringify(STAND_INS)}) : { loadedLazily: () => [] };
const before = lazy.loadedLazily();
const factor = 3;
pulumi.runtime
    .serializeFunction(async (x) => x * factor, { isFactoryFunction: false })
    .then(async (s) => {
        // What a callback function's code archive is made of: the packages the program depends on.
        const paths = await pulumi.runtime.computeCodePaths({ extraIncludePackages: ["yaml"] });
        console.log(JSON.stringify({
            before,
            text: s.text,
            codePaths: [...paths.keys()].map((p) => p.split("node_modules/").pop()).sort(),
            workspace: typeof pulumi.automation.LocalWorkspace.create,
            // A namespace of @pulumi/aws, used: the real class, and its resource modules registered
            // (what turns a resource reference in a response back into a resource).
            bucket: require("@pulumi/aws").s3.Bucket === require("@pulumi/aws/s3").Bucket,
            bucketModule: typeof require("@pulumi/pulumi/runtime/rpc").getResourceModule("aws", "s3/bucket"),
            after: lazy.loadedLazily().sort(),
        }));
    });
`;

interface Probe {
    before: string[];
    text: string;
    codePaths: string[];
    workspace: string;
    bucket: boolean;
    bucketModule: string;
    after: string[];
}

function probe(withStandIns: boolean): Probe {
    const out = execFileSync(process.execPath, [...(withStandIns ? ["-r", STAND_INS] : []), "-e", PROBE], {
        cwd: TESTING,
        env: { ...process.env, WITH_STAND_INS: withStandIns ? "1" : "" },
        encoding: "utf8",
    });
    return JSON.parse(out);
}

describe("lazy stand-ins for modules Pulumi and @pulumi/aws load eagerly", () => {
    it("load nothing until used, then serialize a closure and reach LocalWorkspace exactly as Pulumi does", function () {
        this.timeout(120_000);
        const plain = probe(false);
        const lazy = probe(true);
        assert.deepEqual(lazy.before, [], "loading @pulumi/pulumi used none of them");
        assert.equal(lazy.text, plain.text, "the serialized closure is the same");
        assert.match(lazy.text, /factor: 3/);
        assert.deepEqual(lazy.codePaths, plain.codePaths, "the code archive holds the same packages");
        assert.ok(lazy.codePaths.includes("yaml"), lazy.codePaths.join(", "));
        assert.equal(lazy.workspace, "function");
        assert.deepEqual([lazy.bucket, lazy.bucketModule], [true, "object"]);
        assert.deepEqual([plain.bucket, plain.bucketModule], [true, "object"]);
        // Only what was used was loaded: of @pulumi/aws's 250 namespaces, s3 and what it imports (its
        // bucket-notification mixins import lambda).
        assert.deepEqual(
            lazy.after.filter((m) => !m.startsWith("@pulumi/aws/")),
            ["@npmcli/arborist", "@pulumi/pulumi/automation", "normalize-package-data", "typescript"],
        );
        const aws = lazy.after.filter((m) => m.startsWith("@pulumi/aws/"));
        assert.ok(
            aws.includes("@pulumi/aws/s3") && !aws.includes("@pulumi/aws/ec2") && aws.length <= 3,
            aws.join(", "),
        );
    });
});
