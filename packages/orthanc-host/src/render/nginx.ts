import { assertRenderable, UnsafeTextError } from "@citadel/shared";
/** nginx.conf: TLS termination for Orthanc's web/REST port and its DICOM port. */

export interface Upstream {
    /** Host name or IP address. */
    host: string;
    /** TCP port. */
    port: number;
}

export interface NginxParams {
    /** HTTPS listener (proxied to `orthancHttp`). On a host: 443. */
    httpsPort: number;
    /** DICOM TLS listener (proxied to `orthancDicom` in a `stream {}` block). On a host: 11112. */
    dicomTlsPort: number;
    /** Orthanc's plain HTTP port, reachable only from this machine. On a host: 127.0.0.1:8042. */
    orthancHttp: Upstream;
    /** Orthanc's plain DICOM port, reachable only from this machine. On a host: 127.0.0.1:4242. */
    orthancDicom: Upstream;
    /** The TLS certificate (chain) both listeners present. */
    certificateFile: string;
    /** The certificate's private key. */
    keyFile: string;
    /**
     * Path answered with 200 while Orthanc answers HTTP (the load balancer's health check). Orthanc
     * has no anonymous endpoint, so its 401 to an anonymous `/system` is the proof of life.
     */
    healthPath: string;
    /**
     * Dynamic modules to load. The official nginx image has the stream module built in (none);
     * Debian's nginx needs `/usr/lib/nginx/modules/ngx_stream_module.so`.
     */
    modules: string[];
    /** Worker user; absent runs workers as the master's default (nobody). The nginx image has `nginx`. */
    user?: string;
    /** `pid` directive: the file nginx writes its master process id to. */
    pidFile: string;
    /** Where error and access logs go; the container logs to its standard streams. */
    errorLog: string;
    /** `access_log` path; `/dev/stdout` in the container. */
    accessLog: string;
    /** Directory for request-body and proxy temp files; absent keeps nginx's compiled-in paths. */
    tempDir?: string;
}

const TLS_PROTOCOLS = "TLSv1.2 TLSv1.3";
// Mozilla "intermediate": forward-secret AEAD suites only for TLS 1.2 (TLS 1.3 suites are fixed).
const TLS12_CIPHERS = [
    "ECDHE-ECDSA-AES128-GCM-SHA256",
    "ECDHE-RSA-AES128-GCM-SHA256",
    "ECDHE-ECDSA-AES256-GCM-SHA384",
    "ECDHE-RSA-AES256-GCM-SHA384",
    "ECDHE-ECDSA-CHACHA20-POLY1305",
    "ECDHE-RSA-CHACHA20-POLY1305",
    "DHE-RSA-AES128-GCM-SHA256",
    "DHE-RSA-AES256-GCM-SHA384",
].join(":");

function tlsDirectives(p: NginxParams, indent: string, cache: string): string[] {
    return [
        `ssl_certificate ${p.certificateFile};`,
        `ssl_certificate_key ${p.keyFile};`,
        `ssl_protocols ${TLS_PROTOCOLS};`,
        `ssl_ciphers ${TLS12_CIPHERS};`,
        "ssl_prefer_server_ciphers off;",
        `ssl_session_cache shared:${cache}:10m;`,
        "ssl_session_timeout 1d;",
        "ssl_session_tickets off;",
    ].map((l) => indent + l);
}

function tempDirectives(p: NginxParams): string[] {
    if (!p.tempDir) return [];
    return ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map(
        (kind) => `    ${kind}_temp_path ${p.tempDir}/${kind};`,
    );
}

export function renderNginxConf(p: NginxParams): string {
    // nginx has no escape for a line break inside a directive: every interpolated text is one plain line.
    for (const [k, v] of Object.entries(p)) {
        for (const text of typeof v === "string"
            ? [v]
            : Array.isArray(v)
              ? v.filter((x) => typeof x === "string")
              : []) {
            assertRenderable(`nginx.conf ${k}`, text);
            if (/[\s;{}"'$\\]/.test(text))
                throw new UnsafeTextError(
                    `nginx.conf ${k}: refusing ${JSON.stringify(text)} (whitespace, quotes, ; { } $ or \\)`,
                );
        }
    }
    const lines: string[] = [
        "# Rendered by @citadel/orthanc-host: TLS 1.2/1.3 in front of Orthanc, which listens on",
        "# loopback only. Regenerated on every deployment; do not edit on the host.",
        ...p.modules.map((m) => `load_module ${m};`),
        ...(p.user ? [`user ${p.user};`] : []),
        "worker_processes auto;",
        `pid ${p.pidFile};`,
        `error_log ${p.errorLog} warn;`,
        "",
        "events {",
        "    worker_connections 1024;",
        "}",
        "",
        "http {",
        "    server_tokens off;",
        "    default_type application/octet-stream;",
        // The query string is left out of access logs: DICOMweb queries carry patient names (PHI).
        "    log_format orthanc '$remote_addr [$time_local] \"$request_method $uri $server_protocol\" '",
        "                       '$status $body_bytes_sent $request_time';",
        `    access_log ${p.accessLog} orthanc;`,
        ...tempDirectives(p),
        "",
        "    server {",
        `        listen ${p.httpsPort} ssl;`,
        "        server_name _;",
        ...tlsDirectives(p, "        ", "https"),
        '        add_header Strict-Transport-Security "max-age=31536000" always;',
        "        add_header X-Content-Type-Options nosniff always;",
        "",
        "        # DICOM studies are large: no size limit, streamed to Orthanc as they arrive.",
        "        client_max_body_size 0;",
        "        proxy_request_buffering off;",
        "",
        `        location = ${p.healthPath} {`,
        "            access_log off;",
        `            proxy_pass http://${p.orthancHttp.host}:${p.orthancHttp.port}/system;`,
        '            proxy_set_header Authorization "";',
        "            proxy_intercept_errors on;",
        "            error_page 401 = @orthanc_alive;",
        "        }",
        "",
        "        location @orthanc_alive {",
        "            default_type text/plain;",
        '            return 200 "ok\\n";',
        "        }",
        "",
        "        location / {",
        `            proxy_pass http://${p.orthancHttp.host}:${p.orthancHttp.port};`,
        "            proxy_http_version 1.1;",
        "            proxy_set_header Host $host;",
        "            proxy_set_header X-Real-IP $remote_addr;",
        "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
        "            proxy_set_header X-Forwarded-Proto https;",
        "            proxy_read_timeout 600s;",
        "            proxy_send_timeout 600s;",
        "        }",
        "    }",
        "}",
        "",
        "stream {",
        "    server {",
        `        listen ${p.dicomTlsPort} ssl;`,
        ...tlsDirectives(p, "        ", "dicom"),
        `        proxy_pass ${p.orthancDicom.host}:${p.orthancDicom.port};`,
        "        proxy_connect_timeout 10s;",
        "        # DICOM associations idle between transfers; keep them longer than nginx's 10 min.",
        "        proxy_timeout 1h;",
        "    }",
        "}",
    ];
    return lines.join("\n") + "\n";
}
