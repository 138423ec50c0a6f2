import { ArgNames, refuseUnknownArgs } from "./known-args";
import * as pulumi from "@pulumi/pulumi";
import * as kms from "@pulumi/aws/kms";
import { awsContext } from "./aws-context";
import { argKeys, ConfigError, requireArgs, requireInteger } from "./errors";
import { requireSafeText } from "./text";
import { PolicyStatement, policyJson } from "./iam";
import { TagsInput, withTags } from "./tags";

/**
 * AWS services that may be given use of the key through its key policy. Services that act on behalf
 * of an IAM principal (S3, RDS, Secrets Manager, EBS) need nothing here: the account statement lets
 * IAM policies grant them use through `kms:ViaService`.
 */
export const KeyService = {
    Logs: "logs",
    LogDelivery: "logDelivery",
    Events: "events",
    Autoscaling: "autoscaling",
} as const;
export type KeyService = (typeof KeyService)[keyof typeof KeyService];
export const KEY_SERVICES: readonly KeyService[] = Object.values(KeyService);

/**
 * What only a TypeScript program can add to a KmsKey: policy statements that are outputs of resources
 * built with the key. They stay out of KmsKeyArgs (the args Pulumi's schema inference reads for other
 * languages) because an IAM statement's JSON shape (a string or a list, `"*"` or an object) has no
 * schema type.
 */
export interface KmsKeyPolicyExtension {
    /**
     * Statements added to the key policy that name resources built *with* this key, e.g. a CloudFront
     * distribution reading an SSE-KMS bucket encrypted by it: naming them in the key's own `policy`
     * would be a dependency cycle (key → bucket → distribution → key). With it, the key is created
     * with AWS's default key policy (this account's IAM principals only, the same as this component's
     * first statement) and a separate `aws.kms.KeyPolicy` applies the whole policy (this component's
     * statements followed by these) once they resolve.
     * https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
     * @default none: the policy is set on the key itself
     */
    deferredPolicyStatements?: pulumi.Input<PolicyStatement[]>;
}

export interface KmsKeyArgs {
    /**
     * What the key protects, shown in the console: 1..8192 characters, no control characters or line
     * separators. @throws ConfigError otherwise.
     */
    description: string;
    /**
     * Services (besides IAM principals of this account) allowed to use the key:
     * - `logs`: CloudWatch Logs encrypting log groups of this account and region;
     * - `logDelivery`: log delivery (VPC flow logs, WAF logs) writing to SSE-KMS buckets;
     * - `events`: EventBridge publishing to KMS-encrypted SNS topics and SQS queues;
     * - `autoscaling`: the Auto Scaling service-linked role launching instances with encrypted volumes.
     * CloudFront is not among them: it is admitted per distribution (`aws:SourceArn`) through
     * `KmsKeyPolicyExtension.deferredPolicyStatements` by the component that owns the distribution (EdgeCdn).
     * @default ["logs", "logDelivery"]
     */
    services?: KeyService[];
    /** Days a scheduled deletion waits, 7..30. @default 30 */
    deletionWindowInDays?: number;
    /**
     * Create the key in this region instead of the provider's, e.g. `us-east-1` for the logs of a
     * CloudFront-scoped WAF, which must live there. @default the provider's region
     */
    region?: string;
    /**
     * Tags for every taggable AWS resource this component creates (launch templates' instances and
     * volumes included), merged over the AWS provider's `defaultTags`. A tag a resource sets itself
     * (`Name`, `Patch Group`, the backup tag) keeps its value. Keys under `aws:` or `citadel:` are
     * refused, as is what AWS refuses (more than 45 tags, keys over 128 or values over 256
     * characters, characters other than letters, numbers, spaces and `_ . : / = + - @`), with a
     * ConfigError naming `tags`. See `withTags` in @citadel/shared and
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
     * @default {}
     */
    tags?: TagsInput;
}

/** Every argument of KmsKeyArgs, for refusing unknown ones (the compiler keeps this list exact). */
const KMS_KEY_ARG_NAMES: ArgNames<KmsKeyArgs> = {
    description: true,
    services: true,
    deletionWindowInDays: true,
    region: true,
    tags: true,
};

/**
 * A customer-managed symmetric KMS key with yearly rotation and a key policy that admits only this
 * account's IAM principals and the named AWS services of this account and region.
 */
export class KmsKey extends pulumi.ComponentResource {
    /** The key's ARN: what `kmsKeyArn` of the other components takes. */
    readonly arn: pulumi.Output<string>;
    /** The key's id (a UUID). */
    readonly keyId: pulumi.Output<string>;
    /** The key's alias, `alias/<name>`, as shown in the console. */
    readonly aliasName: pulumi.Output<string>;

    constructor(
        name: string,
        args: KmsKeyArgs,
        opts?: pulumi.ComponentResourceOptions,
        extension: KmsKeyPolicyExtension = {},
    ) {
        const services = validateKmsKeyArgs(name, args);
        super("citadel:shared:KmsKey", name, {}, withTags(argKeys("KmsKey", name)("tags"), args.tags, opts));

        const ctx = awsContext(this);
        const statements = pulumi
            .all([ctx.accountId, ctx.partition, args.region ?? ctx.region, ctx.dnsSuffix])
            .apply(([accountId, partition, region, dnsSuffix]) =>
                kmsKeyPolicyStatements({ accountId, partition, region, dnsSuffix, services }),
            );
        const deferred = extension.deferredPolicyStatements;

        const key = new kms.Key(
            `${name}-key`,
            {
                description: args.description,
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: args.deletionWindowInDays ?? 30,
                // A key's policy is managed either here or by one KeyPolicy, never both (they would undo
                // each other at every update).
                policy: deferred ? undefined : statements.apply(policyJson),
                region: args.region,
            },
            { parent: this },
        );
        if (deferred) {
            new kms.KeyPolicy(
                `${name}-key-policy`,
                {
                    keyId: key.keyId,
                    policy: pulumi.all([statements, deferred]).apply(([own, more]) => policyJson([...own, ...more])),
                    region: args.region,
                },
                { parent: this },
            );
        }

        const alias = new kms.Alias(
            `${name}-alias`,
            {
                namePrefix: `alias/${name}-`,
                targetKeyId: key.keyId,
                region: args.region,
            },
            { parent: this },
        );

        this.arn = key.arn;
        this.keyId = key.keyId;
        this.aliasName = alias.name;
        this.registerOutputs({ arn: this.arn, keyId: this.keyId, aliasName: this.aliasName });
    }
}

export function validateKmsKeyArgs(name: string, args: KmsKeyArgs): KeyService[] {
    requireArgs("KmsKey", name, args);
    refuseUnknownArgs("KmsKey", name, args, KMS_KEY_ARG_NAMES);
    const key = argKeys("KmsKey", name);
    // https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html (Description: 0..8192 characters);
    // a line break or other control character would garble every console, log and audit line that shows it.
    if (typeof args.description !== "string" || args.description.trim() === "" || args.description.length > 8192) {
        throw new ConfigError(
            key("description"),
            args.description,
            "is not a description",
            "1..8192 characters of text",
        );
    }
    requireSafeText(
        key("description"),
        args.description,
        "1..8192 characters without control characters or line separators",
    );
    if (args.deletionWindowInDays !== undefined) {
        requireInteger(key("deletionWindowInDays"), args.deletionWindowInDays, 7, 30);
    }
    const services = args.services ?? ["logs", "logDelivery"];
    for (const s of services) {
        if (!(KEY_SERVICES as readonly string[]).includes(s)) {
            throw new ConfigError(key("services"), s, "is not a known service", KEY_SERVICES.join(" | "));
        }
    }
    return services;
}

export interface KeyPolicyContext {
    /** The account whose IAM principals may use the key. */
    accountId: string;
    /** The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`). */
    partition: string;
    /** The key's region: services are admitted in this region only. */
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`), for service principals. */
    dnsSuffix: string;
    /** The AWS services admitted to use the key, each with the narrowest grant it needs. */
    services: readonly KeyService[];
}

/** The key policy, pure so it can be read in tests. */
export function kmsKeyPolicyStatements(c: KeyPolicyContext): PolicyStatement[] {
    const account = `arn:${c.partition}:iam::${c.accountId}:root`;
    const sameAccount = { StringEquals: { "aws:SourceAccount": c.accountId } };
    const statements: PolicyStatement[] = [
        {
            Sid: "AccountAdministersKeyThroughIam",
            Effect: "Allow",
            Principal: { AWS: account },
            Action: "kms:*",
            Resource: "*",
        },
    ];
    const use = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"];
    for (const service of c.services) {
        switch (service) {
            case "logs":
                statements.push({
                    Sid: "CloudWatchLogsOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: `logs.${c.region}.${c.dnsSuffix}` },
                    Action: use,
                    Resource: "*",
                    Condition: {
                        ArnLike: {
                            "kms:EncryptionContext:aws:logs:arn": `arn:${c.partition}:logs:${c.region}:${c.accountId}:log-group:*`,
                        },
                    },
                });
                break;
            case "logDelivery":
                statements.push({
                    Sid: "LogDeliveryOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: `delivery.logs.${c.dnsSuffix}` },
                    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: sameAccount,
                });
                break;
            case "events":
                statements.push({
                    Sid: "EventBridgeOfThisAccount",
                    Effect: "Allow",
                    Principal: { Service: `events.${c.dnsSuffix}` },
                    Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
                    Resource: "*",
                    Condition: sameAccount,
                });
                break;
            case "autoscaling":
                // The Auto Scaling service-linked role needs the key policy itself (its AWS-managed
                // policy grants nothing on our keys). It is named by condition, not as principal,
                // because a key policy naming a role that does not exist yet is rejected.
                statements.push({
                    Sid: "AutoScalingServiceLinkedRole",
                    Effect: "Allow",
                    Principal: { AWS: "*" },
                    Action: [...use, "kms:CreateGrant"],
                    Resource: "*",
                    Condition: {
                        StringEquals: {
                            "kms:CallerAccount": c.accountId,
                            "aws:PrincipalArn": `arn:${c.partition}:iam::${c.accountId}:role/aws-service-role/autoscaling.${c.dnsSuffix}/AWSServiceRoleForAutoScaling`,
                        },
                    },
                });
                break;
        }
    }
    return statements;
}
