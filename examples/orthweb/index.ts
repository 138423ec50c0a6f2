/**
 * Orthweb (seed 004): Orthanc on AWS as its write-up describes it, with its stated limitations
 * removed by the components (the database password is generated and rotated by RDS, never in state;
 * the hosts read credentials into root-only files, not environment variables; your own certificate
 * replaces the self-signed one when you give it).
 *
 * A VPC over two AZs, a public and a private subnet in each; one host per AZ from a launch
 * template, active-active, each with its own public address, running Orthanc in containers behind
 * Nginx with TLS on 443 (HTTPS) and 11112 (DICOM TLS); RDS PostgreSQL in the private subnets over
 * TLS; the image bucket reached through the S3 gateway endpoint; interface endpoints as one of
 * Orthweb's three choices; VPC flow logs and S3 access logs in a separate log bucket; one KMS key.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    ConfigError,
    KmsKey,
    SecureBucket,
    refuseUndeclaredProjectKeys,
    configBoolean,
    stackRegion,
    keepConfigSecrets,
} from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { AlertTopic, SubscriptionProtocol } from "@citadel/operations";
import { OrthancHost, OrthancHostArgs, resolveOrthancHostArgs } from "@citadel/orthanc-host";

/** Orthweb's three interface endpoint choices, from its "Network Paths" table. */
const ENDPOINT_CHOICES = [
    [],
    ["kms", "secretsmanager"],
    ["kms", "secretsmanager", "ec2", "ssm", "ec2messages", "ssmmessages"],
];

/** The configured list, if it is one of the three choices (in any order); else a ConfigError. */
function endpointChoice(key: string, value: string[]): string[] {
    const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x));
    if (!Array.isArray(value) || !ENDPOINT_CHOICES.some((c) => same(c, value))) {
        throw new ConfigError(
            key,
            value,
            "is not one of Orthweb's interface endpoint choices",
            ENDPOINT_CHOICES.map((c) => JSON.stringify(c)).join(" | "),
        );
    }
    return value;
}

export = async () => {
    // aws:region first (a bad one would otherwise be blamed on the first ARN that names a region), then
    // every key of the stack file: a misspelled one is refused (with the key it meant), never silently ignored.
    stackRegion();
    refuseUndeclaredProjectKeys(__dirname);
    // Every resource input and output holding a secure: config value becomes a Pulumi secret.
    const secrets = keepConfigSecrets();
    const config = new pulumi.Config();
    const key = (k: string) => `${config.name}:${k}`;
    const protect = configBoolean(config, "protect");
    const interfaceEndpoints = endpointChoice(
        key("interfaceEndpoints"),
        config.requireObject<string[]>("interfaceEndpoints"),
    );
    const orthanc: Omit<OrthancHostArgs, "network" | "kmsKeyArn" | "accessLogsBucketName"> = {
        webCidrs: config.requireObject<string[]>("webCidrs"),
        dicomCidrs: config.requireObject<string[]>("dicomCidrs"),
        certificateSecretArn: config.get("certificateSecretArn") || undefined,
        siteName: config.get("siteName") || undefined,
        instanceType: config.require("instanceType"),
        hostCount: 2,
        database: { instanceClass: config.require("dbInstanceClass") },
        protect,
    };
    // Every value is checked before the first resource exists; a bad one names its config key.
    resolveOrthancHostArgs(orthanc, (field) => key(field === "database.instanceClass" ? "dbInstanceClass" : field));

    // Alarms (hosts, database, load balancer, failed deployments) go to one topic people read.
    const alerts = new AlertTopic(
        "orthweb-alerts",
        {
            subscribers: config
                .requireObject<string[]>("alertEmails")
                .map((endpoint) => ({ protocol: SubscriptionProtocol.Email, endpoint })),
        },
        { protect },
    );
    const kms = new KmsKey(
        "orthweb",
        { description: "Orthweb: images, database, secrets, logs", services: ["logs", "logDelivery"] },
        { protect },
    );
    // S3 delivers server access logs only to SSE-S3 buckets: they get a bucket of their own.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    const accessLogs = new SecureBucket("orthweb-access-logs", { purpose: "accessLogs" }, { protect });
    const logs = new SecureBucket(
        "orthweb-logs",
        {
            purpose: "logs",
            kmsKeyArn: kms.arn,
            accessLogs: { bucketName: accessLogs.bucketName },
        },
        { protect },
    );
    const net = new SecureVpc("orthweb", {
        azCount: 2,
        natStrategy: "none", // the hosts sit in the public subnets; the database needs no egress
        // The S3 gateway endpoint is on every route table, the hosts' public one too: a gateway
        // endpoint serves only the subnets whose route tables name it
        // (https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html).
        interfaceEndpoints,
        kmsKeyArn: kms.arn,
        flowLogs: { destination: "s3", bucketArn: logs.arn },
    });
    const host = new OrthancHost("orthweb", {
        ...orthanc,
        network: net.network,
        kmsKeyArn: kms.arn,
        accessLogsBucketName: accessLogs.bucketName,
        alarms: { topicArn: alerts.topicArn },
    });

    return secrets.exports({
        urls: host.urls,
        dicomEndpoints: host.dicomEndpoints,
        instanceIds: host.instanceIds,
        adminSecretArn: host.adminSecretArn,
        imageBucketName: host.bucketName,
        databaseEndpoint: host.databaseEndpoint,
        logBucketName: logs.bucketName,
        alertTopicArn: alerts.topicArn,
    });
};
