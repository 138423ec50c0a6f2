export * from "./args";
export * from "./policies";
export * from "./render/nginx";
export * from "./render/deploy";
export * from "./render/user-data";
export * from "./ec2-app";
