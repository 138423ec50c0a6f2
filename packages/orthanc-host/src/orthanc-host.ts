import * as zlib from "zlib";
import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as iam from "@pulumi/aws/iam";
import * as lb from "@pulumi/aws/lb";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import { getAmiOutput } from "@pulumi/aws/ec2/getAmi";
import {
    AlarmSpec,
    AwsContext,
    awsContext,
    createAlarms,
    ec2TrustPolicy,
    lateConfigError,
    policyJson,
    PostgresDatabase,
    protectIf,
    SecureBucket,
    requireArgs,
    withTags,
    argKeys,
    ARN_RULES,
    checkedInput,
    requireArn,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { OrthancHostAlarmsArgs, OrthancHostArgs, ResolvedOrthancHostArgs, validateOrthancHostArgs } from "./args";
import { ADMIN_PENDING_TAG, HostPolicyContext, hostPolicyStatements } from "./iam";
import { al2023AmiName } from "./host-commands";
import {
    DICOM_TLS_PORT,
    DISK_USED_METRIC,
    HEALTH_PATH,
    HEARTBEAT_NAMESPACE,
    HOST_METRICS_ALARM_PERIOD_SECONDS,
    HOST_READY_METRIC,
    hostCloudWatchAgentParams,
    HostBootstrapParams,
    HTTPS_PORT,
    MEMORY_USED_METRIC,
    renderUserData,
    SELF_SIGNED_DAYS,
} from "./render";

/** Database created in the instance for Orthanc's index. */
export const ORTHANC_DATABASE_NAME = "orthanc";
/** Distribution packages the hosts install at first boot, from the pinned release's repository (see host-commands.ts). */
export const HOST_PACKAGES = ["docker", "jq", "amazon-cloudwatch-agent"];
/** User name of Orthanc's HTTP login; its password is generated on the first host's first boot. */
export const ADMIN_USERNAME = "admin";
/** Minutes between checks for rotated credentials (RDS rotates its managed secret on its own). */
export const REFRESH_MINUTES = 15;
/** The heartbeat alarm's period: one refresh. Two empty periods in a row raise it. */
export const HEARTBEAT_PERIOD_SECONDS = REFRESH_MINUTES * 60;

/** The instance metadata settings: IMDSv2 only; hop limit 2 so containers reach it through Docker's bridge. */
export const METADATA_OPTIONS = {
    httpEndpoint: "enabled",
    httpTokens: "required",
    httpPutResponseHopLimit: 2,
    instanceMetadataTags: "disabled",
} as const;

/**
 * User data as the launch template wants it: base64 of the gzipped cloud-config (cloud-init
 * unpacks it), which keeps the whole bootstrap well under EC2's 16 KiB.
 */
export function encodeUserData(text: string): string {
    return zlib.gzipSync(Buffer.from(text, "utf8"), { level: 9 }).toString("base64");
}

export function decodeUserData(encoded: string): string {
    return zlib.gunzipSync(Buffer.from(encoded, "base64")).toString("utf8");
}

/** Late check (the subnets resolve at deploy time): a host per public subnet. Throws a ResourceError. */
export function requireSubnetsResolved(
    resource: pulumi.Resource | undefined,
    name: string,
    ids: string[],
    hostCount: number,
): void {
    if (ids.length < hostCount) {
        throw lateConfigError(
            resource,
            `OrthancHost "${name}": hostCount`,
            hostCount,
            `needs as many public subnets (one per AZ), and the network has ${ids.length}`,
            `1..${ids.length}`,
        );
    }
}

/** Late check (known once the AMI is looked up): a pinned AMI of the instance type's architecture. Throws a ResourceError. */
export function requireAmiArchitecture(
    resource: pulumi.Resource | undefined,
    name: string,
    amiId: string,
    imageArchitecture: string,
    a: Pick<ResolvedOrthancHostArgs, "architecture" | "instanceType">,
): string {
    if (imageArchitecture !== a.architecture) {
        throw lateConfigError(
            resource,
            `OrthancHost "${name}": amiId`,
            amiId,
            `is an ${imageArchitecture} image, but instanceType ${a.instanceType} is ${a.architecture}`,
            `an ${a.architecture} AMI, or an instance type of the AMI's architecture`,
        );
    }
    return amiId;
}

/** The public subnets the hosts go in, one each, in order; too few is an error at deployment. */
export function hostSubnets(name: string, subnetIds: string[], hostCount: number): string[] {
    if (subnetIds.length < hostCount) {
        throw new Error(
            `OrthancHost "${name}": hostCount ${hostCount} needs as many public subnets, ` +
                `the network has ${subnetIds.length}`,
        );
    }
    return subnetIds.slice(0, hostCount);
}

/** What the bootstrap needs from the deployment's resources, once they exist. */
export interface DeploymentValues {
    /** The deployment's region. */
    region: string;
    /** The RDS instance's host name. */
    databaseHost: string;
    /** The RDS instance's port (5432). */
    databasePort: number;
    /** The RDS-managed master secret. */
    databaseSecretArn: string;
    /** Orthanc's admin secret. */
    adminSecretArn: string;
    /** The image bucket. */
    bucketName: string;
    /** The hosts' log group. */
    logGroupName: string;
    /** The load balancer's DNS name, added to the certificate's names; absent without one. */
    loadBalancerDnsName?: string;
    /** The user's certificate secret; absent: each host makes a self-signed one. */
    certificateSecretArn?: string;
}

/** The hosts' bootstrap parameters: validated args plus the deployment's values. */
export function hostBootstrapParams(a: ResolvedOrthancHostArgs, v: DeploymentValues): HostBootstrapParams {
    return {
        region: v.region,
        images: a.images,
        packages: HOST_PACKAGES,
        orthanc: { name: a.orthancName, dicomAet: a.dicomAet, peers: a.dicomPeers },
        database: {
            host: v.databaseHost,
            port: v.databasePort,
            name: ORTHANC_DATABASE_NAME,
            secretArn: v.databaseSecretArn,
        },
        adminSecretArn: v.adminSecretArn,
        adminUsername: ADMIN_USERNAME,
        bucketName: v.bucketName,
        logGroupName: v.logGroupName,
        certificate: v.certificateSecretArn
            ? { kind: "secret", secretArn: v.certificateSecretArn }
            : {
                  kind: "selfSigned",
                  siteName: a.siteName,
                  // Clients reaching the hosts through the load balancer check its name.
                  extraNames: v.loadBalancerDnsName ? [v.loadBalancerDnsName] : [],
                  days: SELF_SIGNED_DAYS,
              },
        refreshMinutes: REFRESH_MINUTES,
    };
}

/** The instance tag SSM Patch Manager reads a host's patch group from. */
export const PATCH_GROUP_TAG = "Patch Group";

/** A host's alarms (see OrthancHostAlarmsArgs). */
export function hostAlarmSpecs(
    a: OrthancHostAlarmsArgs,
    instanceId: pulumi.Input<string>,
    recoverActionArn: pulumi.Input<string>,
): AlarmSpec[] {
    const base = {
        namespace: "AWS/EC2",
        dimensions: { InstanceId: instanceId },
        period: 60,
        treatMissingData: "breaching" as const,
        statistic: "Maximum" as const,
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
        threshold: 1,
    };
    const agent = {
        namespace: HEARTBEAT_NAMESPACE,
        period: HOST_METRICS_ALARM_PERIOD_SECONDS,
        treatMissingData: "breaching" as const,
        statistic: "Maximum" as const,
        comparisonOperator: "GreaterThanOrEqualToThreshold" as const,
    };
    return [
        {
            ...base,
            id: "system-check",
            metricName: "StatusCheckFailed_System",
            evaluationPeriods: 2,
            description: "Host failed its system status check: EC2 recovers it onto healthy hardware",
            // Only a reported failure recovers: a stopped host (no data) is not moved.
            treatMissingData: "missing",
            extraAlarmActions: [recoverActionArn],
        },
        {
            ...base,
            id: "instance-check",
            metricName: "StatusCheckFailed_Instance",
            evaluationPeriods: 3,
            description: "Host failed its instance status check (its operating system does not answer)",
        },
        {
            ...base,
            id: "cpu",
            metricName: "CPUUtilization",
            statistic: "Average",
            period: 300,
            threshold: a.cpuPercent ?? 80,
            evaluationPeriods: 3,
            description: "Host CPU high for 15 minutes",
        },
        // From the CloudWatch agent, in the hosts' namespace: one disk alarm per path the agent collects.
        // Missing data breaches: an agent that is not reporting leaves the disk unwatched.
        ...hostCloudWatchAgentParams().diskPaths.map((path): AlarmSpec => ({
            ...agent,
            id: path === "/" ? "disk" : `disk${path.replace(/[^A-Za-z0-9]+/g, "-")}`,
            metricName: DISK_USED_METRIC,
            dimensions: { InstanceId: instanceId, path },
            threshold: a.diskUsedPercent ?? 80,
            evaluationPeriods: 3,
            description: `Host volume ${path} nearly full for 15 minutes (or its CloudWatch agent stopped reporting)`,
        })),
        {
            ...agent,
            id: "memory",
            metricName: MEMORY_USED_METRIC,
            dimensions: { InstanceId: instanceId },
            threshold: a.memoryUsedPercent ?? 90,
            evaluationPeriods: 3,
            description: "Host memory nearly exhausted for 15 minutes (or its CloudWatch agent stopped reporting)",
        },
    ];
}

/** Any unhealthy target behind a load balancer (ALB: `AWS/ApplicationELB`, NLB: `AWS/NetworkELB`). */
export function unhealthyHostsSpec(
    namespace: string,
    loadBalancerArnSuffix: pulumi.Input<string>,
    targetGroupArnSuffix: pulumi.Input<string>,
    description: string,
): AlarmSpec {
    return {
        id: "unhealthy-hosts",
        description,
        namespace,
        metricName: "UnHealthyHostCount",
        dimensions: { LoadBalancer: loadBalancerArnSuffix, TargetGroup: targetGroupArnSuffix },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        period: 60,
        evaluationPeriods: 3,
        treatMissingData: "notBreaching",
    };
}

/** The resources the hosts' policy names, as they come from other resources. */
type HostPolicyRefs = {
    [K in keyof Omit<HostPolicyContext, "region" | "dnsSuffix">]: pulumi.Input<HostPolicyContext[K]>;
};

interface RootVolume {
    volumeSize: number;
    volumeType: string;
    kmsKeyId: pulumi.Input<string>;
}

interface Port {
    what: "web" | "dicom";
    port: number;
    description: string;
}

/** Every argument of OrthancHostArgs, for refusing unknown ones (the compiler keeps this list exact). */
const ORTHANC_HOST_ARG_NAMES: ArgNames<OrthancHostArgs> = {
    network: true,
    kmsKeyArn: true,
    accessLogsBucketName: true,
    webCidrs: true,
    dicomCidrs: true,
    dicomPeers: true,
    hostCount: true,
    instanceType: true,
    amiId: true,
    amiRelease: true,
    rootVolumeSizeGiB: true,
    siteName: true,
    certificateSecretArn: true,
    dicomAet: true,
    orthancName: true,
    images: true,
    database: true,
    loadBalancer: true,
    cidrPrefixFloor: true,
    logRetentionInDays: true,
    keyName: true,
    protect: true,
    alarms: true,
    patchGroup: true,
    tags: true,
};

/**
 * Orthanc on EC2, Orthweb's reference architecture made safe: one host per AZ (active-active, each
 * with its own public address), Docker Compose running Orthanc behind nginx with TLS on 443 and
 * 11112, images in a secure S3 bucket, the index in RDS PostgreSQL reachable only from the hosts,
 * credentials fetched at every boot into root-only files, no SSH (Session Manager instead), and
 * optionally a network load balancer across the hosts.
 */
export class OrthancHost extends pulumi.ComponentResource {
    /** The hosts' EC2 instance ids, one per AZ. */
    readonly instanceIds: pulumi.Output<string[]>;
    /** The hosts' public DNS names, in `instanceIds` order. */
    readonly publicDnsNames: pulumi.Output<string[]>;
    /** `https://<public DNS>` of each host. */
    readonly urls: pulumi.Output<string[]>;
    /** `<public DNS>:11112` of each host (DICOM over TLS). */
    readonly dicomEndpoints: pulumi.Output<string[]>;
    /** The PostgreSQL index database's `host:port`. */
    readonly databaseEndpoint: pulumi.Output<string>;
    /** The bucket holding the DICOM files (Orthanc's S3 storage). */
    readonly bucketName: pulumi.Output<string>;
    /** The CloudWatch log group of the hosts' containers and boot. */
    readonly logGroupName: pulumi.Output<string>;
    /** The hosts' security group. */
    readonly securityGroupId: pulumi.Output<string>;
    /** Orthanc's admin login (`{"username", "password"}`), given its value by the first host to boot. */
    readonly adminSecretArn: pulumi.Output<string>;
    /** The hosts' IAM role (instance profile) name. */
    readonly roleName: pulumi.Output<string>;
    /** The hosts' launch template. */
    readonly launchTemplateId: pulumi.Output<string>;
    /** The load balancer's DNS name; undefined without one. */
    readonly loadBalancerDnsName: pulumi.Output<string | undefined>;

    constructor(name: string, args: OrthancHostArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("OrthancHost", name, args);
        const a = validateOrthancHostArgs(name, args);
        refuseUnknownArgs("OrthancHost", name, args, ORTHANC_HOST_ARG_NAMES);
        super("citadel:orthanc:OrthancHost", name, {}, withTags(argKeys("OrthancHost", name)("tags"), args.tags, opts));
        const parent = { parent: this };
        const ctx = awsContext(this);
        // Another resource's ARN is checked when it resolves; a plain string was checked above.
        const certificateSecretArn = checkedInput(
            argKeys("OrthancHost", name)("certificateSecretArn"),
            args.certificateSecretArn,
            (key, value) => requireArn(key, value, ARN_RULES.secret),
        );
        const ports: Port[] = [
            { what: "web", port: HTTPS_PORT, description: "HTTPS (Orthanc web interface and REST API)" },
            { what: "dicom", port: DICOM_TLS_PORT, description: "DICOM over TLS" },
        ];

        // Known only once the network resolves: a ResourceError on this component, naming the argument.
        const publicSubnets = pulumi.output(args.network.publicSubnetIds).apply((ids) => {
            requireSubnetsResolved(this, name, ids, a.hostCount);
            return hostSubnets(name, ids, a.hostCount);
        });
        const zones = pulumi.output(args.network.availabilityZones);

        const hostSg = new ec2.SecurityGroup(
            `${name}-hosts`,
            {
                vpcId: args.network.vpcId,
                description: "Orthanc hosts: 443 and 11112 from the allowed ranges only",
                tags: { Name: `${name}-hosts` },
            },
            parent,
        );
        this.allowCidrs(name, hostSg, ports, a);
        new vpc.SecurityGroupEgressRule(
            `${name}-egress-https`,
            {
                securityGroupId: hostSg.id,
                description: "HTTPS to AWS APIs, the distribution's repositories and the image registry",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
            parent,
        );

        // Exactly the configured DICOM peers, each its own address and port: nothing else leaves on DICOM.
        a.dicomPeers.forEach(
            (peer, i) =>
                new vpc.SecurityGroupEgressRule(
                    `${name}-egress-dicom-${i}`,
                    {
                        securityGroupId: hostSg.id,
                        description: `DICOM${peer.tls ? " over TLS" : ""} to ${peer.aet}`,
                        ipProtocol: "tcp",
                        fromPort: peer.port,
                        toPort: peer.port,
                        cidrIpv4: `${peer.host}/32`,
                    },
                    parent,
                ),
        );

        const bucket = new SecureBucket(
            `${name}-images`,
            {
                purpose: "data",
                kmsKeyArn: args.kmsKeyArn,
                accessLogs: { bucketName: args.accessLogsBucketName },
            },
            { ...parent, ...protectIf(a.protect) },
        );

        const db = new PostgresDatabase(
            `${name}-db`,
            {
                network: args.network,
                kmsKeyArn: args.kmsKeyArn,
                allowedSecurityGroupIds: [hostSg.id],
                databaseName: ORTHANC_DATABASE_NAME,
                instanceClass: a.database.instanceClass,
                allocatedStorage: a.database.allocatedStorage,
                multiAz: a.database.multiAz,
                deletionProtection: a.database.deletionProtection,
                backupRetentionInDays: a.database.backupRetentionInDays,
                logRetentionInDays: a.logRetentionInDays,
                alarms: args.alarms ? { ...args.alarms.database, topicArn: args.alarms.topicArn } : undefined,
            },
            { ...parent, ...protectIf(a.protect) },
        );
        new vpc.SecurityGroupEgressRule(
            `${name}-egress-db`,
            {
                securityGroupId: hostSg.id,
                description: "PostgreSQL to the index database",
                ipProtocol: "tcp",
                fromPort: 5432,
                toPort: 5432,
                referencedSecurityGroupId: db.securityGroupId,
            },
            parent,
        );

        // Created without a value, so no password lands in Pulumi state: the first host sets one.
        const admin = new secretsmanager.Secret(
            `${name}-admin`,
            {
                description: `Orthanc admin login of ${name} ({"username", "password"}), set by the first host to boot`,
                kmsKeyId: args.kmsKeyArn,
                recoveryWindowInDays: 7,
                // Writable by the hosts only while tagged; the first host removes the tag, and Pulumi
                // leaves the tags alone after creation so it never grants the write again.
                tags: { [ADMIN_PENDING_TAG.key]: ADMIN_PENDING_TAG.value },
            },
            { parent: this, ...protectIf(a.protect), ignoreChanges: ["tags", "tagsAll"] },
        );

        const logGroup = new cloudwatch.LogGroup(
            `${name}-logs`,
            {
                retentionInDays: a.logRetentionInDays,
                kmsKeyId: args.kmsKeyArn,
            },
            parent,
        );

        const { role, profile } = this.instanceRole(name, ctx, {
            bucketArn: bucket.arn,
            kmsKeyArn: args.kmsKeyArn,
            databaseSecretArn: db.masterUserSecretArn,
            adminSecretArn: admin.arn,
            certificateSecretArn,
            logGroupArn: logGroup.arn,
        });

        const balancer = a.loadBalancer ? this.loadBalancer(name, args, a, hostSg, ports, publicSubnets) : undefined;

        const userData = pulumi
            .output({
                region: ctx.region,
                databaseHost: db.address,
                databasePort: db.port,
                databaseSecretArn: db.masterUserSecretArn,
                adminSecretArn: admin.arn,
                bucketName: bucket.bucketName,
                logGroupName: logGroup.name,
                loadBalancerDnsName: balancer ? balancer.nlb.dnsName : undefined,
                certificateSecretArn,
            })
            .apply((v) => encodeUserData(renderUserData(hostBootstrapParams(a, v))));

        // The pinned release's AMI by its exact name: a boot never meets an AMI nobody chose. A pinned
        // AMI id must be built for the instance type's architecture (an m7g cannot boot an x86_64
        // image): known only from the AMI itself, so checked once it is looked up.
        const ami =
            args.amiId === undefined
                ? getAmiOutput(
                      {
                          owners: ["amazon"],
                          mostRecent: true,
                          filters: [{ name: "name", values: [al2023AmiName(a.amiRelease, a.architecture)] }],
                      },
                      parent,
                  ).id
                : pulumi.output(args.amiId).apply((id) =>
                      getAmiOutput(
                          {
                              filters: [{ name: "image-id", values: [id] }],
                              mostRecent: true,
                          },
                          parent,
                      ).apply((image) => requireAmiArchitecture(this, name, id, image.architecture, a)),
                  );
        const rootVolume: RootVolume = { volumeSize: a.rootVolumeSizeGiB, volumeType: "gp3", kmsKeyId: args.kmsKeyArn };
        const template = new ec2.LaunchTemplate(
            `${name}-host-template`,
            {
                description: `Orthanc hosts of ${name}`,
                imageId: ami,
                instanceType: a.instanceType,
                keyName: a.keyName,
                iamInstanceProfile: { arn: profile.arn },
                metadataOptions: METADATA_OPTIONS,
                monitoring: { enabled: true },
                ebsOptimized: "true",
                blockDeviceMappings: [
                    {
                        // Amazon Linux 2023's root device.
                        deviceName: "/dev/xvda",
                        ebs: { ...rootVolume, encrypted: "true", deleteOnTermination: "true" },
                    },
                ],
                userData,
                updateDefaultVersion: true,
                tagSpecifications: ["volume", "network-interface"].map((resourceType) => ({
                    resourceType,
                    tags: { Name: `${name}-host` },
                })),
            },
            parent,
        );

        const instances = this.launchHosts(
            name,
            a,
            template,
            hostSg,
            rootVolume,
            publicSubnets,
            zones,
            args.patchGroup,
        );

        if (args.alarms) {
            const alarms = args.alarms;
            instances.forEach((inst, i) =>
                createAlarms(
                    this,
                    `${name}-host-${i}`,
                    alarms,
                    hostAlarmSpecs(
                        alarms,
                        inst.id,
                        pulumi.interpolate`arn:${ctx.partition}:automate:${ctx.region}:ec2:recover`,
                    ),
                ),
            );
            if (balancer) {
                for (const { what, targetGroup } of balancer.targetGroups) {
                    createAlarms(this, `${name}-lb-${what}`, alarms, [
                        unhealthyHostsSpec(
                            "AWS/NetworkELB",
                            balancer.nlb.arnSuffix,
                            targetGroup.arnSuffix,
                            `Orthanc ${what} target unhealthy`,
                        ),
                    ]);
                }
            }
        }

        if (balancer) {
            for (const { what, port, targetGroup } of balancer.targetGroups) {
                instances.forEach(
                    (inst, i) =>
                        new lb.TargetGroupAttachment(
                            `${name}-lb-${what}-${i}`,
                            {
                                targetGroupArn: targetGroup.arn,
                                targetId: inst.id,
                                port,
                            },
                            parent,
                        ),
                );
            }
        }

        if (args.alarms) {
            const topic = args.alarms.topicArn;
            instances.forEach(
                (inst, i) =>
                    new cloudwatch.MetricAlarm(
                        `${name}-host-${i}-not-ready`,
                        {
                            alarmDescription:
                                `Orthanc host ${i} of ${name} has not reported ready for 30 minutes: ` +
                                "its boot failed, or it stopped serving (see its log group and `systemctl status orthanc-host`)",
                            namespace: HEARTBEAT_NAMESPACE,
                            metricName: HOST_READY_METRIC,
                            dimensions: { InstanceId: inst.id },
                            statistic: "SampleCount",
                            period: HEARTBEAT_PERIOD_SECONDS,
                            evaluationPeriods: 2,
                            datapointsToAlarm: 2,
                            comparisonOperator: "LessThanThreshold",
                            threshold: 1,
                            // No data is the failure this alarm exists for.
                            treatMissingData: "breaching",
                            alarmActions: [topic],
                            okActions: [topic],
                        },
                        parent,
                    ),
            );
        }

        this.instanceIds = pulumi.all(instances.map((inst) => inst.id));
        this.publicDnsNames = pulumi.all(instances.map((inst) => inst.publicDns));
        this.urls = this.publicDnsNames.apply((names) => names.map((n) => `https://${n}`));
        this.dicomEndpoints = this.publicDnsNames.apply((names) => names.map((n) => `${n}:${DICOM_TLS_PORT}`));
        this.databaseEndpoint = db.endpoint;
        this.bucketName = bucket.bucketName;
        this.logGroupName = logGroup.name;
        this.securityGroupId = hostSg.id;
        this.adminSecretArn = admin.arn;
        this.roleName = role.name;
        this.launchTemplateId = template.id;
        this.loadBalancerDnsName = balancer ? balancer.nlb.dnsName : pulumi.output(undefined);
        this.registerOutputs({
            instanceIds: this.instanceIds,
            publicDnsNames: this.publicDnsNames,
            urls: this.urls,
            dicomEndpoints: this.dicomEndpoints,
            databaseEndpoint: this.databaseEndpoint,
            bucketName: this.bucketName,
            logGroupName: this.logGroupName,
            adminSecretArn: this.adminSecretArn,
            loadBalancerDnsName: this.loadBalancerDnsName,
        });
    }

    /** The hosts' role: the scoped inline policy of iam.ts (Session Manager included), no managed policy. */
    private instanceRole(name: string, ctx: AwsContext, refs: HostPolicyRefs) {
        const parent = { parent: this };
        const role = new iam.Role(
            `${name}-host-role`,
            {
                description: `Orthanc hosts of ${name}`,
                assumeRolePolicy: ctx.dnsSuffix.apply((dns) => ec2TrustPolicy(dns)),
            },
            parent,
        );
        new iam.RolePolicy(
            `${name}-host-policy`,
            {
                role: role.name,
                policy: pulumi
                    .output({ refs, region: ctx.region, dnsSuffix: ctx.dnsSuffix })
                    .apply(({ refs: r, region, dnsSuffix }) =>
                        policyJson(hostPolicyStatements({ ...r, region, dnsSuffix })),
                    ),
            },
            parent,
        );
        const profile = new iam.InstanceProfile(`${name}-host-profile`, { role: role.name }, parent);
        return { role, profile };
    }

    /** One instance per AZ from the template, each in its own public subnet with its own address. */
    private launchHosts(
        name: string,
        a: ResolvedOrthancHostArgs,
        template: ec2.LaunchTemplate,
        hostSg: ec2.SecurityGroup,
        rootVolume: RootVolume,
        subnets: pulumi.Output<string[]>,
        zones: pulumi.Output<string[]>,
        patchGroup?: string,
    ): ec2.Instance[] {
        return Array.from(
            { length: a.hostCount },
            (_, i) =>
                new ec2.Instance(
                    `${name}-host-${i}`,
                    {
                        // A new template version (new bootstrap or AMI) replaces the host, new before old.
                        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
                        subnetId: subnets.apply((ids) => ids[i]),
                        availabilityZone: zones.apply((z) => z[i]),
                        vpcSecurityGroupIds: [hostSg.id],
                        // Its own public address, asked for on its network interface (the subnet maps none).
                        associatePublicIpAddress: true,
                        // Repeated from the template so each instance states its own safety settings.
                        metadataOptions: METADATA_OPTIONS,
                        monitoring: true,
                        rootBlockDevice: { ...rootVolume, encrypted: true, deleteOnTermination: true },
                        tags: { Name: `${name}-host-${i}`, ...(patchGroup ? { [PATCH_GROUP_TAG]: patchGroup } : {}) },
                    },
                    { parent: this },
                ),
        );
    }

    /** One ingress rule per CIDR and port: rules stay separate resources others can add to. */
    private allowCidrs(
        name: string,
        sg: ec2.SecurityGroup,
        ports: Port[],
        a: ResolvedOrthancHostArgs,
        prefix = "",
    ): void {
        for (const { what, port, description } of ports) {
            const cidrs = what === "web" ? a.webCidrs : a.dicomCidrs;
            cidrs.forEach(
                (cidr, i) =>
                    new vpc.SecurityGroupIngressRule(
                        `${name}-${prefix}${what}-${i}`,
                        {
                            securityGroupId: sg.id,
                            description: `${description} from ${cidr}`,
                            ipProtocol: "tcp",
                            fromPort: port,
                            toPort: port,
                            cidrIpv4: cidr,
                        },
                        { parent: this },
                    ),
            );
        }
    }

    /**
     * A network load balancer passing 443 and 11112 through to the hosts (TLS still ends on them),
     * healthy only while Orthanc answers behind nginx.
     */
    private loadBalancer(
        name: string,
        args: OrthancHostArgs,
        a: ResolvedOrthancHostArgs,
        hostSg: ec2.SecurityGroup,
        ports: Port[],
        subnets: pulumi.Output<string[]>,
    ) {
        const parent = { parent: this };
        const lbSg = new ec2.SecurityGroup(
            `${name}-lb`,
            {
                vpcId: args.network.vpcId,
                description: "Orthanc load balancer: 443 and 11112 from the allowed ranges only",
                tags: { Name: `${name}-lb` },
            },
            parent,
        );
        this.allowCidrs(name, lbSg, ports, a, "lb-");
        for (const { what, port, description } of ports) {
            new vpc.SecurityGroupEgressRule(
                `${name}-lb-to-${what}`,
                {
                    securityGroupId: lbSg.id,
                    description: `${description} to the hosts`,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    referencedSecurityGroupId: hostSg.id,
                },
                parent,
            );
            new vpc.SecurityGroupIngressRule(
                `${name}-${what}-from-lb`,
                {
                    securityGroupId: hostSg.id,
                    description: `${description} and health checks from the load balancer`,
                    ipProtocol: "tcp",
                    fromPort: port,
                    toPort: port,
                    referencedSecurityGroupId: lbSg.id,
                },
                parent,
            );
        }
        const nlb = new lb.LoadBalancer(
            `${name}-nlb`,
            {
                loadBalancerType: "network",
                internal: false,
                subnets,
                securityGroups: [lbSg.id],
                enableCrossZoneLoadBalancing: true,
                ipAddressType: "ipv4",
                enableDeletionProtection: a.protect,
                tags: { Name: `${name}-nlb` },
            },
            parent,
        );
        const targetGroups = ports.map(({ what, port }) => {
            const targetGroup = new lb.TargetGroup(
                `${name}-lb-${what}`,
                {
                    vpcId: args.network.vpcId,
                    targetType: "instance",
                    protocol: "TCP",
                    port,
                    preserveClientIp: "true",
                    deregistrationDelay: 30,
                    // Both ports are judged by Orthanc's health behind nginx, on 443.
                    healthCheck: {
                        protocol: "HTTPS",
                        port: String(HTTPS_PORT),
                        path: HEALTH_PATH,
                        matcher: "200",
                        interval: 10,
                        healthyThreshold: 3,
                        unhealthyThreshold: 3,
                    },
                },
                parent,
            );
            new lb.Listener(
                `${name}-lb-${what}`,
                {
                    loadBalancerArn: nlb.arn,
                    protocol: "TCP",
                    port,
                    defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
                },
                parent,
            );
            return { what, port, targetGroup };
        });
        return { nlb, targetGroups };
    }
}
