/**
 * The shared validators a component calls with its own argument names (issue 11): pure, one row
 * per input. The stack config tables (stacks/test/fresh-user.test.ts) cover the same rules by key.
 */
import { strict as assert } from "assert";
import {
    ConfigError,
    formatValue,
    HIDDEN,
    knownRegions,
    partitionOf,
    requireCacheNodeType,
    requireDbInstanceClass,
    requireEmailAddress,
    requireInstanceType,
    requireOtherRegionInPartition,
    requirePublicHttpsUrl,
    requireRegion,
    requireSchedule,
    requireSearchInstanceType,
    requireUnicastAddress,
    instanceArchitecture,
    requireInstanceArchitecture,
} from "../src";

function refused(fn: () => unknown, message: string): void {
    assert.throws(fn, (e: Error) => {
        assert.ok(e instanceof ConfigError, `not a ConfigError: ${e}`);
        assert.ok(e.message.startsWith(message), `\n got: ${e.message}\nwant: ${message}`);
        return true;
    });
}

describe("shared validators (pure)", () => {
    it("partitionOf: every region the provider knows has a partition, by AWS's name patterns", () => {
        for (const r of knownRegions()) assert.ok(partitionOf(r), r);
        const expected: Array<[string, string | undefined]> = [
            ["eu-west-1", "aws"],
            ["il-central-1", "aws"],
            ["mx-central-1", "aws"],
            ["cn-north-1", "aws-cn"],
            ["us-gov-west-1", "aws-us-gov"],
            ["us-iso-east-1", "aws-iso"],
            ["us-isob-east-1", "aws-iso-b"],
            ["eu-isoe-west-1", "aws-iso-e"],
            ["us-isof-south-1", "aws-iso-f"],
            ["eusc-de-east-1", "aws-eusc"],
            ["mars-north-1", undefined],
            ["", undefined],
        ];
        for (const [region, partition] of expected) assert.equal(partitionOf(region), partition, region);
    });

    it("regions: known names only, with the closest suggested; copies in another region of the same partition", () => {
        assert.equal(requireRegion("r", "ap-southeast-7"), "ap-southeast-7");
        refused(
            () => requireRegion("r", "us-east-1a"),
            'r: "us-east-1a" is not an AWS region (did you mean us-east-1?)',
        );
        refused(() => requireRegion("r", 1), "r: 1 is not a region");
        refused(() => requireOtherRegionInPartition("c", "us-gov-east-1", "us-gov-west-1x"), 'c: "us-gov-east-1"');
        assert.equal(requireOtherRegionInPartition("c", "us-gov-east-1", "us-gov-west-1"), "us-gov-east-1");
        refused(
            () => requireOtherRegionInPartition("c", "us-east-1", "us-gov-west-1"),
            'c: "us-east-1" is in partition aws, but the stack\'s region us-gov-west-1 is in aws-us-gov',
        );
    });

    it("instance types and classes: the provider's list, with the closest suggested", () => {
        assert.equal(requireInstanceType("t", "c7gn.16xlarge"), "c7gn.16xlarge");
        assert.equal(requireInstanceType("t", "m7i.metal-24xl"), "m7i.metal-24xl");
        refused(() => requireInstanceType("t", "c7gn.17xlarge"), 't: "c7gn.17xlarge" names no instance type AWS has');
        refused(
            () => requireInstanceType("t", "t3micro"),
            't: "t3micro" is not an EC2 instance type (<family>.<size>)',
        );
        refused(() => requireInstanceType("t", undefined), "t: (unset) is not an EC2 instance type");
        assert.equal(requireDbInstanceClass("c", "db.r6gd.xlarge"), "db.r6gd.xlarge");
        refused(
            () => requireDbInstanceClass("c", "db.t4g.micro2"),
            'c: "db.t4g.micro2" has no size "micro2" (did you mean db.t4g.micro?)',
        );
        refused(
            () => requireCacheNodeType("n", "cache.m7g.larg"),
            'n: "cache.m7g.larg" has no size "larg" (did you mean cache.m7g.large?)',
        );
        assert.equal(requireSearchInstanceType("s", "or2.xlarge.search"), "or2.xlarge.search");
        refused(() => requireSearchInstanceType("s", "or1.nano.search"), 's: "or1.nano.search"');
    });

    it("schedules: AWS cron (six fields, one ? day) and rate, per the EventBridge reference", () => {
        for (const ok of [
            "cron(0 10 * * ? *)",
            "cron(15 12 * * ? *)",
            "cron(0 18 ? * MON-FRI *)",
            "cron(0 8 1 * ? *)",
            "cron(0/15 * * * ? *)",
            "cron(0/10 * ? * MON-FRI *)",
            "cron(0/5 8-17 ? * MON-FRI *)",
            "cron(0 9 ? * 2#1 *)",
        ]) {
            assert.equal(requireSchedule("s", ok), ok);
        }
        refused(
            () => requireSchedule("s", "rate(5 minutes)"),
            's: "rate(5 minutes)" is a rate expression, and only cron is accepted here',
        );
        assert.equal(requireSchedule("s", "rate(5 minutes)", { rateUnits: ["minute"] }), "rate(5 minutes)");
        refused(() => requireSchedule("s", 5), "s: 5 is not a schedule expression");
    });

    it("email addresses, webhooks and unicast addresses", () => {
        assert.equal(requireEmailAddress("e", "o'brien+alerts@mail.example.ie"), "o'brien+alerts@mail.example.ie");
        refused(() => requireEmailAddress("e", "ops@example.com\n"), 'e: "ops@example.com\\n" contains white space');
        refused(
            () => requirePublicHttpsUrl("h", "https://[fe80::1]/x"),
            'h: "https://[fe80::1]/x" has a host SNS cannot reach ([fe80::1]: link-local)',
        );
        refused(
            () => requirePublicHttpsUrl("h", "https://100.64.0.1/x"),
            'h: "https://100.64.0.1/x" has a host SNS cannot reach (100.64.0.1: shared (carrier-grade NAT))',
        );
        assert.equal(requirePublicHttpsUrl("h", "https://203.0.114.7/x"), "https://203.0.114.7/x");
        assert.equal(requireUnicastAddress("a", "10.0.0.1"), "10.0.0.1");
        refused(
            () => requireUnicastAddress("a", "240.0.0.1"),
            'a: "240.0.0.1" is in the reserved (class E) or broadcast range',
        );
    });

    it("messages: long values cut, hidden ones never shown", () => {
        assert.equal(formatValue("a".repeat(118)), JSON.stringify("a".repeat(118)), "120 characters as printed: whole");
        assert.equal(formatValue("a".repeat(119)), `"${"a".repeat(79)}…" (119 characters)`);
        assert.equal(
            formatValue(Array.from({ length: 100 }, () => "x")).endsWith('"x"… (401 characters as JSON)'),
            true,
        );
        assert.equal(formatValue(HIDDEN), "(secret, not shown)");
        assert.equal(
            new ConfigError("k", HIDDEN, "is wrong", "right").message,
            "k: (secret, not shown) is wrong, allowed right",
        );
        // A cut never splits a character outside the Basic Multilingual Plane.
        assert.equal(formatValue("😀".repeat(200)), `"${"😀".repeat(79)}…" (200 characters)`);
        // A cut value reads as one quoted token: the quote closes after the `…`, even when the cut
        // falls inside a string of an array or object, and never splits an escape sequence.
        const cuts: [unknown, string][] = [
            ["a".repeat(100000), `"${"a".repeat(79)}…" (100000 characters)`],
            [`1000${"\r".repeat(5000)}`, `"1000${"\\r".repeat(37)}…" (5004 characters)`],
            ["a\u2028".repeat(100), `"${"a\\u2028".repeat(11)}a…" (200 characters)`],
            [["y".repeat(200)], `["${"y".repeat(78)}…" (204 characters as JSON)`],
            [{ k: "\u202e".repeat(100) }, `{"k":"${"\\u202E".repeat(12)}…" (608 characters as JSON)`],
            [Array.from({ length: 100 }, () => "x"), `[${'"x",'.repeat(19)}"x"… (401 characters as JSON)`],
            [10n ** 200n, `1${"0".repeat(79)}… (201 characters)`],
        ];
        for (const [value, printed] of cuts) assert.equal(formatValue(value), printed);
    });

    // The architecture an instance type needs, from AWS's naming convention
    // (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html).
    it("reads each instance type's CPU architecture by AWS's naming convention", () => {
        const cases: Array<[string, "x86_64" | "arm64" | undefined]> = [
            ["t3.small", "x86_64"],
            ["m7i.large", "x86_64"],
            ["g4dn.xlarge", "x86_64"],
            ["inf2.xlarge", "x86_64"],
            ["gr6.4xlarge", "x86_64"],
            ["t4g.small", "arm64"],
            ["m7gd.large", "arm64"],
            ["c6gn.large", "arm64"],
            ["im4gn.large", "arm64"],
            ["is4gen.large", "arm64"],
            ["g5g.xlarge", "arm64"],
            ["x2gd.large", "arm64"],
            ["a1.large", "arm64"],
            ["mac1.metal", undefined],
            ["mac2-m2pro.metal", undefined],
        ];
        for (const [type, arch] of cases) assert.equal(instanceArchitecture(type), arch, type);
    });

    it("refuses an instance type of the other architecture or a Mac type, naming both keys", () => {
        assert.equal(requireInstanceArchitecture("t", "t4g.small", "arm64", "a"), "t4g.small");
        refused(
            () => requireInstanceArchitecture("t", "m7g.large", "x86_64", "a"),
            't: "m7g.large" is an arm64 type, but the AMI and images are x86_64 (a)',
        );
        refused(() => requireInstanceArchitecture("t", "m7i.large", "arm64", "a"), 't: "m7i.large" is an x86_64 type');
        refused(
            () => requireInstanceArchitecture("t", "mac1.metal", "x86_64", "a"),
            't: "mac1.metal" is a Mac instance type',
        );
    });
});
