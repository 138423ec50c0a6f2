/**
 * The openssl commands that make the self-signed certificate. The boot script runs them with the
 * host's names filled in at boot; a test runs the same commands with literal values.
 */
import { ShellArg } from "./shell";

export interface SelfSignedParams {
    /** Where the private key is written. */
    keyFile: ShellArg;
    /** Where the certificate is written. */
    certificateFile: ShellArg;
    /** Subject common name. */
    commonName: ShellArg;
    /** The subjectAltName extension, e.g. `DNS:pacs.example.org,DNS:ec2-…amazonaws.com`. */
    subjectAltName: ShellArg;
    /** Validity in days; 825 is the most macOS and iOS accept for a TLS server certificate. */
    days: number | { shellVar: string };
}

export const SELF_SIGNED_DAYS = 825;

/** `openssl req` creating a new RSA key and a self-signed server certificate for it. */
export function selfSignedCertificateCommand(p: SelfSignedParams): ShellArg[] {
    return [
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:3072",
        "-sha256",
        "-nodes",
        "-days",
        typeof p.days === "number" ? String(p.days) : p.days,
        "-keyout",
        p.keyFile,
        "-out",
        p.certificateFile,
        "-subj",
        concat("/CN=", p.commonName),
        "-addext",
        concat("subjectAltName=", p.subjectAltName),
        // Apple platforms refuse server certificates without this extended key usage.
        "-addext",
        "extendedKeyUsage=serverAuth",
    ];
}

/** A prefix joined to an argument; a shell variable stays a variable (`"/CN=${CERT_CN}"`). */
function concat(prefix: string, arg: ShellArg): ShellArg {
    return typeof arg === "string" ? prefix + arg : { shellVar: arg.shellVar, prefix: prefix + (arg.prefix ?? "") };
}

/** The subjectAltName value for a list of DNS names, without repeats or empties. */
export function subjectAltName(dnsNames: readonly string[]): string {
    return [...new Set(dnsNames.filter((n) => n !== ""))].map((n) => `DNS:${n}`).join(",");
}
