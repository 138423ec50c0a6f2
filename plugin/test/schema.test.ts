/**
 * The `citadel` Pulumi package as a Python, Go, C#, Java or YAML program gets it: the schema that
 * Pulumi's analyzer (`@pulumi/pulumi/provider/experimental`) infers from the components' TypeScript
 * args when a consumer runs `pulumi package add`, and the provider's `construct` that builds a
 * component from the plain values such a program sends. The analyzer parses the whole TypeScript
 * program (30-60 s here), so this runs in `pnpm test:schema`, not `pnpm test`.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import { capture, REPO_ROOT, valueOf } from "@citadel/testing";
import { COMPONENTS, PACKAGES as PLUGIN_PACKAGES } from "../components";
import { CitadelProvider, readSourceDefaults, componentSourceFiles, defaultOf } from "../provider";

const PLUGIN_DIR = path.join(__dirname, "..");
const PREFIX = "citadel:index:";

/** The component packages: every package but the policy pack and the test harness. */
const PACKAGES = fs
    .readdirSync(path.join(REPO_ROOT, "packages"))
    .filter((d) => fs.existsSync(path.join(REPO_ROOT, "packages", d, "package.json")))
    .map((d) => JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "packages", d, "package.json"), "utf8")).name as string)
    .filter((n) => !["@citadel/policy", "@citadel/testing"].includes(n));
// Loaded by name, as a consumer loads them.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the names are data
const EXPORTS: Record<string, Record<string, unknown>> = Object.fromEntries(PACKAGES.map((p) => [p, require(p)]));

interface Property {
    description?: string;
    $ref?: string;
    items?: Property;
    additionalProperties?: Property;
    type?: string;
}
interface Schema {
    name: string;
    resources: Record<
        string,
        {
            description?: string;
            inputProperties: Record<string, Property>;
            properties: Record<string, Property>;
            requiredInputs: string[];
        }
    >;
    types: Record<
        string,
        { type: string; properties?: Record<string, Property>; enum?: Array<{ name: string; value: string | number }> }
    >;
}

/** Every property of the schema, named `Owner.property` (inputs as `Component.input`, outputs as `Component#output`). */
function properties(schema: Schema): Array<[string, Property]> {
    const out: Array<[string, Property]> = [];
    for (const [token, r] of Object.entries(schema.resources)) {
        const c = token.slice(PREFIX.length);
        for (const [k, p] of Object.entries(r.inputProperties)) out.push([`${c}.${k}`, p]);
        for (const [k, p] of Object.entries(r.properties)) out.push([`${c}#${k}`, p]);
    }
    for (const [token, t] of Object.entries(schema.types)) {
        for (const [k, p] of Object.entries(t.properties ?? {})) out.push([`${token.slice(PREFIX.length)}.${k}`, p]);
    }
    return out;
}

function refs(p: Property): string[] {
    return [
        p.$ref,
        ...(p.items ? refs(p.items) : []),
        ...(p.additionalProperties ? refs(p.additionalProperties) : []),
    ].filter((r): r is string => r !== undefined);
}

describe("the citadel package under Pulumi's schema inference", function () {
    this.timeout(300_000);
    let provider: CitadelProvider;
    let schema: Schema;
    before(async () => {
        provider = new CitadelProvider({ components: COMPONENTS, dirname: PLUGIN_DIR, packages: PLUGIN_PACKAGES });
        schema = JSON.parse(await provider.getSchema());
    });

    it("serves every component class the packages export, and only those", () => {
        assert.deepEqual(
            [...PLUGIN_PACKAGES].sort(),
            [...PACKAGES].sort(),
            "plugin/components.ts lists every component package",
        );
        const exported = new Set(
            Object.values(EXPORTS)
                .flatMap((m) => getPulumiComponents(m))
                .map((c) => c.name),
        );
        assert.deepEqual(COMPONENTS.map((c) => c.name).sort(), [...exported].sort());
        assert.deepEqual(Object.keys(schema.resources).sort(), [...exported].map((n) => PREFIX + n).sort());
    });

    it("documents every component, input, output and type property (JSDoc's text, which the analyzer copies)", () => {
        const missing = [
            ...Object.entries(schema.resources)
                .filter(([, r]) => !r.description)
                .map(([t]) => t.slice(PREFIX.length)),
            ...properties(schema)
                .filter(([, p]) => !p.description?.trim())
                .map(([n]) => n),
        ];
        assert.deepEqual(
            missing,
            [],
            `${missing.length} without a description (a JSDoc with only tags, e.g. \`/** @default x */\`, gives none):\n${missing.join("\n")}`,
        );
    });

    it("notes each TypeScript @default in the input's description (the analyzer drops JSDoc tags)", () => {
        const vpc = schema.resources[`${PREFIX}SecureVpc`].inputProperties;
        assert.match(vpc.natStrategy.description!, /\n\nDefault: "none"$/);
        // Inherited through DatabaseAlarmsArgs extends AlarmsArgs, DatabaseThresholdsArgs.
        assert.match(schema.types[`${PREFIX}DatabaseAlarmsArgs`].properties!.cpuPercent.description!, /Default: 80$/);
        const src = readSourceDefaults(componentSourceFiles(PLUGIN_PACKAGES));
        let noted = 0;
        const lost: string[] = [];
        for (const [token, r] of Object.entries(schema.resources)) {
            const args = src.argsOf.get(token.slice(PREFIX.length))!;
            assert.ok(args, `${token}: its args type`);
            for (const [k, p] of Object.entries(r.inputProperties)) {
                const d = defaultOf(src, args, k);
                if (d === undefined) continue;
                noted++;
                if (!p.description!.endsWith(`Default: ${d}`)) lost.push(`${token}.${k}`);
            }
        }
        assert.deepEqual(lost, []);
        assert.ok(noted >= 100, `${noted} component inputs with a default`);
    });

    it("resolves every type reference to a type of the package (or a pulumi.json built-in)", () => {
        const dangling = properties(schema)
            .flatMap(([n, p]) => refs(p).map((r) => [n, r] as const))
            .filter(
                ([, r]) => !(r.startsWith("pulumi.json#/") || schema.types[r.replace("#/types/", "")] !== undefined),
            )
            .map(([n, r]) => `${n}: ${r}`);
        assert.deepEqual(dangling, []);
    });

    it("gives each schema type one TypeScript declaration: the analyzer names types by their bare name", () => {
        // Two exported interfaces called `AlarmsArgs` in two packages would become one schema type,
        // the first one read, silently. Count the source files that declare each name.
        const sources: string[] = [];
        const walk = (d: string) =>
            fs
                .readdirSync(d, { withFileTypes: true })
                .forEach((e) =>
                    e.isDirectory()
                        ? walk(path.join(d, e.name))
                        : e.name.endsWith(".ts") && sources.push(path.join(d, e.name)),
                );
        PACKAGES.forEach((p) => walk(path.join(REPO_ROOT, "packages", p.replace("@citadel/", ""), "src")));
        const text = sources.map((f) => [f, fs.readFileSync(f, "utf8")] as const);
        const clashes = Object.keys(schema.types)
            .map((t) => t.slice(PREFIX.length))
            .flatMap((name) => {
                const re = new RegExp(`^export (?:interface|type|const|enum|class) ${name}\\b`, "m");
                const files = text.filter(([, s]) => re.test(s)).map(([f]) => path.relative(REPO_ROOT, f));
                // None: a type of a dependency's (SecureBucket's lifecycle rules are @pulumi/aws input types).
                return files.length <= 1 ? [] : [`${name}: ${files.join(", ")}`];
            });
        assert.deepEqual(clashes, []);
    });

    it("reads each enum with exactly the values TypeScript callers pass (string literals still type-check)", () => {
        const enums = Object.entries(schema.types).filter(([, t]) => t.enum);
        assert.ok(enums.length >= 15, `${enums.length} enums`);
        for (const [token, t] of enums) {
            const name = token.slice(PREFIX.length);
            const owner = Object.values(EXPORTS).find((m) => m[name] !== undefined);
            assert.ok(owner, `${name} is exported as a value (a const object or an enum)`);
            // The analyzer lists a union's members in the checker's order, not the declaration's.
            assert.deepEqual(t.enum!.map((e) => e.value).sort(), Object.values(owner[name] as object).sort(), name);
        }
        assert.deepEqual(
            schema.types[`${PREFIX}NatStrategy`].enum!.map((e) => e.name),
            ["None", "Single", "PerAz"],
        );
    });

    it("reads EcsApp's grants as named types and enums with their documentation", () => {
        assert.deepEqual(
            schema.types[`${PREFIX}GrantAccess`].enum!.map((e) => e.value),
            ["read", "write", "readWrite"],
        );
        assert.deepEqual(
            schema.types[`${PREFIX}StatementEffect`].enum!.map((e) => e.value),
            ["Allow", "Deny"],
        );
        const g = schema.types[`${PREFIX}GrantArgs`].properties!;
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
        assert.equal(g.access.$ref, `#/types/${PREFIX}GrantAccess`);
        assert.equal(g.statement.$ref, `#/types/${PREFIX}GrantStatementArgs`);
        assert.match(g.prefix.description!, /incoming\//);
    });

    it("keeps Input<T> args as inputs and plain args plain, with required inputs as in TypeScript", () => {
        const vpc = schema.resources[`${PREFIX}SecureVpc`];
        assert.deepEqual(vpc.requiredInputs, ["flowLogs", "kmsKeyArn"]);
        assert.equal(vpc.inputProperties.natStrategy.$ref, `#/types/${PREFIX}NatStrategy`);
        const key = schema.resources[`${PREFIX}PostgresDatabase`].inputProperties.kmsKeyArn as Property & {
            plain?: boolean;
        };
        assert.equal(key.plain, undefined, "kmsKeyArn takes another resource's output");
        const az = vpc.inputProperties.azCount as Property & { plain?: boolean };
        assert.equal(az.plain, true, "azCount shapes the program, so it is a plain value");
    });

    it("constructs components from the plain values another language sends, with the TypeScript type tokens", async () => {
        let vpcUrn: pulumi.Output<string> | undefined;
        let state: Record<string, unknown> = {};
        const rec = await capture(async () => {
            const key = await provider.construct(
                "net",
                `${PREFIX}KmsKey`,
                { description: "network logs", services: ["logs"] },
                {},
            );
            assert.ok(key.state.arn, "the key's ARN is an output");
            // What a Python program sends for SecureVpc(cidr_block=..., nat_strategy=citadel.NatStrategy.SINGLE, ...).
            const vpc = await provider.construct(
                "net",
                `${PREFIX}SecureVpc`,
                {
                    cidrBlock: "10.40.0.0/16",
                    azCount: 2,
                    natStrategy: "single",
                    interfaceEndpoints: ["kms"],
                    kmsKeyArn: key.state.arn as pulumi.Output<string>,
                    flowLogs: { destination: "cloudwatch" },
                },
                {},
            );
            vpcUrn = pulumi.output(vpc.urn);
            state = vpc.state;
            // A nested plain object holding another component's output, as the engine delivers it.
            const accessLogs = await provider.construct(
                "access-logs",
                `${PREFIX}SecureBucket`,
                { purpose: "accessLogs" },
                {},
            );
            await provider.construct(
                "data",
                `${PREFIX}SecureBucket`,
                {
                    kmsKeyArn: key.state.arn as pulumi.Output<string>,
                    accessLogs: { bucketName: accessLogs.state.bucketName as pulumi.Output<string>, prefix: "data/" },
                },
                {},
            );
        });
        // The engine takes the URN construct returns: a Python program's component keeps the
        // TypeScript token, so its URNs match a TypeScript program's.
        assert.match(await valueOf(vpcUrn!), /::citadel:network:SecureVpc::net$/);
        assert.deepEqual(
            Object.keys(state).sort(),
            Object.keys(schema.resources[`${PREFIX}SecureVpc`].properties).sort(),
        );
        const vpc = rec.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
        assert.equal(vpc?.inputs.cidrBlock, "10.40.0.0/16");
        assert.equal(
            rec.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway").length,
            1,
            "natStrategy single: one NAT gateway",
        );
        const logging = rec.resources.find(
            (r) => r.type === "aws:s3/bucketLogging:BucketLogging" && r.name.startsWith("data"),
        );
        assert.equal(logging?.inputs.targetPrefix, "data/");
        assert.ok(
            logging?.inputs.targetBucket,
            "the access-logs bucket's name, resolved from the other component's output",
        );
    });

    it("refuses a bad enum value from another language with the component's own error", async () => {
        await assert.rejects(
            capture(() =>
                provider.construct(
                    "bad",
                    `${PREFIX}SecureVpc`,
                    {
                        cidrBlock: "10.40.0.0/16",
                        natStrategy: "everywhere",
                        kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/x",
                    },
                    {},
                ),
            ),
            /natStrategy/,
        );
    });

    it("names in the README's Python program only resources, arguments and enum members the schema has", () => {
        const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
        const py = /```python\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf("pulumi package add")))?.[1];
        assert.ok(py, "README has a ```python block after `pulumi package add`");
        // Pulumi's Python SDKs: snake_case arguments, UPPER_SNAKE enum members of PascalCase names.
        const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
        const upper = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
        const wrong: string[] = [];
        const calls = [...py.matchAll(/citadel\.(\w+)\(\s*"[^"]*",([^)]*(?:\([^)]*\)[^)]*)*)\)/g)];
        assert.ok(calls.length >= 3, `${calls.length} components built`);
        for (const [, type, body] of calls) {
            const r = schema.resources[PREFIX + type];
            if (!r) {
                wrong.push(`no component ${type}`);
                continue;
            }
            const kwargs = [...body.replace(/\{[^}]*\}|\[[^\]]*\]/g, "").matchAll(/(\w+)=/g)].map((m) => m[1]);
            for (const k of kwargs) if (!(camel(k) in r.inputProperties)) wrong.push(`${type}(${k}=)`);
            for (const k of r.requiredInputs) if (!kwargs.map(camel).includes(k)) wrong.push(`${type} needs ${k}`);
        }
        for (const [, e, member] of py.matchAll(/citadel\.(\w+)\.([A-Z0-9_]+)\b/g)) {
            const t = schema.types[PREFIX + e];
            if (!t?.enum?.some((m) => upper(m.name) === member)) wrong.push(`${e}.${member}`);
        }
        assert.deepEqual(wrong, []);
    });
});
