/**
 * IAM policies, resource policies, event patterns and the ECR lifecycle policy as plain data: pure
 * functions of resolved ARNs, read by tests without mocks.
 */
import { PolicyStatement } from "@citadel/shared";

/** ECR actions a puller needs on a repository (GetAuthorizationToken has no resource and is separate). */
export const ECR_PULL_ACTIONS = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"];
export const ECR_PUSH_ACTIONS = [
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
    "ecr:PutImage",
];

function viaService(services: string[], region: string, dnsSuffix: string): PolicyStatement["Condition"] {
    return { StringEquals: { "kms:ViaService": services.map((s) => `${s}.${region}.${dnsSuffix}`) } };
}

export interface ExecutionRoleInputs {
    /** ECR repositories the task pulls from (empty for a private registry). */
    repositoryArns: string[];
    /** The task's log group: the execution role creates streams and writes events there only. */
    logGroupArn: string;
    /** Secrets Manager secrets named by the container (and the registry credentials). */
    secretArns: string[];
    /** SSM parameters named by the container's secrets. */
    parameterArns: string[];
    /** The key of the secrets and parameters: decrypted through those services only. */
    kmsKeyArn: string;
    /** The task's region, for the `kms:ViaService` condition. */
    region: string;
    /** The partition's DNS suffix, for the `kms:ViaService` condition. */
    dnsSuffix: string;
}

/**
 * The task execution role: what ECS itself needs to start the task (pull the image, write logs,
 * resolve the container's secrets), each on exactly the resources of this one task definition.
 */
export function executionRoleStatements(i: ExecutionRoleInputs): PolicyStatement[] {
    const statements: PolicyStatement[] = [];
    if (i.repositoryArns.length > 0) {
        // GetAuthorizationToken takes no resource: it returns a token, the repositories still decide.
        statements.push({ Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" });
        statements.push({ Sid: "PullImage", Effect: "Allow", Action: ECR_PULL_ACTIONS, Resource: i.repositoryArns });
    }
    statements.push({
        Sid: "WriteLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: `${i.logGroupArn}:*`,
    });
    const decryptVia: string[] = [];
    if (i.secretArns.length > 0) {
        statements.push({
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: i.secretArns,
        });
        decryptVia.push("secretsmanager");
    }
    if (i.parameterArns.length > 0) {
        statements.push({
            Sid: "ReadParameters",
            Effect: "Allow",
            Action: "ssm:GetParameters",
            Resource: i.parameterArns,
        });
        decryptVia.push("ssm");
    }
    if (decryptVia.length > 0) {
        statements.push({
            Sid: "DecryptSecrets",
            Effect: "Allow",
            Action: "kms:Decrypt",
            Resource: i.kmsKeyArn,
            Condition: viaService(decryptVia, i.region, i.dnsSuffix),
        });
    }
    return statements;
}

export interface TaskRoleInputs {
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The 12-digit id of the account the resources are in. */
    accountId: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
    /** The app's key: the task decrypts its parameters and uses its queue through it. */
    kmsKeyArn: string;
    /** `/citadel/prod`: the app reads its own environment's parameters, no other's. */
    parameterNamespace: string;
    /** The queue this task consumes (workers). */
    consumeQueueArns: string[];
    /** Queues this task may send to (producers of workers). */
    produceQueueArns: string[];
    /** Connect to the app's database as this user with IAM authentication. */
    databaseUser?: { resourceId: string; username: string };
}

/** The task role: what the application code may do, nothing more. */
export function taskRoleStatements(i: TaskRoleInputs): PolicyStatement[] {
    const paramArn = `arn:${i.partition}:ssm:${i.region}:${i.accountId}:parameter${i.parameterNamespace}`;
    const statements: PolicyStatement[] = [
        {
            Sid: "ReadOwnParameterNamespace",
            Effect: "Allow",
            Action: ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
            Resource: [paramArn, `${paramArn}/*`],
        },
    ];
    const decryptVia = ["ssm"];
    if (i.consumeQueueArns.length > 0) {
        statements.push({
            Sid: "ConsumeQueue",
            Effect: "Allow",
            Action: [
                "sqs:ReceiveMessage",
                "sqs:DeleteMessage",
                "sqs:ChangeMessageVisibility",
                "sqs:GetQueueAttributes",
                "sqs:GetQueueUrl",
            ],
            Resource: i.consumeQueueArns,
        });
    }
    if (i.produceQueueArns.length > 0) {
        statements.push({
            Sid: "SendToWorkerQueues",
            Effect: "Allow",
            Action: ["sqs:SendMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
            Resource: i.produceQueueArns,
        });
    }
    if (i.databaseUser) {
        // IAM database authentication: a token per connection, signed with the task role's
        // credentials, instead of a password read once at task start.
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
        statements.push({
            Sid: "ConnectToDatabaseAsAppUser",
            Effect: "Allow",
            Action: "rds-db:connect",
            Resource: `arn:${i.partition}:rds-db:${i.region}:${i.accountId}:dbuser:${i.databaseUser.resourceId}/${i.databaseUser.username}`,
        });
    }
    if (i.consumeQueueArns.length + i.produceQueueArns.length > 0) decryptVia.push("sqs");
    statements.push({
        Sid: "DecryptOwnData",
        Effect: "Allow",
        // Producers encrypt (GenerateDataKey), consumers and SecureString readers decrypt.
        Action: i.produceQueueArns.length > 0 ? ["kms:Decrypt", "kms:GenerateDataKey"] : "kms:Decrypt",
        Resource: i.kmsKeyArn,
        Condition: viaService(decryptVia, i.region, i.dnsSuffix),
    });
    return statements;
}

/**
 * CI's push/pull policy: log in, push and pull these repositories only, and never delete them,
 * their images, or their guards (tag immutability, scanning, lifecycle, repository policy).
 */
export function ciPushPullStatements(repositoryArns: string[]): PolicyStatement[] {
    return [
        { Sid: "EcrLogin", Effect: "Allow", Action: "ecr:GetAuthorizationToken", Resource: "*" },
        {
            Sid: "PushPullAppImages",
            Effect: "Allow",
            Action: [
                ...ECR_PULL_ACTIONS,
                ...ECR_PUSH_ACTIONS,
                "ecr:DescribeImages",
                "ecr:ListImages",
                "ecr:DescribeImageScanFindings",
            ],
            Resource: repositoryArns,
        },
        {
            Sid: "NeverDeleteOrLoosen",
            Effect: "Deny",
            Action: [
                "ecr:DeleteRepository",
                "ecr:BatchDeleteImage",
                "ecr:DeleteRepositoryPolicy",
                "ecr:SetRepositoryPolicy",
                "ecr:DeleteLifecyclePolicy",
                "ecr:PutLifecyclePolicy",
                "ecr:PutImageTagMutability",
                "ecr:PutImageScanningConfiguration",
            ],
            Resource: repositoryArns,
        },
    ];
}

/** Keeps the newest `keep` images of a repository, tagged or not; older ones expire. */
export function ecrLifecyclePolicy(keep = 100): string {
    return JSON.stringify({
        rules: [
            {
                rulePriority: 1,
                description: `Keep the last ${keep} images`,
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keep },
                action: { type: "expire" },
            },
        ],
    });
}

/**
 * Deployments of this cluster's services that failed, or that the circuit breaker is rolling back
 * (a rollback starts as a new deployment whose reason names the circuit breaker).
 */
export function deploymentAlertPattern(
    partition: string,
    region: string,
    accountId: string,
    clusterName: string,
): string {
    return JSON.stringify({
        source: ["aws.ecs"],
        "detail-type": ["ECS Deployment State Change"],
        resources: [{ prefix: `arn:${partition}:ecs:${region}:${accountId}:service/${clusterName}/` }],
        detail: {
            $or: [
                { eventName: ["SERVICE_DEPLOYMENT_FAILED"] },
                {
                    eventName: ["SERVICE_DEPLOYMENT_IN_PROGRESS"],
                    reason: [{ prefix: "ECS deployment circuit breaker" }],
                },
            ],
        },
    });
}

/** Queues refuse requests without TLS. */
export function queueStatements(queueArn: string): PolicyStatement[] {
    return [
        {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "sqs:*",
            Resource: queueArn,
            Condition: { Bool: { "aws:SecureTransport": false } },
        },
    ];
}
