import { Cidr, cidrSize, ConfigError, formatCidr, KeyOf, requireInteger, requireVpcCidr } from "@citadel/shared";

/**
 * The subnet plan always reserves room for this many AZs, so that growing a VPC from 2 to 3 AZs
 * adds subnets without renumbering (and so replacing) the existing ones.
 */
export const RESERVED_AZ_SLOTS = 3;

export interface SubnetLayoutRequest {
    /** The VPC's IPv4 block, a /16 to /24. */
    cidrBlock: string;
    /** Number of AZs, 2 or 3. */
    azCount: number;
    /** Prefix length of each public subnet. */
    publicSubnetPrefixLength: number;
    /** Prefix length of each private subnet. */
    privateSubnetPrefixLength: number;
}

export interface SubnetLayout {
    /** One CIDR per AZ, in AZ order. */
    readonly publicCidrs: string[];
    /** One CIDR per AZ, in AZ order. */
    readonly privateCidrs: string[];
}

/**
 * Carves a public and a private subnet per AZ out of the VPC block, deterministically: the larger
 * kind of subnet first, each kind in a run of RESERVED_AZ_SLOTS aligned slots. The result depends
 * only on the request, never on what AWS returns.
 */
export function carveSubnets(req: SubnetLayoutRequest, keyOf: KeyOf = (f) => f): SubnetLayout {
    const vpc = requireVpcCidr(keyOf("cidrBlock"), req.cidrBlock, 16, 24);
    requireInteger(keyOf("azCount"), req.azCount, 2, RESERVED_AZ_SLOTS);
    // AWS subnets are /16 to /28, and never larger than the VPC itself.
    const minPrefix = Math.max(vpc.prefix, 16);
    const pub = requireInteger(keyOf("publicSubnetPrefixLength"), req.publicSubnetPrefixLength, minPrefix, 28);
    const priv = requireInteger(keyOf("privateSubnetPrefixLength"), req.privateSubnetPrefixLength, minPrefix, 28);

    // Larger blocks first: every block then starts aligned without gaps.
    const runs: Array<{ kind: "public" | "private"; prefix: number }> =
        priv <= pub
            ? [
                  { kind: "private", prefix: priv },
                  { kind: "public", prefix: pub },
              ]
            : [
                  { kind: "public", prefix: pub },
                  { kind: "private", prefix: priv },
              ];

    const needed = RESERVED_AZ_SLOTS * (cidrSize(pub) + cidrSize(priv));
    const available = cidrSize(vpc.prefix);
    if (needed > available) {
        throw new ConfigError(
            keyOf("cidrBlock"),
            req.cidrBlock,
            `cannot hold ${RESERVED_AZ_SLOTS} public /${pub} and ${RESERVED_AZ_SLOTS} private /${priv} subnets ` +
                `(${needed} addresses needed, ${available} available)`,
            `a larger block, or longer publicSubnetPrefixLength / privateSubnetPrefixLength`,
        );
    }

    const out: Record<"public" | "private", string[]> = { public: [], private: [] };
    let cursor = vpc.base;
    for (const run of runs) {
        for (let slot = 0; slot < RESERVED_AZ_SLOTS; slot++) {
            const block: Cidr = { base: cursor, prefix: run.prefix };
            cursor += cidrSize(run.prefix);
            if (slot < req.azCount) out[run.kind].push(formatCidr(block));
        }
    }
    return { publicCidrs: out.public, privateCidrs: out.private };
}
