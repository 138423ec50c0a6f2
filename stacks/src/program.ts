import { keepConfigSecrets, KeyService, KmsKey, protectIf, SecureBucket } from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { ConfigReader } from "./config";
import { loadSettings, Settings } from "./settings";
import { deployEdge, prepareEdge } from "./edge";
import { deployApp } from "./app";
import { deployOrthanc } from "./orthanc";
import { deployOperations, prepareOperations } from "./operations";
import type { AlertTopic } from "@citadel/operations";
import { deployAppData, deployUploads } from "./app-data";

/** What every feature module of the program builds on: created once per stack. */
export interface Platform {
    /** The validated settings. */
    settings: Settings;
    /** The stack's customer-managed key: data at rest, logs. */
    key: KmsKey;
    /** The stack's log bucket (SSE-KMS): flow logs, CloudFront logs. */
    logs: SecureBucket;
    /** The stack's S3 server access log bucket (SSE-S3, the only encryption S3 delivers them to). */
    accessLogs: SecureBucket;
    /** The stack's VPC. */
    net: SecureVpc;
    /** The stack's alert topic: every component's alarms and failed deployments go here. */
    alerts: AlertTopic;
}

/**
 * The Citadel program: validated settings in, components out. All config is read and validated
 * by loadSettings before the first resource is registered, so a bad value costs nothing.
 */
export async function program(): Promise<Record<string, unknown>> {
    // First: every resource input and output holding a secure: value is a Pulumi secret.
    const secrets = keepConfigSecrets();
    const reader = new ConfigReader("citadel", secrets);
    const settings = loadSettings(reader);
    const s = settings;

    // One key and one log bucket for the stack; components receive them by reference.
    const key = new KmsKey(
        "citadel",
        {
            description: `Citadel ${s.stack}: data at rest and logs`,
            services: keyServices(s),
        },
        protectIf(s.protect),
    );
    const accessLogs = new SecureBucket(
        "access-logs",
        {
            purpose: "accessLogs",
            logRetentionInDays: s.logs.retentionDays,
        },
        protectIf(s.protect),
    );

    const logs = new SecureBucket(
        "logs",
        {
            purpose: "logs",
            kmsKeyArn: key.arn,
            accessLogs: { bucketName: accessLogs.bucketName },
            logRetentionInDays: s.logs.retentionDays,
        },
        protectIf(s.protect),
    );

    const net = new SecureVpc("net", {
        cidrBlock: s.vpc.cidrBlock,
        azCount: s.vpc.azCount,
        publicSubnetPrefixLength: s.vpc.publicSubnetPrefixLength,
        privateSubnetPrefixLength: s.vpc.privateSubnetPrefixLength,
        natStrategy: s.vpc.natStrategy,
        interfaceEndpoints: s.vpc.interfaceEndpoints,
        kmsKeyArn: key.arn,
        flowLogs:
            s.vpc.flowLogsDestination === "s3"
                ? { destination: "s3", bucketArn: logs.arn }
                : { destination: "cloudwatch", logRetentionInDays: s.logs.retentionDays },
    });
    const alerts = prepareOperations(settings);
    const platform: Platform = { settings, key, logs, accessLogs, net, alerts };

    const outputs: Record<string, unknown> = {
        vpcId: net.vpcId,
        availabilityZones: net.availabilityZones,
        publicSubnetIds: net.publicSubnetIds,
        privateSubnetIds: net.privateSubnetIds,
        privateRouteTableIds: net.privateRouteTableIds,
        ...(s.vpc.interfaceEndpoints.length > 0 ? { endpointSecurityGroupId: net.endpointSecurityGroupId } : {}),
        kmsKeyArn: key.arn,
        logBucketName: logs.bucketName,
        accessLogBucketName: accessLogs.bucketName,
    };

    // Feature modules (one file each in stacks/src/) add their resources and outputs below.
    // The edge is split around the app: its secret header and CloudFront's prefix list first (the
    // app's load balancer takes them as `originProtection`), the distribution after.
    const originProtection = prepareEdge(platform);
    if (s.app.enabled) {
        // Uploads before the app (its grants are the app's), cache and search after (they admit its roles).
        const { uploads, grants } = deployUploads(platform);
        const { outputs: appOutputs, app } = deployApp(platform, originProtection, grants);
        Object.assign(outputs, appOutputs, deployAppData(platform, app, uploads));
    }
    Object.assign(outputs, deployEdge(platform, originProtection));
    if (s.orthanc.enabled) Object.assign(outputs, deployOrthanc(platform));
    Object.assign(outputs, deployOperations(platform));

    return secrets.exports(outputs);
}

/**
 * The AWS services the stack's key admits: only those that use it in this stack's configuration
 * (a key policy grant nobody needs is one more way in).
 * - logs: the stack's CloudWatch log groups (always);
 * - logDelivery: VPC flow logs to the SSE-KMS log bucket, CloudFront standard logs v2 into it;
 * - autoscaling: the Auto Scaling group of the app's EC2 capacity launching encrypted volumes.
 * CloudFront never uses the stack's key: the edge's assets bucket has a key of its own whose policy
 * admits that distribution alone (EdgeCdn).
 */
export function keyServices(s: Settings): KeyService[] {
    const services: KeyService[] = ["logs"];
    if (s.vpc.flowLogsDestination === "s3" || s.edge.enabled) services.push("logDelivery");
    if (s.app.enabled && s.app.capacity === "ec2") services.push("autoscaling");
    return services;
}
