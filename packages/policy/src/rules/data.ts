import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as ecr from "@pulumi/aws/ecr";
import type * as iam from "@pulumi/aws/iam";
import type * as kms from "@pulumi/aws/kms";
import type * as sqs from "@pulumi/aws/sqs";
import { attachedTo, Finding, judgeAttached, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, isSet, isUnknown, list } from "../values";
import { coversAction, onAllResources, Statement, statementsOf } from "./policy-doc";
import { T } from "./types";

export const kmsRotation: ResourceRule = {
    kind: "resource",
    name: "kms-key-rotation",
    description: "Customer-managed symmetric KMS keys rotate their key material [KMS.4].",
    controls: ["KMS.4"],
    severity: "medium",
    remediation: "Set enableKeyRotation: true (and rotationPeriodInDays, 90..2560; KmsKey uses 365).",
    defaultLevel: "mandatory",
    resourceTypes: [T.kmsKey],
    options: {},
    check(r) {
        const p = propsOf<kms.KeyArgs>(r);
        // Only symmetric encryption keys can rotate automatically.
        const spec = p.customerMasterKeySpec;
        if (typeof spec === "string" && spec !== "SYMMETRIC_DEFAULT") return [];
        if (typeof p.keyUsage === "string" && p.keyUsage !== "ENCRYPT_DECRYPT") return [];
        return fails(p.enableKeyRotation, (v) => v === true)
            ? [`KMS key ${r.name} does not set enableKeyRotation: true`]
            : [];
    },
};

const IDENTITY_POLICY_TYPES = [T.iamPolicy, T.iamRolePolicy, T.iamUserPolicy, T.iamGroupPolicy, T.iamRole];

/** The identity-based policy documents of a resource: its `policy`, or a role's inline policies. */
function identityPolicies(r: PolicyResource): unknown[] {
    if (r.type === T.iamRole) return list(propsOf<iam.RoleArgs>(r).inlinePolicies).map((p) => p.policy);
    return [propsOf<iam.PolicyArgs>(r).policy];
}

/** A rule over every Allow statement of every identity-based policy. */
function identityPolicyRule(
    spec: Omit<ResourceRule, "kind" | "check" | "resourceTypes" | "options">,
    problem: (s: Statement) => string | undefined,
): ResourceRule {
    return {
        ...spec,
        kind: "resource",
        resourceTypes: IDENTITY_POLICY_TYPES,
        options: {},
        check(r) {
            return identityPolicies(r).flatMap((doc) =>
                (statementsOf(doc) ?? [])
                    .filter((s) => s.effect === "Allow")
                    .flatMap((s) => {
                        const p = problem(s);
                        return p ? [`IAM policy of ${r.name}: ${p}`] : [];
                    }),
            );
        },
    };
}

export const noFullAdmin = identityPolicyRule(
    {
        name: "iam-no-full-admin",
        description: 'IAM policies do not allow "*" actions on "*" resources [IAM.1].',
        controls: ["IAM.1"],
        severity: "high",
        remediation: "List the actions the principal needs on the resources it needs (see @citadel/shared policyJson).",
        defaultLevel: "mandatory",
    },
    (s) =>
        coversAction(s, "iam:CreateUser") &&
        coversAction(s, "s3:GetObject") &&
        coversAction(s, "ec2:RunInstances") &&
        onAllResources(s)
            ? `allows ${s.actions.length ? s.actions.join(", ") : `all but ${s.notActions.join(", ")}`} on all resources`
            : undefined,
);

const DECRYPT_ACTIONS = ["kms:Decrypt", "kms:ReEncryptFrom"];

export const noDecryptOnAllKeys = identityPolicyRule(
    {
        name: "iam-no-kms-decrypt-all-keys",
        description: "IAM policies do not allow kms:Decrypt or kms:ReEncryptFrom on all KMS keys [KMS.1, KMS.2].",
        controls: ["KMS.1", "KMS.2"],
        severity: "medium",
        remediation: 'Name the key ARNs in Resource (e.g. the stack\'s key) instead of "*".',
        defaultLevel: "mandatory",
    },
    (s) => {
        const actions = DECRYPT_ACTIONS.filter((a) => coversAction(s, a));
        return actions.length && onAllResources(s)
            ? `allows ${actions.join(", ")} on all KMS keys (Resource "*")`
            : undefined;
    },
);

/** A customer-managed key: set, and not the AWS-managed `alias/aws/<service>` key. */
function customerKeyProblem(keyId: unknown): string | undefined {
    if (isUnknown(keyId)) return undefined;
    if (!isSet(keyId)) return "has no KMS key (kmsMasterKeyId unset)";
    if (typeof keyId === "string" && /(^|:)alias\/aws\//.test(keyId))
        return `uses the AWS-managed key ${keyId}, not a customer-managed one`;
    return undefined;
}

/**
 * SQS.1 asks for encryption at rest; SSE-SQS (the default) satisfies it, but its key is AWS's:
 * no key policy limits who decrypts, and CloudTrail shows no use of it. Citadel's standard is a
 * customer-managed key, so the rule asks for kmsMasterKeyId.
 */
export const sqsEncrypted: ResourceRule = {
    kind: "resource",
    name: "sqs-encrypted",
    description: "SQS queues are encrypted at rest with a customer-managed KMS key [SQS.1].",
    controls: ["SQS.1"],
    severity: "medium",
    remediation: "Set kmsMasterKeyId to the stack's key (EcsApp does this); SSE-SQS alone uses an AWS-owned key.",
    defaultLevel: "mandatory",
    resourceTypes: [T.sqsQueue],
    options: {},
    check(r) {
        const problem = customerKeyProblem(propsOf<sqs.QueueArgs>(r).kmsMasterKeyId);
        return problem ? [`SQS queue ${r.name} ${problem}`] : [];
    },
};

/**
 * Data-plane reads: each returns the data a resource holds. Allowed on `Resource: "*"`, one grant
 * reads every secret, parameter or object of the account (a wildcard ARN argument did exactly that).
 */
export const DATA_READ_ACTIONS = [
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "s3:GetObject",
    "s3:GetObjectVersion",
    "kms:Decrypt",
    "dynamodb:GetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "sqs:ReceiveMessage",
    "logs:GetLogEvents",
    "rds-db:connect",
];

export const noDataReadOnAll = identityPolicyRule(
    {
        name: "iam-no-data-read-on-all",
        description:
            "IAM policies do not allow data-plane reads (secrets, parameters, objects, decryption) on all " +
            "resources [IAM.21, KMS.2: least privilege].",
        controls: ["IAM.21", "KMS.2"],
        severity: "high",
        remediation:
            'Name the ARNs the principal reads in Resource; an ARN argument must never be "*" (Citadel refuses it).',
        defaultLevel: "mandatory",
    },
    (s) => {
        const actions = DATA_READ_ACTIONS.filter((a) => coversAction(s, a));
        return actions.length &&
            (s.resources.some((r) => r === "*" || /^arn:[^:]*:[^:]*:[^:]*:[^:]*:\*$/.test(r)) ||
                s.notResources.length > 0)
            ? `allows ${actions.join(", ")} on all resources (${s.resources.join(", ") || "NotResource"})`
            : undefined;
    },
);

/**
 * AWS managed policies that allow a data-plane read (DATA_READ_ACTIONS) on every resource of the
 * account. AmazonSSMManagedInstanceCore is the usual one: with ssm:GetParameter(s) on "*", every host
 * (and, with IMDS hop limit 2, every container on it) reads every parameter of the account; Citadel
 * grants Session Manager's own actions instead (sessionManagerStatements in @citadel/shared).
 * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonSSMManagedInstanceCore.html
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 */
export const MANAGED_DATA_READERS = [
    "AmazonSSMManagedInstanceCore",
    "AmazonEC2RoleforSSM",
    "AmazonSSMReadOnlyAccess",
    "AmazonSSMFullAccess",
    "ReadOnlyAccess",
    "AmazonS3ReadOnlyAccess",
    "AmazonS3FullAccess",
    "SecretsManagerReadWrite",
    "AmazonDynamoDBReadOnlyAccess",
    "AmazonDynamoDBFullAccess",
    "AmazonSQSFullAccess",
    "AmazonRDSDataFullAccess",
];

function managedDataReader(arn: unknown): string | undefined {
    if (typeof arn !== "string") return undefined;
    const m = /^arn:[^:]+:iam::aws:policy\/(?:.*\/)?([^/]+)$/.exec(arn);
    return m && MANAGED_DATA_READERS.includes(m[1]) ? m[1] : undefined;
}

export const noManagedDataReader: ResourceRule = {
    kind: "resource",
    name: "iam-no-managed-data-reader",
    description:
        "No AWS managed policy that reads data (parameters, secrets, objects) on all resources is attached " +
        "[IAM.21: least privilege].",
    controls: ["IAM.21"],
    severity: "high",
    remediation:
        "Attach a scoped policy instead: Session Manager's own actions (sessionManagerStatements) and reads on named ARNs.",
    defaultLevel: "mandatory",
    resourceTypes: [
        T.iamRolePolicyAttachment,
        T.iamUserPolicyAttachment,
        T.iamGroupPolicyAttachment,
        T.iamPolicyAttachment,
        T.iamRole,
    ],
    options: {},
    check(r) {
        const p = r.props as { policyArn?: unknown; managedPolicyArns?: unknown };
        const arns =
            r.type === T.iamRole ? (Array.isArray(p.managedPolicyArns) ? p.managedPolicyArns : []) : [p.policyArn];
        return arns
            .map(managedDataReader)
            .filter((n): n is string => n !== undefined)
            .map((n) => `${r.name} attaches ${n}, which allows data-plane reads on all resources`);
    },
};

/**
 * What a CI principal must never be allowed on image repositories (seed 003: deletion protection):
 * deleting images or repositories, or loosening their policy, tags or scanning. EcsApp's CI policy
 * denies them; an Allow here is a Deny written the wrong way round.
 */
export const ECR_DESTRUCTIVE_ACTIONS = [
    "ecr:DeleteRepository",
    "ecr:BatchDeleteImage",
    "ecr:DeleteRepositoryPolicy",
    "ecr:SetRepositoryPolicy",
    "ecr:DeleteLifecyclePolicy",
    "ecr:PutImageTagMutability",
    "ecr:PutImageScanningConfiguration",
];

export const noEcrDestructiveAllow = identityPolicyRule(
    {
        name: "iam-no-ecr-destructive-allow",
        description:
            "IAM policies do not allow deleting ECR images or repositories or loosening their policy, tag " +
            "mutability or scanning (Citadel rule; no FSBP control: deletion protection of seed 003).",
        controls: [],
        severity: "high",
        remediation: "Deny these actions (EcsApp's CI policy does); a pipeline pushes and pulls, it never deletes.",
        defaultLevel: "mandatory",
    },
    (s) => {
        const actions = ECR_DESTRUCTIVE_ACTIONS.filter((a) => coversAction(s, a));
        return actions.length ? `allows ${actions.join(", ")} (a Deny in a CI policy)` : undefined;
    },
);

/** Key policy statements that admit anyone: KMS.5 (keys not publicly accessible). */
export const kmsKeyNotPublic: ResourceRule = {
    kind: "resource",
    name: "kms-key-not-public",
    description: 'KMS key policies do not allow any principal ("*") without a condition that limits who [KMS.5].',
    controls: ["KMS.5"],
    severity: "critical",
    remediation:
        "Name the account root, roles or service principals; or add a condition such as aws:PrincipalAccount / kms:CallerAccount.",
    defaultLevel: "mandatory",
    // A key's policy is its own `policy` input, or an aws.kms.KeyPolicy's (KmsKey's deferred statements).
    resourceTypes: [T.kmsKey, T.kmsKeyPolicy],
    options: {},
    check(r) {
        return (statementsOf(propsOf<kms.KeyArgs>(r).policy) ?? [])
            .filter((s) => s.effect === "Allow" && s.anyPrincipal && Object.keys(s.condition).length === 0)
            .map(
                (s) =>
                    `${r.type === T.kmsKeyPolicy ? "key policy" : "KMS key"} ${r.name}${r.type === T.kmsKeyPolicy ? "" : "'s policy"} allows ${s.actions.join(", ") || "NotAction"} to any principal without a condition`,
            );
    },
};

export interface LogGroupOptions {
    /** Fewest days a log group may keep its events, 1 to 3653 (FSBP's own parameter is 365). @default 1 */
    minimumRetentionDays: number;
}

export const logGroupRetentionAndKms: ResourceRule<LogGroupOptions> = {
    kind: "resource",
    name: "cloudwatch-log-group-retention-kms",
    description:
        "CloudWatch log groups expire their events after a set retention and are encrypted with a " +
        "customer-managed KMS key [CloudWatch.16].",
    controls: ["CloudWatch.16"],
    severity: "medium",
    remediation:
        "Set retentionInDays (the stack's logs.retentionDays) and kmsKeyId (the stack's key, whose policy " +
        "admits CloudWatch Logs).",
    defaultLevel: "mandatory",
    resourceTypes: [T.logGroup],
    options: {
        minimumRetentionDays: {
            type: "integer",
            minimum: 1,
            maximum: 3653,
            default: 1,
            description: "Fewest days of retention accepted (FSBP's own default parameter is 365).",
        },
    },
    check(r, { minimumRetentionDays }) {
        const p = propsOf<cloudwatch.LogGroupArgs>(r);
        const out: string[] = [];
        if (fails(p.retentionInDays, (d) => typeof d === "number" && d >= minimumRetentionDays)) {
            out.push(
                `log group ${r.name} ${!p.retentionInDays ? "never expires its events" : `keeps events ${p.retentionInDays} days`}` +
                    `${p.retentionInDays ? `, fewer than ${minimumRetentionDays}` : " (set retentionInDays)"}`,
            );
        }
        if (!isSet(p.kmsKeyId)) out.push(`log group ${r.name} has no kmsKeyId`);
        return out;
    },
};

export const ecrScanOnPush: StackRule = {
    kind: "stack",
    name: "ecr-scan-on-push",
    description: "ECR repositories scan images on push, by their own setting or the registry's [ECR.1].",
    controls: ["ECR.1"],
    severity: "high",
    remediation:
        "Set imageScanningConfiguration: { scanOnPush: true }, or add an " +
        'aws.ecr.RegistryScanningConfiguration (scanType "ENHANCED", or a SCAN_ON_PUSH rule).',
    defaultLevel: "mandatory",
    resourceTypes: [T.ecrRepository, T.ecrRegistryScanning],
    options: {},
    check(resources) {
        const registryScans = ofTypes(resources, [T.ecrRegistryScanning]).some((c) => {
            const p = propsOf<ecr.RegistryScanningConfigurationArgs>(c);
            return (
                isUnknown(p.scanType) ||
                p.scanType === "ENHANCED" ||
                list(p.rules).some((rule) => rule.scanFrequency === "SCAN_ON_PUSH" || isUnknown(rule.scanFrequency))
            );
        });
        if (registryScans) return [];
        return ofTypes(resources, [T.ecrRepository])
            .filter((repo) =>
                fails(propsOf<ecr.RepositoryArgs>(repo).imageScanningConfiguration?.scanOnPush, (v) => v === true),
            )
            .map((repo) => ({ resource: repo, message: `ECR repository ${repo.name} does not scan images on push` }));
    },
};

export const ecrImmutableTags: ResourceRule = {
    kind: "resource",
    name: "ecr-immutable-tags",
    description: "ECR repositories have immutable image tags [ECR.2].",
    controls: ["ECR.2"],
    severity: "medium",
    remediation: 'Set imageTagMutability: "IMMUTABLE" (or "IMMUTABLE_WITH_EXCLUSION" with exclusion filters).',
    defaultLevel: "mandatory",
    resourceTypes: [T.ecrRepository],
    options: {},
    check(r) {
        return fails(
            propsOf<ecr.RepositoryArgs>(r).imageTagMutability,
            (v) => v === "IMMUTABLE" || v === "IMMUTABLE_WITH_EXCLUSION",
        )
            ? [`ECR repository ${r.name} has mutable tags`]
            : [];
    },
};

export const ecrLifecyclePolicy: StackRule = {
    kind: "stack",
    name: "ecr-lifecycle-policy",
    description: "ECR repositories have a lifecycle policy [ECR.3].",
    controls: ["ECR.3"],
    severity: "medium",
    remediation:
        "Add an aws.ecr.LifecyclePolicy with repository the repository's name (e.g. keep the last 100 images).",
    defaultLevel: "mandatory",
    resourceTypes: [T.ecrRepository, T.ecrLifecyclePolicy],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const repo of ofTypes(resources, [T.ecrRepository])) {
            const message = judgeAttached(
                attachedTo(resources, repo, [T.ecrLifecyclePolicy], "repository"),
                `ECR repository ${repo.name} has no lifecycle policy`,
            );
            if (message) findings.push({ resource: repo, message });
        }
        return findings;
    },
};
