import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    autoNamed,
    currentRecording,
    listStacks,
    named,
    ofType,
    readProject,
    runStack,
    stackConfig,
    StackRun,
} from "@citadel/testing";
import { ConfigReader } from "../src/config";
import { loadSettings } from "../src/settings";

describe("stacks", () => {
    const runs: Record<string, StackRun> = {};
    before(async () => {
        // Every stack file there is (a new Pulumi.<stack>.yaml is tested without editing this file).
        for (const stack of listStacks()) runs[stack] = await runStack(stack);
    });

    it("dev: 2 AZs, no NAT gateway, no interface endpoints, flow logs to the log bucket", () => {
        const dev = runs.dev;
        assert.equal(named(dev, "net-vpc").inputs.cidrBlock, "10.20.0.0/16");
        assert.equal(ofType(dev, "aws:ec2/subnet:Subnet", /^net-/).length, 4);
        assert.equal(ofType(dev, "aws:ec2/natGateway:NatGateway").length, 0);
        assert.equal(
            ofType(dev, "aws:ec2/vpcEndpoint:VpcEndpoint").filter((e) => e.inputs.vpcEndpointType === "Interface")
                .length,
            0,
        );
        const fl = named(dev, "net-flow-logs");
        assert.equal(
            fl.inputs.logDestination,
            named(dev, "logs", "aws:s3/bucket:Bucket").inputs.arn ??
                `arn:aws:s3:::${autoNamed("logs", "s3/bucket:Bucket")}`,
        );
        assert.deepEqual(dev.outputs.availabilityZones, ["eu-west-1a", "eu-west-1b"]);
        assert.equal(named(dev, "citadel-key").protect, false);
    });

    it("prod: 3 AZs, a NAT gateway per AZ, the six Orthweb endpoints, protected key and log bucket", () => {
        const prod = runs.prod;
        assert.equal(ofType(prod, "aws:ec2/natGateway:NatGateway").length, 3);
        const endpoints = ofType(prod, "aws:ec2/vpcEndpoint:VpcEndpoint").filter(
            (e) => e.inputs.vpcEndpointType === "Interface",
        );
        assert.deepEqual(endpoints.map((e) => e.inputs.serviceName.split(".").pop()).sort(), [
            "ec2",
            "ec2messages",
            "kms",
            "secretsmanager",
            "ssm",
            "ssmmessages",
        ]);
        assert.equal(named(prod, "citadel-key").protect, true);
        assert.equal(named(prod, "logs", "aws:s3/bucket:Bucket").protect, true);
        assert.equal(prod.outputs.endpointSecurityGroupId, "net-endpoints-id");
    });

    it("exports the network outputs", () => {
        for (const run of Object.values(runs)) {
            for (const key of [
                "vpcId",
                "availabilityZones",
                "publicSubnetIds",
                "privateSubnetIds",
                "privateRouteTableIds",
                "kmsKeyArn",
                "logBucketName",
            ]) {
                assert.ok(run.outputs[key] !== undefined, `${run.stack} does not export ${key}`);
            }
        }
    });

    it("Pulumi.yaml declares, with a type and a default, every key the program reads", () => {
        const project = readProject();
        const declared = Object.entries(project.config ?? {}).filter(([k]) => !k.includes(":"));
        for (const [key, decl] of declared) {
            const d = decl as { type?: string; default?: unknown };
            assert.ok(["string", "integer", "boolean", "array"].includes(d.type ?? ""), `${key} has no type`);
            assert.ok(d.default !== undefined, `${key} has no default`);
        }
        const read = new Set<string>();
        for (const stack of listStacks()) {
            pulumi.runtime.setAllConfig(stackConfig(stack));
            const reader = new ConfigReader("citadel");
            loadSettings(reader);
            reader.keysRead.forEach((k) => read.add(k));
        }
        const names = declared.map(([k]) => k);
        assert.deepEqual(
            [...read].filter((k) => !names.includes(k)),
            [],
            "read but not declared in Pulumi.yaml",
        );
        assert.deepEqual(
            names.filter((k) => !read.has(k)),
            [],
            "declared in Pulumi.yaml but never read",
        );
    });

    describe("refuses bad config with one clear message, before any resource", () => {
        const cases: Array<[string, unknown, string]> = [
            ["citadel:vpc.azCount", 5, "citadel:vpc.azCount: 5 is out of range, allowed 2..3"],
            ["citadel:vpc.azCount", "two", 'citadel:vpc.azCount: "two" is not a whole number, allowed an integer'],
            [
                "citadel:vpc.cidrBlock",
                "10.0.0.0/8",
                'citadel:vpc.cidrBlock: "10.0.0.0/8" has a prefix length out of range, allowed an IPv4 network a.b.c.d/n with n in 16..24 and no host bits set',
            ],
            [
                "citadel:vpc.natStrategy",
                "always",
                'citadel:vpc.natStrategy: "always" is not a known value, allowed none | single | perAz',
            ],
            [
                "citadel:vpc.interfaceEndpoints",
                ["kms", "s3"],
                'citadel:vpc.interfaceEndpoints: "s3" is not a known value, allowed kms | secretsmanager',
            ],
            ["citadel:vpc.interfaceEndpoints", "kms", 'citadel:vpc.interfaceEndpoints: "kms" is not a list of strings'],
            [
                "citadel:vpc.publicSubnetPrefixLength",
                30,
                "citadel:vpc.publicSubnetPrefixLength: 30 is out of range, allowed 16..28",
            ],
            [
                "citadel:vpc.flowLogs.destination",
                "kinesis",
                'citadel:vpc.flowLogs.destination: "kinesis" is not a known value, allowed s3 | cloudwatch',
            ],
            [
                "citadel:logs.retentionDays",
                100,
                "citadel:logs.retentionDays: 100 is not a CloudWatch Logs retention period",
            ],
            ["citadel:protect", "yes", 'citadel:protect: "yes" is not a boolean, allowed true | false'],
        ];
        for (const [key, value, message] of cases) {
            it(`${key} = ${JSON.stringify(value)}`, async () => {
                await assert.rejects(runStack("dev", { [key]: value }), (e: Error) => {
                    assert.ok(e.message.startsWith(message), `got: ${e.message}`);
                    return true;
                });
                assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
            });
        }
    });

    it("sends flow logs to CloudWatch when configured, with the stack's log retention", async () => {
        const run = await runStack("dev", { "citadel:vpc.flowLogs.destination": "cloudwatch" });
        const group = ofType(run, "aws:cloudwatch/logGroup:LogGroup", /^net-flow-logs/)[0];
        assert.equal(group.inputs.retentionInDays, 90);
        assert.equal(
            named(run, "net-flow-logs", "aws:ec2/flowLog:FlowLog").inputs.logDestinationType,
            "cloud-watch-logs",
        );
    });
});
