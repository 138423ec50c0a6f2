import { KmsKey, SecureBucket } from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { loadSettings } from "./settings";

/**
 * The Citadel program: validated settings in, components out. Everything is validated before the
 * first resource is registered, so a bad value costs nothing.
 */
export async function program(): Promise<Record<string, unknown>> {
    const s = loadSettings();

    // One key and one log bucket for the stack; components receive them by reference.
    const key = new KmsKey("citadel", {
        description: `Citadel ${s.stack}: data at rest and logs`,
        services: ["logs", "logDelivery"],
        protect: s.protect,
    });
    const logs = new SecureBucket("logs", {
        purpose: "logs",
        kmsKeyArn: key.arn,
        logRetentionDays: s.logs.retentionDays,
        protect: s.protect,
    });

    const net = new SecureVpc("net", {
        cidrBlock: s.vpc.cidrBlock,
        azCount: s.vpc.azCount,
        publicSubnetPrefixLength: s.vpc.publicSubnetPrefixLength,
        privateSubnetPrefixLength: s.vpc.privateSubnetPrefixLength,
        natStrategy: s.vpc.natStrategy,
        interfaceEndpoints: s.vpc.interfaceEndpoints,
        kmsKeyArn: key.arn,
        flowLogs: s.vpc.flowLogsDestination === "s3"
            ? { destination: "s3", bucketArn: logs.arn }
            : { destination: "cloudwatch", retentionInDays: s.logs.retentionDays },
    });

    return {
        ...(s.vpc.interfaceEndpoints.length > 0 ? { endpointSecurityGroupId: net.endpointSecurityGroupId } : {}),
        vpcId: net.vpcId,
        availabilityZones: net.availabilityZones,
        publicSubnetIds: net.publicSubnetIds,
        privateSubnetIds: net.privateSubnetIds,
        privateRouteTableIds: net.privateRouteTableIds,
        kmsKeyArn: key.arn,
        logBucketName: logs.bucketName,
    };
}
