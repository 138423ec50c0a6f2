import { strict as assert } from "assert";
import { ConfigError, configKeys } from "@citadel/shared";
import { architectureOf, OrthancHostArgs, resolveOrthancHostArgs, validateOrthancHostArgs } from "../src";

const network = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    availabilityZones: ["a", "b"],
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
};
const base: OrthancHostArgs = {
    network,
    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/k",
    accessLogsBucketName: "logs",
    webCidrs: ["203.0.113.0/24"],
    dicomCidrs: ["198.51.100.0/24"],
};

/** Asserts a ConfigError naming the argument and the value. */
function refuses(args: Partial<OrthancHostArgs>, field: string, value: string, problem: RegExp): void {
    assert.throws(
        () => validateOrthancHostArgs("pacs", { ...base, ...args } as OrthancHostArgs),
        (e: unknown) => {
            assert.ok(e instanceof ConfigError, String(e));
            assert.equal(e.key, `OrthancHost "pacs": ${field}`);
            assert.ok(e.message.startsWith(`OrthancHost "pacs": ${field}: ${value} `), e.message);
            assert.match(e.message, problem);
            return true;
        },
    );
}

describe("OrthancHost args", () => {
    it("fills in the defaults", () => {
        const a = validateOrthancHostArgs("pacs", base);
        assert.equal(a.hostCount, 2);
        assert.equal(a.instanceType, "t3.medium");
        assert.equal(a.architecture, "x86_64");
        assert.equal(a.loadBalancer, false);
        assert.equal(a.protect, false);
        assert.equal(a.dicomAet, "ORTHANC");
        assert.deepEqual(a.database, {
            instanceClass: "db.t4g.micro",
            allocatedStorage: 20,
            multiAz: false,
            deletionProtection: false,
            backupRetentionInDays: 7,
        });
        assert.match(a.images.orthanc, /^orthancteam\/orthanc:\d/);
    });

    it("requires both CIDR lists and never defaults them", () => {
        refuses(
            { webCidrs: undefined },
            "webCidrs",
            "(unset)",
            /is empty or not a list, allowed one or more IPv4 CIDR blocks/,
        );
        refuses({ dicomCidrs: [] }, "dicomCidrs", "[]", /is empty/);
    });

    it("refuses 0.0.0.0/0, malformed and repeated CIDR blocks", () => {
        refuses({ webCidrs: ["0.0.0.0/0"] }, "webCidrs", '"0.0.0.0/0"', /opens the port to the whole internet/);
        refuses({ dicomCidrs: ["10.0.0.0/16", "0.0.0.0/0"] }, "dicomCidrs", '"0.0.0.0/0"', /whole internet/);
        refuses({ webCidrs: ["10.1.2.3/16"] }, "webCidrs", '"10.1.2.3/16"', /is not a valid CIDR block/);
        refuses({ webCidrs: ["pacs.example.org"] }, "webCidrs", '"pacs.example.org"', /not a valid CIDR/);
        refuses(
            { webCidrs: ["203.0.113.0/24", "203.0.113.0/24"] },
            "webCidrs",
            '["203.0.113.0/24","203.0.113.0/24"]',
            /repeats "203.0.113.0\/24"/,
        );
    });

    it("refuses bad sizes and names", () => {
        refuses({ hostCount: 0 }, "hostCount", "0", /out of range, allowed 1\.\.6/);
        refuses({ hostCount: 1.5 }, "hostCount", "1.5", /not a whole number/);
        refuses({ instanceType: "large" }, "instanceType", '"large"', /not an EC2 instance type/);
        refuses({ rootVolumeSizeGiB: 8 }, "rootVolumeSizeGiB", "8", /out of range, allowed 20\.\.16384/);
        refuses({ siteName: "PACS.example.org" }, "siteName", '"PACS.example.org"', /not a lower-case DNS name/);
        refuses({ siteName: "localhost" }, "siteName", '"localhost"', /DNS name/);
        refuses(
            { dicomAet: "A_TITLE_THAT_IS_TOO_LONG" },
            "dicomAet",
            '"A_TITLE_THAT_IS_TOO_LONG"',
            /not a DICOM AE title/,
        );
        refuses({ orthancName: 'say "hi"' }, "orthancName", '"say \\"hi\\""', /not a display name/);
        refuses({ logRetentionInDays: 10 }, "logRetentionInDays", "10", /not a CloudWatch Logs retention period/);
        refuses({ keyName: "" }, "keyName", '""', /not a key pair name/);
    });

    it("refuses alarm thresholds outside 1..100 percent", () => {
        const alarms = { topicArn: "arn:aws:sns:eu-west-1:123456789012:alerts" };
        refuses({ alarms: { ...alarms, diskUsedPercent: 0 } }, "alarms.diskUsedPercent", "0", /1\.\.100 \(percent\)/);
        refuses({ alarms: { ...alarms, memoryUsedPercent: 101 } }, "alarms.memoryUsedPercent", "101", /out of range/);
        assert.doesNotThrow(() =>
            validateOrthancHostArgs("pacs", {
                ...base,
                alarms: { ...alarms, diskUsedPercent: 90, memoryUsedPercent: 95 },
            }),
        );
    });

    it("refuses unpinned images", () => {
        refuses(
            { images: { orthanc: "orthancteam/orthanc" } },
            "images.orthanc",
            '"orthancteam/orthanc"',
            /not a pinned image reference/,
        );
        refuses({ images: { nginx: "nginx:latest" } }, "images.nginx", '"nginx:latest"', /is not pinned/);
        const ok = validateOrthancHostArgs("pacs", { ...base, images: { nginx: `nginx@sha256:${"a".repeat(64)}` } });
        assert.equal(ok.images.nginx, `nginx@sha256:${"a".repeat(64)}`);
    });

    it("refuses database settings out of range", () => {
        refuses(
            { database: { backupRetentionInDays: 3 } },
            "database.backupRetentionInDays",
            "3",
            /out of range, allowed 7\.\.35/,
        );
        refuses(
            { database: { instanceClass: "t3.micro" } },
            "database.instanceClass",
            '"t3.micro"',
            /not an RDS instance class/,
        );
        refuses({ database: { multiAz: "yes" as unknown as boolean } }, "database.multiAz", '"yes"', /not a boolean/);
    });

    it("requires the network, the key and the log bucket", () => {
        refuses({ network: undefined as never }, "network", "(unset)", /is required/);
        refuses({ kmsKeyArn: undefined as never }, "kmsKeyArn", "(unset)", /is required/);
        refuses({ accessLogsBucketName: undefined as never }, "accessLogsBucketName", "(unset)", /is required/);
    });

    it("names config keys when the stack validates its config", () => {
        assert.throws(
            () => resolveOrthancHostArgs({ webCidrs: ["0.0.0.0/0"], dicomCidrs: [] }, configKeys("citadel:orthanc.")),
            /^ConfigError: citadel:orthanc\.webCidrs: "0\.0\.0\.0\/0" opens the port to the whole internet/,
        );
    });

    it("picks arm64 for Graviton instance types", () => {
        for (const t of ["t4g.small", "m7gd.large", "c6gn.xlarge", "im4gn.large"])
            assert.equal(architectureOf(t), "arm64", t);
        for (const t of ["t3.small", "m7i-flex.large", "g5.xlarge", "m5d.large", "inf2.xlarge"])
            assert.equal(architectureOf(t), "x86_64", t);
    });
});
