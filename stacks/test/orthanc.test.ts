import { strict as assert } from "assert";
import { autoNamed, currentRecording, hostAddresses, named, ofType, runStack, StackRun } from "@citadel/testing";
import { decodeUserData } from "@citadel/orthanc-host";

describe("stack: orthanc (OrthancHost)", () => {
    let dev: StackRun;
    let prod: StackRun;
    before(async () => {
        dev = await runStack("dev");
        prod = await runStack("prod");
    });

    it("dev: two small hosts in two AZs from one hardened launch template", () => {
        const lt = ofType(dev, "aws:ec2/launchTemplate:LaunchTemplate").filter((r) => r.parent === "orthanc");
        assert.equal(lt.length, 1);
        assert.equal(lt[0].inputs.instanceType, "t3.small");
        assert.equal(lt[0].inputs.metadataOptions.httpTokens, "required");
        assert.equal(lt[0].inputs.blockDeviceMappings[0].ebs.encrypted, "true");
        assert.equal(
            lt[0].inputs.blockDeviceMappings[0].ebs.kmsKeyId,
            "arn:aws:kms:eu-west-1:123456789012:key/citadel-key-key-id",
        );
        const hosts = ofType(dev, "aws:ec2/instance:Instance").filter((r) => r.parent === "orthanc");
        assert.deepEqual(hosts.map((h) => [h.inputs.availabilityZone, h.inputs.subnetId]).sort(), [
            ["eu-west-1a", "net-public-0-id"],
            ["eu-west-1b", "net-public-1-id"],
        ]);
        const userData = decodeUserData(lt[0].inputs.userData);
        assert.ok(
            userData.includes(
                "readonly DATABASE_URI_SUFFIX='@citadel-dev-orthanc-db-mockrand.mock.eu-west-1.rds.amazonaws.com:5432/orthanc?sslmode=require'",
            ),
        );
    });

    it("dev: a single-AZ database, unprotected; no interface endpoints and no load balancer", () => {
        const db = named(dev, "orthanc-db");
        assert.equal(db.inputs.multiAz, false);
        assert.equal(db.inputs.deletionProtection, false);
        assert.equal(db.protect, false);
        assert.equal(
            ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")
                .length,
            0,
        );
        assert.equal(ofType(dev, "aws:lb/loadBalancer:LoadBalancer").filter((r) => r.parent === "orthanc").length, 0);
    });

    it("prod: a multi-AZ database with deletion protection, protected with the key and buckets", () => {
        const db = named(prod, "orthanc-db");
        assert.equal(db.inputs.multiAz, true);
        assert.equal(db.inputs.deletionProtection, true);
        assert.equal(db.inputs.storageEncrypted, true);
        assert.equal(db.inputs.manageMasterUserPassword, true);
        assert.equal(db.inputs.publiclyAccessible, false);
        assert.equal(db.inputs.backupRetentionPeriod, 14);
        for (const n of ["orthanc-db", "orthanc-images", "orthanc-admin", "citadel-key", "logs"]) {
            assert.equal(named(prod, n).protect, true, `${n} is not protected`);
        }
        const endpoints = ofType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) =>
            String(e.inputs.serviceName).split(".").pop(),
        );
        assert.ok(endpoints.includes("kms") && endpoints.includes("secretsmanager"), endpoints.join(", "));
    });

    it("prod: a load balancer across the hosts, its name in the self-signed certificate", () => {
        const nlb = named(prod, "orthanc-nlb");
        assert.equal(nlb.inputs.loadBalancerType, "network");
        assert.equal(
            ofType(prod, "aws:lb/targetGroupAttachment:TargetGroupAttachment").filter((r) => r.parent === "orthanc")
                .length,
            4,
        );
        const lt = ofType(prod, "aws:ec2/launchTemplate:LaunchTemplate").find((r) => r.parent === "orthanc")!;
        assert.ok(decodeUserData(lt.inputs.userData).includes("orthanc-nlb-mock.eu-west-1.elb.amazonaws.com"));
        assert.equal(prod.outputs.orthancLoadBalancerDnsName, "orthanc-nlb-mock.eu-west-1.elb.amazonaws.com");
    });

    it("admits only the configured documentation ranges", () => {
        const rules = ofType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.parent === "orthanc" && r.inputs.cidrIpv4,
        );
        assert.deepEqual([...new Set(rules.map((r) => `${r.inputs.fromPort} ${r.inputs.cidrIpv4}`))].sort(), [
            "11112 198.51.100.0/24",
            "443 192.0.2.0/24",
            "443 203.0.113.0/24",
        ]);
    });

    it("exports URLs, DICOM endpoints, the database endpoint, the bucket and the log group", () => {
        const [dns0, dns1] = ["orthanc-host-0", "orthanc-host-1"].map((n) => hostAddresses(n, "eu-west-1").publicDns);
        assert.notEqual(dns0, dns1, "each host has its own DNS name");
        assert.deepEqual(dev.outputs.orthancInstanceIds, ["orthanc-host-0-id", "orthanc-host-1-id"]);
        assert.deepEqual(dev.outputs.orthancUrls, [`https://${dns0}`, `https://${dns1}`]);
        assert.deepEqual(dev.outputs.orthancDicomEndpoints, [`${dns0}:11112`, `${dns1}:11112`]);
        assert.equal(
            dev.outputs.orthancDatabaseEndpoint,
            "citadel-dev-orthanc-db-mockrand.mock.eu-west-1.rds.amazonaws.com:5432",
        );
        assert.equal(dev.outputs.orthancBucketName, autoNamed("orthanc-images", "s3/bucket:Bucket"));
        assert.equal(dev.outputs.orthancLogGroupName, autoNamed("orthanc-logs", "cloudwatch/logGroup:LogGroup"));
        assert.equal(dev.outputs.orthancLoadBalancerDnsName, undefined);
    });

    it("creates nothing for Orthanc when orthanc.enabled is false, and then needs no CIDR blocks", async () => {
        const run = await runStack("dev", { "citadel:orthanc.enabled": false, "citadel:orthanc.webCidrs": [] });
        assert.equal(ofType(run, "citadel:orthanc:OrthancHost").length, 0);
        assert.equal(run.outputs.orthancUrls, undefined);
    });

    describe("refuses bad orthanc config by its key, before any resource", () => {
        const cases: Array<[Record<string, unknown>, string]> = [
            [{ "citadel:orthanc.webCidrs": [] }, "citadel:orthanc.webCidrs: [] is empty or not a list"],
            [
                { "citadel:orthanc.dicomCidrs": ["0.0.0.0/0"] },
                'citadel:orthanc.dicomCidrs: "0.0.0.0/0" opens the port to the whole internet',
            ],
            [{ "citadel:orthanc.hostCount": 7 }, "citadel:orthanc.hostCount: 7 is out of range, allowed 1..6"],
            [
                { "citadel:orthanc.instanceType": "big" },
                'citadel:orthanc.instanceType: "big" is not an EC2 instance type',
            ],
            [
                { "citadel:orthanc.siteName": "Not A Name" },
                'citadel:orthanc.siteName: "Not A Name" is not a lower-case DNS name',
            ],
            [
                { "citadel:orthanc.orthancImage": "orthancteam/orthanc:latest" },
                'citadel:orthanc.orthancImage: "orthancteam/orthanc:latest" is not pinned',
            ],
            [
                { "citadel:orthanc.db.backupRetentionDays": 1 },
                "citadel:orthanc.db.backupRetentionDays: 1 is out of range, allowed 7..35",
            ],
            [
                { "citadel:orthanc.db.instanceClass": "t3.micro" },
                'citadel:orthanc.db.instanceClass: "t3.micro" is not an RDS instance class',
            ],
        ];
        for (const [overrides, message] of cases) {
            it(JSON.stringify(overrides), async () => {
                await assert.rejects(runStack("dev", overrides), (e: Error) => {
                    assert.equal(e.name, "ConfigError");
                    assert.ok(e.message.startsWith(message), `${e.message}\n  should start with\n${message}`);
                    return true;
                });
                assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
            });
        }
    });
});
