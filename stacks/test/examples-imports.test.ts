import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { REPO_ROOT } from "@citadel/testing";

/**
 * Every example is a program a platform team would write: it imports Citadel's packages by name,
 * through their public entry points only (never `@citadel/x/src/...`, never a relative path into
 * packages/), and Pulumi's own packages. One check for every folder under examples/, present or future.
 */
const EXAMPLES = path.join(REPO_ROOT, "examples");
const ALLOWED = /^@citadel\/[a-z0-9-]+$|^@pulumi\/[a-z0-9-]+(\/[a-zA-Z0-9]+)?$/;

/** The module specifiers a TypeScript source imports that an example may not. */
export function forbiddenImports(source: string): string[] {
    return [...source.matchAll(/(?:\bfrom|^import|(?<![.\w])require\()\s*["']([^"']+)["']/gm)]
        .map((m) => m[1])
        .filter((i) => !ALLOWED.test(i));
}

function programFiles(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        if (["node_modules", "dist", "test"].includes(e.name)) return [];
        const p = path.join(dir, e.name);
        return e.isDirectory() ? programFiles(p) : e.name.endsWith(".ts") ? [p] : [];
    });
}

describe("examples import only the packages' public entry points", () => {
    const examples = fs.readdirSync(EXAMPLES).filter((d) => fs.existsSync(path.join(EXAMPLES, d, "Pulumi.yaml")));

    it("finds the examples and their programs", () => {
        assert.ok(examples.length >= 5, examples.join(", "));
        for (const e of examples) assert.ok(programFiles(path.join(EXAMPLES, e)).length > 0, e);
    });

    for (const e of examples) {
        it(`${e}: no path into packages/, no package internals`, () => {
            for (const file of programFiles(path.join(EXAMPLES, e))) {
                const source = fs.readFileSync(file, "utf8");
                assert.ok(
                    /from "@citadel\//.test(source) || !file.endsWith("index.ts"),
                    `${file} imports no Citadel package`,
                );
                assert.deepEqual(forbiddenImports(source), [], path.relative(REPO_ROOT, file));
            }
        });
    }

    it("refuses what a program must not import", () => {
        assert.deepEqual(
            forbiddenImports(
                [
                    'import { SecureVpc } from "@citadel/secure-vpc";',
                    'import * as aws from "@pulumi/aws/ec2";',
                    'import { x } from "../../packages/shared/src";',
                    'import { y } from "@citadel/ecs-app/src/validate";',
                    'const z = require("@citadel/policy/test/fixtures");',
                ].join("\n"),
            ),
            ["../../packages/shared/src", "@citadel/ecs-app/src/validate", "@citadel/policy/test/fixtures"],
        );
    });
});
