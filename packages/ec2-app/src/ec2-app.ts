import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as iam from "@pulumi/aws/iam";
import * as lb from "@pulumi/aws/lb";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as codedeploy from "@pulumi/aws/codedeploy";
import { getParameterOutput } from "@pulumi/aws/ssm/getParameter";
import {
    admitFromLoadBalancer,
    createAlbSecurityGroup,
    createLoadBalancer,
    createServiceRoute,
} from "@citadel/ecs-app";
import {
    amazonLinuxParameter,
    awsContext,
    ec2TrustPolicy,
    policyJson,
    protectIf,
    SecureBucket,
    serviceTrustPolicy,
    sessionManagerStatements,
    requireArgs,
    withTags,
    argKeys,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { Ec2AppArgs, ResolvedApp, ResolvedEc2AppArgs, validateEc2AppArgs } from "./args";
import { ciRoleStatements, instanceRoleStatements, serviceRoleStatements } from "./policies";
import { HOST_METRICS_NAMESPACE, renderUserData } from "./render/user-data";

/** IMDSv2 only, one hop: nothing on the instances runs in containers that would need a second. */
export const METADATA_OPTIONS = {
    httpEndpoint: "enabled",
    httpTokens: "required",
    httpPutResponseHopLimit: 1,
    instanceMetadataTags: "disabled",
} as const;

/** The tag SSM Patch Manager selects instances by. https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager-patch-groups.html */
export const PATCH_GROUP_TAG = "Patch Group";

/** The one deployment configuration: one instance at a time, the others keep serving. */
export const DEPLOYMENT_CONFIG = "CodeDeployDefault.OneAtATime";
/** Events that roll a deployment back to the last good revision. */
export const ROLLBACK_EVENTS = ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"];
/** Deployment events sent to the alert topic. */
export const TRIGGER_EVENTS = [
    "DeploymentFailure",
    "DeploymentRollback",
    "DeploymentStop",
    "DeploymentSuccess",
    "InstanceFailure",
];

/** One application's deployment pieces. */
export interface Ec2AppDeployment {
    /** The CodeDeploy application. */
    applicationName: pulumi.Output<string>;
    /** The CodeDeploy deployment group (in-place, behind the load balancer). */
    deploymentGroupName: pulumi.Output<string>;
    /** The app's target group. */
    targetGroupArn: pulumi.Output<string>;
    /** Where CI uploads this app's revisions: `s3://<revisionsBucket>/<app>/`. */
    revisionPrefix: string;
}

/** Every argument of Ec2AppArgs, for refusing unknown ones (the compiler keeps this list exact). */
const EC2_APP_ARG_NAMES: ArgNames<Ec2AppArgs> = {
    network: true,
    kmsKeyArn: true,
    apps: true,
    instances: true,
    loadBalancer: true,
    logBucket: true,
    parameterNamespace: true,
    ciPrincipalArns: true,
    alarms: true,
    patchGroup: true,
    logRetentionInDays: true,
    protect: true,
    tags: true,
};

/**
 * DrSignet's tier, made safe: an Auto Scaling group of private Amazon Linux 2023 instances (IMDSv2,
 * KMS-encrypted gp3, no SSH: Session Manager) from a launch template, Nginx on each instance proxying
 * to two or more apps, an internet-facing ALB (TLS 1.3 policy, 80 → 301) routing by host or path to one
 * target group per app, and per app a CodeDeploy in-place deployment (OneAtATime, traffic blocked at
 * the ALB during each instance's update, automatic rollback on failure and on the app's 5xx/unhealthy
 * alarms, events to the alert topic). Revisions go to an SSE-KMS, versioned, TLS-only bucket by a CI
 * role limited to these applications; each app's `.env` comes from its own Parameter Store namespace.
 */
export class Ec2App extends pulumi.ComponentResource {
    /** The load balancer's DNS name (point the apps' DNS records at it). */
    readonly loadBalancerDnsName: pulumi.Output<string>;
    /** The application load balancer's ARN. */
    readonly loadBalancerArn: pulumi.Output<string>;
    /** The instances' security group. */
    readonly securityGroupId: pulumi.Output<string>;
    /** The Auto Scaling group's name. */
    readonly autoScalingGroupName: pulumi.Output<string>;
    /** The instances' launch template. */
    readonly launchTemplateId: pulumi.Output<string>;
    /** The instances' IAM role name. */
    readonly instanceRoleName: pulumi.Output<string>;
    /** The bucket CI uploads CodeDeploy revisions to. */
    readonly revisionsBucketName: pulumi.Output<string>;
    /** The role CI assumes to upload revisions and start deployments. */
    readonly ciRoleArn: pulumi.Output<string>;
    /** CodeDeploy application, deployment group and target group, by app name. */
    readonly deployments: Record<string, Ec2AppDeployment>;
    /** The Parameter Store namespace of the apps' settings. */
    readonly parameterNamespace: string;

    constructor(name: string, args: Ec2AppArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("Ec2App", name, args);
        // Children inherit the component's `protect` option; the argument, or that option, also turns the
        // load balancer's deletion protection on.
        const a = validateEc2AppArgs(
            name,
            { ...args, protect: args.protect ?? opts?.protect },
            pulumi.getProject(),
            pulumi.getStack(),
        );
        refuseUnknownArgs("Ec2App", name, args, EC2_APP_ARG_NAMES);
        super("citadel:ec2app:Ec2App", name, {}, withTags(argKeys("Ec2App", name)("tags"), args.tags, opts));
        const parent = { parent: this };
        const ctx = awsContext(this);

        // Security groups: the ALB's as EcsApp's; the instances admit the ALB on the proxy ports only.
        const albSg = createAlbSecurityGroup(name, this, args.network);
        const instanceSg = new ec2.SecurityGroup(
            `${name}-instances-sg`,
            {
                vpcId: args.network.vpcId,
                description: "App instances: the apps' Nginx ports from the load balancer only; no SSH",
                tags: { Name: `${name}-instances` },
            },
            parent,
        );
        admitFromLoadBalancer(
            name,
            this,
            albSg,
            instanceSg,
            "instances",
            a.apps.map((x) => x.proxyPort),
        );
        new vpc.SecurityGroupEgressRule(
            `${name}-instances-egress-https`,
            {
                securityGroupId: instanceSg.id,
                description: "HTTPS: AWS APIs (SSM, CodeDeploy, S3), the distribution's repositories, through the NAT",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: "0.0.0.0/0",
            },
            parent,
        );

        const alb = createLoadBalancer(name, this, args.network, args.loadBalancer, a, albSg, args.logBucket, "Ec2App");
        const routes = a.apps.map((app) =>
            createServiceRoute(
                name,
                this,
                args.network,
                {
                    name: app.name,
                    port: app.proxyPort,
                    protocol: "HTTP",
                    healthCheckPath: app.healthCheckPath,
                    paths: app.paths,
                    hosts: app.hosts,
                    priority: app.priority,
                    targetType: "instance",
                    deregistrationDelaySeconds: 30,
                },
                alb.https,
            ),
        );

        const revisions = new SecureBucket(
            `${name}-revisions`,
            {
                purpose: "data",
                kmsKeyArn: args.kmsKeyArn,
                accessLogs: { bucketName: args.logBucket.bucketName, prefix: `${name}-revisions/` },
                noncurrentVersionRetentionDays: 90,
            },
            { parent: this, ...protectIf(a.protect) },
        );

        // Each app's stdout/stderr, shipped by the CloudWatch agent: retention and the key (which must admit `logs`).
        const logGroups = a.apps.map(
            (app) =>
                new cloudwatch.LogGroup(
                    `${name}-${app.name}-logs`,
                    {
                        retentionInDays: a.logRetentionInDays,
                        kmsKeyId: args.kmsKeyArn,
                    },
                    parent,
                ),
        );

        // Instance role: Session Manager, its own apps' parameters, the revisions, its apps' logs.
        const instanceRole = new iam.Role(
            `${name}-instance-role`,
            {
                assumeRolePolicy: ctx.dnsSuffix.apply((s) => ec2TrustPolicy(s)),
                description: `Instances of ${name}: Session Manager, their apps' parameters, CodeDeploy revisions`,
            },
            parent,
        );
        // Session Manager, Run Command and Patch Manager without AmazonSSMManagedInstanceCore, whose
        // ssm:GetParameter(s) on every parameter would let any app read every namespace's settings.
        new iam.RolePolicy(
            `${name}-instance-ssm`,
            {
                role: instanceRole.name,
                policy: policyJson(sessionManagerStatements()),
            },
            parent,
        );
        new iam.RolePolicy(
            `${name}-instance-policy`,
            {
                role: instanceRole.name,
                policy: pulumi
                    .all([
                        ctx.partition,
                        ctx.region,
                        ctx.accountId,
                        ctx.dnsSuffix,
                        revisions.arn,
                        args.kmsKeyArn,
                        pulumi.all(logGroups.map((g) => g.arn)),
                    ])
                    .apply(([partition, region, accountId, dnsSuffix, revisionsBucketArn, kmsKeyArn, logGroupArns]) =>
                        policyJson(
                            instanceRoleStatements({
                                partition,
                                region,
                                accountId,
                                dnsSuffix,
                                revisionsBucketArn,
                                kmsKeyArn,
                                logGroupArns,
                                parameterNamespace: a.parameterNamespace,
                                apps: a.apps.map((x) => x.name),
                            }),
                        ),
                    ),
            },
            parent,
        );
        const profile = new iam.InstanceProfile(`${name}-instance-profile`, { role: instanceRole.name }, parent);

        const imageId =
            a.instances.amiId ??
            getParameterOutput({ name: amazonLinuxParameter(a.instances.architecture) }, parent).value;
        const userData = pulumi
            .all([ctx.region, ctx.dnsSuffix, args.network.vpcCidrBlock, pulumi.all(logGroups.map((g) => g.name))])
            .apply(([region, dnsSuffix, vpcCidr, groupNames]) =>
                Buffer.from(
                    renderUserData({
                        region,
                        dnsSuffix,
                        vpcCidr,
                        parameterNamespace: a.parameterNamespace,
                        nodePackage: a.instances.nodePackage,
                        loadBalancerIdleTimeoutSeconds: a.loadBalancer.idleTimeoutSeconds,
                        apps: a.apps,
                        logGroups: Object.fromEntries(a.apps.map((app, i) => [app.name, groupNames[i]])),
                    }),
                    "utf8",
                ).toString("base64"),
            );

        const launchTemplate = new ec2.LaunchTemplate(
            `${name}-lt`,
            {
                description: `Instances of ${name}: AL2023, IMDSv2, encrypted root volume, no public IP, no key pair`,
                imageId,
                instanceType: a.instances.instanceType,
                iamInstanceProfile: { arn: profile.arn },
                metadataOptions: METADATA_OPTIONS,
                networkInterfaces: [
                    { associatePublicIpAddress: "false", deleteOnTermination: "true", securityGroups: [instanceSg.id] },
                ],
                blockDeviceMappings: [
                    {
                        deviceName: "/dev/xvda",
                        ebs: {
                            volumeSize: a.instances.volumeSizeGiB,
                            volumeType: "gp3",
                            encrypted: "true",
                            kmsKeyId: args.kmsKeyArn,
                            deleteOnTermination: "true",
                        },
                    },
                ],
                monitoring: { enabled: true },
                userData,
                updateDefaultVersion: true,
                tagSpecifications: [
                    {
                        resourceType: "instance",
                        tags: { Name: name, ...(args.patchGroup ? { [PATCH_GROUP_TAG]: args.patchGroup } : {}) },
                    },
                    { resourceType: "volume", tags: { Name: name } },
                ],
            },
            parent,
        );

        const group = new autoscaling.Group(
            `${name}-asg`,
            {
                vpcZoneIdentifiers: args.network.privateSubnetIds,
                minSize: a.instances.minSize,
                maxSize: a.instances.maxSize,
                launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
                targetGroupArns: routes.map((r) => r.targetGroup.arn),
                // EC2 health, not ELB: an instance serves several apps, and one app failing its target
                // group's check must not terminate the others. The app is taken out of its target group
                // (and raises its unhealthy alarm) while systemd restarts it.
                healthCheckType: "EC2",
                healthCheckGracePeriod: 300,
                defaultInstanceWarmup: 300,
                enabledMetrics: ["GroupInServiceInstances", "GroupDesiredCapacity", "GroupTerminatingInstances"],
                // A new launch template version (AMI, user data) replaces the instances a half at a time;
                // CodeDeploy's lifecycle hook installs the last good revision on each new one.
                // https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html
                instanceRefresh: {
                    strategy: "Rolling",
                    preferences: { minHealthyPercentage: 50, instanceWarmup: "300" },
                },
                tags: [{ key: "Name", value: name, propagateAtLaunch: false }],
            },
            parent,
        );

        if (args.alarms) {
            // The group's root volumes: the agent aggregates disk_used_percent by group and path.
            new cloudwatch.MetricAlarm(
                `${name}-disk`,
                {
                    alarmDescription: `${name}: an instance's root volume is ${args.alarms.diskUsedPercent ?? 80} % full or more`,
                    namespace: HOST_METRICS_NAMESPACE,
                    metricName: "disk_used_percent",
                    dimensions: { AutoScalingGroupName: group.name, path: "/" },
                    statistic: "Maximum",
                    comparisonOperator: "GreaterThanOrEqualToThreshold",
                    threshold: args.alarms.diskUsedPercent ?? 80,
                    period: 300,
                    evaluationPeriods: 2,
                    datapointsToAlarm: 2,
                    treatMissingData: "missing",
                    alarmActions: [args.alarms.topicArn],
                    okActions: [args.alarms.topicArn],
                },
                parent,
            );
        }

        // CodeDeploy: a service role, and per app an application and an in-place deployment group.
        const serviceRole = new iam.Role(
            `${name}-codedeploy-role`,
            {
                assumeRolePolicy: pulumi
                    .all([ctx.accountId, ctx.dnsSuffix])
                    .apply(([accountId, s]) => serviceTrustPolicy(`codedeploy.${s}`, accountId)),
                description: `CodeDeploy for ${name}: lifecycle hooks, traffic control, triggers`,
            },
            parent,
        );
        const serviceManaged = new iam.RolePolicyAttachment(
            `${name}-codedeploy-managed`,
            {
                role: serviceRole.name,
                policyArn: ctx.partition.apply((p) => `arn:${p}:iam::aws:policy/service-role/AWSCodeDeployRole`),
            },
            parent,
        );
        const servicePolicy = new iam.RolePolicy(
            `${name}-codedeploy-policy`,
            {
                role: serviceRole.name,
                policy: pulumi
                    .all([
                        ctx.partition,
                        ctx.region,
                        ctx.accountId,
                        ctx.dnsSuffix,
                        instanceRole.arn,
                        args.kmsKeyArn,
                        args.alarms?.topicArn ?? "",
                        args.alarms?.topicKmsKeyArn ?? args.kmsKeyArn,
                    ])
                    .apply(
                        ([
                            partition,
                            region,
                            accountId,
                            dnsSuffix,
                            instanceRoleArn,
                            kmsKeyArn,
                            topicArn,
                            topicKmsKeyArn,
                        ]) =>
                            policyJson(
                                serviceRoleStatements({
                                    partition,
                                    region,
                                    accountId,
                                    dnsSuffix,
                                    instanceRoleArn,
                                    kmsKeyArn,
                                    topicKmsKeyArn,
                                    topicArn: topicArn || undefined,
                                }),
                            ),
                    ),
            },
            parent,
        );

        this.deployments = {};
        const apps: codedeploy.Application[] = [];
        const groups: codedeploy.DeploymentGroup[] = [];
        a.apps.forEach((app, i) => {
            const tg = routes[i].targetGroup;
            const alarms = this.appAlarms(name, app, a, alb.loadBalancer, tg, args);
            const application = new codedeploy.Application(
                `${name}-${app.name}`,
                { computePlatform: "Server" },
                parent,
            );
            const dg = new codedeploy.DeploymentGroup(
                `${name}-${app.name}-dg`,
                {
                    appName: application.name,
                    // Required by CodeDeploy and unique only within its (autonamed) application.
                    deploymentGroupName: app.name,
                    serviceRoleArn: serviceRole.arn,
                    deploymentConfigName: DEPLOYMENT_CONFIG,
                    deploymentStyle: { deploymentType: "IN_PLACE", deploymentOption: "WITH_TRAFFIC_CONTROL" },
                    loadBalancerInfo: { targetGroupInfos: [{ name: tg.name }] },
                    autoscalingGroups: [group.name],
                    // Instances launched during a deployment get the new revision too.
                    outdatedInstancesStrategy: "UPDATE",
                    terminationHookEnabled: true,
                    autoRollbackConfiguration: { enabled: true, events: ROLLBACK_EVENTS },
                    alarmConfiguration: {
                        enabled: true,
                        ignorePollAlarmFailure: false,
                        alarms: alarms.map((x) => x.name),
                    },
                    triggerConfigurations: args.alarms
                        ? [
                              {
                                  triggerName: `${app.name}-deployments`,
                                  triggerEvents: TRIGGER_EVENTS,
                                  triggerTargetArn: args.alarms.topicArn,
                              },
                          ]
                        : undefined,
                    // CodeDeploy checks the role when the group is created: its policies must be attached first.
                },
                { parent: this, dependsOn: [servicePolicy, serviceManaged] },
            );
            apps.push(application);
            groups.push(dg);
            this.deployments[app.name] = {
                applicationName: application.name,
                deploymentGroupName: dg.deploymentGroupName,
                targetGroupArn: tg.arn,
                revisionPrefix: `${app.name}/`,
            };
        });

        // CI: upload revisions and create deployments of these applications, nothing else.
        const ciRole = new iam.Role(
            `${name}-ci-role`,
            {
                assumeRolePolicy: pulumi
                    .all([ctx.partition, ctx.accountId, pulumi.all(args.ciPrincipalArns ?? [])])
                    .apply(([partition, accountId, principals]) =>
                        policyJson([
                            {
                                Effect: "Allow",
                                Principal: {
                                    AWS: principals.length > 0 ? principals : `arn:${partition}:iam::${accountId}:root`,
                                },
                                Action: "sts:AssumeRole",
                            },
                        ]),
                    ),
                description: `CI of ${name}: upload revisions and create deployments of its applications only`,
                maxSessionDuration: 3600,
            },
            parent,
        );
        new iam.RolePolicy(
            `${name}-ci-policy`,
            {
                role: ciRole.name,
                policy: pulumi
                    .all([
                        ctx.partition,
                        ctx.region,
                        ctx.accountId,
                        ctx.dnsSuffix,
                        revisions.arn,
                        args.kmsKeyArn,
                        pulumi.all(apps.map((x) => x.name)),
                        pulumi.all(groups.map((g) => g.deploymentGroupName)),
                    ])
                    .apply(
                        ([
                            partition,
                            region,
                            accountId,
                            dnsSuffix,
                            revisionsBucketArn,
                            kmsKeyArn,
                            applicationNames,
                            groupNames,
                        ]) =>
                            policyJson(
                                ciRoleStatements({
                                    partition,
                                    region,
                                    accountId,
                                    dnsSuffix,
                                    revisionsBucketArn,
                                    kmsKeyArn,
                                    applications: a.apps.map((app, n) => ({
                                        applicationName: applicationNames[n],
                                        deploymentGroupName: groupNames[n],
                                        revisionPrefix: `${app.name}/`,
                                    })),
                                }),
                            ),
                    ),
            },
            parent,
        );

        this.loadBalancerDnsName = alb.loadBalancer.dnsName;
        this.loadBalancerArn = alb.loadBalancer.arn;
        this.securityGroupId = instanceSg.id;
        this.autoScalingGroupName = group.name;
        this.launchTemplateId = launchTemplate.id;
        this.instanceRoleName = instanceRole.name;
        this.revisionsBucketName = revisions.bucketName;
        this.ciRoleArn = ciRole.arn;
        this.parameterNamespace = a.parameterNamespace;
        this.registerOutputs({
            loadBalancerDnsName: this.loadBalancerDnsName,
            securityGroupId: this.securityGroupId,
            autoScalingGroupName: this.autoScalingGroupName,
            revisionsBucketName: this.revisionsBucketName,
            ciRoleArn: this.ciRoleArn,
        });
    }

    /**
     * The two alarms CodeDeploy watches during an app's deployment (and that notify the topic): the
     * app's targets answering 5xx, and any of its targets unhealthy. Missing data (no traffic) is fine.
     * https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-create-alarms.html
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-cloudwatch-metrics.html
     */
    private appAlarms(
        name: string,
        app: ResolvedApp,
        a: ResolvedEc2AppArgs,
        loadBalancer: lb.LoadBalancer,
        tg: lb.TargetGroup,
        args: Ec2AppArgs,
    ): cloudwatch.MetricAlarm[] {
        const dimensions = { LoadBalancer: loadBalancer.arnSuffix, TargetGroup: tg.arnSuffix };
        const actions = args.alarms ? [args.alarms.topicArn] : [];
        const common = {
            namespace: "AWS/ApplicationELB",
            dimensions,
            period: 60,
            comparisonOperator: "GreaterThanOrEqualToThreshold",
            treatMissingData: "notBreaching",
            alarmActions: actions,
            okActions: actions,
        };
        return [
            new cloudwatch.MetricAlarm(
                `${name}-${app.name}-5xx`,
                {
                    ...common,
                    alarmDescription: `${app.name}: its targets answered ${a.target5xxPerMinute}+ 5xx responses in a minute`,
                    metricName: "HTTPCode_Target_5XX_Count",
                    statistic: "Sum",
                    threshold: a.target5xxPerMinute,
                    evaluationPeriods: 2,
                    datapointsToAlarm: 2,
                },
                { parent: this },
            ),
            new cloudwatch.MetricAlarm(
                `${name}-${app.name}-unhealthy`,
                {
                    ...common,
                    alarmDescription: `${app.name}: a target failed the health check on ${app.healthCheckPath}`,
                    metricName: "UnHealthyHostCount",
                    statistic: "Maximum",
                    threshold: 1,
                    evaluationPeriods: 3,
                    datapointsToAlarm: 3,
                },
                { parent: this },
            ),
        ];
    }
}
