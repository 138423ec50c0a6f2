import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { assertUserTagsEverywhere, capture, named, USER_TAGS, valueOf } from "../../testing/src";
import {
    BACKUP_TAG_KEY,
    BACKUP_TAG_VALUE,
    ConfigError,
    DocumentDatabase,
    KmsKey,
    MAX_COMPONENT_TAGS,
    mergeTagsUnder,
    NetworkRef,
    PostgresDatabase,
    SecureBucket,
    tagProblem,
    tagResourceInputs,
    validateTags,
    withTags,
} from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const network: NetworkRef = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    availabilityZones: ["a", "b"],
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
};

describe("component tags (withTags)", () => {
    // AWS's common tag rules: https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
    // (50 per resource, key 1..128 and value 0..256 Unicode characters, letters/numbers/spaces and
    // _ . : / = + - @, no aws: prefix in any case on keys or values).
    it("refuses what AWS refuses, naming the argument and the key", () => {
        const refused = (tags: Record<string, string>, re: RegExp) =>
            assert.throws(
                () => validateTags(`Cache "c": tags`, tags),
                (e: unknown) => e instanceof ConfigError && re.test(e.message),
            );
        refused({ "aws:team": "x" }, /^Cache "c": tags\.aws:team: "aws:team" uses the reserved prefix "aws:"/);
        refused({ "AWS:Team": "x" }, /reserved prefix "aws:"/);
        refused({ team: "aws:x" }, /tags\.team: "aws:x" uses the reserved prefix "aws:"/);
        refused({ ["k".repeat(129)]: "x" }, /is 129 characters long, allowed keys of 1\.\.128 characters/);
        refused({ team: "v".repeat(257) }, /is 257 characters long, allowed values of 0\.\.256 characters/);
        refused({ "team#1": "x" }, /has a character AWS tags do not allow/);
        refused({ team: "a,b" }, /has a character AWS tags do not allow/);
        refused({ "": "x" }, /is 0 characters long/);
        // A refused key is escaped in the argument path, so it cannot break the message's line.
        refused({ "a\nb": "x" }, /^Cache "c": tags\["a\\nb"\]: /);
        refused(
            { "a\u2028b": "x" },
            /^Cache "c": tags\["a\\u2028b"\]: "a\\u2028b" has a character AWS tags do not allow/,
        );
        refused({ team: "a\u2029b" }, /has a character AWS tags do not allow/);
        assert.throws(
            () => validateTags("X: tags", ["CostCenter=imaging"] as any),
            /X: tags: \["CostCenter=imaging"\] is not a map of tags/,
        );
        const many = Object.fromEntries(Array.from({ length: MAX_COMPONENT_TAGS + 1 }, (_, i) => [`k${i}`, "v"]));
        refused(many, /46 tags" are too many, allowed at most 45/);
    });

    it("accepts the edges AWS accepts: 128/256 characters (counted as Unicode), empty values, the allowed symbols, 45 tags", () => {
        assert.equal(tagProblem("k".repeat(128), "v".repeat(256)), undefined);
        assert.equal(tagProblem("Équipe données", "Radiologie + Labor @ 2/3 = _.:-"), undefined);
        assert.equal(tagProblem("owner", ""), undefined);
        assert.equal(tagProblem("é".repeat(128), ""), undefined);
        const max = Object.fromEntries(Array.from({ length: MAX_COMPONENT_TAGS }, (_, i) => [`k${i}`, "v"]));
        assert.doesNotThrow(() => validateTags("tags", max));
    });

    it("refuses Citadel's own keys rather than letting a user tag take a resource out of backups", () => {
        assert.throws(
            () =>
                new SecureBucket("d", {
                    kmsKeyArn: KEY,
                    accessLogs: { bucketName: "l" },
                    tags: { [BACKUP_TAG_KEY]: "never" },
                }),
            (e: unknown) =>
                e instanceof ConfigError &&
                e.message.startsWith(
                    `SecureBucket "d": tags.citadel:backup: "citadel:backup" uses the reserved prefix "citadel:"`,
                ),
        );
        assert.throws(() => withTags("tags", { "Citadel:Tier": "x" }), /reserved prefix "citadel:"/);
    });

    it("checks a value that is an Output once it resolves, as an error naming the key", async () => {
        const bad = validateTags("X: tags", { team: pulumi.output("aws:nope") }) as Record<
            string,
            pulumi.Output<string>
        >;
        await assert.rejects((bad.team as any).promise(), /X: tags\.team: "aws:nope" uses the reserved prefix "aws:"/);
        const badMap = validateTags("X: tags", pulumi.output({ "citadel:backup": "never" })) as pulumi.Output<unknown>;
        await assert.rejects(
            (badMap as any).promise(),
            /X: tags\.citadel:backup: .* uses the reserved prefix "citadel:"/,
        );
        const ok = validateTags("X: tags", { team: pulumi.output("radiology") }) as Record<
            string,
            pulumi.Output<string>
        >;
        assert.equal(await valueOf(ok.team), "radiology");
    });

    it("puts the user's tags under the resource's own: the resource's Name and backup tag win", () => {
        assert.deepEqual(
            mergeTagsUnder({ Name: "user", team: "a" }, { Name: "own", [BACKUP_TAG_KEY]: BACKUP_TAG_VALUE }),
            { Name: "own", team: "a", [BACKUP_TAG_KEY]: BACKUP_TAG_VALUE },
        );
        assert.deepEqual(mergeTagsUnder({ team: "a" }, undefined), { team: "a" });
    });

    it("reaches Auto Scaling groups' tag lists, launch templates' tag specifications and instances' root volumes, which default tags never reach", () => {
        const asg = tagResourceInputs(
            "aws:autoscaling/group:Group",
            { tags: [{ key: "Name", value: "own", propagateAtLaunch: false }] },
            { Name: "u", team: "a" },
        )!;
        assert.deepEqual(asg.tags, [
            { key: "Name", value: "own", propagateAtLaunch: false },
            { key: "team", value: "a", propagateAtLaunch: false },
        ]);
        const lt = tagResourceInputs(
            "aws:ec2/launchTemplate:LaunchTemplate",
            {
                tags: undefined,
                tagsAll: undefined,
                tagSpecifications: [{ resourceType: "instance", tags: { Name: "own" } }],
            },
            { team: "a", Name: "u" },
        )!;
        assert.deepEqual(lt.tags, { team: "a", Name: "u" });
        assert.deepEqual(lt.tagSpecifications, [{ resourceType: "instance", tags: { team: "a", Name: "own" } }]);
        const host = tagResourceInputs(
            "aws:ec2/instance:Instance",
            { tags: { Name: "own" }, tagsAll: undefined, rootBlockDevice: { volumeSize: 8 } },
            { team: "a" },
        )!;
        assert.deepEqual(host.rootBlockDevice, { volumeSize: 8, tags: { team: "a" } });
        const own = tagResourceInputs(
            "aws:ec2/instance:Instance",
            { tags: undefined, tagsAll: undefined, volumeTags: { x: "y" }, rootBlockDevice: { volumeSize: 8 } },
            { team: "a" },
        )!;
        assert.deepEqual(own.rootBlockDevice, { volumeSize: 8 });
        // Not taggable (no tagsAll), or S3 object tags (a separate 10-tag namespace): left alone.
        assert.equal(tagResourceInputs("aws:kms/alias:Alias", { name: "x" }, { team: "a" }), undefined);
        assert.equal(
            tagResourceInputs(
                "aws:s3/bucketObjectv2:BucketObjectv2",
                { tags: undefined, tagsAll: undefined },
                { team: "a" },
            ),
            undefined,
        );
    });

    it("adds nothing when no tags are given, so plans and URNs of untagged stacks do not move", () => {
        const opts = { protect: true };
        assert.equal(withTags("tags", undefined, opts), opts);
        assert.equal(withTags("tags", {}, opts), opts);
    });

    it("tags every taggable child of KmsKey, SecureBucket, PostgresDatabase and DocumentDatabase; a tag map that is an Output works too", async () => {
        const rec = await capture(() => {
            new KmsKey("k", { description: "x", tags: USER_TAGS });
            new SecureBucket("d", {
                kmsKeyArn: KEY,
                accessLogs: { bucketName: "l" },
                tags: pulumi.output({ ...USER_TAGS }),
            });
            new SecureBucket("l", { purpose: "logs", kmsKeyArn: KEY, tags: USER_TAGS });
            new PostgresDatabase("db", {
                network,
                kmsKeyArn: KEY,
                allowedSecurityGroupIds: ["sg"],
                databaseName: "x",
                tags: USER_TAGS,
                alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" },
            });
            new DocumentDatabase("docs", {
                network,
                kmsKeyArn: KEY,
                allowedSecurityGroupIds: ["sg"],
                tags: { CostCenter: pulumi.output(USER_TAGS.CostCenter) },
            });
        });
        for (const t of [
            "citadel:shared:KmsKey",
            "citadel:shared:SecureBucket",
            "citadel:shared:PostgresDatabase",
            "citadel:shared:DocumentDatabase",
        ]) {
            assert.ok(assertUserTagsEverywhere(rec, t) > 0);
        }
        // The backup tag survives, and the user's Name does not replace the resource's own.
        assert.equal(named(rec, "d", "aws:s3/bucket:Bucket").inputs.tags[BACKUP_TAG_KEY], BACKUP_TAG_VALUE);
        assert.equal(named(rec, "db", "aws:rds/instance:Instance").inputs.tags[BACKUP_TAG_KEY], BACKUP_TAG_VALUE);
        assert.equal(named(rec, "docs", "aws:docdb/cluster:Cluster").inputs.tags[BACKUP_TAG_KEY], BACKUP_TAG_VALUE);
        assert.equal(named(rec, "l", "aws:s3/bucket:Bucket").inputs.tags[BACKUP_TAG_KEY], undefined);
    });
});
