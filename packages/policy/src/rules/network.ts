import type * as ec2 from "@pulumi/aws/ec2";
import type * as vpc from "@pulumi/aws/vpc";
import type * as elb from "@pulumi/aws/lb";
import { Cidr, cidrUnionSize, DEFAULT_INGRESS_PREFIX_FLOOR, parseCidr } from "@citadel/shared";
import { attachedTo, Finding, judgeAttached, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, hasUnknown, list } from "../values";
import { LOAD_BALANCERS, T } from "./types";

export const vpcFlowLogs: StackRule = {
    kind: "stack",
    name: "ec2-vpc-flow-logs",
    description: "Every VPC records its traffic (ALL or REJECT) in flow logs [EC2.6].",
    controls: ["EC2.6"],
    severity: "medium",
    remediation: "Add an aws.ec2.FlowLog with vpcId set to the VPC and trafficType ALL (SecureVpc does this).",
    defaultLevel: "mandatory",
    resourceTypes: [T.vpc, T.flowLog],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const v of ofTypes(resources, [T.vpc])) {
            const message = judgeAttached(
                attachedTo(resources, v, [T.flowLog], "vpcId"),
                `VPC ${v.name} has no flow log (no aws.ec2.FlowLog has its vpcId)`,
                (fl) =>
                    fails(propsOf<ec2.FlowLogArgs>(fl).trafficType, (t) => t === "ALL" || t === "REJECT")
                        ? `the flow log ${fl.name} of VPC ${v.name} records trafficType ${propsOf<ec2.FlowLogArgs>(fl).trafficType}, not ALL or REJECT`
                        : undefined,
            );
            if (message) findings.push({ resource: v, message });
        }
        return findings;
    },
};

export const defaultSecurityGroupClosed: StackRule = {
    kind: "stack",
    name: "ec2-default-sg-closed",
    description: "Each VPC's default security group is adopted and allows no inbound or outbound traffic [EC2.2].",
    controls: ["EC2.2"],
    severity: "high",
    remediation:
        "Adopt the default group with an aws.ec2.DefaultSecurityGroup (vpcId = the VPC) without ingress or " +
        "egress rules, so AWS's default allow-all rules are removed (SecureVpc does this).",
    defaultLevel: "mandatory",
    resourceTypes: [T.vpc, T.defaultSecurityGroup],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const v of ofTypes(resources, [T.vpc])) {
            const message = judgeAttached(
                attachedTo(resources, v, [T.defaultSecurityGroup], "vpcId"),
                `VPC ${v.name}'s default security group keeps AWS's default rules (no aws.ec2.DefaultSecurityGroup adopts it)`,
            );
            if (message) findings.push({ resource: v, message });
        }
        for (const g of ofTypes(resources, [T.defaultSecurityGroup])) {
            const p = propsOf<ec2.DefaultSecurityGroupArgs>(g);
            const ingress = list(p.ingress).length;
            const egress = list(p.egress).length;
            if (ingress + egress > 0) {
                findings.push({
                    resource: g,
                    message:
                        `the default security group ${g.name} has ${ingress} ingress and ` +
                        `${egress} egress rules; it must have none`,
                });
            }
        }
        return findings;
    },
};

export const subnetNoPublicIp: ResourceRule = {
    kind: "resource",
    name: "ec2-subnet-no-public-ip",
    description: "Subnets do not assign public IPv4 addresses to instances on launch [EC2.15].",
    controls: ["EC2.15"],
    severity: "medium",
    remediation:
        "Set mapPublicIpOnLaunch: false; an instance that must be public asks for an address on its own interface.",
    defaultLevel: "mandatory",
    resourceTypes: [T.subnet],
    options: {},
    check(r) {
        const p = propsOf<ec2.SubnetArgs>(r);
        return p.mapPublicIpOnLaunch === true ? [`subnet ${r.name} sets mapPublicIpOnLaunch: true`] : [];
    },
};

export interface WorldIngressOptions {
    /** Ports (0 to 65535, TCP or UDP) a load balancer's security group may open to the world. @default [80, 443] */
    allowedPorts: number[];
    /**
     * The widest IPv4 source (a prefix length, 1 to 32) counted as not the internet; a group's sources together may
     * open at most as many addresses. @default DEFAULT_INGRESS_PREFIX_FLOOR (16, from @citadel/shared)
     */
    minPrefixLength: number;
}

/** Ranges wider than this are reported as a range, not enumerated. */
const MAX_ENUMERATED = 1024;

interface IngressLine {
    protocol: unknown;
    fromPort: unknown;
    toPort: unknown;
    cidrs: unknown[];
}

/**
 * The internet, whole or in pieces: a source wider than /minPrefixLength (0.0.0.0/1, 0.0.0.0/2, ::/0),
 * or blocks that together open more addresses than one such block (0.0.0.0/1 + 128.0.0.0/1, or 300
 * /24s). Only a load balancer's group may open allow-listed ports (443) that wide; any other group
 * never. One pass over the resources, one sort per group: linear in the stack's size.
 */
export const noWorldIngress: StackRule<WorldIngressOptions> = {
    kind: "stack",
    name: "ec2-no-world-ingress",
    description:
        "No security group admits the internet (0.0.0.0/0, ::/0, a block wider than /16, or blocks that " +
        "together open more than a /16) except a load balancer's on allow-listed TCP/UDP ports (80 and 443 by default) " +
        "[EC2.18, EC2.19].",
    controls: ["EC2.18", "EC2.19"],
    severity: "high",
    remediation:
        "Admit a specific CIDR, prefix list or security group instead of the world; a port that must be " +
        "public belongs on a load balancer's group (and in this rule's allowedPorts option).",
    defaultLevel: "mandatory",
    resourceTypes: [T.securityGroup, T.securityGroupRule, T.securityGroupIngressRule],
    options: {
        allowedPorts: {
            type: "array",
            items: { type: "integer", minimum: 0, maximum: 65535 },
            description: "Ports a load balancer's security group may open to the world (TCP or UDP).",
            default: [80, 443],
        },
        minPrefixLength: {
            type: "integer",
            minimum: 1,
            maximum: 32,
            default: DEFAULT_INGRESS_PREFIX_FLOOR,
            description:
                "The widest IPv4 source counted as not the internet; a group's sources together may open at most as many addresses.",
        },
    },
    check(resources, { allowedPorts, minPrefixLength }) {
        const lbGroups = new Set(
            ofTypes(resources, LOAD_BALANCERS)
                .flatMap((lb) => list(propsOf<elb.LoadBalancerArgs>(lb).securityGroups))
                .filter((g): g is string => typeof g === "string"),
        );
        const findings: Finding[] = [];
        const byGroup = new Map<string, { resource: PolicyResource; cidrs: Cidr[] }>();
        for (const r of ofTypes(resources, [T.securityGroup, T.securityGroupRule, T.securityGroupIngressRule])) {
            const group =
                r.type === T.securityGroup ? r.id : propsOf<vpc.SecurityGroupIngressRuleArgs>(r).securityGroupId;
            const isLb = typeof group === "string" && lbGroups.has(group);
            for (const line of ingressLines(r)) {
                const wide: string[] = [];
                for (const c of line.cidrs) {
                    if (typeof c !== "string") continue;
                    if (c === "::/0") {
                        wide.push(c);
                        continue;
                    }
                    const parsed = parseCidr(c);
                    if (!parsed) continue;
                    if (parsed.prefix < minPrefixLength) wide.push(c);
                    else if (typeof group === "string") {
                        const entry = byGroup.get(group) ?? { resource: r, cidrs: [] };
                        entry.cidrs.push(parsed);
                        byGroup.set(group, entry);
                    }
                }
                if (wide.length === 0) continue;
                const problem = worldIngressProblem(line, isLb ? allowedPorts : []);
                if (problem) {
                    findings.push({
                        resource: r,
                        message:
                            `${r.name} admits ${wide.join(" and ")} ${problem}` +
                            (isLb ? "" : " (only a load balancer's security group may be open to the internet)"),
                    });
                }
            }
        }
        const max = 2 ** (32 - minPrefixLength);
        for (const [group, { resource, cidrs }] of byGroup) {
            const size = cidrUnionSize(cidrs);
            if (size > max) {
                findings.push({
                    resource,
                    message:
                        `security group ${group}'s IPv4 sources together open ${size} addresses, ` +
                        `more than one /${minPrefixLength} (${max}): the internet in pieces`,
                });
            }
        }
        return findings;
    },
};

function ingressLines(r: PolicyResource): IngressLine[] {
    switch (r.type) {
        case T.securityGroup: {
            const p = propsOf<ec2.SecurityGroupArgs>(r);
            return list(p.ingress).map((i) => ({
                protocol: i.protocol,
                fromPort: i.fromPort,
                toPort: i.toPort,
                cidrs: [...list(i.cidrBlocks), ...list(i.ipv6CidrBlocks)],
            }));
        }
        case T.securityGroupRule: {
            const p = propsOf<ec2.SecurityGroupRuleArgs>(r);
            if (p.type !== "ingress") return [];
            return [
                {
                    protocol: p.protocol,
                    fromPort: p.fromPort,
                    toPort: p.toPort,
                    cidrs: [...list(p.cidrBlocks), ...list(p.ipv6CidrBlocks)],
                },
            ];
        }
        case T.securityGroupIngressRule: {
            const p = propsOf<vpc.SecurityGroupIngressRuleArgs>(r);
            return [
                { protocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort, cidrs: [p.cidrIpv4, p.cidrIpv6] },
            ];
        }
        default:
            return [];
    }
}

/** Why a world-open line is not acceptable, or undefined when it only opens allow-listed ports. */
function worldIngressProblem(line: IngressLine, allowedPorts: number[]): string | undefined {
    if (hasUnknown([line.protocol, line.fromPort, line.toPort])) return undefined;
    const protocol = String(line.protocol).toLowerCase();
    const tcpOrUdp = ["tcp", "udp", "6", "17"].includes(protocol);
    if (!tcpOrUdp) {
        return protocol === "-1" || protocol === "all" ? "on every protocol and port" : `on protocol ${protocol}`;
    }
    const from = Number(line.fromPort);
    const to = Number(line.toPort);
    if (!Number.isInteger(from) || !Number.isInteger(to)) return `on ${protocol} without a port range`;
    if (to - from + 1 > MAX_ENUMERATED) return `on ${protocol} ports ${from}-${to}`;
    const open: number[] = [];
    for (let port = from; port <= to; port++) if (!allowedPorts.includes(port)) open.push(port);
    if (open.length === 0) return undefined;
    return (
        `on ${protocol} port${open.length > 1 ? "s" : ""} ${from === to ? from : `${from}-${to}`}, ` +
        `outside the allowed ports ${allowedPorts.join(", ") || "(none)"}`
    );
}
