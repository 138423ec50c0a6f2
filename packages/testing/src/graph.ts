/**
 * `pnpm plan <stack> --graph <file.svg|file.mmd>`: the architecture drawn from the plan. Components
 * are groups, the AWS resources that carry the architecture are nodes inside them, and the edges are
 * the security-relevant ones:
 * - reach: who may connect to whom, on which port, from the security groups' ingress rules (and
 *   the address ranges and prefix lists that may connect from outside);
 * - reads: what each IAM role may read (S3, Secrets Manager, KMS, SSM, ECR, SQS...), and which
 *   compute runs as that role;
 * - logs: where flow logs, access logs, WAF logs, CloudFront logs and container logs go.
 * Mermaid is written as text; SVG through Graphviz's `dot` (Debian package `graphviz`).
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import { RecordedResource, reveal } from "./harness";
import type { Plan } from "./plan";

/** A bad --graph target or a missing renderer: reported without a stack trace. */
export class GraphError extends Error {
    override readonly name = "GraphError";
}

/** The types drawn as nodes, with the short label they get. */
const NODE_TYPES: Record<string, string> = {
    "aws:ec2/vpc:Vpc": "VPC",
    "aws:ec2/natGateway:NatGateway": "NAT gateway",
    "aws:ec2/vpcEndpoint:VpcEndpoint": "VPC endpoint",
    "aws:ec2/instance:Instance": "EC2 instance",
    "aws:autoscaling/group:Group": "Auto Scaling group",
    "aws:lb/loadBalancer:LoadBalancer": "load balancer",
    "aws:ecs/service:Service": "ECS service",
    "aws:rds/instance:Instance": "RDS PostgreSQL",
    "aws:rds/cluster:Cluster": "RDS cluster",
    "aws:s3/bucket:Bucket": "S3 bucket",
    "aws:kms/key:Key": "KMS key",
    "aws:secretsmanager/secret:Secret": "secret",
    "aws:sqs/queue:Queue": "SQS queue",
    "aws:sns/topic:Topic": "SNS topic",
    "aws:ecr/repository:Repository": "ECR repository",
    "aws:cloudfront/distribution:Distribution": "CloudFront",
    "aws:wafv2/webAcl:WebAcl": "WAF web ACL",
    "aws:iam/role:Role": "IAM role",
    "aws:cloudwatch/logGroup:LogGroup": "log group",
    "aws:elasticache/replicationGroup:ReplicationGroup": "ElastiCache",
    "aws:opensearch/domain:Domain": "OpenSearch",
    "aws:efs/fileSystem:FileSystem": "EFS",
    "aws:dynamodb/table:Table": "DynamoDB table",
    "aws:backup/vault:Vault": "backup vault",
};

/** Actions that read data or keys: what a "reads" edge means. */
const READ_ACTION =
    /^(s3:(Get|List)|s3:\*|secretsmanager:(GetSecretValue|\*)|kms:(Decrypt|\*)|ssm:(GetParameter|\*)|ecr:(BatchGetImage|GetDownloadUrlForLayer|\*)|sqs:(ReceiveMessage|\*)|dynamodb:(Get|Query|Scan|BatchGet)|logs:(Get|FilterLogEvents|StartQuery)|elasticfilesystem:ClientMount|rds-db:connect)/;

export type EdgeKind = "reach" | "reads" | "logs" | "runs as";

/** A box in the diagram: a resource of one of NODE_TYPES, or an address outside the stack. */
export interface GraphNode {
    /** Identifier in the Mermaid and DOT text (letters, digits, `_`), unique in the graph. */
    id: string;
    /** Text shown: the resource's logical name and kind on two lines, or the outside address. */
    label: string;
    /** Id of the GraphGroup (component) drawn around the node; absent for the stack's top level. */
    group?: string;
    /** True for a source outside the stack (a CIDR block, a prefix list), drawn as an ellipse. */
    external?: boolean;
}

/** A component resource, drawn as a frame around its children's nodes. */
export interface GraphGroup {
    /** Identifier in the Mermaid and DOT text, unique in the graph. */
    id: string;
    /** Text shown: the component's logical name and its type's short name. */
    label: string;
    /** Id of the enclosing group (the parent component); absent for the stack's direct children. */
    parent?: string;
}

/** An arrow between two nodes. */
export interface GraphEdge {
    /** Id of the node the arrow starts at: the client, the reader, the log source, the workload. */
    from: string;
    /** Id of the node the arrow points to. */
    to: string;
    /** What the arrow means: network `reach`, data `reads`, `logs` delivery, or `runs as` a role. */
    kind: EdgeKind;
    /** Text on the arrow: the protocol and ports for `reach`, else what is read or delivered. */
    label: string;
}

/** The architecture of one stack run, as `pnpm plan --graph` draws it. */
export interface ArchitectureGraph {
    /** The diagram's title: project and stack. */
    title: string;
    /** Components, nested through `parent`. */
    groups: GraphGroup[];
    /** Resources and outside addresses. */
    nodes: GraphNode[];
    /** Arrows, each `from`/`to` pair and kind once. */
    edges: GraphEdge[];
}

function parseJson(v: unknown): any {
    if (typeof v !== "string") return v;
    try {
        return JSON.parse(v);
    } catch {
        return undefined;
    }
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]);

/** Builds the graph from a plan's recorded resources (secrets revealed: references only). */
export function architectureGraph(plan: Plan): ArchitectureGraph {
    const resources = plan.run.resources.map((r) => ({
        ...r,
        inputs: reveal<Record<string, any>>(r.inputs),
        outputs: reveal<Record<string, any>>(r.outputs),
    }));
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const ids = new Map<RecordedResource, string>();
    resources.forEach((r, i) => ids.set(r, `${r.custom ? "r" : "g"}${i}`));

    // Every string by which another resource may refer to r (mock ids repeat across types: a
    // bucket and its origin access control may share a logical name, so a lookup may name the type).
    const identity = new Map<string, RecordedResource[]>();
    for (const r of resources) {
        if (!r.custom) continue;
        for (const v of new Set([
            r.id,
            r.outputs.arn,
            r.outputs.name,
            r.inputs.name,
            r.outputs.bucket,
            r.outputs.url,
            r.outputs.id,
        ])) {
            if (typeof v === "string" && v) identity.set(v, [...(identity.get(v) ?? []), r]);
        }
    }
    const resolve = (ref: unknown, type?: string): RecordedResource | undefined => {
        if (typeof ref !== "string") return undefined;
        const trimmed = ref.replace(/(\/\*|:\*|\*)$/, "");
        const hits =
            identity.get(ref) ??
            identity.get(trimmed) ??
            (ref.startsWith("arn:aws:s3:::") ? identity.get(ref.split("/")[0]) : undefined) ??
            [];
        return type ? hits.find((h) => h.type === type) : hits[0];
    };
    const ofType = (t: string) => resources.filter((r) => r.type === t);

    const nodes = new Map<string, GraphNode>();
    const groupOf = (r: RecordedResource): string | undefined => {
        for (
            let p = r.parentUrn ? byUrn.get(r.parentUrn) : undefined;
            p;
            p = p.parentUrn ? byUrn.get(p.parentUrn) : undefined
        ) {
            if (!p.custom) return ids.get(p);
        }
        return undefined;
    };
    const node = (r: RecordedResource): string => {
        const id = ids.get(r)!;
        if (!nodes.has(id))
            nodes.set(id, {
                id,
                label: `${r.name}\n${NODE_TYPES[r.type] ?? r.type.split(":").pop()}`,
                group: groupOf(r),
            });
        return id;
    };
    const external = (key: string, label: string): string => {
        const id = `x${key.replace(/[^A-Za-z0-9]/g, "_")}`;
        if (!nodes.has(id)) nodes.set(id, { id, label, external: true });
        return id;
    };
    for (const r of resources) if (NODE_TYPES[r.type] && r.custom) node(r);

    const edges: GraphEdge[] = [];
    const seen = new Set<string>();
    const edge = (from: string, to: string, kind: EdgeKind, label: string) => {
        const key = `${from}|${to}|${kind}|${label}`;
        if (!seen.has(key)) {
            seen.add(key);
            edges.push({ from, to, kind, label });
        }
    };

    // --- reach: security groups, their holders, their ingress rules.
    const holders = new Map<string, RecordedResource[]>(); // security group id -> resources using it
    const hold = (sg: unknown, r: RecordedResource) => {
        if (typeof sg !== "string") return;
        holders.set(sg, [...(holders.get(sg) ?? []), r]);
    };
    const templateGroups = (ref: any): unknown[] => {
        const lt = resolve(ref?.id ?? ref?.name, "aws:ec2/launchTemplate:LaunchTemplate");
        if (!lt) return [];
        return [
            ...list(lt.inputs.vpcSecurityGroupIds),
            ...list(lt.inputs.networkInterfaces).flatMap((n: any) => list(n?.securityGroups)),
        ];
    };
    for (const r of resources) {
        switch (r.type) {
            case "aws:ec2/instance:Instance":
                for (const g of [
                    ...list(r.inputs.vpcSecurityGroupIds),
                    ...list(r.inputs.securityGroups),
                    ...templateGroups(r.inputs.launchTemplate),
                ])
                    hold(g, r);
                break;
            case "aws:autoscaling/group:Group":
                for (const g of templateGroups(
                    r.inputs.launchTemplate ??
                        r.inputs.mixedInstancesPolicy?.launchTemplate?.launchTemplateSpecification,
                ))
                    hold(g, r);
                break;
            case "aws:lb/loadBalancer:LoadBalancer":
                for (const g of list(r.inputs.securityGroups)) hold(g, r);
                break;
            case "aws:ecs/service:Service":
                for (const g of list(r.inputs.networkConfiguration?.securityGroups)) hold(g, r);
                break;
            case "aws:rds/instance:Instance":
            case "aws:rds/cluster:Cluster":
            case "aws:elasticache/replicationGroup:ReplicationGroup":
                for (const g of [...list(r.inputs.vpcSecurityGroupIds), ...list(r.inputs.securityGroupIds)]) hold(g, r);
                break;
            case "aws:ec2/vpcEndpoint:VpcEndpoint":
                for (const g of list(r.inputs.securityGroupIds)) hold(g, r);
                break;
            default:
        }
    }
    const endpoints = (sg: unknown): string[] => {
        if (typeof sg !== "string") return [];
        const hs = holders.get(sg);
        if (hs?.length) return hs.map(node);
        const g = resolve(sg);
        return g ? [node(g)] : [];
    };
    const ports = (protocol: unknown, from: unknown, to: unknown): string => {
        if (protocol === "-1" || protocol === "all") return "all traffic";
        return from === to || to === undefined ? `${protocol} ${from}` : `${protocol} ${from}-${to}`;
    };
    const sources = (rule: any, self: string | undefined): string[] => [
        ...list(rule.referencedSecurityGroupId ?? rule.sourceSecurityGroupId).flatMap(endpoints),
        ...list(rule.securityGroups).flatMap(endpoints),
        ...(rule.self && self ? endpoints(self) : []),
        ...[...list(rule.cidrIpv4), ...list(rule.cidrBlocks), ...list(rule.cidrIpv6), ...list(rule.ipv6CidrBlocks)]
            .filter((c): c is string => typeof c === "string")
            .map((c) => external(c, c === "0.0.0.0/0" || c === "::/0" ? `anywhere (${c})` : c)),
        ...[...list(rule.prefixListId), ...list(rule.prefixListIds)]
            .filter((p): p is string => typeof p === "string")
            .map((p) => external(p, `prefix list ${p}`)),
    ];
    for (const r of resources) {
        const rules: Array<{ target: unknown; rule: any }> = [];
        if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule")
            rules.push({ target: r.inputs.securityGroupId, rule: r.inputs });
        if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && r.inputs.type === "ingress")
            rules.push({ target: r.inputs.securityGroupId, rule: r.inputs });
        if (r.type === "aws:ec2/securityGroup:SecurityGroup")
            for (const i of list(r.inputs.ingress)) rules.push({ target: r.id, rule: i });
        for (const { target, rule } of rules) {
            const label = ports(rule.ipProtocol ?? rule.protocol, rule.fromPort, rule.toPort);
            for (const to of endpoints(target))
                for (const from of sources(rule, target as string)) edge(from, to, "reach", label);
        }
    }

    // --- runs as, and reads: roles, who uses them, and what their policies let them read.
    const roleOf = (ref: unknown) => resolve(ref, "aws:iam/role:Role");
    for (const p of ofType("aws:iam/instanceProfile:InstanceProfile")) {
        const role = roleOf(p.inputs.role);
        if (!role) continue;
        const profileIds = [p.outputs.arn, p.inputs.name, p.outputs.name, p.id].filter(Boolean);
        for (const r of resources) {
            const ref =
                r.type === "aws:ec2/instance:Instance"
                    ? r.inputs.iamInstanceProfile
                    : r.type === "aws:ec2/launchTemplate:LaunchTemplate"
                      ? (r.inputs.iamInstanceProfile?.arn ?? r.inputs.iamInstanceProfile?.name)
                      : undefined;
            if (!profileIds.includes(ref)) continue;
            const users =
                r.type === "aws:ec2/launchTemplate:LaunchTemplate"
                    ? resources.filter(
                          (x) =>
                              (x.type === "aws:autoscaling/group:Group" || x.type === "aws:ec2/instance:Instance") &&
                              resolve(x.inputs.launchTemplate?.id ?? x.inputs.launchTemplate?.name) === r,
                      )
                    : [r];
            for (const u of users) edge(node(u), node(role), "runs as", "instance profile");
        }
    }
    for (const s of ofType("aws:ecs/service:Service")) {
        const td = resolve(s.inputs.taskDefinition, "aws:ecs/taskDefinition:TaskDefinition");
        if (!td) continue;
        const task = roleOf(td.inputs.taskRoleArn);
        const exec = roleOf(td.inputs.executionRoleArn);
        if (task) edge(node(s), node(task), "runs as", "task role");
        if (exec) edge(node(s), node(exec), "runs as", "execution role");
    }
    const documents = new Map<RecordedResource, unknown[]>();
    const attach = (role: RecordedResource | undefined, doc: unknown) => {
        if (role) documents.set(role, [...(documents.get(role) ?? []), parseJson(doc)]);
    };
    for (const p of ofType("aws:iam/rolePolicy:RolePolicy")) attach(roleOf(p.inputs.role), p.inputs.policy);
    for (const a of ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")) {
        const policy = resolve(a.inputs.policyArn, "aws:iam/policy:Policy");
        if (policy) attach(roleOf(a.inputs.role), policy.inputs.policy);
    }
    for (const role of ofType("aws:iam/role:Role"))
        for (const inline of list(role.inputs.inlinePolicies)) attach(role, (inline as any)?.policy);
    for (const [role, docs] of documents) {
        for (const doc of docs) {
            for (const st of list((doc as any)?.Statement) as any[]) {
                if (st?.Effect !== "Allow") continue;
                const actions = list(st.Action).filter(
                    (a): a is string => typeof a === "string" && READ_ACTION.test(a),
                );
                if (actions.length === 0) continue;
                const services = [...new Set(actions.map((a) => a.split(":")[0]))].join(", ");
                for (const res of list(st.Resource)) {
                    const target = resolve(res);
                    if (target && target !== role) edge(node(role), node(target), "reads", `reads (${services})`);
                }
            }
        }
    }

    // --- logs: where each delivery goes.
    const logs = (from: RecordedResource | undefined, to: RecordedResource | undefined, label: string) => {
        if (from && to) edge(node(from), node(to), "logs", label);
    };
    for (const f of ofType("aws:ec2/flowLog:FlowLog")) {
        logs(
            resolve(f.inputs.vpcId ?? f.inputs.subnetId),
            resolve(f.inputs.logDestination ?? f.inputs.logGroupName),
            "flow logs",
        );
    }
    for (const l of ofType("aws:s3/bucketLogging:BucketLogging"))
        logs(
            resolve(l.inputs.bucket, "aws:s3/bucket:Bucket"),
            resolve(l.inputs.targetBucket, "aws:s3/bucket:Bucket"),
            "access logs",
        );
    for (const lb of ofType("aws:lb/loadBalancer:LoadBalancer")) {
        if (lb.inputs.accessLogs?.enabled !== false) logs(lb, resolve(lb.inputs.accessLogs?.bucket), "access logs");
        if (lb.inputs.connectionLogs?.enabled) logs(lb, resolve(lb.inputs.connectionLogs?.bucket), "connection logs");
    }
    for (const w of ofType("aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration")) {
        for (const d of list(w.inputs.logDestinationConfigs))
            logs(resolve(w.inputs.resourceArn), resolve(d), "WAF logs");
    }
    for (const d of ofType("aws:cloudwatch/logDelivery:LogDelivery")) {
        const source = resolve(d.inputs.deliverySourceName, "aws:cloudwatch/logDeliverySource:LogDeliverySource");
        const destination = resolve(
            d.inputs.deliveryDestinationArn,
            "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination",
        );
        logs(
            resolve(source?.inputs.resourceArn),
            resolve(destination?.inputs.deliveryDestinationConfiguration?.destinationResourceArn),
            `${String(source?.inputs.logType ?? "access")
                .toLowerCase()
                .replace(/_/g, " ")
                .replace(/ logs$/, "")} logs`,
        );
    }
    for (const s of ofType("aws:ecs/service:Service")) {
        const td = resolve(s.inputs.taskDefinition, "aws:ecs/taskDefinition:TaskDefinition");
        for (const c of list(parseJson(td?.inputs.containerDefinitions)) as any[]) {
            logs(
                s,
                resolve(c?.logConfiguration?.options?.["awslogs-group"], "aws:cloudwatch/logGroup:LogGroup"),
                "container logs",
            );
        }
    }
    for (const db of ofType("aws:rds/instance:Instance")) {
        for (const kind of list(db.inputs.enabledCloudwatchLogsExports)) {
            logs(
                db,
                resolve(`/aws/rds/instance/${db.inputs.identifier}/${kind}`, "aws:cloudwatch/logGroup:LogGroup"),
                `${kind} logs`,
            );
        }
    }

    // Groups: the components that contain a node, with their ancestors.
    const groups = new Map<string, GraphGroup>();
    const addGroup = (id: string | undefined) => {
        while (id && !groups.has(id)) {
            const c = resources.find((r) => ids.get(r) === id)!;
            const parent = groupOf(c);
            groups.set(id, { id, label: `${c.name} (${c.type.split(":").pop()})`, parent });
            id = parent;
        }
    };
    for (const n of nodes.values()) addGroup(n.group);
    return {
        title: `${plan.json.project} / ${plan.json.stack}`,
        groups: [...groups.values()],
        nodes: [...nodes.values()],
        edges,
    };
}

const EDGE_STYLE: Record<EdgeKind, { mermaid: string; dot: string }> = {
    reach: { mermaid: "-->", dot: 'color="#c0392b"' },
    reads: { mermaid: "-.->", dot: 'color="#2471a3", style=dashed' },
    logs: { mermaid: "-.->", dot: 'color="#7f8c8d", style=dotted' },
    "runs as": { mermaid: "---", dot: 'color="#8e44ad", arrowhead=none' },
};

const mermaidText = (s: string) => s.replace(/"/g, "#quot;").replace(/\n/g, "<br/>");

/** Mermaid flowchart text: groups as subgraphs, edges labelled with ports, reads and logs. */
export function toMermaid(g: ArchitectureGraph): string {
    const out = [
        "flowchart LR",
        `%% ${g.title}: generated by pnpm plan --graph; reach = security group ingress, reads = IAM, logs = log delivery`,
    ];
    const children = new Map<string | undefined, GraphGroup[]>();
    for (const grp of g.groups) children.set(grp.parent, [...(children.get(grp.parent) ?? []), grp]);
    const nodesIn = (group: string | undefined) => g.nodes.filter((n) => n.group === group);
    const emit = (group: string | undefined, depth: number) => {
        const pad = "  ".repeat(depth);
        for (const n of nodesIn(group))
            out.push(`${pad}${n.id}${n.external ? "([" : "["}"${mermaidText(n.label)}"${n.external ? "])" : "]"}`);
        for (const c of children.get(group) ?? []) {
            out.push(`${pad}subgraph ${c.id}["${mermaidText(c.label)}"]`);
            emit(c.id, depth + 1);
            out.push(`${pad}end`);
        }
    };
    emit(undefined, 1);
    for (const e of g.edges) out.push(`  ${e.from} ${EDGE_STYLE[e.kind].mermaid}|"${mermaidText(e.label)}"| ${e.to}`);
    return out.join("\n") + "\n";
}

const dotText = (s: string) => s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");

/** Graphviz DOT: groups as clusters. */
export function toDot(g: ArchitectureGraph): string {
    const out = [
        "digraph architecture {",
        `  label="${dotText(g.title)}"; labelloc=t; rankdir=LR; compound=true; fontname="Helvetica";`,
        '  node [shape=box, style="rounded,filled", fillcolor="#fdfefe", fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ];
    const children = new Map<string | undefined, GraphGroup[]>();
    for (const grp of g.groups) children.set(grp.parent, [...(children.get(grp.parent) ?? []), grp]);
    const emit = (group: string | undefined, depth: number) => {
        const pad = "  ".repeat(depth);
        for (const n of g.nodes.filter((x) => x.group === group)) {
            out.push(
                `${pad}${n.id} [label="${dotText(n.label)}"${n.external ? ', shape=ellipse, fillcolor="#fef9e7"' : ""}];`,
            );
        }
        for (const c of children.get(group) ?? []) {
            out.push(
                `${pad}subgraph cluster_${c.id} {`,
                `${pad}  label="${dotText(c.label)}"; style=rounded; color="#95a5a6";`,
            );
            emit(c.id, depth + 1);
            out.push(`${pad}}`);
        }
    };
    emit(undefined, 1);
    for (const e of g.edges)
        out.push(`  ${e.from} -> ${e.to} [label="${dotText(e.label)}", ${EDGE_STYLE[e.kind].dot}];`);
    out.push("}");
    return out.join("\n") + "\n";
}

/** Renders DOT to SVG with Graphviz's `dot`. */
export function renderSvg(dot: string): string {
    const r = spawnSync("dot", ["-Tsvg"], { input: dot, encoding: "utf8", maxBuffer: 64 << 20 });
    if (r.error || r.status !== 0) {
        throw new GraphError(
            `rendering SVG needs Graphviz's dot (apt-get install graphviz), or write a .mmd file instead: ${
                r.error?.message ?? r.stderr
            }`,
        );
    }
    return r.stdout;
}

/** Writes the plan's architecture diagram to `file` (`.svg` or `.mmd`). */
export async function writeGraph(plan: Plan, file: string): Promise<void> {
    const g = architectureGraph(plan);
    const text = /\.mmd$/i.test(file) ? toMermaid(g) : /\.svg$/i.test(file) ? renderSvg(toDot(g)) : undefined;
    if (text === undefined) throw new GraphError(`--graph ${file}: the file must end in .svg or .mmd`);
    try {
        fs.writeFileSync(file, text);
    } catch (e) {
        // A path the CLI checked can still fail (a full disk, a folder removed meanwhile, /proc).
        throw new GraphError(`--graph ${file}: cannot write it: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
    }
}
