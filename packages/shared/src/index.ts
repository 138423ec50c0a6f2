export * from "./errors";
export * from "./cidr";
export * from "./iam";
export * from "./refs";
export * from "./aws-context";
export * from "./kms-key";
export * from "./secure-bucket";
export * from "./logs";
