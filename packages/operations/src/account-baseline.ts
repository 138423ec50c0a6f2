import * as pulumi from "@pulumi/pulumi";
import * as backup from "@pulumi/aws/backup";
import * as cfg from "@pulumi/aws/cfg";
import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import {
    requireInput,
    AlarmsArgs,
    argKeys,
    awsContext,
    ConfigError,
    KeyOf,
    policyJson,
    requireLogRetention,
    SecureBucket,
    serviceTrustPolicy,
    requireArgs,
    withTags,
    TagsInput,
    refuseRenamed,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import {
    AccountScope,
    auditKeyStatements,
    auditPrefixes,
    configRoleStatements,
    trailArnOf,
    trailLogsRoleStatements,
    trailName,
} from "./policies";
import { CONFIG_RULES } from "./config-rules";

export interface AccountBaselineArgs {
    /** Bucket (purpose `accessLogs`, SSE-S3: S3 delivers server access logs to no other) receiving the audit bucket's S3 server access logs. */
    accessLogsBucketName: pulumi.Input<string>;
    /** Days CloudTrail and Config files, and the trail's log group, are kept (a CloudWatch retention period). @default 365 */
    logRetentionInDays?: number;
    /**
     * Record global resource types (IAM users, roles, policies) in this region. They must be
     * recorded in exactly one region of the account, or every recorder reports them again.
     * See https://docs.aws.amazon.com/config/latest/developerguide/select-resources.html
     * @default true
     */
    recordGlobalResources?: boolean;
    /** Minimum IAM user password length, 14..128 (CIS and FSBP IAM.15 ask for 14). @default 14 */
    minimumPasswordLength?: number;
    /**
     * Metric-filter alarms of the trail (root use, denied calls, IAM/SG/KMS policy changes) notify here.
     * @default - the metric filters exist, no alarms
     */
    alarms?: AlarmsArgs;
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

/** The account events that raise an alarm, as CloudWatch Logs filter patterns over CloudTrail JSON (FSBP CloudWatch.1–14). */
export const TRAIL_ALARMS: ReadonlyArray<{ id: string; control: string; description: string; pattern: string }> = [
    {
        id: "root-use",
        control: "CloudWatch.1",
        description: "The root user was used",
        pattern:
            '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    },
    {
        id: "unauthorized-calls",
        control: "CloudWatch.2",
        description: "API calls were denied",
        pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
    },
    {
        id: "iam-policy-changes",
        control: "CloudWatch.4",
        description: "IAM policies changed",
        pattern:
            "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || " +
            "($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || " +
            "($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || " +
            "($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || " +
            "($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || " +
            "($.eventName = DetachGroupPolicy) }",
    },
    {
        id: "security-group-changes",
        control: "CloudWatch.10",
        description: "Security groups changed",
        pattern:
            "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || " +
            "($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || " +
            "($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) || " +
            "($.eventName = ModifySecurityGroupRules) }",
    },
    {
        id: "kms-key-changes",
        control: "CloudWatch.7",
        description: "A KMS key policy changed, or a key was disabled or scheduled for deletion",
        pattern:
            "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = PutKeyPolicy) || ($.eventName = DisableKey) || " +
            "($.eventName = ScheduleKeyDeletion)) }",
    },
];

/** Namespace of the trail's metric filters. */
export const TRAIL_METRIC_NAMESPACE = "Citadel/CloudTrail";

export function validateAccountBaselineArgs(args: AccountBaselineArgs, key: KeyOf, name?: string): void {
    requireInput(
        key("accessLogsBucketName"),
        args.accessLogsBucketName,
        "the name of an accessLogs-purpose (SSE-S3) bucket",
    );
    refuseRenamed(key, args, { retentionDays: "logRetentionInDays" });
    if (args.logRetentionInDays !== undefined) requireLogRetention(key("logRetentionInDays"), args.logRetentionInDays);
    if (name !== undefined) {
        const trail = trailName(pulumi.getProject(), pulumi.getStack(), name);
        if (trail.length > 128) {
            throw new ConfigError(
                key("name"),
                name,
                `makes the trail name ${trail} longer than CloudTrail's 128 characters`,
                "a shorter component name",
            );
        }
    }
    const n = args.minimumPasswordLength;
    if (n !== undefined && (!Number.isInteger(n) || n < 14 || n > 128)) {
        throw new ConfigError(key("minimumPasswordLength"), n, "is out of range", "14..128 (characters)");
    }
}

/** Every argument of AccountBaselineArgs, for refusing unknown ones (the compiler keeps this list exact). */
const ACCOUNT_BASELINE_ARG_NAMES: ArgNames<AccountBaselineArgs> = {
    accessLogsBucketName: true,
    logRetentionInDays: true,
    recordGlobalResources: true,
    minimumPasswordLength: true,
    alarms: true,
    tags: true,
};

/**
 * What exists once per account (password policy) or once per account and region (the trail, the
 * Config recorder and delivery channel, AWS Backup's service opt-in): create it in exactly one
 * stack per account; a second stack in the same account leaves it off (see the README).
 *
 * - CloudTrail: multi-region, log file validation, encrypted with an audit key of its own, into an
 *   audit bucket of its own, and into a CloudWatch log group whose metric filters raise alarms.
 * - AWS Config: a recorder of all supported types, delivering to the audit bucket, and the managed
 *   rules that re-check after deployment what the policy pack enforces before it.
 * - IAM: the account password policy.
 */
export class AccountBaseline extends pulumi.ComponentResource {
    /** The CloudTrail trail's ARN. */
    readonly trailArn: pulumi.Output<string>;
    /** The bucket receiving CloudTrail and AWS Config records. */
    readonly auditBucketName: pulumi.Output<string>;
    /** The KMS key of the audit bucket and the trail. */
    readonly auditKeyArn: pulumi.Output<string>;
    /** The AWS Config recorder's name. */
    readonly recorderName: pulumi.Output<string>;
    /** The log group receiving the trail's events (and its metric filters). */
    readonly trailLogGroupName: pulumi.Output<string>;

    constructor(name: string, args: AccountBaselineArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("AccountBaseline", name, args);
        validateAccountBaselineArgs(args, argKeys("AccountBaseline", name), name);
        refuseUnknownArgs("AccountBaseline", name, args, ACCOUNT_BASELINE_ARG_NAMES);
        super(
            "citadel:operations:AccountBaseline",
            name,
            {},
            withTags(argKeys("AccountBaseline", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };
        const ctx = awsContext(this);
        const retentionDays = args.logRetentionInDays ?? 365;
        const scope: pulumi.Output<AccountScope> = pulumi
            .all([ctx.accountId, ctx.partition, ctx.region, ctx.dnsSuffix])
            .apply(([accountId, partition, region, dnsSuffix]) => ({ accountId, partition, region, dnsSuffix }));

        // Named before it exists, so the bucket and key policies admit exactly this trail.
        const trailPhysicalName = trailName(pulumi.getProject(), pulumi.getStack(), name);
        const trailArn = scope.apply((c) => trailArnOf(c, trailPhysicalName));

        const key = new kms.Key(
            `${name}-audit-key`,
            {
                description: `${name}: CloudTrail and AWS Config deliveries`,
                enableKeyRotation: true,
                rotationPeriodInDays: 365,
                deletionWindowInDays: 30,
                policy: pulumi.all([scope, trailArn]).apply(([c, arn]) => policyJson(auditKeyStatements(c, arn))),
            },
            parent,
        );

        // Purpose `audit`: the log-delivery table's CloudTrail and Config statements, nothing else.
        // Same logical name and type as when it was a `logs` bucket, so its URN (and data) stay.
        const bucket = new SecureBucket(
            `${name}-audit`,
            {
                purpose: "audit",
                kmsKeyArn: key.arn,
                trailArn,
                accessLogs: { bucketName: args.accessLogsBucketName },
                logRetentionInDays: retentionDays,
                // The bucket inherits protect from this component (Pulumi's resource option, the one way to protect).
            },
            parent,
        );

        // The trail's events in CloudWatch Logs, where metric filters turn them into alarms.
        const logGroup = new cloudwatch.LogGroup(
            `${name}-trail-logs`,
            {
                retentionInDays: retentionDays,
                kmsKeyId: key.arn,
            },
            parent,
        );
        const trailRole = new iam.Role(
            `${name}-trail-role`,
            {
                description: "CloudTrail: deliver events to the trail's log group",
                assumeRolePolicy: pulumi
                    .all([ctx.accountId, ctx.dnsSuffix])
                    .apply(([account, dns]) => serviceTrustPolicy(`cloudtrail.${dns}`, account)),
            },
            parent,
        );
        const trailRolePolicy = new iam.RolePolicy(
            `${name}-trail-role-policy`,
            {
                role: trailRole.name,
                policy: logGroup.arn.apply((arn) => policyJson(trailLogsRoleStatements(arn))),
            },
            parent,
        );

        const trail = new cloudtrail.Trail(
            `${name}-trail`,
            {
                name: trailPhysicalName,
                s3BucketName: bucket.bucketName,
                isMultiRegionTrail: true,
                includeGlobalServiceEvents: true,
                enableLogFileValidation: true,
                enableLogging: true,
                kmsKeyId: key.arn,
                cloudWatchLogsGroupArn: pulumi.interpolate`${logGroup.arn}:*`,
                cloudWatchLogsRoleArn: trailRole.arn,
            },
            { parent: this, dependsOn: [bucket, trailRolePolicy] },
        );

        if (args.alarms) {
            for (const a of TRAIL_ALARMS) {
                new cloudwatch.LogMetricFilter(
                    `${name}-${a.id}`,
                    {
                        logGroupName: logGroup.name,
                        pattern: a.pattern,
                        metricTransformation: {
                            name: a.id,
                            namespace: TRAIL_METRIC_NAMESPACE,
                            value: "1",
                            defaultValue: "0",
                        },
                    },
                    parent,
                );
                new cloudwatch.MetricAlarm(
                    `${name}-alarm-${a.id}`,
                    {
                        alarmDescription: `${a.description} (${a.control})`,
                        namespace: TRAIL_METRIC_NAMESPACE,
                        metricName: a.id,
                        statistic: "Sum",
                        comparisonOperator: "GreaterThanOrEqualToThreshold",
                        threshold: 1,
                        period: 300,
                        evaluationPeriods: 1,
                        treatMissingData: "notBreaching",
                        alarmActions: [args.alarms.topicArn],
                    },
                    parent,
                );
            }
        }

        // AWS Config.
        const configRole = new iam.Role(
            `${name}-config-role`,
            {
                description: "AWS Config: record configurations and deliver them to the audit bucket",
                assumeRolePolicy: pulumi
                    .all([ctx.accountId, ctx.dnsSuffix])
                    .apply(([account, dns]) => serviceTrustPolicy(`config.${dns}`, account)),
            },
            parent,
        );
        new iam.RolePolicyAttachment(
            `${name}-config-role-managed`,
            {
                role: configRole.name,
                policyArn: pulumi.interpolate`arn:${ctx.partition}:iam::aws:policy/service-role/AWS_ConfigRole`,
            },
            parent,
        );
        const configRolePolicy = new iam.RolePolicy(
            `${name}-config-role-policy`,
            {
                role: configRole.name,
                policy: pulumi
                    .all([bucket.arn, ctx.accountId, key.arn])
                    .apply(([arn, account, keyArn]) => policyJson(configRoleStatements(arn, account, keyArn))),
            },
            parent,
        );
        const recorder = new cfg.Recorder(
            `${name}-recorder`,
            {
                roleArn: configRole.arn,
                recordingGroup: { allSupported: true, includeGlobalResourceTypes: args.recordGlobalResources ?? true },
            },
            parent,
        );
        const channel = new cfg.DeliveryChannel(
            `${name}-delivery`,
            {
                s3BucketName: bucket.bucketName,
                s3KmsKeyArn: key.arn,
                snapshotDeliveryProperties: { deliveryFrequency: "TwentyFour_Hours" },
            },
            { parent: this, dependsOn: [recorder, configRolePolicy, bucket] },
        );
        const status = new cfg.RecorderStatus(
            `${name}-recorder-status`,
            {
                name: recorder.name,
                isEnabled: true,
            },
            { parent: this, dependsOn: [channel] },
        );
        for (const rule of CONFIG_RULES) {
            new cfg.Rule(
                `${name}-rule-${rule.identifier.toLowerCase().replace(/_/g, "-")}`,
                {
                    description: `${rule.description} (policy pack: ${rule.policies.join(", ")})`,
                    source: { owner: "AWS", sourceIdentifier: rule.identifier },
                    inputParameters: rule.parameters ? JSON.stringify(rule.parameters) : undefined,
                },
                { parent: this, dependsOn: [status] },
            );
        }

        // IAM users' passwords (the write-up asks for strong passwords; MFA is checked by Config).
        new iam.AccountPasswordPolicy(
            `${name}-password-policy`,
            {
                minimumPasswordLength: args.minimumPasswordLength ?? 14,
                requireLowercaseCharacters: true,
                requireUppercaseCharacters: true,
                requireNumbers: true,
                requireSymbols: true,
                allowUsersToChangePassword: true,
                passwordReusePrevention: 24,
                maxPasswordAge: 90,
            },
            parent,
        );

        // AWS Backup backs up S3 only where the account opted in, once per region.
        new backup.RegionSettings(
            `${name}-backup-opt-in`,
            {
                resourceTypeOptInPreference: {
                    Aurora: true,
                    RDS: true,
                    S3: true,
                    EBS: true,
                    EC2: true,
                    EFS: true,
                    DynamoDB: true,
                },
            },
            parent,
        );

        this.trailArn = trail.arn;
        this.auditBucketName = bucket.bucketName;
        this.auditKeyArn = key.arn;
        this.recorderName = recorder.name;
        this.trailLogGroupName = logGroup.name;
        this.registerOutputs({
            trailArn: this.trailArn,
            auditBucketName: this.auditBucketName,
            recorderName: this.recorderName,
        });
    }
}

export { auditPrefixes };
