/** Where the bootstrap puts things on a host. One place, so every renderer agrees. */
export interface HostLayout {
    /** Docker Compose project directory: docker-compose.yml and the .env with the host id. */
    projectDir: string;
    /** docker-compose.yml. */
    composeFile: string;
    /** nginx.conf, mounted into the nginx container. */
    nginxConf: string;
    /** orthanc.json, mounted into the Orthanc container. */
    orthancJson: string;
    /** Per-host Orthanc settings written at boot. */
    hostJson: string;
    /** Root-only (0700) directory of the credential files. */
    secretsDir: string;
    /** Certificate, key and the names the certificate was made for. */
    tlsDir: string;
    /** The TLS certificate (chain) nginx presents. */
    certificateFile: string;
    /** The certificate's private key. */
    keyFile: string;
    /** The control script the systemd units run (start, stop, refresh). */
    hostctl: string;
    /** The first-boot installer cloud-init runs once. */
    installer: string;
    /** The CloudWatch agent's configuration, which the installer hands to the agent. */
    cloudWatchAgentConfig: string;
    /** Where the systemd units are installed. */
    systemdDir: string;
}

export function hostLayout(root = "/etc/orthanc-host"): HostLayout {
    return {
        projectDir: root,
        composeFile: `${root}/docker-compose.yml`,
        nginxConf: `${root}/nginx/nginx.conf`,
        orthancJson: `${root}/orthanc/orthanc.json`,
        hostJson: `${root}/orthanc/host.json`,
        secretsDir: `${root}/secrets`,
        tlsDir: `${root}/tls`,
        certificateFile: `${root}/tls/cert.pem`,
        keyFile: `${root}/tls/key.pem`,
        hostctl: "/usr/local/sbin/orthanc-hostctl",
        installer: "/usr/local/sbin/orthanc-host-install",
        cloudWatchAgentConfig: `${root}/cloudwatch-agent.json`,
        systemdDir: "/etc/systemd/system",
    };
}

export const SERVICE_UNIT = "orthanc-host.service";
export const REFRESH_UNIT = "orthanc-host-refresh.service";
export const REFRESH_TIMER = "orthanc-host-refresh.timer";
/** One unit per container, run with `docker run` by systemd (no Compose: the engine is all the host needs). */
export const CONTAINER_UNITS = {
    orthanc: "orthanc-host-orthanc.service",
    nginx: "orthanc-host-nginx.service",
} as const;
