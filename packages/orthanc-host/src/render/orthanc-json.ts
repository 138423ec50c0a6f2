import { jsonText } from "@citadel/shared";
/**
 * Orthanc's configuration, without any secret in it. Credentials are separate files (see
 * `credentialFiles`), written at boot from Secrets Manager, so this file can be world-readable and
 * shipped in user data.
 */
import { connectionUri, DatabaseEndpoint } from "./database-uri";

export type OrthancStorage =
    /** The AWS S3 storage plugin, authenticated by the instance role (no keys in any file). */
    | { kind: "s3"; bucketName: string; region: string }
    /** Files on disk, in `StorageDirectory` (for a loopback test machine). */
    | { kind: "file" };

export interface OrthancJsonParams {
    /** Shown in Orthanc Explorer and sent in DICOM associations' implementation name. */
    name: string;
    /** Orthanc's DICOM application entity title (`DicomAet`), up to 16 characters. */
    dicomAet: string;
    /** Plain ports Orthanc listens on; nginx terminates TLS in front of them. */
    httpPort: number;
    /** Plain DICOM port Orthanc listens on (`DicomPort`). */
    dicomPort: number;
    /** Where images are stored: S3 (the instance role) or files on disk. */
    storage: OrthancStorage;
    /** Local directory for Orthanc's own files (and the images with `file` storage). */
    storageDirectory: string;
    /**
     * Plugin libraries for Orthanc to load. Absent on a host: the orthancteam/orthanc image loads
     * the plugins whose sections the configuration has. Orthanc run directly (Debian's package)
     * needs them named, e.g. `/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so`.
     * @default absent (no `Plugins` setting)
     */
    plugins?: string[];
    /** DICOM peers Orthanc may send to (`DicomModalities`), by AE title. @default none */
    modalities?: Array<{ aet: string; host: string; port: number; tls: boolean }>;
    /** Client certificate, key and trusted CAs for DICOM TLS to peers (needed when a peer uses TLS). */
    dicomTlsClient?: { certificateFile: string; keyFile: string; trustedCertificatesFile: string };
}

export function orthancConfig(p: OrthancJsonParams): Record<string, unknown> {
    const config: Record<string, unknown> = {
        Name: p.name,
        DicomAet: p.dicomAet,
        DicomPort: p.dicomPort,
        HttpPort: p.httpPort,
        // Orthanc listens on loopback only (nginx in front), so remote access means "from nginx".
        RemoteAccessAllowed: true,
        AuthenticationEnabled: true,
        // TLS is nginx's job; Orthanc itself speaks plain HTTP and DICOM on loopback.
        SslEnabled: false,
        DicomTlsEnabled: false,
        StorageDirectory: p.storageDirectory,
        ...(p.plugins ? { Plugins: p.plugins } : {}),
        // Every study is kept until a person deletes it.
        MaximumStorageSize: 0,
        MaximumPatientCount: 0,
        // Where and as whom to connect is the `ConnectionUri` of `credentialFiles`: the plugin
        // ignores Host, Port, Database, Username, Password and EnableSsl once it has one.
        PostgreSQL: {
            EnableIndex: true,
            EnableStorage: false,
            // Several Orthanc servers share this database (active-active hosts).
            Lock: false,
        },
    };
    if (p.modalities && p.modalities.length > 0) {
        // Keyed by AE title; the object form lets each peer say whether it speaks TLS.
        config.DicomModalities = Object.fromEntries(
            p.modalities.map((m) => [
                m.aet,
                {
                    AET: m.aet,
                    Host: m.host,
                    Port: m.port,
                    UseDicomTls: m.tls,
                },
            ]),
        );
    }
    if (p.dicomTlsClient) {
        config.DicomTlsCertificate = p.dicomTlsClient.certificateFile;
        config.DicomTlsPrivateKey = p.dicomTlsClient.keyFile;
        config.DicomTlsTrustedCertificates = p.dicomTlsClient.trustedCertificatesFile;
    }
    if (p.storage.kind === "s3") {
        config.AwsS3Storage = {
            BucketName: p.storage.bucketName,
            Region: p.storage.region,
            StorageStructure: "flat",
            // No AccessKey/SecretKey: the plugin takes the instance role's credentials.
        };
    }
    return config;
}

export function renderOrthancJson(p: OrthancJsonParams): string {
    return jsonText(orthancConfig(p), 2) + "\n";
}

export interface OrthancCredentials {
    /** The PostgreSQL user Orthanc connects as. */
    databaseUsername: string;
    /** Its password; on a host the boot script reads it from Secrets Manager (it is never in user data). */
    databasePassword: string;
    /** Users of Orthanc's HTTP basic authentication. */
    users: Record<string, string>;
}

type JsonObject = Record<string, unknown>;

function isObject(v: unknown): v is JsonObject {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Orthanc configurations merged into one, section by section (later values win), as the
 * orthancteam/orthanc image merges its configuration files and secrets before starting Orthanc.
 */
export function mergeOrthancConfigs(...configs: JsonObject[]): JsonObject {
    const merged: JsonObject = {};
    for (const config of configs) {
        for (const [key, value] of Object.entries(config)) {
            const current = merged[key];
            merged[key] = isObject(current) && isObject(value) ? mergeOrthancConfigs(current, value) : value;
        }
    }
    return merged;
}

/** How the credentials reach Orthanc. */
export type CredentialDelivery =
    /**
     * One file per setting, mounted under /run/secrets by Docker Compose; the orthancteam/orthanc
     * image reads each as the setting its name spells. Values are JSON, so they keep their type,
     * and the image's `$VAR` substitution of config files never touches them.
     */
    | "docker-secrets"
    /**
     * One extra Orthanc configuration file, for Orthanc run directly. Orthanc refuses a section
     * defined in two files of one configuration directory (this file and orthanc.json both have
     * `PostgreSQL`), so give it one file: `mergeOrthancConfigs` of the two.
     */
    | "config-file";

/**
 * Secret file names: the settings `PostgreSQL.ConnectionUri` and `RegisteredUsers` as the image
 * spells them (its table of non-standard names maps `ORTHANC__POSTGRESQL__CONNECTION_URI`; the
 * standard rule would give a `Postgresql` section).
 */
export const SECRET_SETTING_FILES = {
    databaseUri: "ORTHANC__POSTGRESQL__CONNECTION_URI",
    users: "ORTHANC__REGISTERED_USERS",
} as const;

/**
 * The credential files (name → content): the database as one `ConnectionUri` (see
 * `connectionUri`: a password with a space or a backslash survives it, unlike the plugin's
 * `Password` setting) and Orthanc's users. On a host the boot script writes exactly these from
 * Secrets Manager with `jq`; tests and a loopback machine write them from this function.
 */
export function credentialFiles(
    c: OrthancCredentials,
    database: DatabaseEndpoint,
    delivery: CredentialDelivery,
): Record<string, string> {
    const uri = connectionUri(database, c.databaseUsername, c.databasePassword);
    if (delivery === "config-file") {
        return {
            "credentials.json": jsonText({ PostgreSQL: { ConnectionUri: uri }, RegisteredUsers: c.users }, 2) + "\n",
        };
    }
    return {
        [SECRET_SETTING_FILES.databaseUri]: jsonText(uri) + "\n",
        [SECRET_SETTING_FILES.users]: jsonText(c.users) + "\n",
    };
}
