import { strict as assert } from "assert";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type * as awsx from "@pulumi/awsx";
import {
    AwsxPrivateSubnetKind,
    AwsxVpcLike,
    ConfigError,
    NetworkRef,
    networkFromAwsxVpc,
    orderByZone,
} from "@citadel/shared";
import { OrthancHost } from "@citadel/orthanc-host";
import { capture, ofType, valueOf } from "@citadel/testing";

// Type-level: an awsx.ec2.Vpc, as @pulumi/awsx publishes it, is accepted as it is. `tsc -b` fails here
// if awsx's published outputs stop matching what the adapter reads.
const fromAwsx: (vpc: awsx.ec2.Vpc) => NetworkRef = (vpc) => networkFromAwsxVpc(vpc);
void fromAwsx;

/**
 * awsx.ec2.Vpc is a remote component: under mocks nothing is inside it. The stub has its outputs,
 * made of real aws.ec2 resources registered under the mocks, listed by spec (not by AZ) as awsx does.
 */
function stubAwsxVpc(spec: { public: string[]; private: string[]; isolated?: string[] }): AwsxVpcLike {
    const vpc = new aws.ec2.Vpc("awsx-vpc", { cidrBlock: "10.70.0.0/16" });
    const subnets = (kind: string, zones: string[]) =>
        pulumi.output(
            zones.map(
                (az, i) =>
                    new aws.ec2.Subnet(`awsx-${kind}-${i}`, {
                        vpcId: vpc.id,
                        availabilityZone: az,
                        cidrBlock: `10.70.${i}.0/24`,
                    }),
            ),
        );
    return {
        vpc: pulumi.output(vpc),
        publicSubnets: subnets("public", spec.public),
        privateSubnets: subnets("private", spec.private),
        isolatedSubnets: subnets("isolated", spec.isolated ?? []),
    };
}

describe("networkFromAwsxVpc: Citadel components in an existing awsx VPC", () => {
    it("orders subnets by AZ and feeds OrthancHost: hosts in the public subnets, the database in the private ones", async () => {
        let net!: NetworkRef;
        const rec = await capture(() => {
            // awsx lists subnets per spec; here the AZs come in reverse to show they are re-ordered.
            net = networkFromAwsxVpc(
                stubAwsxVpc({ public: ["us-east-1b", "us-east-1a"], private: ["us-east-1b", "us-east-1a"] }),
            );
            new OrthancHost("orthanc", {
                network: net,
                kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                accessLogsBucketName: "logs",
                webCidrs: ["203.0.113.0/24"],
                dicomCidrs: ["198.51.100.0/24"],
            });
        });
        const id = (name: string) => rec.resources.find((r) => r.name === name)!.id;
        assert.deepEqual(await valueOf(net.availabilityZones), ["us-east-1a", "us-east-1b"]);
        assert.deepEqual(await valueOf(net.privateSubnetIds), [id("awsx-private-1"), id("awsx-private-0")]);
        assert.deepEqual(await valueOf(net.publicSubnetIds), [id("awsx-public-1"), id("awsx-public-0")]);
        assert.equal(await valueOf(net.vpcId), id("awsx-vpc"));
        const hosts = ofType(rec, "aws:ec2/instance:Instance");
        assert.deepEqual(hosts.map((h) => h.inputs.subnetId).sort(), [id("awsx-public-0"), id("awsx-public-1")].sort());
        const dbSubnets = ofType(rec, "aws:rds/subnetGroup:SubnetGroup")[0].inputs.subnetIds;
        assert.deepEqual([...dbSubnets].sort(), [id("awsx-private-0"), id("awsx-private-1")].sort());
        for (const sg of ofType(rec, "aws:ec2/securityGroup:SecurityGroup"))
            assert.equal(sg.inputs.vpcId, id("awsx-vpc"));
    });

    it("takes the isolated subnets as private when asked (no NAT: a VPC with endpoints only)", async () => {
        let net!: NetworkRef;
        await capture(() => {
            net = networkFromAwsxVpc(stubAwsxVpc({ public: [], private: [], isolated: ["us-east-1a", "us-east-1c"] }), {
                privateSubnetKind: AwsxPrivateSubnetKind.Isolated,
            });
        });
        assert.deepEqual(await valueOf(net.availabilityZones), ["us-east-1a", "us-east-1c"]);
        assert.deepEqual(await valueOf(net.publicSubnetIds), []);
    });

    // NetworkRef's contract is one subnet of a kind per AZ in one AZ order; awsx allows several specs.
    const bad: [string, { id: string; zone: string }[], { id: string; zone: string }[], RegExp][] = [
        ["no private subnets", [], [{ id: "p", zone: "a" }], /has no subnets/],
        [
            "two private subnets in one AZ",
            [
                { id: "x", zone: "a" },
                { id: "y", zone: "a" },
            ],
            [],
            /has 2 subnets in a/,
        ],
        [
            "public subnets in other AZs",
            [{ id: "x", zone: "a" }],
            [{ id: "p", zone: "b" }],
            /are not the private subnets' Availability Zones/,
        ],
    ];
    for (const [what, priv, pub, message] of bad) {
        it(`refuses ${what} with a ConfigError naming the adapter`, () => {
            assert.throws(
                () => orderByZone("networkFromAwsxVpc: privateSubnets", priv, pub),
                (e: unknown) =>
                    e instanceof ConfigError &&
                    /^networkFromAwsxVpc: privateSubnets/.test(e.message) &&
                    message.test(e.message),
            );
        });
    }
});
