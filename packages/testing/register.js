// `node -r ./packages/testing/register.js`: runs TypeScript sources the way `sucrase/register/ts`
// does (line numbers preserved, so error traces point at the .ts lines), but keeps each file's
// output in node_modules/.cache/citadel-ts, keyed by the source's path and content (a SHA-1 of it:
// size and mtime are not enough, `cp -p`, `rsync -a`, tar and restored CI caches keep mtimes), the
// sucrase version and its options: a run whose sources have not changed since the last one loads
// precompiled output and never loads sucrase. Type-checking stays `tsc -b`. Used by `pnpm plan`, `pnpm test` and the bench.
"use strict";
const fs = require("fs");
const path = require("path");
const crypto = require("crypto");
const Module = require("module");

const root = path.resolve(__dirname, "..", "..");
const cacheDir = path.join(root, "node_modules", ".cache", "citadel-ts");
const sucraseVersion = require("sucrase/package.json").version;
// Only what Node.js cannot run is transformed (types, import/export): optional chaining, `??` and class
// fields stay native, as tsc emits them for the ES2022 target (class fields with define semantics;
// sucrase's own rewrite assigns them in the constructor, and `?.` through a helper that allocates).
const OPTIONS = { transforms: ["imports", "typescript"], disableESTransforms: true };
const nodeModules = `${path.sep}node_modules${path.sep}`;
let transform;

function compile(source, filename) {
    transform ??= require("sucrase").transform;
    const { code, sourceMap } = transform(source, {
        ...OPTIONS,
        filePath: filename,
        sourceMapOptions: { compiledFilename: filename },
    });
    return `${code}\n//# sourceMappingURL=data:application/json;charset=utf-8;base64,${Buffer.from(JSON.stringify(sourceMap)).toString("base64")}`;
}

const previous = Module._extensions[".ts"];
Module._extensions[".ts"] = function (module, filename) {
    if (filename.includes(nodeModules) && previous) return previous(module, filename);
    const source = fs.readFileSync(filename, "utf8");
    const key = crypto
        .createHash("sha1")
        .update(`${sucraseVersion}\0${JSON.stringify(OPTIONS)}\0${filename}\0`)
        .update(source)
        .digest("hex");
    const cached = path.join(cacheDir, `${key}.js`);
    let js;
    try {
        js = fs.readFileSync(cached, "utf8");
    } catch {
        js = compile(source, filename);
        try {
            fs.mkdirSync(cacheDir, { recursive: true });
            const tmp = `${cached}.${process.pid}.tmp`;
            fs.writeFileSync(tmp, js);
            fs.renameSync(tmp, cached);
        } catch {
            /* a read-only tree: run uncached */
        }
    }
    module._compile(js, filename);
};
