import type * as cloudfront from "@pulumi/aws/cloudfront";
import type * as cloudwatch from "@pulumi/aws/cloudwatch";
import type * as wafv2 from "@pulumi/aws/wafv2";
import { attachedTo, Finding, judgeAttached, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, hasUnknown, isSet, isUnknown, list } from "../values";
import { T } from "./types";

type DistributionProps = ReturnType<typeof propsOf<cloudfront.DistributionArgs>>;

function distribution(r: PolicyResource): DistributionProps {
    return propsOf<cloudfront.DistributionArgs>(r);
}

export const viewerHttps: ResourceRule = {
    kind: "resource",
    name: "cloudfront-viewer-https",
    description: "CloudFront distributions require HTTPS between viewers and CloudFront [CloudFront.3].",
    controls: ["CloudFront.3"],
    severity: "medium",
    remediation:
        'Set viewerProtocolPolicy "redirect-to-https" (or "https-only") on the default and every ordered cache behavior.',
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution],
    options: {},
    check(r) {
        const p = distribution(r);
        const behaviors = [
            ...(p.defaultCacheBehavior && !isUnknown(p.defaultCacheBehavior)
                ? [{ path: "default", ...p.defaultCacheBehavior }]
                : []),
            ...list(p.orderedCacheBehaviors).map((b) => ({ path: b.pathPattern, ...b })),
        ];
        return behaviors
            .filter((b) => fails(b.viewerProtocolPolicy, (v) => v === "redirect-to-https" || v === "https-only"))
            .map(
                (b) =>
                    `distribution ${r.name}'s ${b.path} behavior allows HTTP (viewerProtocolPolicy ${JSON.stringify(b.viewerProtocolPolicy)})`,
            );
    },
};

export const distributionWaf: ResourceRule = {
    kind: "resource",
    name: "cloudfront-waf",
    description: "CloudFront distributions are protected by an AWS WAF web ACL [CloudFront.6].",
    controls: ["CloudFront.6"],
    severity: "medium",
    remediation: "Set webAclId to the ARN of a CLOUDFRONT-scope aws.wafv2.WebAcl (EdgeCdn creates one).",
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution],
    options: {},
    check(r) {
        return isSet(distribution(r).webAclId) ? [] : [`distribution ${r.name} has no webAclId`];
    },
};

export const distributionLogging: StackRule = {
    kind: "stack",
    name: "cloudfront-logging",
    description:
        "CloudFront distributions write access logs, legacy (loggingConfig) or standard logging v2 " +
        "(a CloudWatch log delivery source) [CloudFront.5].",
    controls: ["CloudFront.5"],
    severity: "medium",
    remediation:
        'Add an aws.cloudwatch.LogDeliverySource (logType "ACCESS_LOGS", resourceArn the distribution\'s ' +
        "ARN) with a LogDeliveryDestination and LogDelivery to the log bucket; or set loggingConfig.bucket.",
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution, T.logDeliverySource],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const d of ofTypes(resources, [T.distribution])) {
            const legacy = distribution(d).loggingConfig;
            if (legacy && (isUnknown(legacy) || isSet(legacy.bucket))) continue;
            const message = judgeAttached(
                attachedTo(resources, d, [T.logDeliverySource], "resourceArn"),
                `distribution ${d.name} writes no access logs (no loggingConfig, no log delivery source for its ARN)`,
                (s) =>
                    fails(propsOf<cloudwatch.LogDeliverySourceArgs>(s).logType, (t) => t === "ACCESS_LOGS")
                        ? `distribution ${d.name}'s log delivery source ${s.name} delivers ${propsOf<cloudwatch.LogDeliverySourceArgs>(s).logType}, not ACCESS_LOGS`
                        : undefined,
            );
            if (message) findings.push({ resource: d, message });
        }
        return findings;
    },
};

/** Minimum viewer TLS policies at least as strict as TLSv1.2_2021. */
const MODERN_VIEWER_TLS = ["TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"];

export const viewerTls: ResourceRule = {
    kind: "resource",
    name: "cloudfront-viewer-tls",
    description:
        "CloudFront distributions serve a custom certificate with TLSv1.2_2021 or a stricter minimum " +
        "[CloudFront.15, CloudFront.7].",
    controls: ["CloudFront.15", "CloudFront.7"],
    severity: "medium",
    remediation:
        'Set viewerCertificate { acmCertificateArn: <a us-east-1 ACM certificate>, sslSupportMethod: "sni-only", ' +
        'minimumProtocolVersion: "TLSv1.2_2021" }; the default *.cloudfront.net certificate allows TLSv1.',
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution],
    options: {},
    check(r) {
        const cert = distribution(r).viewerCertificate;
        if (!cert || isUnknown(cert)) return cert ? [] : [`distribution ${r.name} has no viewerCertificate`];
        if (
            cert.cloudfrontDefaultCertificate === true ||
            !(isSet(cert.acmCertificateArn) || isSet(cert.iamCertificateId))
        ) {
            return [`distribution ${r.name} uses the default CloudFront certificate, not a custom one`];
        }
        return fails(cert.minimumProtocolVersion, (v) => typeof v === "string" && MODERN_VIEWER_TLS.includes(v))
            ? [`distribution ${r.name} accepts viewer TLS down to ${cert.minimumProtocolVersion ?? "TLSv1 (unset)"}`]
            : [];
    },
};

/** S3 REST endpoints (website endpoints are custom origins and cannot use OAC). */
const S3_REST_DOMAIN = /\.s3[.-]([a-z0-9-]+\.)?amazonaws\.com(\.cn)?$/;

export const s3OriginAccessControl: ResourceRule = {
    kind: "resource",
    name: "cloudfront-s3-oac",
    description: "CloudFront reaches S3 origins through Origin Access Control, not a legacy OAI [CloudFront.13].",
    controls: ["CloudFront.13"],
    severity: "medium",
    remediation:
        "Create an aws.cloudfront.OriginAccessControl (originAccessControlOriginType s3, signing always) " +
        "and set the origin's originAccessControlId; drop s3OriginConfig.originAccessIdentity.",
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution],
    options: {},
    check(r) {
        return list(distribution(r).origins).flatMap((o) => {
            const toS3 =
                o.s3OriginConfig !== undefined ||
                (typeof o.domainName === "string" && S3_REST_DOMAIN.test(o.domainName));
            if (!toS3 || o.customOriginConfig !== undefined) return [];
            if (isSet(o.s3OriginConfig?.originAccessIdentity) && !isUnknown(o.s3OriginConfig?.originAccessIdentity)) {
                return [`distribution ${r.name}'s origin ${o.originId} uses a legacy origin access identity`];
            }
            return isSet(o.originAccessControlId)
                ? []
                : [`distribution ${r.name}'s S3 origin ${o.originId} has no originAccessControlId`];
        });
    },
};

const WEAK_ORIGIN_PROTOCOLS = ["SSLv3", "TLSv1", "TLSv1.1"];

export const originHttps: ResourceRule = {
    kind: "resource",
    name: "cloudfront-origin-https",
    description: "CloudFront reaches custom and VPC origins over HTTPS only, TLS 1.2 [CloudFront.9, CloudFront.10].",
    controls: ["CloudFront.9", "CloudFront.10"],
    severity: "medium",
    remediation:
        'Set originProtocolPolicy "https-only" and originSslProtocols ["TLSv1.2"] on customOriginConfig ' +
        "(and on aws.cloudfront.VpcOrigin's vpcOriginEndpointConfig).",
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution, T.vpcOrigin],
    options: {},
    check(r) {
        if (r.type === T.vpcOrigin) {
            const c = propsOf<cloudfront.VpcOriginArgs>(r).vpcOriginEndpointConfig;
            if (!c || isUnknown(c)) return [];
            return originProblems(`VPC origin ${r.name}`, c.originProtocolPolicy, list(c.originSslProtocols?.items));
        }
        return list(distribution(r).origins).flatMap((o) =>
            o.customOriginConfig && !isUnknown(o.customOriginConfig)
                ? originProblems(
                      `distribution ${r.name}'s origin ${o.originId}`,
                      o.customOriginConfig.originProtocolPolicy,
                      list(o.customOriginConfig.originSslProtocols),
                  )
                : [],
        );
    },
};

function originProblems(what: string, policy: unknown, protocols: unknown[]): string[] {
    const out: string[] = [];
    if (fails(policy, (p) => p === "https-only"))
        out.push(`${what} uses originProtocolPolicy ${JSON.stringify(policy)}, not "https-only"`);
    const weak = protocols.filter((p) => typeof p === "string" && WEAK_ORIGIN_PROTOCOLS.includes(p));
    if (weak.length) out.push(`${what} allows ${weak.join(", ")} to the origin`);
    return out;
}

type WebAclProps = ReturnType<typeof propsOf<wafv2.WebAclArgs>>;

export const wafHasRules: ResourceRule = {
    kind: "resource",
    name: "waf-has-rules",
    description: "AWS WAF web ACLs have at least one rule or rule group [WAF.10].",
    controls: ["WAF.10"],
    severity: "medium",
    remediation:
        "Add rules, e.g. the AWS managed rule groups AWSManagedRulesCommonRuleSet and " +
        "AWSManagedRulesKnownBadInputsRuleSet, plus a rate-based rule.",
    defaultLevel: "mandatory",
    resourceTypes: [T.webAcl],
    options: {},
    check(r) {
        const p = r.props as WebAclProps;
        if (isUnknown(p.rules) || isSet(p.ruleJson)) return [];
        return list(p.rules).length === 0 ? [`web ACL ${r.name} has no rules`] : [];
    },
};

export const wafMetrics: ResourceRule = {
    kind: "resource",
    name: "waf-metrics",
    description: "AWS WAF web ACLs and their rules send CloudWatch metrics [WAF.12].",
    controls: ["WAF.12"],
    severity: "medium",
    remediation: "Set visibilityConfig.cloudwatchMetricsEnabled: true on the web ACL and on every rule.",
    defaultLevel: "mandatory",
    resourceTypes: [T.webAcl],
    options: {},
    check(r) {
        const p = r.props as WebAclProps;
        const out: string[] = [];
        if (!isUnknown(p.visibilityConfig) && fails(p.visibilityConfig?.cloudwatchMetricsEnabled, (v) => v === true)) {
            out.push(`web ACL ${r.name} has CloudWatch metrics off`);
        }
        for (const rule of list(p.rules)) {
            if (!hasUnknown(rule.visibilityConfig) && rule.visibilityConfig?.cloudwatchMetricsEnabled !== true) {
                out.push(`web ACL ${r.name}'s rule ${rule.name} has CloudWatch metrics off`);
            }
        }
        return out;
    },
};

export const wafLogging: StackRule = {
    kind: "stack",
    name: "waf-logging",
    description: "AWS WAF web ACLs log their requests [WAF.11].",
    controls: ["WAF.11"],
    severity: "low",
    remediation:
        "Add an aws.wafv2.WebAclLoggingConfiguration with resourceArn the web ACL's ARN and a " +
        "KMS-encrypted log group named aws-waf-logs-* as destination (EdgeCdn does).",
    defaultLevel: "mandatory",
    resourceTypes: [T.webAcl, T.webAclLogging],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const acl of ofTypes(resources, [T.webAcl])) {
            const message = judgeAttached(
                attachedTo(resources, acl, [T.webAclLogging], "resourceArn"),
                `web ACL ${acl.name} has no logging configuration (no aws.wafv2.WebAclLoggingConfiguration names its ARN)`,
                (l) =>
                    list(propsOf<wafv2.WebAclLoggingConfigurationArgs>(l).logDestinationConfigs).length === 0 &&
                    !isUnknown(propsOf<wafv2.WebAclLoggingConfigurationArgs>(l).logDestinationConfigs)
                        ? `web ACL ${acl.name}'s logging configuration ${l.name} has no destination`
                        : undefined,
            );
            if (message) findings.push({ resource: acl, message });
        }
        return findings;
    },
};

/** Whether a distribution's origin goes to an S3 REST endpoint (a bucket), not a website or custom origin. */
function isS3Origin(o: { s3OriginConfig?: unknown; customOriginConfig?: unknown; domainName?: unknown }): boolean {
    if (o.customOriginConfig !== undefined) return false;
    return o.s3OriginConfig !== undefined || (typeof o.domainName === "string" && S3_REST_DOMAIN.test(o.domainName));
}

/**
 * CloudFront.1, where it protects something: a distribution whose root URL (the default cache
 * behavior) goes to an S3 origin returns a chosen object, not the bucket's listing or an error.
 * Security Hub also fails a distribution whose root goes to a custom origin (the application) and
 * which only serves S3 under a path pattern: a default root object there would rewrite "/" on the
 * application, so this rule leaves such distributions alone (suppress that finding with this reason).
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-1
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/DefaultRootObject.html
 */
export const defaultRootObject: ResourceRule = {
    kind: "resource",
    name: "cloudfront-default-root-object",
    description:
        "CloudFront distributions whose root URL goes to an S3 origin return a default root object [CloudFront.1].",
    controls: ["CloudFront.1"],
    severity: "high",
    remediation:
        'Set defaultRootObject (e.g. "index.html") on a distribution whose default cache behavior targets an S3 origin.',
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution],
    options: {},
    check(r) {
        const p = distribution(r);
        if (isUnknown(p.defaultCacheBehavior) || isUnknown(p.origins) || isUnknown(p.defaultRootObject)) return [];
        const target = p.defaultCacheBehavior?.targetOriginId;
        const origin = list(p.origins).find((o) => o.originId === target);
        if (!origin || isUnknown(origin) || !isS3Origin(origin)) return [];
        return isSet(p.defaultRootObject)
            ? []
            : [
                  `distribution ${r.name}'s root URL goes to the S3 origin ${origin.originId} and no defaultRootObject is set`,
              ];
    },
};

/**
 * https://docs.aws.amazon.com/securityhub/latest/userguide/cloudfront-controls.html#cloudfront-8
 * (a dedicated IP per edge location: "vip" is refused; "static-ip" needs AWS's approval and is the same kind).
 */
export const viewerSni: ResourceRule = {
    kind: "resource",
    name: "cloudfront-sni",
    description:
        "CloudFront distributions with a custom certificate serve HTTPS with SNI, not dedicated IP addresses [CloudFront.8].",
    controls: ["CloudFront.8"],
    severity: "low",
    remediation: 'Set viewerCertificate.sslSupportMethod: "sni-only".',
    defaultLevel: "mandatory",
    resourceTypes: [T.distribution],
    options: {},
    check(r) {
        const cert = distribution(r).viewerCertificate;
        if (!cert || isUnknown(cert) || !(isSet(cert.acmCertificateArn) || isSet(cert.iamCertificateId))) return [];
        return fails(cert.sslSupportMethod, (v) => v === "sni-only")
            ? [
                  `distribution ${r.name} serves its certificate with sslSupportMethod ${JSON.stringify(cert.sslSupportMethod)}, not "sni-only"`,
              ]
            : [];
    },
};
