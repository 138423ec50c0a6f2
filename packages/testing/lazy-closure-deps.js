// Loaded by .mocharc.json before anything imports @pulumi/pulumi. When it loads, Pulumi's runtime
// requires two large libraries that only closure serialization uses (`pulumi.runtime.serializeFunction`,
// which turns a JavaScript function into code, e.g. for a callback function): the TypeScript
// compiler (its `typescript-shim`, to parse functions) and npm's `@npmcli/arborist` (to find the
// packages a serialized function needs). Loading them costs about 1 s of CPU in every process that
// loads Pulumi, and no program or test here serializes a closure. This puts a stand-in in each one's
// place in the module cache: the first use of the module through it loads the real one (as Pulumi
// would have) and forwards to it from then on, so closure serialization works unchanged.
"use strict";
const path = require("path");
const Module = require("module");

const pulumiDir = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [__dirname] }));
const loaded = new Set();

/**
 * Stands in for the module at `file` until something reads from it. `esModule`: what the stand-in
 * answers for `__esModule` before the real module is loaded, so that TypeScript's `__importStar`
 * (which copies every key of a module without it) keeps the stand-in instead of loading the module.
 * `callable`: the module exports a function, so the stand-in can be called too (an arrow function
 * as the proxy's target: it has no own property a proxy must keep reporting).
 */
function lazy(file, name, esModule, callable = false) {
    if (require.cache[file]) return;
    let real;
    const load = () => {
        if (real === undefined) {
            const m = new Module(file, module);
            m.filename = file;
            m.paths = Module._nodeModulePaths(path.dirname(file));
            m.load(file);
            real = m.exports;
            loaded.add(name);
        }
        return real;
    };
    const exports = new Proxy(callable ? () => undefined : {}, {
        apply: (_, self, args) => Reflect.apply(load(), self, args),
        get: (_, key) => (key === "__esModule" && real === undefined ? esModule : Reflect.get(load(), key)),
        has: (_, key) => Reflect.has(load(), key),
        ownKeys: () => Reflect.ownKeys(load()),
        getOwnPropertyDescriptor: (_, key) => {
            const d = Reflect.getOwnPropertyDescriptor(load(), key);
            return d && { ...d, configurable: true };
        },
        getPrototypeOf: () => Reflect.getPrototypeOf(load()),
    });
    const stand = new Module(file, module);
    stand.filename = file;
    stand.exports = exports;
    stand.loaded = true;
    require.cache[file] = stand;
}

/** A stand-in where the module is where this Pulumi version has it; none (Pulumi loads it) otherwise. */
function lazyIfFound(request, from, name, esModule, callable = false) {
    let file;
    try {
        file = require.resolve(request, { paths: [from] });
    } catch {
        return;
    }
    lazy(file, name, esModule, callable);
}

lazyIfFound("@pulumi/pulumi/typescript-shim", __dirname, "typescript", undefined);
// codePaths.js imports it as `__importStar(require("@npmcli/arborist"))` and reads `.Arborist` when called.
lazyIfFound("@npmcli/arborist", path.join(pulumiDir, "runtime", "closure"), "@npmcli/arborist", true);

// codePaths.js again, as `__importDefault(require("normalize-package-data"))`: it and what it loads
// (hosted-git-info, the SPDX licence tables, which it sorts at load) serve only closure serialization.
// It exports a function, which codePaths.js calls.
lazyIfFound(
    "normalize-package-data",
    path.join(pulumiDir, "runtime", "closure"),
    "normalize-package-data",
    false,
    true,
);
// The Automation API (driving the Pulumi CLI from a program: LocalWorkspace, js-yaml, ...): the index
// imports it eagerly as `__importStar(require("./automation"))`; a program run never uses it.
lazyIfFound("./automation", pulumiDir, "@pulumi/pulumi/automation", true);

/** Which of the stood-in modules something has used (and so loaded). */
module.exports = { loadedLazily: () => [...loaded] };
