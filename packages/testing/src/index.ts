export * from "./canned";
export * from "./harness";
export * from "./stack";
export * from "./plan";
export * from "./urns";
export * from "./tags";
