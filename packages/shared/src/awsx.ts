import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "./errors";
import { NetworkRef } from "./refs";

/**
 * Which of an awsx VPC's subnet kinds Citadel's components use as their private subnets.
 * awsx names them by route: `Private` subnets reach the internet through a NAT gateway,
 * `Isolated` subnets have no route out (then list the interface endpoints the workloads need).
 */
export enum AwsxPrivateSubnetKind {
    Private = "private",
    Isolated = "isolated",
}

/**
 * The outputs of an `awsx.ec2.Vpc` (`@pulumi/awsx` 2.x and 3.x) that a NetworkRef is made from.
 * Structural, so `@citadel/shared` does not depend on awsx: pass the `awsx.ec2.Vpc` itself.
 */
export interface AwsxVpcLike {
    /** The VPC itself: its id and IPv4 block become `vpcId` and `vpcCidrBlock`. */
    readonly vpc: pulumi.Output<aws.ec2.Vpc>;
    /** Subnets with a route to an internet gateway, one per AZ: `publicSubnetIds`. */
    readonly publicSubnets: pulumi.Output<aws.ec2.Subnet[]>;
    /** Subnets with egress through NAT (or none), one per AZ: `privateSubnetIds`. */
    readonly privateSubnets: pulumi.Output<aws.ec2.Subnet[]>;
    /** Subnets with no route out; used as the private subnets with `privateSubnetKind: Isolated`. */
    readonly isolatedSubnets: pulumi.Output<aws.ec2.Subnet[]>;
}

/** Options of {@link networkFromAwsxVpc}. */
export interface AwsxNetworkOptions {
    /** @default AwsxPrivateSubnetKind.Private */
    privateSubnetKind?: AwsxPrivateSubnetKind;
}

/**
 * A NetworkRef for a VPC built with `awsx.ec2.Vpc`, so every Citadel component runs in a VPC an
 * awsx user already has. NetworkRef promises one private (and, where there are any, one public)
 * subnet per Availability Zone, listed in the same AZ order; awsx lists subnets by spec, so they are
 * re-ordered by AZ here.
 *
 * @param vpc the `awsx.ec2.Vpc` (or anything with its `vpc`, `publicSubnets`, `privateSubnets` and
 *   `isolatedSubnets` outputs)
 * @throws ConfigError (when the subnets resolve) naming `networkFromAwsxVpc` if an AZ has more than one
 *   subnet of a kind, no private subnets exist, or public subnets are not in the same AZs as the
 *   private ones: give the awsx VPC one subnet spec per kind.
 */
export function networkFromAwsxVpc(vpc: AwsxVpcLike, options: AwsxNetworkOptions = {}): NetworkRef {
    const kind = options.privateSubnetKind ?? AwsxPrivateSubnetKind.Private;
    const key = `networkFromAwsxVpc: ${kind === AwsxPrivateSubnetKind.Private ? "privateSubnets" : "isolatedSubnets"}`;
    const privateSubnets = kind === AwsxPrivateSubnetKind.Private ? vpc.privateSubnets : vpc.isolatedSubnets;
    const layout = pulumi
        .all([placed(privateSubnets), placed(vpc.publicSubnets)])
        .apply(([priv, pub]) => orderByZone(key, priv, pub));
    return {
        vpcId: vpc.vpc.apply((v) => v.id),
        vpcCidrBlock: vpc.vpc.apply((v) => v.cidrBlock),
        privateSubnetIds: layout.apply((l) => l.privateSubnetIds),
        publicSubnetIds: layout.apply((l) => l.publicSubnetIds),
        availabilityZones: layout.apply((l) => l.availabilityZones),
    };
}

interface Placed {
    id: string;
    zone: string;
}

function placed(subnets: pulumi.Output<aws.ec2.Subnet[]>): pulumi.Output<Placed[]> {
    return subnets.apply((list) =>
        pulumi.all(
            (list ?? []).map((s) => pulumi.all([s.id, s.availabilityZone]).apply(([id, zone]) => ({ id, zone }))),
        ),
    );
}

/** Pure: one subnet of each kind per AZ, in one AZ order (exported for tests). */
export function orderByZone(key: string, priv: Placed[], pub: Placed[]) {
    const zones = [...new Set(priv.map((s) => s.zone))].sort();
    if (zones.length === 0)
        throw new ConfigError(key, [], "has no subnets", "an awsx VPC with a subnet spec of this kind");
    const one = (list: Placed[], zone: string, what: string) => {
        const found = list.filter((s) => s.zone === zone);
        if (found.length !== 1) {
            throw new ConfigError(
                `${key} (${what})`,
                found.map((s) => s.id),
                `has ${found.length} subnets in ${zone}`,
                "exactly one per Availability Zone: one subnet spec of each kind",
            );
        }
        return found[0].id;
    };
    const pubZones = [...new Set(pub.map((s) => s.zone))].sort();
    if (pub.length > 0 && pubZones.join() !== zones.join()) {
        throw new ConfigError(
            `${key} (public)`,
            pubZones,
            "are not the private subnets' Availability Zones",
            zones.join(", "),
        );
    }
    return {
        availabilityZones: zones,
        privateSubnetIds: zones.map((z) => one(priv, z, "private")),
        publicSubnetIds: pub.length > 0 ? zones.map((z) => one(pub, z, "public")) : [],
    };
}
