// The plugin's entry: Pulumi's Node.js language host runs this (package.json "main") when a program in
// any language uses the `citadel` package. It serves the schema (inferred from the components'
// TypeScript args, with their `@default` notes) and constructs components on request, as
// `componentProviderHost` does, with CitadelProvider in place of the stock provider.
import { main } from "@pulumi/pulumi/provider";
import { COMPONENTS, PACKAGES } from "./components";
import { CitadelProvider } from "./provider";

void main(
    new CitadelProvider({ components: COMPONENTS, dirname: __dirname, packages: PACKAGES }),
    process.argv.slice(2),
);
