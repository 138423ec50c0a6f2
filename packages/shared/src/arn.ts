/**
 * ARN arguments, validated before they reach an IAM policy or a resource: a wildcard or another
 * service's ARN in a `Resource` grants far more than the argument's name suggests.
 *
 * Format: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
 * (`arn:partition:service:region:account-id:resource`, with the resource `type/id` or `type:id`).
 */
import { parse, validate } from "@aws-sdk/util-arn-parser";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, lateConfigError } from "./errors";
import { describeUnsafe } from "./text";
import { partitionOf } from "./aws-names";

/** The partitions of https://docs.aws.amazon.com/whitepapers/latest/aws-fault-isolation-boundaries/partitions.html */
export const PARTITIONS = [
    "aws",
    "aws-cn",
    "aws-us-gov",
    "aws-iso",
    "aws-iso-b",
    "aws-iso-e",
    "aws-iso-f",
    "aws-eusc",
] as const;

export interface ArnRule {
    /** The service the ARN must name, e.g. `secretsmanager`, `acm`, `kms`. */
    service: string;
    /** What precedes the resource id, e.g. `secret:`, `certificate/`, `key/`. */
    resourceType: string;
    /**
     * The region the ARN must be in (e.g. the stack's, or `us-east-1` for CloudFront's certificate);
     * undefined accepts any region (still required to look like one).
     */
    region?: string;
    /**
     * The partition the ARN must be in (the stack's), when any region of it will do; `region`
     * implies its own partition.
     */
    partition?: string;
    /** An example shown in the message. */
    example: string;
    /** The shape the resource id must have (e.g. ACM's UUID), and its name for messages. */
    id?: { pattern: RegExp; shape: string };
}

export interface ParsedArn {
    /** `aws`, `aws-cn` or `aws-us-gov`. */
    partition: string;
    /** The service namespace, e.g. `s3`, `kms`, `iam`. */
    service: string;
    /** The region, e.g. `eu-central-1`; empty for global resources (IAM, S3 buckets). */
    region: string;
    /** The 12-digit account id; empty where the ARN carries none (S3 buckets). */
    accountId: string;
    /** Everything after the fifth `:`, e.g. `key/1234abcd-...` or `my-bucket/prefix/*`. */
    resource: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const ACCOUNT = /^\d{12}$/;
// Resource ids: printable ASCII, never a wildcard (`*`, `?`) that IAM would expand.
const RESOURCE_ID = /^[\x21-\x7e]+$/;

/** Parses and checks an ARN against a rule; throws a ConfigError naming `key` and what was wrong. */
export function requireArn(key: string, value: unknown, rule: ArnRule): ParsedArn {
    const allowed =
        `an ARN arn:<partition>:${rule.service}:${rule.region ?? "<region>"}:<account>:${rule.resourceType}<id>, ` +
        `no wildcards, e.g. ${rule.example}`;
    if (typeof value !== "string" || value === "") throw new ConfigError(key, value, "is not an ARN", allowed);
    const unsafe = describeUnsafe(value);
    if (unsafe)
        throw new ConfigError(key, value, `contains a control character or line separator (${unsafe})`, allowed);
    if (/[*?]/.test(value))
        throw new ConfigError(key, value, "contains a wildcard, which would grant access to every match", allowed);
    if (!validate(value)) throw new ConfigError(key, value, "is not an ARN", allowed);
    const arn = parse(value);
    if (!(PARTITIONS as readonly string[]).includes(arn.partition)) {
        throw new ConfigError(key, value, `names an unknown partition ${JSON.stringify(arn.partition)}`, allowed);
    }
    if (arn.service !== rule.service) {
        throw new ConfigError(key, value, `is an ARN of ${JSON.stringify(arn.service)}, not ${rule.service}`, allowed);
    }
    if (!REGION.test(arn.region)) throw new ConfigError(key, value, "names no valid region", allowed);
    // The partition follows from the region the ARN must be in: an aws-cn ARN with a stack in
    // eu-west-1 names a resource the stack's credentials cannot reach.
    const partition = rule.region !== undefined ? partitionOf(rule.region) : rule.partition;
    if (partition !== undefined && arn.partition !== partition) {
        throw new ConfigError(
            key,
            value,
            `is in partition ${arn.partition}, but ${rule.region ?? "the stack's region"} is in partition ${partition}`,
            allowed,
        );
    }
    if (partitionOf(arn.region) !== arn.partition) {
        throw new ConfigError(
            key,
            value,
            `names region ${arn.region}, which is not in its partition ${arn.partition}`,
            allowed,
        );
    }
    if (rule.region !== undefined && arn.region !== rule.region) {
        throw new ConfigError(key, value, `is in ${arn.region}, but must be in ${rule.region}`, allowed);
    }
    if (!ACCOUNT.test(arn.accountId)) throw new ConfigError(key, value, "names no 12-digit account id", allowed);
    const id = arn.resource.startsWith(rule.resourceType) ? arn.resource.slice(rule.resourceType.length) : undefined;
    if (!id || !RESOURCE_ID.test(id)) {
        throw new ConfigError(key, value, `is not a ${rule.resourceType.replace(/[:/]$/, "")} ARN`, allowed);
    }
    if (rule.id && !rule.id.pattern.test(id)) {
        throw new ConfigError(
            key,
            value,
            `has a ${rule.resourceType.replace(/[:/]$/, "")} id ${JSON.stringify(id)} that is not ${rule.id.shape}`,
            allowed,
        );
    }
    return arn;
}

/** The rules for the ARNs Citadel takes. */
export const ARN_RULES = {
    secret: {
        service: "secretsmanager",
        resourceType: "secret:",
        example: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orthanc-tls-AbCdEf",
    },
    // https://docs.aws.amazon.com/acm/latest/userguide/authen-overview.html#acm-resources-operations
    // (arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}, the id a lowercase UUID)
    certificate: {
        service: "acm",
        resourceType: "certificate/",
        example: "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
        id: {
            pattern: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
            shape: "a UUID (8-4-4-4-12 lowercase hex digits)",
        },
    },
    kmsKey: { service: "kms", resourceType: "key/", example: "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-..." },
} as const satisfies Record<string, ArnRule>;

/**
 * For a certificate ARN known only at deploy (an Output, or a component whose provider's region is
 * looked up): the ARN checked against the region its user needs, as a ResourceError on `resource`
 * naming `key`. A load balancer takes certificates from its own region only:
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html
 */
export function requireCertificateInRegion(
    resource: pulumi.Resource | undefined,
    key: string,
    arn: string,
    region: string,
): string {
    try {
        requireArn(key, arn, { ...ARN_RULES.certificate, region });
    } catch (e) {
        if (e instanceof ConfigError) throw lateConfigError(resource, e.key, e.value, e.problem, e.allowed);
        throw e;
    }
    return arn;
}
