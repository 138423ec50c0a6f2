import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { capture, ofType } from "@citadel/testing";
import { OrthancHost, OrthancHostArgs, validateOrthancHostArgs } from "../src";

const base: OrthancHostArgs = {
    network: {
        vpcId: "vpc-1",
        vpcCidrBlock: "10.0.0.0/16",
        availabilityZones: ["us-east-1a", "us-east-1b"],
        publicSubnetIds: ["pub-a", "pub-b"],
        privateSubnetIds: ["priv-a", "priv-b"],
    },
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/test",
    accessLogsBucketName: "access-logs",
    webCidrs: ["203.0.113.0/24"],
    dicomCidrs: ["198.51.100.0/24"],
};
const late = (v: unknown) => (pulumi.output(v as pulumi.Input<string>) as any).promise();

describe("OrthancHost: ARNs and names from other resources' outputs", () => {
    it("takes keyName and certificateSecretArn as Outputs; they reach the launch template and the host role", async () => {
        const cert = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orthanc-tls-AbCdEf";
        const rec = await capture(
            () =>
                new OrthancHost("pacs", {
                    ...base,
                    keyName: pulumi.output("ops-key"),
                    certificateSecretArn: pulumi.output(cert),
                }),
        );
        assert.equal(ofType(rec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs.keyName, "ops-key");
        const policies = ofType(rec, "aws:iam/rolePolicy:RolePolicy").map((p) => String(p.inputs.policy));
        assert.ok(
            policies.some((p) => p.includes(cert)),
            "the host role reads the certificate secret",
        );
    });

    it("checks an Output key pair name when it resolves, naming the argument", async () => {
        const a = validateOrthancHostArgs("pacs", { ...base, keyName: pulumi.output("bad\nname") });
        await assert.rejects(late(a.keyName), /OrthancHost "pacs": keyName: .* is not a key pair name/);
    });
});
