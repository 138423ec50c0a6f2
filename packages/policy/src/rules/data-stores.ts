/**
 * ElastiCache, OpenSearch and GuardDuty Malware Protection for S3: the FSBP controls that exist for
 * them, and Citadel's rule that an upload bucket never serves an object that is not scanned clean.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elasticache-controls.html
 * https://docs.aws.amazon.com/securityhub/latest/userguide/opensearch-controls.html
 */
import type * as elasticache from "@pulumi/aws/elasticache";
import type * as opensearch from "@pulumi/aws/opensearch";
import type * as guardduty from "@pulumi/aws/guardduty";
import { attachedTo, byReference, Finding, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, hasUnknown, isFalse, isTrue, isUnknown, list, parseJson } from "../values";
import { T } from "./types";

type RgProps = ReturnType<typeof propsOf<elasticache.ReplicationGroupArgs>>;
type DomainProps = ReturnType<typeof propsOf<opensearch.DomainArgs>>;

const rg = (r: PolicyResource): RgProps => propsOf<elasticache.ReplicationGroupArgs>(r);
const domain = (r: PolicyResource): DomainProps => propsOf<opensearch.DomainArgs>(r);

function rgRule(
    spec: Omit<ResourceRule, "kind" | "options" | "resourceTypes" | "check">,
    bad: (p: RgProps) => string | undefined,
): ResourceRule {
    return {
        ...spec,
        kind: "resource",
        options: {},
        resourceTypes: [T.replicationGroup],
        check(r) {
            const p = rg(r);
            const m = bad(p);
            return m ? [`replication group ${r.name} ${m}`] : [];
        },
    };
}

function domainRule(
    spec: Omit<ResourceRule, "kind" | "options" | "resourceTypes" | "check">,
    bad: (p: DomainProps) => string | undefined,
): ResourceRule {
    return {
        ...spec,
        kind: "resource",
        options: {},
        resourceTypes: [T.openSearchDomain],
        check(r) {
            const m = bad(domain(r));
            return m ? [`OpenSearch domain ${r.name} ${m}`] : [];
        },
    };
}

/** Known and true (booleans, or the strings some ElastiCache flags are typed as). */
const notTrue = (v: unknown) => fails(v, (x) => isTrue(x));

export const elasticacheSnapshots = rgRule(
    {
        name: "elasticache-snapshots",
        description: "ElastiCache replication groups keep automatic snapshots [ElastiCache.1].",
        controls: ["ElastiCache.1"],
        severity: "high",
        defaultLevel: "mandatory",
        remediation: "Set snapshotRetentionLimit to 1 or more days (Citadel's Cache keeps 7 by default).",
    },
    (p) =>
        fails(p.snapshotRetentionLimit, (v) => typeof v === "number" && v >= 1)
            ? `keeps no automatic snapshots (snapshotRetentionLimit ${p.snapshotRetentionLimit ?? "unset"})`
            : undefined,
);

export const elasticacheMinorUpgrades = rgRule(
    {
        name: "elasticache-auto-minor-upgrade",
        description: "ElastiCache replication groups apply minor engine upgrades automatically [ElastiCache.2].",
        controls: ["ElastiCache.2"],
        severity: "high",
        defaultLevel: "mandatory",
        remediation: "Leave autoMinorVersionUpgrade unset (true) or set it to true.",
    },
    (p) => (isFalse(p.autoMinorVersionUpgrade) ? "sets autoMinorVersionUpgrade: false" : undefined),
);

export const elasticacheFailover = rgRule(
    {
        name: "elasticache-automatic-failover",
        description:
            "ElastiCache replication groups fail over automatically to a replica in another AZ [ElastiCache.3].",
        controls: ["ElastiCache.3"],
        severity: "medium",
        defaultLevel: "advisory",
        remediation:
            "Set highAvailability: true on Citadel's Cache (automaticFailoverEnabled, multiAzEnabled, two or more nodes).",
    },
    (p) => (notTrue(p.automaticFailoverEnabled) ? "has no automatic failover" : undefined),
);

export const elasticacheAtRest = rgRule(
    {
        name: "elasticache-encrypted-at-rest",
        description: "ElastiCache replication groups encrypt data at rest [ElastiCache.4].",
        controls: ["ElastiCache.4"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation: "Set atRestEncryptionEnabled: true and kmsKeyId to the stack's key (a replacement).",
    },
    (p) => (notTrue(p.atRestEncryptionEnabled) ? "does not encrypt at rest" : undefined),
);

export const elasticacheInTransit = rgRule(
    {
        name: "elasticache-encrypted-in-transit",
        description: "ElastiCache replication groups require encryption in transit [ElastiCache.5].",
        controls: ["ElastiCache.5"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation: 'Set transitEncryptionEnabled: true and transitEncryptionMode "required" (not "preferred").',
    },
    (p) =>
        notTrue(p.transitEncryptionEnabled)
            ? "does not encrypt in transit"
            : p.transitEncryptionMode === "preferred"
              ? "also accepts clients without TLS (transitEncryptionMode preferred)"
              : undefined,
);

export const elasticacheAuth = rgRule(
    {
        name: "elasticache-authentication",
        description:
            "ElastiCache replication groups authenticate clients, with RBAC user groups or AUTH [ElastiCache.6].",
        controls: ["ElastiCache.6"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation:
            "Give userGroupIds (Citadel's Cache: an IAM-authenticated user, the default user off) or an authToken.",
    },
    (p) =>
        hasUnknown(p.userGroupIds) || hasUnknown(p.authToken)
            ? undefined
            : list(p.userGroupIds).length === 0 && !p.authToken
              ? "lets any client in (no user group, no AUTH token)"
              : undefined,
);

export const elasticacheSubnetGroup = rgRule(
    {
        name: "elasticache-subnet-group",
        description: "ElastiCache replication groups use their own subnet group, not the default one [ElastiCache.7].",
        controls: ["ElastiCache.7"],
        severity: "high",
        defaultLevel: "mandatory",
        remediation:
            "Create an aws.elasticache.SubnetGroup of the private subnets and pass its name as subnetGroupName.",
    },
    (p) =>
        isUnknown(p.subnetGroupName)
            ? undefined
            : !p.subnetGroupName || p.subnetGroupName === "default"
              ? "uses the default subnet group"
              : undefined,
);

export const opensearchAtRest = domainRule(
    {
        name: "opensearch-encrypted-at-rest",
        description: "OpenSearch domains encrypt data at rest [Opensearch.1].",
        controls: ["Opensearch.1"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation: "Set encryptAtRest: { enabled: true, kmsKeyId: the stack's key }.",
    },
    (p) =>
        isUnknown(p.encryptAtRest)
            ? undefined
            : notTrue(p.encryptAtRest?.enabled)
              ? "does not encrypt at rest"
              : undefined,
);

export const opensearchInVpc = domainRule(
    {
        name: "opensearch-in-vpc",
        description: "OpenSearch domains are not publicly accessible: they live in a VPC [Opensearch.2].",
        controls: ["Opensearch.2"],
        severity: "critical",
        defaultLevel: "mandatory",
        remediation: "Set vpcOptions.subnetIds to private subnets and vpcOptions.securityGroupIds (a replacement).",
    },
    (p) =>
        hasUnknown(p.vpcOptions)
            ? undefined
            : list(p.vpcOptions?.subnetIds).length === 0
              ? "has a public endpoint (no vpcOptions)"
              : undefined,
);

export const opensearchNodeToNode = domainRule(
    {
        name: "opensearch-node-to-node",
        description: "OpenSearch domains encrypt traffic between nodes [Opensearch.3].",
        controls: ["Opensearch.3"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation: "Set nodeToNodeEncryption: { enabled: true }.",
    },
    (p) =>
        isUnknown(p.nodeToNodeEncryption)
            ? undefined
            : notTrue(p.nodeToNodeEncryption?.enabled)
              ? "does not encrypt node-to-node traffic"
              : undefined,
);

export const opensearchLogging = domainRule(
    {
        name: "opensearch-logging",
        description:
            "OpenSearch domains publish error logs and audit logs to CloudWatch Logs [Opensearch.4, Opensearch.5].",
        controls: ["Opensearch.4", "Opensearch.5"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation:
            "Add logPublishingOptions for ES_APPLICATION_LOGS and AUDIT_LOGS with cloudwatchLogGroupArn (audit logs need FGAC).",
    },
    (p) => {
        if (hasUnknown(p.logPublishingOptions)) return undefined;
        const on = list(p.logPublishingOptions)
            .filter((o) => o.enabled !== false && o.cloudwatchLogGroupArn)
            .map((o) => o.logType);
        const missing = ["ES_APPLICATION_LOGS", "AUDIT_LOGS"].filter((t) => !on.includes(t));
        return missing.length > 0 ? `does not publish ${missing.join(" and ")}` : undefined;
    },
);

export const opensearchDataNodes = domainRule(
    {
        name: "opensearch-data-nodes",
        description: "OpenSearch domains have at least three data nodes and zone awareness [Opensearch.6].",
        controls: ["Opensearch.6"],
        severity: "medium",
        defaultLevel: "advisory",
        remediation: "Set highAvailability: true on Citadel's Search (3+ data nodes over 2 or 3 zones).",
    },
    (p) => {
        const c = p.clusterConfig;
        if (hasUnknown(c)) return undefined;
        return !((c?.instanceCount ?? 1) >= 3 && isTrue(c?.zoneAwarenessEnabled))
            ? "has fewer than three data nodes or no zone awareness"
            : undefined;
    },
);

export const opensearchFineGrained = domainRule(
    {
        name: "opensearch-fine-grained-access",
        description: "OpenSearch domains use fine-grained access control [Opensearch.7].",
        controls: ["Opensearch.7"],
        severity: "high",
        defaultLevel: "mandatory",
        remediation:
            "Set advancedSecurityOptions: { enabled: true, internalUserDatabaseEnabled: false, masterUserOptions: { masterUserArn } }.",
    },
    (p) =>
        isUnknown(p.advancedSecurityOptions)
            ? undefined
            : notTrue(p.advancedSecurityOptions?.enabled)
              ? "has no fine-grained access control"
              : undefined,
);

/** TLS policies with TLS 1.2 as the minimum. */
export const OPENSEARCH_TLS12_POLICIES = ["Policy-Min-TLS-1-2-2019-07", "Policy-Min-TLS-1-2-PFS-2023-10"];

export const opensearchTls = domainRule(
    {
        name: "opensearch-tls",
        description: "OpenSearch domains require HTTPS with TLS 1.2 or newer [Opensearch.8].",
        controls: ["Opensearch.8"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation:
            'Set domainEndpointOptions: { enforceHttps: true, tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10" }.',
    },
    (p) => {
        const o = p.domainEndpointOptions;
        if (hasUnknown(o)) return undefined;
        if (!isTrue(o?.enforceHttps)) return "accepts plain HTTP (enforceHttps not true)";
        return !OPENSEARCH_TLS12_POLICIES.includes(o?.tlsSecurityPolicy as string)
            ? `uses TLS policy ${o?.tlsSecurityPolicy ?? "(default, TLS 1.0)"}`
            : undefined;
    },
);

export const opensearchUpdates = domainRule(
    {
        name: "opensearch-software-updates",
        description: "OpenSearch domains install service software updates automatically [Opensearch.10].",
        controls: ["Opensearch.10"],
        severity: "medium",
        defaultLevel: "mandatory",
        remediation: "Set softwareUpdateOptions: { autoSoftwareUpdateEnabled: true } (applied in the off-peak window).",
    },
    (p) =>
        isUnknown(p.softwareUpdateOptions)
            ? undefined
            : notTrue(p.softwareUpdateOptions?.autoSoftwareUpdateEnabled)
              ? "does not update its service software automatically"
              : undefined,
);

export const opensearchMasters = domainRule(
    {
        name: "opensearch-dedicated-masters",
        description: "OpenSearch domains have at least three dedicated master nodes [Opensearch.11].",
        controls: ["Opensearch.11"],
        severity: "low",
        defaultLevel: "advisory",
        remediation: "Set highAvailability: true on Citadel's Search (three dedicated masters).",
    },
    (p) => {
        const c = p.clusterConfig;
        if (hasUnknown(c)) return undefined;
        return !(isTrue(c?.dedicatedMasterEnabled) && (c?.dedicatedMasterCount ?? 0) >= 3)
            ? "has fewer than three dedicated master nodes"
            : undefined;
    },
);

export const malwareTagging: ResourceRule = {
    kind: "resource",
    name: "guardduty-malware-tagging",
    description:
        "GuardDuty Malware Protection plans for S3 tag each object with its scan result (Citadel rule; no FSBP control).",
    controls: [],
    severity: "high",
    defaultLevel: "mandatory",
    remediation:
        'Set actions: [{ taggings: [{ status: "ENABLED" }] }]: without the tag no bucket policy can hold back infected files.',
    resourceTypes: [T.malwareProtectionPlan],
    options: {},
    check(r) {
        const actions = propsOf<guardduty.MalwareProtectionPlanArgs>(r).actions;
        if (hasUnknown(actions)) return [];
        const on = list(actions).some((a) => list(a.taggings).some((t) => t.status === "ENABLED"));
        return on ? [] : [`malware protection plan ${r.name} does not tag scanned objects`];
    },
};

const SCAN_TAG = "s3:ExistingObjectTag/GuardDutyMalwareScanStatus";

/** Does the policy deny s3:GetObject to everyone unless the scan tag is NO_THREATS_FOUND? */
function deniesUnscannedDownloads(policy: unknown): boolean {
    const doc = parseJson(policy) as { Statement?: unknown } | undefined;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed policy document, read field by field
    const statements = doc && typeof doc === "object" ? list(doc.Statement as Record<string, any>[]) : [];
    return statements.some(
        (s) =>
            s.Effect === "Deny" &&
            (s.Principal === "*" || list(s.Principal?.AWS).includes("*")) &&
            list(s.Action).some((a: string) => a === "s3:GetObject" || a === "s3:Get*" || a === "s3:*") &&
            list(s.Condition?.StringNotEquals?.[SCAN_TAG]).includes("NO_THREATS_FOUND"),
    );
}

export const uploadsDenyUnscanned: StackRule = {
    kind: "stack",
    name: "uploads-deny-unscanned",
    description:
        "Buckets scanned by GuardDuty Malware Protection deny downloads of objects not tagged NO_THREATS_FOUND " +
        "(Citadel rule; no FSBP control).",
    controls: [],
    severity: "critical",
    defaultLevel: "mandatory",
    remediation:
        "Use Citadel's SecureUploads, or add a bucket policy statement: Deny s3:GetObject to * when " +
        `${SCAN_TAG} is not NO_THREATS_FOUND (except the plan's role and a quarantine role).`,
    resourceTypes: [T.malwareProtectionPlan, T.bucket, T.bucketV2, T.bucketPolicy],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        // Indexed once: one lookup per plan, not a scan of the buckets and policies per plan.
        const buckets = byReference(resources, [T.bucket, T.bucketV2]);
        const policiesByName = new Map<unknown, PolicyResource[]>();
        for (const bp of ofTypes(resources, [T.bucketPolicy])) {
            policiesByName.set(bp.props.bucket, [...(policiesByName.get(bp.props.bucket) ?? []), bp]);
        }
        for (const plan of ofTypes(resources, [T.malwareProtectionPlan])) {
            const p = propsOf<guardduty.MalwareProtectionPlanArgs>(plan).protectedResource;
            if (hasUnknown(p)) continue;
            const name = (p as { s3Bucket?: { bucketName?: string } })?.s3Bucket?.bucketName;
            if (typeof name !== "string") continue;
            const bucket = buckets.get(name);
            const policies = bucket
                ? attachedTo(resources, bucket, [T.bucketPolicy], "bucket")
                : { definite: policiesByName.get(name) ?? [], possible: [] };
            if (policies.definite.length === 0 && policies.possible.length > 0) continue;
            const known = policies.definite.filter((bp) => !isUnknown(bp.props.policy));
            if (known.length < policies.definite.length) continue;
            if (!known.some((bp) => deniesUnscannedDownloads(bp.props.policy))) {
                findings.push({
                    resource: plan,
                    message:
                        `bucket ${name}, scanned by ${plan.name}, lets objects be downloaded before or ` +
                        "without a clean scan (no Deny s3:GetObject unless GuardDutyMalwareScanStatus is NO_THREATS_FOUND)",
                });
            }
        }
        return findings;
    },
};
