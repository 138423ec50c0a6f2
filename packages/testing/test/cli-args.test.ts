import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as path from "path";
import { diagramArgsProblem, END, regenerate, START } from "../src/diagram-cli";
import { parseUrnsArgs } from "../src/urns-cli";
import { REPO_ROOT } from "../src/project";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- the bench is plain CommonJS outside the TypeScript build
const { parseBenchArgs } = require("../bench/args") as {
    parseBenchArgs: (
        argv: string[],
        exists?: (dir: string) => boolean,
    ) => { runs: number; baseline?: string; tests: boolean; scale: boolean };
};

/** Stands for the file system: only /work/main is a folder. */
const onlyMain = (dir: string) => dir === "/work/main";

describe("command lines of pnpm bench, diagram and urns", () => {
    describe("pnpm bench: refused before anything runs", () => {
        const rows: [string[], string | object][] = [
            [[], { runs: 5, baseline: undefined, tests: false, scale: true }],
            [
                ["--runs", "3", "--tests", "--no-scale", "--baseline", "/work/main"],
                { runs: 3, baseline: "/work/main", tests: true, scale: false },
            ],
            [
                ["--bogus"],
                'bench: "--bogus" is not an option, allowed --runs N, --baseline <checkout>, --tests, --no-scale',
            ],
            [["prod"], 'bench: "prod" is not an option, allowed --runs N, --baseline <checkout>, --tests, --no-scale'],
            [
                ["--runs=3"],
                'bench: "--runs=3" is not an option, allowed --runs N, --baseline <checkout>, --tests, --no-scale',
            ],
            [["--runs", "0"], 'bench: --runs "0" is not a whole number >= 1, allowed e.g. --runs 5'],
            [["--runs", "abc"], 'bench: --runs "abc" is not a whole number >= 1, allowed e.g. --runs 5'],
            [["--runs", "2.5"], 'bench: --runs "2.5" is not a whole number >= 1, allowed e.g. --runs 5'],
            [["--runs", "-1"], 'bench: --runs "-1" is not a whole number >= 1, allowed e.g. --runs 5'],
            [["--runs", "1e3"], 'bench: --runs "1e3" is not a whole number >= 1, allowed e.g. --runs 5'],
            [["--runs"], "bench: --runs has no value, allowed a whole number >= 1"],
            [["--runs", "--tests"], "bench: --runs has no value, allowed a whole number >= 1"],
            [["--runs", "2", "--runs", "3"], "bench: --runs is given twice, allowed once"],
            [["--baseline"], "bench: --baseline has no value, allowed a folder"],
            [
                ["--baseline", "/work/nope"],
                'bench: --baseline "/work/nope" is not an existing folder, allowed a checkout e.g. /work/main',
            ],
        ];
        for (const [argv, outcome] of rows) {
            it(`${JSON.stringify(argv)} → ${typeof outcome === "string" ? "refused" : "accepted"}`, () => {
                if (typeof outcome === "string")
                    assert.throws(() => parseBenchArgs(argv, onlyMain), { message: outcome });
                else assert.deepEqual(parseBenchArgs(argv, onlyMain), outcome);
            });
        }
    });

    describe("pnpm diagram: takes no arguments, says whether README.md changed", () => {
        it("no argument → accepted", () => assert.equal(diagramArgsProblem([]), undefined));
        it('"--check" → refused', () =>
            assert.equal(
                diagramArgsProblem(["--check"]),
                'diagram: "--check" is not an argument pnpm diagram takes, allowed none',
            ));
        it('"prod" → refused', () =>
            assert.equal(
                diagramArgsProblem(["prod"]),
                'diagram: "prod" is not an argument pnpm diagram takes, allowed none',
            ));
        const readme = (mermaid: string) => `# R\n${START}\n\`\`\`mermaid\n${mermaid}\`\`\`\n${END}\nrest\n`;
        it("the same diagram → up to date, README unchanged", () => {
            const r = regenerate(readme("graph LR\n  a --> b\n"), "graph LR\n  a --> b\n");
            assert.deepEqual(r, {
                text: readme("graph LR\n  a --> b\n"),
                changed: false,
                report: "README.md's prod diagram is up to date",
            });
        });
        it("another diagram → regenerated", () => {
            const r = regenerate(readme("graph LR\n  a --> b\n"), "graph LR\n  a --> c\n");
            assert.deepEqual(r, {
                text: readme("graph LR\n  a --> c\n"),
                changed: true,
                report: "README.md: prod diagram regenerated",
            });
        });
    });

    describe("pnpm urns: --update, --dir <folder>, stack names", () => {
        const rows: [string[], object][] = [
            [[], { update: false, root: REPO_ROOT, stacks: [] }],
            [
                ["--update", "--dir", "/work/main", "dev", "prod"],
                { update: true, root: path.resolve("/work/main"), stacks: ["dev", "prod"] },
            ],
            [
                ["--check"],
                { problem: 'urns: "--check" is not an option, allowed --update, --dir <folder>, stack names' },
            ],
            [["-u"], { problem: 'urns: "-u" is not an option, allowed --update, --dir <folder>, stack names' }],
            [["--dir"], { problem: "urns: --dir has no value, allowed a folder holding a Pulumi project's stacks" }],
            [
                ["--dir", "--update"],
                { problem: "urns: --dir has no value, allowed a folder holding a Pulumi project's stacks" },
            ],
            [
                ["--dir", "/work/nope"],
                {
                    problem:
                        'urns: --dir "/work/nope" is not an existing folder, allowed a folder holding a Pulumi project\'s stacks',
                },
            ],
            [["--update", "--update"], { problem: "urns: --update is given twice, allowed once" }],
        ];
        for (const [argv, outcome] of rows) {
            it(`${JSON.stringify(argv)} → ${"problem" in outcome ? "refused" : "accepted"}`, () =>
                assert.deepEqual(parseUrnsArgs(argv, onlyMain), outcome));
        }
    });

    it('pnpm test:consumer "--keep" → refused before it builds anything (it takes no arguments)', () => {
        // A guard that failed would start the whole consumer run: the timeout stops it early.
        const r = spawnSync(process.execPath, [path.join(REPO_ROOT, "consumer", "run.js"), "--keep"], {
            encoding: "utf8",
            timeout: 5000,
            killSignal: "SIGKILL",
        });
        assert.equal(r.status, 2);
        assert.equal(
            r.stderr,
            'test:consumer: "--keep" is not an argument pnpm test:consumer takes, allowed none\nusage: pnpm test:consumer (it takes no arguments)\n',
        );
        assert.equal(r.stdout, "");
    });
});
