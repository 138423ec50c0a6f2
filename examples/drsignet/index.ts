/**
 * DrSignet on Citadel (seed 003): two Node.js apps on private EC2 instances behind an ALB and Nginx,
 * deployed in place one instance at a time by CodeDeploy with automatic rollback and alerts, and
 * DocumentDB instead of a self-managed MongoDB, with nightly backups kept 15 days.
 */
import * as pulumi from "@pulumi/pulumi";
import * as ssm from "@pulumi/aws/ssm";
import * as vpc from "@pulumi/aws/vpc";
import { Ec2App } from "@citadel/ec2-app";
import { AlertTopic, BackupPlan, PatchManagement, SubscriptionProtocol } from "@citadel/operations";
import { SecureVpc } from "@citadel/secure-vpc";
import {
    DocumentDatabase,
    DOCUMENTDB_PORT,
    KmsKey,
    configBoolean,
    configInteger,
    requireOneOf,
    SecureBucket,
    refuseUndeclaredProjectKeys,
    stackRegion,
    keepConfigSecrets,
} from "@citadel/shared";

// Config first, all of it, before any resource: a bad value costs nothing and names its key.
// aws:region first (a bad one would otherwise be blamed on the first ARN that names a region), then
// every key of the stack file: a misspelled one is refused (with the key it meant), never silently ignored.
stackRegion();
refuseUndeclaredProjectKeys(__dirname);
// Every resource input and output holding a secure: config value becomes a Pulumi secret.
const secrets = keepConfigSecrets();
const config = new pulumi.Config();
const key = (k: string) => `drsignet:${k}`;
const protect = configBoolean(config, "protect", false);
const stack = pulumi.getStack();
// The instances install packages and the CodeDeploy agent at boot: their subnets need NAT egress.
const natStrategy = requireOneOf(key("natStrategy"), config.get("natStrategy") ?? "single", [
    "single",
    "perAz",
] as const);
// Two or more: CodeDeploy's OneAtATime keeps the others serving while it updates one.
const instanceCount = configInteger(config, "instanceCount", 2, 20, 2);
const databaseInstances = configInteger(config, "databaseInstances", 1, 16, 1);
const settings = {
    alertEmail: config.require("alertEmail"),
    webHost: config.require("webHost"),
    certificateArn: config.require("certificateArn"),
    ciPrincipalArn: config.require("ciPrincipalArn"),
};

const kms = new KmsKey(
    "drsignet",
    {
        description: `DrSignet ${stack}: volumes, revisions, parameters, database, logs`,
        services: ["logs", "logDelivery", "autoscaling"],
    },
    { protect },
);
// S3 server access logs are delivered only to SSE-S3 buckets: their own bucket.
const accessLogs = new SecureBucket("access-logs", { purpose: "accessLogs" }, { protect });
const logs = new SecureBucket(
    "logs",
    {
        purpose: "logs",
        kmsKeyArn: kms.arn,
        accessLogs: { bucketName: accessLogs.bucketName },
    },
    { protect },
);
const net = new SecureVpc("net", {
    azCount: 2,
    natStrategy,
    kmsKeyArn: kms.arn,
    flowLogs: { destination: "s3", bucketArn: logs.arn },
});

// Operations: alerts that reach a person, the write-up's nightly backup kept 15 days, patching.
const alerts = new AlertTopic(
    "alerts",
    {
        subscribers: [{ protocol: SubscriptionProtocol.Email, endpoint: settings.alertEmail }],
    },
    { protect },
);
new BackupPlan(
    "backup",
    {
        kmsKeyArn: kms.arn,
        scheduleHourUtc: 0,
        backupRetentionInDays: 15,
        alarms: { topicArn: alerts.topicArn },
    },
    { protect },
);
new PatchManagement("patching", { patchGroup: "drsignet" });

const tier = new Ec2App("drsignet", {
    network: net.network,
    kmsKeyArn: kms.arn,
    apps: [
        // The admin portal's API: doctor/patient records, appointments, notifications.
        { name: "api", port: 3000, routing: { paths: ["/api/*"] }, healthCheckPath: "/api/health", maxBodySizeMiB: 20 },
        // The React web app, on its own host name.
        { name: "web", port: 3001, routing: { hosts: [settings.webHost] } },
    ],
    instances: { minSize: instanceCount },
    loadBalancer: { certificateArn: settings.certificateArn, deletionProtection: protect },
    logBucket: accessLogs,
    ciPrincipalArns: [settings.ciPrincipalArn],
    alarms: { topicArn: alerts.topicArn, topicKmsKeyArn: alerts.kmsKeyArn },
    patchGroup: "drsignet",
    protect,
});

const db = new DocumentDatabase(
    "docs",
    {
        network: net.network,
        kmsKeyArn: kms.arn,
        allowedSecurityGroupIds: [tier.securityGroupId],
        instanceCount: databaseInstances,
        backupRetentionInDays: 15,
        deletionProtection: protect,
        alarms: { topicArn: alerts.topicArn },
    },
    { protect },
);
// The instances reach the database, and nothing else but HTTPS.
new vpc.SecurityGroupEgressRule("drsignet-to-docs", {
    securityGroupId: tier.securityGroupId,
    description: "DocumentDB",
    ipProtocol: "tcp",
    fromPort: DOCUMENTDB_PORT,
    toPort: DOCUMENTDB_PORT,
    referencedSecurityGroupId: db.securityGroupId,
});
// Where the API finds the database: plain settings in its own namespace, read into its .env at each
// deployment. Its password is a SecureString an operator puts at <namespace>/api/MONGODB_PASSWORD
// (for a database user of the app's own, created with the master secret): never in Pulumi state.
for (const [k, v] of Object.entries({
    MONGODB_HOST: db.endpoint,
    MONGODB_PORT: String(DOCUMENTDB_PORT),
    MONGODB_TLS: "true",
})) {
    new ssm.Parameter(`api-${k.toLowerCase()}`, {
        name: `${tier.parameterNamespace}/api/${k}`,
        type: "String",
        value: v,
    });
}

export const url = secrets.mark(pulumi.interpolate`https://${tier.loadBalancerDnsName}`);
export const revisionsBucket = secrets.mark(tier.revisionsBucketName);
export const ciRoleArn = secrets.mark(tier.ciRoleArn);
export const deployments = secrets.mark(tier.deployments);
export const databaseEndpoint = secrets.mark(db.endpoint);
export const databaseMasterSecretArn = secrets.mark(db.masterUserSecretArn);
export const alertTopicArn = secrets.mark(alerts.topicArn);
