import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    assertUserTagsEverywhere,
    autoNamed,
    capture,
    DEFAULT_REGION,
    named,
    ofType,
    Recording,
    RecordedResource,
    reveal,
    USER_TAGS,
    valueOf,
} from "@citadel/testing";
import { ConfigError } from "@citadel/shared";
import { SECRET_LOOKING_NAME } from "../src";
import { EcsApp, requireDeployed, UNRELEASED_TAG } from "../src/ecs-app";
import { API_KEY_SECRET, appArgs, CERT_ARN, GITLAB_SECRET, KEY_ARN, NETWORK, SMTP_PARAMETER } from "./fixtures";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const TASK_DEF = "aws:ecs/taskDefinition:TaskDefinition";
const SERVICE = "aws:ecs/service:Service";
const SCALING_POLICY = "aws:appautoscaling/policy:Policy";

/**
 * The region (and stack) the mock runtime answers with: the last stack a test ran (runStack sets
 * both globally) or the harness default, so expectations hold in any test order.
 */
function region(): string {
    return new pulumi.Config("aws").get("region") ?? DEFAULT_REGION;
}

const ORIGIN = {
    headerName: "X-Origin-Verify",
    headerValue: "s3cr3t-header-0123456789abcdefghijklmnop",
    prefixListIds: ["pl-3b927c52"],
};

/** Ingress rules as `source -> group:port` lines, for comparing whole rule sets at once. */
function ingress(rec: Recording): string[] {
    return ofType(rec, INGRESS)
        .map((r) => {
            const i = r.inputs;
            const source = i.cidrIpv4 ?? i.prefixListId ?? i.referencedSecurityGroupId;
            const ports = i.ipProtocol === "-1" ? "all" : `${i.fromPort}`;
            return `${source} -> ${i.securityGroupId}:${ports}`;
        })
        .sort();
}

function containers(rec: Recording): Array<{ def: RecordedResource; c: any }> {
    return ofType(rec, TASK_DEF).map((def) => ({
        def,
        c: JSON.parse(reveal<string>(def.inputs.containerDefinitions))[0],
    }));
}

function policy(r: RecordedResource): any {
    return JSON.parse(reveal<string>(r.inputs.policy));
}

const TOPIC = "arn:aws:sns:eu-west-1:123456789012:alerts";

describe("EcsApp (Fargate, public load balancer)", () => {
    let rec: Recording;
    let app: EcsApp;
    before(async () => {
        rec = await capture(() => {
            app = new EcsApp(
                "app",
                appArgs({
                    alarms: { topicArn: TOPIC, target5xx: 25 },
                    images: { source: "ecr", ciRoleNames: ["gitlab-ci"] },
                }),
            );
        });
    });

    it("admits 443/80 from anywhere to the ALB, service ports from the ALB to the tasks, 5432 from the tasks only", () => {
        assert.deepStrictEqual(ingress(rec), [
            "0.0.0.0/0 -> app-alb-sg-id:443",
            "0.0.0.0/0 -> app-alb-sg-id:80",
            "app-alb-sg-id -> app-tasks-sg-id:8000",
            "app-alb-sg-id -> app-tasks-sg-id:8080",
            "app-tasks-sg-id -> app-db-sg-id:5432",
            "app-tasks-sg-id -> app-tasks-sg-id:all",
        ]);
        const albEgress = ofType(rec, EGRESS).filter((r) => r.inputs.securityGroupId === "app-alb-sg-id");
        assert.deepStrictEqual(albEgress.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort]).sort(), [
            ["app-tasks-sg-id", 8000],
            ["app-tasks-sg-id", 8080],
        ]);
        for (const sg of ofType(rec, "aws:ec2/securityGroup:SecurityGroup")) {
            assert.strictEqual(sg.inputs.ingress, undefined, `${sg.name} has inline rules`);
        }
    });

    it("serves HTTPS with the TLS 1.3 policy and only redirects HTTP", () => {
        const https = named(rec, "app-https").inputs;
        assert.deepStrictEqual(
            [https.port, https.protocol, https.sslPolicy, https.certificateArn],
            [443, "HTTPS", "ELBSecurityPolicy-TLS13-1-2-2021-06", CERT_ARN],
        );
        assert.strictEqual(https.defaultActions[0].fixedResponse.statusCode, "404");
        const http = named(rec, "app-http").inputs;
        assert.deepStrictEqual(http.defaultActions, [
            {
                type: "redirect",
                redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" },
            },
        ]);
    });

    it("hardens the ALB: public subnets, invalid headers dropped, desync mitigation, access logs to an SSE-S3 bucket", () => {
        const alb = named(rec, "app-alb").inputs;
        assert.strictEqual(alb.internal, false);
        assert.deepStrictEqual(alb.subnets, NETWORK.publicSubnetIds);
        assert.strictEqual(alb.dropInvalidHeaderFields, true);
        assert.strictEqual(alb.desyncMitigationMode, "defensive");
        assert.strictEqual(alb.enableDeletionProtection, false);
        assert.deepStrictEqual(alb.accessLogs, {
            bucket: autoNamed("app-alb-logs", "s3/bucket:Bucket"),
            prefix: "alb",
            enabled: true,
        });
        const sse = ofType(
            rec,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ).find((r) => r.parent === "app-alb-logs")!;
        assert.strictEqual(sse.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm, "AES256");
        // ...whose own S3 access is logged to the stack's log bucket.
        assert.strictEqual(named(rec, "app-alb-logs-access-logs").inputs.targetBucket, "logs-mock");
    });

    it("routes each service by path to its own IP target group, in list order", () => {
        const backend = named(rec, "app-backend-rule").inputs;
        assert.deepStrictEqual([backend.priority, backend.conditions], [10, [{ pathPattern: { values: ["/api/*"] } }]]);
        assert.strictEqual(backend.actions[0].targetGroupArn, `arn:aws:lb:${region()}:123456789012:app-backend-tg`);
        assert.strictEqual(named(rec, "app-frontend-rule").inputs.priority, 20);
        const tg = named(rec, "app-backend-tg").inputs;
        assert.deepStrictEqual(
            [tg.targetType, tg.port, tg.protocol, tg.healthCheck.path],
            ["ip", 8000, "HTTP", "/health"],
        );
    });

    it("deploys with zero downtime: 100/200 %, grace period, circuit breaker with rollback, private and no public IP", () => {
        const services = ofType(rec, SERVICE);
        assert.deepStrictEqual(services.map((s) => s.name).sort(), ["app-backend", "app-frontend", "app-jobs"]);
        for (const s of services) {
            const i = s.inputs;
            assert.deepStrictEqual(i.deploymentCircuitBreaker, { enable: true, rollback: true }, s.name);
            assert.deepStrictEqual([i.deploymentMinimumHealthyPercent, i.deploymentMaximumPercent], [100, 200]);
            assert.deepStrictEqual(i.networkConfiguration, {
                subnets: NETWORK.privateSubnetIds,
                securityGroups: ["app-tasks-sg-id"],
                assignPublicIp: false,
            });
            assert.deepStrictEqual(i.capacityProviderStrategies, [{ capacityProvider: "FARGATE", weight: 1 }]);
            assert.strictEqual(i.enableExecuteCommand, false);
        }
        const backend = named(rec, "app-backend").inputs;
        assert.strictEqual(backend.healthCheckGracePeriodSeconds, 60);
        assert.deepStrictEqual(backend.loadBalancers, [
            {
                targetGroupArn: `arn:aws:lb:${region()}:123456789012:app-backend-tg`,
                containerName: "backend",
                containerPort: 8000,
            },
        ]);
        assert.strictEqual(named(rec, "app-jobs").inputs.loadBalancers, undefined);
    });

    it("gives every container a read-only root, a log configuration, and no secret in its environment", () => {
        const all = containers(rec);
        assert.deepStrictEqual(all.map((x) => x.c.name).sort(), ["backend", "frontend", "jobs", "migration"]);
        for (const { def, c } of all) {
            assert.strictEqual(c.readonlyRootFilesystem, true, def.name);
            assert.strictEqual(c.privileged, false, def.name);
            assert.strictEqual(c.logConfiguration.logDriver, "awslogs", def.name);
            assert.strictEqual(
                c.logConfiguration.options["awslogs-group"],
                autoNamed(`${def.name.replace(/-taskdef$/, "")}-logs`, "cloudwatch/logGroup:LogGroup"),
            );
            assert.ok(
                c.environment.every((e: any) => !SECRET_LOOKING_NAME.test(e.name)),
                def.name,
            );
            assert.deepStrictEqual(
                [def.inputs.networkMode, def.inputs.requiresCompatibilities],
                ["awsvpc", ["FARGATE"]],
            );
            assert.ok(c.image.endsWith(`:${UNRELEASED_TAG}`), "the tag comes from the app-version parameter");
        }
        assert.ok(rec.lookups.includes("aws:ssm/getParameter:getParameter"));
    });

    // RDS rotates its managed master secret every 7 days; ECS injects secrets only at task start, so a
    // running task holding the password fails on new connections after a rotation. Services and workers
    // therefore connect as the app's own user with IAM authentication (a token per connection); only
    // the run-once migration uses the master user.
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-rotation
    // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.IAMPolicy.html
    it("RDS managed secret rotation (7 days): long-running tasks use IAM auth as the app user, never the master password", () => {
        const dbSecret = `arn:aws:secretsmanager:${region()}:123456789012:secret:rds!app-db-mock`;
        for (const name of ["backend", "jobs"]) {
            const { c } = containers(rec).find((x) => x.c.name === name)!;
            const env = Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
            assert.deepStrictEqual([env.DATABASE_USER, env.DATABASE_USE_IAM], ["app", "true"], name);
            assert.ok(
                !c.secrets?.some((s: any) => s.name === "DATABASE_PASSWORD"),
                `${name} holds the master password`,
            );
            const task = policy(named(rec, `app-${name}-task-policy`));
            const connect = task.Statement.find((s: any) => s.Sid === "ConnectToDatabaseAsAppUser");
            assert.deepStrictEqual(
                [connect.Action, connect.Resource],
                ["rds-db:connect", `arn:aws:rds-db:${region()}:123456789012:dbuser:db-APPDBMOCK/app`],
            );
        }
        const { c: m } = containers(rec).find((x) => x.c.name === "migration")!;
        const env = Object.fromEntries(m.environment.map((e: any) => [e.name, e.value]));
        assert.deepStrictEqual(
            [env.DATABASE_USER, env.DATABASE_APP_USER, env.DATABASE_USE_IAM],
            ["citadel", "app", undefined],
        );
        assert.deepStrictEqual(
            m.secrets.find((s: any) => s.name === "DATABASE_PASSWORD"),
            { name: "DATABASE_PASSWORD", valueFrom: `${dbSecret}:password::` },
        );
        assert.ok(
            !policy(named(rec, "app-migration-task-policy")).Statement.some(
                (s: any) => s.Sid === "ConnectToDatabaseAsAppUser",
            ),
        );
        assert.ok(
            !policy(named(rec, "app-frontend-task-policy")).Statement.some(
                (s: any) => s.Sid === "ConnectToDatabaseAsAppUser",
            ),
        );
    });

    // pulumi-aws issue 4487: a circuit-breaker rollback leaves the service steady on the previous
    // task definition and the update reported as a success. ECS: "the service is rolled back to the
    // last deployment that completed successfully".
    // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-circuit-breaker.html
    it("ECS circuit-breaker rollback: pulumi up waits for the deployment and fails when the old task definition runs", async () => {
        for (const svc of ofType(rec, "aws:ecs/service:Service")) {
            assert.strictEqual(svc.inputs.waitForSteadyState, true, svc.name);
            assert.deepStrictEqual(svc.inputs.deploymentCircuitBreaker, { enable: true, rollback: true }, svc.name);
        }
        assert.deepStrictEqual(Object.keys(app.deployedTaskDefinitions).sort(), ["backend", "frontend", "jobs"]);
        assert.match(await valueOf(app.deployedTaskDefinitions.backend), /app-backend-taskdef/);
        assert.doesNotThrow(() => requireDeployed("app-backend", "arn:td:app-backend:7", "arn:td:app-backend:7"));
        assert.throws(
            () => requireDeployed("app-backend", "arn:td:app-backend:8", "arn:td:app-backend:7"),
            /ECS service app-backend did not deploy arn:td:app-backend:8: it runs arn:td:app-backend:7 \(the deployment circuit breaker rolled it back/,
        );
    });

    // GetParameter answers ParameterNotFound for a parameter nobody created (the mocks do the same):
    // on an empty account the program must create the app-version parameter before reading it, and
    // must not start tasks for an image nobody has pushed to the new, empty repositories.
    // https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetParameter.html (Errors)
    // https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
    it("SSM ParameterNotFound on an empty account: owns the app-version parameter and runs no task until a release", () => {
        const param = named(rec, "app-app-version", "aws:ssm/parameter:Parameter");
        assert.deepStrictEqual(
            [param.inputs.name, param.inputs.type, reveal(param.inputs.value)],
            ["/citadel/test/app-version", "String", UNRELEASED_TAG],
        );
        for (const svc of ofType(rec, "aws:ecs/service:Service")) {
            assert.strictEqual(svc.inputs.desiredCount, 0, `${svc.name} would wait for an image nobody pushed`);
        }
        for (const t of ofType(rec, "aws:appautoscaling/target:Target")) {
            assert.strictEqual(t.inputs.minCapacity, 0, t.name);
            assert.ok(t.inputs.maxCapacity >= 1, t.name);
        }
    });

    it("hands the backend its secrets by reference", () => {
        const { c } = containers(rec).find((x) => x.c.name === "backend")!;
        assert.deepStrictEqual(c.secrets, [
            { name: "API_KEY", valueFrom: `${API_KEY_SECRET}:key::` },
            { name: "SMTP_PASSWORD", valueFrom: SMTP_PARAMETER },
        ]);
        const env = Object.fromEntries(c.environment.map((e: any) => [e.name, e.value]));
        assert.strictEqual(env.DATABASE_HOST, `citadel-test-app-db-mockrand.mock.${region()}.rds.amazonaws.com`);
        assert.strictEqual(
            env.JOBS_QUEUE_URL,
            `https://sqs.${region()}.amazonaws.com/123456789012/${autoNamed("app-jobs-queue", "sqs/queue:Queue")}`,
        );
        assert.strictEqual(c.user, "1000:1000");

        const exec = policy(named(rec, "app-backend-execution-policy"));
        const read = exec.Statement.find((s: any) => s.Sid === "ReadSecrets");
        assert.deepStrictEqual(read.Resource, [API_KEY_SECRET]);
        assert.deepStrictEqual(exec.Statement.find((s: any) => s.Sid === "ReadParameters").Resource, [SMTP_PARAMETER]);
        assert.strictEqual(exec.Statement.find((s: any) => s.Sid === "DecryptSecrets").Resource, KEY_ARN);
        const frontendExec = policy(named(rec, "app-frontend-execution-policy"));
        assert.ok(
            !frontendExec.Statement.some((s: any) => /Secret|Parameter/.test(s.Sid)),
            "the frontend reads no secret",
        );
        assert.deepStrictEqual(frontendExec.Statement.find((s: any) => s.Sid === "PullImage").Resource, [
            `arn:aws:ecr:${region()}:123456789012:app-frontend-repo`,
        ]);
    });

    it("lets task roles read only their environment's parameters", () => {
        const task = policy(named(rec, "app-frontend-task-policy"));
        assert.deepStrictEqual(task.Statement[0].Resource, [
            `arn:aws:ssm:${region()}:123456789012:parameter/citadel/test`,
            `arn:aws:ssm:${region()}:123456789012:parameter/citadel/test/*`,
        ]);
    });

    it("keeps container logs 365 days, encrypted with the key", () => {
        const groups = ofType(rec, "aws:cloudwatch/logGroup:LogGroup").filter((g) => g.parent === "app");
        assert.strictEqual(groups.length, 4);
        for (const g of groups)
            assert.deepStrictEqual([g.inputs.retentionInDays, g.inputs.kmsKeyId], [365, KEY_ARN], g.name);
    });

    it("scales services on CPU and requests per target, and the worker on its backlog", () => {
        const policies = ofType(rec, SCALING_POLICY);
        assert.deepStrictEqual(policies.map((p) => p.name).sort(), [
            "app-backend-cpu",
            "app-backend-requests",
            "app-frontend-cpu",
            "app-frontend-requests",
            "app-jobs-backlog",
        ]);
        const cpu = named(rec, "app-backend-cpu").inputs.targetTrackingScalingPolicyConfiguration;
        assert.deepStrictEqual(
            [cpu.predefinedMetricSpecification.predefinedMetricType, cpu.targetValue],
            ["ECSServiceAverageCPUUtilization", 60],
        );
        const requests = named(rec, "app-backend-requests").inputs.targetTrackingScalingPolicyConfiguration;
        assert.deepStrictEqual(requests.predefinedMetricSpecification, {
            predefinedMetricType: "ALBRequestCountPerTarget",
            resourceLabel: "app/app-alb/mock/targetgroup/app-backend-tg/mock",
        });
        const backlog = named(rec, "app-jobs-backlog").inputs.targetTrackingScalingPolicyConfiguration;
        assert.strictEqual(backlog.targetValue, 100);
        const metrics = backlog.customizedMetricSpecification.metrics;
        assert.deepStrictEqual(metrics[0].metricStat.metric.dimensions, [
            { name: "QueueName", value: autoNamed("app-jobs-queue", "sqs/queue:Queue") },
        ]);
        assert.deepStrictEqual(
            metrics.filter((m: any) => m.returnData).map((m: any) => m.expression),
            ["visible / IF(tasks > 0, tasks, 1)"],
        );
        const target = named(rec, "app-backend-scaling").inputs;
        assert.deepStrictEqual(
            [target.resourceId, target.minCapacity, target.maxCapacity],
            // Minimum 0 until the first release (see the ParameterNotFound test); then minCount.
            [
                `service/${autoNamed("app-cluster", "ecs/cluster:Cluster")}/${autoNamed("app-backend", "ecs/service:Service")}`,
                0,
                4,
            ],
        );
    });

    it("gives the worker a KMS-encrypted queue with a dead-letter queue, TLS only", () => {
        const queue = named(rec, "app-jobs-queue").inputs;
        assert.strictEqual(queue.kmsMasterKeyId, KEY_ARN);
        assert.deepStrictEqual(JSON.parse(queue.redrivePolicy), {
            deadLetterTargetArn: `arn:aws:sqs:${region()}:123456789012:app-jobs-dlq`,
            maxReceiveCount: 5,
        });
        assert.strictEqual(named(rec, "app-jobs-dlq").inputs.kmsMasterKeyId, KEY_ARN);
        assert.strictEqual(
            policy(named(rec, "app-jobs-queue-policy")).Statement[0].Condition.Bool["aws:SecureTransport"],
            false,
        );
        const worker = policy(named(rec, "app-jobs-task-policy"));
        assert.deepStrictEqual(worker.Statement.find((s: any) => s.Sid === "ConsumeQueue").Resource, [
            `arn:aws:sqs:${region()}:123456789012:app-jobs-queue`,
        ]);
        const producer = policy(named(rec, "app-backend-task-policy"));
        assert.ok(producer.Statement.find((s: any) => s.Sid === "SendToWorkerQueues"));
        assert.ok(!policy(named(rec, "app-frontend-task-policy")).Statement.some((s: any) => /Queue/.test(s.Sid)));
    });

    it("creates guarded ECR repositories, kept 100 images deep and retained on delete, and CI's policy", () => {
        const repos = ofType(rec, "aws:ecr/repository:Repository");
        assert.deepStrictEqual(repos.map((r) => r.name).sort(), ["app-backend-repo", "app-frontend-repo"]);
        for (const r of repos) {
            assert.strictEqual(r.inputs.imageTagMutability, "IMMUTABLE");
            assert.deepStrictEqual(r.inputs.imageScanningConfiguration, { scanOnPush: true });
            assert.deepStrictEqual(r.inputs.encryptionConfigurations, [{ encryptionType: "KMS", kmsKey: KEY_ARN }]);
            assert.strictEqual(r.retainOnDelete, true);
        }
        const lifecycle = JSON.parse(named(rec, "app-backend-lifecycle").inputs.policy);
        assert.strictEqual(lifecycle.rules[0].selection.countNumber, 100);
        assert.deepStrictEqual(named(rec, "app-ci-push-pull-gitlab-ci").inputs, {
            role: "gitlab-ci",
            policyArn: `arn:aws:iam:${region()}:123456789012:app-ci-push-pull`,
        });
        const ci = policy(named(rec, "app-ci-push-pull"));
        assert.deepStrictEqual(ci.Statement[1].Resource.sort(), [
            `arn:aws:ecr:${region()}:123456789012:app-backend-repo`,
            `arn:aws:ecr:${region()}:123456789012:app-frontend-repo`,
        ]);
    });

    it("sends failed deployments and rollbacks to the stack's topic, and creates no topic of its own", () => {
        const pattern = JSON.parse(named(rec, "app-deploy-failures").inputs.eventPattern);
        assert.deepStrictEqual(pattern.resources, [
            {
                prefix: `arn:aws:ecs:${region()}:123456789012:service/${autoNamed("app-cluster", "ecs/cluster:Cluster")}/`,
            },
        ]);
        assert.strictEqual(named(rec, "app-deploy-failures-target").inputs.arn, TOPIC);
        assert.strictEqual(ofType(rec, "aws:sns/topic:Topic").length, 0);
    });

    it("alarms on load balancer 5xx, unhealthy targets, missing tasks, queue age, dead letters and the database", () => {
        const alarms = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm");
        const names = alarms.map((a) => a.name).sort();
        assert.deepStrictEqual(names, [
            "app-alarm-elb-5xx",
            "app-alarm-target-5xx",
            "app-backend-alarm-tasks-below-desired",
            "app-backend-alarm-unhealthy-targets",
            "app-db-alarm-connections",
            "app-db-alarm-cpu",
            "app-db-alarm-free-storage",
            "app-frontend-alarm-tasks-below-desired",
            "app-frontend-alarm-unhealthy-targets",
            "app-jobs-alarm-dead-letters",
            "app-jobs-alarm-oldest-message",
            "app-jobs-alarm-tasks-below-desired",
        ]);
        for (const a of alarms) {
            assert.deepStrictEqual(a.inputs.alarmActions, [TOPIC], a.name);
            assert.deepStrictEqual(a.inputs.okActions, [TOPIC], a.name);
        }
        assert.strictEqual(named(rec, "app-alarm-target-5xx").inputs.threshold, 25, "a threshold given wins");
        assert.strictEqual(named(rec, "app-alarm-elb-5xx").inputs.threshold, 10, "the default");
        const dlq = named(rec, "app-jobs-alarm-dead-letters").inputs;
        assert.strictEqual(dlq.dimensions.QueueName, autoNamed("app-jobs-dlq", "sqs/queue:Queue"));
        const missing = named(rec, "app-backend-alarm-tasks-below-desired").inputs;
        assert.deepStrictEqual(
            missing.metricQueries.map((q: any) => q.expression ?? q.metric.metricName),
            ["DesiredTaskCount", "RunningTaskCount", "desired - running"],
        );
        assert.strictEqual(missing.comparisonOperator, "GreaterThanThreshold");
        assert.strictEqual(missing.threshold, 0);
    });

    it("refuses a threshold out of range, naming it", () => {
        assert.throws(
            () => new EcsApp("bad", appArgs({ alarms: { topicArn: TOPIC, oldestMessageSeconds: 5 } })),
            /EcsApp "bad": alarms.oldestMessageSeconds: 5 is out of range, allowed 60..1209600 \(seconds\)/,
        );
    });

    it("turns Container Insights on and runs on Fargate only", () => {
        assert.deepStrictEqual(named(rec, "app-cluster").inputs.settings, [
            { name: "containerInsights", value: "enabled" },
        ]);
        assert.deepStrictEqual(named(rec, "app-capacity").inputs.capacityProviders, ["FARGATE"]);
        assert.strictEqual(ofType(rec, "aws:autoscaling/group:Group").length, 0);
    });

    it("outputs the exact run-task command of the migration, and the rest", async () => {
        const migration = containers(rec).find((x) => x.c.name === "migration")!;
        assert.deepStrictEqual(migration.c.command, ["bin/rails", "db:migrate"]);
        assert.ok(migration.c.secrets.some((s: any) => s.name === "DATABASE_PASSWORD"));
        assert.strictEqual(migration.def.inputs.family, `citadel-${pulumi.getStack()}-app-migration`);
        assert.strictEqual(
            await valueOf(app.migrationCommand!),
            `aws ecs run-task --region ${region()} --cluster ${autoNamed("app-cluster", "ecs/cluster:Cluster")} ` +
                `--task-definition arn:aws:ecs:${region()}:123456789012:app-migration-taskdef --launch-type FARGATE ` +
                "--network-configuration 'awsvpcConfiguration={subnets=[subnet-priv-a,subnet-priv-b]," +
                "securityGroups=[app-tasks-sg-id],assignPublicIp=DISABLED}' --started-by migration --count 1",
        );
        assert.strictEqual(await valueOf(app.loadBalancerDnsName), `app-alb-mock.${region()}.elb.amazonaws.com`);
        assert.deepStrictEqual(await valueOf(pulumiAll(app.serviceNames)), {
            backend: autoNamed("app-backend", "ecs/service:Service"),
            frontend: autoNamed("app-frontend", "ecs/service:Service"),
            jobs: autoNamed("app-jobs", "ecs/service:Service"),
        });
        assert.deepStrictEqual(await valueOf(pulumiAll(app.queueUrls)), {
            jobs: `https://sqs.${region()}.amazonaws.com/123456789012/${autoNamed("app-jobs-queue", "sqs/queue:Queue")}`,
        });
        assert.strictEqual(await valueOf(app.clusterName), autoNamed("app-cluster", "ecs/cluster:Cluster"));
        assert.strictEqual(app.bastionInstanceId, undefined);
    });
});

function pulumiAll<T>(o: Record<string, pulumi.Output<T>>) {
    return pulumi.all(o);
}

describe("EcsApp behind a CDN (origin protection)", () => {
    let rec: Recording;
    before(async () => {
        rec = await capture(() => new EcsApp("app", appArgs({ originProtection: ORIGIN })));
    });

    it("admits 443 only from the CDN's prefix list, and nothing on 80", () => {
        const albIngress = ofType(rec, INGRESS).filter((r) => r.inputs.securityGroupId === "app-alb-sg-id");
        assert.deepStrictEqual(
            albIngress.map((r) => [r.inputs.prefixListId, r.inputs.fromPort, r.inputs.cidrIpv4]),
            [["pl-3b927c52", 443, undefined]],
        );
        assert.ok(!ofType(rec, INGRESS).some((r) => r.inputs.cidrIpv4 === "0.0.0.0/0"));
    });

    it("answers 403 by default and routes only requests carrying the secret header", () => {
        assert.deepStrictEqual(named(rec, "app-https").inputs.defaultActions[0].fixedResponse, {
            contentType: "text/plain",
            statusCode: "403",
            messageBody: "Forbidden",
        });
        for (const rule of ofType(rec, "aws:lb/listenerRule:ListenerRule")) {
            // The header value is a secret in state, however it was given.
            assert.notDeepStrictEqual(
                rule.inputs.conditions,
                reveal(rule.inputs.conditions),
                "the header value is recorded as a secret",
            );
            const header = reveal<any[]>(rule.inputs.conditions).find((c: any) => c.httpHeader);
            assert.deepStrictEqual(
                header,
                { httpHeader: { httpHeaderName: "X-Origin-Verify", values: [ORIGIN.headerValue] } },
                rule.name,
            );
        }
        assert.deepStrictEqual(named(rec, "app-http").inputs.defaultActions[0].redirect.statusCode, "HTTP_301");
    });
});

describe("EcsApp on EC2 capacity, with a bastion and a private registry", () => {
    let rec: Recording;
    let app: EcsApp;
    before(async () => {
        rec = await capture(() => {
            app = new EcsApp(
                "app",
                appArgs({
                    capacity: "ec2",
                    ec2: { instanceType: "m6i.large", minInstances: 2, maxInstances: 6 },
                    bastion: {},
                    images: {
                        source: "registry",
                        registry: "registry.gitlab.com/acme/instandt",
                        credentialsSecretArn: GITLAB_SECRET,
                    },
                    imageTag: "1.4.2",
                    protect: true,
                    tags: USER_TAGS,
                }),
            );
        });
    });

    it("tags every taggable child: database, queues, load balancer, EC2 capacity (group, launch template, bastion); own names and the backup tag stay", () => {
        assert.ok(assertUserTagsEverywhere(rec, "citadel:ecs:EcsApp") > 20);
        const db = ofType(rec, "aws:rds/instance:Instance")[0].inputs.tags;
        assert.deepStrictEqual([db["citadel:backup"], db.CostCenter], ["daily", USER_TAGS.CostCenter]);
        assert.strictEqual(named(rec, "app-bastion", "aws:ec2/instance:Instance").inputs.tags.Name, "app-bastion");
        assert.strictEqual(
            ofType(rec, "aws:autoscaling/group:Group")[0].inputs.tags.filter((t: any) => t.key === "Name").length,
            1,
        );
    });

    it("launches ECS-optimized instances with IMDSv2, encrypted volumes, no public IP, joined to the cluster", () => {
        const lt = named(rec, "app-instances-lt").inputs;
        assert.strictEqual(lt.imageId, "ami-0fedcba9876543210");
        assert.strictEqual(lt.instanceType, "m6i.large");
        assert.deepStrictEqual(
            [lt.metadataOptions.httpTokens, lt.metadataOptions.httpPutResponseHopLimit],
            ["required", 1],
        );
        assert.deepStrictEqual(lt.blockDeviceMappings[0].ebs, {
            encrypted: "true",
            kmsKeyId: KEY_ARN,
            volumeSize: 30,
            volumeType: "gp3",
            deleteOnTermination: "true",
        });
        assert.strictEqual(lt.networkInterfaces[0].associatePublicIpAddress, "false");
        const userData = Buffer.from(lt.userData, "base64").toString();
        assert.ok(userData.includes(`\nECS_CLUSTER=${autoNamed("app-cluster", "ecs/cluster:Cluster")}\n`));
    });

    it("scales instances in the private subnets behind a managed capacity provider", () => {
        const asg = named(rec, "app-instances-asg").inputs;
        assert.deepStrictEqual(asg.vpcZoneIdentifiers, NETWORK.privateSubnetIds);
        assert.deepStrictEqual([asg.minSize, asg.maxSize, asg.protectFromScaleIn], [2, 6, true]);
        assert.deepStrictEqual(asg.launchTemplate, { id: "app-instances-lt-id", version: "1" });
        assert.ok(asg.tags.some((t: any) => t.key === "AmazonECSManaged"));
        const cp = named(rec, "app-ec2").inputs.autoScalingGroupProvider;
        assert.strictEqual(cp.managedTerminationProtection, "ENABLED");
        assert.deepStrictEqual([cp.managedScaling.status, cp.managedScaling.targetCapacity], ["ENABLED", 100]);
        assert.deepStrictEqual(named(rec, "app-capacity").inputs.capacityProviders, [
            autoNamed("app-ec2", "ecs/capacityProvider:CapacityProvider"),
        ]);
        const service = named(rec, "app-backend").inputs;
        assert.deepStrictEqual(service.capacityProviderStrategies, [
            { capacityProvider: autoNamed("app-ec2", "ecs/capacityProvider:CapacityProvider"), weight: 1 },
        ]);
        assert.deepStrictEqual(service.orderedPlacementStrategies[0], {
            type: "spread",
            field: "attribute:ecs.availability-zone",
        });
        assert.deepStrictEqual(named(rec, "app-backend-taskdef").inputs.requiresCompatibilities, ["EC2"]);
    });

    it("pulls from the private registry with the token from Secrets Manager, and creates no repository", async () => {
        assert.strictEqual(ofType(rec, "aws:ecr/repository:Repository").length, 0);
        const { c } = containers(rec).find((x) => x.c.name === "backend")!;
        assert.strictEqual(c.image, "registry.gitlab.com/acme/instandt/backend:1.4.2");
        assert.deepStrictEqual(c.repositoryCredentials, { credentialsParameter: GITLAB_SECRET });
        const exec = policy(named(rec, "app-frontend-execution-policy"));
        assert.deepStrictEqual(exec.Statement.find((s: any) => s.Sid === "ReadSecrets").Resource, [GITLAB_SECRET]);
        assert.ok(!exec.Statement.some((s: any) => String(s.Action).startsWith("ecr:")));
        assert.ok(
            containers(rec).every((x) => x.c.image.endsWith(":1.4.2")),
            "imageTag overrides the app-version parameter",
        );
        assert.strictEqual(ofType(rec, "aws:ssm/parameter:Parameter").length, 0);
        for (const svc of ofType(rec, "aws:ecs/service:Service"))
            assert.ok(svc.inputs.desiredCount >= 1, "a released tag runs tasks");
        for (const t of ofType(rec, "aws:appautoscaling/target:Target")) assert.ok(t.inputs.minCapacity >= 1, t.name);
        assert.ok(
            (await valueOf(app.migrationCommand!)).includes(
                `--capacity-provider-strategy capacityProvider=${autoNamed("app-ec2", "ecs/capacityProvider:CapacityProvider")},weight=1`,
            ),
        );
    });

    it("runs a bastion with a private IP, no inbound rule, IMDSv2 and an encrypted disk", async () => {
        const bastion = named(rec, "app-bastion").inputs;
        assert.strictEqual(bastion.associatePublicIpAddress, false);
        assert.strictEqual(bastion.subnetId, "subnet-priv-a");
        assert.strictEqual(bastion.metadataOptions.httpTokens, "required");
        assert.deepStrictEqual([bastion.rootBlockDevice.encrypted, bastion.rootBlockDevice.kmsKeyId], [true, KEY_ARN]);
        assert.ok(!ofType(rec, INGRESS).some((r) => r.inputs.securityGroupId === "app-bastion-sg-id"));
        assert.strictEqual(
            await valueOf(app.bastionSessionCommand!),
            `aws ssm start-session --region ${region()} --target app-bastion-id`,
        );
    });

    // Session Manager port forwarding to a remote host opens the connection from the bastion itself,
    // so the database's security group must admit the bastion's on 5432 (and the bastion may leave on it).
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html#sessions-remote-port-forwarding
    it("Session Manager port forwarding: the database admits 5432 from the bastion, and the exact command is output", async () => {
        const fromBastion = ofType(rec, INGRESS).filter(
            (r) => r.inputs.referencedSecurityGroupId === "app-bastion-sg-id",
        );
        assert.deepStrictEqual(
            fromBastion.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort, r.inputs.toPort]),
            [["app-db-sg-id", 5432, 5432]],
        );
        const egress = ofType(rec, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
            (r) => r.inputs.securityGroupId === "app-bastion-sg-id",
        );
        assert.deepStrictEqual(
            egress.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4]).sort(),
            [
                [443, "0.0.0.0/0"],
                [5432, "app-db-sg-id"],
            ],
        );
        assert.strictEqual(
            await valueOf(app.databasePortForwardingCommand!),
            `aws ssm start-session --region ${region()} --target app-bastion-id --document-name AWS-StartPortForwardingSessionToRemoteHost ` +
                `--parameters '{"host":["citadel-test-app-db-mockrand.mock.${region()}.rds.amazonaws.com"],"portNumber":["5432"],"localPortNumber":["5432"]}'`,
        );
    });

    it("protects what is stateful in prod: deletion protection, the database, the log bucket", () => {
        assert.strictEqual(named(rec, "app-alb").inputs.enableDeletionProtection, true);
        assert.strictEqual(ofType(rec, "aws:rds/instance:Instance")[0].protect, true);
        assert.ok(ofType(rec, "aws:s3/bucket:Bucket").every((b) => b.protect));
    });
});

describe("EcsApp refuses bad args before registering anything", () => {
    it("throws a ConfigError and registers nothing", async () => {
        for (const bad of [
            appArgs({
                services: [
                    { name: "web", image: "web", port: 8080, cpu: 256, memory: 4096, routing: { paths: ["/*"] } },
                ],
            }),
            appArgs({
                services: [
                    {
                        name: "web",
                        image: "web",
                        port: 8080,
                        routing: { paths: ["/*"] },
                        secrets: { TOKEN: "plain" as never },
                    },
                ],
            }),
        ]) {
            let error: unknown;
            const recorded = await capture(() => {
                try {
                    new EcsApp("bad", bad);
                } catch (e) {
                    error = e;
                }
            });
            assert.ok(error instanceof ConfigError, String(error));
            assert.deepStrictEqual(recorded.resources, []);
        }
    });
});
