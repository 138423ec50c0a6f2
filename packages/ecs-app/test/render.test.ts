import * as assert from "assert";
import { execFileSync } from "child_process";
import {
    ciPushPullStatements,
    containerDefinition,
    ContainerSettings,
    deploymentAlertPattern,
    ecrLifecyclePolicy,
    ecsUserData,
    executionRoleStatements,
    renderContainerDefinitions,
    runTaskCommand,
    SECRET_LOOKING_NAME,
    secretValueFrom,
    sessionCommand,
    taskRoleStatements,
} from "../src";
import { API_KEY_SECRET, GITLAB_SECRET, KEY_ARN, SMTP_PARAMETER } from "./fixtures";

const SETTINGS: ContainerSettings = {
    name: "backend",
    image: "123456789012.dkr.ecr.us-east-1.amazonaws.com/backend:1.4.2",
    command: ["bin/puma"],
    port: 8000,
    environment: { RAILS_ENV: "production", APP_VERSION: "1.4.2" },
    secrets: [
        { name: "SMTP_PASSWORD", valueFrom: SMTP_PARAMETER },
        { name: "API_KEY", valueFrom: secretValueFrom(API_KEY_SECRET, "key") },
    ],
    user: "1000:1000",
    writablePaths: ["/tmp", "/app/tmp"],
    logGroupName: "/ecs/backend",
    region: "us-east-1",
};

describe("EcsApp container definitions", () => {
    it("renders one hardened container: read-only root, unprivileged, logs, scratch volumes", () => {
        const [c] = JSON.parse(renderContainerDefinitions(SETTINGS));
        assert.strictEqual(c.readonlyRootFilesystem, true);
        assert.strictEqual(c.privileged, false);
        assert.strictEqual(c.user, "1000:1000");
        assert.strictEqual(c.essential, true);
        assert.deepStrictEqual(c.portMappings, [{ containerPort: 8000, protocol: "tcp", name: "backend" }]);
        assert.deepStrictEqual(c.logConfiguration, {
            logDriver: "awslogs",
            options: {
                "awslogs-group": "/ecs/backend",
                "awslogs-region": "us-east-1",
                "awslogs-stream-prefix": "backend",
                mode: "non-blocking",
                "max-buffer-size": "25m",
            },
        });
        assert.deepStrictEqual(c.mountPoints, [
            { sourceVolume: "scratch-0", containerPath: "/tmp", readOnly: false },
            { sourceVolume: "scratch-1", containerPath: "/app/tmp", readOnly: false },
        ]);
        assert.strictEqual(c.repositoryCredentials, undefined);
    });

    it("passes secrets by reference only, sorted, and nothing secret-looking in the environment", () => {
        const c = containerDefinition(SETTINGS) as any;
        assert.deepStrictEqual(c.secrets, [
            { name: "API_KEY", valueFrom: `${API_KEY_SECRET}:key::` },
            { name: "SMTP_PASSWORD", valueFrom: SMTP_PARAMETER },
        ]);
        assert.deepStrictEqual(
            c.environment.map((e: any) => e.name),
            ["APP_VERSION", "RAILS_ENV"],
        );
        assert.ok(c.environment.every((e: any) => !SECRET_LOOKING_NAME.test(e.name)));
        assert.strictEqual(secretValueFrom(API_KEY_SECRET), API_KEY_SECRET);
    });

    it("adds registry credentials and leaves out what a worker lacks", () => {
        const c = containerDefinition({
            ...SETTINGS,
            port: undefined,
            command: undefined,
            user: undefined,
            repositoryCredentialsArn: GITLAB_SECRET,
        }) as any;
        assert.deepStrictEqual(c.repositoryCredentials, { credentialsParameter: GITLAB_SECRET });
        assert.ok(!("portMappings" in c) && !("command" in c) && !("user" in c));
    });
});

describe("EcsApp policies", () => {
    const base = {
        logGroupArn: "arn:aws:logs:us-east-1:123456789012:log-group:backend",
        kmsKeyArn: KEY_ARN,
        region: "us-east-1",
        dnsSuffix: "amazonaws.com",
    };

    it("gives the execution role exactly its image, log group and secrets", () => {
        const statements = executionRoleStatements({
            ...base,
            repositoryArns: ["arn:aws:ecr:us-east-1:123456789012:repository/backend"],
            secretArns: [API_KEY_SECRET],
            parameterArns: [SMTP_PARAMETER],
        });
        const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
        assert.deepStrictEqual(Object.keys(bySid), [
            "EcrLogin",
            "PullImage",
            "WriteLogs",
            "ReadSecrets",
            "ReadParameters",
            "DecryptSecrets",
        ]);
        assert.deepStrictEqual(bySid.PullImage.Resource, ["arn:aws:ecr:us-east-1:123456789012:repository/backend"]);
        assert.strictEqual(bySid.WriteLogs.Resource, `${base.logGroupArn}:*`);
        assert.deepStrictEqual(bySid.ReadSecrets, {
            Sid: "ReadSecrets",
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: [API_KEY_SECRET],
        });
        assert.deepStrictEqual(bySid.ReadParameters.Resource, [SMTP_PARAMETER]);
        assert.deepStrictEqual(bySid.DecryptSecrets.Condition, {
            StringEquals: {
                "kms:ViaService": ["secretsmanager.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com"],
            },
        });
        // Only GetAuthorizationToken, which takes no resource, is granted on "*".
        assert.deepStrictEqual(
            statements.filter((s) => s.Resource === "*").map((s) => s.Action),
            ["ecr:GetAuthorizationToken"],
        );
    });

    it("gives a registry-pulling task no ECR access and a secret-less task no secret access", () => {
        const statements = executionRoleStatements({ ...base, repositoryArns: [], secretArns: [], parameterArns: [] });
        assert.deepStrictEqual(
            statements.map((s) => s.Sid),
            ["WriteLogs"],
        );
    });

    it("lets the task role read its own parameter namespace and use its queues", () => {
        const statements = taskRoleStatements({
            partition: "aws",
            region: "eu-west-1",
            accountId: "123456789012",
            dnsSuffix: "amazonaws.com",
            kmsKeyArn: KEY_ARN,
            parameterNamespace: "/citadel/prod",
            consumeQueueArns: ["arn:q"],
            produceQueueArns: ["arn:p"],
        });
        const bySid = Object.fromEntries(statements.map((s) => [s.Sid, s]));
        assert.deepStrictEqual(bySid.ReadOwnParameterNamespace.Resource, [
            "arn:aws:ssm:eu-west-1:123456789012:parameter/citadel/prod",
            "arn:aws:ssm:eu-west-1:123456789012:parameter/citadel/prod/*",
        ]);
        assert.deepStrictEqual(bySid.ConsumeQueue.Resource, ["arn:q"]);
        assert.deepStrictEqual(bySid.SendToWorkerQueues.Resource, ["arn:p"]);
        assert.ok(!(bySid.ConsumeQueue.Action as string[]).includes("sqs:SendMessage"));
        assert.deepStrictEqual(bySid.DecryptOwnData.Condition, {
            StringEquals: { "kms:ViaService": ["ssm.eu-west-1.amazonaws.com", "sqs.eu-west-1.amazonaws.com"] },
        });
    });

    it("lets CI push and pull the app's repositories, never delete them", () => {
        const repos = ["arn:aws:ecr:us-east-1:123456789012:repository/backend"];
        const [login, pushPull, deny] = ciPushPullStatements(repos);
        assert.deepStrictEqual([login.Action, login.Resource], ["ecr:GetAuthorizationToken", "*"]);
        assert.deepStrictEqual(pushPull.Resource, repos);
        assert.ok((pushPull.Action as string[]).includes("ecr:PutImage"));
        assert.ok(!(pushPull.Action as string[]).some((a) => /Delete|\*/.test(a)));
        assert.strictEqual(deny.Effect, "Deny");
        assert.ok((deny.Action as string[]).includes("ecr:DeleteRepository"));
        assert.ok((deny.Action as string[]).includes("ecr:BatchDeleteImage"));
    });

    it("keeps the last 100 images", () => {
        assert.deepStrictEqual(JSON.parse(ecrLifecyclePolicy()).rules, [
            {
                rulePriority: 1,
                description: "Keep the last 100 images",
                selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 100 },
                action: { type: "expire" },
            },
        ]);
    });

    it("alerts on failed deployments and circuit-breaker rollbacks of this cluster only", () => {
        const pattern = JSON.parse(deploymentAlertPattern("aws", "eu-west-1", "123456789012", "app-cluster"));
        assert.deepStrictEqual(pattern.source, ["aws.ecs"]);
        assert.deepStrictEqual(pattern["detail-type"], ["ECS Deployment State Change"]);
        assert.deepStrictEqual(pattern.resources, [
            { prefix: "arn:aws:ecs:eu-west-1:123456789012:service/app-cluster/" },
        ]);
        assert.deepStrictEqual(pattern.detail.$or, [
            { eventName: ["SERVICE_DEPLOYMENT_FAILED"] },
            { eventName: ["SERVICE_DEPLOYMENT_IN_PROGRESS"], reason: [{ prefix: "ECS deployment circuit breaker" }] },
        ]);
    });
});

describe("EcsApp commands", () => {
    const inputs = {
        cluster: "app-cluster-1a2b3c",
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/citadel-prod-app-migration:7",
        subnetIds: ["subnet-a", "subnet-b"],
        securityGroupIds: ["sg-tasks"],
        region: "eu-west-1",
    };

    it("renders the exact run-task command for Fargate and for EC2 capacity", () => {
        assert.strictEqual(
            runTaskCommand(inputs),
            "aws ecs run-task --region eu-west-1 --cluster app-cluster-1a2b3c " +
                "--task-definition arn:aws:ecs:eu-west-1:123456789012:task-definition/citadel-prod-app-migration:7 " +
                "--launch-type FARGATE " +
                "--network-configuration 'awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-tasks],assignPublicIp=DISABLED}' " +
                "--started-by migration --count 1",
        );
        assert.ok(
            runTaskCommand({ ...inputs, capacityProvider: "app-ec2-9f8e7d" }).includes(
                " --capacity-provider-strategy capacityProvider=app-ec2-9f8e7d,weight=1 ",
            ),
        );
        assert.strictEqual(
            sessionCommand("i-0abc", "eu-west-1"),
            "aws ssm start-session --region eu-west-1 --target i-0abc",
        );
    });

    it("splits the run-task command into the words the AWS CLI expects (real bash)", () => {
        const words = execFileSync("bash", ["-c", `printf '%s\\n' ${runTaskCommand(inputs)}`])
            .toString()
            .trim()
            .split("\n");
        assert.strictEqual(
            words[words.indexOf("--network-configuration") + 1],
            "awsvpcConfiguration={subnets=[subnet-a,subnet-b],securityGroups=[sg-tasks],assignPublicIp=DISABLED}",
        );
        assert.strictEqual(words.length, 17);
    });

    it("renders user data that joins the cluster with IMDS blocked for tasks (shellcheck: test:tools)", () => {
        const userData = ecsUserData("app-cluster-1a2b3c");
        assert.ok(userData.startsWith("#!/bin/bash\n"));
        for (const line of [
            "ECS_CLUSTER=app-cluster-1a2b3c",
            "ECS_AWSVPC_BLOCK_IMDS=true",
            "ECS_DISABLE_PRIVILEGED=true",
            "ECS_ENABLE_CONTAINER_METADATA=true",
        ]) {
            assert.ok(userData.includes(`\n${line}\n`), line);
        }
        assert.throws(() => ecsUserData("bad name; rm -rf /"), /not an ECS cluster name/);
    });
});
