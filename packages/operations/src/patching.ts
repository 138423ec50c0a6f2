import * as pulumi from "@pulumi/pulumi";
import * as ssm from "@pulumi/aws/ssm";
import {
    argKeys,
    ConfigError,
    KeyOf,
    requireSchedule,
    requireArgs,
    withTags,
    TagsInput,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";

/** Hours each maintenance window stays open (the last hour takes no new task: `cutoff: 1`). */
const WINDOW_HOURS = 3;

/** The instance tag Patch Manager reads a host's patch group from. */
export const PATCH_GROUP_TAG = "Patch Group";

export interface PatchManagementArgs {
    /** The patch group (value of the `Patch Group` tag) whose hosts this baseline and window serve. */
    patchGroup: string;
    /** Days after release before a security or bug-fix update is approved, 0..360. @default 7 */
    approveAfterDays?: number;
    /**
     * When to scan (report missing patches, no changes): AWS's six-field `cron(...)` in UTC, or
     * `rate(<n> hours|days)`. @default `cron(0 1 ? * * *)`, daily at 01:00
     * @throws ConfigError for anything else (a five-field Unix cron, both day fields set, ...).
     * See https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
     */
    scanSchedule?: string;
    /**
     * When to install approved patches, same syntax as scanSchedule. Hosts are patched one at a time and
     * rebooted if needed, so one stays serving. @default Sundays at 02:00 (weekly: the write-up's
     * quarterly patching is the floor)
     */
    installSchedule?: string;
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

export function resolvePatchManagementArgs(args: PatchManagementArgs, key: KeyOf) {
    if (!/^[A-Za-z0-9_.:/=+@-]{1,256}$/.test(args.patchGroup ?? "")) {
        throw new ConfigError(
            key("patchGroup"),
            args.patchGroup,
            "is not a tag value",
            "1..256 letters, digits, _ . : / = + - @",
        );
    }
    const approveAfterDays = args.approveAfterDays ?? 7;
    if (!Number.isInteger(approveAfterDays) || approveAfterDays < 0 || approveAfterDays > 360) {
        throw new ConfigError(key("approveAfterDays"), approveAfterDays, "is out of range", "0..360 (days)");
    }
    const scanSchedule = args.scanSchedule ?? "cron(0 1 ? * * *)";
    const installSchedule = args.installSchedule ?? "cron(0 2 ? * SUN *)";
    for (const [field, v] of [
        ["scanSchedule", scanSchedule],
        ["installSchedule", installSchedule],
    ] as const) {
        // Maintenance windows take AWS's six-field cron or a rate in hours or days:
        // https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
        requireSchedule(key(field), v, {
            rateUnits: ["hour", "day"],
            example: field === "scanSchedule" ? "cron(0 1 ? * * *)" : "cron(0 2 ? * SUN *)",
        });
        // Each window lasts WINDOW_HOURS: a faster rate would open the next before the last closed.
        const hours = /^rate\((\d+) hours?\)$/.exec(v);
        if (hours && Number(hours[1]) < WINDOW_HOURS) {
            throw new ConfigError(
                key(field),
                v,
                `starts a window every ${hours[1]} hour(s), but each lasts ${WINDOW_HOURS}`,
                `rate(${WINDOW_HOURS} hours) or slower, or a cron(...) expression`,
            );
        }
    }
    return { patchGroup: args.patchGroup, approveAfterDays, scanSchedule, installSchedule };
}

/** Every argument of PatchManagementArgs, for refusing unknown ones (the compiler keeps this list exact). */
const PATCH_MANAGEMENT_ARG_NAMES: ArgNames<PatchManagementArgs> = {
    patchGroup: true,
    approveAfterDays: true,
    scanSchedule: true,
    installSchedule: true,
    tags: true,
};

/**
 * SSM Patch Manager for the Amazon Linux 2023 hosts of one patch group: a baseline approving
 * security and bug-fix updates after N days, a daily scan and a scheduled install, one host at a
 * time (`maxConcurrency: 1`, stop at the first error) with a reboot when a patch needs it.
 * See https://docs.aws.amazon.com/systems-manager/latest/userguide/patch-manager.html
 *
 * ECS container hosts are not patched here: they are replaced. Their launch template takes the
 * ECS-optimised AMI from its public SSM parameter, so a `pulumi up` after AWS publishes a new AMI
 * writes a new template version and the Auto Scaling group's instance refresh replaces the hosts.
 */
export class PatchManagement extends pulumi.ComponentResource {
    /** The patch baseline's id. */
    readonly baselineId: pulumi.Output<string>;
    /** The maintenance window that scans for missing patches. */
    readonly scanWindowId: pulumi.Output<string>;
    /** The maintenance window that installs approved patches. */
    readonly installWindowId: pulumi.Output<string>;

    constructor(name: string, args: PatchManagementArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("PatchManagement", name, args);
        const a = resolvePatchManagementArgs(args, argKeys("PatchManagement", name));
        refuseUnknownArgs("PatchManagement", name, args, PATCH_MANAGEMENT_ARG_NAMES);
        super(
            "citadel:operations:PatchManagement",
            name,
            {},
            withTags(argKeys("PatchManagement", name)("tags"), args.tags, opts),
        );
        const parent = { parent: this };

        const baseline = new ssm.PatchBaseline(
            `${name}-baseline`,
            {
                description: `Amazon Linux 2023: security and bug fixes after ${a.approveAfterDays} days`,
                operatingSystem: "AMAZON_LINUX_2023",
                approvedPatchesComplianceLevel: "HIGH",
                approvalRules: [
                    {
                        approveAfterDays: a.approveAfterDays,
                        complianceLevel: "HIGH",
                        enableNonSecurity: false,
                        patchFilters: [
                            { key: "CLASSIFICATION", values: ["Security", "Bugfix"] },
                            { key: "SEVERITY", values: ["Critical", "Important", "Medium", "Low", "None"] },
                        ],
                    },
                ],
            },
            parent,
        );
        new ssm.PatchGroup(`${name}-group`, { baselineId: baseline.id, patchGroup: a.patchGroup }, parent);

        const window = (kind: "scan" | "install", schedule: string, operation: "Scan" | "Install") => {
            const w = new ssm.MaintenanceWindow(
                `${name}-${kind}`,
                {
                    description: `${operation} patch group ${a.patchGroup}`,
                    schedule,
                    scheduleTimezone: "Etc/UTC",
                    duration: WINDOW_HOURS,
                    cutoff: 1,
                    allowUnassociatedTargets: false,
                },
                parent,
            );
            const target = new ssm.MaintenanceWindowTarget(
                `${name}-${kind}-target`,
                {
                    windowId: w.id,
                    resourceType: "INSTANCE",
                    targets: [{ key: `tag:${PATCH_GROUP_TAG}`, values: [a.patchGroup] }],
                },
                parent,
            );
            new ssm.MaintenanceWindowTask(
                `${name}-${kind}-task`,
                {
                    windowId: w.id,
                    taskType: "RUN_COMMAND",
                    taskArn: "AWS-RunPatchBaseline",
                    priority: 1,
                    // One host at a time; stop at the first failure so the other keeps serving.
                    maxConcurrency: "1",
                    maxErrors: "0",
                    targets: [{ key: "WindowTargetIds", values: [target.id] }],
                    taskInvocationParameters: {
                        runCommandParameters: {
                            timeoutSeconds: 3600,
                            parameters: [
                                { name: "Operation", values: [operation] },
                                {
                                    name: "RebootOption",
                                    values: [operation === "Install" ? "RebootIfNeeded" : "NoReboot"],
                                },
                            ],
                        },
                    },
                },
                parent,
            );
            return w;
        };
        const scan = window("scan", a.scanSchedule, "Scan");
        const install = window("install", a.installSchedule, "Install");

        this.baselineId = baseline.id;
        this.scanWindowId = scan.id;
        this.installWindowId = install.id;
        this.registerOutputs({ baselineId: this.baselineId });
    }
}
