export * from "./args";
export * from "./iam";
export * from "./render";
export * from "./orthanc-host";
export * from "./host-commands";
