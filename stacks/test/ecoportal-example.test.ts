import { strict as assert } from "assert";
import * as path from "path";
import { buildPlan, hasMandatoryViolation, Plan, REPO_ROOT } from "@citadel/testing";

/**
 * examples/ecoportal (seed 002) planned as `pnpm plan dev --dir examples/ecoportal` plans it (the
 * same buildPlan, in this process): it composes ecoPortal from the packages with no mandatory
 * violation of the policy pack.
 */
const DIR = path.join(REPO_ROOT, "examples", "ecoportal");

describe("examples/ecoportal", () => {
    let plan: Plan;
    before(async () => {
        plan = await buildPlan("dev", undefined, { root: DIR });
    });

    const ofType = (t: string) => plan.json.resources.filter((r) => r.type === t);
    const one = (t: string, name?: string) => {
        const found = ofType(t).filter((r) => name === undefined || r.name === name);
        assert.equal(found.length, 1, `${t} ${name ?? ""}: ${found.length}`);
        return found[0];
    };

    it("plans with no mandatory violation", () => {
        assert.equal(plan.json.project, "ecoportal");
        assert.equal(
            hasMandatoryViolation(plan),
            false,
            JSON.stringify(plan.json.violations.filter((v) => v.level === "mandatory")),
        );
    });

    it("composes the write-up from Citadel components only", () => {
        const components = new Set(plan.json.resources.filter((r) => r.type.startsWith("citadel:")).map((r) => r.type));
        for (const t of [
            "citadel:network:SecureVpc",
            "citadel:edge:EdgeCdn",
            "citadel:ecs:EcsApp",
            "citadel:uploads:SecureUploads",
            "citadel:cache:Cache",
            "citadel:search:Search",
        ])
            assert.ok(components.has(t), t);
        assert.ok(
            plan.json.resources.filter((r) => !r.type.startsWith("citadel:")).every((r) => r.parent !== undefined),
            "every AWS resource belongs to a component",
        );
    });

    it("runs web and worker on Fargate with rolling deploys, 100 images kept, a job queue, logs 12 months, no database", () => {
        const services = ofType("aws:ecs/service:Service");
        assert.equal(services.length, 2);
        for (const s of services) {
            assert.deepEqual([s.inputs.deploymentMinimumHealthyPercent, s.inputs.deploymentMaximumPercent], [100, 200]);
            assert.deepEqual(s.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
        }
        assert.equal(
            String(one("aws:ecr/lifecyclePolicy:LifecyclePolicy").inputs.policy).includes('"countNumber":100'),
            true,
        );
        assert.ok(ofType("aws:sqs/queue:Queue").some((q) => q.name === "ecoportal-jobs-queue"));
        for (const g of ofType("aws:cloudwatch/logGroup:LogGroup").filter(
            (g) => g.name.startsWith("ecoportal-web") || g.name.startsWith("ecoportal-jobs"),
        )) {
            assert.equal(g.inputs.retentionInDays, 365, g.name);
        }
        assert.equal(ofType("aws:rds/instance:Instance").length, 0, "MongoDB Atlas is the database");
    });

    it("gives web and worker the upload grants, and scans uploads with GuardDuty", () => {
        const web = JSON.parse(String(one("aws:iam/rolePolicy:RolePolicy", "ecoportal-web-task-policy").inputs.policy));
        const objects = web.Statement.filter((s: any) => /^Grant\dObjects$/.test(s.Sid)).map((s: any) => s.Resource);
        const bucket = String(one("aws:s3/bucket:Bucket", "uploads-files").inputs.bucket ?? "");
        assert.ok(bucket.startsWith("uploads-files"), bucket);
        assert.deepEqual(
            objects,
            ["incoming/", "clean/", "avatars/"].map((p) => `arn:aws:s3:::${bucket}/${p}*`),
        );
        assert.deepEqual(one("aws:guardduty/malwareProtectionPlan:MalwareProtectionPlan").inputs.actions, [
            { taggings: [{ status: "ENABLED" }] },
        ]);
    });

    it("has the namespace's groups, a deploy role, a cache and a search domain admitting the app's roles", () => {
        one("aws:iam/group:Group", "ecoportal-developers");
        one("aws:iam/group:Group", "ecoportal-log-readers");
        one("aws:iam/role:Role", "ecoportal-deploy");
        assert.equal(
            ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.startsWith("ecoportal-cache-connect-")).length,
            2,
        );
        const access = JSON.parse(String(one("aws:opensearch/domainPolicy:DomainPolicy").inputs.accessPolicies));
        assert.equal(access.Statement[0].Principal.AWS.length, 3, "web, jobs and the master role");
        const params = ofType("aws:ssm/parameter:Parameter")
            .map((p) => p.inputs.name)
            .sort();
        // The app-version parameter is the app's own (created with its first value, then CI's).
        assert.deepEqual(params, [
            "/ecoportal/dev/app-version",
            "/ecoportal/dev/cache/endpoint",
            "/ecoportal/dev/cache/port",
            "/ecoportal/dev/cache/user",
            "/ecoportal/dev/search/endpoint",
        ]);
    });
});
