/** The hosts' instance role, as plain policy data (pure, so tests read it without mocks). */
import { PolicyStatement } from "@citadel/shared";

export interface HostPolicyContext {
    region: string;
    dnsSuffix: string;
    bucketArn: string;
    kmsKeyArn: string;
    databaseSecretArn: string;
    adminSecretArn: string;
    /** The user's certificate secret, when there is one. */
    certificateSecretArn?: string;
    logGroupArn: string;
}

/** AWS's managed policy for SSM Session Manager and Run Command (no SSH needed). */
export function ssmCorePolicyArn(partition: string): string {
    return `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;
}

/**
 * What Orthanc and the boot script do, and nothing more: objects of the image bucket (the S3
 * plugin), the secrets the host reads (and the admin secret's first value), the key only through
 * S3 and Secrets Manager, and the host's own log group.
 */
export function hostPolicyStatements(c: HostPolicyContext): PolicyStatement[] {
    const readable = [c.databaseSecretArn, c.adminSecretArn, ...(c.certificateSecretArn ? [c.certificateSecretArn] : [])];
    return [
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
            // The admin secret is created without a value (none in Pulumi state); the first host sets it.
            Sid: "SetAdminSecretFirstValue",
            Effect: "Allow",
            Action: "secretsmanager:PutSecretValue",
            Resource: c.adminSecretArn,
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
            Sid: "WriteOwnLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [c.logGroupArn, `${c.logGroupArn}:log-stream:*`],
        },
    ];
}
