/** The tier's IAM policies as plain data: pure functions of resolved ARNs, read by tests without mocks. */
import { PolicyStatement } from "@citadel/shared";
import { HOST_METRICS_NAMESPACE } from "./render/user-data";

export interface Ctx {
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The 12-digit id of the account the resources are in. */
    accountId: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
}

function viaService(service: string, c: Ctx): PolicyStatement["Condition"] {
    return { StringEquals: { "kms:ViaService": `${service}.${c.region}.${c.dnsSuffix}` } };
}

/** Parameter ARNs of one app's namespace: the path itself and everything below it. */
export function appParameterArns(c: Ctx, parameterNamespace: string, app: string): string[] {
    const base = `arn:${c.partition}:ssm:${c.region}:${c.accountId}:parameter${parameterNamespace}/${app}`;
    return [base, `${base}/*`];
}

export interface InstanceRoleInputs extends Ctx {
    /**
     * The Parameter Store path the apps' settings live under (`/<project>/<stack>/ec2-app`); each app reads
     * `<parameterNamespace>/<app>/*` only.
     */
    parameterNamespace: string;
    /** The apps' names. */
    apps: string[];
    /** The bucket holding the CodeDeploy revisions the instances download. */
    revisionsBucketArn: string;
    /** The key of the revisions, parameters and logs: the instances decrypt with it via those services only. */
    kmsKeyArn: string;
    /** The apps' log groups, which the CloudWatch agent writes to. */
    logGroupArns: string[];
}

/**
 * The instances: each app's own parameters (the deploy hook's `.env`), decrypted through SSM only;
 * the revisions (the CodeDeploy agent downloads them with the instance's credentials, SSE-KMS through
 * S3 only); the region's CodeDeploy agent installer. Session Manager comes from AWS's managed policy.
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/getting-started-create-iam-instance-profile.html
 */
export function instanceRoleStatements(i: InstanceRoleInputs): PolicyStatement[] {
    return [
        {
            Sid: "ReadOwnAppParameters",
            Effect: "Allow",
            Action: ["ssm:GetParametersByPath", "ssm:GetParameters", "ssm:GetParameter"],
            Resource: i.apps.flatMap((a) => appParameterArns(i, i.parameterNamespace, a)),
        },
        {
            Sid: "DecryptParametersThroughSsm",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: i.kmsKeyArn,
            Condition: viaService("ssm", i),
        },
        {
            Sid: "GetRevisions",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion"],
            Resource: `${i.revisionsBucketArn}/*`,
        },
        {
            Sid: "DecryptRevisionsThroughS3",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: i.kmsKeyArn,
            Condition: viaService("s3", i),
        },
        {
            Sid: "GetCodeDeployAgent",
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: `arn:${i.partition}:s3:::aws-codedeploy-${i.region}/*`,
        },
        {
            Sid: "ShipAppLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: i.logGroupArns.map((arn) => `${arn}:*`),
        },
        {
            // The agent's disk metrics. PutMetricData takes no resource; the namespace condition scopes it.
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
            Sid: "PutHostMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": HOST_METRICS_NAMESPACE } },
        },
    ];
}

export interface CiRoleInputs extends Ctx {
    /** The bucket the pipeline uploads revisions to. */
    revisionsBucketArn: string;
    /** The bucket's key: the pipeline encrypts the revisions it uploads with it. */
    kmsKeyArn: string;
    /** This tier's CodeDeploy applications, their deployment groups and their revisions' key prefixes. */
    applications: Array<{ applicationName: string; deploymentGroupName: string; revisionPrefix: string }>;
}

/**
 * The CI role: upload a revision under the app's prefix, register it, create a deployment of this
 * tier's applications and follow it. Nothing else: it cannot change a deployment group (so it cannot
 * switch rollback or alarms off) and cannot touch any other application.
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html
 */
export function ciRoleStatements(i: CiRoleInputs): PolicyStatement[] {
    const arn = (what: string) => `arn:${i.partition}:codedeploy:${i.region}:${i.accountId}:${what}`;
    return [
        {
            Sid: "UploadRevisions",
            Effect: "Allow",
            Action: ["s3:PutObject", "s3:GetObject", "s3:GetObjectVersion"],
            Resource: i.applications.map((a) => `${i.revisionsBucketArn}/${a.revisionPrefix}*`),
        },
        {
            Sid: "EncryptRevisionsThroughS3",
            Effect: "Allow",
            Action: ["kms:GenerateDataKey", "kms:Decrypt"],
            Resource: i.kmsKeyArn,
            Condition: viaService("s3", i),
        },
        {
            Sid: "RegisterRevisions",
            Effect: "Allow",
            Action: [
                "codedeploy:RegisterApplicationRevision",
                "codedeploy:GetApplicationRevision",
                "codedeploy:GetApplication",
            ],
            Resource: i.applications.map((a) => arn(`application:${a.applicationName}`)),
        },
        {
            Sid: "CreateDeployments",
            Effect: "Allow",
            Action: ["codedeploy:CreateDeployment", "codedeploy:GetDeployment", "codedeploy:GetDeploymentGroup"],
            Resource: i.applications.map((a) => arn(`deploymentgroup:${a.applicationName}/${a.deploymentGroupName}`)),
        },
        {
            // CreateDeployment reads the deployment configuration by name; OneAtATime is AWS's own.
            Sid: "ReadDeploymentConfig",
            Effect: "Allow",
            Action: "codedeploy:GetDeploymentConfig",
            Resource: arn("deploymentconfig:CodeDeployDefault.OneAtATime"),
        },
    ];
}

export interface ServiceRoleInputs extends Ctx {
    /** The instances' role, which CodeDeploy passes to the instances it launches. */
    instanceRoleArn: string;
    /** The key of the instances' volumes, which CodeDeploy's launches must be able to use. */
    kmsKeyArn: string;
    /** The topic deployment events are published to. @default - no deployment notifications */
    topicArn?: string;
    /** The topic's key (the stack key unless the topic has its own). */
    topicKmsKeyArn?: string;
}

/**
 * What CodeDeploy needs beyond AWS's managed `AWSCodeDeployRole`: an Auto Scaling group that launches
 * from a launch template needs `ec2:RunInstances`, `ec2:CreateTags` and `iam:PassRole` (of the
 * instance role only); triggers publish to the alert topic (encrypted with the key, so the key too).
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/getting-started-create-service-role.html
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/monitoring-sns-event-notifications-permisssions.html
 */
export function serviceRoleStatements(i: ServiceRoleInputs): PolicyStatement[] {
    const statements: PolicyStatement[] = [
        { Sid: "LaunchFromTemplate", Effect: "Allow", Action: ["ec2:RunInstances", "ec2:CreateTags"], Resource: "*" },
        { Sid: "PassInstanceRole", Effect: "Allow", Action: "iam:PassRole", Resource: i.instanceRoleArn },
        {
            Sid: "LaunchWithEncryptedVolumes",
            Effect: "Allow",
            Action: ["kms:CreateGrant", "kms:GenerateDataKeyWithoutPlaintext", "kms:Decrypt"],
            Resource: i.kmsKeyArn,
            Condition: viaService("ec2", i),
        },
    ];
    if (i.topicArn) {
        statements.push(
            { Sid: "PublishDeploymentEvents", Effect: "Allow", Action: "sns:Publish", Resource: i.topicArn },
            {
                Sid: "EncryptDeploymentEvents",
                Effect: "Allow",
                Action: ["kms:GenerateDataKey", "kms:Decrypt"],
                Resource: i.topicKmsKeyArn ?? i.kmsKeyArn,
                Condition: viaService("sns", i),
            },
        );
    }
    return statements;
}
