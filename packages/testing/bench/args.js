// The command line of `pnpm bench`, parsed apart from the bench so that a test can check what it
// refuses without running anything (packages/testing/test/cli-args.test.ts).
"use strict";
const fs = require("fs");
const path = require("path");

const USAGE = "usage: pnpm bench [--runs N] [--baseline <checkout>] [--tests] [--no-scale]";

/** A command line the bench refuses: its message names the option, the value and what is allowed. */
class BenchArgsError extends Error {
    constructor(message) {
        super(message);
        this.name = "BenchArgsError";
    }
}

const isDirectory = (dir) => {
    try {
        return fs.statSync(dir).isDirectory();
    } catch {
        return false;
    }
};

/**
 * The bench's options from `argv` (the arguments after the script): `runs` (a whole number >= 1,
 * default 5), `baseline` (an existing folder, resolved, or undefined), `tests` and `scale` (booleans).
 * Throws BenchArgsError for an unknown option or argument, an option given twice, a missing value,
 * a `--runs` that is not a whole number >= 1, or a `--baseline` folder that does not exist.
 * `exists` decides whether a folder exists (a test passes its own).
 */
function parseBenchArgs(argv, exists = isDirectory) {
    const options = { runs: 5, baseline: undefined, tests: false, scale: true };
    const seen = new Set();
    const refuse = (text) => {
        throw new BenchArgsError(`bench: ${text}`);
    };
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (seen.has(arg)) refuse(`${arg} is given twice, allowed once`);
        if (["--runs", "--baseline", "--tests", "--no-scale"].includes(arg)) seen.add(arg);
        if (arg === "--tests") options.tests = true;
        else if (arg === "--no-scale") options.scale = false;
        else if (arg === "--runs" || arg === "--baseline") {
            const value = argv[i + 1];
            // A following option (`--runs --tests`) is a missing value, not the value.
            if (value === undefined || value.startsWith("--")) {
                refuse(`${arg} has no value, allowed ${arg === "--runs" ? "a whole number >= 1" : "a folder"}`);
            }
            i++;
            if (arg === "--runs") {
                if (!/^[0-9]+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
                    refuse(`--runs ${JSON.stringify(value)} is not a whole number >= 1, allowed e.g. --runs 5`);
                }
                options.runs = Number(value);
            } else {
                if (!exists(value))
                    refuse(
                        `--baseline ${JSON.stringify(value)} is not an existing folder, allowed a checkout e.g. /work/main`,
                    );
                options.baseline = path.resolve(value);
            }
        } else {
            refuse(
                `${JSON.stringify(arg)} is not an option, allowed --runs N, --baseline <checkout>, --tests, --no-scale`,
            );
        }
    }
    return options;
}

module.exports = { parseBenchArgs, BenchArgsError, USAGE };
