import * as pulumi from "@pulumi/pulumi";
import { ConfigError, configKeys } from "@citadel/shared";
import {
    AccountBaseline,
    AlertSubscriber,
    AlertTopic,
    BackupPlan,
    BackupPlanArgs,
    PatchManagement,
    PatchManagementArgs,
    resolveBackupPlanArgs,
    resolvePatchManagementArgs,
    SubscriptionProtocol,
    validateAlertTopicArgs,
    VaultLockMode,
} from "@citadel/operations";
import { ConfigReader, stackRegion } from "./config";
import type { Platform } from "./program";
import type { Settings } from "./settings";

/** The Orthanc hosts' patch group: the value of their `Patch Group` tag. */
export const ORTHANC_PATCH_GROUP = "citadel-orthanc";

/** The operations baseline, validated from `citadel:operations.*` (and the older `app.alertEmails`). */
export interface OperationsSettings {
    /** Components create their alarms (to the alert topic). */
    alarms: boolean;
    /**
     * `operations.alerts.*` (and the older `app.alertEmails`, first): the alert topic's email and HTTPS subscribers, in
     * order.
     */
    subscribers: AlertSubscriber[];
    /** `operations.backup.*`: AWS Backup of the resources tagged for it; the stack adds the key and the alarms. */
    backup: { enabled: boolean; args: Omit<BackupPlanArgs, "kmsKeyArn" | "alarms"> };
    /** `operations.patching.*`: SSM Patch Manager for the Orthanc hosts. */
    patching: { enabled: boolean; args: PatchManagementArgs };
    /**
     * `operations.accountBaseline.*`: the account's CloudTrail, AWS Config, password policy (one stack per account and
     * region).
     */
    accountBaseline: { enabled: boolean; recordGlobalResources: boolean };
}

export function loadOperationsSettings(reader: ConfigReader, protect: boolean): OperationsSettings {
    // Addresses given to the app's own topic before the stack had one come first, in their order,
    // so that the adopted subscriptions keep their URNs (see prepareOperations). Each list is
    // checked under its own key, so a message names the key the user wrote.
    const legacy = reader
        .stringList("app.alertEmails")
        .map((endpoint) => ({ protocol: SubscriptionProtocol.Email, endpoint }));
    const emails = reader
        .stringList("operations.alerts.emails")
        .map((endpoint) => ({ protocol: SubscriptionProtocol.Email, endpoint }));
    const https = reader
        .stringList("operations.alerts.httpsEndpoints")
        .map((endpoint) => ({ protocol: SubscriptionProtocol.Https, endpoint }));
    validateAlertTopicArgs({ subscribers: legacy }, () => reader.full("app.alertEmails"), false);
    validateAlertTopicArgs({ subscribers: emails }, () => reader.full("operations.alerts.emails"), false);
    validateAlertTopicArgs({ subscribers: https }, () => reader.full("operations.alerts.httpsEndpoints"), false);
    const inLegacy = new Set(legacy.map((s) => s.endpoint.toLowerCase()));
    const both = emails.find((s) => inLegacy.has(s.endpoint.toLowerCase()));
    if (both) {
        throw new ConfigError(
            reader.full("operations.alerts.emails"),
            both.endpoint,
            "is also in app.alertEmails (addresses compared without regard to case)",
            "each address in one of the two keys (app.alertEmails is the older spelling of operations.alerts.emails)",
        );
    }
    const subscribers: AlertSubscriber[] = [...legacy, ...emails, ...https];
    validateAlertTopicArgs({ subscribers }, () => reader.full("operations.alerts.emails"), protect);

    const vaultLock = reader.oneOf<VaultLockMode>("operations.backup.vaultLock", Object.values(VaultLockMode));
    const backupArgs = {
        scheduleHourUtc: reader.integer("operations.backup.hourUtc", 0, 23),
        backupRetentionInDays: reader.integer("operations.backup.retentionDays", 1, 36500),
        continuousBackup: reader.boolean("operations.backup.continuous"),
        vaultLock,
        vaultLockChangeableForDays: reader.integer("operations.backup.vaultLockChangeableForDays", 3, 36500),
        copyRegion: reader.optionalString("operations.backup.copyRegion"),
    };
    const backupEnabled = reader.boolean("operations.backup.enabled");
    const renamed: Record<string, string> = {
        scheduleHourUtc: "hourUtc",
        continuousBackup: "continuous",
        backupRetentionInDays: "retentionDays",
    };
    // Validated whether or not backup is on (issue 11, kind 9).
    {
        resolveBackupPlanArgs(backupArgs, (f) => reader.full(`operations.backup.${renamed[f] ?? f}`), stackRegion());
    }
    if (protect && backupEnabled === false) {
        throw new ConfigError(
            reader.full("operations.backup.enabled"),
            false,
            "leaves a protected stack without backups",
            "true when citadel:protect is true",
        );
    }

    const patchingArgs: PatchManagementArgs = {
        patchGroup: ORTHANC_PATCH_GROUP,
        approveAfterDays: reader.integer("operations.patching.approveAfterDays", 0, 360),
        scanSchedule: reader.string("operations.patching.scanSchedule"),
        installSchedule: reader.string("operations.patching.installSchedule"),
    };
    const patchingEnabled = reader.boolean("operations.patching.enabled");
    resolvePatchManagementArgs(patchingArgs, configKeys(reader.full("operations.patching.")));

    return {
        alarms: reader.boolean("operations.alarms"),
        subscribers,
        backup: { enabled: backupEnabled, args: backupArgs },
        patching: { enabled: patchingEnabled, args: patchingArgs },
        accountBaseline: {
            enabled: reader.boolean("operations.accountBaseline.enabled"),
            recordGlobalResources: reader.boolean("operations.accountBaseline.recordGlobalResources"),
        },
    };
}

/**
 * The stack's alert topic, created before the components so they can take its ARN. It adopts the
 * topic and email subscriptions the app used to create for itself (`app-alerts*` under the EcsApp
 * "app"), so an existing stack keeps its topic ARN and confirmed subscriptions.
 */
export function prepareOperations(s: Settings): AlertTopic {
    return new AlertTopic(
        "alerts",
        {
            subscribers: s.operations.subscribers,
            previous: { parentUrn: pulumi.createUrn("app", "citadel:ecs:EcsApp"), name: "app-alerts" },
        },
        { protect: s.protect },
    );
}

/** Backups, patching and (in the stack that owns it) the account baseline; returns the stack outputs. */
export function deployOperations(platform: Platform): Record<string, unknown> {
    const s = platform.settings;
    const o = s.operations;
    const outputs: Record<string, unknown> = { alertTopicArn: platform.alerts.topicArn };
    if (o.backup.enabled) {
        const plan = new BackupPlan(
            "backup",
            {
                ...o.backup.args,
                kmsKeyArn: platform.key.arn,
                alarms: { topicArn: platform.alerts.topicArn },
            },
            { protect: s.protect },
        );
        outputs.backupVaultName = plan.vaultName;
        outputs.backupPlanId = plan.planId;
        outputs.backupRoleArn = plan.roleArn;
    }
    if (o.patching.enabled && s.orthanc.enabled) {
        const patching = new PatchManagement("patching", o.patching.args);
        outputs.patchBaselineId = patching.baselineId;
    }
    if (o.accountBaseline.enabled) {
        const baseline = new AccountBaseline(
            "account",
            {
                accessLogsBucketName: platform.accessLogs.bucketName,
                logRetentionInDays: s.logs.retentionDays,
                recordGlobalResources: o.accountBaseline.recordGlobalResources,
                alarms: { topicArn: platform.alerts.topicArn },
            },
            { protect: s.protect },
        );
        outputs.trailArn = baseline.trailArn;
        outputs.auditBucketName = baseline.auditBucketName;
    }
    return outputs;
}
