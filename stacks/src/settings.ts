import * as pulumi from "@pulumi/pulumi";
import { configKeys, requireLogRetention } from "@citadel/shared";
import {
    FLOW_LOG_DESTINATIONS,
    FlowLogDestination,
    NAT_STRATEGIES,
    NatStrategy,
    RESERVED_AZ_SLOTS,
    resolveSecureVpcArgs,
} from "@citadel/secure-vpc";
import { ConfigReader, declaredKeys, stackRegion } from "./config";
import { EdgeSettings, loadEdgeSettings } from "./edge";
import { AppSettings, loadAppSettings } from "./app";
import { loadOrthancSettings, OrthancSettings } from "./orthanc";
import { loadOperationsSettings, OperationsSettings } from "./operations";
import { AppDataSettings, loadAppDataSettings } from "./app-data";

/** Everything the program needs, validated: the only place config is read. */
export interface Settings {
    /** The Pulumi project name. */
    project: string;
    /** The stack name: `dev`, `prod`, ... */
    stack: string;
    /** `citadel:protect`: stateful resources are protected from deletion and replacement. */
    protect: boolean;
    /** `citadel:logs.retentionDays`: days logs are kept, a CloudWatch retention period. */
    logs: { retentionDays: number };
    /**
     * `citadel:vpc.*`: the SecureVpc's args (prefix lengths in bits, `flowLogsDestination` from
     * `vpc.flowLogs.destination`).
     */
    vpc: {
        cidrBlock: string;
        azCount: number;
        publicSubnetPrefixLength: number;
        privateSubnetPrefixLength: number;
        natStrategy: NatStrategy;
        interfaceEndpoints: string[];
        flowLogsDestination: FlowLogDestination;
    };
    /** `citadel:edge.*`. */
    edge: EdgeSettings;
    /** `citadel:app.*`. */
    app: AppSettings;
    /** `citadel:orthanc.*`. */
    orthanc: OrthancSettings;
    /** `citadel:operations.*`. */
    operations: OperationsSettings;
    /** `citadel:uploads.*`, `citadel:cache.*`, `citadel:search.*`. */
    appData: AppDataSettings;
}

/**
 * Reads and validates every declared key, whether or not its feature is on (a value for a feature
 * that is off is checked now, not when someone turns the feature on), after refusing any
 * `citadel:` key Pulumi.yaml does not declare. Throws a ConfigError (a Pulumi RunError) naming
 * the first bad key.
 */
export function loadSettings(reader: ConfigReader): Settings {
    try {
        return readSettings(reader);
    } catch (e) {
        throw reader.redact(e);
    }
}

function readSettings(reader: ConfigReader): Settings {
    stackRegion();
    reader.refuseUnknownKeys(Object.keys(declaredKeys()));
    const retentionDays = requireLogRetention(
        reader.full("logs.retentionDays"),
        reader.integer("logs.retentionDays", 1, 3653),
    );

    const vpcRaw = {
        cidrBlock: reader.string("vpc.cidrBlock"),
        azCount: reader.integer("vpc.azCount", 2, RESERVED_AZ_SLOTS),
        publicSubnetPrefixLength: reader.integer("vpc.publicSubnetPrefixLength", 16, 28),
        privateSubnetPrefixLength: reader.integer("vpc.privateSubnetPrefixLength", 16, 28),
        natStrategy: reader.oneOf<NatStrategy>("vpc.natStrategy", NAT_STRATEGIES),
        interfaceEndpoints: reader.stringList("vpc.interfaceEndpoints"),
        flowLogsDestination: reader.oneOf<FlowLogDestination>("vpc.flowLogs.destination", FLOW_LOG_DESTINATIONS),
    };
    // The component's own validator, with config keys in its messages: one set of rules.
    resolveSecureVpcArgs(
        {
            ...vpcRaw,
            kmsKeyArn: "",
            flowLogs:
                vpcRaw.flowLogsDestination === "s3"
                    ? { destination: "s3", bucketArn: "(the stack's log bucket)" }
                    : { destination: vpcRaw.flowLogsDestination, logRetentionInDays: retentionDays },
        },
        configKeys(reader.full("vpc.")),
    );

    const protect = reader.boolean("protect");
    const app = loadAppSettings(reader);
    return {
        project: pulumi.getProject(),
        stack: pulumi.getStack(),
        protect,
        logs: { retentionDays },
        vpc: vpcRaw,
        // Feature settings (one loader per feature module) are added below.
        edge: loadEdgeSettings(reader, retentionDays, app.enabled),
        app,
        orthanc: loadOrthancSettings(reader, vpcRaw.azCount),
        operations: loadOperationsSettings(reader, protect),
        appData: loadAppDataSettings(reader, app.enabled),
    };
}
