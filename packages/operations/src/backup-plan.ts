import * as pulumi from "@pulumi/pulumi";
import * as backup from "@pulumi/aws/backup";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import {
    AlarmsArgs,
    argKeys,
    awsContext,
    BACKUP_TAG_KEY,
    BACKUP_TAG_VALUE,
    ConfigError,
    KeyOf,
    policyJson,
    requireInput,
    requireOtherRegionInPartition,
    serviceTrustPolicy,
    requireArgs,
    withTags,
    TagsInput,
    refuseRenamed,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { accountAdministersKey, backupRoleManagedPolicies, backupVaultStatements } from "./policies";

/** How the vault is locked against shortening retention or deleting recovery points. */
export enum VaultLockMode {
    /** No lock: the access policy alone denies deletion (an administrator could remove it). */
    None = "none",
    /** Governance: users with `backup:DeleteBackupVaultLockConfiguration` can still remove the lock. */
    Governance = "governance",
    /** Compliance: after `changeableForDays` nobody, AWS included, can remove it or delete early. */
    Compliance = "compliance",
}

export interface BackupPlanArgs {
    /** Encrypts the vault's recovery points (those AWS Backup encrypts itself: S3, EBS). */
    kmsKeyArn: pulumi.Input<string>;
    /** Hour of the nightly backup, 0..23, UTC. @default 3 */
    scheduleHourUtc?: number;
    /** Days a recovery point is kept, 1..36500 (at most 35 with continuous backup). @default 15 */
    backupRetentionInDays?: number;
    /**
     * Continuous backup (point-in-time recovery, RPO of minutes) for the resources that support it
     * (RDS, S3); the others get the nightly snapshot. Limits retention to 35 days.
     * See https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html
     * @default false
     */
    continuousBackup?: boolean;
    /** AWS Backup Vault Lock on the vault: none, governance or compliance. @default VaultLockMode.None */
    vaultLock?: VaultLockMode;
    /** Compliance mode's grace period before the lock becomes immutable, 3..36500 days. @default 3 */
    vaultLockChangeableForDays?: number;
    /**
     * Copy each recovery point to a vault in this region (e.g. `eu-central-1`), encrypted with a
     * key created there, kept as long as the original. Unset: no copy.
     * @throws ConfigError unless a region `@pulumi/aws` knows, other than the stack's and in its
     * partition (https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html).
     * @default - no copy
     */
    copyRegion?: string;
    /** Minutes a job may wait to start, ≥ 60. @default 60 */
    startWindowMinutes?: number;
    /** Minutes a job may run, ≥ startWindowMinutes + 60. @default 480 */
    completionWindowMinutes?: number;
    /** Failed, expired and aborted backup and copy jobs are published to this topic. @default - no job alerts */
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

export interface ResolvedBackupPlanArgs {
    /** After defaults: the nightly backup's hour, 0..23, UTC. */
    scheduleHourUtc: number;
    /** After defaults: days a recovery point is kept. */
    backupRetentionInDays: number;
    /** After defaults: continuous backup for RDS and S3. */
    continuousBackup: boolean;
    /** After defaults: the vault lock mode. */
    vaultLock: VaultLockMode;
    /** After defaults: days a compliance lock can still be removed. */
    vaultLockChangeableForDays: number;
    /** After defaults: the region recovery points are copied to; absent: no copy. */
    copyRegion?: string;
    /** After defaults: minutes a job may wait to start. */
    startWindowMinutes: number;
    /** After defaults: minutes a job may run. */
    completionWindowMinutes: number;
}

/**
 * AWS Backup's limits, from https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html,
 * https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery.html (continuous: 1..35
 * days) and https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html (changeable ≥ 3 days).
 */
export function resolveBackupPlanArgs(
    args: Omit<BackupPlanArgs, "kmsKeyArn" | "alarms">,
    key: KeyOf,
    region?: string,
): ResolvedBackupPlanArgs {
    refuseRenamed(key, args, { retentionDays: "backupRetentionInDays" });
    const int = (field: string, v: number, min: number, max: number, unit: string) => {
        if (!Number.isInteger(v) || v < min || v > max)
            throw new ConfigError(key(field), v, "is out of range", `${min}..${max} (${unit})`);
        return v;
    };
    const continuousBackup = args.continuousBackup ?? false;
    const backupRetentionInDays = int(
        "backupRetentionInDays",
        args.backupRetentionInDays ?? 15,
        1,
        continuousBackup ? 35 : 36500,
        continuousBackup ? "days; continuous backup keeps at most 35" : "days",
    );
    const vaultLock = args.vaultLock ?? VaultLockMode.None;
    if (!Object.values(VaultLockMode).includes(vaultLock)) {
        throw new ConfigError(
            key("vaultLock"),
            vaultLock,
            "is not a known mode",
            Object.values(VaultLockMode).join(" | "),
        );
    }
    const startWindowMinutes = int("startWindowMinutes", args.startWindowMinutes ?? 60, 60, 1440, "minutes");
    const completionWindowMinutes = int(
        "completionWindowMinutes",
        args.completionWindowMinutes ?? 480,
        startWindowMinutes + 60,
        43200,
        "minutes, at least 60 more than the start window",
    );
    // A known region, not the stack's, in the stack's partition (copies never cross partitions).
    if (args.copyRegion !== undefined) requireOtherRegionInPartition(key("copyRegion"), args.copyRegion, region);
    return {
        scheduleHourUtc: int("scheduleHourUtc", args.scheduleHourUtc ?? 3, 0, 23, "hour, UTC"),
        backupRetentionInDays,
        continuousBackup,
        vaultLock,
        vaultLockChangeableForDays: int(
            "vaultLockChangeableForDays",
            args.vaultLockChangeableForDays ?? 3,
            3,
            36500,
            "days",
        ),
        copyRegion: args.copyRegion,
        startWindowMinutes,
        completionWindowMinutes,
    };
}

/** AWS Backup's cron (six fields, UTC): minute 0 of the hour, every day. */
export function nightlySchedule(hourUtc: number): string {
    return `cron(0 ${hourUtc} ? * * *)`;
}

/** EventBridge pattern of backup and copy jobs that did not complete. */
export function failedJobPattern(accountId: string): string {
    return JSON.stringify({
        source: ["aws.backup"],
        account: [accountId],
        "detail-type": ["Backup Job State Change", "Copy Job State Change"],
        detail: { state: ["FAILED", "EXPIRED", "ABORTED"] },
    });
}

/** Every argument of BackupPlanArgs, for refusing unknown ones (the compiler keeps this list exact). */
const BACKUP_PLAN_ARG_NAMES: ArgNames<BackupPlanArgs> = {
    kmsKeyArn: true,
    scheduleHourUtc: true,
    backupRetentionInDays: true,
    continuousBackup: true,
    vaultLock: true,
    vaultLockChangeableForDays: true,
    copyRegion: true,
    startWindowMinutes: true,
    completionWindowMinutes: true,
    alarms: true,
    tags: true,
};

/**
 * The stack's nightly backups: a vault encrypted with the key whose policy denies deleting recovery
 * points (and an optional vault lock), a plan with one nightly rule, and a selection of every
 * resource tagged `citadel:backup = daily` (what the components put on RDS instances and data
 * buckets), backed up by a role with AWS's managed backup and restore policies.
 */
export class BackupPlan extends pulumi.ComponentResource {
    /** The backup vault's name. */
    readonly vaultName: pulumi.Output<string>;
    /** The backup vault's ARN. */
    readonly vaultArn: pulumi.Output<string>;
    /** The backup plan's id. */
    readonly planId: pulumi.Output<string>;
    /** The role AWS Backup runs the plan with. */
    readonly roleArn: pulumi.Output<string>;
    /** The vault in `copyRegion` receiving copies, with `copyRegion`. */
    readonly copyVaultArn?: pulumi.Output<string>;

    constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("BackupPlan", name, args);
        // Without it the vault would silently use the AWS-managed key.
        requireInput(
            argKeys("BackupPlan", name)("kmsKeyArn"),
            args.kmsKeyArn,
            "the ARN of the customer-managed KMS key for the vault",
        );
        const a = resolveBackupPlanArgs(args, argKeys("BackupPlan", name));
        refuseUnknownArgs("BackupPlan", name, args, BACKUP_PLAN_ARG_NAMES);
        super(
            "citadel:operations:BackupPlan",
            name,
            {},
            withTags(argKeys("BackupPlan", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };
        const ctx = awsContext(this);

        const vault = new backup.Vault(`${name}-vault`, { kmsKeyArn: args.kmsKeyArn, forceDestroy: false }, parent);
        new backup.VaultPolicy(
            `${name}-vault-policy`,
            {
                backupVaultName: vault.name,
                policy: policyJson(backupVaultStatements()),
            },
            parent,
        );
        if (a.vaultLock !== VaultLockMode.None) {
            new backup.VaultLockConfiguration(
                `${name}-vault-lock`,
                {
                    backupVaultName: vault.name,
                    minRetentionDays: a.backupRetentionInDays,
                    changeableForDays:
                        a.vaultLock === VaultLockMode.Compliance ? a.vaultLockChangeableForDays : undefined,
                },
                parent,
            );
        }

        let copyVault: backup.Vault | undefined;
        if (a.copyRegion) {
            const copyKey = new kms.Key(
                `${name}-copy-key`,
                {
                    description: `${name}: backup copies in ${a.copyRegion}`,
                    enableKeyRotation: true,
                    rotationPeriodInDays: 365,
                    deletionWindowInDays: 30,
                    region: a.copyRegion,
                    policy: pulumi
                        .all([ctx.accountId, ctx.partition])
                        .apply(([accountId, partition]) =>
                            policyJson([
                                accountAdministersKey({ accountId, partition, region: a.copyRegion!, dnsSuffix: "" }),
                            ]),
                        ),
                },
                parent,
            );
            copyVault = new backup.Vault(
                `${name}-copy-vault`,
                {
                    kmsKeyArn: copyKey.arn,
                    forceDestroy: false,
                    region: a.copyRegion,
                },
                parent,
            );
            new backup.VaultPolicy(
                `${name}-copy-vault-policy`,
                {
                    backupVaultName: copyVault.name,
                    policy: policyJson(backupVaultStatements()),
                    region: a.copyRegion,
                },
                parent,
            );
        }

        const plan = new backup.Plan(
            `${name}-plan`,
            {
                rules: [
                    {
                        ruleName: "nightly",
                        targetVaultName: vault.name,
                        schedule: nightlySchedule(a.scheduleHourUtc),
                        scheduleExpressionTimezone: "Etc/UTC",
                        startWindow: a.startWindowMinutes,
                        completionWindow: a.completionWindowMinutes,
                        enableContinuousBackup: a.continuousBackup,
                        lifecycle: { deleteAfter: a.backupRetentionInDays },
                        copyActions: copyVault
                            ? [
                                  {
                                      destinationVaultArn: copyVault.arn,
                                      lifecycle: { deleteAfter: a.backupRetentionInDays },
                                  },
                              ]
                            : undefined,
                        recoveryPointTags: { "citadel:backup-plan": name },
                    },
                ],
            },
            parent,
        );

        const role = new iam.Role(
            `${name}-role`,
            {
                description: `AWS Backup: backs up and restores what ${name} selects`,
                assumeRolePolicy: pulumi
                    .all([ctx.accountId, ctx.dnsSuffix])
                    .apply(([account, dns]) => serviceTrustPolicy(`backup.${dns}`, account)),
            },
            parent,
        );
        const attachments = backupRoleManagedPolicies("aws").map(
            (arn, i) =>
                new iam.RolePolicyAttachment(
                    `${name}-role-${i}`,
                    {
                        role: role.name,
                        policyArn: ctx.partition.apply((p) => arn.replace("arn:aws:", `arn:${p}:`)),
                    },
                    parent,
                ),
        );

        new backup.Selection(
            `${name}-selection`,
            {
                planId: plan.id,
                iamRoleArn: role.arn,
                selectionTags: [{ type: "STRINGEQUALS", key: BACKUP_TAG_KEY, value: BACKUP_TAG_VALUE }],
            },
            { parent: this, dependsOn: attachments },
        );

        if (args.alarms) {
            const rule = new cloudwatch.EventRule(
                `${name}-failed-jobs`,
                {
                    description: `${name}: backup and copy jobs that failed, expired or were aborted`,
                    eventPattern: ctx.accountId.apply(failedJobPattern),
                },
                parent,
            );
            new cloudwatch.EventTarget(
                `${name}-failed-jobs-target`,
                { rule: rule.name, arn: args.alarms.topicArn },
                parent,
            );
        }

        this.vaultName = vault.name;
        this.vaultArn = vault.arn;
        this.planId = plan.id;
        this.roleArn = role.arn;
        this.copyVaultArn = copyVault?.arn;
        this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn, planId: this.planId });
    }
}
