import * as assert from "assert";
import { runSimulation } from "@cloud-copilot/iam-simulate";
import { ConfigError, policyDocument, PolicyStatement } from "@citadel/shared";
import { capture, named, reveal } from "@citadel/testing";
import { deployStatements, developerStatements, EcsApp, logReaderStatements, validateAccess } from "../src";
import { appArgs } from "./fixtures";

const ACCOUNT = "123456789012";
const KEY = `arn:aws:kms:eu-west-1:${ACCOUNT}:key/k`;
const CTX = {
    partition: "aws",
    region: "eu-west-1",
    accountId: ACCOUNT,
    dnsSuffix: "amazonaws.com",
    kmsKeyArn: KEY,
    parameterNamespace: "/portal/prod",
};
const CLUSTER = `arn:aws:ecs:eu-west-1:${ACCOUNT}:cluster/portal`;
const TASK_ROLE = `arn:aws:iam::${ACCOUNT}:role/portal-web-task`;

/** Evaluates one request against identity statements with @cloud-copilot/iam-simulate (AWS's evaluation logic offline). */
async function decide(
    statements: PolicyStatement[],
    action: string,
    resource: string,
    context: Record<string, string | string[]> = {},
): Promise<string> {
    const res = await runSimulation(
        {
            identityPolicies: [{ name: "p", policy: policyDocument(statements) }],
            serviceControlPolicies: [],
            resourceControlPolicies: [],
            request: {
                action,
                principal: `arn:aws:iam::${ACCOUNT}:role/ci`,
                resource: { accountId: ACCOUNT, resource },
                contextVariables: context,
            },
        },
        {},
    );
    if (res.resultType === "error") throw new Error(JSON.stringify(res.errors));
    return res.overallResult;
}

describe("access: the deploy role may do exactly a release", () => {
    const deploy = deployStatements({
        ...CTX,
        clusterArn: CLUSTER,
        clusterName: "portal",
        serviceNames: ["portal-web-1"],
        families: ["p-prod-app-web", "p-prod-app-migration"],
        migrationFamily: "p-prod-app-migration",
        passRoleArns: [TASK_ROLE],
        assetsBucketName: "assets-1",
    });
    const ssm = (p: string) => `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter${p}`;

    it("sets the app version, and no other parameter", async () => {
        assert.strictEqual(await decide(deploy, "ssm:PutParameter", ssm("/portal/prod/app-version")), "Allowed");
        assert.strictEqual(
            await decide(deploy, "ssm:PutParameter", ssm("/portal/prod/database-url")),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(deploy, "ssm:PutParameter", ssm("/portal/dev/app-version")),
            "ImplicitlyDenied",
        );
    });

    it("passes the app's roles to ECS tasks only", async () => {
        const to = (svc: string) => ({ "iam:PassedToService": svc });
        assert.strictEqual(await decide(deploy, "iam:PassRole", TASK_ROLE, to("ecs-tasks.amazonaws.com")), "Allowed");
        assert.strictEqual(
            await decide(deploy, "iam:PassRole", TASK_ROLE, to("ec2.amazonaws.com")),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(deploy, "iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/admin`, to("ecs-tasks.amazonaws.com")),
            "ImplicitlyDenied",
        );
    });

    it("updates the app's services and runs the migration in its cluster only", async () => {
        const ecs = `arn:aws:ecs:eu-west-1:${ACCOUNT}`;
        assert.strictEqual(await decide(deploy, "ecs:UpdateService", `${ecs}:service/portal/portal-web-1`), "Allowed");
        assert.strictEqual(
            await decide(deploy, "ecs:UpdateService", `${ecs}:service/other/portal-web-1`),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(deploy, "ecs:RunTask", `${ecs}:task-definition/p-prod-app-migration:7`, {
                "ecs:cluster": CLUSTER,
            }),
            "Allowed",
        );
        assert.strictEqual(
            await decide(deploy, "ecs:RunTask", `${ecs}:task-definition/p-prod-app-web:7`, { "ecs:cluster": CLUSTER }),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(deploy, "ecs:RunTask", `${ecs}:task-definition/p-prod-app-migration:7`, {
                "ecs:cluster": `${ecs}:cluster/other`,
            }),
            "ImplicitlyDenied",
        );
    });

    it("writes assets but cannot delete them, nor touch IAM", async () => {
        assert.strictEqual(await decide(deploy, "s3:PutObject", "arn:aws:s3:::assets-1/app-3f2a.js"), "Allowed");
        assert.strictEqual(
            await decide(deploy, "s3:DeleteObject", "arn:aws:s3:::assets-1/app-3f2a.js"),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(deploy, "iam:CreateRole", `arn:aws:iam::${ACCOUNT}:role/x`),
            "ImplicitlyDenied",
        );
        assert.strictEqual(
            await decide(deploy, "ecs:DeleteService", `arn:aws:ecs:eu-west-1:${ACCOUNT}:service/portal/portal-web-1`),
            "ImplicitlyDenied",
        );
    });
});

describe("access: developers and log readers", () => {
    const dev = developerStatements(CTX);
    const ssm = (p: string) => `arn:aws:ssm:eu-west-1:${ACCOUNT}:parameter${p}`;

    it("developers read and write their environment's namespace only", async () => {
        assert.strictEqual(await decide(dev, "ssm:PutParameter", ssm("/portal/prod/smtp-password")), "Allowed");
        assert.strictEqual(
            await decide(dev, "ssm:GetParameter", ssm("/portal/staging/smtp-password")),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide(dev, "ssm:GetParameter", ssm("/portal/production/x")), "ImplicitlyDenied");
    });

    it("developers use the key through Parameter Store, for this namespace's parameters only", async () => {
        // iam-simulate drops kms:EncryptionContext:<key> context values (it knows no template keys
        // with a colon), so the context binding is checked on the document and the rest evaluated.
        const key = dev.find((s) => s.Sid === "NamespaceKey")!;
        assert.deepStrictEqual(key.Condition, {
            StringEquals: { "kms:ViaService": "ssm.eu-west-1.amazonaws.com" },
            StringLike: { "kms:EncryptionContext:PARAMETER_ARN": ssm("/portal/prod/*") },
        });
        assert.strictEqual(
            await decide(dev, "kms:Decrypt", KEY, { "kms:ViaService": "s3.eu-west-1.amazonaws.com" }),
            "ImplicitlyDenied",
        );
    });

    it("log readers read the app's log groups and cannot delete them", async () => {
        const group = `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:portal-web-logs-1`;
        const readers = logReaderStatements([group]);
        assert.strictEqual(await decide(readers, "logs:GetLogEvents", `${group}:log-stream:web/1`), "Allowed");
        assert.strictEqual(
            await decide(readers, "logs:FilterLogEvents", `arn:aws:logs:eu-west-1:${ACCOUNT}:log-group:other`),
            "ImplicitlyDenied",
        );
        assert.strictEqual(await decide(readers, "logs:DeleteLogGroup", group), "ImplicitlyDenied");
    });

    it("refuses a deploy role no one may assume, or one open to an account root", () => {
        assert.throws(
            () => validateAccess("access", { deployRole: { trustedPrincipalArns: [] } }),
            /deployRole.trustedPrincipalArns.*is empty/,
        );
        assert.throws(
            () => validateAccess("access", { deployRole: { trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:root`] } }),
            (e: unknown) => e instanceof ConfigError && /is not an IAM role or user ARN/.test(e.message),
        );
    });
});

describe("EcsApp: access groups and the deploy role", () => {
    let rec: Awaited<ReturnType<typeof capture>>;
    before(async () => {
        rec = await capture(
            () =>
                new EcsApp(
                    "app",
                    appArgs({
                        access: {
                            developersGroup: true,
                            logReadersGroup: true,
                            deployRole: {
                                trustedPrincipalArns: [`arn:aws:iam::${ACCOUNT}:role/gitlab-runner`],
                                assetsBucketName: "assets-1",
                            },
                        },
                    }),
                ),
        );
    });

    it("creates both groups with their policies, and the deploy role trusting only the runner", () => {
        assert.ok(named(rec, "app-developers", "aws:iam/group:Group"));
        assert.ok(named(rec, "app-log-readers", "aws:iam/group:Group"));
        const logs = JSON.parse(reveal<string>(named(rec, "app-log-readers-policy").inputs.policy));
        // backend, frontend, jobs, migration: each log group and its streams.
        assert.strictEqual(logs.Statement[0].Resource.length, 8);
        const trust = JSON.parse(reveal<string>(named(rec, "app-deploy", "aws:iam/role:Role").inputs.assumeRolePolicy));
        assert.deepStrictEqual(trust.Statement[0].Principal, { AWS: [`arn:aws:iam::${ACCOUNT}:role/gitlab-runner`] });
    });

    it("lets the deploy role pass the app's eight roles and update its three services", () => {
        const p = JSON.parse(reveal<string>(named(rec, "app-deploy-policy").inputs.policy));
        const sid = (s: string) => p.Statement.find((x: any) => x.Sid === s);
        assert.strictEqual(sid("PassAppRoles").Resource.length, 8);
        assert.strictEqual(sid("UpdateAppServices").Resource.length, 3);
        assert.match(sid("RunMigration").Resource, /task-definition\/.*-app-migration:\*$/);
        assert.ok(named(rec, "app-deploy-push-pull"));
    });
});
