// The local documentation rules, each with code it accepts and code it reports (run by `pnpm lint`).
import { RuleTester } from "eslint";
import tseslint from "typescript-eslint";
import plugin from "./citadel-rules.mjs";

const tester = new RuleTester({ languageOptions: { parser: tseslint.parser } });

tester.run("args-default", plugin.rules["args-default"], {
    valid: [
        "export interface BucketArgs {\n    /** Days kept. @default 30 */\n    days?: number;\n}",
        "export interface BucketArgs {\n    /**\n     * The key.\n     * @default - an AWS managed key\n     */\n    key?: string;\n}",
        // Required fields have no default; interfaces not named ...Args are outputs or references.
        "export interface BucketArgs {\n    /** The name. */\n    name: string;\n}",
        "export interface BucketRef {\n    /** The ARN, when known. */\n    arn?: string;\n}",
        "export interface ResolvedBucketArgs {\n    /** The key; absent: SSE-S3. */\n    key?: string;\n}",
        // Unexported interfaces are no one's API; a missing comment is require-jsdoc's to report.
        "interface BucketArgs {\n    /** The key. */\n    key?: string;\n}",
        "export interface BucketArgs {\n    key?: string;\n}",
    ],
    invalid: [
        {
            code: "export interface BucketArgs {\n    /** The key that encrypts objects. */\n    key?: string;\n}",
            errors: [{ messageId: "missing", data: { name: "key", iface: "BucketArgs" } }],
        },
        {
            // `@defaults` is not `@default`.
            code: "export interface BucketArgs {\n    /** The key. @defaults to AWS's */\n    key?: string;\n}",
            errors: [{ messageId: "missing" }],
        },
    ],
});

tester.run("doc-units", plugin.rules["doc-units"], {
    valid: [
        "export interface A {\n    /** How long logs are kept. */\n    retentionInDays: number;\n}",
        "export interface A {\n    /** Storage of each node, in GiB. */\n    volume: number;\n}",
        "export interface A {\n    /** Idle time before the connection closes, in seconds. */\n    idle?: pulumi.Input<number>;\n}",
        "export interface A {\n    /** The region's name. */\n    region: string;\n}",
        "export class C {\n    /** Hosts, in total. */\n    readonly desiredCount: pulumi.Output<number>;\n}",
        "export class C {\n    private readonly limit: number;\n}",
        "interface Internal {\n    /** Anything. */\n    limit: number;\n}",
    ],
    invalid: [
        {
            code: "export interface A {\n    /** How long logs are kept. */\n    retention: number;\n}",
            errors: [{ messageId: "unit", data: { name: "retention" } }],
        },
        {
            // Units are whole words: "items" holds "ms", "support" holds "port".
            code: "export interface A {\n    /** Items kept, where support allows. */\n    keep: number;\n}",
            errors: [{ messageId: "unit" }],
        },
        {
            // A bare `memory` says nothing of MiB or GiB.
            code: "export interface A {\n    /** How much memory the container gets. */\n    memory: number;\n}",
            errors: [{ messageId: "unit" }],
        },
        {
            code: "export interface A {\n    /** The threshold. */\n    threshold?: pulumi.Input<number>;\n}",
            errors: [{ messageId: "unit" }],
        },
        {
            code: "export class C {\n    /** The limits. */\n    readonly limits: number[];\n}",
            errors: [{ messageId: "unit" }],
        },
    ],
});

tester.run("disable-reason", plugin.rules["disable-reason"], {
    valid: [
        "// eslint-disable-next-line no-control-regex -- matching control characters is the point\nconst a = 1;",
        "/* eslint-disable no-console -- a CLI */\nconst a = 1;",
        "// an eslint-disable comment mentioned in prose is not a directive\nconst a = 1;",
    ],
    invalid: [
        {
            code: "// eslint-disable-next-line no-control-regex\nconst a = 1;",
            errors: [{ messageId: "reason", data: { directive: "eslint-disable-next-line" } }],
        },
        { code: "/* eslint-disable no-console */\nconst a = 1;", errors: [{ messageId: "reason" }] },
        { code: "const a = 1; // eslint-disable-line no-console\n", errors: [{ messageId: "reason" }] },
    ],
});
