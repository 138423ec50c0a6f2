import * as pulumi from "@pulumi/pulumi";
import { configKeys, requireLogRetention } from "@citadel/shared";
import { FlowLogDestination, NatStrategy, resolveSecureVpcArgs } from "@citadel/secure-vpc";
import { ConfigReader } from "./config";
import { EdgeSettings, loadEdgeSettings } from "./edge";
import { AppSettings, loadAppSettings } from "./app";
import { loadOrthancSettings, OrthancSettings } from "./orthanc";
import { loadOperationsSettings, OperationsSettings } from "./operations";

/** Everything the program needs, validated: the only place config is read. */
export interface Settings {
    project: string;
    stack: string;
    protect: boolean;
    logs: { retentionDays: number };
    vpc: {
        cidrBlock: string;
        azCount: number;
        publicSubnetPrefixLength: number;
        privateSubnetPrefixLength: number;
        natStrategy: NatStrategy;
        interfaceEndpoints: string[];
        flowLogsDestination: FlowLogDestination;
    };
    edge: EdgeSettings;
    app: AppSettings;
    orthanc: OrthancSettings;
    operations: OperationsSettings;
}

export function loadSettings(reader: ConfigReader): Settings {
    const retentionDays = requireLogRetention(reader.full("logs.retentionDays"), reader.integer("logs.retentionDays"));

    const vpcRaw = {
        cidrBlock: reader.string("vpc.cidrBlock"),
        azCount: reader.integer("vpc.azCount"),
        publicSubnetPrefixLength: reader.integer("vpc.publicSubnetPrefixLength"),
        privateSubnetPrefixLength: reader.integer("vpc.privateSubnetPrefixLength"),
        natStrategy: reader.string("vpc.natStrategy") as NatStrategy,
        interfaceEndpoints: reader.stringList("vpc.interfaceEndpoints"),
        flowLogsDestination: reader.string("vpc.flowLogs.destination") as FlowLogDestination,
    };
    // The component's own validator, with config keys in its messages: one set of rules.
    resolveSecureVpcArgs({
        ...vpcRaw,
        kmsKeyArn: "",
        flowLogs: vpcRaw.flowLogsDestination === "s3"
            ? { destination: "s3", bucketArn: "(the stack's log bucket)" }
            : { destination: vpcRaw.flowLogsDestination, retentionInDays: retentionDays },
    }, configKeys(reader.full("vpc.")));

    return {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        protect: reader.boolean("protect"),
        logs: { retentionDays },
        vpc: vpcRaw,
        // Feature settings (one loader per feature module) are added below.
        edge: loadEdgeSettings(reader, retentionDays, reader.boolean("app.enabled")),
        app: loadAppSettings(reader),
        orthanc: loadOrthancSettings(reader),
        operations: loadOperationsSettings(reader, reader.boolean("protect")),
    };
}
