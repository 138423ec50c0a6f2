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
import { DocumentDatabase, DOCUMENTDB_PORT, KmsKey, SecureBucket } from "@citadel/shared";

const config = new pulumi.Config();
const protect = config.getBoolean("protect") ?? false;
const stack = pulumi.getStack();

const key = new KmsKey("drsignet", {
    description: `DrSignet ${stack}: volumes, revisions, parameters, database, logs`,
    services: ["logs", "logDelivery", "autoscaling"],
    protect,
});
const logs = new SecureBucket("logs", { purpose: "logs", kmsKeyArn: key.arn, protect });
const net = new SecureVpc("net", {
    azCount: 2,
    natStrategy: config.get("natStrategy") as "single" | "perAz" ?? "single",
    kmsKeyArn: key.arn,
    flowLogs: { destination: "s3", bucketArn: logs.arn },
});

// Operations: alerts that reach a person, the write-up's nightly backup kept 15 days, patching.
const alerts = new AlertTopic("alerts", {
    subscribers: [{ protocol: SubscriptionProtocol.Email, endpoint: config.require("alertEmail") }],
}, { protect });
new BackupPlan("backup", {
    kmsKeyArn: key.arn, scheduleHourUtc: 0, retentionDays: 15, alarms: { topicArn: alerts.topicArn },
}, { protect });
new PatchManagement("patching", { patchGroup: "drsignet" });

const tier = new Ec2App("drsignet", {
    network: net.network,
    kmsKeyArn: key.arn,
    apps: [
        // The admin portal's API: doctor/patient records, appointments, notifications.
        { name: "api", port: 3000, routing: { paths: ["/api/*"] }, healthCheckPath: "/api/health", maxBodySizeMiB: 20 },
        // The React web app, on its own host name.
        { name: "web", port: 3001, routing: { hosts: [config.require("webHost")] } },
    ],
    instances: { minSize: config.getNumber("instanceCount") ?? 2 },
    loadBalancer: { certificateArn: config.require("certificateArn"), deletionProtection: protect },
    logBucket: logs,
    ciPrincipalArns: [config.require("ciPrincipalArn")],
    alarms: { topicArn: alerts.topicArn, topicKeyArn: alerts.keyArn },
    patchGroup: "drsignet",
    protect,
});

const db = new DocumentDatabase("docs", {
    network: net.network,
    kmsKeyArn: key.arn,
    allowedSecurityGroupIds: [tier.securityGroupId],
    instanceCount: config.getNumber("databaseInstances") ?? 1,
    backupRetentionDays: 15,
    deletionProtection: protect,
    alarms: { topicArn: alerts.topicArn },
    protect,
});
// The instances reach the database, and nothing else but HTTPS.
new vpc.SecurityGroupEgressRule("drsignet-to-docs", {
    securityGroupId: tier.securityGroupId,
    description: "DocumentDB",
    ipProtocol: "tcp", fromPort: DOCUMENTDB_PORT, toPort: DOCUMENTDB_PORT,
    referencedSecurityGroupId: db.securityGroupId,
});
// Where the API finds the database: plain settings in its own namespace, read into its .env at each
// deployment. Its password is a SecureString an operator puts at <namespace>/api/MONGODB_PASSWORD
// (for a database user of the app's own, created with the master secret): never in Pulumi state.
for (const [k, v] of Object.entries({ MONGODB_HOST: db.endpoint, MONGODB_PORT: String(DOCUMENTDB_PORT), MONGODB_TLS: "true" })) {
    new ssm.Parameter(`api-${k.toLowerCase()}`, { name: `${tier.parameterNamespace}/api/${k}`, type: "String", value: v });
}

export const url = pulumi.interpolate`https://${tier.loadBalancerDnsName}`;
export const revisionsBucket = tier.revisionsBucketName;
export const ciRoleArn = tier.ciRoleArn;
export const deployments = tier.deployments;
export const databaseEndpoint = db.endpoint;
export const databaseMasterSecretArn = db.masterUserSecretArn;
export const alertTopicArn = alerts.topicArn;
