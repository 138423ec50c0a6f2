/**
 * The host's two scripts: `orthanc-host-install` (first boot: packages, units) and
 * `orthanc-hostctl` (every start: credentials, certificate, containers).
 */
import { selfSignedCertificateCommand } from "./certificates";
import { connectionUriSuffix, DatabaseEndpoint } from "./database-uri";
import { CLOUDWATCH_AGENT_CTL, CLOUDWATCH_AGENT_UNIT } from "./cloudwatch-agent";
import { CONTAINER_UNITS, HostLayout, REFRESH_TIMER, SERVICE_UNIT } from "./layout";
import { SECRET_SETTING_FILES } from "./orthanc-json";
import { renderArgs, shQuote } from "./shell";

export type CertificateSource =
    /** Made at boot with openssl, for the site name (if any), the host's public DNS name and `extraNames`. */
    | { kind: "selfSigned"; siteName?: string; extraNames: string[]; days: number }
    /** The user's own: a Secrets Manager secret `{"certificate": "<PEM chain>", "privateKey": "<PEM>"}`. */
    | { kind: "secret"; secretArn: string };

export interface HostctlParams {
    /** Where things are on the host. */
    layout: HostLayout;
    /** The region the script's AWS calls go to. */
    region: string;
    /** Where the database is: with the user and password of `databaseSecretArn`, Orthanc's connection URI. */
    database: DatabaseEndpoint;
    /** The RDS-managed secret, `{"username": …, "password": …}`. */
    databaseSecretArn: string;
    /** Orthanc's admin login, `{"username": …, "password": …}`; given a value at first boot if empty. */
    adminSecretArn: string;
    /** Orthanc's admin user name. */
    adminUsername: string;
    /** Where the TLS certificate comes from. */
    certificate: CertificateSource;
    /** Where the heartbeat goes: HOST_READY_METRIC in this namespace, once Orthanc answers through nginx. */
    heartbeat: { namespace: string; healthUrl: string };
    /** systemctl, which starts and restarts the containers' units. */
    systemctlPath: string;
}

/**
 * Idempotency token of the admin secret's first value (32..64 characters). Fixed, so two hosts
 * booting together agree: the second write is refused and that host reads the first's value.
 */
export const ADMIN_INIT_TOKEN = "citadel-orthanc-admin-initial-value-v1";

/**
 * The tag key that marks the admin secret as still waiting for its first value. The hosts may write
 * the secret only while it is there; the host that wrote the value removes it.
 */
export const ADMIN_PENDING_TAG_KEY = "citadel:first-value";

/** The metric each host puts while it serves; the host's alarm fires when it stops arriving. */
export const HOST_READY_METRIC = "HostReady";

function constants(p: HostctlParams): string[] {
    const c = p.certificate;
    const l = p.layout;
    const pairs: Array<[string, string]> = [
        ["REGION", p.region],
        ["DATABASE_SECRET_ARN", p.databaseSecretArn],
        ["DATABASE_URI_SUFFIX", connectionUriSuffix(p.database)],
        ["ADMIN_SECRET_ARN", p.adminSecretArn],
        ["ADMIN_USERNAME", p.adminUsername],
        ["ADMIN_INIT_TOKEN", ADMIN_INIT_TOKEN],
        ["ADMIN_PENDING_TAG_KEY", ADMIN_PENDING_TAG_KEY],
        ["CERTIFICATE_SECRET_ARN", c.kind === "secret" ? c.secretArn : ""],
        ["SITE_NAME", c.kind === "selfSigned" ? (c.siteName ?? "") : ""],
        ["CERT_DAYS", c.kind === "selfSigned" ? String(c.days) : ""],
        ["SYSTEMCTL", p.systemctlPath],
        ["HEARTBEAT_NAMESPACE", p.heartbeat.namespace],
        ["HEALTH_URL", p.heartbeat.healthUrl],
        ["PROJECT_DIR", l.projectDir],
        ["HOST_JSON", l.hostJson],
        ["SECRETS_DIR", l.secretsDir],
        ["TLS_DIR", l.tlsDir],
        ["CERT_FILE", l.certificateFile],
        ["KEY_FILE", l.keyFile],
    ];
    const extra = c.kind === "selfSigned" ? c.extraNames.map(shQuote).join(" ") : "";
    return [
        ...pairs.map(([k, v]) => `readonly ${k}=${v === "" ? "''" : shQuote(v)}`),
        `readonly -a CONTAINERS=(${Object.values(CONTAINER_UNITS).join(" ")})`,
        `readonly -a EXTRA_NAMES=(${extra})`,
    ];
}

export function renderHostctl(p: HostctlParams): string {
    const openssl = renderArgs(
        selfSignedCertificateCommand({
            keyFile: { shellVar: "KEY_FILE" },
            certificateFile: { shellVar: "CERT_FILE" },
            commonName: { shellVar: "cert_cn" },
            subjectAltName: { shellVar: "cert_san" },
            days: { shellVar: "CERT_DAYS" },
        }),
    );
    return `#!/bin/bash
# orthanc-hostctl: rendered by @citadel/orthanc-host; systemd runs it, nobody needs to.
#   start    fetch the credentials and the certificate, then start the containers (every boot)
#   refresh  fetch them again and recreate the containers if anything changed (timer)
#   stop     stop and remove the containers
# Credentials go to root-only files that the containers mount under /run/secrets: never into
# environment variables or command lines.
set -euo pipefail
umask 077

${constants(p).join("\n")}

changed=0

log() {
    echo "orthanc-hostctl: $*" >&2
}

# containers start|restart|stop: the containers' systemd units (docker run, nothing but the engine).
containers() {
    "$SYSTEMCTL" "$1" "\${CONTAINERS[@]}"
}

imds() {
    local token
    token=$(curl -fsS -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 60' http://169.254.169.254/latest/api/token)
    curl -fsS -H "X-aws-ec2-metadata-token: \${token}" "http://169.254.169.254/latest/meta-data/$1"
}

secret_string() {
    aws secretsmanager get-secret-value --region "$REGION" --secret-id "$1" --query SecretString --output text
}

# put_file MODE DEST < CONTENT: replaces DEST atomically, and notes a change, when CONTENT differs.
put_file() {
    local tmp
    tmp=$(mktemp "$2.XXXXXX")
    cat >"$tmp"
    chmod "$1" "$tmp"
    if [[ -f "$2" ]] && cmp -s "$tmp" "$2"; then
        rm -f "$tmp"
    else
        mv -f "$tmp" "$2"
        changed=1
    fi
}

# The admin login; its secret is created empty, so the first host to boot gives it a value.
admin_secret() {
    local value err file
    err=$(mktemp)
    if value=$(secret_string "$ADMIN_SECRET_ARN" 2>"$err"); then
        rm -f "$err"
        printf '%s' "$value"
        return 0
    fi
    if ! grep -q ResourceNotFoundException "$err"; then
        cat "$err" >&2
        rm -f "$err"
        return 1
    fi
    rm -f "$err"
    log "the admin secret has no value yet: generating one"
    file=$(mktemp)
    printf '{"username":"%s","password":"%s"}' "$ADMIN_USERNAME" "$(openssl rand -hex 24)" >"$file"
    aws secretsmanager put-secret-value --region "$REGION" --secret-id "$ADMIN_SECRET_ARN" \\
        --client-request-token "$ADMIN_INIT_TOKEN" --secret-string "file://\${file}" >/dev/null 2>&1 \\
        || log "put-secret-value refused (another host may have set the value first)"
    rm -f "$file"
    # The value exists now: removing the pending tag ends the hosts' permission to write it.
    aws secretsmanager untag-resource --region "$REGION" --secret-id "$ADMIN_SECRET_ARN" \\
        --tag-keys "$ADMIN_PENDING_TAG_KEY" >/dev/null 2>&1 \\
        || log "untag-resource refused: the hosts can still set the admin secret"
    secret_string "$ADMIN_SECRET_ARN"
}

# database_uri < RDS SECRET: the database's connection URI, as a JSON string. User and password are
# percent-encoded as RFC 3986 says (jq 1.7's @uri; jq 1.6's leaves !*'() alone, so those are done
# here): the plugin pastes a Password setting unquoted into a libpq key/value string, where a
# space or a backslash breaks it, but hands a URI to libpq as it is.
database_uri() {
    jq -ec --arg suffix "$DATABASE_URI_SUFFIX" '
        def enc: reduce (["!", "%21"], ["\\u0027", "%27"], ["(", "%28"], [")", "%29"], ["*", "%2A"]) as [$c, $e]
            (@uri; split($c) | join($e));
        "postgresql://\\(.username | strings | enc):\\(.password | strings | enc)\\($suffix)"'
}

write_credentials() {
    local db admin uri users
    db=$(secret_string "$DATABASE_SECRET_ARN")
    admin=$(admin_secret)
    # jq prints JSON: the image parses each file as JSON, so values keep their type and text.
    uri=$(database_uri <<<"$db")
    users=$(jq -ec '{(.username | strings): (.password | strings)}' <<<"$admin")
    install -d -m 0700 "$SECRETS_DIR"
    put_file 0600 "$SECRETS_DIR/${SECRET_SETTING_FILES.databaseUri}" <<<"$uri"
    put_file 0600 "$SECRETS_DIR/${SECRET_SETTING_FILES.users}" <<<"$users"
}

write_host_files() {
    local instance_id
    instance_id=$(imds instance-id)
    # Each Orthanc sharing the database needs its own identifier.
    put_file 0644 "$HOST_JSON" <<<"{\\"DatabaseServerIdentifier\\": \\"\${instance_id}\\"}"
    put_file 0644 "$PROJECT_DIR/.env" <<<"HOST_ID=\${instance_id}"
}

certificate_from_secret() {
    local pair cert key cert_public key_public
    pair=$(secret_string "$CERTIFICATE_SECRET_ARN")
    cert=$(jq -er '.certificate | strings' <<<"$pair")
    key=$(jq -er '.privateKey | strings' <<<"$pair")
    cert_public=$(openssl x509 -noout -pubkey <<<"$cert")
    key_public=$(openssl pkey -pubout <<<"$key")
    if [[ "$cert_public" != "$key_public" ]]; then
        log "the certificate secret's privateKey does not belong to its certificate"
        return 1
    fi
    put_file 0644 "$CERT_FILE" <<<"$cert"
    put_file 0600 "$KEY_FILE" <<<"$key"
}

# Made again when the host's public name changed (a stop and start gives a new one) or when fewer
# than 30 days are left.
self_signed_certificate() {
    local public_dns cert_cn cert_san
    local -a names=()
    public_dns=$(imds public-hostname)
    if [[ -n "$SITE_NAME" ]]; then
        names+=("$SITE_NAME")
    fi
    names+=("$public_dns" "\${EXTRA_NAMES[@]}")
    cert_cn=\${names[0]}
    # Empty names dropped, repeats removed, order kept.
    cert_san=$(printf 'DNS:%s\\n' "\${names[@]}" | awk '$0 != "DNS:" && !seen[$0]++' | paste -sd, -)
    if [[ -s "$CERT_FILE" && -s "$KEY_FILE" && -f "$TLS_DIR/names" ]] \\
        && [[ "$(cat "$TLS_DIR/names")" == "$cert_san" ]] \\
        && openssl x509 -checkend 2592000 -noout -in "$CERT_FILE" >/dev/null; then
        return 0
    fi
    log "making a self-signed certificate for \${cert_san}"
    ${openssl}
    chmod 0644 "$CERT_FILE"
    chmod 0600 "$KEY_FILE"
    printf '%s\\n' "$cert_san" >"$TLS_DIR/names"
    changed=1
}

write_certificate() {
    install -d -m 0755 "$TLS_DIR"
    if [[ -n "$CERTIFICATE_SECRET_ARN" ]]; then
        certificate_from_secret
    else
        self_signed_certificate
    fi
}

cmd_start() {
    write_host_files
    write_certificate
    write_credentials
    if ((changed)); then
        containers restart
    else
        containers start
    fi
}

cmd_refresh() {
    write_certificate
    write_credentials
    if ((changed)); then
        log "credentials or certificate changed: restarting the containers"
        containers restart
    fi
    heartbeat
}

# One data point of ${HOST_READY_METRIC} while Orthanc answers through nginx: its absence (a boot
# that failed anywhere, a host that stopped serving) is what the host's alarm watches.
heartbeat() {
    local instance_id
    if ! curl -fsSk --max-time 10 -o /dev/null "$HEALTH_URL"; then
        log "not healthy at $HEALTH_URL: no heartbeat"
        return 0
    fi
    instance_id=$(imds instance-id)
    aws cloudwatch put-metric-data --region "$REGION" --namespace "$HEARTBEAT_NAMESPACE" \\
        --metric-name ${HOST_READY_METRIC} --dimensions "InstanceId=\${instance_id}" --value 1 --unit Count \\
        || log "put-metric-data refused: no heartbeat"
}

case "\${1:-}" in
    start) cmd_start ;;
    refresh) cmd_refresh ;;
    stop) containers stop ;;
    *)
        echo "usage: $0 start|refresh|stop" >&2
        exit 2
        ;;
esac
`;
}

export interface InstallerParams {
    /** Distribution packages: the Docker engine, jq and the CloudWatch agent. */
    packages: string[];
    /** The CloudWatch agent's configuration file (written by cloud-init), handed to the agent last. */
    cloudWatchAgentConfig: string;
}

export function renderInstaller(p: InstallerParams): string {
    return `#!/bin/bash
# orthanc-host-install: rendered by @citadel/orthanc-host; cloud-init runs it once, at first boot.
# The Docker engine, jq and the CloudWatch agent come from the pinned release's repository (nothing
# is downloaded from elsewhere, no Compose plugin needed); systemd then runs the containers, now and
# at every boot.
set -euo pipefail

readonly CWAGENT_CTL=${shQuote(CLOUDWATCH_AGENT_CTL)}
readonly CWAGENT_CONFIG=${shQuote(p.cloudWatchAgentConfig)}

dnf install -y ${p.packages.map(shQuote).join(" ")}
systemctl daemon-reload

# Disk and memory metrics from the first minutes, before Orthanc's images are pulled, so the host's
# alarms see data while it boots. fetch-config validates the file; a fault here is logged and does
# not keep Orthanc from starting: the disk and memory alarms treat missing data as breaching, so an
# agent that never starts is heard anyway. systemd then runs the agent at every boot.
if "$CWAGENT_CTL" -a fetch-config -m ec2 -c "file:\${CWAGENT_CONFIG}"; then
    systemctl enable --now ${CLOUDWATCH_AGENT_UNIT} || echo "orthanc-host-install: the CloudWatch agent did not start" >&2
else
    echo "orthanc-host-install: the CloudWatch agent refused its configuration" >&2
fi

systemctl enable --now docker.service
systemctl enable --now ${SERVICE_UNIT} ${REFRESH_TIMER}
`;
}
