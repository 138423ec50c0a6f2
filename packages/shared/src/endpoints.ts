/**
 * Addresses people and systems are reached at: email addresses, HTTPS webhooks, peers' IPv4
 * addresses. Each is checked for what the receiving AWS service needs and what would leak or
 * silently go nowhere.
 */
import { Address6 } from "ip-address";
import { cidrContains, nonUnicast, parseCidr } from "./cidr";
import { ConfigError } from "./errors";

// RFC 5322 dot-atom local part and a DNS domain with an alphabetic TLD: the bare address SNS takes.
// A display name (`Ops <ops@example.com>`), angle brackets, quotes, comments or white space are
// not an address SNS can subscribe.
const EMAIL =
    /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

/**
 * A bare email address, `name@example.com`: refused with a named reason when it has a display name
 * or angle brackets (`Ops <ops@example.com>`), white space, or is longer than 254 characters
 * (RFC 5321's path limit; 64 for the part before `@`).
 */
export function requireEmailAddress(key: string, value: unknown): string {
    const allowed = "a bare address name@example.com (no display name, angle brackets or spaces)";
    if (typeof value !== "string" || value === "")
        throw new ConfigError(key, value, "is not an email address", allowed);
    if (/[<>]/.test(value))
        throw new ConfigError(key, value, "has a display name or angle brackets; SNS takes the address alone", allowed);
    if (/\s/.test(value)) throw new ConfigError(key, value, "contains white space", allowed);
    if (value.length > 254 || value.indexOf("@") > 64 || !EMAIL.test(value)) {
        throw new ConfigError(key, value, "is not an email address", allowed);
    }
    return value;
}

const DNS_LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/** Ranges no public webhook lives in: private (RFC 1918), shared (CGNAT), benchmarking, documentation. */
const NOT_PUBLIC: ReadonlyArray<[string, string]> = [
    ["10.0.0.0/8", "private"],
    ["172.16.0.0/12", "private"],
    ["192.168.0.0/16", "private"],
    ["100.64.0.0/10", "shared (carrier-grade NAT)"],
    ["198.18.0.0/15", "benchmarking"],
    ["192.0.2.0/24", "documentation"],
    ["198.51.100.0/24", "documentation"],
    ["203.0.113.0/24", "documentation"],
];

/** Why an IPv4 address is no public unicast address, or undefined. */
function notPublic4(host: string): string | undefined {
    const c = parseCidr(`${host}/32`);
    if (!c) return undefined;
    return nonUnicast(c) ?? NOT_PUBLIC.find(([r]) => cidrContains(parseCidr(r)!, c))?.[1];
}

/** Why an IPv6 address (without brackets) is no public unicast address, or undefined. */
function notPublic6(host: string): string | undefined {
    if (!Address6.isValid(host)) return "unparseable";
    const a = new Address6(host);
    if (a.isLoopback()) return "loopback";
    if (a.isLinkLocal()) return "link-local";
    if (a.isMulticast()) return "multicast";
    if (a.isInSubnet(new Address6("fc00::/7"))) return "unique local (private)";
    if (a.isInSubnet(new Address6("::/128"))) return "unspecified";
    // IPv4-mapped (::ffff:a.b.c.d) and IPv4-compatible forms reach the IPv4 address inside them.
    if (a.isInSubnet(new Address6("::ffff:0:0/96")) || a.isInSubnet(new Address6("::/96")))
        return notPublic4(a.to4().correctForm());
    return undefined;
}

/**
 * An HTTPS URL SNS can deliver to from the internet: `https:` only (SNS would also take `http:`
 * and send alerts in clear text), no credentials in the URL (they would sit in state and in the
 * subscription's attributes: use a token the receiver checks), and a public host: not localhost,
 * a single-label or `.local`/`.internal` name, nor a loopback, private, link-local or multicast
 * address, none of which SNS can reach.
 * https://docs.aws.amazon.com/sns/latest/dg/sns-http-https-endpoint-as-subscriber.html
 */
export function requirePublicHttpsUrl(key: string, value: unknown): string {
    const allowed = "a public HTTPS URL without credentials, e.g. https://hooks.example.com/alerts";
    if (typeof value !== "string" || value === "") throw new ConfigError(key, value, "is not an https:// URL", allowed);
    if (/\s/.test(value)) throw new ConfigError(key, value, "contains white space", allowed);
    // WHATWG URL parsing forgives `https:host` and `HTTPS://`; SNS takes the endpoint as written.
    if (!value.startsWith("https://") && /^https:/i.test(value))
        throw new ConfigError(key, value, 'does not start with "https://" exactly (lower case, two slashes)', allowed);
    let url: URL;
    try {
        url = new URL(value);
    } catch {
        throw new ConfigError(key, value, "is not an https:// URL", allowed);
    }
    if (url.protocol !== "https:")
        throw new ConfigError(
            key,
            value,
            `is not an https:// URL (${url.protocol.replace(/:$/, "")}: alerts would travel in clear text or nowhere)`,
            allowed,
        );
    if (url.username !== "" || url.password !== "") {
        throw new ConfigError(
            key,
            "(a URL with credentials, not shown)",
            "has credentials (user:password@) in it, which would be stored in state",
            allowed,
        );
    }
    // The URL parser keeps port 0, which no server listens on.
    if (url.port === "0") throw new ConfigError(key, value, "has port 0", `${allowed} (port 1..65535)`);
    // A trailing dot names the same host (`localhost.`).
    const host = url.hostname.toLowerCase().replace(/\.$/, "");
    // DNS names are letters, digits and hyphens per label, no label empty or hyphen-edged (RFC 1123 2.1).
    if (!host.startsWith("[") && !/^[\d.]+$/.test(host)) {
        const bad = host.length > 253 ? host : host.split(".").find((l) => !DNS_LABEL.test(l));
        if (bad !== undefined)
            throw new ConfigError(
                key,
                value,
                `has a host that is not a DNS name (label ${JSON.stringify(bad)})`,
                `${allowed} (labels of letters, digits and inner hyphens, 1..63 characters)`,
            );
    }
    const v6 = /^\[(.*)\]$/.exec(host)?.[1];
    const why =
        v6 !== undefined
            ? notPublic6(v6)
            : /^[\d.]+$/.test(host)
              ? (notPublic4(host) ?? (parseCidr(`${host}/32`) ? undefined : "unparseable"))
              : host === "localhost" || host.endsWith(".localhost")
                ? "loopback"
                : !host.includes(".") || /\.(local|internal|lan|home|corp|localdomain)$/.test(host)
                  ? "not a public DNS name"
                  : undefined;
    if (why) throw new ConfigError(key, value, `has a host SNS cannot reach (${host}: ${why})`, allowed);
    return value;
}

/**
 * An IPv4 unicast address a security group rule can name, e.g. a DICOM peer's: not 0.0.0.0 (or the
 * rest of "this network"), loopback, link-local, multicast, the broadcast address or class E.
 */
export function requireUnicastAddress(
    key: string,
    value: unknown,
    allowed = "an IPv4 unicast address a.b.c.d",
): string {
    const c = typeof value === "string" ? parseCidr(`${value}/32`) : undefined;
    if (!c) throw new ConfigError(key, value, "is not an IPv4 address", allowed);
    const why = nonUnicast(c);
    if (why) throw new ConfigError(key, value, `is in the ${why} range`, allowed);
    return value as string;
}
