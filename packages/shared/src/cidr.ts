/**
 * IPv4 CIDR blocks: parsing (the `ip-address` library: strict dotted quads, no octal or hex forms),
 * address-space reasoning (`0.0.0.0/1` + `128.0.0.0/1` is the whole internet) and the validators
 * every component and the stack config share.
 */
import { Address4 } from "ip-address";
import { ConfigError } from "./errors";

/** An IPv4 CIDR block parsed into its network address (as an unsigned 32-bit number) and prefix. */
export interface Cidr {
    /** The network address as an unsigned 32-bit number (`10.0.0.0` is 167772160). */
    readonly base: number;
    /** The prefix length, 0 to 32. */
    readonly prefix: number;
}

// ip-address accepts a bare address (a /32) and leading zeros in some forms: require the canonical text.
const CANONICAL = /^(0|[1-9]\d{0,2})(\.(0|[1-9]\d{0,2})){3}\/(0|[1-9]\d?)$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
    if (typeof text !== "string" || !CANONICAL.test(text) || !Address4.isValid(text)) return undefined;
    const a = new Address4(text);
    const prefix = a.subnetMask;
    if (prefix > 32) return undefined;
    const base = Number(new Address4(text.split("/")[0]).bigInt());
    // Host bits set (10.0.0.1/16) is almost always a typo; AWS would silently mask it.
    if (base !== Number(a.startAddress().bigInt())) return undefined;
    return { base, prefix };
}

export function formatCidr(c: Cidr): string {
    const b = c.base;
    return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

export function cidrSize(prefix: number): number {
    return 2 ** (32 - prefix);
}

export function cidrContains(outer: Cidr, inner: Cidr): boolean {
    return (
        inner.prefix >= outer.prefix &&
        inner.base >= outer.base &&
        inner.base + cidrSize(inner.prefix) <= outer.base + cidrSize(outer.prefix)
    );
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + cidrSize(b.prefix) && b.base < a.base + cidrSize(a.prefix);
}

/**
 * Addresses covered by the union of the blocks (overlaps counted once). One sort and one pass:
 * linear after sorting, so a policy rule can afford it on every security group.
 */
export function cidrUnionSize(cidrs: readonly Cidr[]): number {
    const spans = cidrs.map((c) => [c.base, c.base + cidrSize(c.prefix)] as const).sort((x, y) => x[0] - y[0]);
    let total = 0;
    let end = -1;
    for (const [s, e] of spans) {
        if (s >= end) {
            total += e - s;
            end = e;
        } else if (e > end) {
            total += e - end;
            end = e;
        }
    }
    return total;
}

/** Validates a CIDR string, naming the key on failure. */
export function requireCidr(key: string, value: unknown, minPrefix: number, maxPrefix: number): Cidr {
    const allowed = `an IPv4 network a.b.c.d/n with n in ${minPrefix}..${maxPrefix} and no host bits set`;
    const parsed = typeof value === "string" ? parseCidr(value) : undefined;
    if (!parsed) throw new ConfigError(key, value, "is not a valid CIDR block", allowed);
    if (parsed.prefix < minPrefix || parsed.prefix > maxPrefix) {
        throw new ConfigError(key, value, "has a prefix length out of range", allowed);
    }
    return parsed;
}

/**
 * Ranges a VPC cannot use (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html:
 * "this network" 0.0.0.0/8, loopback, link-local, multicast and the reserved class E space, and the
 * broadcast address), and that never appear as a source of traffic in a security group.
 */
export const NON_UNICAST: ReadonlyArray<[string, string]> = [
    ["0.0.0.0/8", '"this network"'],
    ["127.0.0.0/8", "loopback"],
    ["169.254.0.0/16", "link-local"],
    ["224.0.0.0/4", "multicast"],
    ["240.0.0.0/4", "reserved (class E) or broadcast"],
];
const NON_UNICAST_PARSED = NON_UNICAST.map(([c, what]) => [parseCidr(c)!, what] as const);

/** Why the block is not unicast address space, or undefined. */
export function nonUnicast(c: Cidr): string | undefined {
    return NON_UNICAST_PARSED.find(([r]) => cidrsOverlap(r, c))?.[1];
}

/** The VPC's block: /16../28 in AWS, never a reserved or multicast range. */
export function requireVpcCidr(key: string, value: unknown, minPrefix: number, maxPrefix: number): Cidr {
    const c = requireCidr(key, value, minPrefix, maxPrefix);
    const what = nonUnicast(c);
    if (what) {
        throw new ConfigError(
            key,
            value,
            `overlaps the ${what} range, which a VPC cannot use`,
            "a private (RFC 1918) or publicly routable unicast block, e.g. 10.0.0.0/16",
        );
    }
    return c;
}

/**
 * The default floor for ingress sources: no single block, and no set of blocks together, may open
 * more addresses than one /16 (65,536).
 */
export const DEFAULT_INGRESS_PREFIX_FLOOR = 16;

/**
 * Sources allowed in through a security group: a non-empty list of unique, unicast blocks, each at
 * least `/floor`, and together at most as many addresses as one `/floor` block (so the internet
 * cannot be let in piecewise: `0.0.0.0/1` + `128.0.0.0/1`, or 256 /8s).
 */
export function requireIngressCidrs(
    key: string,
    value: unknown,
    what: string,
    floor: number = DEFAULT_INGRESS_PREFIX_FLOOR,
): Cidr[] {
    const max = cidrSize(floor);
    const allowed =
        `one or more IPv4 CIDR blocks of ${what}, each /${floor} or narrower, ` + `together at most ${max} addresses`;
    if (!Array.isArray(value) || value.length === 0)
        throw new ConfigError(key, value, "is empty or not a list", allowed);
    const seen = new Set<string>();
    const parsed: Cidr[] = [];
    for (const text of value) {
        const c = typeof text === "string" ? parseCidr(text) : undefined;
        if (!c) throw new ConfigError(key, text, "is not a valid CIDR block", allowed);
        if (c.prefix === 0) throw new ConfigError(key, text, "opens the port to the whole internet", allowed);
        if (c.prefix < floor)
            throw new ConfigError(key, text, `is wider than /${floor} (${cidrSize(c.prefix)} addresses)`, allowed);
        const reserved = nonUnicast(c);
        if (reserved)
            throw new ConfigError(key, text, `is in the ${reserved} range, never a source of traffic`, allowed);
        if (seen.has(text)) throw new ConfigError(key, value, `repeats ${JSON.stringify(text)}`, allowed);
        seen.add(text);
        parsed.push(c);
    }
    const union = cidrUnionSize(parsed);
    if (union > max) {
        throw new ConfigError(key, value, `together open ${union} addresses`, allowed);
    }
    return parsed;
}

/** Validates a prefix floor argument: 8..32 (a floor below /8 would let a block open 1/128 of the internet). */
export function requirePrefixFloor(key: string, value: unknown): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < 8 || value > 32) {
        throw new ConfigError(key, value, "is not a prefix length in range", "an integer in 8..32");
    }
    return value;
}
