import { ConfigError } from "./errors";

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

export function requireLogRetention(key: string, value: unknown): number {
    if (typeof value !== "number" || !(LOG_RETENTION_DAYS as readonly number[]).includes(value)) {
        throw new ConfigError(
            key,
            value,
            "is not a CloudWatch Logs retention period",
            `one of ${LOG_RETENTION_DAYS.join(", ")} (days)`,
        );
    }
    return value;
}
