import { strict as assert } from "assert";
import { cidrContains, cidrsOverlap, ConfigError, formatCidr, nonUnicast, parseCidr } from "@citadel/shared";
import { carveSubnets, RESERVED_AZ_SLOTS } from "../src";

/** Small deterministic PRNG so the property test is repeatable. */
function rng(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s / 2 ** 32;
    };
}

describe("carveSubnets", () => {
    it("carves the documented default layout of a /16", () => {
        const l = carveSubnets({
            cidrBlock: "10.20.0.0/16",
            azCount: 2,
            publicSubnetPrefixLength: 24,
            privateSubnetPrefixLength: 20,
        });
        assert.deepEqual(l.privateCidrs, ["10.20.0.0/20", "10.20.16.0/20"]);
        // Three private slots are reserved, so the public run starts after 10.20.47.255.
        assert.deepEqual(l.publicCidrs, ["10.20.48.0/24", "10.20.49.0/24"]);
    });

    it("keeps existing subnets where they are when a third AZ is added", () => {
        const req = { cidrBlock: "10.0.0.0/16", publicSubnetPrefixLength: 24, privateSubnetPrefixLength: 20 };
        const two = carveSubnets({ ...req, azCount: 2 });
        const three = carveSubnets({ ...req, azCount: 3 });
        assert.deepEqual(three.privateCidrs.slice(0, 2), two.privateCidrs);
        assert.deepEqual(three.publicCidrs.slice(0, 2), two.publicCidrs);
    });

    it("puts the larger kind first when public subnets are the larger ones", () => {
        const l = carveSubnets({
            cidrBlock: "10.0.0.0/24",
            azCount: 2,
            publicSubnetPrefixLength: 26,
            privateSubnetPrefixLength: 28,
        });
        assert.deepEqual(l.publicCidrs, ["10.0.0.0/26", "10.0.0.64/26"]);
        assert.deepEqual(l.privateCidrs, ["10.0.0.192/28", "10.0.0.208/28"]);
    });

    it("fills a /24 exactly to the last address", () => {
        // 3 × /26 (192) + 3 × /28 (48) = 240 ≤ 256; 3 × /26 + 3 × /27 = 288 > 256.
        const l = carveSubnets({
            cidrBlock: "192.168.1.0/24",
            azCount: 3,
            publicSubnetPrefixLength: 28,
            privateSubnetPrefixLength: 26,
        });
        assert.deepEqual(l.privateCidrs, ["192.168.1.0/26", "192.168.1.64/26", "192.168.1.128/26"]);
        assert.deepEqual(l.publicCidrs, ["192.168.1.192/28", "192.168.1.208/28", "192.168.1.224/28"]);
        assert.throws(
            () =>
                carveSubnets({
                    cidrBlock: "192.168.1.0/24",
                    azCount: 2,
                    publicSubnetPrefixLength: 27,
                    privateSubnetPrefixLength: 26,
                }),
            (e: Error) =>
                e instanceof ConfigError &&
                /cidrBlock: "192\.168\.1\.0\/24" cannot hold 3 public \/27 and 3 private \/26 subnets \(288 addresses needed, 256 available\)/.test(
                    e.message,
                ),
        );
    });

    it("refuses CIDRs that are malformed, have host bits, or are outside /16../24", () => {
        for (const bad of [
            "10.0.0.0",
            "10.0.0.0/33",
            "256.0.0.0/16",
            "10.0.0.1/16",
            "10.0.0.0/8",
            "10.0.0.0/25",
            "",
            "x",
        ]) {
            assert.throws(
                () =>
                    carveSubnets({
                        cidrBlock: bad,
                        azCount: 2,
                        publicSubnetPrefixLength: 24,
                        privateSubnetPrefixLength: 20,
                    }),
                (e: Error) =>
                    e instanceof ConfigError &&
                    e.message.startsWith(`cidrBlock: ${JSON.stringify(bad)}`) &&
                    e.message.includes("allowed an IPv4 network a.b.c.d/n with n in 16..24"),
                `accepted ${bad}`,
            );
        }
    });

    it("refuses an AZ count outside 2..3 and subnet sizes outside the VPC or AWS limits", () => {
        const ok = {
            cidrBlock: "10.0.0.0/16",
            azCount: 2,
            publicSubnetPrefixLength: 24,
            privateSubnetPrefixLength: 20,
        };
        assert.throws(() => carveSubnets({ ...ok, azCount: 4 }), /azCount: 4 is out of range, allowed 2\.\.3/);
        assert.throws(() => carveSubnets({ ...ok, azCount: 1 }), /azCount: 1 is out of range, allowed 2\.\.3/);
        assert.throws(() => carveSubnets({ ...ok, azCount: 2.5 }), /azCount: 2.5 is not a whole number/);
        assert.throws(
            () => carveSubnets({ ...ok, publicSubnetPrefixLength: 29 }),
            /publicSubnetPrefixLength: 29 is out of range, allowed 16\.\.28/,
        );
        assert.throws(
            () => carveSubnets({ ...ok, cidrBlock: "10.0.0.0/20", privateSubnetPrefixLength: 18 }),
            /privateSubnetPrefixLength: 18 is out of range, allowed 20\.\.28/,
        );
    });

    it("property: every layout is aligned, inside the VPC, disjoint and deterministic", () => {
        const random = rng(42);
        let checked = 0;
        for (let i = 0; i < 2000; i++) {
            const prefix = 16 + Math.floor(random() * 9);
            const base = (Math.floor(random() * 2 ** 32) >>> (32 - prefix)) * 2 ** (32 - prefix);
            const cidrBlock = formatCidr({ base: base >>> 0, prefix });
            const req = {
                cidrBlock,
                azCount: 2 + Math.floor(random() * 2),
                publicSubnetPrefixLength: prefix + Math.floor(random() * (29 - prefix)),
                privateSubnetPrefixLength: prefix + Math.floor(random() * (29 - prefix)),
            };
            let layout;
            try {
                layout = carveSubnets(req);
            } catch (e) {
                // A random block may fall in a range no VPC can use (multicast, loopback, ...): refused as such.
                if (e instanceof ConfigError && /which a VPC cannot use/.test(e.message)) {
                    assert.ok(nonUnicast(parseCidr(cidrBlock)!), `refused a unicast block: ${cidrBlock}`);
                    continue;
                }
                assert.ok(e instanceof ConfigError && /cannot hold/.test(e.message), String(e));
                const needed =
                    RESERVED_AZ_SLOTS *
                    (2 ** (32 - req.publicSubnetPrefixLength) + 2 ** (32 - req.privateSubnetPrefixLength));
                assert.ok(needed > 2 ** (32 - prefix), `refused a layout that fits: ${JSON.stringify(req)}`);
                continue;
            }
            checked++;
            const vpc = parseCidr(cidrBlock)!;
            const all = [...layout.publicCidrs, ...layout.privateCidrs].map((c) => parseCidr(c));
            assert.equal(layout.publicCidrs.length, req.azCount);
            assert.equal(layout.privateCidrs.length, req.azCount);
            for (const [j, c] of all.entries()) {
                assert.ok(c, "unparseable output (not aligned)");
                assert.ok(cidrContains(vpc, c!), `${formatCidr(c!)} outside ${cidrBlock}`);
                for (const d of all.slice(j + 1))
                    assert.ok(!cidrsOverlap(c!, d!), `${formatCidr(c!)} overlaps ${formatCidr(d!)}`);
            }
            assert.deepEqual(carveSubnets(req), layout);
        }
        assert.ok(checked > 500, `only ${checked} layouts fitted; the generator is too narrow`);
    });
});
