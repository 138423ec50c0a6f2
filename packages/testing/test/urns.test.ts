import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { checkUrnPins, listStacks, pinFile, readPinFile, runStack, URNS_UPDATE_COMMAND } from "../src";

describe("URN pinning", () => {
    for (const stack of listStacks()) {
        it(`${stack}: every stateful resource keeps the URN in Pulumi.${stack}.urns.json`, async () => {
            const pins = readPinFile(stack);
            assert.ok(pins, `no Pulumi.${stack}.urns.json: run ${URNS_UPDATE_COMMAND}`);
            const problems = checkUrnPins(pins!, (await runStack(stack)).resources);
            assert.deepEqual(problems, [], `\n${problems.join("\n")}`);
        });
    }

    it("a component renamed in a scratch copy fails, naming the resource and the alias; with the alias it passes", async () => {
        const fixture = path.join(__dirname, "fixtures", "pinned");
        const scratch = (n: string, edit: (src: string) => string) => {
            const dir = path.join(__dirname, "fixtures", `.scratch-${process.pid}-${n}`);
            fs.rmSync(dir, { recursive: true, force: true });
            fs.cpSync(fixture, dir, { recursive: true });
            const file = path.join(dir, "index.ts");
            fs.writeFileSync(file, edit(fs.readFileSync(file, "utf8")));
            return dir;
        };
        const dirs: string[] = [];
        try {
            const original = await runStack("demo", {}, fixture);
            const pins = pinFile("demo", original.project, original.resources);
            assert.ok(
                pins.urns.some((u) => u.endsWith("citadel:shared:SecureBucket$aws:s3/bucket:Bucket::records")),
                pins.urns.join("\n"),
            );
            assert.deepEqual(checkUrnPins(pins, original.resources), []);

            const renamedDir = scratch("renamed", (src) =>
                src.replace('new SecureBucket("records",', 'new SecureBucket("patient-records",'),
            );
            dirs.push(renamedDir);
            const renamed = await runStack("demo", {}, renamedDir);
            const problems = checkUrnPins(pins, renamed.resources);
            assert.equal(problems.length, 2, problems.join("\n"));
            const bucketProblem = problems.find((p) => p.includes('aws:s3/bucket:Bucket "records"'));
            assert.ok(bucketProblem, problems.join("\n"));
            assert.match(bucketProblem!, /pulumi up would delete it/);
            assert.match(bucketProblem!, /\{ aliases: \[\{ name: "records" \}\] \}/);
            assert.match(
                bucketProblem!,
                /it may now be urn:pulumi:demo::pinned::citadel:shared:SecureBucket\$aws:s3\/bucket:Bucket::patient-records/,
            );
            assert.match(problems.join("\n"), /is not pinned; run pnpm urns --update/);

            const aliasedDir = scratch("aliased", (src) =>
                src.replace(
                    'new SecureBucket("records", { purpose: "logs", kmsKeyArn: key.arn });',
                    'new SecureBucket("patient-records", { purpose: "logs", kmsKeyArn: key.arn }, { aliases: [{ name: "records" }] });',
                ),
            );
            dirs.push(aliasedDir);
            const aliased = await runStack("demo", {}, aliasedDir);
            assert.ok(aliased.resources.some((r) => r.name === "patient-records" && r.type === "aws:s3/bucket:Bucket"));
            assert.deepEqual(checkUrnPins(pins, aliased.resources), []);
        } finally {
            for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
        }
    });
});
