/** systemd units: the stack starts on every boot, and rotated secrets are picked up on a timer. */
import { assertRenderable } from "@citadel/shared";
import { ComposeParams } from "./compose";
import { CONTAINER_UNITS, REFRESH_TIMER, REFRESH_UNIT, SERVICE_UNIT } from "./layout";

export interface SystemdParams {
    /** Path of the `orthanc-hostctl` script the units run (`start`, `stop`, `refresh`). */
    hostctl: string;
    /** How often secrets and certificates are re-read (RDS rotates its managed secret itself). */
    refreshMinutes: number;
    /** Time allowed for a start: first boots pull the images. */
    startTimeoutMinutes: number;
}

/** A unit file is line-based and expands `%` specifiers: the interpolated path must be one plain line. */
function unitValue(v: string): string {
    return assertRenderable("systemd unit", v).replace(/%/g, "%%");
}

export function renderServiceUnit(p: SystemdParams): string {
    return (
        [
            "# Rendered by @citadel/orthanc-host.",
            "[Unit]",
            "Description=Orthanc behind nginx (containers run by systemd), credentials fetched at every start",
            "Requires=docker.service",
            "After=docker.service network-online.target",
            "Wants=network-online.target",
            "",
            "[Service]",
            "Type=oneshot",
            "RemainAfterExit=yes",
            `ExecStart=${unitValue(p.hostctl)} start`,
            `ExecStop=${unitValue(p.hostctl)} stop`,
            `TimeoutStartSec=${p.startTimeoutMinutes}min`,
            // Secrets Manager or the image registry can be briefly unreachable at boot: try again.
            "Restart=on-failure",
            "RestartSec=30s",
            "",
            "[Install]",
            "WantedBy=multi-user.target",
        ].join("\n") + "\n"
    );
}

export function renderRefreshUnit(p: SystemdParams): string {
    return (
        [
            "# Rendered by @citadel/orthanc-host.",
            "[Unit]",
            "Description=Recreate Orthanc's containers when its credentials or certificate changed",
            `Requisite=${SERVICE_UNIT}`,
            `After=${SERVICE_UNIT}`,
            "",
            "[Service]",
            "Type=oneshot",
            `ExecStart=${unitValue(p.hostctl)} refresh`,
        ].join("\n") + "\n"
    );
}

export function renderRefreshTimer(p: SystemdParams): string {
    return (
        [
            "# Rendered by @citadel/orthanc-host.",
            "[Unit]",
            `Description=Check Orthanc's credentials and certificate every ${p.refreshMinutes} minutes`,
            "",
            "[Timer]",
            `OnBootSec=${p.refreshMinutes}min`,
            `OnUnitActiveSec=${p.refreshMinutes}min`,
            "RandomizedDelaySec=60",
            `Unit=${REFRESH_UNIT}`,
            "",
            "[Install]",
            "WantedBy=timers.target",
        ].join("\n") + "\n"
    );
}

export function renderSystemdUnits(p: SystemdParams): Record<string, string> {
    return {
        [SERVICE_UNIT]: renderServiceUnit(p),
        [REFRESH_UNIT]: renderRefreshUnit(p),
        [REFRESH_TIMER]: renderRefreshTimer(p),
    };
}

/**
 * A word of an ExecStart line, as systemd reads it: `%` and `$` doubled (no specifier or variable
 * expansion), and quoted when it holds a space, a quote or a backslash.
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.service.html#Command%20lines
 */
export function systemdWord(word: string): string {
    const escaped = word.replace(/%/g, "%%").replace(/\$/g, "$$$$");
    return /[\s"'\\;]/.test(escaped) ? `"${escaped.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : escaped;
}

/** Container logs to CloudWatch Logs through Docker's awslogs driver (part of the engine). */
function logOptions(p: ComposeParams, service: string): string[] {
    if (!p.cloudWatch) return [];
    const options: Array<[string, string]> = [
        ["awslogs-region", p.cloudWatch.region],
        ["awslogs-group", p.cloudWatch.logGroup],
        // A slow CloudWatch must never stall Orthanc: drop log lines rather than block.
        ["mode", "non-blocking"],
        ["max-buffer-size", "4m"],
    ];
    return (
        ["--log-driver", "awslogs", ...options.flatMap(([k, v]) => ["--log-opt", `${k}=${v}`])]
            .map(systemdWord)
            // HOST_ID comes from the EnvironmentFile orthanc-hostctl writes (the instance id).
            .concat(["--log-opt", `awslogs-stream=\${HOST_ID}/${service}`])
    );
}

/** `docker run` arguments of each container, as the containers of the former Compose file. */
export function containerRunArgs(p: ComposeParams): Record<"orthanc" | "nginx", string[]> {
    const w = (xs: string[]) => xs.map(systemdWord);
    const secrets = Object.entries(p.secrets).flatMap(([name, file]) => ["-v", `${file}:/run/secrets/${name}:ro`]);
    return {
        orthanc: [
            ...w([
                "--name",
                "orthanc",
                "-p",
                `${p.bindAddress}:${p.httpPort}:${p.httpPort}`,
                "-p",
                `${p.bindAddress}:${p.dicomPort}:${p.dicomPort}`,
                "-v",
                `${p.files.orthancJson}:/etc/orthanc/orthanc.json:ro`,
                "-v",
                `${p.files.hostJson}:/etc/orthanc/host.json:ro`,
                "-v",
                "orthanc-data:/var/lib/orthanc/db",
                ...(p.orthancUsesTls ? ["-v", `${p.files.tlsDir}:${p.files.tlsDir}:ro`] : []),
                // Credentials as files under /run/secrets, where the image reads them: never environment variables.
                ...secrets,
            ]),
            ...logOptions(p, "orthanc"),
            systemdWord(p.images.orthanc),
        ],
        nginx: [
            // Listens on the host's 443 and 11112 directly and reaches Orthanc on loopback.
            ...w([
                "--name",
                "nginx",
                "--network",
                "host",
                "-v",
                `${p.files.nginxConf}:/etc/nginx/nginx.conf:ro`,
                "-v",
                `${p.files.tlsDir}:${p.files.tlsDir}:ro`,
            ]),
            ...logOptions(p, "nginx"),
            systemdWord(p.images.nginx),
        ],
    };
}

export interface ContainerUnitParams {
    /** Path of the `docker` binary. */
    docker: string;
    /** The file orthanc-hostctl writes with HOST_ID (the instance id), read by the log options. */
    environmentFile: string;
    /** The containers' images, ports and mounted files. */
    containers: ComposeParams;
}

/**
 * One service per container: systemd starts, restarts (always, after 10 s) and stops it with the
 * engine's own `docker run`; stdout and stderr go to CloudWatch through the awslogs driver.
 * orthanc-hostctl starts them once credentials and certificate are in place, and restarts them when
 * those change; PartOf ties them to orthanc-host.service.
 */
export function renderContainerUnits(p: ContainerUnitParams): Record<string, string> {
    const args = containerRunArgs(p.containers);
    const unit = (name: "orthanc" | "nginx", after: string[]) =>
        [
            "# Rendered by @citadel/orthanc-host.",
            "[Unit]",
            `Description=${name} container (${p.containers.images[name]})`,
            "Requires=docker.service",
            `After=${["docker.service", "network-online.target", ...after].join(" ")}`,
            "Wants=network-online.target",
            `PartOf=${SERVICE_UNIT}`,
            "",
            "[Service]",
            "Type=simple",
            `EnvironmentFile=${p.environmentFile}`,
            `ExecStartPre=-${p.docker} rm -f ${name}`,
            `ExecStart=${p.docker} run --rm ${args[name].join(" ")}`,
            `ExecStop=${p.docker} stop ${name}`,
            "Restart=always",
            "RestartSec=10s",
            // First starts pull the image.
            "TimeoutStartSec=15min",
        ].join("\n") + "\n";
    return {
        [CONTAINER_UNITS.orthanc]: unit("orthanc", []),
        [CONTAINER_UNITS.nginx]: unit("nginx", [CONTAINER_UNITS.orthanc]),
    };
}
