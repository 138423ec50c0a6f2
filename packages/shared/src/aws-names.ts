/**
 * Names AWS defines, checked against the lists `@pulumi/aws` ships (generated from AWS's own SDK
 * models, so they grow with each provider release): regions and their partitions, EC2 instance
 * types, and the RDS, ElastiCache and OpenSearch classes built on them. A value outside the list
 * is refused with the closest known name: `db.t4g.micro2` would otherwise fail only at deploy.
 */
import { ConfigError } from "./errors";
import type { PARTITIONS } from "./arn";

type Partition = (typeof PARTITIONS)[number];

/**
 * Region name → partition, by the regions' name patterns of AWS's partition metadata
 * (https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html).
 * More specific prefixes first: `us-gov-` and `us-iso-` regions are not in the `aws` partition.
 */
const PARTITION_PATTERNS: Array<[RegExp, Partition]> = [
    [/^us-gov-[a-z]+-\d+$/, "aws-us-gov"],
    [/^us-iso-[a-z]+-\d+$/, "aws-iso"],
    [/^us-isob-[a-z]+-\d+$/, "aws-iso-b"],
    [/^eu-isoe-[a-z]+-\d+$/, "aws-iso-e"],
    [/^us-isof-[a-z]+-\d+$/, "aws-iso-f"],
    [/^eusc-[a-z]+-[a-z]+-\d+$/, "aws-eusc"],
    [/^cn-[a-z]+-\d+$/, "aws-cn"],
    [/^(us|eu|ap|sa|ca|me|af|il|mx)-[a-z]+-\d+$/, "aws"],
];

/** The partition a region name belongs to, or undefined when the name fits no partition's pattern. */
export function partitionOf(region: string): Partition | undefined {
    return PARTITION_PATTERNS.find(([re]) => re.test(region))?.[1];
}

let regions: string[] | undefined;
/** Every region `@pulumi/aws` knows (its `Region` enum), loaded on first use. */
export function knownRegions(): readonly string[] {
    if (!regions) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at import
        const enums = require("@pulumi/aws/types/enums") as { Region: Record<string, string> };
        regions = Object.values(enums.Region);
    }
    return regions;
}

let ec2Types: Set<string> | undefined;
/** Every EC2 instance type `@pulumi/aws` knows (its `ec2.InstanceType` enum), loaded on first use. */
export function knownInstanceTypes(): ReadonlySet<string> {
    if (!ec2Types) {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, not at import
        const enums = require("@pulumi/aws/types/enums/ec2") as { InstanceType: Record<string, string> };
        ec2Types = new Set(Object.values(enums.InstanceType));
    }
    return ec2Types;
}

/** Edit distance, for suggesting the name a misspelled one meant. */
export function editDistance(a: string, b: string): number {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let diag = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const up = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
            diag = up;
        }
    }
    return row[b.length];
}

/**
 * The candidate closest to `value` (case differences cost nothing, other edits one each), or
 * undefined when even the closest is more than a third of the value's length away (a guess, not a
 * suggestion).
 */
export function closestName(value: string, candidates: Iterable<string>): string | undefined {
    let best: string | undefined;
    let bestScore = Infinity;
    const v = value.toLowerCase();
    for (const c of candidates) {
        const score = editDistance(v, c.toLowerCase());
        if (score < bestScore) {
            best = c;
            bestScore = score;
        }
    }
    return bestScore <= Math.max(2, Math.floor(value.length / 3)) ? best : undefined;
}

const didYouMean = (near: string | undefined) => (near ? ` (did you mean ${near}?)` : "");

/**
 * An AWS region `@pulumi/aws` knows, e.g. `eu-west-1`: `us-east-9`, `useast1` and `""` are refused
 * (the provider would refuse them at the first call, after the program ran).
 */
export function requireRegion(key: string, value: unknown): string {
    const allowed = "an AWS region name, e.g. eu-west-1, us-east-1, eu-central-1";
    if (typeof value !== "string" || value === "") throw new ConfigError(key, value, "is not a region", allowed);
    if (!knownRegions().includes(value) || partitionOf(value) === undefined) {
        throw new ConfigError(
            key,
            value,
            `is not an AWS region${didYouMean(closestName(value, knownRegions()))}`,
            allowed,
        );
    }
    return value;
}

/**
 * A region that holds a copy of the stack's data: a known region, another than the stack's, in the
 * same partition (AWS Backup copies, like every cross-region operation, stay within a partition:
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html).
 */
export function requireOtherRegionInPartition(key: string, value: unknown, stackRegion: string | undefined): string {
    const region = requireRegion(key, value);
    if (stackRegion === undefined) return region;
    const want = partitionOf(stackRegion);
    if (region === stackRegion) {
        throw new ConfigError(
            key,
            value,
            "is the stack's own region (a copy there survives no regional outage)",
            `another region of partition ${want}`,
        );
    }
    if (partitionOf(region) !== want) {
        throw new ConfigError(
            key,
            value,
            `is in partition ${partitionOf(region)}, but the stack's region ${stackRegion} is in ${want}`,
            `another region of partition ${want}`,
        );
    }
    return region;
}

const SIZE = /^(nano|micro|small|medium|large|xlarge|[1-9]\d*xlarge|metal(-\d+xl)?)$/;

function requireClass(
    key: string,
    value: unknown,
    what: string,
    prefix: string,
    suffix: string,
    example: string,
    extra: (type: string) => boolean = () => false,
): string {
    const allowed =
        `${what} ${prefix}<family>.<size>${suffix} whose EC2 type exists (e.g. ${example}); ` +
        "see https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html";
    if (
        typeof value !== "string" ||
        !value.startsWith(prefix) ||
        !value.endsWith(suffix) ||
        value.length <= prefix.length + suffix.length
    ) {
        throw new ConfigError(key, value, `is not ${what}`, allowed);
    }
    const type = value.slice(prefix.length, value.length - suffix.length);
    if (knownInstanceTypes().has(type) || extra(type)) return value;
    const size = type.split(".")[1] ?? "";
    const near = closestName(type, knownInstanceTypes());
    const problem =
        type.split(".").length !== 2
            ? `is not ${what} (<family>.<size>)`
            : !SIZE.test(size)
              ? `has no size ${JSON.stringify(size)}`
              : `names no instance type AWS has`;
    throw new ConfigError(key, value, `${problem}${didYouMean(near && `${prefix}${near}${suffix}`)}`, allowed);
}

/** An EC2 instance type, e.g. `t3.small`: https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-types.html */
export function requireInstanceType(key: string, value: unknown, example = "t3.small, m7i.large"): string {
    return requireClass(key, value, "an EC2 instance type", "", "", example);
}

/**
 * An RDS DB instance class: `db.` and an EC2 type, e.g. `db.t4g.micro`
 * (https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Types.html).
 * Which classes an engine version offers in a region is AWS's to say at deploy; a class that
 * cannot exist is refused here.
 */
export function requireDbInstanceClass(key: string, value: unknown, what = "an RDS instance class"): string {
    return requireClass(key, value, what, "db.", "", "db.t4g.micro, db.m7g.large");
}

/** An ElastiCache node type: `cache.` and an EC2 type (https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html). */
export function requireCacheNodeType(key: string, value: unknown): string {
    return requireClass(key, value, "an ElastiCache node type", "cache.", "", "cache.t4g.micro, cache.r7g.large");
}

/**
 * An OpenSearch Service instance type: an EC2 type and `.search`, or one of the families only
 * OpenSearch has (OR1, OR2, OM2, OI2)
 * (https://docs.aws.amazon.com/opensearch-service/latest/developerguide/supported-instance-types.html).
 */
export function requireSearchInstanceType(key: string, value: unknown): string {
    return requireClass(
        key,
        value,
        "an OpenSearch instance type",
        "",
        ".search",
        "t3.medium.search, r7g.large.search",
        (type) => /^(or1|or2|om2|oi2)\.(medium|large|xlarge|[1-9]\d*xlarge)$/.test(type),
    );
}

/**
 * The CPU architecture of an EC2 instance type, from AWS's naming convention
 * (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html): Graviton
 * (arm64) types carry a `g` among the attributes after the generation (`t4g`, `m7gd`, `c6gn`,
 * `im4gn`, `is4gen`, `g5g`), and `a1` is the first Graviton family. Mac instances (`mac1`,
 * `mac2`…) run macOS on dedicated hosts and have no Linux AMI here: `undefined`.
 */
export function instanceArchitecture(instanceType: string): "x86_64" | "arm64" | undefined {
    const m = /^([a-z]+)(\d+)([a-z0-9-]*)\./.exec(instanceType);
    if (!m) return "x86_64";
    if (m[1] === "mac") return undefined;
    return m[1] === "a" || m[3].includes("g") ? "arm64" : "x86_64";
}

/**
 * Refuses an instance type whose CPU architecture is not the one the AMI (and images) are built
 * for: an `m7g` type launched from an x86_64 AMI never boots, and the error would only come at
 * deploy (the launch template takes any pair). `architectureKey` names the argument or config key
 * that sets the architecture, so the message says which of the two to change.
 *
 * @throws ConfigError naming `key` when the type is a Mac type or of the other architecture.
 */
export function requireInstanceArchitecture(
    key: string,
    instanceType: string,
    architecture: "x86_64" | "arm64",
    architectureKey: string,
): string {
    const actual = instanceArchitecture(instanceType);
    if (actual === undefined) {
        throw new ConfigError(
            key,
            instanceType,
            "is a Mac instance type (macOS on a dedicated host)",
            "a Linux instance type",
        );
    }
    if (actual !== architecture) {
        throw new ConfigError(
            key,
            instanceType,
            `is an ${actual} type, but the AMI and images are ${architecture} (${architectureKey})`,
            architecture === "arm64"
                ? `a Graviton type such as t4g.small or m7g.large, or ${architectureKey} set to match`
                : `an x86_64 type such as t3.small or m7i.large, or ${architectureKey} set to match`,
        );
    }
    return instanceType;
}
