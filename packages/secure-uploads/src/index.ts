export * from "./policies";
export * from "./secure-uploads";
