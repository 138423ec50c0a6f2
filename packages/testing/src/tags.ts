import type { RecordedResource, Recording } from "./harness";

const taggable = new Map<string, boolean>();

/**
 * Whether `@pulumi/aws` says a resource type takes tags: its class sends `tagsAll` (the provider's
 * merge of `tags` and `defaultTags`) to the engine. Read from the provider SDK itself, so a test of
 * a component's tagging does not share the component's own idea of what is taggable.
 */
export function isTaggableType(type: string): boolean {
    if (!type.startsWith("aws:")) return false;
    const hit = taggable.get(type);
    if (hit !== undefined) return hit;
    const [, module, className] = type.split(":");
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module is looked up by the type token, on first use
    const ns = (require("@pulumi/aws") as Record<string, any>)[module.split("/")[0]];
    const cls = ns?.[className];
    const result = typeof cls === "function" && /resourceInputs\["tagsAll"\]/.test(cls.toString());
    taggable.set(type, result);
    return result;
}

/** Every resource registered beneath the component with this URN (children, grandchildren...). */
export function descendantsOf(rec: Recording, rootUrn: string): RecordedResource[] {
    const below = new Set([rootUrn]);
    const out: RecordedResource[] = [];
    // Registration order puts parents first.
    for (const r of rec.resources) {
        if (r.parentUrn && below.has(r.parentUrn)) {
            below.add(r.urn);
            out.push(r);
        }
    }
    return out;
}

/**
 * The names of the taggable resources beneath a component that lack `key = value` (`[]` when all
 * carry it), and how many were checked. Auto Scaling groups count with their tag list, launch
 * templates with each tag specification (what the instances and volumes they launch get) and
 * instances with their root volume.
 */
export function untaggedBeneath(
    rec: Recording,
    componentType: string,
    key: string,
    value: string,
): { checked: number; missing: string[] } {
    const roots = rec.resources.filter((r) => r.type === componentType);
    if (roots.length === 0) throw new Error(`no ${componentType} was registered`);
    const missing: string[] = [];
    let checked = 0;
    for (const root of roots) {
        for (const r of descendantsOf(rec, root.urn)) {
            if (r.type === "aws:autoscaling/group:Group") {
                checked++;
                if (!(r.inputs.tags ?? []).some((t: any) => t.key === key && t.value === value))
                    missing.push(`${r.name} (${r.type})`);
                continue;
            }
            if (!isTaggableType(r.type) || r.type.startsWith("aws:s3/bucketObject")) continue;
            checked++;
            if (r.inputs.tags?.[key] !== value) missing.push(`${r.name} (${r.type})`);
            if (
                r.type === "aws:ec2/instance:Instance" &&
                r.inputs.rootBlockDevice &&
                r.inputs.rootBlockDevice.tags?.[key] !== value
            ) {
                missing.push(`${r.name} rootBlockDevice`);
            }
            for (const spec of r.type === "aws:ec2/launchTemplate:LaunchTemplate"
                ? (r.inputs.tagSpecifications ?? [])
                : []) {
                if (spec.tags?.[key] !== value) missing.push(`${r.name} tagSpecifications[${spec.resourceType}]`);
            }
        }
    }
    return { checked, missing };
}

/**
 * Tags a component test passes to see them reach every child: one plain tag, one whose value is an
 * Output (the way a user passes another resource's attribute), and a `Name` that must not replace
 * the names Citadel gives its resources.
 */
export const USER_TAGS = { CostCenter: "imaging-42", Name: "user-supplied-name" } as const;

/**
 * Fails unless every taggable resource beneath each `componentType` in the recording carries
 * `CostCenter` from {@link USER_TAGS}, and no resource that names itself lost its `Name` to the
 * user's. Returns how many resources were checked.
 */
export function assertUserTagsEverywhere(rec: Recording, componentType: string): number {
    const { checked, missing } = untaggedBeneath(rec, componentType, "CostCenter", USER_TAGS.CostCenter);
    if (checked === 0) throw new Error(`no taggable resource beneath ${componentType}`);
    if (missing.length > 0) throw new Error(`untagged beneath ${componentType}: ${missing.join(", ")}`);
    return checked;
}
