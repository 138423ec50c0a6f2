// A small local ESLint plugin for what no stock rule checks well. The presence of doc comments is
// eslint-plugin-jsdoc's `require-jsdoc` (see eslint.config.mjs); these read the comments' text:
// - `args-default`: an optional field of an exported `...Args` interface says what happens when it is
//   absent, `@default <value>` or `@default - <behaviour>` (aws-cdk-lib's convention); not the
//   `Resolved...Args` that validation returns. jsdoc's
//   `no-restricted-syntax` could express it, but it ignores selectors with combinators (checked with
//   62.9.0), so it cannot tell an `...Args` interface's fields from any other's.
// - `doc-units`: a numeric public field states its unit, in its name or its doc comment.
// - `disable-reason`: an `eslint-disable` comment says why, after ` -- ` (ESLint's own syntax for it).

/** Units (or unit-free kinds of number) a doc comment may state, as whole words, or a `%` sign. */
const UNIT = new RegExp(
    "%|\\b(" +
        [
            "seconds?",
            "minutes?",
            "hours?",
            "days?",
            "weeks?",
            "months?",
            "years?",
            "ms",
            "milliseconds?",
            "bytes?",
            "characters?",
            "KiB",
            "MiB",
            "GiB",
            "TiB",
            "KB",
            "MB",
            "GB",
            "TB",
            "bits?",
            "percent(age)?",
            "ratio",
            "fraction",
            "vCPUs?",
            "CPU units?",
            "IOPS",
            "MiB/s",
            "requests?",
            "count",
            "number of",
            "how many",
            "ports?",
            "units?",
            "ids?",
            "prefix length",
            "index",
            "version",
            "WCUs?",
            "capacity units?",
            "ACUs?",
            "shards?",
            "nodes?",
            "instances?",
            "tasks?",
            "hosts?",
        ].join("|") +
        ")\\b",
    "i",
);
/** Names that carry their unit (`retentionInDays`, `memoryMiB`, `desiredCount`, `port`, ...). */
const UNIT_IN_NAME =
    /(Seconds|Secs|Minutes|Mins|Hours|Days|Weeks|Months|Years|Ms|Millis|Bytes|KiB|MiB|GiB|TiB|Kb|Mb|Gb|Tb|Percent|Pct|Count|Port|Length|Index|Version|Vcpus?|Iops|Shards|Nodes|Acus?|Wcus?|Instances|Tasks|Hosts|Replicas|Retries|Attempts)$|^(port|count|version|index|priority|weight)$/;

/** True when a type annotation is (or wraps, as `pulumi.Input<number>` or `number[]`) a number. */
function isNumeric(type) {
    if (!type) return false;
    switch (type.type) {
        case "TSNumberKeyword":
            return true;
        case "TSArrayType":
            return isNumeric(type.elementType);
        case "TSUnionType":
            return type.types.some(isNumeric);
        case "TSTypeReference":
            return (type.typeArguments?.params ?? []).some(isNumeric);
        default:
            return false;
    }
}

/** The doc comment (a block comment opening with `/**`) right before a node, or undefined. */
function docOf(sourceCode, node) {
    const before = sourceCode.getCommentsBefore(node);
    const last = before[before.length - 1];
    return last && last.type === "Block" && last.value.startsWith("*") ? last.value : undefined;
}

/** True when the node is a member of an exported interface, type or class. */
function isExported(node) {
    for (let n = node.parent; n; n = n.parent) {
        if (n.type === "ExportNamedDeclaration" || n.type === "ExportDefaultDeclaration") return true;
        if (n.type === "Program") return false;
    }
    return false;
}

const docUnits = {
    meta: {
        type: "suggestion",
        docs: { description: "A public numeric field states its unit, in its name or its doc comment." },
        messages: {
            unit: "`{{name}}` is a number: state its unit in the name (`...Seconds`, `...MiB`, `...Count`) or the doc (seconds, GiB, percent, a count, ...).",
        },
        schema: [],
    },
    create(context) {
        const sourceCode = context.sourceCode;
        const check = (node) => {
            if (node.key?.type !== "Identifier" || !isNumeric(node.typeAnnotation?.typeAnnotation)) return;
            if (node.accessibility === "private" || node.accessibility === "protected") return;
            if (!isExported(node)) return;
            const name = node.key.name;
            if (UNIT_IN_NAME.test(name)) return;
            const doc = docOf(sourceCode, node);
            if (doc === undefined) return; // jsdoc/require-jsdoc reports the missing doc
            if (UNIT.test(doc)) return;
            context.report({ node: node.key, messageId: "unit", data: { name } });
        };
        return { TSPropertySignature: check, PropertyDefinition: check };
    },
};

/** The name of the exported interface a property belongs to, or undefined. */
function exportedInterfaceName(node) {
    const body = node.parent;
    const decl = body?.parent;
    if (body?.type !== "TSInterfaceBody" || decl?.type !== "TSInterfaceDeclaration") return undefined;
    return decl.parent?.type === "ExportNamedDeclaration" ? decl.id.name : undefined;
}

const argsDefault = {
    meta: {
        type: "suggestion",
        docs: { description: "An optional field of an exported ...Args interface documents its @default." },
        messages: {
            missing:
                "Optional arg `{{name}}` of {{iface}}: document what happens when it is absent, `@default <value>` or `@default - <behaviour>`.",
        },
        schema: [],
    },
    create(context) {
        const sourceCode = context.sourceCode;
        return {
            TSPropertySignature(node) {
                if (!node.optional) return;
                const iface = exportedInterfaceName(node);
                // `Resolved...Args` are what validation returns: an absent field there is simply absent.
                if (!iface || !iface.endsWith("Args") || iface.startsWith("Resolved")) return;
                const doc = docOf(sourceCode, node);
                if (doc === undefined) return; // jsdoc/require-jsdoc reports the missing doc
                if (/@default\b/.test(doc)) return;
                const name = node.key.type === "Identifier" ? node.key.name : sourceCode.getText(node.key);
                context.report({ node: node.key, messageId: "missing", data: { name, iface } });
            },
        };
    },
};

const disableReason = {
    meta: {
        type: "suggestion",
        docs: { description: "An eslint-disable comment gives its reason after ` -- `." },
        messages: { reason: "Say why the rule does not apply here: `{{directive}} <rule> -- <reason>`." },
        schema: [],
    },
    create(context) {
        const sourceCode = context.sourceCode;
        return {
            Program() {
                for (const c of sourceCode.getAllComments()) {
                    const m = /^\s*(eslint-disable(?:-next-line|-line)?)\b/.exec(c.value);
                    if (m && !/\s--\s*\S/.test(c.value)) {
                        context.report({ loc: c.loc, messageId: "reason", data: { directive: m[1] } });
                    }
                }
            },
        };
    },
};

export default {
    meta: { name: "citadel" },
    rules: { "args-default": argsDefault, "doc-units": docUnits, "disable-reason": disableReason },
};
