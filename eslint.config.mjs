// `pnpm lint` (ESLint's flat config). What runs where:
// - every file: ESLint's and typescript-eslint's recommended rules; unused or stale
//   `eslint-disable` comments are errors, so each one left in the code suppresses a real report,
//   and each says why after ` -- ` (citadel/disable-reason);
// - TypeScript: @pulumi/eslint-plugin's rules (an Output in a template literal renders as a
//   warning string, not its value), which need type information: one program, tsconfig.eslint.json;
// - the public API (packages' src/, the policy pack's entry point, stacks/src): every field of an
//   exported interface or type and every public readonly field of an exported class has a doc
//   comment; every optional field of an `...Args` interface says its `@default` (or, CDK's style,
//   `@default - what happens when it is absent`); a numeric field states its unit (eslint/citadel-rules.mjs).
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";
import jsdoc from "eslint-plugin-jsdoc";
import globals from "globals";
import citadel from "./eslint/citadel-rules.mjs";

const PUBLIC_API = ["packages/*/src/**/*.ts", "packages/policy/index.ts", "stacks/src/**/*.ts"];

/** Members of exported declarations: what a consumer of a package reads. */
const EXPORTED_MEMBERS = [
    "ExportNamedDeclaration > TSInterfaceDeclaration > TSInterfaceBody > TSPropertySignature",
    "ExportNamedDeclaration > TSTypeAliasDeclaration > TSTypeLiteral > TSPropertySignature",
    "ExportNamedDeclaration > ClassDeclaration > ClassBody > " +
        "PropertyDefinition[readonly=true]:not([accessibility='private']):not([accessibility='protected']):not([override=true])",
];

export default tseslint.config(
    {
        ignores: [
            "**/node_modules/**",
            "**/dist/**",
            "**/lib/**",
            "**/dist-test/**",
            "**/.tsbuild/**",
            ".scratch-*/**",
        ],
    },
    { linterOptions: { reportUnusedDisableDirectives: "error", reportUnusedInlineConfigs: "error" } },
    { plugins: { citadel }, rules: { "citadel/disable-reason": "error" } },
    js.configs.recommended,
    ...tseslint.configs.recommended,
    {
        languageOptions: { globals: { ...globals.node } },
        rules: {
            // `import x = require("...")` is TypeScript's typed CommonJS import; a bare `require()` is
            // allowed only with an `eslint-disable` comment saying why (a deferred or computed load).
            "@typescript-eslint/no-require-imports": ["error", { allowAsImport: true }],
            // Prettier writes every semicolon, so no line can continue the previous one by surprise;
            // the rule would only flag Prettier's own layout of `text.split(...)\n[i]`
            // (eslint-config-prettier turns it off for the same reason).
            "no-unexpected-multiline": "off",
            // `_`-prefixed names are deliberately unused (a destructured field dropped, a required parameter).
            "@typescript-eslint/no-unused-vars": [
                "error",
                { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" },
            ],
        },
    },
    {
        // CommonJS scripts (the ts-node hook, the bench, the consumer test): `require` is how they import.
        files: ["**/*.js"],
        // A module-level `const crypto = require("crypto")` shadows the global in the module's own
        // scope: not a redeclaration.
        languageOptions: { sourceType: "commonjs", globals: { ...globals.node } },
        rules: { "@typescript-eslint/no-require-imports": "off", "no-redeclare": ["error", { builtinGlobals: false }] },
    },
    {
        files: ["**/test/**", "**/test-tools/**", "**/e2e/**", "**/schema/**"],
        languageOptions: { globals: { ...globals.mocha } },
    },
    {
        files: ["**/*.ts"],
        ignores: ["consumer/**"],
        languageOptions: { parserOptions: { project: "./tsconfig.eslint.json", tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // Tests and the mock harness read what Pulumi's mock monitor recorded: untyped JSON from its
        // gRPC protocol (resource inputs, outputs, invoke arguments). `any` is the honest type of that
        // bag; product code under src/ (other than the harness) keeps the rule.
        files: [
            "packages/testing/**/*.ts",
            "**/test/**/*.ts",
            "**/test-tools/**/*.ts",
            "**/e2e/**/*.ts",
            "**/schema/**/*.ts",
            "consumer/**/*.ts",
        ],
        rules: { "@typescript-eslint/no-explicit-any": "off" },
    },
    {
        files: PUBLIC_API,
        plugins: { jsdoc, citadel },
        rules: {
            // No fixer: `eslint --fix` would insert empty comments, and a doc is something to write.
            "jsdoc/require-jsdoc": [
                "error",
                { require: { FunctionDeclaration: false }, contexts: EXPORTED_MEMBERS, enableFixer: false },
            ],
            "jsdoc/check-alignment": "error",
            "jsdoc/no-multi-asterisks": "error",
            "jsdoc/no-blank-blocks": "error",
            "jsdoc/empty-tags": "error",
            "jsdoc/check-tag-names": ["error", { typed: true }],
            "citadel/args-default": "error",
            "citadel/doc-units": "error",
        },
    },
);
