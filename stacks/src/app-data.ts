import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@citadel/shared";
import { EcsApp, GrantArgs } from "@citadel/ecs-app";
import { SecureUploads, validateSecureUploadsArgs } from "@citadel/secure-uploads";
import { Cache, validateCacheArgs } from "@citadel/cache";
import { Search, validateSearchArgs } from "@citadel/search";
import { ConfigReader } from "./config";
import type { Platform } from "./program";

/**
 * The app's data services as ecoPortal (seed 002) uses them: an upload bucket scanned for malware,
 * a cache and a search domain, each switched on by `citadel:<uploads|cache|search>.enabled`.
 */
export interface AppDataSettings {
    /** `citadel:uploads.*`: the scanned upload bucket; `incomingExpirationDays` in days, `maxUploadMiB` in MiB. */
    uploads: { enabled: boolean; allowedOrigins: string[]; incomingExpirationDays: number; maxUploadMiB: number };
    /** `citadel:cache.*`: the ElastiCache Valkey cache. */
    cache: { enabled: boolean; highAvailability: boolean; nodeType: string };
    /** `citadel:search.*`: the OpenSearch domain. */
    search: { enabled: boolean; highAvailability: boolean; instanceType: string };
}

const NETWORK = {
    vpcId: "(vpc)",
    vpcCidrBlock: "(vpc)",
    publicSubnetIds: [],
    privateSubnetIds: ["a", "b", "c"],
    availabilityZones: [],
};

/** Reads every key, and validates every service's values with its component's own rules, on or off. */
export function loadAppDataSettings(reader: ConfigReader, appEnabled: boolean): AppDataSettings {
    const s: AppDataSettings = {
        uploads: {
            enabled: reader.boolean("uploads.enabled"),
            allowedOrigins: reader.stringList("uploads.allowedOrigins"),
            incomingExpirationDays: reader.integer("uploads.incomingExpirationDays", 1, 365),
            maxUploadMiB: reader.integer("uploads.maxUploadMiB", 1, 5120),
        },
        cache: {
            enabled: reader.boolean("cache.enabled"),
            highAvailability: reader.boolean("cache.highAvailability"),
            nodeType: reader.string("cache.nodeType"),
        },
        search: {
            enabled: reader.boolean("search.enabled"),
            highAvailability: reader.boolean("search.highAvailability"),
            instanceType: reader.string("search.instanceType"),
        },
    };
    for (const f of ["uploads", "cache", "search"] as const) {
        if (s[f].enabled && !appEnabled) {
            throw new ConfigError(
                reader.full(`${f}.enabled`),
                true,
                "needs the app (its tasks are the only clients)",
                "false, or app.enabled: true",
            );
        }
    }
    const renamed = (prefix: string, map: Record<string, string>) => (e: unknown) => {
        if (e instanceof ConfigError) {
            const field = Object.keys(map).find(
                (k) => e.key.endsWith(`: ${k}`) || e.key.endsWith(`.${k}`) || e.key.endsWith(k),
            );
            if (field) throw new ConfigError(reader.full(`${prefix}.${map[field]}`), e.value, e.problem, e.allowed);
        }
        throw e;
    };
    // Validated whether or not the service is on: turning it on later must not surprise.
    {
        try {
            // Off, an empty list is fine (required only when on); every origin given is checked all the same.
            const given =
                s.uploads.enabled || s.uploads.allowedOrigins.length > 0
                    ? s
                    : { ...s, uploads: { ...s.uploads, allowedOrigins: ["https://portal.example.com"] } };
            validateSecureUploadsArgs("uploads", uploadsArgs(given, "(key)", "(logs)"));
        } catch (e) {
            renamed("uploads", {
                allowedOrigins: "allowedOrigins",
                incomingExpirationDays: "incomingExpirationDays",
                maxUploadBytes: "maxUploadMiB",
            })(e);
        }
    }
    {
        try {
            validateCacheArgs("cache", {
                network: NETWORK,
                kmsKeyArn: "(key)",
                clients: { securityGroupIds: ["(tasks)"], roleNames: ["(app)"] },
                highAvailability: s.cache.highAvailability,
                nodeType: s.cache.nodeType,
            });
        } catch (e) {
            renamed("cache", { nodeType: "nodeType", nodeCount: "highAvailability" })(e);
        }
    }
    {
        try {
            validateSearchArgs("search", {
                network: NETWORK,
                kmsKeyArn: "(key)",
                clients: { securityGroupIds: ["(tasks)"], roleArns: ["arn:aws:iam::123456789012:role/app"] },
                highAvailability: s.search.highAvailability,
                instanceType: s.search.instanceType,
            });
        } catch (e) {
            renamed("search", { instanceType: "instanceType", instanceCount: "highAvailability" })(e);
        }
    }
    return s;
}

function uploadsArgs(s: AppDataSettings, kmsKeyArn: pulumi.Input<string>, accessLogsBucketName: pulumi.Input<string>) {
    return {
        kmsKeyArn,
        accessLogsBucketName,
        allowedOrigins: s.uploads.allowedOrigins,
        incomingExpirationDays: s.uploads.incomingExpirationDays,
        maxUploadBytes: s.uploads.maxUploadMiB * 1024 * 1024,
    };
}

/** The upload bucket, before the app: its grants go to the app's backend and worker. */
export function deployUploads(platform: Platform): { uploads?: SecureUploads; grants: GrantArgs[] } {
    const s = platform.settings.appData;
    if (!s.uploads.enabled) return { grants: [] };
    // Malware found, or a failed scan, goes to the stack's alert topic (it admits this account's rules).
    const uploads = new SecureUploads(
        "uploads",
        {
            ...uploadsArgs(s, platform.key.arn, platform.accessLogs.bucketName),
            alarms: { topicArn: platform.alerts.topicArn },
        },
        { protect: platform.settings.protect },
    );
    return { uploads, grants: uploads.appGrants };
}

/**
 * The cache and search domain, after the app: they admit its tasks' security group and roles,
 * and publish their endpoints under the app's parameter namespace, which the app reads at boot.
 */
export function deployAppData(platform: Platform, app: EcsApp, uploads?: SecureUploads): Record<string, unknown> {
    const s = platform.settings.appData;
    const namespace = `/${pulumi.getProject()}/${pulumi.getStack()}`;
    const outputs: Record<string, unknown> = {};
    const opts = { protect: platform.settings.protect };
    // Same switch as the app's and the database's alarms: to the stack's alert topic.
    const alarms = platform.settings.operations.alarms ? { topicArn: platform.alerts.topicArn } : undefined;
    if (uploads) {
        Object.assign(outputs, { uploadsBucketName: uploads.bucketName, uploadsAvatarsPrefix: uploads.avatarsPrefix });
    }
    if (s.cache.enabled) {
        const cache = new Cache(
            "cache",
            {
                network: platform.net.network,
                kmsKeyArn: platform.key.arn,
                clients: { securityGroupIds: [app.tasksSecurityGroupId], roleNames: Object.values(app.taskRoleNames) },
                highAvailability: s.cache.highAvailability,
                nodeType: s.cache.nodeType,
                logRetentionInDays: platform.settings.logs.retentionDays,
                parameterNamespace: `${namespace}/cache`,
                alarms,
            },
            opts,
        );
        Object.assign(outputs, { cacheEndpoint: cache.primaryEndpointAddress, cacheUser: cache.userName });
    }
    if (s.search.enabled) {
        const search = new Search(
            "search",
            {
                network: platform.net.network,
                kmsKeyArn: platform.key.arn,
                clients: { securityGroupIds: [app.tasksSecurityGroupId], roleArns: Object.values(app.taskRoleArns) },
                highAvailability: s.search.highAvailability,
                instanceType: s.search.instanceType,
                logRetentionInDays: platform.settings.logs.retentionDays,
                parameterNamespace: `${namespace}/search`,
                alarms,
            },
            opts,
        );
        Object.assign(outputs, {
            searchEndpoint: search.endpoint,
            searchRoleMappingRequest: search.roleMappingRequest,
        });
    }
    return outputs;
}
