/**
 * The PostgreSQL plugin's `ConnectionUri`: the one way to give it a password safely. With separate
 * `Username`/`Password` settings the plugin pastes them unquoted into a libpq key/value string,
 * where a space ends the value and a backslash escapes the next character; a `ConnectionUri` goes
 * to libpq as it is (and then the plugin ignores `Host`, `Port`, `Database` and `EnableSsl`, so
 * the URI carries them too). libpq percent-decodes every part of a URI.
 */

/** Where the index database is; with a user name and password it makes the connection URI. */
export interface DatabaseEndpoint {
    /** DNS name or IPv4 address (an IPv6 address is bracketed). */
    host: string;
    /** The PostgreSQL port (5432 on RDS). */
    port: number;
    /** The database name. */
    database: string;
    /**
     * TLS on, as `sslmode=require` (encrypted; the server's certificate is not verified, as with
     * the plugin's own `EnableSsl`), or off (`sslmode=disable`).
     */
    ssl: boolean;
}

/**
 * Percent-encodes every UTF-8 byte except RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`),
 * exactly as the boot script's jq filter does (jq 1.7's `@uri`; jq 1.6's leaves `!*'()` alone,
 * so the script encodes those itself).
 */
export function uriComponent(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The URI after its user info, `@host:port/database?sslmode=…`: nothing secret, so the boot
 * script gets it rendered and appends it to the user info it encodes from the RDS secret.
 */
export function connectionUriSuffix(e: DatabaseEndpoint): string {
    const host = e.host.includes(":") ? `[${e.host}]` : e.host;
    return `@${host}:${e.port}/${uriComponent(e.database)}?sslmode=${e.ssl ? "require" : "disable"}`;
}

/** `postgresql://<user>:<password>@<host>:<port>/<database>?sslmode=…`, user and password percent-encoded. */
export function connectionUri(e: DatabaseEndpoint, username: string, password: string): string {
    return `postgresql://${uriComponent(username)}:${uriComponent(password)}${connectionUriSuffix(e)}`;
}
