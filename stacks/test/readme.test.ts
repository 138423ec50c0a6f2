import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import Module = require("module");
import { transform } from "sucrase";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { capture, named, ofType, REPO_ROOT } from "@citadel/testing";

/**
 * A stand-in for `awsx.ec2.Vpc` (a remote component: under mocks nothing is inside it) with the
 * outputs the adapter reads, made of real aws.ec2 resources, one public and one private subnet per AZ.
 */
class StubAwsxVpc extends pulumi.ComponentResource {
    readonly vpc: pulumi.Output<aws.ec2.Vpc>;
    readonly publicSubnets: pulumi.Output<aws.ec2.Subnet[]>;
    readonly privateSubnets: pulumi.Output<aws.ec2.Subnet[]>;
    readonly isolatedSubnets: pulumi.Output<aws.ec2.Subnet[]>;
    constructor(name: string, args: { numberOfAvailabilityZones?: number }) {
        super("awsx:ec2:Vpc", name, {}, {});
        const zones = ["us-east-1a", "us-east-1b", "us-east-1c"].slice(0, args.numberOfAvailabilityZones ?? 3);
        const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: "10.0.0.0/16" }, { parent: this });
        const subnets = (kind: string, third: number) =>
            pulumi.output(
                zones.map(
                    (az, i) =>
                        new aws.ec2.Subnet(
                            `${name}-${kind}-${i + 1}`,
                            { vpcId: vpc.id, availabilityZone: az, cidrBlock: `10.0.${third + i}.0/24` },
                            { parent: this },
                        ),
                ),
            );
        this.vpc = pulumi.output(vpc);
        this.publicSubnets = subnets("public", 0);
        this.privateSubnets = subnets("private", 100);
        this.isolatedSubnets = pulumi.output([]);
    }
}

/** The README's TypeScript example under `heading`, as written. */
function readmeExample(heading: string): string {
    const readme = fs.readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
    const section = readme.split(/^## /m).find((s) => s.startsWith(heading));
    const code = section && /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    if (!code) throw new Error(`README has no ts example under "## ${heading}"`);
    return code;
}

/** Runs TypeScript as if it were a file in stacks/test, so `@citadel/*` resolves as for a user. */
function runAsModule(ts: string, stubs: Record<string, unknown> = {}): void {
    const filename = path.join(__dirname, "readme-example.ts");
    const m = new Module(filename, module) as Module & { _compile(code: string, file: string): void; paths: string[] };
    const load = m.require.bind(m);
    m.require = ((id: string) => (id in stubs ? stubs[id] : load(id))) as typeof m.require;
    m.filename = filename;
    m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(__dirname);
    m._compile(transform(ts, { transforms: ["typescript", "imports"], filePath: filename }).code, filename);
}

describe("README", () => {
    it("the 'own program' example runs and builds what it says", async () => {
        const rec = await capture(() => runAsModule(readmeExample("Using the components in your own program")));
        assert.equal(named(rec, "net-vpc").inputs.cidrBlock, "10.40.0.0/16");
        assert.equal(ofType(rec, "aws:ec2/natGateway:NatGateway").length, 3);
        assert.equal(named(rec, "net-flow-logs").inputs.logDestinationType, "s3");
        assert.deepEqual(
            ofType(rec, "aws:ec2/vpcEndpoint:VpcEndpoint")
                .filter((e) => e.inputs.vpcEndpointType === "Interface")
                .map((e) => e.inputs.serviceName.split(".").pop()),
            ["kms", "secretsmanager"],
        );
    });

    it("the awsx example runs as written (awsx's VPC stubbed) and puts OrthancHost in that VPC, tagged", async () => {
        const rec = await capture(() =>
            runAsModule(readmeExample("In a VPC you already run with awsx"), {
                "@pulumi/awsx": { ec2: { Vpc: StubAwsxVpc } },
            }),
        );
        const vpcId = named(rec, "existing-vpc").id;
        for (const sg of ofType(rec, "aws:ec2/securityGroup:SecurityGroup")) assert.equal(sg.inputs.vpcId, vpcId);
        const publicIds = ofType(rec, "aws:ec2/subnet:Subnet", /public/)
            .map((s) => s.id)
            .sort();
        assert.deepEqual(
            ofType(rec, "aws:ec2/instance:Instance")
                .map((h) => h.inputs.subnetId)
                .sort(),
            publicIds,
        );
        assert.deepEqual(
            [...ofType(rec, "aws:rds/subnetGroup:SubnetGroup")[0].inputs.subnetIds].sort(),
            ofType(rec, "aws:ec2/subnet:Subnet", /private/)
                .map((s) => s.id)
                .sort(),
        );
        assert.equal(ofType(rec, "aws:rds/instance:Instance")[0].inputs.tags.CostCenter, "radiology");
    });
});
