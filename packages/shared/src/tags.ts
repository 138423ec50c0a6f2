import * as pulumi from "@pulumi/pulumi";
import { ConfigError, lateConfigError } from "./errors";

/**
 * The `tags` argument every Citadel component takes: the shape `@pulumi/aws` resources use, so a
 * map built from another resource's outputs can be passed as it is.
 */
export type TagsInput = pulumi.Input<Record<string, pulumi.Input<string>>>;

/**
 * AWS's common tag rules, the strictest set that every service accepts (ECS, Batch, IAM, S3 and
 * EC2 each publish the same list; some services allow more characters, none allows fewer):
 * at most 50 user tags per resource, keys 1–128 and values 0–256 Unicode characters, letters,
 * numbers, spaces and `_ . : / = + - @`, and no `aws:` prefix in any letter case on keys or values.
 *
 * See https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html and
 * https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html
 */
export const MAX_TAGS_PER_RESOURCE = 50;
export const MAX_TAG_KEY_LENGTH = 128;
export const MAX_TAG_VALUE_LENGTH = 256;
// Spaces only (\p{Zs}): AWS's "spaces" are not the line and paragraph separators U+2028/U+2029
// (\p{Zl}, \p{Zp}), which would break every line that prints the tag.
const TAG_CHARACTERS = /^[\p{L}\p{Zs}\p{N}_.:/=+\-@]*$/u;

/**
 * The most tags Citadel itself puts on one resource (`Name`, `citadel:backup`, `citadel:tier`,
 * `citadel:first-value`, `Patch Group`: no resource carries all five). A component's `tags` must
 * leave room for them within AWS's 50; the provider's `defaultTags` count against the same 50 and
 * cannot be seen from here, so keep those few.
 */
export const CITADEL_TAG_HEADROOM = 5;
/** The most tags a component's `tags` argument may hold. */
export const MAX_COMPONENT_TAGS = MAX_TAGS_PER_RESOURCE - CITADEL_TAG_HEADROOM;

/**
 * Key prefixes a user may not set: `aws:` is AWS's (refused by every service); `citadel:` is
 * Citadel's own mechanics (the backup selection `citadel:backup`, subnet tiers, the one-time
 * first-value marker), where a user value would silently take a resource out of backups or break
 * access control. Refusing is clearer than letting one side win without a word.
 */
export const RESERVED_TAG_PREFIXES = ["aws:", "citadel:"] as const;

const chars = (s: string) => [...s].length;

/** What is wrong with one tag, or undefined: the rules of {@link MAX_TAGS_PER_RESOURCE}. */
export function tagProblem(key: string, value: unknown): { problem: string; allowed: string } | undefined {
    const reserved = RESERVED_TAG_PREFIXES.find((p) => key.toLowerCase().startsWith(p));
    if (reserved)
        return {
            problem: `uses the reserved prefix "${reserved}"`,
            allowed: `keys not starting with ${RESERVED_TAG_PREFIXES.join(" or ")} (any letter case)`,
        };
    if (chars(key) < 1 || chars(key) > MAX_TAG_KEY_LENGTH)
        return { problem: `is ${chars(key)} characters long`, allowed: `keys of 1..${MAX_TAG_KEY_LENGTH} characters` };
    if (!TAG_CHARACTERS.test(key))
        return {
            problem: "has a character AWS tags do not allow",
            allowed: "letters, numbers, spaces and _ . : / = + - @",
        };
    if (typeof value !== "string") return { problem: "is not a string", allowed: "string values" };
    if (chars(value) > MAX_TAG_VALUE_LENGTH)
        return {
            problem: `is ${chars(value)} characters long`,
            allowed: `values of 0..${MAX_TAG_VALUE_LENGTH} characters`,
        };
    if (!TAG_CHARACTERS.test(value))
        return {
            problem: "has a character AWS tags do not allow",
            allowed: "letters, numbers, spaces and _ . : / = + - @",
        };
    if (value.toLowerCase().startsWith("aws:"))
        return {
            problem: `uses the reserved prefix "aws:"`,
            allowed: "values not starting with aws: (any letter case)",
        };
    return undefined;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !pulumi.Output.isInstance(v) && !(v instanceof Promise);

function checkResolved(argKey: string, tags: Record<string, unknown>, late: boolean): void {
    const fail = (key: string, value: unknown, problem: string, allowed: string) => {
        throw late
            ? lateConfigError(undefined, key, value, problem, allowed)
            : new ConfigError(key, value, problem, allowed);
    };
    const keys = Object.keys(tags);
    if (keys.length > MAX_COMPONENT_TAGS) {
        fail(
            argKey,
            `${keys.length} tags`,
            "are too many",
            `at most ${MAX_COMPONENT_TAGS} (AWS allows ${MAX_TAGS_PER_RESOURCE} per resource; Citadel's own take up to ${CITADEL_TAG_HEADROOM})`,
        );
    }
    for (const key of keys) {
        const value = tags[key];
        // A value still to be resolved is checked when it is (see validateTags).
        if (pulumi.Output.isInstance(value) || value instanceof Promise) {
            const p = tagProblem(key, "");
            if (p) fail(`${tagPath(argKey, key)}`, key, p.problem, p.allowed);
            continue;
        }
        const p = tagProblem(key, value);
        if (p) fail(`${tagPath(argKey, key)}`, tagProblem(key, "") ? key : value, p.problem, p.allowed);
    }
}

/**
 * The argument path of one tag in a message: `tags.CostCenter`, or `tags["a\nb"]` with the key
 * escaped when it holds characters a tag may not, so a refused key cannot break the message's line.
 */
function tagPath(argKey: string, key: string): string {
    if (/^[\p{L}\p{N} _.:/=+@-]*$/u.test(key) && !/^ | $/.test(key)) return `${argKey}.${key}`;
    const escaped = JSON.stringify(key).replace(
        /[\u0085\u2028\u2029]/g,
        (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
    return `${argKey}[${escaped}]`;
}

/**
 * Checks a component's `tags` before anything is registered (a plain map: keys and plain values
 * now, values that are Outputs once they resolve) and returns it with late checks attached.
 * Throws ConfigError naming `argKey`.
 */
export function validateTags(argKey: string, tags: TagsInput | undefined): TagsInput | undefined {
    if (tags === undefined || tags === null) return undefined;
    if (typeof tags !== "object" || Array.isArray(tags)) {
        throw new ConfigError(
            argKey,
            tags,
            "is not a map of tags",
            'an object of tag keys to string values, e.g. { CostCenter: "radiology" }',
        );
    }
    if (!isPlainObject(tags)) {
        return pulumi.output(tags).apply((t) => {
            checkResolved(argKey, t ?? {}, true);
            return t ?? {};
        });
    }
    checkResolved(argKey, tags, false);
    const out: Record<string, pulumi.Input<string>> = {};
    for (const [k, v] of Object.entries(tags)) {
        out[k] =
            typeof v === "string"
                ? v
                : pulumi.output(v).apply((s) => {
                      const p = tagProblem(k, s);
                      if (p) throw lateConfigError(undefined, `${tagPath(argKey, k)}`, s, p.problem, p.allowed);
                      return s;
                  });
    }
    return out;
}

type TagMap = pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;

/** `user` under `own`: a key the resource sets itself keeps the resource's value. */
export function mergeTagsUnder(user: TagMap, own: TagMap): TagMap {
    if (user === undefined) return own;
    if (isPlainObject(user) && (own === undefined || own === null || isPlainObject(own)))
        return { ...user, ...(own ?? {}) };
    return pulumi.all([user, own]).apply(([u, o]) => ({ ...(u ?? {}), ...(o ?? {}) }));
}

interface AsgTag {
    key: pulumi.Input<string>;
    value: pulumi.Input<string>;
    propagateAtLaunch: pulumi.Input<boolean>;
}

function mergeAsgTags(user: TagMap, own: pulumi.Input<AsgTag[]> | undefined): pulumi.Input<AsgTag[]> {
    const add = (u: Record<string, pulumi.Input<string>>, o: AsgTag[]) => {
        const have = new Set(o.map((t) => t.key));
        // Instances get their tags from the launch template's tag specifications (merged below), so
        // the group's own copies need not propagate.
        return [
            ...o,
            ...Object.entries(u)
                .filter(([k]) => !have.has(k))
                .map(([key, value]) => ({ key, value, propagateAtLaunch: false })),
        ];
    };
    const plainOwn =
        own === undefined || (Array.isArray(own) && own.every((t) => isPlainObject(t) && typeof t.key === "string"));
    if (isPlainObject(user) && plainOwn)
        return add(user as Record<string, pulumi.Input<string>>, (own ?? []) as AsgTag[]);
    return pulumi.all([user, own ?? []]).apply(([u, o]) => add(u ?? {}, o as AsgTag[]));
}

interface TagSpecification {
    resourceType?: pulumi.Input<string>;
    tags?: TagMap;
}

function mergeTagSpecifications(user: TagMap, specs: pulumi.Input<pulumi.Input<TagSpecification>[]> | undefined) {
    if (specs === undefined) return undefined;
    if (!Array.isArray(specs) || !specs.every(isPlainObject)) {
        return pulumi.output(specs).apply((s) => s.map((spec) => ({ ...spec, tags: mergeTagsUnder(user, spec.tags) })));
    }
    return (specs as TagSpecification[]).map((spec) => ({ ...spec, tags: mergeTagsUnder(user, spec.tags) }));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any resource type's inputs, as Pulumi's transforms pass them
type ResourceInputs = Record<string, any>;

/**
 * Adds `tags` to a resource's inputs, under the resource's own: how every Citadel component tags
 * its children. Taggable means what `@pulumi/aws` marks as taggable (a resource whose inputs carry
 * `tagsAll`, the provider's merge of `tags` and `defaultTags`), plus the tag shapes the provider's
 * `defaultTags` never reach: an Auto Scaling group's tag list, a launch template's tag
 * specifications (the instances and volumes it launches) and an instance's root volume. S3 objects
 * are left alone (object tags are a separate, 10-tag namespace). Returns undefined when nothing
 * applies.
 */
export function tagResourceInputs(type: string, props: ResourceInputs, tags: TagsInput): ResourceInputs | undefined {
    if (type.startsWith("aws:s3/bucketObject") || type.startsWith("aws:s3/objectCopy")) return undefined;
    if (type === "aws:autoscaling/group:Group") return { ...props, tags: mergeAsgTags(tags, props.tags) };
    if (!("tagsAll" in props)) return undefined;
    const out: ResourceInputs = { ...props, tags: mergeTagsUnder(tags, props.tags) };
    if (type === "aws:ec2/launchTemplate:LaunchTemplate" && props.tagSpecifications !== undefined) {
        out.tagSpecifications = mergeTagSpecifications(tags, props.tagSpecifications);
    }
    // An instance's root volume gets no default tags either; `volumeTags`, where a resource sets
    // it, is the resource's own choice and conflicts with the root device's tags, so it is left alone.
    if (
        type === "aws:ec2/instance:Instance" &&
        props.volumeTags === undefined &&
        isPlainObject(props.rootBlockDevice)
    ) {
        out.rootBlockDevice = {
            ...props.rootBlockDevice,
            tags: mergeTagsUnder(tags, props.rootBlockDevice.tags as TagMap),
        };
    }
    return out;
}

/**
 * Resource options for a component whose `tags` apply to every taggable resource beneath it.
 *
 * Precedence, from strongest: a tag a resource sets itself (`Name`, `Patch Group`, the backup tag)
 * → the `tags` of the innermost component → those of the components around it → the AWS
 * provider's `defaultTags` (the provider merges them under every resource's own tags, and a
 * resource tag with the same key wins: https://hashicorp.com/blog/default-tags-in-the-terraform-aws-provider,
 * the provider @pulumi/aws bridges). Default tags never reach an Auto Scaling group's instances or
 * an instance's volumes (https://www.pulumi.com/registry/packages/aws/api-docs/getdefaulttags/):
 * component tags do, through the tag specifications.
 * Keys under `aws:` or `citadel:` are refused with a ConfigError naming `argKey`, as is anything
 * AWS would refuse at deploy time (see {@link tagProblem}).
 *
 * It is a Pulumi resource transformation: it runs in the program's own process for every child
 * and grandchild as it is constructed, so a resource added to a component later is tagged too,
 * and it behaves the same under `pulumi up` and under the mock runtime. A transformation the user
 * passes in `opts` runs after this one and has the last word.
 *
 * ```ts
 * super("citadel:cache:Cache", name, {}, withTags(argKeys("Cache", name)("tags"), args.tags, opts));
 * ```
 */
export function withTags(
    argKey: string,
    tags: TagsInput | undefined,
    opts: pulumi.ComponentResourceOptions = {},
): pulumi.ComponentResourceOptions {
    const checked = validateTags(argKey, tags);
    if (checked === undefined || (isPlainObject(checked) && Object.keys(checked).length === 0)) return opts;
    const tagChildren: pulumi.ResourceTransformation = ({ type, props, opts: childOpts }) => {
        // A resource read with `get` is not ours to tag.
        if (childOpts.id !== undefined) return undefined;
        const next = tagResourceInputs(type, props, checked);
        return next ? { props: next, opts: childOpts } : undefined;
    };
    return { ...opts, transformations: [tagChildren, ...(opts.transformations ?? [])] };
}
