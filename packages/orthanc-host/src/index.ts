export * from "./args";
export * from "./iam";
export * from "./render";
export * from "./orthanc-host";
