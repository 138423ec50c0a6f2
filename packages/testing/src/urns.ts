/**
 * URN pinning: a committed file per stack (`Pulumi.<stack>.urns.json`, beside the stack file) lists
 * the URNs of every stateful resource. Pulumi identifies a resource by its URN (stack, project,
 * parent type chain, type, name); a change that alters it without an alias makes `pulumi up` create
 * a new resource and delete the old one: a new, empty key, bucket or database, and the data gone.
 * `pnpm test` compares each stack's run with its file; `pnpm urns --update` rewrites the files
 * after a deliberate change.
 * See https://www.pulumi.com/docs/iac/concepts/resources/names/ (URNs) and
 * https://www.pulumi.com/docs/iac/concepts/options/aliases/ (aliases, inherited by children).
 */
import * as fs from "fs";
import * as path from "path";
import type { AliasSpec, RecordedResource } from "./harness";
import { REPO_ROOT } from "./project";

/** Types that hold data, keys or logs: losing one to a replacement loses what it holds. */
export const STATEFUL_TYPES: readonly string[] = [
    "aws:kms/key:Key",
    "aws:s3/bucket:Bucket",
    "aws:s3/bucketV2:BucketV2",
    "aws:rds/instance:Instance",
    "aws:rds/cluster:Cluster",
    "aws:secretsmanager/secret:Secret",
    "aws:backup/vault:Vault",
    "aws:ecr/repository:Repository",
    "aws:dynamodb/table:Table",
    "aws:efs/fileSystem:FileSystem",
    "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:opensearch/domain:Domain",
    "aws:cloudwatch/logGroup:LogGroup",
];

export interface UrnPinFile {
    /** Why the file exists and how to update it, for whoever opens it. */
    comment: string;
    /** The stack the URNs are of. */
    stack: string;
    /** The project name in the URNs. */
    project: string;
    /** Sorted URNs of the stack's stateful resources. */
    urns: string[];
}

export const URNS_UPDATE_COMMAND = "pnpm urns --update";

export function pinFilePath(stack: string, root = REPO_ROOT): string {
    return path.join(root, `Pulumi.${stack}.urns.json`);
}

export function statefulUrns(resources: readonly RecordedResource[]): string[] {
    return resources
        .filter((r) => STATEFUL_TYPES.includes(r.type))
        .map((r) => r.urn)
        .sort();
}

export function pinFile(stack: string, project: string, resources: readonly RecordedResource[]): UrnPinFile {
    return {
        comment:
            `URNs of the stateful resources of stack ${stack}; a change to one replaces the resource. ` +
            `Checked by pnpm test; after a deliberate change run: ${URNS_UPDATE_COMMAND}`,
        stack,
        project,
        urns: statefulUrns(resources),
    };
}

export function readPinFile(stack: string, root = REPO_ROOT): UrnPinFile | undefined {
    const file = pinFilePath(stack, root);
    return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as UrnPinFile) : undefined;
}

export function writePinFile(
    stack: string,
    project: string,
    resources: readonly RecordedResource[],
    root = REPO_ROOT,
): string {
    const file = pinFilePath(stack, root);
    fs.writeFileSync(file, JSON.stringify(pinFile(stack, project, resources), null, 2) + "\n");
    return file;
}

interface UrnParts {
    stack: string;
    project: string;
    qualifiedType: string;
    name: string;
}

function parseUrn(urn: string): UrnParts {
    const [head, project, qualifiedType, ...rest] = urn.split("::");
    return { stack: head.replace(/^urn:pulumi:/, ""), project, qualifiedType, name: rest.join("::") };
}

const STACK_TYPE = "pulumi:pulumi:Stack";

function makeUrn(stack: string, project: string, parentUrn: string | undefined, type: string, name: string): string {
    const parentType = parentUrn ? parseUrn(parentUrn).qualifiedType : undefined;
    const qualified = parentType && parentType !== STACK_TYPE ? `${parentType}$${type}` : type;
    return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

/**
 * Every URN a resource answers to: its own, those its `aliases` option names, and those it
 * inherits from its parent's aliases, as the engine derives them (a child whose name starts with
 * its parent's name gets the parent's old name as prefix).
 */
export function urnsOf(resources: readonly RecordedResource[]): Map<RecordedResource, Set<string>> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const memo = new Map<RecordedResource, Set<string>>();
    const of = (r: RecordedResource): Set<string> => {
        const known = memo.get(r);
        if (known) return known;
        const own = parseUrn(r.urn);
        const parent = r.parentUrn ? byUrn.get(r.parentUrn) : undefined;
        const out = new Set<string>([r.urn]);
        memo.set(r, out);
        // (parent URN, the name the child had under it)
        const parents: Array<[string | undefined, string]> = [[r.parentUrn, r.name]];
        if (parent) {
            for (const p of of(parent)) {
                if (p === parent.urn) continue;
                const oldParentName = parseUrn(p).name;
                parents.push([
                    p,
                    r.name.startsWith(parent.name) ? oldParentName + r.name.slice(parent.name.length) : r.name,
                ]);
            }
        }
        for (const [p, name] of parents) out.add(makeUrn(own.stack, own.project, p, r.type, name));
        for (const a of r.aliasSpecs) {
            if (a.urn) {
                out.add(a.urn);
                continue;
            }
            const targets: Array<string | undefined> = a.noParent
                ? [undefined]
                : a.parentUrn
                  ? [a.parentUrn, ...(byUrn.get(a.parentUrn) ? [...of(byUrn.get(a.parentUrn)!)] : [])]
                  : parents.map(([p]) => p);
            for (const p of targets) {
                out.add(makeUrn(a.stack ?? own.stack, a.project ?? own.project, p, a.type ?? r.type, a.name ?? r.name));
            }
        }
        return out;
    };
    for (const r of resources) of(r);
    return memo;
}

/**
 * What differs between a run and its pin file, each as a message naming the resource and how to
 * keep it. Empty when every pinned URN is still answered (by a resource or an alias) and every
 * stateful resource is pinned.
 */
export function checkUrnPins(
    pins: UrnPinFile,
    resources: readonly RecordedResource[],
    file = `Pulumi.${pins.stack}.urns.json`,
): string[] {
    const all = urnsOf(resources);
    const answered = new Set<string>();
    for (const urns of all.values()) for (const u of urns) answered.add(u);
    const current = new Set(statefulUrns(resources));
    const pinned = new Set(pins.urns);
    const unpinned = [...current].filter((u) => !pinned.has(u));
    const problems: string[] = [];
    for (const urn of pins.urns) {
        if (answered.has(urn)) continue;
        const old = parseUrn(urn);
        const type = old.qualifiedType.split("$").pop()!;
        const likely = unpinned.filter((u) => parseUrn(u).qualifiedType.split("$").pop() === type);
        problems.push(
            `stack ${pins.stack}: the ${type} "${old.name}" (${urn}) is no longer in the program under that URN, ` +
                "so pulumi up would delete it and create a new, empty one. If it was renamed or moved, keep it with the " +
                `aliases resource option on the component or resource that changed, e.g. { aliases: [{ name: "${old.name}" }] } ` +
                `for a rename, or { aliases: ["${urn}"] } on the resource itself` +
                (likely.length ? `; it may now be ${likely.join(" or ")}` : "") +
                `. If deleting it is deliberate, run ${URNS_UPDATE_COMMAND} and commit ${file}.`,
        );
    }
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    for (const urn of unpinned) {
        // Renamed with an alias: it answers to a pinned URN, so Pulumi keeps it.
        const own = all.get(byUrn.get(urn)!) ?? new Set<string>();
        if ([...own].some((u) => pinned.has(u))) continue;
        problems.push(
            `stack ${pins.stack}: the stateful resource ${urn} is not pinned; run ${URNS_UPDATE_COMMAND} and commit ${file}.`,
        );
    }
    return problems;
}

export type { AliasSpec };
