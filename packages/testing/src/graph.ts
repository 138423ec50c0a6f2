import type { Plan } from "./plan";

/** A bad --graph target: reported without a stack trace. */
export class GraphError extends Error {
    override readonly name = "GraphError";
}

/** Writes the plan's architecture diagram to `file` (`.svg` or `.mmd`). */
export async function writeGraph(_plan: Plan, file: string): Promise<void> {
    throw new GraphError(`--graph ${file}: not implemented yet`);
}
