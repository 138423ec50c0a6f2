/** Shell quoting for values rendered into scripts and unit files. */

import { assertRenderable } from "@citadel/shared";

/**
 * Single-quotes a value for POSIX shells: nothing inside is expanded. Refuses control characters
 * and line separators (a line break would end the command in a script that is itself a YAML block).
 */
export function shQuote(value: string): string {
    assertRenderable("shell", value);
    return /^[A-Za-z0-9_./:=@%+-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * An argument of a command: a literal, or a shell variable the script fills in at run time, with an
 * optional literal prefix (`{ shellVar: "CERT_SAN", prefix: "subjectAltName=" }` renders as
 * `"subjectAltName=${CERT_SAN}"`).
 */
export type ShellArg = string | { shellVar: string; prefix?: string };

function doubleQuoted(literal: string): string {
    return literal.replace(/[\\"$`]/g, (c) => `\\${c}`);
}

export function renderArgs(args: readonly ShellArg[]): string {
    return args
        .map((a) => (typeof a === "string" ? shQuote(a) : `"${doubleQuoted(a.prefix ?? "")}\${${a.shellVar}}"`))
        .join(" ");
}

/** The argv of a command for `child_process.execFileSync`, with every variable given a value. */
export function resolveArgs(args: readonly ShellArg[], vars: Record<string, string> = {}): string[] {
    return args.map((a) => {
        if (typeof a === "string") return a;
        const v = vars[a.shellVar];
        if (v === undefined) throw new Error(`no value for the shell variable ${a.shellVar}`);
        return (a.prefix ?? "") + v;
    });
}
