import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@citadel/shared";
import { capture, named, ofType } from "@citadel/testing";
import { EdgeCdn, EdgeCdnArgs, resolveEdgeCdnArgs } from "../src";
import { argKeys } from "@citadel/shared";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const args = (over: Partial<EdgeCdnArgs>): EdgeCdnArgs => ({
    origin: { domainName: "origin.example.com", header: { name: "X-Origin-Verify", value: "s3cret-value" } },
    aliases: ["portal.example.com"],
    certificateArn: CERT,
    logBucket: { bucketName: "logs-bucket", arn: "arn:aws:s3:::logs-bucket" },
    ...over,
});
const late = (v: pulumi.Input<string> | undefined) => (pulumi.output(v) as any).promise();

describe("EdgeCdn: ARNs and names from other resources' outputs", () => {
    it("takes certificateArn and origin.domainName as Outputs, and they reach the distribution", async () => {
        const rec = await capture(
            () =>
                new EdgeCdn(
                    "edge",
                    args({
                        certificateArn: pulumi.output(CERT),
                        origin: {
                            domainName: pulumi.output("origin.example.com"),
                            header: { name: "X-Origin-Verify", value: "s3cret-value" },
                        },
                    }),
                ),
        );
        const d = named(ofType(rec, "aws:cloudfront/distribution:Distribution"), "edge").inputs;
        assert.equal(d.viewerCertificate.acmCertificateArn, CERT);
        assert.equal(d.origins[0].domainName, "origin.example.com");
    });

    it("checks a plain value before anything is registered, an Output once it resolves, both naming the argument", async () => {
        const key = argKeys("EdgeCdn", "edge");
        const euCert = "arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d";
        assert.throws(
            () => resolveEdgeCdnArgs(args({ certificateArn: euCert }), key),
            (e: unknown) =>
                e instanceof ConfigError &&
                /^EdgeCdn "edge": certificateArn: .* is in eu-west-1, but CloudFront takes certificates only from us-east-1/.test(
                    e.message,
                ),
        );
        const resolved = resolveEdgeCdnArgs(args({ certificateArn: pulumi.output(euCert) }), key);
        await assert.rejects(
            late(resolved.certificateArn),
            (e: Error) =>
                e instanceof pulumi.ResourceError &&
                /^EdgeCdn "edge": certificateArn: .* is in eu-west-1/.test(e.message),
        );
        const elb = resolveEdgeCdnArgs(
            args({
                origin: {
                    domainName: pulumi.output("app-123.eu-west-1.elb.amazonaws.com"),
                    header: { name: "X-Origin-Verify", value: "v" },
                },
            }),
            key,
        );
        await assert.rejects(
            late(elb.origin!.domainName),
            /EdgeCdn "edge": origin\.domainName: .* is the load balancer's own name/,
        );
    });
});
