import type * as lb from "@pulumi/aws/lb";
import { Finding, ofTypes, PolicyResource, propsOf, referenced, ResourceRule, StackRule } from "../rule";
import { fails, hasUnknown, isSet, list } from "../values";
import { LISTENER_RULES, LISTENERS, LOAD_BALANCERS } from "./types";

/** Application load balancers only (the default type); NLBs and GWLBs have no HTTP features. */
function isApplication(r: PolicyResource): boolean {
    const type = propsOf<lb.LoadBalancerArgs>(r).loadBalancerType;
    return type === undefined || type === "application";
}

export const httpRedirectsToHttps: ResourceRule = {
    kind: "resource",
    name: "elb-http-redirects-to-https",
    description: "HTTP listeners of load balancers only redirect to HTTPS [ELB.1].",
    controls: ["ELB.1"],
    severity: "medium",
    remediation:
        'Give the port-80 listener a single default action { type: "redirect", redirect: { protocol: "HTTPS", ' +
        'port: "443", statusCode: "HTTP_301" } }, and serve content on an HTTPS listener.',
    defaultLevel: "mandatory",
    resourceTypes: LISTENERS,
    options: {},
    check(r) {
        const p = propsOf<lb.ListenerArgs>(r);
        if (p.protocol !== "HTTP") return [];
        const actions = p.defaultActions;
        if (hasUnknown(actions)) return [];
        const bad = list(actions).filter((a) => a.type !== "redirect" || a.redirect?.protocol !== "HTTPS");
        if (list(actions).length === 0 || bad.length > 0) {
            return [
                `HTTP listener ${r.name} ${bad.length ? `has a ${bad[0].type} action` : "has no action"}; it must only redirect to HTTPS`,
            ];
        }
        return [];
    },
};

/**
 * ELB.1 for what the listener's default actions do not show: a listener rule on an HTTP listener
 * forwards plain HTTP as surely as a default action would. AWS Config's rule fails an HTTP listener
 * with any forwarding rule.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-1
 * https://docs.aws.amazon.com/config/latest/developerguide/alb-http-to-https-redirection-check.html
 */
export const httpListenerRulesRedirect: StackRule = {
    kind: "stack",
    name: "elb-http-listener-rules-redirect",
    description: "Listener rules on HTTP listeners only redirect to HTTPS [ELB.1].",
    controls: ["ELB.1"],
    severity: "medium",
    remediation:
        "Attach forwarding rules to the HTTPS listener; a rule on the HTTP listener may only redirect to HTTPS.",
    defaultLevel: "mandatory",
    resourceTypes: [...LISTENER_RULES, ...LISTENERS],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const rule of ofTypes(resources, LISTENER_RULES)) {
            const listener = referenced(resources, rule, "listenerArn", LISTENERS);
            // A listener made elsewhere, or not known yet, cannot be judged here.
            if (
                listener === undefined ||
                listener === "unknown" ||
                propsOf<lb.ListenerArgs>(listener).protocol !== "HTTP"
            )
                continue;
            const actions = propsOf<lb.ListenerRuleArgs>(rule).actions;
            if (hasUnknown(actions)) continue;
            const bad = list(actions).find((a) => a.type !== "redirect" || a.redirect?.protocol !== "HTTPS");
            if (bad) {
                findings.push({
                    resource: rule,
                    message:
                        `listener rule ${rule.name} on HTTP listener ${listener.name} has a ` +
                        `${bad.type} action; it must only redirect to HTTPS`,
                });
            }
        }
        return findings;
    },
};

export const dropInvalidHeaders: ResourceRule = {
    kind: "resource",
    name: "elb-drop-invalid-headers",
    description: "Application load balancers drop HTTP headers that are not valid [ELB.4].",
    controls: ["ELB.4"],
    severity: "medium",
    remediation: "Set dropInvalidHeaderFields: true.",
    defaultLevel: "mandatory",
    resourceTypes: LOAD_BALANCERS,
    options: {},
    check(r) {
        if (!isApplication(r)) return [];
        return fails(propsOf<lb.LoadBalancerArgs>(r).dropInvalidHeaderFields, (v) => v === true)
            ? [`load balancer ${r.name} does not set dropInvalidHeaderFields: true`]
            : [];
    },
};

export const accessLogs: ResourceRule = {
    kind: "resource",
    name: "elb-access-logs",
    description: "Application load balancers write access logs to S3 [ELB.5].",
    controls: ["ELB.5"],
    severity: "medium",
    remediation: "Set accessLogs: { enabled: true, bucket: <a SecureBucket with purpose elbLogs> }.",
    defaultLevel: "mandatory",
    resourceTypes: LOAD_BALANCERS,
    options: {},
    check(r) {
        if (!isApplication(r)) return [];
        // accessLogs.enabled defaults to false even when a bucket is given.
        return fails(propsOf<lb.LoadBalancerArgs>(r).accessLogs, (l) => l?.enabled === true && isSet(l.bucket))
            ? [`load balancer ${r.name} has no access logs (accessLogs.enabled must be true, with a bucket)`]
            : [];
    },
};

export const deletionProtection: ResourceRule = {
    kind: "resource",
    name: "elb-deletion-protection",
    description: "Load balancers have deletion protection on [ELB.6]. Advisory: a dev stack is meant to be destroyed.",
    controls: ["ELB.6"],
    severity: "medium",
    remediation: "Set enableDeletionProtection: true (Citadel does in prod, with protect).",
    defaultLevel: "advisory",
    resourceTypes: LOAD_BALANCERS,
    options: {},
    check(r) {
        return fails(propsOf<lb.LoadBalancerArgs>(r).enableDeletionProtection, (v) => v === true)
            ? [`load balancer ${r.name} does not set enableDeletionProtection: true`]
            : [];
    },
};

export const desyncMitigation: ResourceRule = {
    kind: "resource",
    name: "elb-desync-mitigation",
    description: "Application load balancers mitigate HTTP desync in defensive or strictest mode [ELB.12].",
    controls: ["ELB.12"],
    severity: "medium",
    remediation: 'Set desyncMitigationMode to "defensive" (the AWS default) or "strictest"; never "monitor".',
    defaultLevel: "mandatory",
    resourceTypes: LOAD_BALANCERS,
    options: {},
    check(r) {
        if (!isApplication(r)) return [];
        // Unset means AWS's default, "defensive", which the control accepts.
        return fails(
            propsOf<lb.LoadBalancerArgs>(r).desyncMitigationMode,
            (m) => m === undefined || m === "defensive" || m === "strictest",
        )
            ? [
                  `load balancer ${r.name} uses desyncMitigationMode ${JSON.stringify(propsOf<lb.LoadBalancerArgs>(r).desyncMitigationMode)}`,
              ]
            : [];
    },
};

/** TLS 1.2+ policies without CBC ciphers (ELB.17 also accepts the Ext ones, which keep CBC suites). */
export const RECOMMENDED_SSL_POLICIES = [
    "ELBSecurityPolicy-TLS13-1-2-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-Res-2021-06",
    "ELBSecurityPolicy-TLS13-1-3-2021-06",
    "ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-Res-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-3-FIPS-2023-04",
    "ELBSecurityPolicy-TLS13-1-2-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-3-PQ-2025-09",
];

export interface TlsPolicyOptions {
    /** Security policies an HTTPS or TLS listener may use. @default RECOMMENDED_SSL_POLICIES */
    allowedSslPolicies: string[];
}

export const tlsPolicy: ResourceRule<TlsPolicyOptions> = {
    kind: "resource",
    name: "elb-tls-policy",
    description: "HTTPS and TLS listeners use an allowed (TLS 1.2+, recommended) security policy [ELB.17].",
    controls: ["ELB.17"],
    severity: "medium",
    remediation:
        'Set sslPolicy to one of the allowed policies, e.g. "ELBSecurityPolicy-TLS13-1-2-Res-2021-06". ' +
        "Unset, AWS applies ELBSecurityPolicy-2016-08, which admits TLS 1.0.",
    defaultLevel: "mandatory",
    resourceTypes: LISTENERS,
    options: {
        allowedSslPolicies: {
            type: "array",
            items: { type: "string" },
            description: "Security policies an HTTPS or TLS listener may use.",
            default: RECOMMENDED_SSL_POLICIES,
        },
    },
    check(r, { allowedSslPolicies }) {
        const p = propsOf<lb.ListenerArgs>(r);
        if (p.protocol !== "HTTPS" && p.protocol !== "TLS") return [];
        return fails(p.sslPolicy, (s) => typeof s === "string" && allowedSslPolicies.includes(s))
            ? [
                  `${p.protocol} listener ${r.name} uses sslPolicy ${JSON.stringify(p.sslPolicy ?? "unset")}, not an allowed one`,
              ]
            : [];
    },
};
