import type {
    PolicyConfigSchema,
    PolicyPackArgs,
    PolicyResource as CgResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import { ruleOptions } from "./config";
import { PolicyResource, Rule } from "./rule";
import { RULES } from "./rules";
import { UNKNOWN } from "./values";

/**
 * Adapts the pack's rules to CrossGuard policies. Kept apart from index.ts so it can be tested:
 * only constructing the PolicyPack starts the analyzer's gRPC server.
 */

const FSBP = {
    name: "AWS Foundational Security Best Practices",
    version: "1.0.0",
    reference: "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html",
    specification: "AWS Security Hub FSBP controls",
};

/**
 * CrossGuard hands rules a proxy that throws `UnknownValueError` on a value unknown during preview.
 * This copies it into plain data with `UNKNOWN` in those places, so a rule reads every property and
 * decides for itself (leniently) instead of being skipped whole.
 */
export function snapshot(v: unknown): unknown {
    if (v === null || typeof v !== "object") return v;
    const read = (key: string | number) => {
        try {
            return snapshot((v as Record<string | number, unknown>)[key]);
        } catch (e) {
            if (e instanceof UnknownValueError) return UNKNOWN;
            throw e;
        }
    };
    if (Array.isArray(v)) return Array.from({ length: v.length }, (_x, i) => read(i));
    return Object.fromEntries(Object.keys(v).map((k) => [k, read(k)]));
}

function schemaOf(rule: Rule): PolicyConfigSchema | undefined {
    const properties = rule.options as PolicyConfigSchema["properties"];
    return Object.keys(properties).length ? { properties } : undefined;
}

function metadata(rule: Rule) {
    return {
        name: rule.name,
        description: rule.description,
        enforcementLevel: rule.defaultLevel,
        severity: rule.severity,
        remediationSteps: rule.remediation,
        configSchema: schemaOf(rule),
        framework: rule.controls.length ? FSBP : undefined,
        tags: [...rule.controls],
    };
}

function fromStackResource(r: CgResource): PolicyResource {
    const props = snapshot(r.props) as Record<string, unknown>;
    const propertyDeps = Object.fromEntries(
        Object.entries(r.propertyDependencies ?? {}).map(([k, deps]) => [k, deps.map((d) => d.urn)]),
    );
    return {
        type: r.type,
        name: r.name,
        urn: r.urn,
        id: typeof props.id === "string" ? props.id : undefined,
        props,
        propertyDeps,
    };
}

export function toCrossGuardPolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
    if (rule.kind === "resource") {
        return {
            ...metadata(rule),
            validateResource: (args: ResourceValidationArgs, report) => {
                if (!rule.resourceTypes.includes(args.type)) {
                    args.notApplicable(`applies to ${rule.resourceTypes.join(", ")}`);
                    return;
                }
                const r: PolicyResource = {
                    type: args.type,
                    name: args.name,
                    urn: args.urn,
                    props: snapshot(args.props) as Record<string, unknown>,
                };
                for (const message of rule.check(r, ruleOptions(rule, args.getConfig()))) report(message);
            },
        };
    }
    return {
        ...metadata(rule),
        validateStack: (args: StackValidationArgs, report) => {
            const resources = args.resources.filter((r) => rule.resourceTypes.includes(r.type)).map(fromStackResource);
            for (const f of rule.check(resources, ruleOptions(rule, args.getConfig())))
                report(f.message, f.resource.urn);
        },
    };
}

/** The arguments of the pack's `PolicyPack`. */
export function packArgs(rules: readonly Rule[] = RULES): PolicyPackArgs {
    return {
        description: "Citadel: AWS Foundational Security Best Practices for Citadel's components",
        displayName: "Citadel FSBP",
        provider: "aws",
        tags: ["aws", "fsbp", "citadel"],
        policies: rules.map(toCrossGuardPolicy),
    };
}
