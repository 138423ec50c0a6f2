import type { Unwrap } from "@pulumi/pulumi";
import { isUnknown } from "./values";

/**
 * A rule is written once, as plain data plus a pure `check`, and run by two adapters: the CrossGuard
 * pack (`index.ts`, through `crossguard.ts`) and the offline evaluator (`evaluate.ts`, used by
 * `pnpm plan` and the tests). Nothing here loads `@pulumi/policy` or `@pulumi/aws`.
 */

export type Severity = "low" | "medium" | "high" | "critical";
/** CrossGuard's levels; "disabled" turns a rule off. */
export type EnforcementLevel = "mandatory" | "advisory" | "disabled";

/** A resource as rules see it. */
export interface PolicyResource {
    /** Type token, e.g. `aws:ec2/vpc:Vpc`. */
    type: string;
    /** Logical name. */
    name: string;
    /** The resource's URN: how stack rules follow `propertyDeps`. */
    urn: string;
    /** Provider id when known: the mock id offline, the real id after a deployment. */
    id?: string;
    /**
     * Inputs (resource rules, the offline plan) or outputs (CrossGuard stack rules); both use the
     * `@pulumi/aws` property names. Values unknown during preview are `UNKNOWN`.
     */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any resource type's properties, as @pulumi/policy types them
    props: Record<string, any>;
    /** Property → URNs of the resources its value came from (CrossGuard stack rules only). */
    propertyDeps?: Record<string, string[]>;
}

/** The subset of JSON Schema the pack's options use; CrossGuard receives it as `configSchema`. */
export interface OptionSchema {
    /** The option's JSON type. */
    type: "integer" | "string" | "boolean" | "array";
    /** For `array`: the elements' type and, for integers, their inclusive bounds. @default - any element */
    items?: { type: "integer" | "string"; minimum?: number; maximum?: number };
    /** For `integer`: the smallest value accepted (inclusive, in the option's own unit). */
    minimum?: number;
    /** For `integer`: the largest value accepted (inclusive, in the option's own unit). */
    maximum?: number;
    /** What the option means, shown by `pulumi policy` and in the pack's config schema. */
    description: string;
    /** The value used when the pack's config does not set the option. */
    default: unknown;
}

interface RuleBase<O> {
    /** Unique id, used in reports and as the key in the pack's config. */
    name: string;
    /** One sentence that ends by citing the FSBP control(s) enforced, e.g. "[S3.5]". */
    description: string;
    /** AWS Foundational Security Best Practices control ids; empty for Citadel's own rules. */
    controls: readonly string[];
    severity: Severity;
    /** What to change, in Citadel's and `@pulumi/aws`'s terms. */
    remediation: string;
    defaultLevel: "mandatory" | "advisory";
    /** Every type token the rule reads; a rule never looks at other types. */
    resourceTypes: readonly string[];
    /** The rule's own options with their defaults (see config.ts). */
    options: { [K in keyof O]: OptionSchema };
}

/** Judges one resource at a time: runs at `pulumi preview` per resource, on its inputs. */
export interface ResourceRule<O = Record<string, never>> extends RuleBase<O> {
    /** Discriminant: judged per resource. */
    kind: "resource";
    /** Violation messages; empty when the resource complies (or cannot be judged yet). */
    check(r: PolicyResource, options: O): string[];
}

export interface Finding {
    /** The resource at fault. */
    resource: PolicyResource;
    /** What is wrong, naming the resource and the setting. */
    message: string;
}

/** Judges resources together (a VPC and its flow logs): runs once over the whole stack. */
export interface StackRule<O = Record<string, never>> extends RuleBase<O> {
    /** Discriminant: judged once over the stack. */
    kind: "stack";
    check(resources: readonly PolicyResource[], options: O): Finding[];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each rule has its own options type; a list holds them all
export type Rule = ResourceRule<any> | StackRule<any>;

/** A resource's properties typed by the `@pulumi/aws` args of its class (so tsc checks the names). */
export function propsOf<A>(r: PolicyResource): Partial<Unwrap<A>> {
    return r.props as Partial<Unwrap<A>>;
}

/**
 * The resources of `types`, in their order. Rules call this once per bucket, VPC or repository, so
 * the list is indexed by type once per resource list (a WeakMap on the array the evaluator passes
 * every rule): a lookup costs the size of its answer, not a scan of the stack.
 */
export function ofTypes(resources: readonly PolicyResource[], types: readonly string[]): PolicyResource[] {
    const idx = indexOf(resources);
    if (types.length === 1) return [...(idx.byType.get(types[0]) ?? [])];
    const hits = [...new Set(types)].flatMap((t) => idx.byType.get(t) ?? []);
    return hits.sort((a, b) => idx.position.get(a)! - idx.position.get(b)!);
}

interface ResourceIndex {
    byType: Map<string, PolicyResource[]>;
    position: Map<PolicyResource, number>;
    /** Per (types, prop): the resources by each string their `prop` holds (and each `/`-suffix of an ARN). */
    refs: Map<string, { byRef: Map<string, PolicyResource[]>; unknown: PolicyResource[]; all: PolicyResource[] }>;
    /** byReference's maps, per (types, name property). */
    lookups: Map<string, Map<string, PolicyResource>>;
}

const indexes = new WeakMap<readonly PolicyResource[], ResourceIndex>();

function indexOf(resources: readonly PolicyResource[]): ResourceIndex {
    let idx = indexes.get(resources);
    if (!idx) {
        idx = { byType: new Map(), position: new Map(), refs: new Map(), lookups: new Map() };
        resources.forEach((r, i) => {
            idx!.position.set(r, i);
            const list = idx!.byType.get(r.type);
            if (list) list.push(r);
            else idx!.byType.set(r.type, [r]);
        });
        indexes.set(resources, idx);
    }
    return idx;
}

/** Properties that hold a resource's physical name where AWS uses the name as the id. */
const NAME_PROPS: Record<string, string> = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:ecr/repository:Repository": "name",
};

/** Strings by which other resources refer to `r`: its id, ARN and (for some types) physical name. */
export function identities(r: PolicyResource): string[] {
    const ids = [r.id, r.props.id, r.props.arn, NAME_PROPS[r.type] ? r.props[NAME_PROPS[r.type]] : undefined];
    return ids.filter((v): v is string => typeof v === "string" && v !== "");
}

/**
 * The resources of `types` by each string another resource may name them with: their identities
 * (id, ARN, physical name), their URN, and (for types autonamed at preview) `props[nameProp]`.
 * Built once per (resource list, types, nameProp) and cached with the list's index, so a rule that
 * follows one reference per resource stays linear in the stack.
 */
export function byReference(
    resources: readonly PolicyResource[],
    types: readonly string[],
    nameProp?: string,
): Map<string, PolicyResource> {
    const idx = indexOf(resources);
    const key = `by-ref|${types.join(",")}|${nameProp ?? ""}`;
    let map = idx.lookups.get(key);
    if (!map) {
        map = new Map();
        for (const r of ofTypes(resources, types)) {
            const names = [
                ...identities(r),
                r.urn,
                ...(nameProp && typeof r.props[nameProp] === "string" ? [r.props[nameProp]] : []),
            ];
            for (const n of names) if (!map.has(n)) map.set(n, r);
        }
        idx.lookups.set(key, map);
    }
    return map;
}

/**
 * The resource of `types` that `from.props[prop]` names: through the property's dependencies
 * (CrossGuard), its value (an id, ARN or name), or an ARN that ends with a known id.
 * "unknown" when the value is not known yet and nothing says where it comes from; undefined when it
 * names nothing in the stack (a resource made elsewhere).
 */
export function referenced(
    resources: readonly PolicyResource[],
    from: PolicyResource,
    prop: string,
    types: readonly string[],
    nameProp?: string,
): PolicyResource | "unknown" | undefined {
    const map = byReference(resources, types, nameProp);
    for (const dep of from.propertyDeps?.[prop] ?? []) {
        const hit = map.get(dep);
        if (hit) return hit;
    }
    const v = from.props[prop];
    if (isUnknown(v)) return from.propertyDeps?.[prop] ? undefined : "unknown";
    if (typeof v !== "string") return undefined;
    const direct = map.get(v);
    if (direct) return direct;
    if (v.startsWith("arn:")) {
        for (let i = v.indexOf("/"); i >= 0; i = v.indexOf("/", i + 1)) {
            const hit = map.get(v.slice(i + 1));
            if (hit) return hit;
        }
    }
    return undefined;
}

export type Match = "yes" | "maybe" | "no";

/**
 * Whether `from.props[prop]` (a string or a list of strings) refers to `to`. "maybe" when the value
 * is unknown and nothing says where it comes from: a rule must then give the benefit of the doubt.
 */
export function refers(from: PolicyResource, prop: string, to: PolicyResource): Match {
    const deps = from.propertyDeps?.[prop];
    if (deps?.includes(to.urn)) return "yes";
    const v = from.props[prop];
    const values = Array.isArray(v) ? v : [v];
    const ids = identities(to);
    if (values.some((x) => typeof x === "string" && ids.some((id) => sameResource(x, id)))) return "yes";
    if (values.some(isUnknown) || isUnknown(v)) return deps ? "no" : "maybe";
    return "no";
}

/** An ARN ending in `/<id>` names the resource with that id (WAF ACLs, CloudFront distributions). */
function sameResource(ref: string, id: string): boolean {
    return ref === id || (ref.startsWith("arn:") && !id.startsWith("arn:") && ref.endsWith(`/${id}`));
}

export interface Attached {
    /** Resources whose property certainly refers to the target. */
    definite: PolicyResource[];
    /** Resources whose property is unknown at preview and may refer to the target: judged later, at the stack rule. */
    possible: PolicyResource[];
}

/** The resources of `types` whose `prop` refers to `target`. */
export function attachedTo(
    resources: readonly PolicyResource[],
    target: PolicyResource,
    types: readonly string[],
    prop: string,
): Attached {
    const definite: PolicyResource[] = [];
    const possible: PolicyResource[] = [];
    for (const r of candidates(resources, target, types, prop)) {
        const m = refers(r, prop, target);
        if (m === "yes") definite.push(r);
        else if (m === "maybe") possible.push(r);
    }
    return { definite, possible };
}

/**
 * The resources of `types` that may refer to `target` through `prop` (a superset of those `refers`
 * accepts, in resource order): those holding one of its identities, those naming its URN in their
 * property dependencies, and those whose value is unknown. Indexed once per (types, prop), so
 * judging every bucket of a stack is linear in the stack, not quadratic.
 */
function candidates(
    resources: readonly PolicyResource[],
    target: PolicyResource,
    types: readonly string[],
    prop: string,
): PolicyResource[] {
    const idx = indexOf(resources);
    const key = `${types.join(",")}|${prop}`;
    let refIndex = idx.refs.get(key);
    if (!refIndex) {
        refIndex = { byRef: new Map(), unknown: [], all: ofTypes(resources, types) };
        const add = (ref: string, r: PolicyResource) => {
            const list = refIndex!.byRef.get(ref);
            if (!list) refIndex!.byRef.set(ref, [r]);
            else if (list[list.length - 1] !== r) list.push(r);
        };
        for (const r of refIndex.all) {
            const v = r.props[prop];
            const values = Array.isArray(v) ? v : [v];
            if (isUnknown(v) || values.some(isUnknown)) refIndex.unknown.push(r);
            for (const x of values) {
                if (typeof x !== "string") continue;
                add(x, r);
                if (x.startsWith("arn:"))
                    for (let i = x.indexOf("/"); i >= 0; i = x.indexOf("/", i + 1)) add(x.slice(i + 1), r);
            }
            for (const dep of r.propertyDeps?.[prop] ?? []) add(`urn-dep:${dep}`, r);
        }
        idx.refs.set(key, refIndex);
    }
    const found = new Set<PolicyResource>(refIndex.unknown);
    for (const id of [...identities(target), `urn-dep:${target.urn}`])
        for (const r of refIndex.byRef.get(id) ?? []) found.add(r);
    return [...found].sort((a, b) => idx.position.get(a)! - idx.position.get(b)!);
}

/**
 * Judges `target` by the resources attached to it. Passes when one definitely attached resource is
 * acceptable to `problem` (which returns why one is not); when none is definitely attached but some
 * might be (references unknown during preview) it passes too rather than guess.
 * @returns the violation message, or undefined
 */
export function judgeAttached(
    attached: Attached,
    missing: string,
    problem: (r: PolicyResource) => string | undefined = () => undefined,
): string | undefined {
    if (attached.definite.length === 0) return attached.possible.length > 0 ? undefined : missing;
    const problems = attached.definite.map(problem);
    return problems.some((p) => p === undefined) ? undefined : problems[0];
}
