/**
 * The security-group design of seed 001, and what it guards: a VPC; ECS tasks (each with its own
 * private IP) in a group that admits itself and reaches out anywhere; an internet-facing load
 * balancer admitting HTTPS on 443, whose port 80 only redirects to HTTPS, forwarding to the tasks'
 * target group; PostgreSQL admitting the tasks only; an EC2 instance managed with Systems Manager.
 *
 * The write-up's "EC2 instance: inbound HTTPS 443 for SSM" is where SSM's HTTPS lands: the SSM,
 * SSM Messages and EC2 Messages interface endpoints admit 443 from the VPC; the instance itself
 * needs no inbound rule, because the SSM Agent opens the connection outward
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager.html: "no need to
 * open inbound ports"; endpoint groups admit 443 from the managed nodes:
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/setup-create-vpc.html).
 * test/sg-design.test.ts checks every rule of the write-up against the plan, pairwise.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    KmsKey,
    SecureBucket,
    refuseUndeclaredProjectKeys,
    stackRegion,
    keepConfigSecrets,
    configBoolean,
    configInteger,
} from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { EcsApp } from "@citadel/ecs-app";
import { AlertTopic, SubscriptionProtocol } from "@citadel/operations";

export = async () => {
    // aws:region first (a bad one would otherwise be blamed on the first ARN that names a region), then
    // every key of the stack file: a misspelled one is refused (with the key it meant), never silently ignored.
    stackRegion();
    refuseUndeclaredProjectKeys(__dirname);
    // Every resource input and output holding a secure: config value becomes a Pulumi secret.
    const secrets = keepConfigSecrets();
    const config = new pulumi.Config();
    const protect = configBoolean(config, "protect");
    // Checked here, under their own keys, before EcsApp would report them as its own args.
    const port = configInteger(config, "port", 1, 65535);
    const taskCount = configInteger(config, "taskCount", 1, 100);

    // Alarms (hosts, database, load balancer, failed deployments) go to one topic people read.
    const alerts = new AlertTopic(
        "sg-design-alerts",
        {
            subscribers: config
                .requireObject<string[]>("alertEmails")
                .map((endpoint) => ({ protocol: SubscriptionProtocol.Email, endpoint })),
        },
        { protect },
    );
    const kms = new KmsKey(
        "sg-design",
        { description: "sg-design: data at rest and logs", services: ["logs", "logDelivery"] },
        { protect },
    );
    // S3 delivers server access logs only to SSE-S3 buckets: they get a bucket of their own.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    const accessLogs = new SecureBucket("sg-design-access-logs", { purpose: "accessLogs" }, { protect });
    const logs = new SecureBucket(
        "sg-design-logs",
        {
            purpose: "logs",
            kmsKeyArn: kms.arn,
            accessLogs: { bucketName: accessLogs.bucketName },
        },
        { protect },
    );
    const net = new SecureVpc("sg-design", {
        azCount: 2,
        natStrategy: "single", // the ECS group's "outbound open to all"
        interfaceEndpoints: ["ssm", "ssmmessages", "ec2messages"],
        kmsKeyArn: kms.arn,
        flowLogs: { destination: "s3", bucketArn: logs.arn },
    });
    const app = new EcsApp("app", {
        network: net.network,
        kmsKeyArn: kms.arn,
        logBucket: { bucketName: accessLogs.bucketName, arn: accessLogs.arn },
        capacity: "fargate",
        services: [
            {
                name: "app",
                image: config.require("image"),
                port,
                // Not the image's user (root unless the image says otherwise): FSBP ECS.20
                // (https://docs.aws.amazon.com/securityhub/latest/userguide/ecs-controls.html#ecs-20). A
                // non-root user cannot bind ports below 1024, which EcsApp refuses with this user set.
                user: "1000:1000",
                routing: { paths: ["/*"] },
                desiredCount: taskCount,
                useDatabase: true,
            },
        ],
        // 443 terminates TLS; 80 exists only to answer with a redirect to HTTPS
        // (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html).
        loadBalancer: { certificateArn: config.require("certificateArn") },
        database: { databaseName: "app", instanceClass: config.require("dbInstanceClass") },
        // The write-up's database admits the ECS tasks only: the instance is not a way in.
        bastion: { databaseAccess: false },
        alarms: { topicArn: alerts.topicArn },
        protect,
    });

    return secrets.exports({
        loadBalancerDnsName: app.loadBalancerDnsName,
        repositoryUrl: app.repositoryUrls[config.require("image")],
        databaseAddress: app.database?.address,
        instanceSessionCommand: app.bastionSessionCommand,
        alertTopicArn: alerts.topicArn,
    });
};
