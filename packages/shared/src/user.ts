/**
 * The user a container runs as (`user` of an ECS container definition: `uid`, `uid:gid`, `name`,
 * `name:group`). Root in any spelling is refused: uid 0 as `0`, `00` or `000:1000`, gid 0, and the
 * names `root`. https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
 */
import { ConfigError } from "./errors";

const PART = /^([A-Za-z_][A-Za-z0-9_-]{0,31}|\d{1,10})$/;
const MAX_ID = 2 ** 32 - 2; // 4294967295 is (uid_t) -1, "no user"

export interface ContainerUser {
    /** The user, by name or numeric id (never `root` or 0). */
    user: string | number;
    /** The group, by name or numeric id. @default - the user's primary group */
    group?: string | number;
}

export function requireNonRootUser(key: string, value: unknown): ContainerUser {
    const allowed =
        'a non-root "uid", "uid:gid", "name" or "name:group" (uid and gid 1..4294967294, never root), e.g. "1000:1000"';
    if (typeof value !== "string") throw new ConfigError(key, value, "is not a user", allowed);
    const parts = value.split(":");
    if (parts.length > 2 || parts.some((p) => !PART.test(p)))
        throw new ConfigError(key, value, "is not a user", allowed);
    const [user, group] = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    for (const [what, v] of [
        ["uid", user],
        ["gid", group],
    ] as const) {
        if (v === undefined) continue;
        if (v === 0 || v === "root")
            throw new ConfigError(key, value, `runs as root (${what} ${JSON.stringify(v)})`, allowed);
        if (typeof v === "number" && v > MAX_ID)
            throw new ConfigError(key, value, `has ${what} ${v} out of range`, allowed);
    }
    return { user, group };
}
