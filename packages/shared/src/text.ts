/**
 * Text that ends up inside a rendered file (cloud-config, shell, nginx, JSON, systemd units).
 *
 * YAML reads `\r`, U+0085 (NEL), U+2028 and U+2029 as line breaks besides `\n`, so a value holding
 * one can end a literal block and continue as top-level cloud-config; shell, nginx and systemd
 * units have their own line and quoting rules. Two defences, both here so every emitter shares them:
 * values are refused at the boundary (`requireSafeText`, naming the key), and each emitter refuses
 * (`assertRenderable`) or escapes (`yamlQuoted`, `jsonText`) whatever still reaches it.
 */
import { ConfigError } from "./errors";

/**
 * C0 controls (tab and newline included: no single-line value needs them), DEL, C1 controls (U+0085
 * among them), the Unicode line and paragraph separators, and every format character (category Cf:
 * the byte-order mark, bidirectional overrides and isolates U+202A..U+202E and U+2066..U+2069 that
 * make a value read differently from what runs, zero-width characters U+200B..U+200F, the soft hyphen).
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_CHARACTER = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;

/** Same set, except tab and newline: text that may span lines in a file (a script, a PEM chain). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const UNSAFE_IN_MULTILINE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\p{Cf}]/u;

/** `U+000D at 4`, for messages: the character itself would be invisible or break the line. */
export function describeUnsafe(value: string, re: RegExp = UNSAFE_CHARACTER): string | undefined {
    const m = re.exec(value);
    if (!m) return undefined;
    return `U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")} at ${m.index}`;
}

/** Refuses a config value or argument holding a control character or a line separator. */
export function requireSafeText(
    key: string,
    value: string,
    allowed = "text without control characters or line separators",
): string {
    const bad = describeUnsafe(value);
    if (bad) throw new ConfigError(key, value, `contains a control character or line separator (${bad})`, allowed);
    return value;
}

/** Thrown by an emitter handed text it cannot write safely: a bug upstream (validation missed it). */
export class UnsafeTextError extends Error {
    override readonly name = "UnsafeTextError";
}

/** Emitters call this on every interpolated value that must stay on one line. */
export function assertRenderable(where: string, value: string, multiline = false): string {
    const bad = describeUnsafe(value, multiline ? UNSAFE_IN_MULTILINE : UNSAFE_CHARACTER);
    if (bad)
        throw new UnsafeTextError(
            `${where}: refusing to render text with a control character or line separator (${bad})`,
        );
    return value;
}

const ESCAPE_IN_QUOTED = /[\u007f-\u009f\u2028\u2029\ufeff]/gu;
const hex4 = (c: string) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, "0")}`;

/**
 * A YAML double-quoted scalar: JSON's escapes (valid YAML) plus the characters JSON leaves raw but
 * YAML reads as line breaks or may not accept raw (U+0085, U+2028, U+2029, other C1 controls, DEL, BOM).
 */
export function yamlQuoted(value: string): string {
    return JSON.stringify(value).replace(ESCAPE_IN_QUOTED, hex4);
}

/**
 * JSON text with the same characters escaped, so the document can sit inside a YAML literal block
 * (cloud-config write_files) or any line-based file without one of its strings breaking a line.
 */
export function jsonText(value: unknown, indent?: number): string {
    const text = JSON.stringify(value, null, indent);
    if (text === undefined) throw new UnsafeTextError("jsonText: the value has no JSON form");
    return text.replace(ESCAPE_IN_QUOTED, hex4);
}
