/** systemd units: the stack starts on every boot, and rotated secrets are picked up on a timer. */
import { assertRenderable } from "@citadel/shared";
import { REFRESH_TIMER, REFRESH_UNIT, SERVICE_UNIT } from "./layout";

export interface SystemdParams {
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
    return [
        "# Rendered by @citadel/orthanc-host.",
        "[Unit]",
        "Description=Orthanc behind nginx (Docker Compose), credentials fetched at every start",
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
    ].join("\n") + "\n";
}

export function renderRefreshUnit(p: SystemdParams): string {
    return [
        "# Rendered by @citadel/orthanc-host.",
        "[Unit]",
        "Description=Recreate Orthanc's containers when its credentials or certificate changed",
        `Requisite=${SERVICE_UNIT}`,
        `After=${SERVICE_UNIT}`,
        "",
        "[Service]",
        "Type=oneshot",
        `ExecStart=${unitValue(p.hostctl)} refresh`,
    ].join("\n") + "\n";
}

export function renderRefreshTimer(p: SystemdParams): string {
    return [
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
    ].join("\n") + "\n";
}

export function renderSystemdUnits(p: SystemdParams): Record<string, string> {
    return {
        [SERVICE_UNIT]: renderServiceUnit(p),
        [REFRESH_UNIT]: renderRefreshUnit(p),
        [REFRESH_TIMER]: renderRefreshTimer(p),
    };
}
