export * from "./args";
export * from "./subnets";
export * from "./secure-vpc";
