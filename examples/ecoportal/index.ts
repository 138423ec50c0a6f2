/**
 * ecoPortal (seed 002) on Citadel, as a platform team writes it: every resource comes from a
 * Citadel component, each imported from its package's public entry point.
 *
 * - Fargate web and worker containers (Puma, Shoryuken), rolling zero-downtime deploys with health
 *   checks and a rollback circuit breaker, ECR keeping the last 100 image versions;
 * - the SQS job queue of the worker, logs kept 12 months (365 days);
 * - the environment's Parameter Store namespace (`/ecoportal/<stack>`), read by the task roles at
 *   boot, read and written by a developers' group; a log readers' group; a release-only CI role;
 * - uploads through pre-signed per-user prefixes, scanned by GuardDuty (infected files cannot be
 *   downloaded), downloads by expiring signed links, avatars under an unguessable prefix;
 * - assets (and the app) through CloudFront and WAF;
 * - ElastiCache (job metadata, IAM authentication) and OpenSearch (SigV4), endpoints published to
 *   the namespace. MongoDB Atlas, ElasticAPM and Sendgrid are outside AWS: their credentials go into
 *   the namespace as SecureStrings, written by the developers' group.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    KmsKey,
    SecureBucket,
    refuseUndeclaredProjectKeys,
    stackRegion,
    keepConfigSecrets,
    configBoolean,
} from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { EdgeCdn, originProtection } from "@citadel/edge-cdn";
import { EcsApp } from "@citadel/ecs-app";
import { SecureUploads } from "@citadel/secure-uploads";
import { Cache } from "@citadel/cache";
import { Search } from "@citadel/search";
import { AlertTopic, SubscriptionProtocol } from "@citadel/operations";

// aws:region first (a bad one would otherwise be blamed on the first ARN that names a region), then
// every key of the stack file: a misspelled one is refused (with the key it meant), never silently ignored.
stackRegion();
refuseUndeclaredProjectKeys(__dirname);
// Every resource input and output holding a secure: config value becomes a Pulumi secret.
const secrets = keepConfigSecrets();
const config = new pulumi.Config();
const ha = configBoolean(config, "highAvailability", false);
const stack = pulumi.getStack();
const namespace = `/ecoportal/${stack}`;
const domainName = config.require("domainName");
const logRetentionInDays = 365; // "Expires after 12 months"

const key = new KmsKey("ecoportal", {
    description: `ecoPortal ${stack}: data at rest, parameters and logs`,
    services: ["logs", "logDelivery"],
});
// Alarms, failed deployments and malware findings go to one topic, read by someone: a topic
// nobody reads is silence.
const alerts = new AlertTopic("ecoportal-alerts", {
    subscribers: config
        .requireObject<string[]>("alertEmails")
        .map((endpoint) => ({ protocol: SubscriptionProtocol.Email, endpoint })),
});
// S3 server access logs arrive only in SSE-S3 buckets: a bucket of their own.
const accessLogs = new SecureBucket("ecoportal-access-logs", { purpose: "accessLogs", logRetentionInDays });
const logs = new SecureBucket("ecoportal-logs", {
    purpose: "logs",
    kmsKeyArn: key.arn,
    logRetentionInDays,
    accessLogs: { bucketName: accessLogs.bucketName },
});
const net = new SecureVpc("ecoportal", {
    cidrBlock: "10.40.0.0/16",
    azCount: ha ? 3 : 2,
    // The app reaches MongoDB Atlas, Sendgrid and ElasticAPM on the internet.
    natStrategy: ha ? "perAz" : "single",
    kmsKeyArn: key.arn,
    flowLogs: { destination: "s3", bucketArn: logs.arn },
});

// CloudFront + WAF in front of the load balancer (which then admits CloudFront only) and the assets.
const origin = originProtection("ecoportal-origin");
const cdn = new EdgeCdn("ecoportal", {
    origin: {
        domainName: config.require("originDomainName"),
        header: { name: origin.protection.headerName, value: origin.protection.headerValue },
    },
    assets: { pathPattern: "/assets/*" },
    aliases: [domainName],
    certificateArn: config.require("edgeCertificateArn"),
    logBucket: logs,
    accessLogsBucketName: accessLogs.bucketName,
    logRetentionInDays: logRetentionInDays,
});

const uploads = new SecureUploads("uploads", {
    kmsKeyArn: key.arn,
    accessLogsBucketName: accessLogs.bucketName,
    allowedOrigins: [`https://${domainName}`],
    downloadUrlExpirySeconds: 300,
    alarms: { topicArn: alerts.topicArn },
});

const tasks = ha ? 2 : 1;
const app = new EcsApp("ecoportal", {
    network: net.network,
    kmsKeyArn: key.arn,
    logBucket: accessLogs,
    services: [
        {
            name: "web",
            image: "ecoportal",
            port: 3000,
            cpu: 512,
            memory: 1024,
            user: "1000:1000",
            command: ["bundle", "exec", "puma", "-C", "config/puma.rb"],
            routing: { paths: ["/*"], hosts: [domainName] },
            healthCheckPath: "/health",
            desiredCount: tasks,
            environment: { RAILS_ENV: "production", PARAMETER_NAMESPACE: namespace },
            grants: uploads.appGrants,
        },
    ],
    workers: [
        {
            name: "jobs",
            image: "ecoportal",
            cpu: 512,
            memory: 1024,
            user: "1000:1000",
            desiredCount: tasks,
            command: ["bundle", "exec", "shoryuken", "-R", "-C", "config/shoryuken.yml"],
            producers: ["web"],
            environment: { RAILS_ENV: "production", PARAMETER_NAMESPACE: namespace },
            grants: uploads.appGrants,
        },
    ],
    loadBalancer: { certificateArn: config.require("certificateArn") },
    originProtection: origin.protection,
    parameterNamespace: namespace,
    logRetentionInDays,
    alarms: { topicArn: alerts.topicArn },
    access: {
        developersGroup: true,
        logReadersGroup: true,
        deployRole: {
            trustedPrincipalArns: [config.require("ciRoleArn")],
            assetsBucketName: cdn.assetsBucketName.apply((b) => b ?? ""),
            assetsKmsKeyArn: key.arn,
        },
    },
});

const cache = new Cache("ecoportal-cache", {
    network: net.network,
    kmsKeyArn: key.arn,
    highAvailability: ha,
    logRetentionInDays,
    clients: {
        securityGroupIds: [app.tasksSecurityGroupId],
        roleNames: [app.taskRoleNames.web, app.taskRoleNames.jobs],
    },
    parameterNamespace: `${namespace}/cache`,
    alarms: { topicArn: alerts.topicArn },
});
const search = new Search("ecoportal-search", {
    network: net.network,
    kmsKeyArn: key.arn,
    highAvailability: ha,
    logRetentionInDays,
    clients: { securityGroupIds: [app.tasksSecurityGroupId], roleArns: [app.taskRoleArns.web, app.taskRoleArns.jobs] },
    parameterNamespace: `${namespace}/search`,
    alarms: { topicArn: alerts.topicArn },
});

export const cdnDomainName = secrets.mark(cdn.distributionDomainName);
export const loadBalancerDnsName = secrets.mark(app.loadBalancerDnsName);
export const repositoryUrls = secrets.mark(app.repositoryUrls);
export const jobQueueUrl = secrets.mark(app.queueUrls.jobs);
export const uploadsBucket = secrets.mark(uploads.bucketName);
export const avatarsPrefix = secrets.mark(uploads.avatarsPrefix);
export const deployRoleArn = secrets.mark(app.deployRoleArn);
export const developersGroup = secrets.mark(app.developersGroupName);
export const logReadersGroup = secrets.mark(app.logReadersGroupName);
export const cacheEndpoint = secrets.mark(cache.primaryEndpointAddress);
export const searchEndpoint = secrets.mark(search.endpoint);
export const searchRoleMapping = secrets.mark(search.roleMappingRequest);
