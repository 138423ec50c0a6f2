/**
 * Strict config reading for programs outside stacks/ (the examples): what is accepted, with the
 * value it reads as, and what is refused, with the exact message.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import {
    configBoolean,
    configInteger,
    planStandIn,
    refuseUndeclaredKeys,
    refuseUndeclaredProjectKeys,
    stackRegion,
} from "../src";

function config(values: Record<string, string>): pulumi.Config {
    pulumi.runtime.setAllConfig(values, []);
    return new pulumi.Config("demo");
}

describe("configInteger (demo:n in 1..100, default 2)", () => {
    const rows: Array<[raw: string | undefined, outcome: number | string]> = [
        [undefined, 2],
        ["1", 1],
        ["100", 100],
        ["42", 42],
        ["0", "demo:n: 0 is out of range, allowed 1..100"],
        ["101", "demo:n: 101 is out of range, allowed 1..100"],
        ["-3", "demo:n: -3 is out of range, allowed 1..100"],
        ["3abc", 'demo:n: "3abc" is not a whole number, allowed an integer in 1..100'],
        ["3 4", 'demo:n: "3 4" is not a whole number, allowed an integer in 1..100'],
        ["1e1", 'demo:n: "1e1" is not a whole number, allowed an integer in 1..100'],
        ["0x14", 'demo:n: "0x14" is not a whole number, allowed an integer in 1..100'],
        ["07", 'demo:n: "07" is not a whole number, allowed an integer in 1..100'],
        ["", 'demo:n: "" is not a whole number, allowed an integer in 1..100'],
        [" 5", 'demo:n: " 5" is not a whole number, allowed an integer in 1..100'],
        ["99999999999999999999", 'demo:n: "99999999999999999999" is not a whole number, allowed an integer in 1..100'],
    ];
    for (const [raw, outcome] of rows) {
        it(`${JSON.stringify(raw)} → ${outcome}`, () => {
            const c = config(raw === undefined ? {} : { "demo:n": raw });
            if (typeof outcome === "number") assert.equal(configInteger(c, "n", 1, 100, 2), outcome);
            else assert.throws(() => configInteger(c, "n", 1, 100, 2), { name: "ConfigError", message: outcome });
        });
    }
    it("unset without a default is refused", () => {
        assert.throws(() => configInteger(config({}), "n", 1, 100), {
            name: "ConfigError",
            message: "demo:n: (unset) is not set, allowed an integer in 1..100",
        });
    });
});

describe("configBoolean (demo:b, default false)", () => {
    const rows: Array<[raw: string | undefined, outcome: boolean | string]> = [
        [undefined, false],
        ["true", true],
        ["false", false],
        ["TRUE", 'demo:b: "TRUE" is not a boolean, allowed true | false'],
        ["yes", 'demo:b: "yes" is not a boolean, allowed true | false'],
        ["1", 'demo:b: "1" is not a boolean, allowed true | false'],
        ["", 'demo:b: "" is not a boolean, allowed true | false'],
    ];
    for (const [raw, outcome] of rows) {
        it(`${JSON.stringify(raw)} → ${outcome}`, () => {
            const c = config(raw === undefined ? {} : { "demo:b": raw });
            if (typeof outcome === "boolean") assert.equal(configBoolean(c, "b", false), outcome);
            else assert.throws(() => configBoolean(c, "b", false), { name: "ConfigError", message: outcome });
        });
    }
});

describe("refuseUndeclaredProjectKeys: only the project's namespace and aws:", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-config-"));
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: demo\nconfig:\n  n:\n    type: integer\n");
    const rows: Array<[given: Record<string, string>, outcome: string]> = [
        [{ "demo:n": "3", "aws:region": "eu-west-1" }, "ok"],
        [
            { "citadel:vpc.azCount": "3" },
            "citadel:vpc.azCount is in namespace citadel, which this program (demo) does not read, allowed demo: keys declared in Pulumi.yaml, or aws: provider settings",
        ],
        [
            { "other:x": "1" },
            "other:x is in namespace other, which this program (demo) does not read, allowed demo: keys declared in Pulumi.yaml, or aws: provider settings",
        ],
        [
            { "demo:m": "1" },
            "demo:m is not a key Pulumi.yaml declares (did you mean demo:n?), allowed the 1 key declared in Pulumi.yaml: demo:n",
        ],
    ];
    for (const [given, outcome] of rows) {
        it(`${JSON.stringify(given)} → ${outcome}`, () => {
            if (outcome === "ok") refuseUndeclaredProjectKeys(dir, given, "demo");
            else
                assert.throws(() => refuseUndeclaredProjectKeys(dir, given, "demo"), {
                    name: "ConfigError",
                    message: outcome,
                });
        });
    }
});

describe("refuseUndeclaredKeys: the message names the key, the closest declared one, and the keys when few", () => {
    const few = ["vpc.azCount", "protect", "app.enabled"];
    const many = Array.from({ length: 13 }, (_, i) => `key${String.fromCharCode(97 + i)}`);
    const rows: Array<[declared: string[], given: Record<string, string>, outcome: string]> = [
        [few, { "citadel:vpc.azCount": "3", "aws:region": "eu-west-1", "other:x": "1" }, "ok"],
        [
            few,
            { "citadel:vpc.azcount": "3" },
            "citadel:vpc.azcount is not a key Pulumi.yaml declares (did you mean citadel:vpc.azCount?), allowed one of the 3 keys declared in Pulumi.yaml: citadel:app.enabled, citadel:protect, citadel:vpc.azCount",
        ],
        [
            few,
            { "citadel:colour": "blue" },
            "citadel:colour is not a key Pulumi.yaml declares, allowed one of the 3 keys declared in Pulumi.yaml: citadel:app.enabled, citadel:protect, citadel:vpc.azCount",
        ],
        // A secret's value was never shown; now no value is.
        [
            few,
            { "citadel:protekt": "secure:v1:abc" },
            "citadel:protekt is not a key Pulumi.yaml declares (did you mean citadel:protect?), allowed one of the 3 keys declared in Pulumi.yaml: citadel:app.enabled, citadel:protect, citadel:vpc.azCount",
        ],
        [
            many,
            { "citadel:keyz": "1" },
            "citadel:keyz is not a key Pulumi.yaml declares (did you mean citadel:keya?), allowed one of the 13 keys declared in Pulumi.yaml",
        ],
        [
            many.slice(0, 12),
            { "citadel:other": "1" },
            `citadel:other is not a key Pulumi.yaml declares, allowed one of the 12 keys declared in Pulumi.yaml: ${many
                .slice(0, 12)
                .map((k) => `citadel:${k}`)
                .join(", ")}`,
        ],
        [
            few,
            { "citadell:vpc.azCount": "3" },
            "citadell:vpc.azCount is in namespace citadell, which no program or provider of this project reads (did you mean citadel:vpc.azCount?), allowed citadel: keys declared in Pulumi.yaml, or aws: provider settings",
        ],
        [
            few,
            { "aws:regoin": "eu-west-1" },
            "aws:regoin is not a setting of the AWS provider (did you mean aws:region?), allowed one of the",
        ],
    ];
    for (const [declared, given, outcome] of rows) {
        it(`${declared.length} keys, ${JSON.stringify(given)} → ${outcome === "ok" ? "accepted" : "refused"}`, () => {
            if (outcome === "ok") return refuseUndeclaredKeys("citadel", declared, given);
            assert.throws(
                () => refuseUndeclaredKeys("citadel", declared, given),
                (e: Error) => {
                    assert.equal(e.name, "ConfigError");
                    if (outcome.endsWith("allowed one of the")) assert.ok(e.message.startsWith(outcome), e.message);
                    else assert.equal(e.message, outcome);
                    return true;
                },
            );
        });
    }
});

describe("stackRegion: aws:region, checked before anything else", () => {
    afterEach(() => pulumi.runtime.setAllConfig({}));
    const region = (config: Record<string, string>, secret: string[] = []): string => {
        pulumi.runtime.setAllConfig(config, secret);
        return stackRegion();
    };

    it("reads a region in clear, refuses a bad one by name", () => {
        assert.equal(region({ "aws:region": "eu-west-1" }), "eu-west-1");
        assert.throws(() => region({ "aws:region": "us-east-9" }), /aws:region: "us-east-9" is not an AWS region/);
    });

    it("unset, names a misspelled aws:region that is set (region is checked before the keys are)", () => {
        const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
        delete process.env.AWS_REGION;
        delete process.env.AWS_DEFAULT_REGION;
        try {
            assert.throws(
                () => region({ "aws:regoin": "eu-west-1" }),
                /aws:region: \(unset\) is not set \(nor AWS_REGION\); aws:regoin is set: did you mean aws:region\?/,
            );
            assert.throws(
                () => region({ "aws:profile": "x" }),
                (e: Error) => !e.message.includes("did you mean"),
            );
        } finally {
            if (saved[0] !== undefined) process.env.AWS_REGION = saved[0];
            if (saved[1] !== undefined) process.env.AWS_DEFAULT_REGION = saved[1];
        }
    });

    it("a secure: region the offline plan could not decrypt is said to be that, not a bad region name", () => {
        assert.throws(
            () => region({ "aws:region": planStandIn("aws:region") }, ["aws:region"]),
            /aws:region: \(secret, not shown\) is secure: the offline plan cannot decrypt it, allowed the region in clear/,
        );
        // The same text on a key that is not secret is just a bad value (never a stand-in).
        assert.throws(() => region({ "aws:region": planStandIn("aws:region") }), /is not an AWS region/);
    });
});
