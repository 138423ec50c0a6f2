/**
 * The ECS container instances' user data, checked by the tools that read it (Debian package shellcheck).
 * Part of `pnpm test:tools`: `pnpm test` runs with nothing but Node.js.
 */
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ecsUserData } from "../src";

describe("EcsApp user data under bash and shellcheck", () => {
    it("parses and passes shellcheck at style severity", () => {
        const userData = ecsUserData("app-cluster-1a2b3c");
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "ecs-app-")), "user-data.sh");
        fs.writeFileSync(file, userData);
        execFileSync("bash", ["-n", file]);
        const out = execFileSync("shellcheck", ["--severity=style", file], { encoding: "utf8" });
        assert.equal(out, "");
    });
});
