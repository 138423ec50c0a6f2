import type * as autoscaling from "@pulumi/aws/autoscaling";
import type * as ebs from "@pulumi/aws/ebs";
import type * as ec2 from "@pulumi/aws/ec2";
import { byReference, Finding, ofTypes, PolicyResource, propsOf, ResourceRule, StackRule } from "../rule";
import { fails, isSet, isTrue, isUnknown, list } from "../values";
import { T } from "./types";

type MetadataOptions = { httpTokens?: unknown; httpEndpoint?: unknown } | undefined;

export const imdsV2: ResourceRule = {
    kind: "resource",
    name: "ec2-imdsv2",
    description: "EC2 instances and launch templates require IMDSv2 session tokens [EC2.8, EC2.170].",
    controls: ["EC2.8", "EC2.170"],
    severity: "high",
    remediation:
        'Set metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 } ' +
        "(2 when containers on the host need the metadata service).",
    defaultLevel: "mandatory",
    resourceTypes: [T.instance, T.launchTemplate],
    options: {},
    check(r) {
        let options: MetadataOptions;
        if (r.type === T.instance) {
            const p = propsOf<ec2.InstanceArgs>(r);
            // An instance launched from a template inherits the template's options, judged there.
            if (p.metadataOptions === undefined && isSet(p.launchTemplate)) return [];
            options = p.metadataOptions;
        } else {
            options = propsOf<ec2.LaunchTemplateArgs>(r).metadataOptions;
        }
        if (isUnknown(options)) return [];
        const ok = (o: MetadataOptions) => o?.httpTokens === "required" || o?.httpEndpoint === "disabled";
        return fails(options, ok)
            ? [
                  `${r.name} allows IMDSv1: metadataOptions.httpTokens is ${JSON.stringify(options?.httpTokens ?? "unset")}, not "required"`,
              ]
            : [];
    },
};

export const encryptedVolumes: ResourceRule = {
    kind: "resource",
    name: "ec2-encrypted-volumes",
    description: "EBS volumes of instances, launch templates and standalone volumes are encrypted [EC2.3, EC2.181].",
    controls: ["EC2.3", "EC2.181"],
    severity: "medium",
    remediation:
        "Set encrypted: true (rootBlockDevice and ebsBlockDevices of an instance; " +
        'blockDeviceMappings[].ebs.encrypted: "true" of a launch template, with the root device listed) and a kmsKeyId.',
    defaultLevel: "mandatory",
    resourceTypes: [T.instance, T.launchTemplate, T.ebsVolume],
    options: {},
    check(r) {
        switch (r.type) {
            case T.instance:
                return instanceVolumes(r);
            case T.launchTemplate:
                return templateVolumes(r);
            default: {
                const p = propsOf<ebs.VolumeArgs>(r);
                return fails(p.encrypted, isTrue) ? [`EBS volume ${r.name} is not encrypted`] : [];
            }
        }
    },
};

function instanceVolumes(r: PolicyResource): string[] {
    const p = propsOf<ec2.InstanceArgs>(r);
    const messages: string[] = [];
    if (isUnknown(p.rootBlockDevice)) return [];
    if (p.rootBlockDevice === undefined) {
        // From a launch template the root volume is the template's, judged there.
        if (!isSet(p.launchTemplate)) {
            messages.push(
                `instance ${r.name} leaves its root volume's encryption to the AMI: set rootBlockDevice.encrypted`,
            );
        }
    } else if (fails(p.rootBlockDevice.encrypted, isTrue)) {
        messages.push(`instance ${r.name}'s root volume is not encrypted`);
    }
    for (const d of list(p.ebsBlockDevices)) {
        if (fails(d.encrypted, isTrue)) messages.push(`instance ${r.name}'s volume ${d.deviceName} is not encrypted`);
    }
    return messages;
}

function templateVolumes(r: PolicyResource): string[] {
    const mappings = propsOf<ec2.LaunchTemplateArgs>(r).blockDeviceMappings;
    if (isUnknown(mappings)) return [];
    const ebsMappings = list(mappings).filter((m) => m.ebs !== undefined);
    if (ebsMappings.length === 0) {
        return [
            `launch template ${r.name} lists no EBS block device, so its root volume's encryption is left to the AMI`,
        ];
    }
    return ebsMappings
        .filter((m) => !isUnknown(m.ebs) && fails(m.ebs?.encrypted, isTrue))
        .map((m) => `launch template ${r.name}'s volume ${m.deviceName ?? "(unnamed)"} is not encrypted`);
}

export const asgLaunchTemplate: ResourceRule = {
    kind: "resource",
    name: "autoscaling-launch-template",
    description: "Auto Scaling groups launch from launch templates, not launch configurations [AutoScaling.9].",
    controls: ["AutoScaling.9"],
    severity: "medium",
    remediation:
        "Set launchTemplate: { id, version } (or mixedInstancesPolicy.launchTemplate) and drop launchConfiguration.",
    defaultLevel: "mandatory",
    resourceTypes: [T.autoScalingGroup],
    options: {},
    check(r) {
        const p = propsOf<autoscaling.GroupArgs>(r);
        if (isSet(p.launchConfiguration)) return [`Auto Scaling group ${r.name} uses a launch configuration`];
        if (p.launchTemplate === undefined && p.mixedInstancesPolicy === undefined) {
            return [`Auto Scaling group ${r.name} names no launch template`];
        }
        return [];
    },
};

export const asgMultiAz: StackRule = {
    kind: "stack",
    name: "autoscaling-multi-az",
    description: "Auto Scaling groups span two or more Availability Zones [AutoScaling.2].",
    controls: ["AutoScaling.2"],
    severity: "medium",
    remediation: "Give vpcZoneIdentifiers subnets in at least two AZs (e.g. the network's privateSubnetIds).",
    defaultLevel: "mandatory",
    resourceTypes: [T.autoScalingGroup, T.subnet],
    options: {},
    check(resources) {
        // Indexed once by id, ARN and URN: one lookup per subnet reference, not a scan of the subnets.
        const subnets = byReference(resources, [T.subnet]);
        const findings: Finding[] = [];
        for (const g of ofTypes(resources, [T.autoScalingGroup])) {
            const p = propsOf<autoscaling.GroupArgs>(g);
            if (isUnknown(p.vpcZoneIdentifiers) || isUnknown(p.availabilityZones)) continue;
            const zones = new Set<unknown>(list(p.availabilityZones));
            list(p.vpcZoneIdentifiers).forEach((id, i) => {
                const subnet = typeof id === "string" ? subnets.get(id) : undefined;
                const az = subnet?.props.availabilityZone;
                // A subnet outside the stack, or an AZ not known yet, may be another AZ: count it apart.
                zones.add(typeof az === "string" ? az : `unknown-${i}`);
            });
            if (zones.size < 2) {
                findings.push({
                    resource: g,
                    message:
                        `Auto Scaling group ${g.name} spans ${zones.size === 0 ? "no" : "one"} ` +
                        `Availability Zone${zones.size === 1 ? ` (${[...zones][0]})` : ""}`,
                });
            }
        }
        return findings;
    },
};
