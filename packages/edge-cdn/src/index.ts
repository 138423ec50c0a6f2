export * from "./args";
export * from "./rules";
export * from "./origin-secret";
export * from "./edge-cdn";
