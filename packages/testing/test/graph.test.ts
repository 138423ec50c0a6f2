import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { architectureGraph, ArchitectureGraph, toDot, toMermaid, writeGraph } from "../src/graph";
import { README, withDiagram } from "../src/diagram-cli";
import { buildPlan, Plan } from "../src";

describe("architecture diagram (--graph)", () => {
    let plan: Plan;
    let graph: ArchitectureGraph;
    const label = (id: string) => graph.nodes.find((n) => n.id === id)!.label.split("\n")[0];
    const edges = (kind: string) =>
        graph.edges.filter((e) => e.kind === kind).map((e) => `${label(e.from)} -> ${label(e.to)}: ${e.label}`);
    before(async () => {
        plan = await buildPlan("prod");
        graph = architectureGraph(plan);
    });

    it("draws who may reach whom on which port, from the security groups", () => {
        const reach = edges("reach");
        for (const e of [
            "prefix list pl-3b927c52 -> app-alb: tcp 443",
            "app-alb -> app-backend: tcp 8000",
            "app-backend -> app-db: tcp 5432",
            "orthanc-host-0 -> orthanc-db: tcp 5432",
            "orthanc-nlb -> orthanc-host-1: tcp 11112",
            "203.0.113.0/24 -> orthanc-nlb: tcp 443",
        ]) {
            assert.ok(reach.includes(e), `${e} missing from:\n${reach.join("\n")}`);
        }
        assert.ok(!reach.some((e) => e.startsWith("anywhere")), "prod admits no 0.0.0.0/0");
        assert.ok(!reach.some((e) => e.startsWith("app-alb -> app-db")), "the load balancer cannot reach the database");
    });

    it("draws what each role may read, which compute runs as it, and where logs go", () => {
        const reads = edges("reads");
        assert.ok(reads.includes("orthanc-host-role -> orthanc-images: reads (s3)"), reads.join("\n"));
        assert.ok(reads.includes("orthanc-host-role -> orthanc-admin: reads (secretsmanager)"), reads.join("\n"));
        assert.ok(reads.includes("app-worker-task -> app-worker-queue: reads (sqs)"), reads.join("\n"));
        const runs = edges("runs as");
        assert.ok(runs.includes("orthanc-host-0 -> orthanc-host-role: instance profile"), runs.join("\n"));
        assert.ok(runs.includes("app-backend -> app-backend-task: task role"), runs.join("\n"));
        const logs = edges("logs");
        for (const e of [
            "net-vpc -> logs: flow logs",
            "app-alb -> app-alb-logs: access logs",
            "edge -> logs: access logs",
            "edge-waf -> edge-waf-logs: WAF logs",
            "app-backend -> app-backend-logs: container logs",
            "orthanc-images -> access-logs: access logs",
        ]) {
            assert.ok(logs.includes(e), `${e} missing from:\n${logs.join("\n")}`);
        }
    });

    it("groups resources by component, nested as the components are", () => {
        const group = (name: string) => graph.groups.find((g) => g.label.startsWith(`${name} (`))!;
        assert.equal(group("app-db").parent, group("app").id, "the app's database is inside the app");
        const db = graph.nodes.find((n) => n.label.startsWith("app-db\n"))!;
        assert.equal(db.group, group("app-db").id);
        const mermaid = toMermaid(graph);
        assert.match(mermaid, /^flowchart LR\n/);
        assert.match(
            mermaid,
            /subgraph g\d+\["app \(EcsApp\)"\]\n(.|\n)*subgraph g\d+\["app-db \(PostgresDatabase\)"\]/,
        );
        assert.match(toDot(graph), /subgraph cluster_g\d+ \{\n\s+label="app \(EcsApp\)"/);
    });

    it("writes Mermaid text to a .mmd file", async () => {
        const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "citadel-graph-")), "prod.mmd");
        await writeGraph(plan, file);
        assert.equal(fs.readFileSync(file, "utf8"), toMermaid(graph));
    });

    it("the README shows the current prod diagram (regenerate with pnpm diagram)", () => {
        const readme = fs.readFileSync(README, "utf8");
        assert.ok(
            readme === withDiagram(readme, toMermaid(graph)),
            "README.md's prod diagram is out of date: run pnpm diagram",
        );
    });
});
