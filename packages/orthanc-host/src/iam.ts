/** The hosts' instance role, as plain policy data (pure, so tests read it without mocks). */
import { PolicyStatement, sessionManagerStatements } from "@citadel/shared";
import { ADMIN_PENDING_TAG_KEY } from "./render/scripts";
import { HEARTBEAT_NAMESPACE } from "./render/bootstrap";

export interface HostPolicyContext {
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
    /** The image bucket: the hosts read and write objects there only. */
    bucketArn: string;
    /** The key of the bucket, the secrets and the logs: used through those services only. */
    kmsKeyArn: string;
    /** The RDS-managed master secret the hosts read at boot and on refresh. */
    databaseSecretArn: string;
    /** Orthanc's admin secret: read, and written once by the first host to boot. */
    adminSecretArn: string;
    /** The user's certificate secret, when there is one. */
    certificateSecretArn?: string;
    /** The hosts' log group: the CloudWatch agent and Docker write there only. */
    logGroupArn: string;
}

/**
 * The tag the admin secret carries until its first value is set: while it is there (and only then)
 * the hosts may write the secret. The first host removes it after writing; Pulumi never puts it back.
 */
export const ADMIN_PENDING_TAG = { key: ADMIN_PENDING_TAG_KEY, value: "pending" } as const;

/**
 * What Orthanc and the boot script do, and nothing more: objects of the image bucket (the S3
 * plugin), the secrets the host reads (and the admin secret's first value), the key only through
 * S3 and Secrets Manager, the host's own log group, and metrics in the hosts' own namespace.
 */
export function hostPolicyStatements(c: HostPolicyContext): PolicyStatement[] {
    const readable = [
        c.databaseSecretArn,
        c.adminSecretArn,
        ...(c.certificateSecretArn ? [c.certificateSecretArn] : []),
    ];
    return [
        // Session Manager only: AmazonSSMManagedInstanceCore would let the host (and, with hop limit
        // 2, the Orthanc container) read every SSM parameter of the account.
        ...sessionManagerStatements(),
        {
            Sid: "ImageObjects",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            Resource: `${c.bucketArn}/*`,
        },
        {
            Sid: "ListImageBucket",
            Effect: "Allow",
            Action: "s3:ListBucket",
            Resource: c.bucketArn,
        },
        {
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
            Resource: readable,
        },
        {
            // The admin secret is created without a value (none in Pulumi state); the first host sets
            // it, and only while the secret still carries the pending tag.
            // https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples.html
            Sid: "SetAdminSecretFirstValue",
            Effect: "Allow",
            Action: "secretsmanager:PutSecretValue",
            Resource: c.adminSecretArn,
            Condition: {
                StringEquals: { [`secretsmanager:ResourceTag/${ADMIN_PENDING_TAG.key}`]: ADMIN_PENDING_TAG.value },
            },
        },
        {
            // ...and then removes that tag (no other), which ends the permission above for good.
            Sid: "EndAdminSecretFirstValue",
            Effect: "Allow",
            Action: "secretsmanager:UntagResource",
            Resource: c.adminSecretArn,
            Condition: { "ForAllValues:StringEquals": { "aws:TagKeys": [ADMIN_PENDING_TAG.key] } },
        },
        {
            Sid: "UseKeyThroughS3AndSecretsManager",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: c.kmsKeyArn,
            Condition: {
                StringEquals: {
                    "kms:ViaService": [`s3.${c.region}.${c.dnsSuffix}`, `secretsmanager.${c.region}.${c.dnsSuffix}`],
                },
            },
        },
        {
            // The heartbeat and the CloudWatch agent's disk and memory figures, which the host's
            // alarms watch. PutMetricData supports no resource-level permission, so the namespace
            // condition is what scopes it: the host can put no metric into any other namespace.
            // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html
            // https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudwatch.html
            Sid: "PutHostMetrics",
            Effect: "Allow",
            Action: "cloudwatch:PutMetricData",
            Resource: "*",
            Condition: { StringEquals: { "cloudwatch:namespace": HEARTBEAT_NAMESPACE } },
        },
        {
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [c.logGroupArn, `${c.logGroupArn}:log-stream:*`],
        },
    ];
}
