/**
 * Every Citadel component a non-TypeScript program can use, in one Pulumi package named `citadel`.
 * The plugin entry (index.ts) serves these; Pulumi's analyzer reads their args from the sources.
 */
import { DocumentDatabase, KmsKey, PostgresDatabase, SecureBucket } from "@citadel/shared";
import { SecureVpc } from "@citadel/secure-vpc";
import { OrthancHost } from "@citadel/orthanc-host";
import { EcsApp } from "@citadel/ecs-app";
import { Ec2App } from "@citadel/ec2-app";
import { EdgeCdn, OriginSecret } from "@citadel/edge-cdn";
import { SecureUploads } from "@citadel/secure-uploads";
import { Cache } from "@citadel/cache";
import { Search } from "@citadel/search";
import { AccountBaseline, AlertTopic, BackupPlan, PatchManagement } from "@citadel/operations";

export const COMPONENTS = [
    KmsKey,
    SecureBucket,
    PostgresDatabase,
    DocumentDatabase,
    SecureVpc,
    OrthancHost,
    EcsApp,
    Ec2App,
    EdgeCdn,
    OriginSecret,
    SecureUploads,
    Cache,
    Search,
    AlertTopic,
    BackupPlan,
    AccountBaseline,
    PatchManagement,
];

/** The npm packages that define them: their sources carry the `@default` notes the schema adds. */
export const PACKAGES = [
    "@citadel/shared",
    "@citadel/secure-vpc",
    "@citadel/orthanc-host",
    "@citadel/ecs-app",
    "@citadel/ec2-app",
    "@citadel/edge-cdn",
    "@citadel/secure-uploads",
    "@citadel/cache",
    "@citadel/search",
    "@citadel/operations",
];
