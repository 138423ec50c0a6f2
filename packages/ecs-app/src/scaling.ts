import * as pulumi from "@pulumi/pulumi";
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import { ResolvedService, ResolvedWorker } from "./args";

type TrackingConfig = appautoscaling.PolicyArgs["targetTrackingScalingPolicyConfiguration"];

/** One target-tracking policy: its name suffix and its configuration. */
export interface Tracking {
    /** Suffix of the policy's logical name: `cpu`, `requests` (per target) or `backlog` (queue messages per task). */
    suffix: string;
    /** The target-tracking configuration: metric, target value, cooldowns (seconds). */
    config: NonNullable<TrackingConfig>;
}

/** Scale out within a minute, scale in only after five: a brief lull does not drop capacity. */
const COOLDOWNS = { scaleOutCooldown: 60, scaleInCooldown: 300 };

/** A web service tracks its average CPU and its requests per task (the ALB's count per target). */
export function serviceTracking(s: ResolvedService, resourceLabel: pulumi.Input<string>): Tracking[] {
    return [
        {
            suffix: "cpu",
            config: {
                predefinedMetricSpecification: { predefinedMetricType: "ECSServiceAverageCPUUtilization" },
                targetValue: s.cpuTargetPercent,
                ...COOLDOWNS,
            },
        },
        {
            suffix: "requests",
            config: {
                predefinedMetricSpecification: { predefinedMetricType: "ALBRequestCountPerTarget", resourceLabel },
                targetValue: s.requestsPerTarget,
                ...COOLDOWNS,
            },
        },
    ];
}

/**
 * A worker tracks its backlog: visible messages per running task (metric math over SQS and
 * Container Insights), kept near `backlogPerTask`.
 */
export function workerTracking(
    w: ResolvedWorker,
    queueName: pulumi.Input<string>,
    clusterName: pulumi.Input<string>,
    serviceName: pulumi.Input<string>,
): Tracking[] {
    const stat = (
        id: string,
        namespace: string,
        metricName: string,
        statistic: string,
        dimensions: Array<{ name: string; value: pulumi.Input<string> }>,
    ) => ({
        id,
        returnData: false,
        metricStat: { stat: statistic, metric: { namespace, metricName, dimensions } },
    });
    return [
        {
            suffix: "backlog",
            config: {
                targetValue: w.backlogPerTask,
                ...COOLDOWNS,
                customizedMetricSpecification: {
                    metrics: [
                        stat("visible", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "Sum", [
                            { name: "QueueName", value: queueName },
                        ]),
                        stat("tasks", "ECS/ContainerInsights", "RunningTaskCount", "Average", [
                            { name: "ClusterName", value: clusterName },
                            { name: "ServiceName", value: serviceName },
                        ]),
                        // With no task running yet the backlog itself is the signal (no division by zero).
                        {
                            id: "backlog",
                            expression: "visible / IF(tasks > 0, tasks, 1)",
                            label: "Visible messages per task",
                            returnData: true,
                        },
                    ],
                },
            },
        },
    ];
}

/** The service's scalable target (between its min and max count, min 0 before a release) and its tracking policies. */
export function createScaling(
    name: string,
    parent: pulumi.Resource,
    m: ResolvedService | ResolvedWorker,
    released: pulumi.Input<boolean>,
    clusterName: pulumi.Input<string>,
    serviceName: pulumi.Input<string>,
    policies: Tracking[],
): appautoscaling.Target {
    const target = new appautoscaling.Target(
        `${name}-${m.name}-scaling`,
        {
            serviceNamespace: "ecs",
            scalableDimension: "ecs:service:DesiredCount",
            resourceId: pulumi.interpolate`service/${clusterName}/${serviceName}`,
            // Zero until an image is released. Raising the minimum later makes Application Auto Scaling
            // bring the running count into the new range ("it changes the resource's current capacity
            // to a value that is inside of this range"):
            // https://docs.aws.amazon.com/autoscaling/application/APIReference/API_RegisterScalableTarget.html
            minCapacity: pulumi.output(released).apply((r) => (r ? m.minCount : 0)),
            maxCapacity: m.maxCount,
        },
        { parent },
    );
    for (const p of policies) {
        new appautoscaling.Policy(
            `${name}-${m.name}-${p.suffix}`,
            {
                policyType: "TargetTrackingScaling",
                resourceId: target.resourceId,
                scalableDimension: target.scalableDimension,
                serviceNamespace: target.serviceNamespace,
                targetTrackingScalingPolicyConfiguration: p.config,
            },
            { parent },
        );
    }
    return target;
}
