/** cloud-init user data: the host's files, and one command that installs and starts everything. */
import { toYaml } from "./yaml";

export interface HostFile {
    /** Absolute path on the host. */
    path: string;
    /** The file's text. */
    content: string;
    /** Octal mode, e.g. "0644". */
    permissions: string;
}

export interface CloudInitParams {
    /** Files written before `runcmd` runs (`write_files`). */
    files: HostFile[];
    /** Commands run once, at first boot, in order (each an argv). */
    runcmd: string[][];
}

export function renderCloudInit(p: CloudInitParams): string {
    return toYaml(
        {
            write_files: p.files.map((f) => ({
                path: f.path,
                owner: "root:root",
                permissions: f.permissions,
                content: f.content,
            })),
            runcmd: p.runcmd,
        },
        ["#cloud-config", "# Rendered by @citadel/orthanc-host: everything the host needs, no step by hand."],
    );
}
