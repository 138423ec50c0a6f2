import type * as s3 from "@pulumi/aws/s3";
import { attachedTo, Finding, judgeAttached, ofTypes, PolicyResource, propsOf, StackRule } from "../rule";
import { fails, hasUnknown, isSet, isUnknown, list } from "../values";
import { coversAction, conditionValues, Statement, statementsOf } from "./policy-doc";
import { BUCKETS, T } from "./types";

/**
 * In `@pulumi/aws` 7 a bucket's settings are separate resources that name the bucket in `bucket`
 * (SecureBucket passes `bucket.id`). The deprecated inline arguments of `s3.Bucket` still exist and
 * are accepted too.
 */
type BucketProps = ReturnType<typeof propsOf<s3.BucketArgs>>;

interface BucketRuleSpec {
    name: string;
    description: string;
    controls: string[];
    severity: StackRule["severity"];
    remediation: string;
    /** The separate resources that configure this aspect of a bucket. */
    types: string[];
    /** Judges the bucket: a violation message, or undefined. */
    judge(bucket: PolicyResource, resources: readonly PolicyResource[]): string | undefined;
}

function bucketRule(spec: BucketRuleSpec): StackRule {
    return {
        kind: "stack",
        name: spec.name,
        description: spec.description,
        controls: spec.controls,
        severity: spec.severity,
        remediation: spec.remediation,
        defaultLevel: "mandatory",
        resourceTypes: [...BUCKETS, ...spec.types],
        options: {},
        check(resources) {
            const findings: Finding[] = [];
            for (const b of ofTypes(resources, BUCKETS)) {
                const message = spec.judge(b, resources);
                if (message) findings.push({ resource: b, message });
            }
            return findings;
        },
    };
}

/** The separate resources of `types` attached to bucket `b`. */
function attached(resources: readonly PolicyResource[], b: PolicyResource, types: string[]) {
    return attachedTo(resources, b, types, "bucket");
}

export const publicAccessBlock = bucketRule({
    name: "s3-public-access-block",
    description: "Every S3 bucket blocks public access with all four settings of its public access block [S3.8].",
    controls: ["S3.8"],
    severity: "high",
    remediation:
        "Add an aws.s3.BucketPublicAccessBlock for the bucket with blockPublicAcls, blockPublicPolicy, " +
        "ignorePublicAcls and restrictPublicBuckets all true (SecureBucket does).",
    types: [T.bucketPublicAccessBlock],
    judge: (b, resources) =>
        judgeAttached(
            attached(resources, b, [T.bucketPublicAccessBlock]),
            `bucket ${b.name} has no public access block (no aws.s3.BucketPublicAccessBlock names it)`,
            (pab) => {
                const p = propsOf<s3.BucketPublicAccessBlockArgs>(pab);
                const off = (
                    ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const
                ).filter((k) => fails(p[k], (v) => v === true));
                return off.length
                    ? `bucket ${b.name}'s public access block ${pab.name} leaves ${off.join(", ")} off`
                    : undefined;
            },
        ),
});

/** The bucket's policy documents: its BucketPolicy resources and its inline policy. */
function policiesOf(
    resources: readonly PolicyResource[],
    b: PolicyResource,
): { definite: unknown[]; possible: boolean } {
    const a = attached(resources, b, [T.bucketPolicy]);
    const inline = (b.props as BucketProps).policy;
    return {
        definite: [
            ...a.definite.map((p) => propsOf<s3.BucketPolicyArgs>(p).policy),
            ...(inline !== undefined ? [inline] : []),
        ],
        possible: a.possible.length > 0,
    };
}

function deniesInsecureTransport(s: Statement): boolean {
    return (
        s.effect === "Deny" &&
        s.anyPrincipal &&
        coversAction(s, "s3:GetObject") &&
        coversAction(s, "s3:PutObject") &&
        conditionValues(s, ["Bool", "BoolIfExists"], "aws:SecureTransport").some((v) => v === "false")
    );
}

export const sslOnly = bucketRule({
    name: "s3-ssl-only",
    description: "Every S3 bucket's policy denies requests not made over TLS (aws:SecureTransport false) [S3.5].",
    controls: ["S3.5"],
    severity: "medium",
    remediation:
        'Add to the bucket policy a Deny of "s3:*" to Principal "*" on the bucket and its objects with ' +
        'Condition { Bool: { "aws:SecureTransport": "false" } } (SecureBucket\'s tlsOnlyStatements).',
    types: [T.bucketPolicy],
    judge(b, resources) {
        const { definite, possible } = policiesOf(resources, b);
        if (definite.length === 0) {
            return possible
                ? undefined
                : `bucket ${b.name} has no bucket policy, so requests over plain HTTP are allowed`;
        }
        const docs = definite.map(statementsOf);
        if (docs.some((d) => d === undefined || d.some(deniesInsecureTransport))) return undefined;
        return `bucket ${b.name}'s policy does not deny requests where aws:SecureTransport is false`;
    },
});

/** Log delivery service principals: `<prefix>.amazonaws.com` and partition variants. */
function isService(principal: string, prefix: string): boolean {
    return principal.startsWith(`${prefix}.`);
}

/** Allow statements of a policy that let someone write objects. */
function writers(statements: Statement[]): Statement[] {
    return statements.filter((s) => s.effect === "Allow" && coversAction(s, "s3:PutObject"));
}

/**
 * Whether the bucket's policy lets a writer matching `who` put objects. "maybe" when a policy of the
 * bucket cannot be read yet (preview), so the exemptions below never fire a false violation.
 */
function policyAdmits(
    resources: readonly PolicyResource[],
    b: PolicyResource,
    who: (writers: Statement[]) => boolean,
): "yes" | "maybe" | "no" {
    const { definite, possible } = policiesOf(resources, b);
    const docs = definite.map(statementsOf);
    if (docs.some((d) => d !== undefined && who(writers(d)))) return "yes";
    return possible || docs.some((d) => d === undefined) ? "maybe" : "no";
}

/**
 * Two log deliveries write only to SSE-S3 buckets: ALB access logs and S3 server access logs
 * (@citadel/shared LOG_DELIVERIES). A bucket whose policy lets no one but them write (SecureBucket
 * purposes `elbLogs` and `accessLogs`) may therefore use AES256. In Regions opened before August
 * 2022 the ALB writes as its Region's ELB account, granted PutObject on `<bucket>/.../AWSLogs/<account>/*`.
 */
function sseS3OnlyWriter(w: Statement[]): boolean {
    const elbAccount = (s: Statement) =>
        s.awsPrincipals.length > 0 &&
        s.awsPrincipals.every((p) => /^arn:aws[a-z-]*:iam::\d{12}:root$/.test(p)) &&
        s.actions.every((a) => a === "s3:PutObject") &&
        s.resources.length > 0 &&
        s.resources.every((r) => /\/AWSLogs\/\d{12}\/\*$/.test(r));
    return (
        w.length > 0 &&
        w.every(
            (s) =>
                !s.anyPrincipal &&
                (elbAccount(s) ||
                    (s.awsPrincipals.length === 0 &&
                        s.services.length > 0 &&
                        s.services.every(
                            (svc) => isService(svc, "logdelivery.elasticloadbalancing") || isService(svc, "logging.s3"),
                        ))),
        )
    );
}

type EncryptionRule = { applyServerSideEncryptionByDefault?: { sseAlgorithm?: unknown } };

function algorithms(rules: EncryptionRule[]): unknown[] {
    return rules.map((r) => r.applyServerSideEncryptionByDefault?.sseAlgorithm);
}

const KMS_ALGORITHMS = ["aws:kms", "aws:kms:dsse"];

export const kmsEncryption = bucketRule({
    name: "s3-kms-encryption",
    description:
        "Every S3 bucket encrypts objects by default with SSE-KMS [S3.17]; the exceptions are buckets " +
        "only ALB access logs or S3 server access logs may write to, which must use SSE-S3 (AES256).",
    controls: ["S3.17"],
    severity: "medium",
    remediation:
        'Add an aws.s3.BucketServerSideEncryptionConfiguration with sseAlgorithm "aws:kms", the stack\'s ' +
        "kmsMasterKeyId and bucketKeyEnabled (SecureBucket does; its elbLogs and accessLogs purposes are the documented exceptions).",
    types: [T.bucketEncryption, T.bucketEncryptionV2, T.bucketPolicy],
    judge(b, resources) {
        const inline = (b.props as BucketProps).serverSideEncryptionConfiguration;
        const configs = attached(resources, b, [T.bucketEncryption, T.bucketEncryptionV2]);
        const inlineRules = inline && !isUnknown(inline) ? [inline.rule as EncryptionRule] : [];
        if (inlineRules.length === 0 && configs.definite.length === 0) {
            return configs.possible.length ? undefined : `bucket ${b.name} has no default encryption configuration`;
        }
        const algs = [
            ...algorithms(inlineRules),
            ...configs.definite.flatMap((c) =>
                algorithms(list(propsOf<s3.BucketServerSideEncryptionConfigurationArgs>(c).rules as EncryptionRule[])),
            ),
        ];
        if (hasUnknown(algs) || algs.some((a) => typeof a === "string" && KMS_ALGORITHMS.includes(a))) return undefined;
        if (algs.includes("AES256") && policyAdmits(resources, b, sseS3OnlyWriter) !== "no") return undefined;
        return `bucket ${b.name} encrypts with ${algs.map((a) => JSON.stringify(a)).join(", ")}, not SSE-KMS`;
    },
});

export const versioning = bucketRule({
    name: "s3-versioning",
    description: "Every S3 bucket has versioning enabled [S3.14].",
    controls: ["S3.14"],
    severity: "low",
    remediation: 'Add an aws.s3.BucketVersioning with versioningConfiguration.status "Enabled" (SecureBucket does).',
    types: [T.bucketVersioning, T.bucketVersioningV2],
    judge(b, resources) {
        const inline = (b.props as BucketProps).versioning;
        if (inline && !isUnknown(inline) && inline.enabled === true) return undefined;
        return judgeAttached(
            attached(resources, b, [T.bucketVersioning, T.bucketVersioningV2]),
            `bucket ${b.name} has no versioning (no aws.s3.BucketVersioning names it)`,
            (v) =>
                fails(propsOf<s3.BucketVersioningArgs>(v).versioningConfiguration?.status, (s) => s === "Enabled")
                    ? `bucket ${b.name}'s versioning ${v.name} is ${propsOf<s3.BucketVersioningArgs>(v).versioningConfiguration?.status}`
                    : undefined,
        );
    },
});

/**
 * The buckets that receive S3 server access logs: they are exempt from logging their own access (it
 * would loop). A bucket is one when its policy admits the S3 logging service to write, or when a
 * BucketLogging of another bucket targets it.
 */
function isAccessLogBucket(resources: readonly PolicyResource[], b: PolicyResource): boolean {
    // Through the index of attachments (one lookup per bucket), not a scan of every BucketLogging.
    const targeted = attachedTo(resources, b, [T.bucketLogging, T.bucketLoggingV2], "targetBucket").definite.length > 0;
    return (
        targeted ||
        policyAdmits(resources, b, (w) => w.some((s) => s.services.some((svc) => isService(svc, "logging.s3")))) !==
            "no"
    );
}

export const accessLogging = bucketRule({
    name: "s3-access-logging",
    description: "Every S3 bucket records server access logs, except the access-log bucket itself [S3.9].",
    controls: ["S3.9"],
    severity: "medium",
    remediation:
        "Add an aws.s3.BucketLogging for the bucket with targetBucket the stack's log bucket " +
        "(SecureBucket's accessLogs argument).",
    types: [T.bucketLogging, T.bucketLoggingV2, T.bucketPolicy],
    judge(b, resources) {
        const inline = (b.props as BucketProps).logging;
        if (inline && (isUnknown(inline) || isSet(inline.targetBucket))) return undefined;
        if (isAccessLogBucket(resources, b)) return undefined;
        return judgeAttached(
            attached(resources, b, [T.bucketLogging, T.bucketLoggingV2]),
            `bucket ${b.name} records no server access logs (no aws.s3.BucketLogging names it)`,
        );
    },
});

/**
 * S3 delivers server access logs only to a target bucket whose default encryption is SSE-S3: with
 * SSE-KMS the logs are silently never written, so the access-logging rule above passes while no
 * log arrives. https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
 * ("You can use default bucket encryption on the target bucket only if you use SSE-S3")
 */
export const accessLogTarget = bucketRule({
    name: "s3-access-log-target-sse-s3",
    description:
        "A bucket that receives S3 server access logs encrypts with SSE-S3, the only encryption S3 " +
        "delivers them to [S3.9: the logs must arrive].",
    controls: ["S3.9"],
    severity: "high",
    remediation:
        'Send server access logs to a SecureBucket with purpose "accessLogs" (SSE-S3), not the SSE-KMS log bucket.',
    types: [T.bucketLogging, T.bucketLoggingV2, T.bucketEncryption, T.bucketEncryptionV2],
    judge(b, resources) {
        const sources = attachedTo(resources, b, [T.bucketLogging, T.bucketLoggingV2], "targetBucket").definite;
        if (sources.length === 0) return undefined;
        const inline = (b.props as BucketProps).serverSideEncryptionConfiguration;
        const inlineRules = inline && !isUnknown(inline) ? [inline.rule as EncryptionRule] : [];
        const algs = [
            ...algorithms(inlineRules),
            ...attached(resources, b, [T.bucketEncryption, T.bucketEncryptionV2]).definite.flatMap((c) =>
                algorithms(list(propsOf<s3.BucketServerSideEncryptionConfigurationArgs>(c).rules as EncryptionRule[])),
            ),
        ];
        const kms = algs.filter((a) => typeof a === "string" && KMS_ALGORITHMS.includes(a));
        return kms.length === 0
            ? undefined
            : `bucket ${b.name} receives server access logs (${sources.map((l) => l.name).join(", ")}) but encrypts with ` +
                  `${kms.join(", ")}: S3 delivers them to SSE-S3 buckets only`;
    },
});

export const lifecycle = bucketRule({
    name: "s3-lifecycle",
    description: "Every S3 bucket has an enabled lifecycle rule [S3.13].",
    controls: ["S3.13"],
    severity: "low",
    remediation:
        'Add an aws.s3.BucketLifecycleConfiguration with at least one rule of status "Enabled" ' +
        "(expire old versions, abort incomplete uploads; SecureBucket does).",
    types: [T.bucketLifecycle, T.bucketLifecycleV2],
    judge(b, resources) {
        const inline = (b.props as BucketProps).lifecycleRules;
        if (hasUnknown(inline) || list(inline).some((r) => r.enabled === true)) return undefined;
        return judgeAttached(
            attached(resources, b, [T.bucketLifecycle, T.bucketLifecycleV2]),
            `bucket ${b.name} has no lifecycle configuration`,
            (l) =>
                fails(propsOf<s3.BucketLifecycleConfigurationArgs>(l).rules, (rules) =>
                    list(rules).some((r) => r.status === "Enabled"),
                )
                    ? `bucket ${b.name}'s lifecycle configuration ${l.name} has no enabled rule`
                    : undefined,
        );
    },
});

export const noAcls = bucketRule({
    name: "s3-no-acls",
    description: "S3 buckets disable ACLs (object ownership BucketOwnerEnforced) and define none [S3.12].",
    controls: ["S3.12"],
    severity: "medium",
    remediation:
        'Add an aws.s3.BucketOwnershipControls with rule.objectOwnership "BucketOwnerEnforced", remove ' +
        "aws.s3.BucketAcl resources and the acl/grants arguments; grant access with the bucket policy.",
    types: [T.bucketOwnershipControls, T.bucketAcl, T.bucketAclV2],
    judge(b, resources) {
        const p = b.props as BucketProps;
        if ((isSet(p.acl) && p.acl !== "private") || list(p.grants).length > 0) {
            return `bucket ${b.name} sets ${isSet(p.acl) ? `acl ${JSON.stringify(p.acl)}` : "grants"}`;
        }
        const acls = attached(resources, b, [T.bucketAcl, T.bucketAclV2]).definite;
        if (acls.length > 0) return `bucket ${b.name} has an ACL (${acls.map((a) => a.name).join(", ")})`;
        return judgeAttached(
            attached(resources, b, [T.bucketOwnershipControls]),
            `bucket ${b.name} leaves ACLs enabled (no aws.s3.BucketOwnershipControls with BucketOwnerEnforced)`,
            (o) =>
                fails(
                    propsOf<s3.BucketOwnershipControlsArgs>(o).rule?.objectOwnership,
                    (v) => v === "BucketOwnerEnforced",
                )
                    ? `bucket ${b.name}'s ownership controls ${o.name} use ${propsOf<s3.BucketOwnershipControlsArgs>(o).rule?.objectOwnership}, ` +
                      "not BucketOwnerEnforced"
                    : undefined,
        );
    },
});
