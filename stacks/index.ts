// Pulumi runs the exported function and exports what it returns as the stack's outputs.
import { program } from "./src/program";
export = program;
