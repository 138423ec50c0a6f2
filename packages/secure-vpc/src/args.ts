import * as pulumi from "@pulumi/pulumi";
import {
    argKeys,
    ConfigError,
    KeyOf,
    requireLogRetention,
    requireOneOf,
    requireUnique,
    TagsInput,
    refuseRenamed,
} from "@citadel/shared";
import { carveSubnets, SubnetLayout } from "./subnets";

export const NatStrategy = {
    None: "none",
    Single: "single",
    PerAz: "perAz",
} as const;
export type NatStrategy = (typeof NatStrategy)[keyof typeof NatStrategy];
export const NAT_STRATEGIES: readonly NatStrategy[] = Object.values(NatStrategy);

/**
 * Services that may get an interface endpoint, by the short name that follows
 * `com.amazonaws.<region>.` in the endpoint service name.
 */
export const InterfaceEndpointService = {
    Kms: "kms",
    Secretsmanager: "secretsmanager",
    Ec2: "ec2",
    Ssm: "ssm",
    Ec2messages: "ec2messages",
    Ssmmessages: "ssmmessages",
    Logs: "logs",
    EcrApi: "ecr.api",
    EcrDkr: "ecr.dkr",
    Sts: "sts",
    Sqs: "sqs",
    Sns: "sns",
    Monitoring: "monitoring",
    Ecs: "ecs",
    EcsAgent: "ecs-agent",
    EcsTelemetry: "ecs-telemetry",
    Elasticloadbalancing: "elasticloadbalancing",
    Autoscaling: "autoscaling",
    Events: "events",
    Rds: "rds",
} as const;
export type InterfaceEndpointService = (typeof InterfaceEndpointService)[keyof typeof InterfaceEndpointService];
export const INTERFACE_ENDPOINT_SERVICES: readonly InterfaceEndpointService[] = Object.values(InterfaceEndpointService);

export const FlowLogDestination = {
    S3: "s3",
    Cloudwatch: "cloudwatch",
} as const;
export type FlowLogDestination = (typeof FlowLogDestination)[keyof typeof FlowLogDestination];
export const FLOW_LOG_DESTINATIONS: readonly FlowLogDestination[] = Object.values(FlowLogDestination);

export interface FlowLogsArgs {
    /**
     * `s3`: to a log bucket (`bucketArn`); cheapest at volume, queried with Athena.
     * `cloudwatch`: to a KMS-encrypted log group kept `logRetentionInDays`; searchable at once.
     * @default "s3"
     */
    destination?: FlowLogDestination;
    /**
     * The log bucket (a SecureBucket with purpose `logs`), required for `s3`. Its KMS key must admit
     * the `logDelivery` service.
     * @default - none (an error with `s3`)
     * @default - none (an error with `s3`)
     * @default - none (an error with `s3`)
     */
    bucketArn?: pulumi.Input<string>;
    /** Retention of the log group, for `cloudwatch`; one of CloudWatch's allowed values. @default 365 */
    logRetentionInDays?: number;
}

export interface SecureVpcArgs {
    /** The VPC's IPv4 block, a /16 to /24. @default "10.0.0.0/16" */
    cidrBlock?: string;
    /** Number of AZs, 2 or 3; the first `azCount` AZs the region reports as available. @default 2 */
    azCount?: number;
    /**
     * Prefix length of each public subnet. Public subnets hold only load balancers, NAT gateways and
     * hosts that must be reached directly, so they are small. @default 24
     */
    publicSubnetPrefixLength?: number;
    /** Prefix length of each private subnet. @default 20 */
    privateSubnetPrefixLength?: number;
    /**
     * Internet egress for the private subnets:
     * - `none`: no route to the internet (reach AWS through endpoints); no NAT cost;
     * - `single`: one NAT gateway in the first AZ, shared (an AZ outage cuts egress for all);
     * - `perAz`: one NAT gateway per AZ, each AZ routing through its own (highly available).
     * @default "none"
     */
    natStrategy?: NatStrategy;
    /**
     * Interface endpoints to create in the private subnets, by short service name (see
     * INTERFACE_ENDPOINT_SERVICES). Each costs money per AZ-hour. The S3 gateway endpoint is always
     * created (it is free). @default []
     */
    interfaceEndpoints?: string[];
    /** Where the VPC's flow logs (all traffic) go. */
    flowLogs: FlowLogsArgs;
    /** The KMS key that encrypts the flow log group (for `cloudwatch`). Must admit the `logs` service. */
    kmsKeyArn: pulumi.Input<string>;
    /**
     * Tags for every taggable AWS resource this component creates (launch templates' instances and
     * volumes included), merged over the AWS provider's `defaultTags`. A tag a resource sets itself
     * (`Name`, `Patch Group`, the backup tag) keeps its value. Keys under `aws:` or `citadel:` are
     * refused, as is what AWS refuses (more than 45 tags, keys over 128 or values over 256
     * characters, characters other than letters, numbers, spaces and `_ . : / = + - @`), with a
     * ConfigError naming `tags`. See `withTags` in @citadel/shared and
     * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Tag.html
     * @default {}
     */
    tags?: TagsInput;
}

/** Args after validation and defaults: what the component builds from. */
export interface ResolvedVpcArgs {
    /** After defaults: the VPC's IPv4 block. */
    cidrBlock: string;
    /** After defaults: number of AZs. */
    azCount: number;
    /** The subnets' CIDR blocks, carved from `cidrBlock`. */
    layout: SubnetLayout;
    /** After defaults: the private subnets' internet egress. */
    natStrategy: NatStrategy;
    /** After defaults: the interface endpoints, by short service name. */
    interfaceEndpoints: InterfaceEndpointService[];
    /** Where flow logs go: the log bucket, or a log group kept `retentionInDays` days. */
    flowLogs:
        | { destination: "s3"; bucketArn: pulumi.Input<string> }
        | { destination: "cloudwatch"; logRetentionInDays: number };
}

export const VPC_DEFAULTS = {
    cidrBlock: "10.0.0.0/16",
    azCount: 2,
    publicSubnetPrefixLength: 24,
    privateSubnetPrefixLength: 20,
    natStrategy: "none" as NatStrategy,
    flowLogRetentionInDays: 365,
};

/**
 * Validates SecureVpc args and fills in defaults. `keyOf` names the offending key in errors: the
 * component passes argument names, the stack program its config keys.
 */
export function resolveSecureVpcArgs(args: SecureVpcArgs, keyOf: KeyOf): ResolvedVpcArgs {
    refuseRenamed(keyOf, args, { "flowLogs.retentionInDays": "logRetentionInDays" });
    const cidrBlock = args.cidrBlock ?? VPC_DEFAULTS.cidrBlock;
    const azCount = args.azCount ?? VPC_DEFAULTS.azCount;
    const layout = carveSubnets(
        {
            cidrBlock,
            azCount,
            publicSubnetPrefixLength: args.publicSubnetPrefixLength ?? VPC_DEFAULTS.publicSubnetPrefixLength,
            privateSubnetPrefixLength: args.privateSubnetPrefixLength ?? VPC_DEFAULTS.privateSubnetPrefixLength,
        },
        keyOf,
    );
    const natStrategy = requireOneOf(
        keyOf("natStrategy"),
        args.natStrategy ?? VPC_DEFAULTS.natStrategy,
        NAT_STRATEGIES,
    );

    const endpoints = args.interfaceEndpoints ?? [];
    if (!Array.isArray(endpoints)) {
        throw new ConfigError(
            keyOf("interfaceEndpoints"),
            endpoints,
            "is not a list",
            `a list of: ${INTERFACE_ENDPOINT_SERVICES.join(", ")}`,
        );
    }
    for (const e of endpoints) requireOneOf(keyOf("interfaceEndpoints"), e, INTERFACE_ENDPOINT_SERVICES);
    requireUnique(keyOf("interfaceEndpoints"), endpoints, "each service at most once");

    const fl = args.flowLogs ?? {};
    const destination = requireOneOf(keyOf("flowLogs.destination"), fl.destination ?? "s3", FLOW_LOG_DESTINATIONS);
    let flowLogs: ResolvedVpcArgs["flowLogs"];
    if (destination === "s3") {
        if (fl.bucketArn === undefined) {
            throw new ConfigError(
                keyOf("flowLogs.bucketArn"),
                undefined,
                'is required when destination is "s3"',
                "the ARN of a log bucket",
            );
        }
        if (fl.logRetentionInDays !== undefined) {
            throw new ConfigError(
                keyOf("flowLogs.logRetentionInDays"),
                fl.logRetentionInDays,
                'applies only to destination "cloudwatch"',
                "unset (the log bucket's lifecycle decides)",
            );
        }
        flowLogs = { destination, bucketArn: fl.bucketArn };
    } else {
        const days = fl.logRetentionInDays ?? VPC_DEFAULTS.flowLogRetentionInDays;
        requireLogRetention(keyOf("flowLogs.logRetentionInDays"), days);
        flowLogs = { destination, logRetentionInDays: days };
    }
    return {
        cidrBlock,
        azCount,
        layout,
        natStrategy,
        interfaceEndpoints: endpoints as InterfaceEndpointService[],
        flowLogs,
    };
}

export function validateSecureVpcArgs(name: string, args: SecureVpcArgs): ResolvedVpcArgs {
    return resolveSecureVpcArgs(args, argKeys("SecureVpc", name));
}
