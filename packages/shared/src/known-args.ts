import { closestName } from "./aws-names";
import { argKeys, ConfigError } from "./errors";

/**
 * Every argument name of an args interface, each `true`: written out per component so the
 * compiler refuses a list that misses an argument or names one the interface does not have.
 */
export type ArgNames<T> = { readonly [K in keyof Required<T>]: true };

/**
 * Refuses an argument the component does not have. TypeScript catches a misspelled argument at
 * compile time, but a JavaScript program, a Python or Go program through the Pulumi package, or an
 * object built at run time does not: `new AlertTopic("a", { emails: [...] })` (the argument is
 * `subscribers`) would create a topic nobody is subscribed to, and exit 0. Called after the
 * component's own validation, so a renamed argument gets its own message naming the new name.
 *
 * @throws ConfigError naming `<Component> "<name>": <argument>`, with the closest argument name.
 */
export function refuseUnknownArgs<T extends object>(
    component: string,
    name: string,
    args: T,
    names: ArgNames<T>,
): void {
    const known = Object.keys(names);
    for (const arg of Object.keys(args)) {
        if (known.includes(arg)) continue;
        const near = closestName(arg, known);
        throw new ConfigError(
            argKeys(component, name)(arg),
            (args as Record<string, unknown>)[arg],
            `is not an argument of ${component}${near ? ` (did you mean ${near}?)` : ""}`,
            `the arguments of ${component}Args: ${known.join(", ")}`,
        );
    }
}
