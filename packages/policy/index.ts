/**
 * The CrossGuard entry point: `pulumi preview --policy-pack packages/policy`. Only this file
 * constructs the PolicyPack, which starts the analyzer's gRPC server; the rules live in src/ and are
 * imported (and tested) without it.
 */
import { PolicyPack } from "@pulumi/policy";
import { packArgs } from "./src/crossguard";

new PolicyPack("citadel-fsbp", packArgs());
