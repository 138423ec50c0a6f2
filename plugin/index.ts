// The plugin's entry: Pulumi's Node.js language host runs this when a program in any language
// uses the `citadel` package. It serves the schema (inferred from the components' TypeScript args)
// and constructs components on request.
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { COMPONENTS } from "./components";

void componentProviderHost({ name: "citadel", components: COMPONENTS, dirname: __dirname });
