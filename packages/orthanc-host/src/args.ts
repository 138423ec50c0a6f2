import { AL2023_RELEASE } from "./host-commands";
import * as pulumi from "@pulumi/pulumi";
import {
    AlarmsArgs,
    argKeys,
    ARN_RULES,
    ConfigError,
    DatabaseThresholdsArgs,
    DEFAULT_INGRESS_PREFIX_FLOOR,
    KeyOf,
    NetworkRef,
    requireArn,
    requireIngressCidrs,
    cidrSize,
    cidrUnionSize,
    parseCidr,
    RDS_MAX_ALLOCATED_STORAGE_GIB,
    requireInteger,
    requireLogRetention,
    requirePrefixFloor,
    requireThreshold,
    requireUnique,
    closestName,
    requireDbInstanceClass,
    requireInstanceType,
    requireSafeText,
    requireUnicastAddress,
    TagsInput,
    refuseRenamed,
    checkedInput,
    instanceArchitecture,
    requireInstanceArchitecture,
} from "@citadel/shared";

/**
 * The hosts' alarms. Each host gets: `StatusCheckFailed_System` (2 minutes) with EC2's recover
 * action (the instance moves to healthy hardware keeping its id, addresses and volumes:
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-recover.html),
 * `StatusCheckFailed_Instance` (3 minutes), CPU, and from the CloudWatch agent (EC2 publishes no
 * file-system or memory metric) the root volume's `disk_used_percent` and `mem_used_percent`.
 * With a load balancer, each target group alarms on any unhealthy host. The database gets
 * PostgresDatabase's alarms.
 *
 * The agent's alarms treat missing data as breaching: an agent that stopped (or never started)
 * leaves the disk unwatched, which is itself worth a page; the HostReady heartbeat alarm covers
 * Orthanc, not the agent. https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-collected-by-CloudWatch-agent.html
 */
export interface OrthancHostAlarmsArgs extends AlarmsArgs {
    /** Average CPU (percent) over 5 minutes, three periods in a row, per host. 1..100. @default 80 */
    cpuPercent?: number;
    /**
     * Root volume in use (percent, the agent's `disk_used_percent` of `/`), maximum over 5 minutes,
     * three periods in a row, per host. Docker images and Orthanc's local files live there. 1..100. @default 80
     */
    diskUsedPercent?: number;
    /**
     * Memory in use (percent, the agent's `mem_used_percent`), maximum over 5 minutes, three periods
     * in a row, per host. 1..100. @default 90
     */
    memoryUsedPercent?: number;
    /** The database's thresholds. @default PostgresDatabase's defaults */
    database?: DatabaseThresholdsArgs;
}

/** Image tags known to exist; pinned so a host never starts something nobody tested. */
export const DEFAULT_IMAGES = {
    orthanc: "orthancteam/orthanc:25.12.3",
    nginx: "nginx:1.28.0-alpine",
} as const;

export interface OrthancDatabaseArgs {
    /** The RDS instance class. @default "db.t4g.micro" */
    instanceClass?: string;
    /** Initial storage in GiB (grows automatically). @default 20 */
    allocatedStorage?: number;
    /** A standby in a second AZ with automatic failover. @default false; on in prod */
    multiAz?: boolean;
    /** Refuse deletion through the API. @default false; on in prod */
    deletionProtection?: boolean;
    /** Days automated backups are kept, 7..35. @default 7 */
    backupRetentionInDays?: number;
}

/** The container images the hosts run, each pinned by version tag or digest (an unpinned image is refused). */
export interface OrthancImagesArgs {
    /** Orthanc with its PostgreSQL plugin, `orthancteam/orthanc` image (it bundles the PostgreSQL plugin). @default "orthancteam/orthanc:25.12.3" */
    orthanc?: string;
    /** The Nginx that ends TLS in front of Orthanc, @default "nginx:1.28.0-alpine" */
    nginx?: string;
}

export interface OrthancHostArgs {
    /** Hosts go in its public subnets (one per AZ, in order), the database in its private subnets. */
    network: NetworkRef;
    /**
     * The customer-managed key for the root volumes, the image bucket, the database (storage and
     * its managed secret), the admin secret and the log group. Its policy must admit the `logs`
     * service (see KmsKey).
     */
    kmsKeyArn: pulumi.Input<string>;
    /** The log bucket receiving the image bucket's S3 server access logs. */
    accessLogsBucketName: pulumi.Input<string>;
    /**
     * Who may reach the web interface and REST API on 443: IPv4 CIDR blocks. Required and never
     * defaulted: 0.0.0.0/0 is refused (this is patient data), so name your sites' ranges.
     */
    webCidrs: string[];
    /** Who may send DICOM (TLS) on 11112: the modalities' and peers' CIDR blocks. Same rules as webCidrs. */
    dicomCidrs: string[];
    /**
     * DICOM peers Orthanc sends to (C-STORE, C-MOVE targets): each opens exactly one egress rule
     * (its address and port) and becomes one of Orthanc's `DicomModalities`. @default [] (no egress
     * beyond HTTPS and the database)
     */
    dicomPeers?: DicomPeer[];
    /**
     * Number of hosts, active-active, one per AZ in the order of `network.publicSubnetIds`; at most
     * the number of public subnets. @default 2
     */
    hostCount?: number;
    /**
     * EC2 instance type. Graviton types (t4g, m7g, …) get the arm64 image, others x86_64; both
     * container images are multi-architecture. @default "t3.medium"
     */
    instanceType?: string;
    /**
     * AMI id; overrides `amiRelease`. @default the AMI of `amiRelease`
     */
    amiId?: pulumi.Input<string>;
    /**
     * The Amazon Linux 2023 release the hosts boot (e.g. "2023.6.20250218.2"): its AMI is looked up
     * by Amazon's exact name (`al2023-ami-<release>-kernel-6.1-<arch>`), never "the latest", so an AMI
     * change happens only when this changes (and then replaces the hosts). The boot relies only on
     * what this release provides (host-commands.ts). @default AL2023_RELEASE
     */
    amiRelease?: string;
    /** Root volume size in GiB (gp3, encrypted with the key). @default 30 */
    rootVolumeSizeGiB?: number;
    /**
     * DNS name users reach the site by (e.g. "pacs.example.org"): the self-signed certificate's
     * first name. Point it at the load balancer or a host yourself. @default none
     */
    siteName?: string;
    /**
     * Your own certificate instead of the self-signed one: the ARN of a Secrets Manager secret
     * holding `{"certificate": "<PEM, chain included>", "privateKey": "<PEM>"}`, encrypted with
     * `kmsKeyArn` (or a key whose policy admits the hosts' role). @default self-signed at boot
     */
    certificateSecretArn?: pulumi.Input<string>;
    /** Orthanc's DICOM application entity title, 1..16 characters. @default "ORTHANC" */
    dicomAet?: string;
    /** Orthanc's display name. @default "Citadel Orthanc" */
    orthancName?: string;
    /** Pinned container images. @default DEFAULT_IMAGES */
    images?: OrthancImagesArgs;
    /** The PostgreSQL index database. @default - every OrthancDatabaseArgs default */
    database?: OrthancDatabaseArgs;
    /**
     * A network load balancer across the hosts for 443 and 11112 (TCP pass-through, TLS still ends
     * on the hosts), with health checks: one address and failover. @default false
     */
    loadBalancer?: boolean;
    /**
     * The widest source allowed in `webCidrs` and `dicomCidrs`, as a prefix length, 8..32: no block may
     * be wider, and all blocks together may not open more addresses than one block of this size
     * (so the internet cannot be let in piecewise). Raises a ConfigError otherwise.
     * @default 16
     */
    cidrPrefixFloor?: number;
    /** Days the hosts' container logs are kept (a CloudWatch Logs retention period). @default 365 */
    logRetentionInDays?: number;
    /**
     * An EC2 key pair for SSH. None by default: administrators use SSM Session Manager, and no
     * security group rule opens 22 either way. May be an `aws.ec2.KeyPair`'s `keyName`: checked
     * when it resolves.
     * @default - no key pair
     */
    keyName?: pulumi.Input<string>;
    /** Protect the database, the image bucket and the admin secret from deletion (on in prod). @default false */
    protect?: boolean;
    /**
     * Alarms on the hosts, the load balancer and the database, to this topic; none when unset. Each
     * host also alarms while its heartbeat (HostReady, put every refresh while Orthanc answers through
     * nginx) is missing for 30 minutes: what a failed boot or a host that stopped serving looks like.
     * @default - no alarms
     */
    alarms?: OrthancHostAlarmsArgs;
    /**
     * SSM Patch Manager's patch group: the hosts carry it as their `Patch Group` tag, and a
     * maintenance window for that group patches them one at a time. Unset: no tag.
     * @default - no `Patch Group` tag
     */
    patchGroup?: string;
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

/** A DICOM node Orthanc may send to. */
export interface DicomPeer {
    /**
     * Its application entity title: 1..16 printable ASCII characters, no backslash, no leading or
     * trailing space, not Orthanc's own `dicomAet` (compared without regard to case).
     */
    aet: string;
    /**
     * Its IPv4 unicast address (a security group rule needs an address, not a name): not 0.0.0.0,
     * loopback, link-local, multicast or broadcast.
     */
    host: string;
    /** Its DICOM port, 1..65535. */
    port: number;
    /**
     * DICOM over TLS to this peer (true), or clear text (false). Required: a peer's images leave in
     * clear text only when someone wrote `tls: false`.
     */
    tls: boolean;
}

export interface ResolvedOrthancHostArgs {
    /** After defaults: sources admitted to HTTPS (443). */
    webCidrs: string[];
    /** After defaults: sources admitted to DICOM over TLS (11112). */
    dicomCidrs: string[];
    /** After defaults: the DICOM nodes Orthanc may send to, `tls` filled in. */
    dicomPeers: Required<DicomPeer>[];
    /** After defaults: hosts, one per AZ. */
    hostCount: number;
    /** After defaults: the hosts' instance type. */
    instanceType: string;
    /** After defaults: the CPU architecture, matching the instance type. */
    architecture: "x86_64" | "arm64";
    /** After defaults: the Amazon Linux 2023 release the AMI is pinned to. */
    amiRelease: string;
    /** After defaults: the root volume of each host. */
    rootVolumeSizeGiB: number;
    /** After defaults: the public DNS name of the site; absent: the hosts' own names. */
    siteName?: string;
    /** After defaults: Orthanc's DICOM application entity title. */
    dicomAet: string;
    /** After defaults: Orthanc's display name. */
    orthancName: string;
    /** After defaults: the pinned Orthanc and nginx images. */
    images: { orthanc: string; nginx: string };
    /** After defaults: the index database's settings. */
    database: Required<OrthancDatabaseArgs>;
    /** After defaults: a network load balancer across the hosts. */
    loadBalancer: boolean;
    /** After defaults: days the container logs are kept. */
    logRetentionInDays: number;
    /** After defaults: the EC2 key pair; absent: none. */
    keyName?: pulumi.Input<string>;
    /** After defaults: stateful resources protected from deletion. */
    protect: boolean;
}

export const ORTHANC_HOST_DEFAULTS = {
    hostCount: 2,
    instanceType: "t3.medium",
    rootVolumeSizeGiB: 30,
    dicomAet: "ORTHANC",
    orthancName: "Citadel Orthanc",
    logRetentionInDays: 365,
    database: {
        instanceClass: "db.t4g.micro",
        allocatedStorage: 20,
        multiAz: false,
        deletionProtection: false,
        backupRetentionInDays: 7,
    },
};

/** Most hosts a deployment may ask for: one per AZ, and regions have at most six usable AZs. */
export const MAX_HOSTS = 6;

const DNS_NAME = /^(?=.{1,64}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
// DICOM AE titles: up to 16 characters of the default repertoire, no backslash or control characters.
// (leading and trailing spaces are not significant in DICOM, so a title with them is refused, not trimmed).
const AE_TITLE = /^(?! )[A-Za-z0-9 _.-]{1,16}(?<! )$/;
const IMAGE_REF =
    /^[a-z0-9][a-z0-9._/-]*(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[a-f0-9]{64})?$|^[a-z0-9][a-z0-9._/-]*@sha256:[a-f0-9]{64}$/;

/**
 * The AMI architecture a host of this type needs (see `instanceArchitecture` in @citadel/shared:
 * Graviton types and `a1` are arm64). Mac types are refused by `requireInstanceArchitecture` first.
 */
export function architectureOf(instanceType: string): "x86_64" | "arm64" {
    return instanceArchitecture(instanceType) ?? "x86_64";
}

function requireCidrList(key: string, value: unknown, what: string, floor: number): string[] {
    requireIngressCidrs(key, value, what, floor);
    return value as string[];
}

/**
 * Inbound rules a security group holds by default (adjustable, but the product with the groups per
 * interface may not exceed 1,000): https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export const SECURITY_GROUP_INBOUND_RULES = 60;
const OWN_INBOUND_RULES = 2;

/** An AMI id: `ami-` and 8 or 17 hexadecimal digits (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html). */
export const AMI_ID = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

function requireBoolean(key: string, value: unknown): boolean {
    if (typeof value !== "boolean") throw new ConfigError(key, value, "is not a boolean", "true | false");
    return value;
}

function requireMatch(key: string, value: unknown, re: RegExp, problem: string, allowed: string): string {
    if (typeof value !== "string" || !re.test(value)) throw new ConfigError(key, value, problem, allowed);
    return value;
}

/**
 * Validates OrthancHost args and fills in defaults. `keyOf` names the offending key: argument
 * names from the component, config keys from the stack program.
 */
export function resolveOrthancHostArgs(args: Partial<OrthancHostArgs>, keyOf: KeyOf): ResolvedOrthancHostArgs {
    const d = ORTHANC_HOST_DEFAULTS;
    const cidrPrefixFloor = requirePrefixFloor(
        keyOf("cidrPrefixFloor"),
        args.cidrPrefixFloor ?? DEFAULT_INGRESS_PREFIX_FLOOR,
    );
    const webCidrs = requireCidrList(
        keyOf("webCidrs"),
        args.webCidrs,
        "the sites using the web interface",
        cidrPrefixFloor,
    );
    const dicomCidrs = requireCidrList(
        keyOf("dicomCidrs"),
        args.dicomCidrs,
        "the DICOM modalities and peers",
        cidrPrefixFloor,
    );
    // Both lists reach the hosts' one security group: the policy (ec2-no-world-ingress) judges their union.
    const union = cidrUnionSize([...webCidrs, ...dicomCidrs].map((c) => parseCidr(c)!));
    if (union > cidrSize(cidrPrefixFloor)) {
        throw new ConfigError(
            `${keyOf("webCidrs")} + ${keyOf("dicomCidrs")}`,
            [...webCidrs, ...dicomCidrs],
            `together open ${union} addresses on the hosts' one security group`,
            `at most ${cidrSize(cidrPrefixFloor)} addresses (one /${cidrPrefixFloor}) across both lists`,
        );
    }
    // One inbound rule per block and port on the hosts' group, plus two from the load balancer.
    if (webCidrs.length + dicomCidrs.length > SECURITY_GROUP_INBOUND_RULES - OWN_INBOUND_RULES) {
        throw new ConfigError(
            keyOf("webCidrs"),
            webCidrs,
            `with dicomCidrs needs ${webCidrs.length + dicomCidrs.length} inbound rules`,
            `at most ${SECURITY_GROUP_INBOUND_RULES - OWN_INBOUND_RULES} blocks in all (a security group holds ${SECURITY_GROUP_INBOUND_RULES} inbound rules)`,
        );
    }
    if (typeof args.amiId === "string") {
        requireMatch(
            keyOf("amiId"),
            args.amiId,
            AMI_ID,
            "is not an AMI id",
            'ami- and 8 or 17 hexadecimal digits, e.g. "ami-0123456789abcdef0"',
        );
    }
    if (typeof args.certificateSecretArn === "string")
        requireArn(keyOf("certificateSecretArn"), args.certificateSecretArn, ARN_RULES.secret);
    if (
        Array.isArray(args.network?.publicSubnetIds) &&
        args.network!.publicSubnetIds.length < (args.hostCount ?? d.hostCount)
    ) {
        throw new ConfigError(
            keyOf("hostCount"),
            args.hostCount ?? d.hostCount,
            `needs as many public subnets (one per AZ), and the network has ${args.network!.publicSubnetIds.length}`,
            `1..${args.network!.publicSubnetIds.length}`,
        );
    }
    const hostCount = requireInteger(keyOf("hostCount"), args.hostCount ?? d.hostCount, 1, MAX_HOSTS);
    const instanceType = requireInstanceType(
        keyOf("instanceType"),
        args.instanceType ?? d.instanceType,
        "t3.medium, t4g.small, m7i.large",
    );
    // The AMI follows the type's architecture; a Mac type has no Amazon Linux AMI at all.
    requireInstanceArchitecture(
        keyOf("instanceType"),
        instanceType,
        architectureOf(instanceType),
        keyOf("instanceType"),
    );
    const rootVolumeSizeGiB = requireInteger(
        keyOf("rootVolumeSizeGiB"),
        args.rootVolumeSizeGiB ?? d.rootVolumeSizeGiB,
        20,
        16384,
    );
    const siteName =
        args.siteName === undefined
            ? undefined
            : requireMatch(
                  keyOf("siteName"),
                  args.siteName,
                  DNS_NAME,
                  "is not a lower-case DNS name",
                  'a fully qualified name of at most 64 characters, e.g. "pacs.example.org"',
              );
    const dicomAet = requireMatch(
        keyOf("dicomAet"),
        args.dicomAet ?? d.dicomAet,
        AE_TITLE,
        "is not a DICOM AE title",
        "1..16 letters, digits, spaces, '_', '.' or '-', not starting or ending with a space",
    );
    const orthancName = requireMatch(
        keyOf("orthancName"),
        args.orthancName ?? d.orthancName,
        /^[^\n\r"\\]{1,64}$/,
        "is not a display name",
        "1..64 characters without quotes, backslashes or line breaks",
    );
    requireSafeText(
        keyOf("orthancName"),
        orthancName,
        "1..64 characters without quotes, backslashes, control characters or line separators",
    );
    const images = {
        orthanc: requireMatch(
            keyOf("images.orthanc"),
            args.images?.orthanc ?? DEFAULT_IMAGES.orthanc,
            IMAGE_REF,
            "is not a pinned image reference",
            'a repository with a tag or digest, never "latest": e.g. "orthancteam/orthanc:25.12.3"',
        ),
        nginx: requireMatch(
            keyOf("images.nginx"),
            args.images?.nginx ?? DEFAULT_IMAGES.nginx,
            IMAGE_REF,
            "is not a pinned image reference",
            'a repository with a tag or digest, never "latest": e.g. "nginx:1.28.0-alpine"',
        ),
    };
    for (const [which, ref] of Object.entries(images)) {
        if (/:latest(@|$)/.test(ref)) {
            throw new ConfigError(keyOf(`images.${which}`), ref, "is not pinned", "a version tag or a digest");
        }
    }
    const db = args.database ?? {};
    const database = {
        instanceClass: requireDbInstanceClass(
            keyOf("database.instanceClass"),
            db.instanceClass ?? d.database.instanceClass,
        ),
        allocatedStorage: requireInteger(
            keyOf("database.allocatedStorage"),
            db.allocatedStorage ?? d.database.allocatedStorage,
            20,
            RDS_MAX_ALLOCATED_STORAGE_GIB,
        ),
        multiAz: requireBoolean(keyOf("database.multiAz"), db.multiAz ?? d.database.multiAz),
        deletionProtection: requireBoolean(
            keyOf("database.deletionProtection"),
            db.deletionProtection ?? d.database.deletionProtection,
        ),
        backupRetentionInDays: requireInteger(
            keyOf("database.backupRetentionInDays"),
            db.backupRetentionInDays ?? d.database.backupRetentionInDays,
            7,
            35,
        ),
    };
    const logRetentionInDays = requireLogRetention(
        keyOf("logRetentionInDays"),
        args.logRetentionInDays ?? d.logRetentionInDays,
    );
    const keyName = checkedInput(keyOf("keyName"), args.keyName, (key, value) =>
        requireMatch(key, value, /^[\x20-\x7e]{1,255}$/, "is not a key pair name", "1..255 printable ASCII characters"),
    );
    return {
        webCidrs,
        dicomCidrs,
        dicomPeers: resolveDicomPeers(keyOf, args.dicomPeers ?? [], dicomAet),
        hostCount,
        instanceType,
        architecture: architectureOf(instanceType),
        amiRelease: requireMatch(
            keyOf("amiRelease"),
            args.amiRelease ?? AL2023_RELEASE,
            /^2023\.\d+\.\d{8}\.\d+$/,
            "is not an Amazon Linux 2023 release",
            'a release version such as "2023.6.20250218.2"',
        ),
        rootVolumeSizeGiB,
        siteName,
        dicomAet,
        orthancName,
        images,
        database,
        loadBalancer: requireBoolean(keyOf("loadBalancer"), args.loadBalancer ?? false),
        logRetentionInDays,
        keyName,
        protect: requireBoolean(keyOf("protect"), args.protect ?? false),
    };
}

export function validateOrthancHostArgs(name: string, args: OrthancHostArgs): ResolvedOrthancHostArgs {
    const keyOf = argKeys("OrthancHost", name);
    refuseRenamed(keyOf, args, {
        logRetentionDays: "logRetentionInDays",
        "database.backupRetentionDays": "backupRetentionInDays",
    });
    if (args.alarms) {
        requireThreshold(keyOf("alarms.cpuPercent"), args.alarms.cpuPercent, 1, 100, "percent");
        requireThreshold(keyOf("alarms.diskUsedPercent"), args.alarms.diskUsedPercent, 1, 100, "percent");
        requireThreshold(keyOf("alarms.memoryUsedPercent"), args.alarms.memoryUsedPercent, 1, 100, "percent");
    }
    if (args.patchGroup !== undefined && !/^[A-Za-z0-9_.:/=+@ -]{1,256}$/.test(args.patchGroup)) {
        throw new ConfigError(
            keyOf("patchGroup"),
            args.patchGroup,
            "is not a tag value",
            "1..256 letters, digits, spaces, _ . : / = + - @",
        );
    }
    for (const field of ["network", "kmsKeyArn", "accessLogsBucketName"] as const) {
        if (args[field] === undefined) {
            throw new ConfigError(
                keyOf(field),
                undefined,
                "is required",
                field === "network"
                    ? "a NetworkRef (e.g. SecureVpc's network)"
                    : "an ARN or name of the stack's resource",
            );
        }
    }
    return resolveOrthancHostArgs(args, keyOf);
}

const PEER_FIELDS = ["aet", "host", "port", "tls"] as const;

/**
 * Validates the DICOM peers: exactly the fields aet, host, port and tls (a misspelled `tsl` is
 * refused with the field it meant, never ignored), each required: `tls` too, so sending images in
 * clear text is a choice someone wrote down. The AE title as DICOM allows it (PS3.5 6.2, value
 * representation AE: at most 16 characters of the default repertoire, no backslash or control
 * characters; leading and trailing spaces are not significant, so they are refused) and different
 * from Orthanc's own `ownAet` (Orthanc compares titles without regard to case unless
 * StrictAetComparison is set, so titles are compared that way). The host an IPv4 unicast address
 * (security group rules take addresses; not 0.0.0.0, loopback, link-local, multicast or
 * broadcast), a port, no two peers with the same title or the same address and port. At most 50,
 * so the egress rules stay within a security group's rule quota.
 * https://dicom.nema.org/medical/dicom/current/output/chtml/part05/sect_6.2.html
 * https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
 */
export function resolveDicomPeers(
    keyOf: (f: string) => string,
    peers: DicomPeer[],
    ownAet?: string,
): Required<DicomPeer>[] {
    const shape = "[{ aet, host, port, tls }]";
    if (!Array.isArray(peers) || peers.length > 50) {
        throw new ConfigError(keyOf("dicomPeers"), peers, "is not a list of up to 50 peers", shape);
    }
    const out = peers.map((p, i) => {
        const at = (f: string) => keyOf(`dicomPeers[${i}].${f}`);
        if (p === null || typeof p !== "object" || Array.isArray(p)) {
            throw new ConfigError(keyOf(`dicomPeers[${i}]`), p, "is not a peer", "{ aet, host, port, tls }");
        }
        for (const field of Object.keys(p)) {
            if ((PEER_FIELDS as readonly string[]).includes(field)) continue;
            const near = closestName(field, PEER_FIELDS);
            throw new ConfigError(
                at(field),
                (p as unknown as Record<string, unknown>)[field],
                `is not a peer field${near ? ` (did you mean ${near}?)` : ""}`,
                PEER_FIELDS.join(", "),
            );
        }
        for (const field of PEER_FIELDS) {
            if ((p as unknown as Record<string, unknown>)[field] === undefined) {
                throw new ConfigError(
                    at(field),
                    undefined,
                    "is required",
                    field === "tls"
                        ? "true (DICOM over TLS) or false (clear text, e.g. a modality without TLS on a private link)"
                        : { aet: "the peer's AE title", host: "its IPv4 address", port: "its DICOM port, 1..65535" }[
                              field
                          ],
                );
            }
        }
        const aetAllowed = "1..16 printable ASCII characters, no backslash, no leading or trailing space";
        if (typeof p.aet !== "string" || !/^[\x20-\x5b\x5d-\x7e]{1,16}$/.test(p.aet) || p.aet.trim() === "") {
            throw new ConfigError(at("aet"), p.aet, "is not a DICOM AE title", aetAllowed);
        }
        if (p.aet !== p.aet.trim())
            throw new ConfigError(at("aet"), p.aet, "has leading or trailing spaces, which DICOM ignores", aetAllowed);
        if (ownAet !== undefined && p.aet.toUpperCase() === ownAet.trim().toUpperCase()) {
            throw new ConfigError(
                at("aet"),
                p.aet,
                `is Orthanc's own AE title (dicomAet ${JSON.stringify(ownAet)})`,
                "another node's AE title",
            );
        }
        const host = requireUnicastAddress(
            at("host"),
            p.host,
            "the peer's IPv4 unicast address a.b.c.d (security group rules need an address)",
        );
        const port = requireInteger(at("port"), p.port, 1, 65535);
        if (typeof p.tls !== "boolean") {
            throw new ConfigError(at("tls"), p.tls, "is not a boolean", "true | false");
        }
        return { aet: p.aet, host, port, tls: p.tls };
    });
    requireUnique(
        keyOf("dicomPeers"),
        out.map((p) => p.aet.toUpperCase()),
        "each AE title at most once (compared without regard to case)",
    );
    requireUnique(
        keyOf("dicomPeers"),
        out.map((p) => `${p.host}:${p.port}`),
        "each address and port at most once",
    );
    return out;
}
