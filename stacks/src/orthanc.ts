import {
    ARN_RULES,
    ConfigError,
    DEFAULT_INGRESS_PREFIX_FLOOR,
    RDS_MAX_ALLOCATED_STORAGE_GIB,
    requireArn,
} from "@citadel/shared";
import { DicomPeer, MAX_HOSTS, OrthancHost, OrthancHostArgs, resolveOrthancHostArgs } from "@citadel/orthanc-host";
import { ConfigReader, stackRegion } from "./config";
import type { Platform } from "./program";
import { ORTHANC_PATCH_GROUP } from "./operations";

/** What the stack's config says about Orthanc; the stack supplies the network, key and logs. */
type OrthancConfigArgs = Omit<
    OrthancHostArgs,
    "network" | "kmsKeyArn" | "accessLogsBucketName" | "logRetentionInDays" | "protect" | "alarms" | "patchGroup"
>;

/** Orthanc on EC2 (OrthancHost), validated from `citadel:orthanc.*`. */
export interface OrthancSettings {
    /** `citadel:orthanc.enabled`: deploy Orthanc at all. */
    enabled: boolean;
    /** The OrthancHost args the config gives; the stack adds the network, key, logs and alarms. */
    args: OrthancConfigArgs;
}

/** Component argument → the config key a user writes, where the two differ. */
const CONFIG_KEY: Record<string, string> = {
    "database.instanceClass": "orthanc.db.instanceClass",
    "database.allocatedStorage": "orthanc.db.allocatedStorage",
    "database.multiAz": "orthanc.db.multiAz",
    "database.deletionProtection": "orthanc.db.deletionProtection",
    "database.backupRetentionInDays": "orthanc.db.backupRetentionDays",
    "images.orthanc": "orthanc.orthancImage",
    "images.nginx": "orthanc.nginxImage",
    logRetentionInDays: "logs.retentionDays",
    protect: "protect",
};

/**
 * Reads every `orthanc.*` key (so Pulumi.yaml and the program cannot drift) and, when Orthanc is
 * on, validates them with OrthancHost's own rules: a bad value stops the program before any
 * resource exists, naming the key.
 */
export function loadOrthancSettings(reader: ConfigReader, azCount: number): OrthancSettings {
    const enabled = reader.boolean("orthanc.enabled");
    const orthancImage = reader.optionalString("orthanc.orthancImage");
    const nginxImage = reader.optionalString("orthanc.nginxImage");
    const args: OrthancConfigArgs = {
        webCidrs: reader.stringList("orthanc.webCidrs"),
        dicomCidrs: reader.stringList("orthanc.dicomCidrs"),
        dicomPeers: reader.objectList("orthanc.dicomPeers") as unknown as DicomPeer[],
        hostCount: reader.integer("orthanc.hostCount", 1, MAX_HOSTS),
        instanceType: reader.string("orthanc.instanceType"),
        amiId: reader.optionalString("orthanc.amiId"),
        amiRelease: reader.string("orthanc.amiRelease"),
        rootVolumeSizeGiB: reader.integer("orthanc.rootVolumeSizeGiB", 20, 16384),
        siteName: reader.optionalString("orthanc.siteName"),
        certificateSecretArn: reader.optionalString("orthanc.certificateSecretArn"),
        dicomAet: reader.string("orthanc.dicomAet"),
        images: { orthanc: orthancImage, nginx: nginxImage },
        loadBalancer: reader.boolean("orthanc.loadBalancer"),
        // Not below the mandatory policy's own floor (ec2-no-world-ingress, /16 by default): a config it
        // accepts must not fail the plan.
        cidrPrefixFloor: reader.integer("orthanc.cidrPrefixFloor", DEFAULT_INGRESS_PREFIX_FLOOR, 32),
        database: {
            instanceClass: reader.string("orthanc.db.instanceClass"),
            allocatedStorage: reader.integer("orthanc.db.allocatedStorage", 20, RDS_MAX_ALLOCATED_STORAGE_GIB),
            multiAz: reader.boolean("orthanc.db.multiAz"),
            deletionProtection: reader.boolean("orthanc.db.deletionProtection"),
            backupRetentionInDays: reader.integer("orthanc.db.backupRetentionDays", 7, 35),
        },
    };
    const keyOf = reader.keyOf("orthanc.", CONFIG_KEY);
    // Checked whether or not Orthanc is on; only the source ranges (which have no default) wait until it is.
    resolveOrthancHostArgs(
        enabled
            ? args
            : {
                  ...args,
                  webCidrs: args.webCidrs.length > 0 ? args.webCidrs : ["192.0.2.0/24"],
                  dicomCidrs: args.dicomCidrs.length > 0 ? args.dicomCidrs : ["192.0.2.0/24"],
              },
        keyOf,
    );
    // One host per AZ: the VPC has azCount public subnets.
    if (args.hostCount! > azCount) {
        throw new ConfigError(
            keyOf("hostCount"),
            args.hostCount,
            `needs one AZ per host, and vpc.azCount is ${azCount}`,
            `1..${azCount}`,
        );
    }
    if (args.certificateSecretArn !== undefined) {
        // The hosts read the secret through the region's Secrets Manager endpoint (in prod, the VPC's interface endpoint).
        requireArn(keyOf("certificateSecretArn"), args.certificateSecretArn, {
            ...ARN_RULES.secret,
            region: stackRegion(),
        });
    }
    return { enabled, args };
}

/** Orthanc's hosts, database and image bucket on the stack's platform; returns the stack outputs. */
export function deployOrthanc(platform: Platform): Record<string, unknown> {
    const s = platform.settings;
    const orthanc = new OrthancHost("orthanc", {
        ...s.orthanc.args,
        network: platform.net.network,
        kmsKeyArn: platform.key.arn,
        accessLogsBucketName: platform.accessLogs.bucketName,
        logRetentionInDays: s.logs.retentionDays,
        protect: s.protect,
        alarms: s.operations.alarms ? { topicArn: platform.alerts.topicArn } : undefined,
        patchGroup: s.operations.patching.enabled ? ORTHANC_PATCH_GROUP : undefined,
    });
    return {
        orthancInstanceIds: orthanc.instanceIds,
        orthancPublicDnsNames: orthanc.publicDnsNames,
        orthancUrls: orthanc.urls,
        orthancDicomEndpoints: orthanc.dicomEndpoints,
        orthancDatabaseEndpoint: orthanc.databaseEndpoint,
        orthancBucketName: orthanc.bucketName,
        orthancLogGroupName: orthanc.logGroupName,
        orthancAdminSecretArn: orthanc.adminSecretArn,
        ...(s.orthanc.args.loadBalancer ? { orthancLoadBalancerDnsName: orthanc.loadBalancerDnsName } : {}),
    };
}
