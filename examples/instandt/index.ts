/**
 * instaNDT (seed 000) as its write-up describes it: an ECS cluster on autoscaled EC2 instances
 * running a frontend and a backend service, a run-once database migration task, images pulled
 * from GitLab's registry with an access token kept in Secrets Manager, CloudFront + WAF in front,
 * RDS PostgreSQL Multi-AZ, a private S3 bucket for uploaded DICOM images that the backend may write
 * and read, a bastion with only a private IP reached through SSM Session Manager, and the app
 * version in Parameter Store (`/instandt/<stack>/app-version`), which the task definitions read.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    KmsKey,
    requireOneOf,
    SecureBucket,
    refuseUndeclaredProjectKeys,
    configBoolean,
    configInteger,
    stackRegion,
    keepConfigSecrets,
} from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { EcsApp, GrantAccess } from "@citadel/ecs-app";
import { AlertTopic, SubscriptionProtocol } from "@citadel/operations";
import { EdgeCdn, originProtection } from "@citadel/edge-cdn";

/**
 * The containers run as uid/gid 1000, not the image's user (root unless the image says otherwise:
 * FSBP ECS.20, https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20);
 * a non-root user cannot bind ports below 1024, so both listen above.
 */
const USER = "1000:1000";

/** The services' ports and routes: the backend answers the API, the frontend everything else. */
const BACKEND = { port: 8000, routing: { paths: ["/api/*"] }, healthCheckPath: "/api/health", user: USER };
const FRONTEND = { port: 8080, routing: { paths: ["/*"] }, healthCheckPath: "/", user: USER };

export = async () => {
    // aws:region first (a bad one would otherwise be blamed on the first ARN that names a region), then
    // every key of the stack file: a misspelled one is refused (with the key it meant), never silently ignored.
    stackRegion();
    refuseUndeclaredProjectKeys(__dirname);
    // Every resource input and output holding a secure: config value becomes a Pulumi secret.
    const secrets = keepConfigSecrets();
    const config = new pulumi.Config();
    const stack = pulumi.getStack();
    const protect = configBoolean(config, "protect");

    // Alarms (hosts, database, load balancer, failed deployments) go to one topic people read.
    const alerts = new AlertTopic(
        "instandt-alerts",
        {
            subscribers: config
                .requireObject<string[]>("alertEmails")
                .map((endpoint) => ({ protocol: SubscriptionProtocol.Email, endpoint })),
        },
        { protect },
    );
    const kms = new KmsKey(
        "instandt",
        {
            description: "instaNDT: data at rest and logs",
            services: ["logs", "logDelivery", "autoscaling"],
        },
        { protect },
    );
    // S3 delivers server access logs only to SSE-S3 buckets: they get a bucket of their own.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    const accessLogs = new SecureBucket("instandt-access-logs", { purpose: "accessLogs" }, { protect });
    const logs = new SecureBucket(
        "instandt-logs",
        {
            purpose: "logs",
            kmsKeyArn: kms.arn,
            accessLogs: { bucketName: accessLogs.bucketName },
        },
        { protect },
    );
    const net = new SecureVpc("instandt", {
        azCount: 2,
        // The GitLab registry is on the internet: the tasks' subnets need a NAT gateway.
        natStrategy: requireOneOf(`${config.name}:natStrategy`, config.require("natStrategy"), [
            "single",
            "perAz",
        ] as const),
        kmsKeyArn: kms.arn,
        flowLogs: { destination: "s3", bucketArn: logs.arn },
    });

    // "Standard S3 bucket where the uploaded DICOM images will be stored ... private".
    const dicom = new SecureBucket(
        "instandt-dicom",
        {
            purpose: "data",
            kmsKeyArn: kms.arn,
            accessLogs: { bucketName: accessLogs.bucketName },
        },
        { protect },
    );

    // CloudFront is the only way in: the load balancer admits CloudFront's origin-facing ranges and
    // requests carrying the secret header CloudFront adds.
    const origin = originProtection("instandt-origin");
    const app = new EcsApp("instandt", {
        network: net.network,
        kmsKeyArn: kms.arn,
        logBucket: { bucketName: accessLogs.bucketName, arn: accessLogs.arn },
        capacity: "ec2",
        ec2: {
            instanceType: config.require("instanceType"),
            minInstances: configInteger(config, "minInstances", 0, 100),
            maxInstances: configInteger(config, "maxInstances", 1, 100),
        },
        // The token secret is `{"username", "password"}`, in the tasks' region, read by the execution
        // role only (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/private-auth.html,
        // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RepositoryCredentials.html).
        images: {
            source: "registry",
            registry: config.require("registry"),
            credentialsSecretArn: config.require("registryCredentialsSecretArn"),
        },
        // The backend's path is the more specific: its rule comes first.
        services: [
            {
                name: "backend",
                image: config.require("backendImage"),
                ...BACKEND,
                useDatabase: true,
                environment: { DICOM_BUCKET: dicom.bucketName },
                // Write and read, as the write-up says; not ReadWrite, which adds delete.
                grants: [
                    { bucket: dicom.bucketName, access: GrantAccess.Write },
                    { bucket: dicom.bucketName, access: GrantAccess.Read },
                ],
            },
            { name: "frontend", image: config.require("frontendImage"), ...FRONTEND },
        ],
        migration: {
            image: config.require("backendImage"),
            command: config.requireObject<string[]>("migrationCommand"),
            user: USER,
        },
        parameterNamespace: `/instandt/${stack}`,
        loadBalancer: { certificateArn: config.require("originCertificateArn") },
        originProtection: origin.protection,
        // db.t3.micro runs PostgreSQL as a Multi-AZ DB instance (standby in a second AZ):
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html
        database: { databaseName: "instandt", instanceClass: config.require("dbInstanceClass"), multiAz: true },
        bastion: {},
        alarms: { topicArn: alerts.topicArn },
        protect,
    });

    const edge = new EdgeCdn("instandt", {
        origin: {
            domainName: config.require("originDomainName"),
            header: { name: origin.protection.headerName, value: origin.protection.headerValue },
        },
        aliases: [config.require("domainName")],
        // CloudFront takes certificates from us-east-1 only:
        // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
        certificateArn: config.require("cdnCertificateArn"),
        logBucket: { bucketName: logs.bucketName, arn: logs.arn },
        accessLogsBucketName: accessLogs.bucketName,
        protect,
    });

    return secrets.exports({
        cdnDomainName: edge.distributionDomainName,
        webAclArn: edge.webAclArn,
        loadBalancerDnsName: app.loadBalancerDnsName,
        clusterName: app.clusterName,
        migrationCommand: app.migrationCommand,
        bastionSessionCommand: app.bastionSessionCommand,
        appVersion: app.imageTag,
        databaseAddress: app.database?.address,
        dicomBucketName: dicom.bucketName,
        alertTopicArn: alerts.topicArn,
    });
};
