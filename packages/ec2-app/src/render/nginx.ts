import { ResolvedApp } from "../args";

/** Nginx's own liveness path on every app's server: answered by Nginx, never proxied. */
export const NGINX_HEALTH_PATH = "/nginx-health";

/** Where Nginx keeps its files: Amazon Linux 2023's package layout, or a scratch directory in tests. */
export interface NginxLayout {
    /** `user` directive; omitted when undefined (a test running Nginx unprivileged). */
    user?: string;
    /** `pid` directive: the file Nginx writes its master process id to. */
    pidFile: string;
    /** `error_log` path. */
    errorLog: string;
    /** `access_log` path. */
    accessLog: string;
    /** The `mime.types` file to include. */
    mimeTypes: string;
    /** Temporary body/proxy directories' parent; undefined keeps the package's compiled-in paths. */
    tempDir?: string;
}

/** Amazon Linux 2023's `nginx` package. */
export const AL2023_NGINX_LAYOUT: NginxLayout = {
    user: "nginx",
    pidFile: "/run/nginx.pid",
    errorLog: "/var/log/nginx/error.log",
    accessLog: "/var/log/nginx/access.log",
    mimeTypes: "/etc/nginx/mime.types",
};

export interface NginxParams {
    /**
     * The apps: each gets a server on its `proxyPort` proxying to its `port`, with its body size (MiB) and read timeout
     * (seconds).
     */
    apps: Pick<ResolvedApp, "name" | "port" | "proxyPort" | "maxBodySizeMiB" | "readTimeoutSeconds">[];
    /**
     * CIDR blocks whose `X-Forwarded-For` Nginx trusts: the VPC's (the load balancer's nodes live in
     * its public subnets). Only these may name the client's address.
     */
    trustedProxyCidrs: string[];
    /**
     * The load balancer's idle timeout (s). Nginx keeps connections from it open longer, so the load
     * balancer, not Nginx, closes idle ones (otherwise a request can race a close and get a 502).
     * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
     */
    loadBalancerIdleTimeoutSeconds: number;
    /** Where Nginx keeps its files. */
    layout: NginxLayout;
}

const CIDR = /^(\d{1,3}\.){3}\d{1,3}\/\d{1,2}$/;
const APP_NAME = /^[a-z][a-z0-9-]{1,19}$/;

/**
 * The whole `nginx.conf` of an instance: one server per application on its own proxy port, proxying
 * to the application on 127.0.0.1, with
 * - the client's address from the load balancer's `X-Forwarded-For` (trusted from the VPC only),
 *   logged and passed on as `X-Real-IP`;
 * - `X-Forwarded-Proto`/`-Port` kept from the load balancer (it terminates TLS);
 * - timeouts on every phase, body and header size limits, no version in responses;
 * - `/nginx-health` answered by Nginx itself, everything else (the app's health path too) proxied.
 * Pure: the same input gives the same text; values are validated before they reach the file.
 */
export function renderNginxConf(p: NginxParams): string {
    for (const c of p.trustedProxyCidrs) {
        if (!CIDR.test(c)) throw new Error(`nginx: trusted proxy ${JSON.stringify(c)} is not an IPv4 CIDR block`);
    }
    for (const a of p.apps) {
        if (!APP_NAME.test(a.name))
            throw new Error(`nginx: app name ${JSON.stringify(a.name)} is not safe in a config file`);
    }
    const keepalive = p.loadBalancerIdleTimeoutSeconds + 15;
    const l = p.layout;
    const lines: string[] = [
        "# Rendered by @citadel/ec2-app: one reverse-proxy server per application. Do not edit on the host.",
        ...(l.user ? [`user ${l.user};`] : []),
        "worker_processes auto;",
        `pid ${l.pidFile};`,
        `error_log ${l.errorLog} warn;`,
        "",
        "events {",
        "    worker_connections 1024;",
        "}",
        "",
        "http {",
        `    include ${l.mimeTypes};`,
        "    default_type application/octet-stream;",
        "    server_tokens off;",
        "    sendfile on;",
        "",
        ...(l.tempDir
            ? [
                  `    client_body_temp_path ${l.tempDir}/body;`,
                  `    proxy_temp_path ${l.tempDir}/proxy;`,
                  `    fastcgi_temp_path ${l.tempDir}/fastcgi;`,
                  `    uwsgi_temp_path ${l.tempDir}/uwsgi;`,
                  `    scgi_temp_path ${l.tempDir}/scgi;`,
                  "",
              ]
            : []),
        "    # The client's address: the load balancer appends it to X-Forwarded-For; trust that header",
        "    # only from the VPC, and take the last address not in it.",
        ...p.trustedProxyCidrs.map((c) => `    set_real_ip_from ${c};`),
        "    real_ip_header X-Forwarded-For;",
        "    real_ip_recursive on;",
        "",
        "    log_format main '$remote_addr - [$time_iso8601] \"$request_method $uri $server_protocol\" '",
        "                    '$status $body_bytes_sent $request_time $upstream_response_time '",
        "                    '\"$http_user_agent\" $http_x_amzn_trace_id';",
        `    access_log ${l.accessLog} main;`,
        "",
        "    # Slow clients and oversized headers are cut off; bodies are limited per app below.",
        "    client_header_timeout 15s;",
        "    client_body_timeout 30s;",
        "    send_timeout 30s;",
        "    client_header_buffer_size 1k;",
        "    large_client_header_buffers 4 16k;",
        `    keepalive_timeout ${keepalive}s;`,
        "    keepalive_requests 1000;",
        "",
        "    # WebSocket upgrades pass through; other requests reuse upstream connections.",
        "    map $http_upgrade $connection_upgrade {",
        "        default upgrade;",
        "        ''      '';",
        "    }",
    ];
    for (const a of p.apps) {
        const upstream = `app_${a.name.replace(/-/g, "_")}`;
        lines.push(
            "",
            `    upstream ${upstream} {`,
            `        server 127.0.0.1:${a.port};`,
            "        keepalive 16;",
            "    }",
            "",
            `    server {`,
            `        listen ${a.proxyPort};`,
            `        server_name ${a.name};`,
            `        client_max_body_size ${a.maxBodySizeMiB}m;`,
            "",
            `        location = ${NGINX_HEALTH_PATH} {`,
            "            access_log off;",
            "            default_type text/plain;",
            '            return 200 "ok\\n";',
            "        }",
            "",
            "        location / {",
            `            proxy_pass http://${upstream};`,
            "            proxy_http_version 1.1;",
            "            proxy_set_header Host $host;",
            "            proxy_set_header Upgrade $http_upgrade;",
            "            proxy_set_header Connection $connection_upgrade;",
            "            proxy_set_header X-Real-IP $remote_addr;",
            "            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "            proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;",
            "            proxy_set_header X-Forwarded-Port $http_x_forwarded_port;",
            "            proxy_connect_timeout 5s;",
            `            proxy_send_timeout ${a.readTimeoutSeconds}s;`,
            `            proxy_read_timeout ${a.readTimeoutSeconds}s;`,
            "            proxy_next_upstream off;",
            "        }",
            "    }",
        );
    }
    lines.push("}", "");
    return lines.join("\n");
}
