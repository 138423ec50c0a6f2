import { createHash } from "crypto";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime";
import { AUTONAMES } from "./autonames";

/**
 * Canned answers for the lookups the components make. Every value is obviously fake (account
 * 123456789012, ids ending in "mock") so nothing in a plan can be mistaken for a real account.
 */
export const MOCK_ACCOUNT_ID = "123456789012";
export const DEFAULT_REGION = "us-east-1";
/** The one AMI id the canned getAmi answers as arm64 (every other id is x86_64). */
export const CANNED_ARM64_AMI = "ami-00000000000000a64";

/** Names of the SSM parameters the program has created in this run (see the getParameter answer). */
export const createdParameters = new Map<string, string>();

export interface CannedContext {
    /** The region the canned answers are for (availability zones, ARNs, endpoints), e.g. `eu-central-1`. */
    region: string;
}

type CallHandler = (inputs: Record<string, any>, ctx: CannedContext) => Record<string, unknown>;

export const CANNED_CALLS: Record<string, CallHandler> = {
    "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, { region }) => ({
        names: ["a", "b", "c"].map((s) => `${region}${s}`),
        zoneIds: ["az1", "az2", "az3"].map((s) => `${region.replace(/-/g, "")}-${s}`),
        state: "available",
        id: region,
    }),
    "aws:index/getCallerIdentity:getCallerIdentity": () => ({
        accountId: MOCK_ACCOUNT_ID,
        arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/mock`,
        userId: "AIDAMOCK",
        id: MOCK_ACCOUNT_ID,
    }),
    "aws:index/getPartition:getPartition": () => ({
        partition: "aws",
        dnsSuffix: "amazonaws.com",
        reverseDnsPrefix: "com.amazonaws",
        id: "aws",
    }),
    "aws:index/getRegion:getRegion": (i, { region }) => ({
        name: i.region ?? region,
        region: i.region ?? region,
        endpoint: `ec2.${i.region ?? region}.amazonaws.com`,
        description: `Mock region ${i.region ?? region}`,
        id: i.region ?? region,
    }),
    "aws:ec2/getAmi:getAmi": (i) => ({
        id: "ami-0123456789abcdef0",
        name:
            (i.filters?.find((f: any) => f.name === "name")?.values?.[0] as string | undefined)?.replace(
                /\*/g,
                "mock",
            ) ?? "mock-ami",
        // Images are x86_64, except the one canned arm64 id (a pinned Graviton AMI in tests).
        architecture: i.filters?.some((f: any) => f.name === "image-id" && f.values?.includes(CANNED_ARM64_AMI))
            ? "arm64"
            : "x86_64",
        imageId: "ami-0123456789abcdef0",
    }),
    "aws:ssm/getParameter:getParameter": (i) => {
        const name = String(i.name);
        const isAmi = name.startsWith("/aws/service/") && name.includes("ami");
        // As in a new account: a parameter of one's own exists only once the program created it
        // (AWS answers ParameterNotFound), with the value it was created with; AWS's public ones
        // (/aws/service/...) always exist.
        if (!name.startsWith("/aws/service/") && !createdParameters.has(name)) {
            throw new Error(`ParameterNotFound: operation error SSM: GetParameter, parameter ${name} not found`);
        }
        const value = isAmi ? "ami-0fedcba9876543210" : (createdParameters.get(name) ?? "mock-parameter-value");
        // What components read for String parameters (AMI ids, app versions): `value` is always secret.
        return {
            name,
            value,
            insecureValue: value,
            type: "String",
            arn: `arn:aws:ssm:us-east-1:${MOCK_ACCOUNT_ID}:parameter${name}`,
            id: name,
        };
    },
    "aws:ec2/getManagedPrefixList:getManagedPrefixList": (i) => ({
        id: "pl-3b927c52",
        name: i.name ?? "com.amazonaws.global.cloudfront.origin-facing",
        entries: [],
    }),
};

export function cannedCall(args: MockCallArgs, ctx: CannedContext): Record<string, unknown> {
    const handler = CANNED_CALLS[args.token];
    if (!handler) {
        // Loud on purpose: a lookup without a canned answer would otherwise return {} and the
        // program would plan with undefined values.
        throw new Error(`no canned answer for the lookup ${args.token}; add one to packages/testing/src/canned.ts`);
    }
    return handler(args.inputs, ctx);
}

/**
 * The property the provider auto-names at preview, and the name it would give: as pulumi-aws does
 * in its Check, `<logical name>-<7 random hex>` (lower-cased or truncated where the provider's rule
 * says so) when the program set neither the property nor its prefix. The "random" part is a hash of
 * the type and logical name, so a plan is deterministic. Table: src/autonames.ts, generated from
 * @pulumi/aws's typings by scripts/autonames.js.
 */
export function autoName(
    type: string,
    name: string,
    inputs: Record<string, unknown>,
): { field: string; value: string } | undefined {
    const rule = AUTONAMES[type];
    if (!rule || inputs[rule.field] !== undefined || (rule.prefix && inputs[rule.prefix] !== undefined))
        return undefined;
    const suffix = createHash("sha1").update(`${type}::${name}`).digest("hex").slice(0, 7);
    let base = rule.lower ? name.toLowerCase() : name;
    if (rule.maxlen) base = base.slice(0, rule.maxlen - suffix.length - 1);
    return { field: rule.field, value: `${base}-${suffix}` };
}

/**
 * The physical name the offline plan gives an auto-named resource: what tests compare names with.
 * `type` may omit the `aws:` package (`"ecs/cluster:Cluster"`).
 * @throws if the type is not auto-named
 */
export function autoNamed(name: string, type: string): string {
    const full = type.includes(":") && type.split(":").length === 3 ? type : `aws:${type}`;
    const auto = autoName(full, name, {});
    if (!auto) throw new Error(`${full} is not auto-named by the provider (see packages/testing/src/autonames.ts)`);
    return auto.value;
}

/** The inputs as the provider's Check returns them at preview: with the auto-name filled in. */
export function checkedInputs(type: string, name: string, inputs: Record<string, any>): Record<string, any> {
    const auto = autoName(type, name, inputs);
    return auto ? { ...inputs, [auto.field]: auto.value } : inputs;
}

/**
 * A distinct mock address for each host, derived from its name: two instances never share an IP or
 * a DNS name (documentation ranges, RFC 5737, and the VPC-private 10.0.0.0/8).
 */
export function hostAddresses(
    name: string,
    region: string,
): { publicIp: string; privateIp: string; publicDns: string; privateDns: string } {
    const h = createHash("sha1").update(name).digest();
    const publicIp = `${h[1] % 2 ? "198.51.100" : "203.0.113"}.${1 + (h[0] % 254)}`;
    const privateIp = `10.${h[2]}.${h[3]}.${4 + (h[4] % 250)}`;
    return {
        publicIp,
        privateIp,
        publicDns: `ec2-${publicIp.replace(/\./g, "-")}.${region === "us-east-1" ? "compute-1" : `${region}.compute`}.amazonaws.com`,
        privateDns: `ip-${privateIp.replace(/\./g, "-")}.${region === "us-east-1" ? "ec2.internal" : `${region}.compute.internal`}`,
    };
}

/** A fixed string of `length` characters from the classes a RandomString allows. */
export function mockRandomString(inputs: Record<string, any>): string {
    const chars =
        (inputs.lower === false ? "" : "mockrandom") +
            (inputs.numeric === false ? "" : "0123456789") +
            (inputs.upper === false ? "" : "MOCK") || "m";
    return Array.from({ length: Number(inputs.length ?? 16) }, (_, i) => chars[i % chars.length]).join("");
}

/** The mock id of a resource: derived from its name so references can be followed in a plan. */
export function mockId(args: MockResourceArgs): string {
    return `${args.name}-id`;
}

/**
 * Attributes AWS computes on create, for the types whose computed attributes the components read.
 * Everything else echoes its inputs plus `arn` and `id`.
 */
export function mockState(args: MockResourceArgs, ctx: CannedContext): Record<string, unknown> {
    const { type, name, inputs } = args;
    const service = type.split(":")[1]?.split("/")[0] ?? "mock";
    // aws v7 resources may name their own region; their ARNs then carry it.
    const region: string = inputs.region ?? ctx.region;
    const base = {
        ...inputs,
        arn: inputs.arn ?? `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${name}`,
    };
    switch (type) {
        case "aws:s3/bucket:Bucket": {
            const bucket = inputs.bucket ?? `${name}-mock`;
            return {
                ...base,
                bucket,
                arn: `arn:aws:s3:::${bucket}`,
                bucketRegionalDomainName: `${bucket}.s3.${ctx.region}.amazonaws.com`,
            };
        }
        case "aws:kms/key:Key":
            return {
                ...base,
                keyId: `${name}-key-id`,
                arn: `arn:aws:kms:${region}:${MOCK_ACCOUNT_ID}:key/${name}-key-id`,
            };
        case "aws:kms/alias:Alias":
            return { ...base, name: inputs.name ?? `${inputs.namePrefix ?? "alias/"}mock` };
        case "aws:cloudwatch/logGroup:LogGroup": {
            const group = inputs.name ?? (inputs.namePrefix ? `${inputs.namePrefix}mock` : `${name}-mock`);
            return { ...base, name: group, arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:log-group:${group}` };
        }
        case "aws:cloudwatch/logDeliverySource:LogDeliverySource":
            return {
                ...base,
                name: inputs.name ?? `${name}-mock`,
                arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:delivery-source:${inputs.name ?? `${name}-mock`}`,
            };
        case "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination":
            return {
                ...base,
                name: inputs.name ?? `${name}-mock`,
                arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:delivery-destination:${inputs.name ?? `${name}-mock`}`,
            };
        case "aws:wafv2/webAcl:WebAcl": {
            // As AWS shapes it: the ARN ends with the id, so a policy can match a logging configuration to its ACL.
            const scope = inputs.scope === "CLOUDFRONT" ? "global" : "regional";
            return {
                ...base,
                name: inputs.name ?? `${name}-mock`,
                arn: `arn:aws:wafv2:${region}:${MOCK_ACCOUNT_ID}:${scope}/webacl/${inputs.name ?? `${name}-mock`}/${mockId(args)}`,
            };
        }
        case "aws:iam/role:Role":
            return {
                ...base,
                name: inputs.name ?? `${name}-mock`,
                arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${inputs.name ?? `${name}-mock`}`,
            };
        case "aws:ec2/launchTemplate:LaunchTemplate":
            return { ...base, latestVersion: 1, defaultVersion: 1 };
        case "aws:ec2/instance:Instance":
            return { ...base, ...hostAddresses(name, ctx.region) };
        case "aws:rds/instance:Instance":
            return {
                ...base,
                address: `${inputs.identifier ?? name}.mock.${ctx.region}.rds.amazonaws.com`,
                resourceId: `db-${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}MOCK`,
                endpoint: `${inputs.identifier ?? name}.mock.${ctx.region}.rds.amazonaws.com:${inputs.port ?? 5432}`,
                port: inputs.port ?? 5432,
                masterUserSecrets: inputs.manageMasterUserPassword
                    ? [
                          {
                              secretArn: `arn:aws:secretsmanager:${ctx.region}:${MOCK_ACCOUNT_ID}:secret:rds!${name}-mock`,
                              kmsKeyId: inputs.masterUserSecretKmsKeyId ?? "",
                              secretStatus: "active",
                          },
                      ]
                    : [],
            };
        case "aws:docdb/cluster:Cluster":
            // DocumentDB answers with its endpoints and, with manageMasterUserPassword, the secret it keeps.
            return {
                ...base,
                endpoint: `${name}.cluster-mock.${ctx.region}.docdb.amazonaws.com`,
                readerEndpoint: `${name}.cluster-ro-mock.${ctx.region}.docdb.amazonaws.com`,
                port: inputs.port ?? 27017,
                clusterIdentifier: inputs.clusterIdentifier ?? `${name}-mock`,
                masterUserSecrets: inputs.manageMasterUserPassword
                    ? [
                          {
                              secretArn: `arn:aws:secretsmanager:${ctx.region}:${MOCK_ACCOUNT_ID}:secret:docdb!${name}-mock`,
                              kmsKeyId: "",
                              secretStatus: "active",
                          },
                      ]
                    : [],
            };
        case "aws:lb/loadBalancer:LoadBalancer":
            return {
                ...base,
                dnsName: `${name}-mock.${ctx.region}.elb.amazonaws.com`,
                arnSuffix: `app/${name}/mock`,
                zoneId: "Z00000000MOCK",
            };
        case "aws:lb/targetGroup:TargetGroup":
            return { ...base, arnSuffix: `targetgroup/${name}/mock`, name: inputs.name ?? `${name}-mock` };
        case "aws:ecs/cluster:Cluster":
            return { ...base, name: inputs.name ?? `${name}-mock` };
        case "aws:ecs/service:Service":
        case "aws:ecs/capacityProvider:CapacityProvider":
        case "aws:cloudwatch/eventRule:EventRule":
        case "aws:iam/instanceProfile:InstanceProfile":
        case "aws:sns/topic:Topic":
            return { ...base, name: inputs.name ?? `${name}-mock` };
        case "aws:sqs/queue:Queue":
            return {
                ...base,
                name: inputs.name ?? `${name}-mock`,
                url: `https://sqs.${ctx.region}.amazonaws.com/${MOCK_ACCOUNT_ID}/${inputs.name ?? `${name}-mock`}`,
            };
        case "aws:ecr/repository:Repository": {
            // As in AWS, a repository's id is its name, so a LifecyclePolicy's `repository` names it.
            const repo = inputs.name ?? mockId(args);
            return { ...base, repositoryUrl: `${MOCK_ACCOUNT_ID}.dkr.ecr.${region}.amazonaws.com/${repo}`, name: repo };
        }
        case "aws:cloudfront/distribution:Distribution":
            // CloudFront ARNs are global (no region) and end with the distribution id.
            return {
                ...base,
                domainName: `${name}-mock.cloudfront.net`,
                hostedZoneId: "Z2FDTNDATAQYW2",
                arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/${mockId(args)}`,
            };
        case "aws:ssm/parameter:Parameter":
            // `value` arrives wrapped as a secret (the SDK marks it so).
            createdParameters.set(
                inputs.name ?? `${name}-mock`,
                String(
                    typeof inputs.value === "object" && inputs.value !== null
                        ? inputs.value.value
                        : (inputs.value ?? ""),
                ),
            );
            return { ...base, name: inputs.name ?? `${name}-mock` };
        case "aws:backup/vault:Vault":
        case "aws:cloudtrail/trail:Trail":
            return { ...base, name: inputs.name ?? `${name}-mock` };
        case "aws:cfg/recorder:Recorder":
            // AWS Config names the one recorder of a region "default" unless told otherwise.
            return { ...base, name: inputs.name ?? "default" };
        case "aws:iam/group:Group":
        case "aws:elasticache/subnetGroup:SubnetGroup":
            return { ...base, name: inputs.name ?? `${name}-mock` };
        case "aws:elasticache/replicationGroup:ReplicationGroup":
            return {
                ...base,
                arn: `arn:aws:elasticache:${region}:${MOCK_ACCOUNT_ID}:replicationgroup:${name}-mock`,
                primaryEndpointAddress: `master.${name}-mock.cache.amazonaws.com`,
                readerEndpointAddress: `replica.${name}-mock.cache.amazonaws.com`,
            };
        case "aws:elasticache/user:User":
            return { ...base, arn: `arn:aws:elasticache:${region}:${MOCK_ACCOUNT_ID}:user:${inputs.userId}` };
        case "aws:opensearch/domain:Domain": {
            const domain = inputs.domainName ?? `${name}-mock`;
            return {
                ...base,
                domainName: domain,
                arn: `arn:aws:es:${region}:${MOCK_ACCOUNT_ID}:domain/${domain}`,
                endpoint: `vpc-${domain}.${region}.es.amazonaws.com`,
            };
        }
        case "random:index/randomId:RandomId":
            return {
                ...base,
                hex: "0123456789abcdef0123456789abcdef".slice(0, 2 * (inputs.byteLength ?? 8)),
                b64Url: "ASNFZ4mrze8",
            };
        case "random:index/randomPassword:RandomPassword":
            return { ...base, result: "mock-random-value-0123456789abcdef" };
        case "random:index/randomString:RandomString":
            // As long as asked and from the classes asked for, so names built from it stay valid.
            return { ...base, result: mockRandomString(inputs) };
        default:
            return base;
    }
}
