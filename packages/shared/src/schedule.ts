/**
 * AWS schedule expressions: `cron(...)` with AWS's six fields, and `rate(...)`.
 *
 * AWS's cron is not Unix cron: six fields (minutes hours day-of-month month day-of-week year),
 * day-of-week 1-7 = SUN-SAT, exactly one of day-of-month and day-of-week `?`, and `L`, `W`, `#`.
 * Syntax and ranges: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html
 * (EventBridge), which Systems Manager maintenance windows
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html)
 * and AWS Backup (https://docs.aws.amazon.com/aws-backup/latest/devguide/API_BackupRule.html) share.
 * Rate expressions: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rate-expressions.html
 * (`rate(value unit)`, a positive whole value, the unit singular for 1 and plural otherwise).
 *
 * Own code, not an npm library: the two published for AWS cron were checked and both accept what
 * AWS refuses (`aws-cron-parser` parses `x y z a b c` and `* * SUN` without error; it is a
 * scheduler, not a validator; `aws-cron-expression-validator` accepts descending ranges and `*-5`,
 * and knows neither `L-n` nor `LW`), and the grammar is one table.
 */
import { ConfigError } from "./errors";

interface Field {
    name: string;
    min: number;
    max: number;
    names?: readonly string[];
    /** Wildcards beyond `, - * /` that AWS allows in this field. */
    extra: string;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"] as const;
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"] as const;

const FIELDS: readonly Field[] = [
    { name: "minutes", min: 0, max: 59, extra: "" },
    { name: "hours", min: 0, max: 23, extra: "" },
    { name: "day-of-month", min: 1, max: 31, extra: "?LW" },
    { name: "month", min: 1, max: 12, names: MONTHS, extra: "" },
    { name: "day-of-week", min: 1, max: 7, names: DAYS, extra: "?L#" },
    { name: "year", min: 1970, max: 2199, extra: "" },
];

export interface ScheduleRule {
    /** `rate(...)` units accepted besides cron; empty or unset: cron only. */
    rateUnits?: ReadonlyArray<"minute" | "hour" | "day">;
    /** An example shown in messages. */
    example?: string;
}

/** Why `field` (one of the six) is not valid, or undefined when it is. */
function fieldProblem(f: Field, text: string): string | undefined {
    const bad = (why: string) => `its ${f.name} field ${JSON.stringify(text)} ${why}`;
    const value = (t: string): number | undefined => {
        if (/^\d+$/.test(t)) return Number(t);
        const i = f.names?.indexOf(t as never) ?? -1;
        return i >= 0 ? i + 1 : undefined;
    };
    const inRange = (t: string): string | undefined => {
        const n = value(t);
        if (n === undefined)
            return `has ${JSON.stringify(t)}, not a number${f.names ? ` or ${f.names[0]}-${f.names[f.names.length - 1]}` : ""}`;
        if (n < f.min || n > f.max) return `has ${t}, outside ${f.min}-${f.max}`;
        return undefined;
    };
    if (text === "?")
        return f.extra.includes("?") ? undefined : bad("uses ?, which only day-of-month and day-of-week take");
    if (text === "*") return undefined;
    if (f.name === "day-of-month") {
        if (text === "L" || text === "LW") return undefined;
        const last = /^L-(\d+)$/.exec(text);
        if (last)
            return Number(last[1]) >= 1 && Number(last[1]) <= 30 ? undefined : bad("has an L offset outside 1-30");
        const w = /^(\d+)W$/.exec(text);
        if (w) return inRange(w[1]) && bad(inRange(w[1])!);
    }
    if (f.name === "day-of-week") {
        if (text === "L") return undefined;
        const lastOf = /^([A-Z]+|\d+)L$/.exec(text);
        if (lastOf) return inRange(lastOf[1]) && bad(inRange(lastOf[1])!);
        const nth = /^([A-Z]+|\d+)#(\d+)$/.exec(text);
        if (nth) {
            if (inRange(nth[1])) return bad(inRange(nth[1])!);
            return Number(nth[2]) >= 1 && Number(nth[2]) <= 5
                ? undefined
                : bad("asks for a week of the month outside 1-5");
        }
        if (text.includes("#")) return bad("uses # with more than one day (AWS allows one DAY#n)");
    }
    for (const part of text.split(",")) {
        if (part === "") return bad("has an empty list item");
        const [base, step, more] = part.split("/");
        if (more !== undefined) return bad("has more than one /");
        if (step !== undefined) {
            if (f.name === "day-of-week") return bad("uses /, which day-of-week does not take");
            if (!/^[1-9]\d*$/.test(step))
                return bad(`has an increment ${JSON.stringify(step)} that is not a positive whole number`);
            if (Number(step) > f.max) return bad(`has an increment ${step} larger than the field's range`);
        }
        if (base === "*") {
            if (step === undefined && text !== "*") return bad("mixes * into a list");
            continue;
        }
        const range = base.split("-");
        if (range.length > 2) return bad(`has ${JSON.stringify(base)}, not a value or a range`);
        for (const r of range) {
            const p = inRange(r);
            if (p) return bad(p);
        }
        if (
            range.length === 2 &&
            f.name !== "day-of-week" &&
            f.name !== "month" &&
            value(range[0])! > value(range[1])!
        ) {
            // AWS wraps day-of-week and month ranges (FRI-MON); other fields' descending ranges match nothing.
            return bad(`has the descending range ${base}`);
        }
    }
    return undefined;
}

/**
 * Refuses anything but a valid AWS schedule expression, naming the part that is wrong:
 * `cron(0 2 * * SUN *)` (day-of-month and day-of-week both set), `cron(0 2 ? * SUN)` (five
 * fields, Unix style), `cron(0 24 ? * * *)`, `rate(1 hours)`. Returns the expression.
 */
export function requireSchedule(key: string, value: unknown, rule: ScheduleRule = {}): string {
    const units = rule.rateUnits ?? [];
    const example = rule.example ?? "cron(0 2 ? * SUN *)";
    const allowed =
        `cron(minutes hours day-of-month month day-of-week year), six fields, one of day-of-month and day-of-week "?"` +
        `${units.length ? `, or rate(<n> ${units.join("|")}(s))` : ""}, e.g. ${example} ` +
        "(https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html)";
    if (typeof value !== "string") throw new ConfigError(key, value, "is not a schedule expression", allowed);
    const rate = /^rate\((.*)\)$/.exec(value);
    if (rate) {
        if (units.length === 0)
            throw new ConfigError(key, value, "is a rate expression, and only cron is accepted here", allowed);
        const m = /^([1-9]\d*) ([a-z]+)$/.exec(rate[1]);
        const unit = m?.[2].replace(/s$/, "");
        if (!m || !units.includes(unit as never)) {
            throw new ConfigError(
                key,
                value,
                `is not rate(<n> <unit>) with a positive whole n and a unit of ${units.join(", ")}`,
                allowed,
            );
        }
        if ((m[1] === "1") !== (m[2] === unit)) {
            throw new ConfigError(
                key,
                value,
                `needs the unit ${m[1] === "1" ? "singular for 1" : "plural for more than 1"}`,
                allowed,
            );
        }
        return value;
    }
    const cron = /^cron\((.*)\)$/.exec(value);
    if (!cron) throw new ConfigError(key, value, "is not a cron(...) expression", allowed);
    const fields = cron[1].split(" ");
    if (fields.length !== 6 || fields.some((f) => f === "")) {
        const count = cron[1].trim() === "" ? 0 : cron[1].trim().split(/\s+/).length;
        throw new ConfigError(
            key,
            value,
            count === 6
                ? "separates its fields by other than single spaces"
                : `has ${count} fields, not 6${count === 5 ? " (Unix cron has 5; AWS adds the year)" : ""}`,
            allowed,
        );
    }
    for (let i = 0; i < 6; i++) {
        const p = fieldProblem(FIELDS[i], fields[i]);
        if (p) throw new ConfigError(key, value, p, allowed);
    }
    const [dom, dow] = [fields[2], fields[4]];
    if ((dom === "?") === (dow === "?")) {
        throw new ConfigError(
            key,
            value,
            dom === "?"
                ? "has ? in both day-of-month and day-of-week"
                : `sets both day-of-month (${dom}) and day-of-week (${dow}); one of them must be ?`,
            allowed,
        );
    }
    return value;
}
