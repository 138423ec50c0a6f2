import { ConfigError } from "./errors";

/** An IPv4 CIDR block parsed into its network address (as an unsigned 32-bit number) and prefix. */
export interface Cidr {
    readonly base: number;
    readonly prefix: number;
}

const CIDR_RE = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Parses `a.b.c.d/n`; returns undefined for anything that is not a canonical IPv4 CIDR. */
export function parseCidr(text: string): Cidr | undefined {
    const m = CIDR_RE.exec(text);
    if (!m) return undefined;
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) return undefined;
    const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
    // Host bits set (10.0.0.1/16) is almost always a typo; AWS would silently mask it.
    if (prefix < 32 && base % 2 ** (32 - prefix) !== 0) return undefined;
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
    return inner.prefix >= outer.prefix && inner.base >= outer.base &&
        inner.base + cidrSize(inner.prefix) <= outer.base + cidrSize(outer.prefix);
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    return a.base < b.base + cidrSize(b.prefix) && b.base < a.base + cidrSize(a.prefix);
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
