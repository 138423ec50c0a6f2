/** docker-compose.yml: Orthanc on loopback ports, nginx on the host's network in front of it. */
import { toYaml, YamlValue } from "./yaml";

export interface ComposeParams {
    /** Image references with pinned tags. */
    images: { orthanc: string; nginx: string };
    /** Host address Orthanc's ports are published on: loopback, so only nginx reaches them. */
    bindAddress: string;
    /** The host port Orthanc's HTTP port is published on (8042 on a host). */
    httpPort: number;
    /** The host port Orthanc's DICOM port is published on (4242 on a host). */
    dicomPort: number;
    /** Host paths of the files mounted into the containers. */
    files: {
        orthancJson: string;
        /** Per-host settings written at boot (the server identifier). */
        hostJson: string;
        nginxConf: string;
        /** Directory with the certificate and key, mounted at the same path so nginx.conf's paths hold. */
        tlsDir: string;
    };
    /** Orthanc itself needs the TLS directory (DICOM TLS to peers); otherwise only nginx mounts it. */
    orthancUsesTls?: boolean;
    /** Credential files (name under /run/secrets → host path), root-only on the host. */
    secrets: Record<string, string>;
    /** Container logs to CloudWatch Logs through Docker's awslogs driver; absent keeps json-file. */
    cloudWatch?: { logGroup: string; region: string };
}

function logging(p: ComposeParams, service: string): YamlValue | undefined {
    if (!p.cloudWatch) return undefined;
    return {
        driver: "awslogs",
        options: {
            "awslogs-region": p.cloudWatch.region,
            "awslogs-group": p.cloudWatch.logGroup,
            // HOST_ID comes from the .env file the boot script writes (the instance id).
            "awslogs-stream": `\${HOST_ID:-host}/${service}`,
            // A slow CloudWatch must never stall Orthanc: drop log lines rather than block.
            mode: "non-blocking",
            "max-buffer-size": "4m",
        },
    };
}

export function composeDocument(p: ComposeParams): YamlValue {
    return {
        name: "orthanc-host",
        services: {
            orthanc: {
                image: p.images.orthanc,
                restart: "unless-stopped",
                ports: [
                    `${p.bindAddress}:${p.httpPort}:${p.httpPort}`,
                    `${p.bindAddress}:${p.dicomPort}:${p.dicomPort}`,
                ],
                volumes: [
                    `${p.files.orthancJson}:/etc/orthanc/orthanc.json:ro`,
                    `${p.files.hostJson}:/etc/orthanc/host.json:ro`,
                    "orthanc-data:/var/lib/orthanc/db",
                ],
                secrets: Object.keys(p.secrets),
                logging: logging(p, "orthanc"),
            },
            nginx: {
                image: p.images.nginx,
                restart: "unless-stopped",
                // Listens on the host's 443 and 11112 directly and reaches Orthanc on loopback.
                network_mode: "host",
                depends_on: ["orthanc"],
                volumes: [`${p.files.nginxConf}:/etc/nginx/nginx.conf:ro`, `${p.files.tlsDir}:${p.files.tlsDir}:ro`],
                logging: logging(p, "nginx"),
            },
        },
        secrets: Object.fromEntries(Object.entries(p.secrets).map(([name, file]) => [name, { file }])),
        volumes: { "orthanc-data": {} },
    };
}

export function renderCompose(p: ComposeParams): string {
    return toYaml(composeDocument(p), [
        "# Rendered by @citadel/orthanc-host. Secrets reach Orthanc as files under /run/secrets,",
        "# never as environment variables. Image tags are pinned.",
    ]);
}
