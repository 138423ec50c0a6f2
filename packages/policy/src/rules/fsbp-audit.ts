/**
 * FSBP controls found missing by a systematic audit of every AWS resource type the stacks and the
 * examples create (issue 11, item 14), each checkable from planned inputs. Where a control trades
 * against a deliberate design (cost in dev, immutable hosts), the rule is advisory and says why.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html
 */
import type * as autoscaling from "@pulumi/aws/autoscaling";
import type * as ec2 from "@pulumi/aws/ec2";
import type * as lb from "@pulumi/aws/lb";
import type * as rds from "@pulumi/aws/rds";
import type * as secretsmanager from "@pulumi/aws/secretsmanager";
import {
    attachedTo,
    byReference,
    Finding,
    judgeAttached,
    ofTypes,
    PolicyResource,
    propsOf,
    referenced,
    ResourceRule,
    StackRule,
} from "../rule";
import { fails, hasUnknown, isSet, isTrue, isUnknown, list } from "../values";
import { coversAction, Statement, statementsOf } from "./policy-doc";
import { BUCKETS, LOAD_BALANCERS, T } from "./types";

const kind = (r: PolicyResource) => r.type.split(":").pop();

// ---------------------------------------------------------------------------------------------
// Load balancers and Auto Scaling

/**
 * ELB.13. An Application Load Balancer needs subnets in two AZs anyway (CreateLoadBalancer refuses
 * fewer); a Network Load Balancer accepts one, and then one AZ's outage takes it down.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/elb-controls.html#elb-13
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html#availability-zones
 */
export const loadBalancerMultiAz: StackRule = {
    kind: "stack",
    name: "elb-multi-az",
    description: "Application, Network and Gateway Load Balancers span two or more Availability Zones [ELB.13].",
    controls: ["ELB.13"],
    severity: "medium",
    remediation: "Give subnets (or subnetMappings) in at least two AZs, e.g. the network's publicSubnetIds.",
    defaultLevel: "mandatory",
    resourceTypes: [...LOAD_BALANCERS, T.subnet],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        const subnets = byReference(resources, [T.subnet]);
        for (const balancer of ofTypes(resources, LOAD_BALANCERS)) {
            const p = propsOf<lb.LoadBalancerArgs>(balancer);
            if (isUnknown(p.subnets) || isUnknown(p.subnetMappings)) continue;
            const ids = [...list(p.subnets), ...list(p.subnetMappings).map((m) => (isUnknown(m) ? m : m.subnetId))];
            const zones = new Set<string>();
            ids.forEach((id, i) => {
                const subnet = typeof id === "string" ? subnets.get(id) : undefined;
                const az = subnet?.props.availabilityZone ?? subnet?.props.availabilityZoneId;
                // A subnet outside the stack, or an AZ not known yet, may be another AZ: count it apart.
                zones.add(typeof az === "string" ? az : `unknown-${i}`);
            });
            if (zones.size < 2) {
                findings.push({
                    resource: balancer,
                    message:
                        `load balancer ${balancer.name} spans ${zones.size === 0 ? "no" : "one"} ` +
                        `Availability Zone${zones.size === 1 && !/^unknown-/.test([...zones][0]) ? ` (${[...zones][0]})` : ""}`,
                });
            }
        }
        return findings;
    },
};

/**
 * AutoScaling.1. Advisory: Citadel's EC2App runs several apps per instance, and one app failing its
 * target group's health check must not terminate the instance the others run on; the app leaves its
 * target group and raises its unhealthy alarm while systemd restarts it.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-1
 */
export const asgElbHealthCheck: ResourceRule = {
    kind: "resource",
    name: "autoscaling-elb-health-check",
    description:
        "Auto Scaling groups attached to a load balancer use its health checks [AutoScaling.1]. Advisory: an " +
        "instance serving several apps must not be replaced when one of them fails.",
    controls: ["AutoScaling.1"],
    severity: "low",
    remediation:
        'Set healthCheckType: "ELB" (with a healthCheckGracePeriod covering boot) on a group whose instances serve one target group.',
    defaultLevel: "advisory",
    resourceTypes: [T.autoScalingGroup],
    options: {},
    check(r) {
        const p = propsOf<autoscaling.GroupArgs>(r);
        if (isUnknown(p.targetGroupArns) || isUnknown(p.loadBalancers)) return [];
        if (list(p.targetGroupArns).length + list(p.loadBalancers).length === 0) return [];
        return fails(
            p.healthCheckType,
            (v) =>
                typeof v === "string" &&
                v
                    .split(",")
                    .map((x) => x.trim())
                    .includes("ELB"),
        )
            ? [
                  `Auto Scaling group ${r.name} serves a load balancer but checks health with ${JSON.stringify(p.healthCheckType ?? "EC2")}`,
              ]
            : [];
    },
};

/**
 * AutoScaling.6. Advisory: Citadel's groups pin one instance type (the AMI's architecture, the ECS
 * capacity provider's sizing and the cost table follow from it); a platform team that wants
 * insurance against one type's shortage lists alternatives in mixedInstancesPolicy.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/autoscaling-controls.html#autoscaling-6
 */
export const asgMultipleInstanceTypes: ResourceRule = {
    kind: "resource",
    name: "autoscaling-multiple-instance-types",
    description:
        "Auto Scaling groups can launch more than one instance type [AutoScaling.6]. Advisory: one type keeps " +
        "architecture, sizing and cost predictable.",
    controls: ["AutoScaling.6"],
    severity: "medium",
    remediation:
        "Use mixedInstancesPolicy.launchTemplate.overrides with two or more instance types of the same architecture " +
        "(or instanceRequirements).",
    defaultLevel: "advisory",
    resourceTypes: [T.autoScalingGroup],
    options: {},
    check(r) {
        const policy = propsOf<autoscaling.GroupArgs>(r).mixedInstancesPolicy;
        if (hasUnknown(policy)) return [];
        const overrides = list(policy?.launchTemplate?.overrides);
        const types = new Set(overrides.map((o) => o.instanceType).filter((t) => typeof t === "string"));
        return types.size >= 2 || overrides.some((o) => o.instanceRequirements !== undefined)
            ? []
            : [`Auto Scaling group ${r.name} launches a single instance type`];
    },
};

// ---------------------------------------------------------------------------------------------
// EC2

/**
 * EC2.9. Advisory: OrthancHost gives each host a public address (dev has no NAT gateway, and DICOM
 * modalities reach the hosts directly on the allow-listed CIDRs); its security group admits only
 * those. Other instances (bastions, ECS and EC2App instances) are private.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-9
 */
export const instanceNoPublicIp: ResourceRule = {
    kind: "resource",
    name: "ec2-instance-no-public-ip",
    description:
        "EC2 instances have no public IPv4 address [EC2.9]. Advisory: Orthanc hosts take one each, reachable " +
        "only from allow-listed CIDRs.",
    controls: ["EC2.9"],
    severity: "high",
    remediation:
        "Set associatePublicIpAddress: false, launch into private subnets (egress through NAT) and reach the " +
        "instance through a load balancer or Session Manager.",
    defaultLevel: "advisory",
    resourceTypes: [T.instance],
    options: {},
    check(r) {
        return isTrue(propsOf<ec2.InstanceArgs>(r).associatePublicIpAddress)
            ? [`instance ${r.name} asks for a public IPv4 address`]
            : [];
    },
};

/** https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-17 */
export const singleEni: ResourceRule = {
    kind: "resource",
    name: "ec2-single-eni",
    description: "EC2 instances and launch templates attach one network interface [EC2.17].",
    controls: ["EC2.17"],
    severity: "low",
    remediation: "Attach one network interface; a second one bridges subnets around the security groups' intent.",
    defaultLevel: "mandatory",
    resourceTypes: [T.instance, T.launchTemplate],
    options: {},
    check(r) {
        const nics = (r.props as { networkInterfaces?: unknown }).networkInterfaces;
        if (isUnknown(nics)) return [];
        const count = list(nics as unknown[]).length;
        return count > 1
            ? [
                  `${kind(r) === "Instance" ? "instance" : "launch template"} ${r.name} attaches ${count} network interfaces`,
              ]
            : [];
    },
};

/**
 * EC2.10. Advisory: an interface endpoint costs about 7 USD a month per AZ; prod's network creates
 * the EC2 endpoint (with KMS, Secrets Manager and Systems Manager's), dev and the examples reach the
 * EC2 API through their NAT gateway or the hosts' public addresses to stay cheap.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-10
 */
export const vpcEc2Endpoint: StackRule = {
    kind: "stack",
    name: "ec2-vpc-endpoint",
    description:
        "Every VPC has an interface endpoint for the Amazon EC2 API [EC2.10]. Advisory: interface endpoints cost " +
        "per AZ-hour, and dev goes without.",
    controls: ["EC2.10"],
    severity: "medium",
    remediation:
        'Add "ec2" to SecureVpc\'s interfaceEndpoints (config citadel:vpc.interfaceEndpoints), or create an ' +
        "aws.ec2.VpcEndpoint for com.amazonaws.<region>.ec2.",
    defaultLevel: "advisory",
    resourceTypes: [T.vpc, T.vpcEndpoint],
    options: {},
    check(resources) {
        return ofTypes(resources, [T.vpc]).flatMap((v) => {
            const endpoints = attachedTo(resources, v, [T.vpcEndpoint], "vpcId");
            const problem = judgeAttached(endpoints, "x", (e) => {
                const service = e.props.serviceName;
                return isUnknown(service) || (typeof service === "string" && /\.ec2$/.test(service)) ? undefined : "x";
            });
            return problem
                ? [
                      {
                          resource: v,
                          message: `VPC ${v.name} has no VPC endpoint for the EC2 API (com.amazonaws.<region>.ec2)`,
                      },
                  ]
                : [];
        });
    },
};

export interface EbsBackupOptions {
    /** The tag that puts an EBS volume in a backup selection. @default "citadel:backup" */
    tagKey: string;
    /** The tag's value the backup selection matches. @default "daily" */
    tagValue: string;
}

/** The value of `key` in a tag map; undefined when unknown. */
function tagValue(tags: unknown, key: string): unknown {
    if (isUnknown(tags)) return undefined;
    const v = (tags as Record<string, unknown> | undefined)?.[key];
    return isUnknown(v) ? undefined : (v ?? null);
}

/**
 * EC2.28, judged by the backup tag on the volumes (the stack's backup selection selects the tag;
 * backup-coverage checks the selection). Advisory: Citadel's hosts are immutable, rebuilt from the
 * AMI and their launch template; their data lives in RDS and S3, which are backed up. A root volume
 * snapshot would restore nothing a replacement does not recreate.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-28
 */
export const ebsBackupCoverage: ResourceRule<EbsBackupOptions> = {
    kind: "resource",
    name: "ebs-backup-coverage",
    description:
        "EBS volumes carry the backup tag that puts them in the stack's backup plan [EC2.28]. Advisory: Citadel's " +
        "hosts keep no data on their volumes.",
    controls: ["EC2.28"],
    severity: "low",
    remediation:
        'Tag the volumes with backupTags(): volumeTags on an instance, a tagSpecifications entry for "volume" on a ' +
        "launch template, tags on an ebs.Volume.",
    defaultLevel: "advisory",
    resourceTypes: [T.ebsVolume, T.instance, T.launchTemplate],
    options: {
        tagKey: {
            type: "string",
            default: "citadel:backup",
            description: "The tag that puts a resource in a backup selection.",
        },
        tagValue: { type: "string", default: "daily", description: "Its value." },
    },
    check(r, o) {
        const has = (tags: unknown) => {
            const v = tagValue(tags, o.tagKey);
            return v === undefined || v === o.tagValue;
        };
        const message = `${r.name}'s EBS volumes are not tagged ${o.tagKey}=${o.tagValue}, so no backup plan covers them`;
        if (r.type === T.ebsVolume) return has(r.props.tags) ? [] : [message];
        if (r.type === T.instance) {
            const p = propsOf<ec2.InstanceArgs>(r);
            // From a launch template without volumeTags of its own: the template's tags apply, judged there.
            if (p.volumeTags === undefined && isSet(p.launchTemplate)) return [];
            return has(p.volumeTags) ? [] : [message];
        }
        const specs = propsOf<ec2.LaunchTemplateArgs>(r).tagSpecifications;
        if (isUnknown(specs)) return [];
        return list(specs).some((s) => !isUnknown(s) && s.resourceType === "volume" && has(s.tags)) ? [] : [message];
    },
};

// ---------------------------------------------------------------------------------------------
// RDS

/**
 * RDS.6. https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-6
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
 */
export const enhancedMonitoring: ResourceRule = {
    kind: "resource",
    name: "rds-enhanced-monitoring",
    description: "RDS DB instances have Enhanced Monitoring on, with a monitoring role [RDS.6].",
    controls: ["RDS.6"],
    severity: "low",
    remediation:
        "Set monitoringInterval (1, 5, 10, 15, 30 or 60 seconds) and monitoringRoleArn (a role monitoring.rds.amazonaws.com " +
        "assumes, with AmazonRDSEnhancedMonitoringRole); PostgresDatabase does this.",
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbClusterInstance],
    options: {},
    check(r) {
        const p = propsOf<rds.InstanceArgs>(r);
        if (fails(p.monitoringInterval, (v) => typeof v === "number" && v > 0)) {
            return [
                `${kind(r) === "Instance" ? "DB instance" : "cluster instance"} ${r.name} has Enhanced Monitoring off (monitoringInterval ${p.monitoringInterval ?? 0})`,
            ];
        }
        return fails(p.monitoringRoleArn, isSet)
            ? [`DB instance ${r.name} sets monitoringInterval but no monitoringRoleArn`]
            : [];
    },
};

/** Each engine's default port (RDS.23), by engine name prefix. */
const DEFAULT_PORTS: Array<[RegExp, number]> = [
    [/^(aurora-postgresql|postgres)/, 5432],
    [/^(aurora-mysql|aurora|mysql|mariadb)/, 3306],
    [/^oracle/, 1521],
    [/^sqlserver/, 1433],
    [/^db2/, 50000],
];

/**
 * RDS.23. Advisory: a port number hides nothing from a scan of the VPC; Citadel's databases are
 * private, reachable only from named security groups, require TLS and IAM authentication, and their
 * clients (Orthanc's configuration, the apps' environment) are written for the engine's port.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-23
 */
export const nonDefaultPort: ResourceRule = {
    kind: "resource",
    name: "rds-non-default-port",
    description:
        "RDS DB instances and clusters listen on a port other than the engine's default [RDS.23]. Advisory: " +
        "the databases are private and reachable only from named security groups.",
    controls: ["RDS.23"],
    severity: "low",
    remediation:
        "Set port to a value other than the engine's default (5432 for PostgreSQL) and give it to every client.",
    defaultLevel: "advisory",
    resourceTypes: [T.dbInstance, T.dbCluster],
    options: {},
    check(r) {
        const p = r.props as { engine?: unknown; port?: unknown; replicateSourceDb?: unknown };
        if (isUnknown(p.engine) || isUnknown(p.port) || isSet(p.replicateSourceDb)) return [];
        const engine = typeof p.engine === "string" ? p.engine : "";
        const port = DEFAULT_PORTS.find(([re]) => re.test(engine))?.[1];
        if (port === undefined) return [];
        return p.port === undefined || p.port === port
            ? [
                  `${kind(r) === "Instance" ? "DB instance" : "DB cluster"} ${r.name} listens on ${engine}'s default port ${port}`,
              ]
            : [];
    },
};

/**
 * RDS.38. PostgreSQL 15 and later default rds.force_ssl to 1, earlier versions to 0; a parameter
 * group may set either.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/rds-controls.html#rds-38
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/PostgreSQL.Concepts.General.SSL.html
 */
export const postgresForceSsl: StackRule = {
    kind: "stack",
    name: "rds-postgres-force-ssl",
    description: "RDS for PostgreSQL DB instances require TLS (rds.force_ssl 1) [RDS.38].",
    controls: ["RDS.38"],
    severity: "medium",
    remediation:
        'Give the instance a parameter group with { name: "rds.force_ssl", value: "1" } (PostgresDatabase does).',
    defaultLevel: "mandatory",
    resourceTypes: [T.dbInstance, T.dbParameterGroup],
    options: {},
    check(resources) {
        const findings: Finding[] = [];
        for (const db of ofTypes(resources, [T.dbInstance])) {
            const p = propsOf<rds.InstanceArgs>(db);
            if (p.engine !== "postgres" || isSet(p.replicateSourceDb)) continue;
            const major = typeof p.engineVersion === "string" ? Number(p.engineVersion.split(".")[0]) : NaN;
            const byDefault = Number.isFinite(major) ? (major >= 15 ? "1" : "0") : undefined;
            let value: unknown = byDefault;
            if (p.parameterGroupName !== undefined) {
                const group = referenced(resources, db, "parameterGroupName", [T.dbParameterGroup], "name");
                // A group made elsewhere, or not known yet: its parameters cannot be read here.
                if (group === undefined || group === "unknown") continue;
                const params = propsOf<rds.ParameterGroupArgs>(group).parameters;
                if (hasUnknown(params)) continue;
                const set = list(params).find((x) => x.name === "rds.force_ssl");
                if (set) value = String(set.value);
            }
            if (value === "0") {
                findings.push({
                    resource: db,
                    message: `PostgreSQL instance ${db.name} accepts connections without TLS (rds.force_ssl 0)`,
                });
            }
        }
        return findings;
    },
};

// ---------------------------------------------------------------------------------------------
// Resource policies: S3 buckets, SQS queues, SNS topics

/** The actions S3.6 refuses to other accounts (its default blacklistedActionPattern). */
const S3_ADMIN_ACTIONS = [
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:PutEncryptionConfiguration",
    "s3:PutObjectAcl",
];

/**
 * S3.6, stricter than Security Hub's (which exempts the bucket's own account, unknown offline): no
 * bucket policy grants these to an AWS account or `*`; Citadel administers buckets with identity
 * policies in their own account, never through the bucket policy.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-6
 */
export const s3NoCrossAccountAdmin: ResourceRule = {
    kind: "resource",
    name: "s3-no-cross-account-admin",
    description:
        'S3 bucket policies grant no AWS account (nor "*") the right to change the bucket\'s policy, ACLs or ' +
        "encryption [S3.6].",
    controls: ["S3.6"],
    severity: "high",
    remediation:
        `Remove ${S3_ADMIN_ACTIONS.join(", ")} (and wildcards covering them) from Allow statements for AWS principals; ` +
        "grant administration with identity policies in the bucket's account.",
    defaultLevel: "mandatory",
    resourceTypes: [T.bucketPolicy, ...BUCKETS],
    options: {},
    check(r) {
        return (statementsOf(r.props.policy) ?? [])
            .filter((s) => s.effect === "Allow" && (s.anyPrincipal || s.awsPrincipals.length > 0))
            .flatMap((s) => {
                const granted = S3_ADMIN_ACTIONS.filter((a) => coversAction(s, a));
                return granted.length
                    ? [
                          `${kind(r)} ${r.name} grants ${granted.join(", ")} to ` +
                              `${s.anyPrincipal ? "any principal" : s.awsPrincipals.join(", ")}`,
                      ]
                    : [];
            });
    },
};

/** Condition keys that limit "*" to fixed callers: then the policy is not public. */
const LIMITING_KEYS = [
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalarn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:principalorgpaths",
];

/**
 * A value that names fixed callers: no wildcard, or an ARN whose account is spelled out (a pattern
 * over one account's resources, such as `arn:aws:cloudwatch:<region>:<account>:alarm:*`).
 */
function fixedValue(x: unknown): boolean {
    if (typeof x !== "string" || x === "") return false;
    if (!/[*?]/.test(x)) return true;
    const account = x.startsWith("arn:") ? x.split(":")[4] : undefined;
    return account !== undefined && /^\d{12}$/.test(account);
}

/**
 * A statement open to everyone: Allow to "*" (or { AWS: "*" }) with no condition that pins the caller
 * to fixed values (a source ARN or account, a principal's account or organisation, a VPC endpoint).
 */
export function isPublicStatement(s: Statement): boolean {
    if (s.effect !== "Allow" || !s.anyPrincipal) return false;
    const limits = Object.values(s.condition).some(
        (block) =>
            block &&
            typeof block === "object" &&
            Object.entries(block).some(
                ([k, v]) => LIMITING_KEYS.includes(k.toLowerCase()) && (Array.isArray(v) ? v : [v]).every(fixedValue),
            ),
    );
    return !limits;
}

function notPublicRule(name: string, control: string, what: string, types: string[], doc: string): ResourceRule {
    return {
        kind: "resource",
        name,
        description: `${what} access policies do not allow public access [${control}].`,
        controls: [control],
        severity: "high",
        remediation:
            'Name the principals (account roles, service principals), or limit "*" with aws:SourceArn / ' +
            `aws:SourceAccount / aws:PrincipalOrgID to fixed values (${doc}).`,
        defaultLevel: "mandatory",
        resourceTypes: types,
        options: {},
        check(r) {
            return (statementsOf(r.props.policy) ?? [])
                .filter(isPublicStatement)
                .map(
                    (s) =>
                        `${kind(r)} ${r.name} allows ${s.actions.join(", ") || "NotAction"} to any principal without a limiting condition`,
                );
        },
    };
}

/** https://docs.aws.amazon.com/securityhub/latest/userguide/sqs-controls.html#sqs-3 */
export const sqsNotPublic = notPublicRule(
    "sqs-not-public",
    "SQS.3",
    "SQS queue",
    [T.sqsQueue, T.sqsQueuePolicy],
    "https://docs.aws.amazon.com/config/latest/developerguide/sqs-queue-no-public-access.html",
);

/** https://docs.aws.amazon.com/securityhub/latest/userguide/sns-controls.html#sns-4 */
export const snsNotPublic = notPublicRule(
    "sns-not-public",
    "SNS.4",
    "SNS topic",
    [T.snsTopic, T.snsTopicPolicy],
    "https://docs.aws.amazon.com/sns/latest/dg/sns-security-best-practices.html",
);

// ---------------------------------------------------------------------------------------------
// Secrets Manager

export interface SecretRotationOptions {
    /** Most days between rotations, 1 to 1000 (SecretsManager.4's own parameter defaults to 90). @default 90 */
    maximumDays: number;
}

/** Days between rotations a schedule sets: `rate(N days)`, `rate(N hours)`; a cron or unknown gives undefined. */
function scheduleDays(expression: string): number | undefined {
    const m = /^rate\(\s*(\d+)\s+(day|days|hour|hours)\s*\)$/.exec(expression.trim());
    if (!m) return undefined;
    return m[2].startsWith("hour") ? Number(m[1]) / 24 : Number(m[1]);
}

/**
 * SecretsManager.1 (rotation on) and SecretsManager.4 (rotated within N days, judged by the rotation
 * schedule). Advisory: the one secret Citadel creates, Orthanc's admin login, is written by the
 * first host to boot and read by Orthanc's configuration; rotating it needs a rotation function that
 * changes Orthanc's users, which Citadel does not ship yet. RDS rotates the databases' managed
 * master secrets itself (every 7 days), and those are not in the stack.
 * https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-1
 * https://docs.aws.amazon.com/securityhub/latest/userguide/secretsmanager-controls.html#secretsmanager-4
 */
export const secretRotation: StackRule<SecretRotationOptions> = {
    kind: "stack",
    name: "secretsmanager-rotation",
    description:
        "Secrets Manager secrets rotate automatically, at least every 90 days [SecretsManager.1, SecretsManager.4]. " +
        "Advisory: Orthanc's admin login has no rotation function yet.",
    controls: ["SecretsManager.1", "SecretsManager.4"],
    severity: "medium",
    remediation:
        "Add an aws.secretsmanager.SecretRotation for the secret with a rotation function and " +
        "rotationRules.automaticallyAfterDays (or a rate() schedule) within the limit.",
    defaultLevel: "advisory",
    resourceTypes: [T.secret, T.secretRotation],
    options: {
        maximumDays: {
            type: "integer",
            minimum: 1,
            maximum: 1000,
            default: 90,
            description: "Most days between rotations (SecretsManager.4's own parameter defaults to 90).",
        },
    },
    check(resources, { maximumDays }) {
        return ofTypes(resources, [T.secret]).flatMap((secret) => {
            const rotations = attachedTo(resources, secret, [T.secretRotation], "secretId");
            const problem = judgeAttached(rotations, `secret ${secret.name} has no automatic rotation`, (rot) => {
                const rules = propsOf<secretsmanager.SecretRotationArgs>(rot).rotationRules;
                if (!rules || hasUnknown(rules)) return undefined;
                const days =
                    typeof rules.automaticallyAfterDays === "number"
                        ? rules.automaticallyAfterDays
                        : typeof rules.scheduleExpression === "string"
                          ? scheduleDays(rules.scheduleExpression)
                          : undefined;
                // A cron schedule's period is not judged here.
                if (days === undefined)
                    return typeof rules.scheduleExpression === "string"
                        ? undefined
                        : `secret ${secret.name}'s rotation sets no schedule`;
                return days <= maximumDays
                    ? undefined
                    : `secret ${secret.name} rotates every ${days} days, more than ${maximumDays}`;
            });
            return problem ? [{ resource: secret, message: problem }] : [];
        });
    },
};
