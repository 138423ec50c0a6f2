import { strict as assert } from "assert";
import { ConfigError } from "@citadel/shared";
import { autoNamed, capture, named, ofType, Recording, valueOf } from "@citadel/testing";
import { SecureVpc, SecureVpcArgs } from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/test";
const BUCKET = "arn:aws:s3:::flow-log-bucket";
const base: SecureVpcArgs = { kmsKeyArn: KEY, flowLogs: { destination: "s3", bucketArn: BUCKET } };

async function build(args: Partial<SecureVpcArgs> = {}): Promise<{ rec: Recording; vpc: SecureVpc }> {
    let vpc!: SecureVpc;
    const rec = await capture(() => {
        vpc = new SecureVpc("net", { ...base, ...args });
    });
    return { rec, vpc };
}

describe("SecureVpc", () => {
    it("creates a VPC with DNS on and a public and private subnet per AZ, none mapping public IPs", async () => {
        const { rec, vpc } = await build({ cidrBlock: "10.20.0.0/16", azCount: 3 });
        const v = named(rec, "net-vpc");
        assert.equal(v.inputs.cidrBlock, "10.20.0.0/16");
        assert.equal(v.inputs.enableDnsSupport, true);
        assert.equal(v.inputs.enableDnsHostnames, true);
        const subnets = ofType(rec, "aws:ec2/subnet:Subnet");
        assert.equal(subnets.length, 6);
        for (const s of subnets) {
            assert.equal(s.inputs.mapPublicIpOnLaunch, false, `${s.name} maps public IPs`);
            assert.equal(s.inputs.vpcId, "net-vpc-id");
            assert.equal(s.parent, "net");
        }
        assert.deepEqual(
            ofType(rec, "aws:ec2/subnet:Subnet", /public/).map((s) => s.inputs.availabilityZone),
            ["us-east-1a", "us-east-1b", "us-east-1c"],
        );
        assert.deepEqual(await valueOf(vpc.availabilityZones), ["us-east-1a", "us-east-1b", "us-east-1c"]);
        assert.deepEqual(await valueOf(vpc.privateSubnetIds), [
            "net-private-0-id",
            "net-private-1-id",
            "net-private-2-id",
        ]);
        assert.deepEqual(await valueOf(vpc.network.publicSubnetIds), [
            "net-public-0-id",
            "net-public-1-id",
            "net-public-2-id",
        ]);
    });

    it("takes over the default security group with no rules", async () => {
        const { rec } = await build();
        const sg = named(rec, "net-default-sg");
        assert.equal(sg.type, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
        assert.equal(sg.inputs.ingress, undefined);
        assert.equal(sg.inputs.egress, undefined);
    });

    it("routes public subnets to the internet gateway and gives private subnets no internet route with nat none", async () => {
        const { rec } = await build({ natStrategy: "none" });
        const routes = ofType(rec, "aws:ec2/route:Route");
        assert.deepEqual(
            routes.map((r) => [r.inputs.routeTableId, r.inputs.gatewayId]),
            [["net-public-rt-id", "net-igw-id"]],
        );
        assert.equal(ofType(rec, "aws:ec2/natGateway:NatGateway").length, 0);
        assert.equal(ofType(rec, "aws:ec2/eip:Eip").length, 0);
    });

    it("single NAT: one gateway in the first public subnet serving every private route table", async () => {
        const { rec } = await build({ natStrategy: "single", azCount: 3 });
        const nats = ofType(rec, "aws:ec2/natGateway:NatGateway");
        assert.equal(nats.length, 1);
        assert.equal(nats[0].inputs.subnetId, "net-public-0-id");
        const natRoutes = ofType(rec, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
        assert.deepEqual(
            natRoutes.map((r) => r.inputs.routeTableId),
            ["net-private-0-rt-id", "net-private-1-rt-id", "net-private-2-rt-id"],
        );
        assert.ok(
            natRoutes.every(
                (r) => r.inputs.natGatewayId === "net-nat-0-id" && r.inputs.destinationCidrBlock === "0.0.0.0/0",
            ),
        );
    });

    it("perAz NAT: each AZ's private route table uses its own AZ's gateway", async () => {
        const { rec } = await build({ natStrategy: "perAz", azCount: 3 });
        const nats = ofType(rec, "aws:ec2/natGateway:NatGateway");
        assert.deepEqual(
            nats.map((n) => n.inputs.subnetId),
            ["net-public-0-id", "net-public-1-id", "net-public-2-id"],
        );
        assert.deepEqual(
            nats.map((n) => n.inputs.allocationId),
            ["net-nat-0-id", "net-nat-1-id", "net-nat-2-id"],
        );
        const natRoutes = ofType(rec, "aws:ec2/route:Route").filter((r) => r.inputs.natGatewayId);
        assert.deepEqual(
            natRoutes.map((r) => [r.inputs.routeTableId, r.inputs.natGatewayId]),
            [
                ["net-private-0-rt-id", "net-nat-0-id"],
                ["net-private-1-rt-id", "net-nat-1-id"],
                ["net-private-2-rt-id", "net-nat-2-id"],
            ],
        );
    });

    it("attaches the S3 gateway endpoint to every route table, public and private", async () => {
        const { rec } = await build({ azCount: 3 });
        const s3 = named(rec, "net-s3");
        assert.equal(s3.inputs.vpcEndpointType, "Gateway");
        assert.equal(s3.inputs.serviceName, "com.amazonaws.us-east-1.s3");
        const tables = ofType(rec, "aws:ec2/routeTable:RouteTable")
            .map((t) => t.id)
            .sort();
        assert.equal(tables.length, 4);
        assert.deepEqual([...s3.inputs.routeTableIds].sort(), tables);
    });

    for (const preset of [
        [],
        ["kms", "secretsmanager"],
        ["kms", "secretsmanager", "ec2", "ssm", "ec2messages", "ssmmessages"],
    ]) {
        it(`creates the interface endpoints of the Orthweb preset ${JSON.stringify(preset)}`, async () => {
            const { rec, vpc } = await build({ interfaceEndpoints: preset });
            const eps = ofType(rec, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
                (e) => e.inputs.vpcEndpointType === "Interface",
            );
            assert.deepEqual(
                eps.map((e) => e.inputs.serviceName),
                preset.map((p) => `com.amazonaws.us-east-1.${p}`),
            );
            for (const e of eps) {
                assert.equal(e.inputs.privateDnsEnabled, true);
                assert.deepEqual(e.inputs.subnetIds, ["net-private-0-id", "net-private-1-id"]);
                assert.deepEqual(e.inputs.securityGroupIds, ["net-endpoints-id"]);
            }
            const rules = ofType(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
            if (preset.length === 0) {
                assert.equal(rules.length, 0);
                assert.equal(await valueOf(vpc.endpointSecurityGroupId), undefined);
            } else {
                assert.deepEqual(
                    rules.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
                    [["net-endpoints-id", 443, 443, "10.0.0.0/16"]],
                );
                assert.equal(await valueOf(vpc.endpointSecurityGroupId), "net-endpoints-id");
            }
        });
    }

    it("records all traffic in flow logs to the log bucket", async () => {
        const { rec } = await build();
        const fl = named(rec, "net-flow-logs");
        assert.equal(fl.inputs.vpcId, "net-vpc-id");
        assert.equal(fl.inputs.trafficType, "ALL");
        assert.equal(fl.inputs.logDestinationType, "s3");
        assert.equal(fl.inputs.logDestination, BUCKET);
    });

    it("records flow logs to a KMS-encrypted log group with retention, through a role scoped to it", async () => {
        const { rec } = await build({ flowLogs: { destination: "cloudwatch", logRetentionInDays: 90 } });
        const group = ofType(rec, "aws:cloudwatch/logGroup:LogGroup")[0];
        assert.equal(group.inputs.retentionInDays, 90);
        assert.equal(group.inputs.kmsKeyId, KEY);
        const fl = ofType(rec, "aws:ec2/flowLog:FlowLog")[0];
        assert.equal(fl.inputs.logDestinationType, "cloud-watch-logs");
        assert.equal(
            fl.inputs.logDestination,
            group.inputs.arn ??
                `arn:aws:logs:us-east-1:123456789012:log-group:${autoNamed(group.name, "cloudwatch/logGroup:LogGroup")}`,
        );
        const role = ofType(rec, "aws:iam/role:Role")[0];
        const trust = JSON.parse(role.inputs.assumeRolePolicy);
        assert.equal(trust.Statement[0].Principal.Service, "vpc-flow-logs.amazonaws.com");
        assert.equal(trust.Statement[0].Condition.StringEquals["aws:SourceAccount"], "123456789012");
        const policy = JSON.parse(ofType(rec, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy);
        for (const st of policy.Statement) {
            assert.ok(!JSON.stringify(st.Action).includes("*"), "wildcard action");
            assert.ok(
                [].concat(st.Resource).every((r: string) => r.includes(":log-group:")),
                "not scoped to the group",
            );
        }
    });

    describe("refuses bad arguments before registering anything", () => {
        const cases: Array<[string, Partial<SecureVpcArgs>, RegExp]> = [
            [
                "a CIDR that is not /16../24",
                { cidrBlock: "10.0.0.0/8" },
                /SecureVpc "net": cidrBlock: "10\.0\.0\.0\/8" has a prefix length out of range/,
            ],
            ["a malformed CIDR", { cidrBlock: "10.0.0/16" }, /cidrBlock: "10\.0\.0\/16" is not a valid CIDR block/],
            ["azCount 5", { azCount: 5 }, /azCount: 5 is out of range, allowed 2\.\.3/],
            [
                "an unknown NAT strategy",
                { natStrategy: "many" as never },
                /natStrategy: "many" is not a known value, allowed none \| single \| perAz/,
            ],
            [
                "an unknown endpoint",
                { interfaceEndpoints: ["kms", "dynamo"] },
                /interfaceEndpoints: "dynamo" is not a known value, allowed kms \| secretsmanager/,
            ],
            [
                "a duplicate endpoint",
                { interfaceEndpoints: ["kms", "ssm", "kms"] },
                /interfaceEndpoints: \["kms","ssm","kms"\] repeats "kms"/,
            ],
            [
                "subnets that don't fit",
                { cidrBlock: "10.0.0.0/19" },
                /cidrBlock: "10\.0\.0\.0\/19" cannot hold 3 public \/24 and 3 private \/20 subnets \(13056 addresses needed, 8192 available\)/,
            ],
            [
                "s3 flow logs without a bucket",
                { flowLogs: { destination: "s3" } },
                /flowLogs\.bucketArn: \(unset\) is required when destination is "s3"/,
            ],
            [
                "a retention CloudWatch does not offer",
                { flowLogs: { destination: "cloudwatch", logRetentionInDays: 100 } },
                /flowLogs\.logRetentionInDays: 100 is not a CloudWatch Logs retention period, allowed one of 1, 3, 5/,
            ],
        ];
        for (const [what, args, message] of cases) {
            it(what, async () => {
                const rec = await capture(() =>
                    assert.throws(
                        () => new SecureVpc("net", { ...base, ...args }),
                        (e: Error) => e instanceof ConfigError && message.test(e.message),
                    ),
                );
                assert.equal(rec.resources.length, 0, "registered resources before refusing");
            });
        }
    });
});
