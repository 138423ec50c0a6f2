// A platform team's own program, written against the published packages only: what the README's
// "Using the components in your own program" promises. Type-checked and run by consumer/run.js.
import * as aws from "@pulumi/aws";
import { KmsKey, SecureBucket } from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";

export function program() {
    const key = new KmsKey("app", { description: "app data" });
    // S3 server access logs are delivered to SSE-S3 buckets only: they get a bucket of their own.
    const accessLogs = new SecureBucket("access-logs", { purpose: "accessLogs" });
    const logs = new SecureBucket("logs", {
        purpose: "logs",
        kmsKeyArn: key.arn,
        accessLogs: { bucketName: accessLogs.bucketName },
    });
    const net = new SecureVpc("net", {
        cidrBlock: "10.40.0.0/16",
        azCount: 3,
        natStrategy: "perAz",
        interfaceEndpoints: ["kms", "secretsmanager"],
        kmsKeyArn: key.arn,
        flowLogs: { destination: "s3", bucketArn: logs.arn },
    });
    // The consumer's own resources sit beside Citadel's, on the same @pulumi/aws.
    const sg = new aws.ec2.SecurityGroup("own", { vpcId: net.network.vpcId, description: "the team's own group" });
    return { vpcId: net.vpcId, groupId: sg.id };
}
