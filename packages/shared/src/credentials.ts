/**
 * Credentials that would land in clear text: ECS task definitions keep `environment` values in
 * plain text (readable with ecs:DescribeTaskDefinition and stored in Pulumi state). Shared by the
 * components, which refuse them, and the policy pack, which flags them.
 */

/**
 * Names that say "this is a credential": the words anywhere in the name (`DB_PASSWORD`, `API_KEY`,
 * `GITHUB_TOKEN`), and the short forms only as a whole `_`-separated word or a known prefix
 * (`DB_PASS`, `PGPASS`, `API_AUTH`, `JWT_SIGNING`, `SESSION_SALT`), so `COMPASS_URL` or `AUTHOR` pass.
 */
export const CREDENTIAL_SHORT_NAME =
    /PASSPHRASE|SIGNING|(^|_)(PG|DB|MYSQL_?|REDIS_?)?PASS(_|$)|(^|_)AUTH(_|$)|(^|_)(JWT|SALT|PEPPER|DSN)(_|$)|(^|_)COOKIE_?SIG/i;
export const CREDENTIAL_NAME = new RegExp(
    `PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|PRIVATE|${CREDENTIAL_SHORT_NAME.source}`,
    "i",
);

/** `scheme://user:password@host...`: a password inside a URL (a database DSN, a broker URL). */
export const CREDENTIAL_URL = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@:]*:[^\s/@]+@/;

/** Why `name=value` looks like a credential, or undefined. Values that are not plain strings are not inspected. */
export function credentialReason(name: string, value: unknown): string | undefined {
    if (CREDENTIAL_NAME.test(name)) return "has a name that looks like a credential";
    if (typeof value === "string" && CREDENTIAL_URL.test(value)) return "holds a URL with a password in it";
    return undefined;
}
