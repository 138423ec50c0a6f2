import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// packages/testing/register.js (loaded by .mocharc.json, so it compiles this very file) caches each
// TypeScript file's output. A fixed path: the cache is keyed by path and content, so a run adds no
// new entries once these two contents are cached.
describe("register.js: the TypeScript output cache", () => {
    const dir = path.join(os.tmpdir(), "citadel-register-test");
    const file = path.join(dir, "retention.ts");
    const load = (): number => {
        delete require.cache[file];
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded anew through the .ts hook on purpose
        return (require(file) as { days: number }).days;
    };

    it("runs the new code after an edit that keeps the file's size and mtime (cp -p, rsync -a, tar)", () => {
        fs.mkdirSync(dir, { recursive: true });
        const kept = 1_700_000_000; // seconds: the mtime both versions carry, as a copy that keeps it would
        fs.writeFileSync(file, "export const days: number = 365;\n");
        fs.utimesSync(file, kept, kept);
        assert.equal(load(), 365);
        fs.writeFileSync(file, "export const days: number = 401;\n");
        fs.utimesSync(file, kept, kept);
        assert.equal(fs.statSync(file).mtimeMs, kept * 1000, "same mtime, same size: only the content differs");
        assert.equal(load(), 401);
    });
});
