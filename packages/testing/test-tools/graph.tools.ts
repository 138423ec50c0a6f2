import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildPlan } from "../src";
import { writeGraph } from "../src/graph";

describe("architecture diagram as SVG (Graphviz dot)", () => {
    it("renders prod with its component groups and labelled edges", async function () {
        this.timeout(120_000);
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "citadel-graph-")), "prod.svg");
        await writeGraph(await buildPlan("prod"), file);
        const svg = fs.readFileSync(file, "utf8");
        assert.match(svg, /^<\?xml[\s\S]*<svg /);
        for (const text of [
            "app (EcsApp)",
            "orthanc (OrthancHost)",
            "net (SecureVpc)",
            "tcp 5432",
            "flow logs",
            "reads (s3)",
        ]) {
            assert.ok(svg.includes(`>${text}</text>`), `no ${text} in the SVG`);
        }
    });
});
