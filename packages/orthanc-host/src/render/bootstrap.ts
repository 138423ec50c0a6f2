/**
 * The whole bootstrap of one host, from typed values to cloud-init user data. Pure: the component
 * calls it with resolved outputs; tests call it with literals.
 */
import { CloudInitParams, HostFile, renderCloudInit } from "./cloud-init";
import { CloudWatchAgentParams, renderCloudWatchAgentConfig } from "./cloudwatch-agent";
import { ComposeParams } from "./compose";
import { DatabaseEndpoint } from "./database-uri";
import { HostLayout, hostLayout } from "./layout";
import { NginxParams, renderNginxConf } from "./nginx";
import { OrthancJsonParams, renderOrthancJson, SECRET_SETTING_FILES } from "./orthanc-json";
import { CertificateSource, renderHostctl, renderInstaller } from "./scripts";
import { renderContainerUnits, renderSystemdUnits, SystemdParams } from "./systemd";

/** Orthanc's plain ports inside the host; only nginx (on the same host) reaches them. */
export const ORTHANC_HTTP_PORT = 8042;
export const ORTHANC_DICOM_PORT = 4242;
export const HTTPS_PORT = 443;
export const DICOM_TLS_PORT = 11112;
export const HEALTH_PATH = "/healthz";
/**
 * CloudWatch namespace of the hosts' own metrics: the heartbeat, and the CloudWatch agent's disk and
 * memory figures. One namespace, so the instance role's one `cloudwatch:namespace` condition covers both.
 */
export const HEARTBEAT_NAMESPACE = "Citadel/OrthancHost";
/** Seconds between the agent's samples (and its PutMetricData calls, each billed). */
export const HOST_METRICS_INTERVAL_SECONDS = 60;
/**
 * The agent alarms' period: five samples each. A period as long as the sampling interval could
 * catch no sample when the agent's timing drifts, and with missing data breaching that would page.
 */
export const HOST_METRICS_ALARM_PERIOD_SECONDS = 300;

/**
 * The agent's settings on a host: the root volume (the hosts have no other: images live in S3,
 * the index in RDS) and memory, every minute.
 */
export function hostCloudWatchAgentParams(): CloudWatchAgentParams {
    return { namespace: HEARTBEAT_NAMESPACE, diskPaths: ["/"], intervalSeconds: HOST_METRICS_INTERVAL_SECONDS };
}
/** Where Amazon Linux 2023's docker package installs the client. */
export const DOCKER_PATH = "/usr/bin/docker";

export interface HostBootstrapParams {
    /** The region the host's AWS calls go to. */
    region: string;
    /** The pinned Orthanc and nginx images. */
    images: { orthanc: string; nginx: string };
    /** Distribution packages installed at first boot. */
    packages: string[];
    /** Orthanc's display name, AE title and DICOM peers (AE title, address, port, TLS). */
    orthanc: {
        name: string;
        dicomAet: string;
        peers?: Array<{ aet: string; host: string; port: number; tls: boolean }>;
    };
    /** The index database: host, port, database name, and the secret with its user and password. */
    database: { host: string; port: number; name: string; secretArn: string };
    /** Orthanc's admin secret, given its value by the first host to boot. */
    adminSecretArn: string;
    /** Orthanc's admin user name. */
    adminUsername: string;
    /** The image bucket Orthanc's S3 plugin stores into. */
    bucketName: string;
    /** The log group the containers and the CloudWatch agent write to. */
    logGroupName: string;
    /** Where the TLS certificate comes from: self-signed at boot, or the user's secret. */
    certificate: CertificateSource;
    /** How often secrets and certificates are re-read. */
    refreshMinutes: number;
}

/** The nginx parameters of a host; a loopback test starts from these and changes what it must. */
export function hostNginxParams(layout: HostLayout = hostLayout()): NginxParams {
    return {
        httpsPort: HTTPS_PORT,
        dicomTlsPort: DICOM_TLS_PORT,
        orthancHttp: { host: "127.0.0.1", port: ORTHANC_HTTP_PORT },
        orthancDicom: { host: "127.0.0.1", port: ORTHANC_DICOM_PORT },
        certificateFile: layout.certificateFile,
        keyFile: layout.keyFile,
        healthPath: HEALTH_PATH,
        modules: [],
        user: "nginx",
        pidFile: "/var/run/nginx.pid",
        errorLog: "stderr",
        accessLog: "/dev/stdout",
    };
}

/** The host's database, over TLS; a loopback test changes host, port and name. */
export function hostDatabaseEndpoint(p: HostBootstrapParams): DatabaseEndpoint {
    return { host: p.database.host, port: p.database.port, database: p.database.name, ssl: true };
}

export function hostOrthancParams(p: HostBootstrapParams): OrthancJsonParams {
    return {
        name: p.orthanc.name,
        dicomAet: p.orthanc.dicomAet,
        httpPort: ORTHANC_HTTP_PORT,
        dicomPort: ORTHANC_DICOM_PORT,
        storage: { kind: "s3", bucketName: p.bucketName, region: p.region },
        storageDirectory: "/var/lib/orthanc/db",
        modalities: p.orthanc.peers ?? [],
        // DICOM TLS to peers presents the host's certificate and trusts the image's CA bundle.
        dicomTlsClient: (p.orthanc.peers ?? []).some((m) => m.tls)
            ? {
                  certificateFile: hostLayout().certificateFile,
                  keyFile: hostLayout().keyFile,
                  trustedCertificatesFile: "/etc/ssl/certs/ca-certificates.crt",
              }
            : undefined,
    };
}

export function hostComposeParams(p: HostBootstrapParams, layout: HostLayout = hostLayout()): ComposeParams {
    return {
        images: p.images,
        bindAddress: "127.0.0.1",
        httpPort: ORTHANC_HTTP_PORT,
        dicomPort: ORTHANC_DICOM_PORT,
        files: {
            orthancJson: layout.orthancJson,
            hostJson: layout.hostJson,
            nginxConf: layout.nginxConf,
            tlsDir: layout.tlsDir,
        },
        secrets: Object.fromEntries(
            Object.values(SECRET_SETTING_FILES).map((name) => [name, `${layout.secretsDir}/${name}`]),
        ),
        cloudWatch: { logGroup: p.logGroupName, region: p.region },
        orthancUsesTls: (p.orthanc.peers ?? []).some((m) => m.tls),
    };
}

export function hostSystemdParams(layout: HostLayout = hostLayout()): SystemdParams {
    return { hostctl: layout.hostctl, refreshMinutes: 15, startTimeoutMinutes: 15 };
}

/** Every file the host gets, in the order cloud-init writes them. */
export function hostFiles(p: HostBootstrapParams, layout: HostLayout = hostLayout()): HostFile[] {
    const units = {
        ...renderContainerUnits({
            docker: DOCKER_PATH,
            environmentFile: `${layout.projectDir}/.env`,
            containers: hostComposeParams(p, layout),
        }),
        ...renderSystemdUnits({ ...hostSystemdParams(layout), refreshMinutes: p.refreshMinutes }),
    };
    return [
        { path: layout.nginxConf, permissions: "0644", content: renderNginxConf(hostNginxParams(layout)) },
        { path: layout.orthancJson, permissions: "0644", content: renderOrthancJson(hostOrthancParams(p)) },
        {
            path: layout.hostctl,
            permissions: "0700",
            content: renderHostctl({
                layout,
                region: p.region,
                database: hostDatabaseEndpoint(p),
                databaseSecretArn: p.database.secretArn,
                adminSecretArn: p.adminSecretArn,
                adminUsername: p.adminUsername,
                certificate: p.certificate,
                systemctlPath: "/usr/bin/systemctl",
                heartbeat: {
                    namespace: HEARTBEAT_NAMESPACE,
                    healthUrl: `https://127.0.0.1:${HTTPS_PORT}${HEALTH_PATH}`,
                },
            }),
        },
        {
            path: layout.cloudWatchAgentConfig,
            permissions: "0644",
            content: renderCloudWatchAgentConfig(hostCloudWatchAgentParams()),
        },
        {
            path: layout.installer,
            permissions: "0700",
            content: renderInstaller({ packages: p.packages, cloudWatchAgentConfig: layout.cloudWatchAgentConfig }),
        },
        ...Object.entries(units).map(([unit, content]) => ({
            path: `${layout.systemdDir}/${unit}`,
            permissions: "0644",
            content,
        })),
    ];
}

export function hostCloudInitParams(p: HostBootstrapParams, layout: HostLayout = hostLayout()): CloudInitParams {
    return { files: hostFiles(p, layout), runcmd: [[layout.installer]] };
}

/** The user data of a host (plain text; the launch template wants it base64-encoded). */
export function renderUserData(p: HostBootstrapParams, layout: HostLayout = hostLayout()): string {
    return renderCloudInit(hostCloudInitParams(p, layout));
}
