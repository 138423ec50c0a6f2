/**
 * Pulumi's schema inference (the analyzer behind `pulumi package add` for TypeScript components)
 * reads EcsApp's grant types, so Python, Go, C# and YAML programs can pass grants too. It parses
 * the TypeScript program (about 10-35 s here), so it runs in `pnpm test:schema`, not `pnpm test`.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { Analyzer } from "@pulumi/pulumi/provider/experimental/analyzer";

describe("grants under Pulumi's schema inference", function () {
    this.timeout(120_000);
    const dir = path.join(__dirname, "fixture");
    let types: Record<string, any>;
    before(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- JSON at a computed path
        const packageJson = require(path.join(dir, "package.json"));
        types = new Analyzer(dir, "grants-schema", packageJson, new Set(["GrantHolder"])).analyze().typeDefinitions;
    });

    it("reads GrantAccess and StatementEffect as enums with their values", () => {
        assert.deepEqual(
            types.GrantAccess.enum.map((e: any) => e.value),
            ["read", "write", "readWrite"],
        );
        assert.deepEqual(
            types.StatementEffect.enum.map((e: any) => e.value),
            ["Allow", "Deny"],
        );
    });

    it("reads every grant field as a named type or a scalar, with its documentation", () => {
        const g = types.GrantArgs.properties;
        assert.deepEqual(Object.keys(g).sort(), [
            "access",
            "bucket",
            "cache",
            "kmsKeyArn",
            "prefix",
            "queue",
            "searchDomain",
            "statement",
        ]);
        assert.equal(g.access.$ref, "#/types/grants-schema:index:GrantAccess");
        assert.equal(g.cache.$ref, "#/types/grants-schema:index:CacheGrantArgs");
        assert.equal(g.statement.$ref, "#/types/grants-schema:index:GrantStatementArgs");
        assert.match(g.prefix.description, /incoming\//);
        assert.ok(types.GrantConditionArgs.properties.values);
    });
});
