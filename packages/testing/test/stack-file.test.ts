/**
 * A stack file (`Pulumi.<stack>.yaml`) is read the way the Pulumi CLI reads it, and what the CLI
 * would refuse, or silently drop, is refused with one message naming the file, the line and the key.
 *
 * - Allowed top-level settings: https://www.pulumi.com/docs/iac/concepts/projects/stack-settings-file/
 *   (secretsprovider, encryptedkey, encryptionsalt, config, environment).
 * - Config keys: https://www.pulumi.com/docs/iac/concepts/config/ (`<namespace>:<key>`). The CLI's
 *   loader gives a stack file key with no colon the project's namespace (`instanceSize:` is
 *   `<project>:instanceSize`), reads `<namespace>:config:<key>` as `<namespace>:<key>` and refuses
 *   any other colon ("configuration keys should be of the form `<namespace>:<name>`").
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ProjectError, readStackConfig } from "../src/project";

/** Refused with this message, or accepted with these values (and these keys secret: none unless given). */
type Outcome = { refused: string } | { accepted: Record<string, string>; secret?: string[] };

/** Stack file text → exact outcome: the ProjectError message (after `<file>`), or the stack file's config values. */
const CASES: Array<[string, string, Outcome]> = [
    // Case 1 (and its kind): config keys as the CLI namespaces them.
    [
        "a key with no namespace gets the project's, as the CLI does",
        "config:\n  vpc.azCount: 3\n",
        { accepted: { "citadel:vpc.azCount": "3" } },
    ],
    [
        "<namespace>:config:<key> is the same key",
        "config:\n  citadel:config:vpc.azCount: 3\n",
        { accepted: { "citadel:vpc.azCount": "3" } },
    ],
    ["another namespace is kept", "config:\n  aws:region: eu-west-1\n", { accepted: { "aws:region": "eu-west-1" } }],
    [
        "a key with two colons",
        "config:\n  aws:region: eu-west-1\n  citadel:vpc:azCount: 3\n",
        {
            refused:
                ":3: config key citadel:vpc:azCount has 2 colons (did you mean citadel:vpc.azCount?), allowed " +
                "<namespace>:<key> with one colon, or <namespace>:config:<key>; the Pulumi CLI refuses it too",
        },
    ],
    [
        "a key with three colons",
        "config:\n  a:b:c:d: 1\n",
        {
            refused:
                ":2: config key a:b:c:d has 3 colons (did you mean a:b.c.d?), allowed " +
                "<namespace>:<key> with one colon, or <namespace>:config:<key>; the Pulumi CLI refuses it too",
        },
    ],
    [
        "one key written two ways",
        "config:\n  vpc.azCount: 2\n  citadel:vpc.azCount: 3\n",
        {
            refused:
                ":3: config key citadel:vpc.azCount is already given as vpc.azCount; keep one " +
                "(the Pulumi CLI would keep either, at random)",
        },
    ],
    [
        "one key written with and without :config:",
        "config:\n  citadel:vpc.azCount: 2\n  citadel:config:vpc.azCount: 3\n",
        {
            refused:
                ":3: config key citadel:config:vpc.azCount (citadel:vpc.azCount) is already given as citadel:vpc.azCount; " +
                "keep one (the Pulumi CLI would keep either, at random)",
        },
    ],
    // Values as the CLI hands them over: text as written, no value is "", `secure:` only alone.
    [
        "0x5a is kept as written",
        "config:\n  citadel:logs.retentionDays: 0x5a\n",
        { accepted: { "citadel:logs.retentionDays": "0x5a" } },
    ],
    ["a key with no value is the empty string", "config:\n  citadel:x:\n", { accepted: { "citadel:x": "" } }],
    [
        "a null inside an object stays null",
        "config:\n  citadel:x:\n    a: null\n",
        { accepted: { "citadel:x": '{"a":null}' } },
    ],
    [
        "secure: alone is a secret (a stand-in offline)",
        "config:\n  citadel:x:\n    secure: AAABAC==\n",
        { accepted: { "citadel:x": "offline-plan-stand-in-for-citadel-x" }, secret: ["citadel:x"] },
    ],
    [
        "secure: beside another key is an object, as the CLI reads it",
        "config:\n  citadel:x:\n    secure: AAABAC==\n    note: y\n",
        { accepted: { "citadel:x": '{"secure":"AAABAC==","note":"y"}' } },
    ],
    [
        "secure: inside a list is a secret too",
        "config:\n  citadel:x:\n    - a\n    - secure: AAABAC==\n",
        { accepted: { "citadel:x": '["a","offline-plan-stand-in-for-citadel-x"]' }, secret: ["citadel:x"] },
    ],
    // Case 2: the file's shape.
    ["an empty file is no config", "", { accepted: {} }],
    ["a file of only comments is no config", "# nothing yet\n", { accepted: {} }],
    ["`config:` with nothing under it is no config", "config:\n", { accepted: {} }],
    [
        "every allowed setting",
        "secretsprovider: passphrase\nencryptionsalt: v1:abc\nencryptedkey: xyz\nenvironment:\n  - citadel/dev\n" +
            "config:\n  aws:region: eu-west-1\n",
        { accepted: { "aws:region": "eu-west-1" } },
    ],
    [
        "a list at the top",
        "- config\n",
        {
            refused:
                ": the file is a list, allowed a mapping of secretsprovider, encryptedkey, encryptionsalt, config, " +
                "environment (or an empty file)",
        },
    ],
    [
        "text at the top",
        "config\n",
        {
            refused:
                ": the file is text, allowed a mapping of secretsprovider, encryptedkey, encryptionsalt, config, " +
                "environment (or an empty file)",
        },
    ],
    [
        "a number at the top",
        "3\n",
        {
            refused:
                ": the file is a number, allowed a mapping of secretsprovider, encryptedkey, encryptionsalt, config, " +
                "environment (or an empty file)",
        },
    ],
    [
        "config is a list",
        "config: [1]\n",
        {
            refused:
                ":1: config is a list, allowed a mapping of <namespace>:<key> to values (e.g. aws:region: eu-west-1)",
        },
    ],
    [
        "config is a number",
        "config: 3\n",
        {
            refused:
                ":1: config is a number, allowed a mapping of <namespace>:<key> to values (e.g. aws:region: eu-west-1)",
        },
    ],
    [
        "config is text",
        "secretsprovider: passphrase\nconfig: aws:region=eu-west-1\n",
        {
            refused:
                ":2: config is text, allowed a mapping of <namespace>:<key> to values (e.g. aws:region: eu-west-1)",
        },
    ],
    [
        "a misspelled config",
        "confg:\n  aws:region: eu-west-1\n",
        {
            refused:
                ":1: confg is not a stack file setting (did you mean config?), allowed secretsprovider, encryptedkey, " +
                "encryptionsalt, config, environment (the Pulumi CLI would ignore it and everything under it)",
        },
    ],
    [
        "a misspelled setting further down",
        "config:\n  aws:region: eu-west-1\nsecretprovider: passphrase\n",
        {
            refused:
                ":3: secretprovider is not a stack file setting (did you mean secretsprovider?), allowed secretsprovider, " +
                "encryptedkey, encryptionsalt, config, environment (the Pulumi CLI would ignore it and everything under it)",
        },
    ],
    [
        "an unrelated setting",
        "outputs:\n  x: 1\n",
        {
            refused:
                ":1: outputs is not a stack file setting, allowed secretsprovider, encryptedkey, encryptionsalt, config, " +
                "environment (the Pulumi CLI would ignore it and everything under it)",
        },
    ],
    [
        "Pulumi.yaml's own keys do not belong here",
        "name: citadel\nconfig: {}\n",
        {
            refused:
                ":1: name is not a stack file setting, allowed secretsprovider, encryptedkey, encryptionsalt, config, " +
                "environment (the Pulumi CLI would ignore it and everything under it)",
        },
    ],
    [
        "secretsprovider is a mapping",
        "secretsprovider:\n  type: passphrase\n",
        { refused: ":1: secretsprovider is a mapping, allowed text" },
    ],
    ["encryptionsalt is a list", "encryptionsalt: [a]\n", { refused: ":1: encryptionsalt is a list, allowed text" }],
    // Case 3: YAML syntax errors end in a sentence, not the library's dangling colon.
    [
        "a tab as indentation",
        "config:\n  aws:region: eu-west-1\n\tcitadel:vpc.azCount: 3\n",
        { refused: ":3: not valid YAML: Tabs are not allowed as indentation (column 1)" },
    ],
    [
        "an unclosed flow sequence",
        "config:\n  citadel:app.hosts: [a.example.com\n",
        {
            refused:
                ":3: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (column 1)",
        },
    ],
    [
        "an unclosed quote",
        'config:\n  aws:region: "eu-west-1\n',
        { refused: ':3: not valid YAML: Missing closing "quote (column 1)' },
    ],
    [
        "a mapping in a compact mapping",
        "config:\n  aws:region: eu: west\n",
        { refused: ":2: not valid YAML: Nested mappings are not allowed in compact mappings (column 15)" },
    ],
    [
        "a second document",
        "config:\n  aws:region: eu-west-1\n---\nconfig:\n  aws:region: eu-west-2\n",
        {
            refused:
                ":3: a second YAML document starts here (---), allowed one document per file " +
                "(the Pulumi CLI would read only the first and ignore this one)",
        },
    ],
    [
        "one document with its markers",
        "---\nconfig:\n  aws:region: eu-west-1\n...\n",
        { accepted: { "aws:region": "eu-west-1" } },
    ],
    [
        "a byte order mark (the CLI strips it)",
        "\ufeffconfig:\n  aws:region: eu-west-1\n",
        { accepted: { "aws:region": "eu-west-1" } },
    ],
    ["Windows line ends", "config:\r\n  aws:region: eu-west-1\r\n", { accepted: { "aws:region": "eu-west-1" } }],
    [
        "a key given twice",
        "config:\n  aws:region: eu-west-1\n  aws:region: eu-west-2\n",
        {
            refused:
                ":3: the key aws:region appears twice in the same mapping; keep one (the Pulumi CLI refuses such a file too)",
        },
    ],
];

describe("a stack file is read as the Pulumi CLI reads it (readStackConfig)", () => {
    let dir: string;
    let n = 0;
    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-stack-file-"));
        fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: citadel\nruntime: nodejs\n");
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    /** A stack file of its own per case: the YAML cache keys on path, size and mtime. */
    const write = (text: string) => {
        const stack = `s${++n}`;
        const file = path.join(dir, `Pulumi.${stack}.yaml`);
        fs.writeFileSync(file, text);
        return { stack, shown: path.relative(process.cwd(), file) };
    };

    for (const [name, text, outcome] of CASES) {
        it(`${name}: ${"refused" in outcome ? "refused" : "accepted"}`, () => {
            const { stack, shown } = write(text);
            if ("accepted" in outcome) {
                const cfg = readStackConfig(stack, {}, dir);
                assert.deepEqual(cfg.values, outcome.accepted);
                assert.deepEqual(cfg.secretKeys, outcome.secret ?? []);
            } else {
                assert.throws(
                    () => readStackConfig(stack, {}, dir),
                    (e: Error) => {
                        assert.ok(e instanceof ProjectError, `${e.name}: ${e.message}`);
                        assert.equal(e.message, `${shown}${outcome.refused}`);
                        return true;
                    },
                );
            }
        });
    }

    // Overrides are `pulumi config set`'s keys: no namespace gets the project's, one colon is kept,
    // `:config:` is the same key, any other colon is refused.
    const OVERRIDES: Array<[string, Record<string, unknown>, Outcome]> = [
        ["no namespace: the project's", { "vpc.azCount": 3 }, { accepted: { "citadel:vpc.azCount": "3" } }],
        ["a namespace: kept", { "aws:region": "eu-west-2" }, { accepted: { "aws:region": "eu-west-2" } }],
        [
            "<namespace>:config:<key>: the same key",
            { "citadel:config:vpc.azCount": 2 },
            { accepted: { "citadel:vpc.azCount": "2" } },
        ],
        [
            "two colons: refused",
            { "citadel:vpc:azCount": 2 },
            {
                refused:
                    "config key citadel:vpc:azCount (an override) has 2 colons (did you mean citadel:vpc.azCount?), " +
                    "allowed <namespace>:<key> with one colon, or <namespace>:config:<key>; the Pulumi CLI refuses it too",
            },
        ],
    ];
    for (const [name, overrides, outcome] of OVERRIDES) {
        it(`an override, ${name}`, () => {
            const { stack } = write("config:\n  vpc.azCount: 1\n");
            if ("accepted" in outcome) {
                assert.deepEqual(readStackConfig(stack, overrides, dir).values, {
                    "citadel:vpc.azCount": "1",
                    ...outcome.accepted,
                });
            } else {
                assert.throws(
                    () => readStackConfig(stack, overrides, dir),
                    (e: Error) => e instanceof ProjectError && e.message === outcome.refused,
                );
            }
        });
    }

    it("an override removing a key written without a namespace in the file removes it", () => {
        const { stack } = write("config:\n  vpc.azCount: 1\n  aws:region: eu-west-1\n");
        assert.deepEqual(readStackConfig(stack, { "vpc.azCount": undefined }, dir).values, {
            "aws:region": "eu-west-1",
        });
    });
});
