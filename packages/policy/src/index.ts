export * from "./rule";
export * from "./values";
export * from "./config";
export * from "./evaluate";
export { RULES, ruleNamed, T, looksSecret, RECOMMENDED_SSL_POLICIES } from "./rules";
