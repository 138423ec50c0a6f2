/**
 * The fresh-user trial on the five examples: each config value a user may pass with
 * `pnpm plan dev --dir examples/<x> -c key=value`, and the exact outcome. Every refusal is one
 * ConfigError naming the example's own key (`sg-design:port`, not an EcsApp arg), raised while
 * the program reads config, before any resource is registered. `pulumi.Config.getNumber` would
 * read `3abc` as 3 and `0x14` as 0; `getBoolean` would throw a stack trace on `yes`.
 */
import { strict as assert } from "assert";
import * as path from "path";
import { buildPlan, REPO_ROOT } from "@citadel/testing";

type Row = [example: string, overrides: Record<string, unknown>, error: string];

const ROWS: Row[] = [
    [
        "drsignet",
        { "drsignet:instanceCount": "3abc" },
        'drsignet:instanceCount: "3abc" is not a whole number, allowed an integer in 2..20',
    ],
    [
        "drsignet",
        { "drsignet:instanceCount": "3 4" },
        'drsignet:instanceCount: "3 4" is not a whole number, allowed an integer in 2..20',
    ],
    [
        "drsignet",
        { "drsignet:instanceCount": "1e1" },
        'drsignet:instanceCount: "1e1" is not a whole number, allowed an integer in 2..20',
    ],
    [
        "drsignet",
        { "drsignet:instanceCount": "0x14" },
        'drsignet:instanceCount: "0x14" is not a whole number, allowed an integer in 2..20',
    ],
    ["drsignet", { "drsignet:instanceCount": "21" }, "drsignet:instanceCount: 21 is out of range, allowed 2..20"],
    [
        "drsignet",
        { "drsignet:databaseInstances": "1.0" },
        'drsignet:databaseInstances: "1.0" is not a whole number, allowed an integer in 1..16',
    ],
    ["drsignet", { "drsignet:protect": "True" }, 'drsignet:protect: "True" is not a boolean, allowed true | false'],
    [
        "sg-design",
        { "sg-design:taskCount": "0x10" },
        'sg-design:taskCount: "0x10" is not a whole number, allowed an integer in 1..100',
    ],
    ["sg-design", { "sg-design:taskCount": "0" }, "sg-design:taskCount: 0 is out of range, allowed 1..100"],
    [
        "sg-design",
        { "sg-design:port": "443abc" },
        'sg-design:port: "443abc" is not a whole number, allowed an integer in 1..65535',
    ],
    ["sg-design", { "sg-design:port": "65536" }, "sg-design:port: 65536 is out of range, allowed 1..65535"],
    [
        "sg-design",
        { "sg-design:port": "+443" },
        'sg-design:port: "+443" is not a whole number, allowed an integer in 1..65535',
    ],
    ["sg-design", { "sg-design:protect": "1" }, 'sg-design:protect: "1" is not a boolean, allowed true | false'],
    ["orthweb", { "orthweb:protect": "yes" }, 'orthweb:protect: "yes" is not a boolean, allowed true | false'],
    [
        "ecoportal",
        { "ecoportal:highAvailability": "TRUE" },
        'ecoportal:highAvailability: "TRUE" is not a boolean, allowed true | false',
    ],
    [
        "instandt",
        { "instandt:minInstances": "abc" },
        'instandt:minInstances: "abc" is not a whole number, allowed an integer in 0..100',
    ],
    [
        "instandt",
        { "instandt:maxInstances": "4.5" },
        'instandt:maxInstances: "4.5" is not a whole number, allowed an integer in 1..100',
    ],
    ["instandt", { "instandt:protect": "yes" }, 'instandt:protect: "yes" is not a boolean, allowed true | false'],
    [
        "orthweb",
        { "citadel:vpc.azCount": "3" },
        "citadel:vpc.azCount is in namespace citadel, which this program (orthweb) does not read, allowed orthweb: keys declared in Pulumi.yaml, or aws: provider settings",
    ],
    [
        "sg-design",
        { "ecoportal:highAvailability": "true" },
        "ecoportal:highAvailability is in namespace ecoportal, which this program (sg-design) does not read, allowed sg-design: keys declared in Pulumi.yaml, or aws: provider settings",
    ],
];

describe("examples: config values a fresh user passes with -c", () => {
    for (const [example, overrides, error] of ROWS) {
        it(`${example} ${JSON.stringify(overrides)} → ${error}`, async () => {
            await assert.rejects(
                buildPlan("dev", () => [], { root: path.join(REPO_ROOT, "examples", example), overrides }),
                (e: Error) => {
                    assert.equal(e.name, "ConfigError");
                    assert.equal(e.message, error);
                    return true;
                },
            );
        });
    }
});
