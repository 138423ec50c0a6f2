#!/usr/bin/env node
// The consumer test (`pnpm test:consumer`): is "use the components in your own program" true for
// someone who installs the published packages? Builds the libraries, packs every package as
// `pnpm publish` would, installs the tarballs with npm into an empty folder (no workspace links),
// type-checks a consumer program against the published types, and runs it under the mock harness.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

// It takes no arguments: one given (`pnpm test:consumer --keep`) would otherwise be ignored silently.
if (process.argv.length > 2) {
    process.stderr.write(
        `test:consumer: ${JSON.stringify(process.argv[2])} is not an argument pnpm test:consumer takes, allowed none\n` +
            "usage: pnpm test:consumer (it takes no arguments)\n",
    );
    process.exit(2);
}

const root = path.resolve(__dirname, "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-consumer-"));
const packs = path.join(work, "packs");
const app = path.join(work, "app");
const run = (cmd, args, cwd, quiet = false) =>
    execFileSync(cmd, args, { cwd, stdio: ["ignore", quiet ? "ignore" : "inherit", "inherit"] });
const step = (s) => console.log(`\n-- ${s}`);

const rootPkg = require(path.join(root, "package.json"));
const packages = fs
    .readdirSync(path.join(root, "packages"))
    .map((d) => path.join(root, "packages", d))
    .filter((d) => fs.existsSync(path.join(d, "tsconfig.build.json")));

step("build (tsc -b tsconfig.build.json)");
run("pnpm", ["build"], root);

step(`pack ${packages.length} packages`);
fs.mkdirSync(packs, { recursive: true });
const deps = {};
for (const dir of packages) {
    const pkg = require(path.join(dir, "package.json"));
    run("pnpm", ["pack", "--pack-destination", packs], dir, true);
    const file = path.join(packs, `${pkg.name.replace("@", "").replace("/", "-")}-${pkg.version}.tgz`);
    const kb = (fs.statSync(file).size / 1024).toFixed(1);
    console.log(`${pkg.name}: ${kb} kB packed`);
    deps[pkg.name] = `file:${file}`;
}

step("install the tarballs with npm into an empty folder");
// The peer versions the workspace tests with: the lower bound of every package's peer range.
const tested = require(path.join(root, "packages", "shared", "package.json")).devDependencies;
fs.mkdirSync(app, { recursive: true });
fs.writeFileSync(
    path.join(app, "package.json"),
    JSON.stringify(
        {
            name: "citadel-consumer",
            private: true,
            dependencies: {
                ...deps,
                "@pulumi/pulumi": tested["@pulumi/pulumi"],
                "@pulumi/aws": tested["@pulumi/aws"],
                "@pulumi/random": "4.21.2",
                typescript: rootPkg.devDependencies.typescript,
                "@types/node": rootPkg.devDependencies["@types/node"],
            },
        },
        null,
        2,
    ),
);
run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], app);
for (const f of ["program.ts", "check.ts"]) fs.copyFileSync(path.join(__dirname, f), path.join(app, f));
fs.writeFileSync(
    path.join(app, "tsconfig.json"),
    JSON.stringify(
        {
            compilerOptions: {
                target: "ES2022",
                module: "node16",
                moduleResolution: "node16",
                strict: true,
                esModuleInterop: true,
                outDir: "out",
                types: ["node"],
                skipLibCheck: true,
            },
            files: ["program.ts", "check.ts"],
        },
        null,
        2,
    ),
);

step("load each package by name");
for (const name of Object.keys(deps)) {
    run(
        "node",
        [
            "-e",
            `const m = require(${JSON.stringify(name)}); if (!Object.keys(m).length) process.exit(1); console.log(${JSON.stringify(name)}, Object.keys(m).length, "exports")`,
        ],
        app,
    );
}

step("type-check the consumer program against the published types, and run it under the mock harness");
run(path.join(app, "node_modules", ".bin", "tsc"), ["-p", "."], app);
run("node", ["out/check.js"], app);

fs.rmSync(work, { recursive: true, force: true });
console.log("\nconsumer test passed");
