import type * as ec2 from "@pulumi/aws/ec2";
import type * as vpc from "@pulumi/aws/vpc";
import { attachedTo, Finding, judgeAttached, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, hasUnknown, list } from "../values";
import { T } from "./types";

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
            const message = judgeAttached(attachedTo(resources, v, [T.flowLog], "vpcId"),
                `VPC ${v.name} has no flow log (no aws.ec2.FlowLog has its vpcId)`,
                (fl) => fails(propsOf<ec2.FlowLogArgs>(fl).trafficType, (t) => t === "ALL" || t === "REJECT")
                    ? `the flow log ${fl.name} of VPC ${v.name} records trafficType ${propsOf<ec2.FlowLogArgs>(fl).trafficType}, not ALL or REJECT`
                    : undefined);
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
    remediation: "Adopt the default group with an aws.ec2.DefaultSecurityGroup (vpcId = the VPC) without ingress or " +
        "egress rules, so AWS's default allow-all rules are removed (SecureVpc does this).",
    defaultLevel: "mandatory",
    resourceTypes: [T.vpc, T.defaultSecurityGroup],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const v of ofTypes(resources, [T.vpc])) {
            const message = judgeAttached(attachedTo(resources, v, [T.defaultSecurityGroup], "vpcId"),
                `VPC ${v.name}'s default security group keeps AWS's default rules (no aws.ec2.DefaultSecurityGroup adopts it)`);
            if (message) findings.push({ resource: v, message });
        }
        for (const g of ofTypes(resources, [T.defaultSecurityGroup])) {
            const p = propsOf<ec2.DefaultSecurityGroupArgs>(g);
            const ingress = list(p.ingress).length;
            const egress = list(p.egress).length;
            if (ingress + egress > 0) {
                findings.push({ resource: g, message: `the default security group ${g.name} has ${ingress} ingress and ` +
                    `${egress} egress rules; it must have none` });
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
    remediation: "Set mapPublicIpOnLaunch: false; an instance that must be public asks for an address on its own interface.",
    defaultLevel: "mandatory",
    resourceTypes: [T.subnet],
    options: {},
    check(r) {
        const p = propsOf<ec2.SubnetArgs>(r);
        return p.mapPublicIpOnLaunch === true ? [`subnet ${r.name} sets mapPublicIpOnLaunch: true`] : [];
    },
};

export interface WorldIngressOptions {
    allowedPorts: number[];
}

const WORLD = ["0.0.0.0/0", "::/0"];
/** Ranges wider than this are reported as a range, not enumerated. */
const MAX_ENUMERATED = 1024;

interface IngressLine {
    protocol: unknown;
    fromPort: unknown;
    toPort: unknown;
    cidrs: unknown[];
}

export const noWorldIngress: ResourceRule<WorldIngressOptions> = {
    kind: "resource",
    name: "ec2-no-world-ingress",
    description: "No security group admits 0.0.0.0/0 or ::/0 except on allow-listed TCP/UDP ports (80 and 443 " +
        "by default) [EC2.18, EC2.19].",
    controls: ["EC2.18", "EC2.19"],
    severity: "high",
    remediation: "Admit a specific CIDR, prefix list or security group instead of the world; or, for a port that " +
        "must be public (a load balancer's), add it to this rule's allowedPorts option.",
    defaultLevel: "mandatory",
    resourceTypes: [T.securityGroup, T.securityGroupRule, T.securityGroupIngressRule],
    options: {
        allowedPorts: {
            type: "array",
            items: { type: "integer", minimum: 0, maximum: 65535 },
            description: "Ports that may be open to the world (TCP or UDP).",
            default: [80, 443],
        },
    },
    check(r, { allowedPorts }) {
        return ingressLines(r).flatMap((line) => {
            const world = line.cidrs.filter((c): c is string => typeof c === "string" && WORLD.includes(c));
            if (world.length === 0) return [];
            const problem = worldIngressProblem(line, allowedPorts);
            return problem ? [`${r.name} admits ${world.join(" and ")} ${problem}`] : [];
        });
    },
};

function ingressLines(r: PolicyResource): IngressLine[] {
    switch (r.type) {
        case T.securityGroup: {
            const p = propsOf<ec2.SecurityGroupArgs>(r);
            return list(p.ingress).map((i) => ({
                protocol: i.protocol, fromPort: i.fromPort, toPort: i.toPort,
                cidrs: [...list(i.cidrBlocks), ...list(i.ipv6CidrBlocks)],
            }));
        }
        case T.securityGroupRule: {
            const p = propsOf<ec2.SecurityGroupRuleArgs>(r);
            if (p.type !== "ingress") return [];
            return [{ protocol: p.protocol, fromPort: p.fromPort, toPort: p.toPort,
                cidrs: [...list(p.cidrBlocks), ...list(p.ipv6CidrBlocks)] }];
        }
        case T.securityGroupIngressRule: {
            const p = propsOf<vpc.SecurityGroupIngressRuleArgs>(r);
            return [{ protocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort, cidrs: [p.cidrIpv4, p.cidrIpv6] }];
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
    return `on ${protocol} port${open.length > 1 ? "s" : ""} ${from === to ? from : `${from}-${to}`}, ` +
        `outside the allowed ports ${allowedPorts.join(", ") || "(none)"}`;
}
