import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Module = require("module");
import { transform } from "sucrase";
import { capture, RecordedResource, REPO_ROOT, reveal } from "@citadel/testing";
import { evaluate } from "@citadel/policy";

/** The policy pack's mandatory findings on what an example registered: a README must not teach a violation. */
function mandatoryViolations(resources: RecordedResource[]): string[] {
    return evaluate(
        resources
            .filter((r) => r.custom)
            .map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                id: r.id,
                inputs: reveal<Record<string, unknown>>(r.inputs),
            })),
    )
        .filter((v) => v.level === "mandatory")
        .map((v) => `${v.policy}: ${v.message}`);
}

/**
 * Every package under packages/ is publishable as its own npm package and documented by a README
 * whose example runs. The consumer test (`pnpm test:consumer`) installs the packed tarballs for real;
 * these checks keep each package.json honest without the registry.
 */
const PACKAGES = fs
    .readdirSync(path.join(REPO_ROOT, "packages"))
    .filter((d) => fs.existsSync(path.join(REPO_ROOT, "packages", d, "package.json")));

const read = (d: string, f: string) => fs.readFileSync(path.join(REPO_ROOT, "packages", d, f), "utf8");
const pkgOf = (d: string) => JSON.parse(read(d, "package.json"));

/** Providers and the engine: one copy in the consumer's program, so peers, never dependencies. */
const PEERS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/random"];

/** Runs TypeScript as a module in this folder, so `@citadel/*` resolves as it does for a user. */
function runAsModule(ts: string, file: string): Record<string, unknown> {
    const filename = path.join(__dirname, file);
    const m = new Module(filename, module) as Module & { _compile(code: string, file: string): void; paths: string[] };
    m.filename = filename;
    m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
    m._compile(transform(ts, { transforms: ["typescript", "imports"], filePath: filename }).code, filename);
    return m.exports as Record<string, unknown>;
}

describe("packages", () => {
    it("finds the component packages", () => assert.ok(PACKAGES.length >= 7, PACKAGES.join(", ")));

    for (const d of PACKAGES) {
        describe(d, () => {
            const pkg = pkgOf(d);

            it("is publishable: not private, a licence, an entry in lib/ that the build emits", () => {
                assert.notEqual(pkg.private, true);
                assert.equal(pkg.license, "Apache-2.0");
                assert.equal(pkg.publishConfig?.main, "lib/index.js");
                assert.equal(pkg.publishConfig?.types, "lib/index.d.ts");
                assert.deepEqual(pkg.publishConfig?.exports?.["."], {
                    types: "./lib/index.d.ts",
                    default: "./lib/index.js",
                });
                const build = JSON.parse(read(d, "tsconfig.build.json").replace(/^\s*\/\/.*$/gm, ""));
                assert.equal(build.compilerOptions.rootDir, "src");
                assert.equal(build.compilerOptions.outDir, "lib");
                assert.deepEqual(build.include, ["src"], "the library build emits src/ only: no tests");
            });

            it("ships the library and its docs, never tests or build info", () => {
                for (const f of pkg.files)
                    assert.match(f, /^(lib\/\*\*\/\*\.(js|d\.ts)|README\.md|CHANGELOG\.md|LICENSE)$/, f);
                assert.ok(fs.existsSync(path.join(REPO_ROOT, "packages", d, "CHANGELOG.md")), "CHANGELOG.md");
            });

            it("takes Pulumi's engine and providers as peers with a tested lower bound", () => {
                for (const p of PEERS) {
                    assert.equal(pkg.dependencies?.[p], undefined, `${p} must be a peer dependency`);
                    if (!pkg.peerDependencies?.[p]) continue;
                    const tested = pkg.devDependencies?.[p];
                    assert.ok(tested, `${p}: the version tested in the workspace is a devDependency`);
                    assert.equal(pkg.peerDependencies[p], `>=${tested} <${Number(tested.split(".")[0]) + 1}.0.0`);
                }
                assert.ok(pkg.peerDependencies?.["@pulumi/pulumi"], "@pulumi/pulumi is a peer");
            });

            it("has a README whose example runs and builds this package's component", async () => {
                const readme = read(d, "README.md");
                const section = readme.split(/^## /m).find((s) => /^Example\b/.test(s));
                const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
                assert.ok(code, `${d}/README.md has a ts block under "## Example..."`);
                assert.doesNotMatch(code, /from "\.{1,2}\//, "examples import packages by name, as users do");
                let exported: Record<string, unknown> = {};
                const rec = await capture(() => {
                    exported = runAsModule(code, `readme-${d}.ts`);
                });
                const own = pkg.name as string;
                if (code.includes(`from "${own}"`) && !["@citadel/policy", "@citadel/testing"].includes(own)) {
                    const tokens = new Set(rec.resources.filter((r) => !r.custom).map((r) => r.type));
                    const mine = [...tokens].filter((t) => TOKENS[own]?.includes(t));
                    assert.ok(
                        mine.length > 0,
                        `the example builds a ${own} component; registered: ${[...tokens].join(", ")}`,
                    );
                }
                assert.deepEqual(
                    mandatoryViolations(rec.resources),
                    [],
                    `${d}/README.md's example passes the policy pack`,
                );
                for (const v of Object.values(exported)) if (typeof v === "function") await (v as () => unknown)();
                if (own === "@citadel/policy")
                    assert.deepEqual(exported.mandatory, ["sqs-encrypted", "alarm-coverage"]);
            });
        });
    }
});

/** The component type tokens each package registers (GUIDE §2: `citadel:<module>:<Type>`). */
const TOKENS: Record<string, string[]> = {
    "@citadel/shared": [
        "citadel:shared:KmsKey",
        "citadel:shared:SecureBucket",
        "citadel:shared:PostgresDatabase",
        "citadel:shared:DocumentDatabase",
    ],
    "@citadel/secure-vpc": ["citadel:network:SecureVpc"],
    "@citadel/orthanc-host": ["citadel:orthanc:OrthancHost"],
    "@citadel/ecs-app": ["citadel:ecs:EcsApp"],
    "@citadel/edge-cdn": ["citadel:edge:EdgeCdn"],
    "@citadel/operations": [
        "citadel:operations:AlertTopic",
        "citadel:operations:BackupPlan",
        "citadel:operations:AccountBaseline",
        "citadel:operations:PatchManagement",
    ],
    "@citadel/secure-uploads": ["citadel:uploads:SecureUploads"],
    "@citadel/cache": ["citadel:cache:Cache"],
    "@citadel/search": ["citadel:search:Search"],
    "@citadel/ec2-app": ["citadel:ec2app:Ec2App"],
};
