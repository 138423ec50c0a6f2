/** Text other programs read (a shell command, user data), rendered by pure functions. */

/** Quotes a word for a POSIX shell; plain AWS identifiers are left bare for readability. */
export function shellQuote(word: string): string {
    return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

export interface RunTaskInputs {
    /** The cluster's name or ARN. */
    cluster: string;
    /** The task definition to run (the migration's), by ARN or `family:revision`. */
    taskDefinitionArn: string;
    /** The private subnets the task may start in (`awsvpc` network mode). */
    subnetIds: string[];
    /** The task's security groups. */
    securityGroupIds: string[];
    /** The cluster's region, passed as `--region`. */
    region: string;
    /** The EC2 capacity provider's name; undefined on Fargate. */
    capacityProvider?: string;
}

/**
 * The exact `aws ecs run-task` command that runs the migration once, in the private subnets with
 * the tasks' security group (which the database admits) and no public IP.
 */
export function runTaskCommand(i: RunTaskInputs): string {
    const network =
        `awsvpcConfiguration={subnets=[${i.subnetIds.join(",")}],` +
        `securityGroups=[${i.securityGroupIds.join(",")}],assignPublicIp=DISABLED}`;
    const placement = i.capacityProvider
        ? ["--capacity-provider-strategy", `capacityProvider=${i.capacityProvider},weight=1`]
        : ["--launch-type", "FARGATE"];
    return [
        "aws",
        "ecs",
        "run-task",
        "--region",
        i.region,
        "--cluster",
        i.cluster,
        "--task-definition",
        i.taskDefinitionArn,
        ...placement,
        "--network-configuration",
        network,
        "--started-by",
        "migration",
        "--count",
        "1",
    ]
        .map(shellQuote)
        .join(" ");
}

/** The ECS agent's settings on a container instance (see the agent's ecs.config reference). */
export function ecsAgentConfig(clusterName: string): Record<string, string> {
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(clusterName)) throw new Error(`not an ECS cluster name: ${clusterName}`);
    return {
        ECS_CLUSTER: clusterName,
        ECS_ENABLE_CONTAINER_METADATA: "true",
        ECS_ENABLE_TASK_IAM_ROLE: "true",
        // Tasks get their own role's credentials, never the instance's: block IMDS from awsvpc tasks.
        ECS_AWSVPC_BLOCK_IMDS: "true",
        ECS_DISABLE_PRIVILEGED: "true",
        ECS_CONTAINER_STOP_TIMEOUT: "30s",
        ECS_ENABLE_SPOT_INSTANCE_DRAINING: "true",
    };
}

/** User data for an ECS-optimized Amazon Linux 2023 instance: join the cluster with the settings above. */
export function ecsUserData(clusterName: string): string {
    const lines = Object.entries(ecsAgentConfig(clusterName)).map(([k, v]) => `${k}=${v}`);
    return ["#!/bin/bash", "set -euo pipefail", "cat >> /etc/ecs/ecs.config <<'EOF'", ...lines, "EOF", ""].join("\n");
}

/** How an operator opens a shell on the bastion: Session Manager, no SSH, no inbound port. */
/**
 * The command that forwards a local port through the bastion to the database (Session Manager's
 * AWS-StartPortForwardingSessionToRemoteHost document): `psql -h localhost -p <localPort>` then reaches it.
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-sessions-start.html#sessions-remote-port-forwarding
 */
export function portForwardingCommand(
    instanceId: string,
    region: string,
    host: string,
    port: number,
    localPort = port,
): string {
    const parameters = JSON.stringify({
        host: [host],
        portNumber: [String(port)],
        localPortNumber: [String(localPort)],
    });
    return [
        "aws",
        "ssm",
        "start-session",
        "--region",
        region,
        "--target",
        instanceId,
        "--document-name",
        "AWS-StartPortForwardingSessionToRemoteHost",
        "--parameters",
        parameters,
    ]
        .map(shellQuote)
        .join(" ");
}

export function sessionCommand(instanceId: string, region: string): string {
    return ["aws", "ssm", "start-session", "--region", region, "--target", instanceId].map(shellQuote).join(" ");
}
