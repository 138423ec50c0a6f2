/**
 * The CloudWatch agent on a host: its configuration file, and the metric names and dimensions the
 * host's alarms read. One module, so the file and the alarms cannot disagree.
 *
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-collected-by-CloudWatch-agent.html
 */
import { jsonText } from "@citadel/shared";

/** The agent's control script, where Amazon Linux 2023's `amazon-cloudwatch-agent` package installs it. */
export const CLOUDWATCH_AGENT_CTL = "/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl";
/** The systemd unit the package installs; its start program translates the fetched configuration. */
export const CLOUDWATCH_AGENT_UNIT = "amazon-cloudwatch-agent.service";
/**
 * The user the agent runs as: the package creates it. Disk and memory figures come from `/proc` and
 * `statfs`, which need no root.
 */
export const CLOUDWATCH_AGENT_USER = "cwagent";

/** Metric names as the agent publishes them (`<plugin>_<measurement>`). */
export const DISK_USED_METRIC = "disk_used_percent";
export const MEMORY_USED_METRIC = "mem_used_percent";

/**
 * The dimensions a disk alarm names: the host and the mount point. The agent also tags each disk
 * datapoint with its file-system type (and device, dropped here), which an alarm would have to
 * repeat exactly; the agent's `aggregation_dimensions` publishes a second series with only these,
 * so the alarm depends on nothing the AMI decides (device names differ between Xen and Nitro).
 */
export const DISK_ALARM_DIMENSIONS = ["InstanceId", "path"] as const;

export interface CloudWatchAgentParams {
    /** The namespace the metrics go to; the instance role may put metrics in this one only. */
    namespace: string;
    /** Mount points whose `used_percent` is published ("/" is the root volume). */
    diskPaths: string[];
    /** Seconds between samples (and between the agent's PutMetricData calls). 60..86400. */
    intervalSeconds: number;
}

/**
 * The agent's configuration: `disk_used_percent` of the given mount points and `mem_used_percent`,
 * both with the host's `InstanceId` (read from the instance metadata, so no ec2:DescribeTags call),
 * every `intervalSeconds`, to `namespace`. No `logs` section: the agent ships no log (its own log
 * stays on the host, rotated by the agent), so it needs no log group and no logs permission.
 */
export function cloudWatchAgentConfig(p: CloudWatchAgentParams): Record<string, unknown> {
    if (!Number.isInteger(p.intervalSeconds) || p.intervalSeconds < 60 || p.intervalSeconds > 86_400) {
        throw new RangeError(
            `cloudWatchAgentConfig: intervalSeconds ${p.intervalSeconds} is not a whole number of seconds in 60..86400`,
        );
    }
    if (p.diskPaths.length === 0 || p.diskPaths.some((d) => !/^\/[A-Za-z0-9_./-]*$/.test(d))) {
        throw new RangeError(
            `cloudWatchAgentConfig: diskPaths ${JSON.stringify(p.diskPaths)} are not absolute mount points`,
        );
    }
    return {
        agent: {
            metrics_collection_interval: p.intervalSeconds,
            run_as_user: CLOUDWATCH_AGENT_USER,
            // The instance id is the host's identity in every alarm; a host name adds a dimension nobody alarms on.
            omit_hostname: true,
        },
        metrics: {
            namespace: p.namespace,
            append_dimensions: { InstanceId: "${aws:InstanceId}" },
            aggregation_dimensions: [[...DISK_ALARM_DIMENSIONS]],
            metrics_collected: {
                disk: { measurement: ["used_percent"], resources: p.diskPaths, drop_device: true },
                mem: { measurement: ["used_percent"] },
            },
        },
    };
}

/** The configuration file as the host gets it: JSON through the emitter that escapes line separators. */
export function renderCloudWatchAgentConfig(p: CloudWatchAgentParams): string {
    return `${jsonText(cloudWatchAgentConfig(p), 2)}\n`;
}
