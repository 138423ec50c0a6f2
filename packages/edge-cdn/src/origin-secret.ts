import * as pulumi from "@pulumi/pulumi";
import { getManagedPrefixListOutput } from "@pulumi/aws/ec2/getManagedPrefixList";
import { RandomPassword } from "@pulumi/random/randomPassword";
import {
    argKeys,
    requireArgs,
    requireInteger,
    withTags,
    TagsInput,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { DEFAULT_ORIGIN_HEADER_NAME, requireOriginHeaderName } from "./args";

export interface OriginSecretArgs {
    /** The header's name. @default "X-Origin-Verify" */
    headerName?: string;
    /** Characters of the random value, 32..128 (letters and digits, ~6 bits each). @default 48 */
    length?: number;
    /**
     * Change this (any string, e.g. a date) to draw a new value. CloudFront and the load balancer
     * are updated in one deployment, but CloudFront takes minutes to propagate: expect 403s for
     * requests in between, so rotate in a quiet hour. @default "" (never rotated)
     */
    rotation?: string;
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

/** Every argument of OriginSecretArgs, for refusing unknown ones (the compiler keeps this list exact). */
const ORIGIN_SECRET_ARG_NAMES: ArgNames<OriginSecretArgs> = {
    headerName: true,
    length: true,
    rotation: true,
    tags: true,
};

/**
 * The shared secret that proves a request came through CloudFront: CloudFront adds it as an origin
 * custom header, the load balancer forwards only requests that carry it. Created before both, so
 * the load balancer (which CloudFront needs as origin) and CloudFront (which needs the secret) do
 * not depend on each other.
 */
export class OriginSecret extends pulumi.ComponentResource {
    /** The header's name (`headerName`). */
    readonly headerName: string;
    /** The value, a Pulumi secret (encrypted in state, masked in output). */
    readonly headerValue: pulumi.Output<string>;

    constructor(name: string, args: OriginSecretArgs = {}, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("OriginSecret", name, args);
        const a = validateOriginSecretArgs(name, args);
        refuseUnknownArgs("OriginSecret", name, args, ORIGIN_SECRET_ARG_NAMES);
        super("citadel:edge:OriginSecret", name, {}, withTags(argKeys("OriginSecret", name)("tags"), args.tags, opts));

        const value = new RandomPassword(
            `${name}-value`,
            {
                length: a.length,
                // Letters and digits only: no header value escaping to get wrong anywhere.
                special: false,
                keepers: { rotation: a.rotation },
            },
            { parent: this },
        );

        this.headerName = a.headerName;
        this.headerValue = pulumi.secret(value.result);
        this.registerOutputs({ headerName: this.headerName, headerValue: this.headerValue });
    }
}

export function validateOriginSecretArgs(
    name: string,
    args: OriginSecretArgs,
): { headerName: string; length: number; rotation: string } {
    const key = argKeys("OriginSecret", name);
    return {
        headerName: requireOriginHeaderName(key("headerName"), args.headerName ?? DEFAULT_ORIGIN_HEADER_NAME),
        length: requireInteger(key("length"), args.length ?? 48, 32, 128),
        rotation: args.rotation ?? "",
    };
}

/** The AWS-managed prefix list of CloudFront's origin-facing addresses (one per region, same name). */
export const CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST = "com.amazonaws.global.cloudfront.origin-facing";

/**
 * The id of CloudFront's origin-facing prefix list in the caller's region: a security group rule
 * naming it admits CloudFront and nothing else. Such a rule counts as about 55 rules against the
 * security group's quota (60 by default), so keep the group's other rules few.
 */
export function cloudFrontOriginFacingPrefixListId(opts?: pulumi.InvokeOutputOptions): pulumi.Output<string> {
    return getManagedPrefixListOutput({ name: CLOUDFRONT_ORIGIN_FACING_PREFIX_LIST }, opts).apply((pl) => pl.id);
}

/**
 * What a load balancer takes to admit only CloudFront (EcsApp's `originProtection`): ingress from
 * the prefix lists, and the secret header required on every forwarded request.
 */
export interface OriginProtection {
    /** The secret header's name the load balancer requires. */
    headerName: string;
    /** The secret header's value, a Pulumi secret. */
    headerValue: pulumi.Output<string>;
    /** CloudFront's origin-facing managed prefix list: the only sources the load balancer's group admits. */
    prefixListIds: pulumi.Input<string>[];
}

/** Builds the OriginSecret and looks up the prefix list, the pieces both sides share. */
export function originProtection(
    name: string,
    args: OriginSecretArgs = {},
    opts?: pulumi.ComponentResourceOptions,
): { secret: OriginSecret; protection: OriginProtection } {
    const secret = new OriginSecret(name, args, opts);
    return {
        secret,
        protection: {
            headerName: secret.headerName,
            headerValue: secret.headerValue,
            prefixListIds: [cloudFrontOriginFacingPrefixListId({ parent: secret })],
        },
    };
}
