export * from "./policies";
export * from "./alert-topic";
export * from "./backup-plan";
export * from "./account-baseline";
export * from "./config-rules";
export * from "./patching";
