import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { currentRecording, named, ofType, reveal, runStack, stackConfig, StackRun, autoNamed } from "@citadel/testing";
import { SECRET_LOOKING_NAME } from "@citadel/ecs-app";
import { ConfigReader } from "../src/config";
import { loadSettings } from "../src/settings";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
/** dev with the app on: it needs egress, which dev does not have by default. */
const DEV_WITH_APP = { "citadel:app.enabled": true, "citadel:vpc.natStrategy": "single" };

function containerDefinitions(run: StackRun): any[] {
    return ofType(run, "aws:ecs/taskDefinition:TaskDefinition").map(
        (d) => JSON.parse(reveal<string>(d.inputs.containerDefinitions))[0],
    );
}

describe("stacks: the app", () => {
    const runs: Record<string, StackRun> = {};
    before(async () => {
        runs.prod = await runStack("prod");
        runs.dev = await runStack("dev", DEV_WITH_APP);
    });

    it("prod: listener 80 only redirects (301), listener 443 uses the TLS 1.3 policy and the certificate", () => {
        const http = named(runs.prod, "app-http").inputs;
        assert.deepEqual(http.defaultActions, [
            { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
        ]);
        const https = named(runs.prod, "app-https").inputs;
        assert.deepEqual(
            [https.protocol, https.sslPolicy, https.certificateArn],
            ["HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", CERT],
        );
    });

    it("prod: behind the CDN, nothing is open to 0.0.0.0/0 and every rule needs the edge's header", () => {
        const open = ofType(runs.prod, INGRESS).filter(
            (r) => r.inputs.cidrIpv4 === "0.0.0.0/0" || r.inputs.cidrIpv6 === "::/0",
        );
        assert.deepEqual(
            open.map((r) => r.name),
            [],
        );
        const albIngress = ofType(runs.prod, INGRESS).filter((r) => r.inputs.securityGroupId === "app-alb-sg-id");
        assert.deepEqual(
            albIngress.map((r) => [r.inputs.fromPort, r.inputs.prefixListId]),
            [[443, "pl-3b927c52"]],
        );
        assert.equal(named(runs.prod, "app-https").inputs.defaultActions[0].fixedResponse.statusCode, "403");
        for (const rule of ofType(runs.prod, "aws:lb/listenerRule:ListenerRule")) {
            assert.ok(
                reveal<any[]>(rule.inputs.conditions).some((c) => c.httpHeader?.httpHeaderName),
                rule.name,
            );
        }
    });

    it("dev: without a CDN, only the load balancer's 443 and 80 are open to the internet", () => {
        const open = ofType(runs.dev, INGRESS).filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
        assert.deepEqual(open.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort]).sort(), [
            ["app-alb-sg-id", 443],
            ["app-alb-sg-id", 80],
        ]);
    });

    it("every container: read-only root, a log configuration, no secret in its environment", () => {
        for (const run of Object.values(runs)) {
            const defs = containerDefinitions(run);
            assert.deepEqual(defs.map((c) => c.name).sort(), ["backend", "frontend", "migration", "worker"]);
            for (const c of defs) {
                assert.equal(c.readonlyRootFilesystem, true, `${run.stack} ${c.name}`);
                assert.equal(c.logConfiguration.logDriver, "awslogs");
                assert.ok(
                    c.environment.every((e: any) => !SECRET_LOOKING_NAME.test(e.name)),
                    `${run.stack} ${c.name}`,
                );
            }
            // Only the migration holds the (rotating) master password; the backend uses IAM auth.
            const migration = defs.find((c) => c.name === "migration");
            assert.ok(
                migration.secrets.some(
                    (s: any) => s.name === "DATABASE_PASSWORD" && s.valueFrom.endsWith(":password::"),
                ),
            );
            const backend = defs.find((c) => c.name === "backend");
            assert.ok(!(backend.secrets ?? []).some((s: any) => s.name === "DATABASE_PASSWORD"));
        }
    });

    it("every service: rolling 100/200 % with the rollback circuit breaker; ECR keeps 100 images", () => {
        for (const run of Object.values(runs)) {
            const services = ofType(run, "aws:ecs/service:Service");
            assert.equal(services.length, 3);
            for (const s of services) {
                assert.deepEqual(s.inputs.deploymentCircuitBreaker, { enable: true, rollback: true });
                assert.deepEqual(
                    [s.inputs.deploymentMinimumHealthyPercent, s.inputs.deploymentMaximumPercent],
                    [100, 200],
                );
            }
            for (const p of ofType(run, "aws:ecr/lifecyclePolicy:LifecyclePolicy")) {
                assert.equal(JSON.parse(p.inputs.policy).rules[0].selection.countNumber, 100);
            }
        }
    });

    it("prod: EC2 capacity over three AZs, two tasks per service, a multi-AZ protected database, a bastion", () => {
        const prod = runs.prod;
        const asg = named(prod, "app-instances-asg").inputs;
        assert.deepEqual([asg.minSize, asg.vpcZoneIdentifiers.length], [3, 3]);
        assert.equal(named(prod, "app-instances-lt").inputs.metadataOptions.httpTokens, "required");
        // Zero tasks until the first release; the release raises each scalable target's minimum to 2.
        for (const s of ofType(prod, "aws:ecs/service:Service")) assert.equal(s.inputs.desiredCount, 0, s.name);
        for (const t of ofType(prod, "aws:appautoscaling/target:Target")) assert.equal(t.inputs.maxCapacity, 8, t.name);
        const db = named(prod, "app-db", "aws:rds/instance:Instance");
        assert.deepEqual([db.inputs.multiAz, db.inputs.deletionProtection, db.protect], [true, true, true]);
        assert.equal(named(prod, "app-alb").inputs.enableDeletionProtection, true);
        assert.equal(ofType(prod, "aws:ec2/instance:Instance", /^app-/).length, 1);
        assert.equal(named(prod, "app-backend-taskdef").inputs.family, "citadel-prod-app-backend");
    });

    it("dev: Fargate, one task per service, a single-AZ database, no bastion, no deletion protection", () => {
        const dev = runs.dev;
        assert.deepEqual(named(dev, "app-capacity").inputs.capacityProviders, ["FARGATE"]);
        for (const s of ofType(dev, "aws:ecs/service:Service")) assert.equal(s.inputs.desiredCount, 0, s.name);
        assert.equal(named(dev, "app-db", "aws:rds/instance:Instance").inputs.multiAz, false);
        assert.equal(ofType(dev, "aws:ec2/instance:Instance", /^app-/).length, 0);
        assert.equal(named(dev, "app-alb").inputs.enableDeletionProtection, false);
        const logs = ofType(dev, "aws:cloudwatch/logGroup:LogGroup").filter((g) => g.parent === "app");
        assert.ok(logs.length === 4 && logs.every((g) => g.inputs.retentionInDays === 90));
    });

    it("exports the load balancer, services, cluster, queues and the migration command", () => {
        const o = runs.prod.outputs;
        assert.equal(o.appLoadBalancerDnsName, "app-alb-mock.eu-west-1.elb.amazonaws.com");
        assert.equal(o.appClusterName, autoNamed("app-cluster", "ecs/cluster:Cluster"));
        assert.deepEqual(o.appServiceNames, {
            backend: autoNamed("app-backend", "ecs/service:Service"),
            frontend: autoNamed("app-frontend", "ecs/service:Service"),
            worker: autoNamed("app-worker", "ecs/service:Service"),
        });
        assert.deepEqual(o.appQueueUrls, {
            worker: `https://sqs.eu-west-1.amazonaws.com/123456789012/${autoNamed("app-worker-queue", "sqs/queue:Queue")}`,
        });
        assert.match(
            String(o.appMigrationCommand),
            /^aws ecs run-task --region eu-west-1 --cluster [a-z0-9-]+ --task-definition \S+ --capacity-provider-strategy capacityProvider=[a-z0-9-]+,weight=1 --network-configuration 'awsvpcConfiguration=\{subnets=\[net-private-0-id,net-private-1-id,net-private-2-id\],securityGroups=\[app-tasks-sg-id\],assignPublicIp=DISABLED\}' --started-by migration --count 1$/,
        );
        assert.match(
            String(o.appBastionSessionCommand),
            /^aws ssm start-session --region eu-west-1 --target app-bastion-id$/,
        );
        assert.match(
            String(o.appDatabasePortForwardingCommand),
            /^aws ssm start-session --region eu-west-1 --target app-bastion-id --document-name AWS-StartPortForwardingSessionToRemoteHost --parameters '\{"host":\["citadel-prod-app-db-mockrand\.mock\.eu-west-1\.rds\.amazonaws\.com"\],"portNumber":\["5432"\],"localPortNumber":\["5432"\]\}'$/,
        );
        // A first `pulumi up` on an empty account: the program created the parameter, nothing is released yet.
        assert.equal(o.appImageTag, "unreleased");
        assert.equal(o.appVersionParameterName, "/citadel/prod/app-version");
    });

    it("dev keeps the app off by default (it has no egress); the stack files name a placeholder certificate", () => {
        for (const [stack, enabled] of [
            ["dev", false],
            ["prod", true],
        ] as const) {
            pulumi.runtime.setAllConfig(stackConfig(stack));
            const app = loadSettings(new ConfigReader("citadel")).app;
            assert.equal(app.enabled, enabled, stack);
            assert.equal(app.certificateArn, CERT);
        }
    });

    describe("refuses bad app config with one clear message, before any resource", () => {
        const cases: Array<[Record<string, unknown>, string]> = [
            [
                { "citadel:app.enabled": true },
                'citadel:vpc.natStrategy: "none" leaves the app\'s tasks unable to reach ecr.api, ecr.dkr, logs, secretsmanager, ssm, sqs',
            ],
            [
                { ...DEV_WITH_APP, "citadel:app.frontend.memory": 4096 },
                "citadel:app.frontend.memory: 4096 is not a valid Fargate memory size for 256 CPU units, allowed 512, 1024, 2048 (MiB)",
            ],
            [
                { ...DEV_WITH_APP, "citadel:app.backend.path": "/*" },
                'citadel:app.frontend.path: ["/*"] is already routed to service "backend", listed before it',
            ],
            [{ ...DEV_WITH_APP, "citadel:app.certificateArn": "" }, 'citadel:app.certificateArn: "" is required'],
            [
                { ...DEV_WITH_APP, "citadel:app.capacity": "lambda" },
                'citadel:app.capacity: "lambda" is not a known value, allowed fargate | ec2',
            ],
            [
                { ...DEV_WITH_APP, "citadel:app.database.name": "my-db" },
                'citadel:app.database.name: "my-db" is not a valid database name',
            ],
            [{ ...DEV_WITH_APP, "citadel:app.user": "root" }, 'citadel:app.user: "root" runs as root (uid "root")'],
            [{ ...DEV_WITH_APP, "citadel:app.desiredCount": 5 }, "citadel:app.maxCount: 2 is below desiredCount (5)"],
        ];
        for (const [overrides, message] of cases) {
            it(message.split(":").slice(0, 2).join(":"), async () => {
                await assert.rejects(runStack("dev", overrides), (e: Error) => {
                    assert.ok(e.message.startsWith(message), `got: ${e.message}`);
                    return true;
                });
                assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
            });
        }
    });
});
