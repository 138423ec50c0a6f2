import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as iam from "@pulumi/aws/iam";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import { getAvailabilityZonesOutput } from "@pulumi/aws/getAvailabilityZones";
import {
    awsContext,
    NetworkRef,
    policyJson,
    serviceTrustPolicy,
    requireArgs,
    withTags,
    argKeys,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { SecureVpcArgs, validateSecureVpcArgs } from "./args";

/** Every argument of SecureVpcArgs, for refusing unknown ones (the compiler keeps this list exact). */
const SECURE_VPC_ARG_NAMES: ArgNames<SecureVpcArgs> = {
    cidrBlock: true,
    azCount: true,
    publicSubnetPrefixLength: true,
    privateSubnetPrefixLength: true,
    natStrategy: true,
    interfaceEndpoints: true,
    flowLogs: true,
    kmsKeyArn: true,
    tags: true,
};

/**
 * A VPC over 2 or 3 AZs with a public and a private subnet in each, locked down by default:
 * public subnets give no public IPs unasked, the default security group admits nothing, S3 is
 * reached through a gateway endpoint on every route table, AWS APIs optionally through interface
 * endpoints, and all traffic is recorded in flow logs.
 */
export class SecureVpc extends pulumi.ComponentResource {
    /** The VPC's id. */
    readonly vpcId: pulumi.Output<string>;
    /** The VPC's IPv4 CIDR block (`cidrBlock`). */
    readonly vpcCidrBlock: pulumi.Output<string>;
    /** The availability zones used, in subnet order. */
    readonly availabilityZones: pulumi.Output<string[]>;
    /** Public subnets, one per AZ, in `availabilityZones` order. */
    readonly publicSubnetIds: pulumi.Output<string[]>;
    /** Private subnets, one per AZ, in `availabilityZones` order. */
    readonly privateSubnetIds: pulumi.Output<string[]>;
    /** The public subnets' route table (default route to the internet gateway). */
    readonly publicRouteTableId: pulumi.Output<string>;
    /** The private subnets' route tables, one per AZ. */
    readonly privateRouteTableIds: pulumi.Output<string[]>;
    /** NAT gateways: none, one, or one per AZ (`natStrategy`). */
    readonly natGatewayIds: pulumi.Output<string[]>;
    /** The security group of the interface endpoints; undefined when there are none. */
    readonly endpointSecurityGroupId: pulumi.Output<string | undefined>;
    /** The VPC flow log's id. */
    readonly flowLogId: pulumi.Output<string>;
    /** What other components take to place themselves in this network. */
    readonly network: NetworkRef;

    constructor(name: string, args: SecureVpcArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("SecureVpc", name, args);
        const a = validateSecureVpcArgs(name, args);
        refuseUnknownArgs("SecureVpc", name, args, SECURE_VPC_ARG_NAMES);
        super("citadel:network:SecureVpc", name, {}, withTags(argKeys("SecureVpc", name)("tags"), args.tags, opts));
        const parent = { parent: this };
        const ctx = awsContext(this);

        const zones = getAvailabilityZonesOutput(
            {
                state: "available",
                // Local Zones and Wavelength Zones lack services (NAT, RDS) the subnets are meant for.
                filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
            },
            parent,
        ).names.apply((names) => {
            if (names.length < a.azCount) {
                throw new Error(
                    `SecureVpc "${name}": azCount ${a.azCount} exceeds the ${names.length} ` +
                        `availability zones of this region (${names.join(", ")})`,
                );
            }
            return names.slice(0, a.azCount);
        });

        const main = new ec2.Vpc(
            `${name}-vpc`,
            {
                cidrBlock: a.cidrBlock,
                enableDnsSupport: true,
                enableDnsHostnames: true,
                tags: { Name: name },
            },
            parent,
        );

        // Taking over the default security group with no rules leaves it admitting nothing (EC2.2).
        new ec2.DefaultSecurityGroup(
            `${name}-default-sg`,
            {
                vpcId: main.id,
                tags: { Name: `${name}-default-deny-all` },
            },
            parent,
        );

        const igw = new ec2.InternetGateway(`${name}-igw`, { vpcId: main.id, tags: { Name: name } }, parent);
        const publicRt = new ec2.RouteTable(
            `${name}-public-rt`,
            {
                vpcId: main.id,
                tags: { Name: `${name}-public` },
            },
            parent,
        );
        new ec2.Route(
            `${name}-public-internet`,
            {
                routeTableId: publicRt.id,
                destinationCidrBlock: "0.0.0.0/0",
                gatewayId: igw.id,
            },
            parent,
        );

        const publicSubnets: ec2.Subnet[] = [];
        const privateSubnets: ec2.Subnet[] = [];
        for (let i = 0; i < a.azCount; i++) {
            const az = zones.apply((z) => z[i]);
            const pub = new ec2.Subnet(
                `${name}-public-${i}`,
                {
                    vpcId: main.id,
                    cidrBlock: a.layout.publicCidrs[i],
                    availabilityZone: az,
                    // A host that needs a public address asks for one on its own interface (EC2.15).
                    mapPublicIpOnLaunch: false,
                    tags: { Name: pulumi.interpolate`${name}-public-${az}`, "citadel:tier": "public" },
                },
                parent,
            );
            new ec2.RouteTableAssociation(
                `${name}-public-${i}`,
                { subnetId: pub.id, routeTableId: publicRt.id },
                parent,
            );
            publicSubnets.push(pub);

            privateSubnets.push(
                new ec2.Subnet(
                    `${name}-private-${i}`,
                    {
                        vpcId: main.id,
                        cidrBlock: a.layout.privateCidrs[i],
                        availabilityZone: az,
                        mapPublicIpOnLaunch: false,
                        tags: { Name: pulumi.interpolate`${name}-private-${az}`, "citadel:tier": "private" },
                    },
                    parent,
                ),
            );
        }

        const natCount = { none: 0, single: 1, perAz: a.azCount }[a.natStrategy];
        const natGateways: ec2.NatGateway[] = [];
        for (let i = 0; i < natCount; i++) {
            const eip = new ec2.Eip(
                `${name}-nat-${i}`,
                { domain: "vpc", tags: { Name: `${name}-nat-${i}` } },
                { parent: this, dependsOn: [igw] },
            );
            natGateways.push(
                new ec2.NatGateway(
                    `${name}-nat-${i}`,
                    {
                        allocationId: eip.id,
                        subnetId: publicSubnets[i].id,
                        tags: { Name: `${name}-nat-${i}` },
                    },
                    { parent: this, dependsOn: [igw] },
                ),
            );
        }

        const privateRts = privateSubnets.map((subnet, i) => {
            const rt = new ec2.RouteTable(
                `${name}-private-${i}-rt`,
                {
                    vpcId: main.id,
                    tags: { Name: `${name}-private-${i}` },
                },
                parent,
            );
            new ec2.RouteTableAssociation(`${name}-private-${i}`, { subnetId: subnet.id, routeTableId: rt.id }, parent);
            if (natGateways.length > 0) {
                // perAz: each AZ through its own NAT, so one AZ failing cuts no other AZ's egress.
                const nat = natGateways[a.natStrategy === "perAz" ? i : 0];
                new ec2.Route(
                    `${name}-private-${i}-internet`,
                    {
                        routeTableId: rt.id,
                        destinationCidrBlock: "0.0.0.0/0",
                        natGatewayId: nat.id,
                    },
                    parent,
                );
            }
            return rt;
        });

        // Every route table, public ones too: Orthweb's endpoint reached none, so S3 traffic left the VPC.
        new ec2.VpcEndpoint(
            `${name}-s3`,
            {
                vpcId: main.id,
                serviceName: pulumi.interpolate`${ctx.reverseDnsPrefix}.${ctx.region}.s3`,
                vpcEndpointType: "Gateway",
                routeTableIds: [publicRt.id, ...privateRts.map((rt) => rt.id)],
                tags: { Name: `${name}-s3` },
            },
            parent,
        );

        let endpointSgId: pulumi.Output<string | undefined> = pulumi.output(undefined);
        if (a.interfaceEndpoints.length > 0) {
            const sg = new ec2.SecurityGroup(
                `${name}-endpoints`,
                {
                    vpcId: main.id,
                    description: "Interface endpoints: HTTPS from inside the VPC only",
                    tags: { Name: `${name}-endpoints` },
                },
                parent,
            );
            new vpc.SecurityGroupIngressRule(
                `${name}-endpoints-https`,
                {
                    securityGroupId: sg.id,
                    description: "HTTPS from the VPC",
                    ipProtocol: "tcp",
                    fromPort: 443,
                    toPort: 443,
                    cidrIpv4: main.cidrBlock,
                },
                parent,
            );
            for (const service of a.interfaceEndpoints) {
                new ec2.VpcEndpoint(
                    `${name}-${service.replace(/\./g, "-")}`,
                    {
                        vpcId: main.id,
                        serviceName: pulumi.interpolate`${ctx.reverseDnsPrefix}.${ctx.region}.${service}`,
                        vpcEndpointType: "Interface",
                        privateDnsEnabled: true,
                        subnetIds: privateSubnets.map((s) => s.id),
                        securityGroupIds: [sg.id],
                        tags: { Name: `${name}-${service}` },
                    },
                    parent,
                );
            }
            endpointSgId = sg.id;
        }

        let flowLog: ec2.FlowLog;
        if (a.flowLogs.destination === "s3") {
            flowLog = new ec2.FlowLog(
                `${name}-flow-logs`,
                {
                    vpcId: main.id,
                    trafficType: "ALL",
                    logDestinationType: "s3",
                    logDestination: a.flowLogs.bucketArn,
                    maxAggregationInterval: 600,
                    destinationOptions: {
                        fileFormat: "parquet",
                        hiveCompatiblePartitions: true,
                        perHourPartition: true,
                    },
                    tags: { Name: `${name}-flow-logs` },
                },
                parent,
            );
        } else {
            const group = new cloudwatch.LogGroup(
                `${name}-flow-logs`,
                {
                    retentionInDays: a.flowLogs.logRetentionInDays,
                    kmsKeyId: args.kmsKeyArn,
                },
                parent,
            );
            const role = new iam.Role(
                `${name}-flow-logs`,
                {
                    description: "VPC flow logs delivery to CloudWatch Logs",
                    assumeRolePolicy: pulumi
                        .all([ctx.accountId, ctx.dnsSuffix])
                        .apply(([acct, dns]) => serviceTrustPolicy(`vpc-flow-logs.${dns}`, acct)),
                },
                parent,
            );
            new iam.RolePolicy(
                `${name}-flow-logs`,
                {
                    role: role.id,
                    policy: group.arn.apply((arn) =>
                        policyJson([
                            {
                                Effect: "Allow",
                                Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                                Resource: [arn, `${arn}:*`],
                            },
                        ]),
                    ),
                },
                parent,
            );
            flowLog = new ec2.FlowLog(
                `${name}-flow-logs`,
                {
                    vpcId: main.id,
                    trafficType: "ALL",
                    logDestinationType: "cloud-watch-logs",
                    logDestination: group.arn,
                    iamRoleArn: role.arn,
                    maxAggregationInterval: 600,
                    tags: { Name: `${name}-flow-logs` },
                },
                parent,
            );
        }

        this.vpcId = main.id;
        this.vpcCidrBlock = main.cidrBlock;
        this.availabilityZones = zones;
        this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
        this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
        this.publicRouteTableId = publicRt.id;
        this.privateRouteTableIds = pulumi.all(privateRts.map((rt) => rt.id));
        this.natGatewayIds = pulumi.all(natGateways.map((n) => n.id));
        this.endpointSecurityGroupId = endpointSgId;
        this.flowLogId = flowLog.id;
        this.network = {
            vpcId: this.vpcId,
            vpcCidrBlock: this.vpcCidrBlock,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            availabilityZones: this.availabilityZones,
        };
        this.registerOutputs({
            vpcId: this.vpcId,
            publicSubnetIds: this.publicSubnetIds,
            privateSubnetIds: this.privateSubnetIds,
            privateRouteTableIds: this.privateRouteTableIds,
            availabilityZones: this.availabilityZones,
            endpointSecurityGroupId: this.endpointSecurityGroupId,
        });
    }
}
