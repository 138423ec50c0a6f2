import * as fs from "fs";
import * as path from "path";
import * as ts from "typescript";
import { ComponentProvider, ComponentResourceConstructor } from "@pulumi/pulumi/provider/experimental";

/** The `@default` notes of the components' sources, and how to find a property's declaration from a schema name. */
export interface SourceDefaults {
    /** `Interface.property` (or `Class.property`) → the `@default` tag's text. */
    defaults: Map<string, string>;
    /** Interface → the interfaces it extends, by name. */
    bases: Map<string, string[]>;
    /** Component class → the name of its constructor's `args` type. */
    argsOf: Map<string, string>;
}

/**
 * Reads the `@default` tags of every property declared in these TypeScript files: the parser only
 * (no type checker), so it costs milliseconds. Pulumi's analyzer copies a JSDoc's text into the
 * schema but drops its tags, which would leave a Python or Go user without the defaults.
 */
export function readSourceDefaults(files: string[]): SourceDefaults {
    const out: SourceDefaults = { defaults: new Map(), bases: new Map(), argsOf: new Map() };
    const defaultOf = (node: ts.Node) => {
        const tag = ts.getJSDocTags(node).find((t) => t.tagName.text === "default");
        const text = tag && ts.getTextOfJSDocComment(tag.comment)?.trim();
        return text || undefined;
    };
    for (const file of files) {
        const sf = ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
        for (const st of sf.statements) {
            if ((ts.isInterfaceDeclaration(st) || ts.isClassDeclaration(st)) && st.name) {
                const owner = st.name.text;
                const bases = (st.heritageClauses ?? [])
                    .filter((h) => h.token === ts.SyntaxKind.ExtendsKeyword)
                    .flatMap((h) => h.types.map((t) => t.expression.getText(sf)));
                if (ts.isInterfaceDeclaration(st)) out.bases.set(owner, bases);
                for (const m of st.members) {
                    if (
                        (ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) &&
                        m.name &&
                        ts.isIdentifier(m.name)
                    ) {
                        const d = defaultOf(m);
                        if (d) out.defaults.set(`${owner}.${m.name.text}`, d);
                    }
                    if (ts.isConstructorDeclaration(m)) {
                        const args = m.parameters.find((p) => ts.isIdentifier(p.name) && p.name.text === "args");
                        if (args?.type && ts.isTypeReferenceNode(args.type))
                            out.argsOf.set(owner, args.type.typeName.getText(sf));
                    }
                }
            }
        }
    }
    return out;
}

/** The `@default` of `owner.property`, looking through the interfaces `owner` extends. */
export function defaultOf(
    src: SourceDefaults,
    owner: string,
    property: string,
    seen = new Set<string>(),
): string | undefined {
    if (seen.has(owner)) return undefined;
    seen.add(owner);
    return (
        src.defaults.get(`${owner}.${property}`) ??
        (src.bases.get(owner) ?? []).map((b) => defaultOf(src, b, property, seen)).find((d) => d !== undefined)
    );
}

/** The `.ts` files (sources, or a published package's `.d.ts`) of the packages that define these components. */
export function componentSourceFiles(packages: string[]): string[] {
    const files: string[] = [];
    const walk = (d: string) =>
        fs.readdirSync(d, { withFileTypes: true }).forEach((e) => {
            const p = path.join(d, e.name);
            if (e.isDirectory()) walk(p);
            else if (e.name.endsWith(".ts") && !e.name.endsWith(".test.ts")) files.push(p);
        });
    for (const p of packages) walk(path.dirname(require.resolve(p)));
    return files;
}

interface SchemaProperty {
    description?: string;
}
interface Schema {
    resources: Record<string, { inputProperties?: Record<string, SchemaProperty> }>;
    types: Record<string, { properties?: Record<string, SchemaProperty> }>;
}

/** Appends each input's TypeScript `@default` to its description: `Default: <the tag's text>`. */
export function noteDefaults(schema: Schema, src: SourceDefaults): void {
    const note = (p: SchemaProperty, d: string | undefined) => {
        if (d !== undefined) p.description = `${p.description ?? ""}\n\nDefault: ${d}`.trim();
    };
    const name = (token: string) => token.split(":")[2];
    for (const [token, r] of Object.entries(schema.resources)) {
        const args = src.argsOf.get(name(token));
        for (const [k, p] of Object.entries(r.inputProperties ?? {})) note(p, args && defaultOf(src, args, k));
    }
    for (const [token, t] of Object.entries(schema.types)) {
        for (const [k, p] of Object.entries(t.properties ?? {})) note(p, defaultOf(src, name(token), k));
    }
}

/**
 * Pulumi's component provider for source-based TypeScript packages, with the schema's input
 * descriptions carrying the sources' `@default` notes.
 */
export class CitadelProvider extends ComponentProvider {
    private readonly packages: string[];
    private noted?: string;

    constructor(options: { components: ComponentResourceConstructor[]; dirname: string; packages: string[] }) {
        super({ name: "citadel", components: options.components, dirname: options.dirname });
        this.packages = options.packages;
    }

    override async getSchema(): Promise<string> {
        if (this.noted === undefined) {
            const schema = JSON.parse(await super.getSchema()) as Schema;
            noteDefaults(schema, readSourceDefaults(componentSourceFiles(this.packages)));
            this.noted = JSON.stringify(schema);
        }
        return this.noted;
    }
}
