/**
 * Who else touches the app, by the write-up's separation (ecoPortal, seed 002): developers (an IAM
 * group) read and write the environment's Parameter Store namespace, log readers (another group)
 * read its log groups, and CI deploys through a role that may do exactly a release. Pure policy
 * builders here; EcsApp creates the groups and the role.
 */
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, PolicyStatement } from "@citadel/shared";

/** Access for people and CI. Every part is optional and off by default. */
export interface AppAccessArgs {
    /**
     * Create an IAM group whose members may read, write and delete parameters under the app's
     * Parameter Store namespace (SecureStrings encrypted with the app's key, bound by KMS encryption
     * context to that namespace) and nothing else. @default false
     */
    developersGroup?: boolean;
    /** Create an IAM group whose members may read (not delete, not change) the app's log groups. @default false */
    logReadersGroup?: boolean;
    /** A role CI assumes to release the app. @default none */
    deployRole?: DeployRoleArgs;
}

/**
 * CI's release role: put the `app-version` parameter, register task definitions of the app's
 * families (passing only the app's own roles, to ECS tasks only), update the app's services, run
 * the migration task in the app's cluster, push and pull the app's images, and write the assets
 * bucket. Nothing else: no IAM, no deletes, no other parameter.
 */
export interface DeployRoleArgs {
    /** Principals (role or user ARNs, e.g. the CI runner's role) allowed to assume the role; at least one. */
    trustedPrincipalArns: pulumi.Input<string>[];
    /** An external id the assumer must present (a confused-deputy guard for third-party CI). @default none */
    externalId?: pulumi.Input<string>;
    /** A bucket CI uploads fingerprinted assets to (write only). @default none */
    assetsBucketName?: pulumi.Input<string>;
    /** The assets bucket's KMS key, if it uses SSE-KMS. @default none (SSE-S3) */
    assetsKmsKeyArn?: pulumi.Input<string>;
}

export function validateAccess(key: string, a: AppAccessArgs | undefined): void {
    if (a === undefined) return;
    for (const f of ["developersGroup", "logReadersGroup"] as const) {
        if (a[f] !== undefined && typeof a[f] !== "boolean")
            throw new ConfigError(`${key}.${f}`, a[f], "is not a boolean", "true | false");
    }
    if (a.deployRole !== undefined) {
        const p = a.deployRole.trustedPrincipalArns;
        if (!Array.isArray(p) || p.length === 0) {
            throw new ConfigError(
                `${key}.deployRole.trustedPrincipalArns`,
                p,
                "is empty",
                "one or more IAM role or user ARNs",
            );
        }
        for (const arn of p) {
            if (typeof arn === "string" && !/^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]+$/.test(arn)) {
                throw new ConfigError(
                    `${key}.deployRole.trustedPrincipalArns`,
                    arn,
                    "is not an IAM role or user ARN",
                    "arn:aws:iam::<account>:role/<name>; no wildcard, no account root",
                );
            }
        }
    }
}

export interface AccessContext {
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The region the resources are in, e.g. `eu-central-1`. */
    region: string;
    /** The 12-digit id of the account the resources are in. */
    accountId: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals and endpoints. */
    dnsSuffix: string;
    /** The app's key: its parameters, logs and queue are encrypted with it. */
    kmsKeyArn: string;
    /** The app's Parameter Store path, `/<project>/<stack>`: roles read under it and nowhere else. */
    parameterNamespace: string;
}

function parameterArn(c: AccessContext, path: string): string {
    return `arn:${c.partition}:ssm:${c.region}:${c.accountId}:parameter${path}`;
}

/**
 * The developers' group: the namespace's parameters, and the key only through Parameter Store and
 * only for parameters of this namespace. Parameter Store puts the parameter's ARN in the KMS
 * encryption context (`PARAMETER_ARN`), so another environment's SecureStrings stay unreadable
 * even with the same key.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/secure-string-parameter-kms-encryption.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-paramstore-access.html
 */
export function developerStatements(c: AccessContext): PolicyStatement[] {
    const ns = parameterArn(c, c.parameterNamespace);
    return [
        {
            Sid: "NamespaceParameters",
            Effect: "Allow",
            Action: [
                "ssm:GetParameter",
                "ssm:GetParameters",
                "ssm:GetParametersByPath",
                "ssm:GetParameterHistory",
                "ssm:PutParameter",
                "ssm:DeleteParameter",
                "ssm:DeleteParameters",
                "ssm:LabelParameterVersion",
                "ssm:AddTagsToResource",
                "ssm:ListTagsForResource",
            ],
            Resource: [ns, `${ns}/*`],
        },
        // DescribeParameters supports no resource: it lists names and metadata, never values.
        { Sid: "ListParameterNames", Effect: "Allow", Action: "ssm:DescribeParameters", Resource: "*" },
        {
            Sid: "NamespaceKey",
            Effect: "Allow",
            Action: ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"],
            Resource: c.kmsKeyArn,
            Condition: {
                StringEquals: { "kms:ViaService": `ssm.${c.region}.${c.dnsSuffix}` },
                StringLike: { "kms:EncryptionContext:PARAMETER_ARN": `${ns}/*` },
            },
        },
    ];
}

/**
 * The log readers' group: read events and run Logs Insights queries on the app's log groups only.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html
 */
export function logReaderStatements(logGroupArns: string[]): PolicyStatement[] {
    return [
        {
            Sid: "ReadAppLogs",
            Effect: "Allow",
            Action: [
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
                "logs:FilterLogEvents",
                "logs:StartQuery",
                "logs:GetLogGroupFields",
            ],
            Resource: logGroupArns.flatMap((a) => [a, `${a}:*`]),
        },
        // These take no resource: they list group names and fetch results of one's own queries.
        {
            Sid: "ListAndQueryResults",
            Effect: "Allow",
            Action: ["logs:DescribeLogGroups", "logs:GetQueryResults", "logs:StopQuery"],
            Resource: "*",
        },
    ];
}

export interface DeployInputs extends AccessContext {
    /** The app's ECS cluster: the only one CI may update services or run tasks in. */
    clusterArn: string;
    /** The cluster's name, as task ARNs carry it. */
    clusterName: string;
    /** The services CI may update (new task definition, forced deployment). */
    serviceNames: string[];
    /** Task definition families the app registers. */
    families: string[];
    /** The migration's family, if any. */
    migrationFamily?: string;
    /** Task and execution roles CI may pass to ECS tasks. */
    passRoleArns: string[];
    /** The bucket CI uploads assets to (write only). @default - no asset uploads */
    assetsBucketName?: string;
    /** The assets bucket's SSE-KMS key. @default - none: the bucket uses SSE-S3 */
    assetsKmsKeyArn?: string;
}

/**
 * The deploy role's permissions: exactly a release.
 * RegisterTaskDefinition and DescribeTaskDefinition take no resource ARN, so they are `*`; what
 * a registered definition may do is bounded by `iam:PassRole`, allowed only for the app's roles and
 * only to `ecs-tasks`.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonelasticcontainerservice.html
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_definition_parameters.html
 */
export function deployStatements(d: DeployInputs): PolicyStatement[] {
    const ecs = `arn:${d.partition}:ecs:${d.region}:${d.accountId}`;
    const statements: PolicyStatement[] = [
        {
            Sid: "SetAppVersion",
            Effect: "Allow",
            Action: ["ssm:PutParameter", "ssm:GetParameter"],
            Resource: parameterArn(d, `${d.parameterNamespace}/app-version`),
        },
        {
            Sid: "RegisterTaskDefinitions",
            Effect: "Allow",
            Action: ["ecs:RegisterTaskDefinition", "ecs:DescribeTaskDefinition"],
            Resource: "*",
        },
        {
            // Since 2024 registering with tags needs TagResource; only on the app's families.
            Sid: "TagOwnTaskDefinitions",
            Effect: "Allow",
            Action: "ecs:TagResource",
            Resource: d.families.map((f) => `${ecs}:task-definition/${f}:*`),
            Condition: { StringEquals: { "ecs:CreateAction": "RegisterTaskDefinition" } },
        },
        {
            Sid: "PassAppRoles",
            Effect: "Allow",
            Action: "iam:PassRole",
            Resource: d.passRoleArns,
            Condition: { StringEquals: { "iam:PassedToService": `ecs-tasks.${d.dnsSuffix}` } },
        },
    ];
    if (d.serviceNames.length > 0) {
        statements.push({
            Sid: "UpdateAppServices",
            Effect: "Allow",
            Action: ["ecs:UpdateService", "ecs:DescribeServices"],
            Resource: d.serviceNames.map((s) => `${ecs}:service/${d.clusterName}/${s}`),
        });
    }
    if (d.migrationFamily) {
        statements.push({
            Sid: "RunMigration",
            Effect: "Allow",
            Action: "ecs:RunTask",
            Resource: `${ecs}:task-definition/${d.migrationFamily}:*`,
            Condition: { ArnEquals: { "ecs:cluster": d.clusterArn } },
        });
        statements.push({
            Sid: "WatchMigration",
            Effect: "Allow",
            Action: "ecs:DescribeTasks",
            Resource: `${ecs}:task/${d.clusterName}/*`,
        });
    }
    if (d.assetsBucketName) {
        statements.push({
            Sid: "WriteAssets",
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: `arn:${d.partition}:s3:::${d.assetsBucketName}/*`,
        });
        if (d.assetsKmsKeyArn) {
            statements.push({
                Sid: "EncryptAssets",
                Effect: "Allow",
                Action: "kms:GenerateDataKey",
                Resource: d.assetsKmsKeyArn,
                Condition: { StringEquals: { "kms:ViaService": `s3.${d.region}.${d.dnsSuffix}` } },
            });
        }
    }
    return statements;
}

/** Who may assume the deploy role: the named principals, with the external id when given. */
export function deployTrustPolicy(principalArns: string[], externalId?: string): PolicyStatement[] {
    return [
        {
            Effect: "Allow",
            Principal: { AWS: principalArns },
            Action: "sts:AssumeRole",
            ...(externalId ? { Condition: { StringEquals: { "sts:ExternalId": externalId } } } : {}),
        },
    ];
}
