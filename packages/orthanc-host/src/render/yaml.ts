/**
 * A small YAML emitter for the documents this package renders (cloud-init, Docker Compose). It
 * writes only a safe subset: block mappings and sequences, strings plain only when they cannot be
 * read as anything else (otherwise JSON-quoted, which is valid YAML), and multi-line strings as
 * literal blocks so embedded files stay byte-exact and readable.
 */
import { UNSAFE_IN_MULTILINE, yamlQuoted } from "@citadel/shared";

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue | undefined };

/** YAML 1.1 words that a plain scalar would turn into booleans or null. */
const RESERVED = /^(y|yes|n|no|true|false|on|off|null|~)$/i;
const PLAIN_STRING = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

function scalar(v: string | number | boolean | null): string {
    if (v === null) return "null";
    if (typeof v === "number") {
        if (!Number.isFinite(v)) throw new Error(`cannot write ${v} as YAML`);
        return String(v);
    }
    if (typeof v === "boolean") return String(v);
    return PLAIN_STRING.test(v) && !RESERVED.test(v) ? v : yamlQuoted(v);
}

function key(k: string): string {
    return PLAIN_KEY.test(k) && !RESERVED.test(k) ? k : yamlQuoted(k);
}

/** A literal block (`|`), with the chomping indicator that keeps the text's trailing newlines exact. */
function literalBlock(text: string, indent: string): string {
    const trailing = /\n*$/.exec(text)![0].length;
    const chomp = trailing === 0 ? "-" : trailing === 1 ? "" : "+";
    // A first line starting with a space would be taken for deeper indentation: say how deep
    // (content always sits two spaces in from its parent).
    const indicator = text.startsWith(" ") ? "2" : "";
    const body = text
        .slice(0, text.length - trailing)
        .split("\n")
        .map((line) => (line === "" ? "" : indent + line))
        .join("\n");
    return `|${indicator}${chomp}\n${body}${"\n".repeat(Math.max(trailing, 1))}`;
}

function isMultiline(v: YamlValue): v is string {
    return typeof v === "string" && v.includes("\n");
}

function isEmptyCollection(v: YamlValue): boolean {
    return Array.isArray(v) ? v.length === 0 : v !== null && typeof v === "object" && Object.keys(v).length === 0;
}

function emit(v: YamlValue, indent: string): string {
    if (Array.isArray(v)) {
        return v
            .map((item) => {
                if (item !== null && typeof item === "object" && !isEmptyCollection(item)) {
                    // The first entry of a mapping (or sequence) shares the dash's line.
                    const inner = emit(item, indent + "  ");
                    return `${indent}- ${inner.slice(indent.length + 2)}`;
                }
                return `${indent}- ${inline(item, indent + "  ")}`;
            })
            .join("");
    }
    if (v !== null && typeof v === "object") {
        return Object.entries(v)
            .filter(([, x]) => x !== undefined)
            .map(([k, x]) => {
                const value = x as YamlValue;
                if (value !== null && typeof value === "object" && !isEmptyCollection(value)) {
                    return `${indent}${key(k)}:\n${emit(value, indent + "  ")}`;
                }
                return `${indent}${key(k)}: ${inline(value, indent + "  ")}`;
            })
            .join("");
    }
    return `${indent}${inline(v, indent)}`;
}

/** A value that fits after `key: ` or `- `; ends with a newline. */
function inline(v: YamlValue, indent: string): string {
    if (Array.isArray(v)) return "[]\n";
    if (v !== null && typeof v === "object") return "{}\n";
    // A literal block ends at any line break YAML knows (\r, U+0085, U+2028, U+2029), not only \n:
    // text holding one (or another control character) is written double-quoted, every such
    // character escaped, so it can never end the block and continue as top-level keys.
    if (isMultiline(v)) return UNSAFE_IN_MULTILINE.test(v) ? `${yamlQuoted(v)}\n` : literalBlock(v, indent);
    return `${scalar(v)}\n`;
}

/** Renders a document; `header` lines (e.g. `#cloud-config`) go first, verbatim. */
export function toYaml(doc: YamlValue, header: string[] = []): string {
    return header.map((h) => `${h}\n`).join("") + emit(doc, "");
}
