import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as iam from "@pulumi/aws/iam";
import * as ecs from "@pulumi/aws/ecs";
import * as autoscaling from "@pulumi/aws/autoscaling";
import { getParameterOutput } from "@pulumi/aws/ssm/getParameter";
import { AwsContext, ec2TrustPolicy, NetworkRef, policyJson, sessionManagerStatements } from "@citadel/shared";
import { CpuArchitecture, Ec2CapacityArgs } from "./args";
import { ecsUserData } from "./commands";

/** SSM public parameters that always name the current AMI: no AMI id is ever hard-coded. */
export const ECS_AMI_PARAMETER: Record<CpuArchitecture, string> = {
    X86_64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id",
    ARM64: "/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id",
};
export const BASTION_AMI_PARAMETER: Record<CpuArchitecture, string> = {
    X86_64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    ARM64: "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-arm64",
};

/** IMDSv2 only, and one hop: a container behind a bridge can never reach the instance's credentials. */
const IMDS_V2 = { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 };

function managedPolicy(ctx: AwsContext, path: string): pulumi.Output<string> {
    return pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/${path}`;
}

/**
 * An EC2 role with AWS-managed policies and Session Manager's own actions inline (never
 * AmazonSSMManagedInstanceCore, which reads every SSM parameter of the account), and its instance profile.
 */
function instanceRole(
    name: string,
    parent: pulumi.Resource,
    ctx: AwsContext,
    description: string,
    policies: string[],
): iam.InstanceProfile {
    const role = new iam.Role(
        `${name}-role`,
        {
            description,
            assumeRolePolicy: ctx.dnsSuffix.apply(ec2TrustPolicy),
        },
        { parent },
    );
    policies.forEach(
        (p) =>
            new iam.RolePolicyAttachment(
                `${name}-${p.split("/").pop()}`,
                {
                    role: role.name,
                    policyArn: managedPolicy(ctx, p),
                },
                { parent },
            ),
    );
    new iam.RolePolicy(
        `${name}-session-manager`,
        {
            role: role.name,
            policy: policyJson(sessionManagerStatements()),
        },
        { parent },
    );
    return new iam.InstanceProfile(`${name}-profile`, { role: role.name }, { parent });
}

export interface Ec2CapacityInputs {
    /** The network: instances go in its private subnets. */
    network: NetworkRef;
    /** The key that encrypts the instances' EBS volumes. */
    kmsKeyArn: pulumi.Input<string>;
    /** The cluster the instances join (its name goes into their ECS agent config). */
    cluster: ecs.Cluster;
    /** The EC2 capacity args with their defaults filled in. */
    settings: Required<Ec2CapacityArgs>;
    /** The CPU architecture of the AMI looked up, matching the instance type (`x86_64` or `arm64`). */
    cpuArchitecture: CpuArchitecture;
}

/**
 * EC2 capacity as the seed (000) runs it: ECS-optimized Amazon Linux 2023 instances from a launch
 * template (IMDSv2, encrypted gp3 root volume, no public IP) in an Auto Scaling group over the
 * private subnets, behind a capacity provider with managed scaling, managed draining and managed
 * termination protection (an instance running tasks is never scaled in).
 */
export function createEc2Capacity(
    name: string,
    parent: pulumi.Resource,
    ctx: AwsContext,
    i: Ec2CapacityInputs,
): ecs.CapacityProvider {
    const opts = { parent };
    const sg = new ec2.SecurityGroup(
        `${name}-instances-sg`,
        {
            vpcId: i.network.vpcId,
            description: "ECS container instances: no inbound; the agent and SSM reach out",
            tags: { Name: `${name}-instances` },
        },
        opts,
    );
    new vpc.SecurityGroupEgressRule(
        `${name}-instances-egress`,
        {
            securityGroupId: sg.id,
            description: "ECS, ECR, SSM and CloudWatch APIs",
            ipProtocol: "-1",
            cidrIpv4: "0.0.0.0/0",
        },
        opts,
    );

    const profile = instanceRole(`${name}-instances`, parent, ctx, "ECS container instances", [
        "service-role/AmazonEC2ContainerServiceforEC2Role",
    ]);
    const ami = getParameterOutput({ name: ECS_AMI_PARAMETER[i.cpuArchitecture] }, opts).insecureValue;

    const template = new ec2.LaunchTemplate(
        `${name}-instances-lt`,
        {
            description: "ECS container instances",
            imageId: ami,
            instanceType: i.settings.instanceType,
            iamInstanceProfile: { arn: profile.arn },
            metadataOptions: { ...IMDS_V2, instanceMetadataTags: "disabled" },
            networkInterfaces: [
                {
                    associatePublicIpAddress: "false",
                    deleteOnTermination: "true",
                    securityGroups: [sg.id],
                },
            ],
            blockDeviceMappings: [
                {
                    deviceName: "/dev/xvda",
                    ebs: {
                        encrypted: "true",
                        kmsKeyId: i.kmsKeyArn,
                        volumeSize: i.settings.volumeSizeGiB,
                        volumeType: "gp3",
                        deleteOnTermination: "true",
                    },
                },
            ],
            monitoring: { enabled: true },
            userData: i.cluster.name.apply((cluster) => Buffer.from(ecsUserData(cluster)).toString("base64")),
            updateDefaultVersion: true,
            tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
                resourceType,
                tags: { Name: `${name}-ecs` },
            })),
        },
        opts,
    );

    const group = new autoscaling.Group(
        `${name}-instances-asg`,
        {
            vpcZoneIdentifiers: i.network.privateSubnetIds,
            minSize: i.settings.minInstances,
            maxSize: i.settings.maxInstances,
            // A new template version (a new AMI) rolls the instances through the instance refresh below.
            launchTemplate: { id: template.id, version: pulumi.interpolate`${template.latestVersion}` },
            healthCheckType: "EC2",
            defaultInstanceWarmup: 120,
            // Managed termination protection needs it; the capacity provider lifts it on idle instances.
            protectFromScaleIn: true,
            instanceRefresh: {
                strategy: "Rolling",
                preferences: {
                    minHealthyPercentage: 100,
                    maxHealthyPercentage: 200,
                    scaleInProtectedInstances: "Refresh",
                },
            },
            // Instances protected from scale-in would otherwise keep `pulumi destroy` waiting forever.
            forceDelete: true,
            tags: [
                { key: "AmazonECSManaged", value: "true", propagateAtLaunch: true },
                { key: "Name", value: `${name}-ecs`, propagateAtLaunch: true },
            ],
        },
        { parent, ignoreChanges: ["desiredCapacity"] },
    );

    return new ecs.CapacityProvider(
        `${name}-ec2`,
        {
            autoScalingGroupProvider: {
                autoScalingGroupArn: group.arn,
                managedTerminationProtection: "ENABLED",
                managedDraining: "ENABLED",
                managedScaling: {
                    status: "ENABLED",
                    targetCapacity: 100,
                    minimumScalingStepSize: 1,
                    maximumScalingStepSize: 10,
                    instanceWarmupPeriod: 120,
                },
            },
        },
        opts,
    );
}

export interface BastionInputs {
    /** The network: the bastion goes in its first private subnet, with no public IP. */
    network: NetworkRef;
    /** The key that encrypts the bastion's EBS volume. */
    kmsKeyArn: pulumi.Input<string>;
    /** The bastion's instance type. */
    instanceType: string;
    /** The CPU architecture of the AMI looked up, matching the instance type (`x86_64` or `arm64`). */
    cpuArchitecture: CpuArchitecture;
}

/**
 * A bastion with only a private IP and no inbound rule at all: operators open a shell with SSM
 * Session Manager (IAM-authorised, logged), never SSH. Its only egress is HTTPS, to SSM.
 */
export function createBastion(
    name: string,
    parent: pulumi.Resource,
    ctx: AwsContext,
    i: BastionInputs,
): { instance: ec2.Instance; securityGroup: ec2.SecurityGroup } {
    const opts = { parent };
    const sg = new ec2.SecurityGroup(
        `${name}-bastion-sg`,
        {
            vpcId: i.network.vpcId,
            description: "Bastion: no inbound; HTTPS out to Session Manager",
            tags: { Name: `${name}-bastion` },
        },
        opts,
    );
    new vpc.SecurityGroupEgressRule(
        `${name}-bastion-https`,
        {
            securityGroupId: sg.id,
            description: "HTTPS to SSM and package repositories",
            ipProtocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "0.0.0.0/0",
        },
        opts,
    );
    const profile = instanceRole(`${name}-bastion`, parent, ctx, "Bastion reached through Session Manager", []);
    const instance = new ec2.Instance(
        `${name}-bastion`,
        {
            ami: getParameterOutput({ name: BASTION_AMI_PARAMETER[i.cpuArchitecture] }, opts).insecureValue,
            instanceType: i.instanceType,
            subnetId: pulumi.output(i.network.privateSubnetIds).apply((ids) => ids[0]),
            vpcSecurityGroupIds: [sg.id],
            associatePublicIpAddress: false,
            iamInstanceProfile: profile.name,
            metadataOptions: IMDS_V2,
            rootBlockDevice: {
                encrypted: true,
                kmsKeyId: i.kmsKeyArn,
                volumeType: "gp3",
                volumeSize: 8,
                deleteOnTermination: true,
            },
            monitoring: true,
            tags: { Name: `${name}-bastion` },
        },
        opts,
    );
    return { instance, securityGroup: sg };
}
