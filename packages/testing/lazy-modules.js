// Loaded by .mocharc.json and the `plan`, `urns` and `diagram` scripts (`node -r`) before anything
// imports @pulumi/pulumi or @pulumi/aws: modules those load eagerly that a program run under the
// mocks mostly never uses, each replaced in the module cache by a stand-in until something reads
// from it. The first use loads the real module (as the package would have) and forwards to it from
// then on, so everything works unchanged; `pnpm test:tools` checks that
// a closure still serializes, and its code paths are computed, exactly as without the stand-ins.
//  - What only closure serialization uses (`pulumi.runtime.serializeFunction`, which turns a function
//    into code, e.g. for a callback function): the TypeScript compiler (`typescript-shim`, to parse
//    functions), npm's `@npmcli/arborist` and normalize-package-data (to find the packages it needs).
//    About 1 s of CPU in every process that loads Pulumi.
//  - Pulumi's Automation API, which drives the Pulumi CLI from a program.
//  - The service namespaces of @pulumi/aws: its index loads all of them (about 250 files, 1.4 MB)
//    when a program imports it; a program uses a few dozen. Each namespace, once loaded, registers its
//    resource modules with Pulumi as before (only a resource of that namespace can need them).
"use strict";
const fs = require("fs");
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

// @pulumi/aws/index.js: `const acm = __importStar(require("./acm")); exports.acm = acm;` for each.
const awsDir = path.dirname(require.resolve("@pulumi/aws/package.json", { paths: [__dirname] }));
for (const entry of fs.readdirSync(awsDir, { withFileTypes: true })) {
    const index = path.join(awsDir, entry.name, "index.js");
    if (entry.isDirectory() && fs.existsSync(index)) lazy(index, `@pulumi/aws/${entry.name}`, true);
}

/** Which of the stood-in modules something has used (and so loaded). */
module.exports = { loadedLazily: () => [...loaded] };
