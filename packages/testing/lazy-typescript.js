// Loaded by .mocharc.json before anything imports @pulumi/pulumi. Pulumi's runtime requires the
// TypeScript compiler (its `typescript-shim`) when it loads, only to parse functions that
// `pulumi.runtime.serializeFunction` turns into code (closure serialization, e.g. callback
// functions). Loading `typescript` costs about 0.5 s of CPU in every process that loads Pulumi, and
// no program or test here serializes a closure. This puts a stand-in in the shim's place: the
// first use of any TypeScript API through it loads the real shim (which loads `typescript`, as
// Pulumi does) and forwards to it from then on, so closure serialization works unchanged.
"use strict";
const path = require("path");
const Module = require("module");

const shim = require.resolve("@pulumi/pulumi/typescript-shim", { paths: [__dirname] });
if (!require.cache[shim]) {
    let real;
    const load = () => {
        if (real === undefined) {
            const m = new Module(shim, module);
            m.filename = shim;
            m.paths = Module._nodeModulePaths(path.dirname(shim));
            m.load(shim);
            real = m.exports;
        }
        return real;
    };
    const exports = new Proxy({}, {
        get: (_, key) => Reflect.get(load(), key),
        has: (_, key) => Reflect.has(load(), key),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const d = Reflect.getOwnPropertyDescriptor(load(), key);
            return d && { ...d, configurable: true };
        },
        getPrototypeOf: () => Reflect.getPrototypeOf(load()),
    });
    const stand = new Module(shim, module);
    stand.filename = shim;
    stand.exports = exports;
    stand.loaded = true;
    require.cache[shim] = stand;
    module.exports = { loadedTypeScript: () => real !== undefined };
}
