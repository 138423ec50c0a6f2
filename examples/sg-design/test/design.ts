/**
 * Seed 001's security-group design as data, and a checker that reads a plan's JSON (GUIDE.md §5)
 * and compares who may reach whom, on which port, with what the write-up states: every stated rule
 * present, nothing else open.
 *
 * Groups are named by what they are attached to (the load balancer, the ECS service, the database,
 * the EC2 instance, the interface endpoints), never by their logical names, so a renamed group
 * cannot hide a rule.
 */

/** A plan resource as `pnpm plan --json` prints it. */
export interface PlanResource {
    type: string;
    name: string;
    id?: string;
    parent?: string;
    inputs: Record<string, any>;
}

/** The roles of seed 001, plus "internet" and "vpc" (the VPC's CIDR block) as peers. */
export type Role = "loadBalancer" | "tasks" | "database" | "instance" | "endpoints";

/** One allowed flow: `from` may open a connection to `to` on `port` ("tcp/443", or "all"). */
export interface Flow {
    from: string;
    to: string;
    port: string;
    /** The sentence of the write-up (or the reason) it comes from. */
    why: string;
}

/** Inbound rules, one per sentence of the write-up; `appPort` is the container's port. */
export function expectedIngress(appPort: number): Flow[] {
    return [
        {
            from: "internet",
            to: "loadBalancer",
            port: "tcp/443",
            why: "LB SG: allows external traffic on port 443 (HTTPS)",
        },
        {
            from: "internet",
            to: "loadBalancer",
            port: "tcp/80",
            why: "listener: HTTP requests are redirected to HTTPS (port 80 only redirects)",
        },
        {
            from: "loadBalancer",
            to: "tasks",
            port: `tcp/${appPort}`,
            why: "the load balancer directs requests to the ECS tasks' target group",
        },
        {
            from: "tasks",
            to: "tasks",
            port: "all",
            why: "ECS SG: allow traffic from the same SG (inter-task communication)",
        },
        {
            from: "tasks",
            to: "database",
            port: "tcp/5432",
            why: "RDS SG: access only from authorized sources, the ECS tasks",
        },
        {
            from: "vpc",
            to: "endpoints",
            port: "tcp/443",
            why: "EC2/SSM: HTTPS on 443 for secure communication with SSM",
        },
    ];
}

/**
 * Outbound rules. The write-up opens the load balancer's outbound "to all"; Citadel narrows it to
 * the tasks on their port (all a load balancer ever opens), a deliberate tightening.
 */
export function expectedEgress(appPort: number): Flow[] {
    return [
        { from: "tasks", to: "internet", port: "all", why: "ECS SG: outbound open to all" },
        {
            from: "loadBalancer",
            to: "tasks",
            port: `tcp/${appPort}`,
            why: "LB SG: responses and forwarding (narrowed to the tasks)",
        },
        { from: "instance", to: "internet", port: "tcp/443", why: "EC2/SSM: the SSM Agent connects out over HTTPS" },
    ];
}

const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS_RULE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const LEGACY_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
const GROUP_TYPES = ["aws:ec2/securityGroup:SecurityGroup", "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"];

/** Security group id → role, from what each group is attached to. */
export function groupRoles(resources: PlanResource[]): Map<string, string> {
    const roles = new Map<string, string>();
    const attach = (ids: unknown, role: Role) => {
        for (const id of Array.isArray(ids) ? ids : []) {
            const prior = roles.get(id);
            roles.set(id, prior && prior !== role ? `${prior}+${role}` : role);
        }
    };
    for (const r of resources) {
        const i = r.inputs;
        if (r.type === "aws:lb/loadBalancer:LoadBalancer") attach(i.securityGroups, "loadBalancer");
        if (r.type === "aws:ecs/service:Service") attach(i.networkConfiguration?.securityGroups, "tasks");
        if (r.type === "aws:rds/instance:Instance") attach(i.vpcSecurityGroupIds, "database");
        if (r.type === "aws:ec2/instance:Instance") attach(i.vpcSecurityGroupIds, "instance");
        if (r.type === "aws:ec2/vpcEndpoint:VpcEndpoint") attach(i.securityGroupIds, "endpoints");
    }
    // A group attached to nothing still counts: whatever it opens is unexpected.
    for (const r of resources) {
        if (GROUP_TYPES.includes(r.type) && r.id && !roles.has(r.id)) roles.set(r.id, `unattached group ${r.name}`);
    }
    return roles;
}

function portOf(protocol: unknown, from: unknown, to: unknown): string {
    const p = String(protocol);
    if (p === "-1" || p === "all") return "all";
    return from === to ? `${p}/${from}` : `${p}/${from}-${to}`;
}

/** The flows the plan's security groups allow, inbound and outbound. */
export function planFlows(resources: PlanResource[]): { ingress: Flow[]; egress: Flow[] } {
    const roles = groupRoles(resources);
    const vpcCidrs = new Set(resources.filter((r) => r.type === "aws:ec2/vpc:Vpc").map((r) => r.inputs.cidrBlock));
    const peer = (i: Record<string, any>, sgKey: string): string => {
        if (i[sgKey]) return roles.get(i[sgKey]) ?? `group ${i[sgKey]}`;
        const cidr = i.cidrIpv4 ?? i.cidrIpv6 ?? i.cidrBlocks?.join(",") ?? i.ipv6CidrBlocks?.join(",");
        if (cidr === "0.0.0.0/0" || cidr === "::/0") return "internet";
        if (cidr && vpcCidrs.has(cidr)) return "vpc";
        if (i.prefixListId) return `prefix list ${i.prefixListId}`;
        if (i.self) return "(self)";
        return cidr ?? "(unknown)";
    };
    const ingress: Flow[] = [];
    const egress: Flow[] = [];
    const add = (direction: "ingress" | "egress", group: string, other: string, port: string, why: string) => {
        if (direction === "ingress") ingress.push({ from: other, to: group, port, why });
        else egress.push({ from: group, to: other, port, why });
    };
    for (const r of resources) {
        const i = r.inputs;
        if (r.type === INGRESS_RULE || r.type === EGRESS_RULE) {
            const group = roles.get(i.securityGroupId) ?? `group ${i.securityGroupId}`;
            add(
                r.type === INGRESS_RULE ? "ingress" : "egress",
                group,
                peer(i, "referencedSecurityGroupId"),
                portOf(i.ipProtocol, i.fromPort, i.toPort),
                r.name,
            );
        } else if (r.type === LEGACY_RULE) {
            const group = roles.get(i.securityGroupId) ?? `group ${i.securityGroupId}`;
            const other = i.self ? group : peer(i, "sourceSecurityGroupId");
            add(i.type, group, other, portOf(i.protocol, i.fromPort, i.toPort), r.name);
        } else if (GROUP_TYPES.includes(r.type)) {
            // Inline rules on the group itself.
            const group = roles.get(r.id ?? "") ?? `group ${r.name}`;
            for (const direction of ["ingress", "egress"] as const) {
                for (const rule of (i[direction] ?? []) as Array<Record<string, any>>) {
                    const sources: string[] = [
                        ...(rule.cidrBlocks ?? []).map((c: string) => peer({ cidrIpv4: c }, "")),
                        ...(rule.securityGroups ?? []).map((g: string) => roles.get(g) ?? `group ${g}`),
                        ...(rule.prefixListIds ?? []).map((p: string) => `prefix list ${p}`),
                        ...(rule.self ? [group] : []),
                    ];
                    for (const other of sources.length ? sources : ["(unknown)"]) {
                        add(
                            direction,
                            group,
                            other,
                            portOf(rule.protocol, rule.fromPort, rule.toPort),
                            `${r.name} (inline)`,
                        );
                    }
                }
            }
        }
    }
    return { ingress, egress };
}

const key = (f: Flow) => `${f.from} -> ${f.to} on ${f.port}`;

/** Differences between what the plan allows and what is expected; empty when they match exactly. */
export function compareFlows(direction: string, actual: Flow[], expected: Flow[]): string[] {
    const have = new Map(actual.map((f) => [key(f), f]));
    const want = new Map(expected.map((f) => [key(f), f]));
    return [
        ...[...want].filter(([k]) => !have.has(k)).map(([k, f]) => `${direction} missing: ${k} (${f.why})`),
        ...[...have]
            .filter(([k]) => !want.has(k))
            .map(([k, f]) => `${direction} not in the design: ${k} (rule ${f.why})`),
    ];
}

/**
 * Everything seed 001 states, checked on a plan: the flows (both directions, exactly), the HTTPS
 * listener and the HTTP listener that only redirects, and nothing that should be private given a
 * public address. Returns the problems found; empty means the plan is the design.
 */
export function designProblems(resources: PlanResource[], appPort: number): string[] {
    const { ingress, egress } = planFlows(resources);
    const problems = [
        ...compareFlows("ingress", ingress, expectedIngress(appPort)),
        ...compareFlows("egress", egress, expectedEgress(appPort)),
    ];
    const ofType = (t: string) => resources.filter((r) => r.type === t);

    const listeners = ofType("aws:lb/listener:Listener");
    const https = listeners.filter((l) => l.inputs.port === 443 && l.inputs.protocol === "HTTPS");
    if (https.length !== 1) problems.push(`expected one HTTPS listener on 443, found ${https.length}`);
    const http = listeners.filter((l) => l.inputs.port === 80);
    const redirects = http.filter(
        (l) =>
            l.inputs.defaultActions?.length === 1 &&
            l.inputs.defaultActions[0].type === "redirect" &&
            l.inputs.defaultActions[0].redirect?.protocol === "HTTPS",
    );
    if (http.length !== 1 || redirects.length !== 1)
        problems.push("expected one listener on 80 whose only action redirects to HTTPS");
    const others = listeners.filter((l) => l.inputs.port !== 443 && l.inputs.port !== 80);
    for (const l of others) problems.push(`listener ${l.name} on ${l.inputs.port} is not in the design`);
    for (const tg of ofType("aws:lb/targetGroup:TargetGroup")) {
        if (tg.inputs.targetType !== "ip" || tg.inputs.port !== appPort) {
            problems.push(`target group ${tg.name} does not send to the tasks' private IPs on ${appPort}`);
        }
    }

    for (const db of ofType("aws:rds/instance:Instance")) {
        if (db.inputs.publiclyAccessible !== false) problems.push(`database ${db.name} may get a public address`);
    }
    for (const s of ofType("aws:ecs/service:Service")) {
        if (s.inputs.networkConfiguration?.assignPublicIp !== false)
            problems.push(`service ${s.name}'s tasks may get public IPs`);
    }
    for (const inst of ofType("aws:ec2/instance:Instance")) {
        if (inst.inputs.associatePublicIpAddress !== false) problems.push(`instance ${inst.name} may get a public IP`);
    }
    return problems;
}
