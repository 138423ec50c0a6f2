import { strict as assert } from "assert";
import {
    currentRecording,
    ofType,
    RecordedResource,
    reveal,
    runStack,
    SecretValue,
    StackRun,
    autoNamed,
} from "@citadel/testing";

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const CERT = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000";

function distribution(run: StackRun): RecordedResource {
    const all = ofType(run, DISTRIBUTION);
    assert.equal(all.length, 1, `${run.stack}: one distribution`);
    return all[0];
}

describe("stack: edge (CloudFront + WAF)", () => {
    let prod: StackRun;
    before(async () => {
        prod = await runStack("prod");
    });

    it("dev has no distribution, no web ACL and no origin secret", async () => {
        const dev = await runStack("dev");
        assert.equal(ofType(dev, DISTRIBUTION).length, 0);
        assert.equal(ofType(dev, "aws:wafv2/webAcl:WebAcl").length, 0);
        assert.equal(ofType(dev, "citadel:edge:OriginSecret").length, 0);
        assert.equal(dev.outputs.edgeDomainName, undefined);
    });

    it("prod redirects viewers to HTTPS on every cache behaviour, TLSv1.2_2021 with its certificate", () => {
        const d = distribution(prod).inputs;
        const behaviours = [d.defaultCacheBehavior, ...d.orderedCacheBehaviors];
        assert.equal(behaviours.length, 2);
        for (const b of behaviours) assert.equal(b.viewerProtocolPolicy, "redirect-to-https");
        assert.deepEqual(d.viewerCertificate, {
            acmCertificateArn: CERT,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        });
        assert.deepEqual(d.aliases, ["portal.example.com"]);
    });

    it("prod attaches the web ACL and logs both WAF and access logs", () => {
        const acl = ofType(prod, "aws:wafv2/webAcl:WebAcl");
        assert.equal(acl.length, 1);
        const d = distribution(prod);
        assert.ok(d.inputs.webAclId.endsWith(`/${acl[0].id}`));
        assert.equal(acl[0].inputs.rules[0].statement.rateBasedStatement.limit, 2000);
        const logging = ofType(prod, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration");
        assert.deepEqual(
            logging.map((l) => l.inputs.resourceArn),
            [d.inputs.webAclId],
        );
        const group = ofType(prod, "aws:cloudwatch/logGroup:LogGroup").find((g) =>
            g.inputs.namePrefix?.startsWith("aws-waf-logs-"),
        );
        assert.equal(group?.inputs.retentionInDays, 731, "logs.retentionDays of prod");

        const source = ofType(prod, "aws:cloudwatch/logDeliverySource:LogDeliverySource");
        assert.deepEqual(
            source.map((s) => [s.inputs.logType, s.inputs.resourceArn]),
            [["ACCESS_LOGS", `arn:aws:cloudfront::123456789012:distribution/${d.id}`]],
        );
        const destination = ofType(prod, "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination")[0];
        assert.equal(
            destination.inputs.deliveryDestinationConfiguration.destinationResourceArn,
            `arn:aws:s3:::${autoNamed("logs", "s3/bucket:Bucket")}`,
        );
        assert.equal(ofType(prod, "aws:cloudwatch/logDelivery:LogDelivery").length, 1);
    });

    it("prod serves assets from a protected, private bucket read only by this distribution", () => {
        const bucket = ofType(prod, "aws:s3/bucket:Bucket").find((b) => b.name === "edge-assets");
        assert.equal(bucket?.protect, true);
        const policy = ofType(prod, "aws:s3/bucketPolicy:BucketPolicy").find((p) => p.name === "edge-assets-policy");
        const allows = JSON.parse(policy!.inputs.policy).Statement.filter((s: any) => s.Effect === "Allow");
        assert.deepEqual(
            allows.map((s: any) => s.Condition.StringEquals["AWS:SourceArn"]),
            [`arn:aws:cloudfront::123456789012:distribution/${distribution(prod).id}`],
        );
        assert.equal(prod.outputs.edgeAssetsBucketName, autoNamed("edge-assets", "s3/bucket:Bucket"));
    });

    it("prod exports the distribution and the web ACL", () => {
        assert.equal(prod.outputs.edgeDomainName, "edge-mock.cloudfront.net");
        assert.equal(prod.outputs.edgeDistributionId, distribution(prod).id);
        assert.match(String(prod.outputs.edgeWebAclArn), /^arn:aws:wafv2:us-east-1:.*:global\/webacl\//);
    });

    it("prod's load balancer admits 443 only from CloudFront's prefix list, and forwards only with the secret header", () => {
        const albSg = ofType(prod, "aws:ec2/securityGroup:SecurityGroup").find((g) => g.name === "app-alb-sg");
        assert.ok(albSg, "the app's load balancer security group");
        const ingress = ofType(prod, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter(
            (r) => r.inputs.securityGroupId === albSg.id,
        );
        assert.deepEqual(
            ingress.map((r) => [r.inputs.fromPort, r.inputs.toPort, r.inputs.prefixListId, r.inputs.cidrIpv4]),
            [[443, 443, "pl-3b927c52", undefined]],
        );

        const cdnHeader = reveal<any[]>(distribution(prod).inputs.origins).find((o) => o.originId === "load-balancer")
            .customHeaders[0];
        assert.equal(cdnHeader.name, "X-Origin-Verify");
        const https = ofType(prod, "aws:lb/listener:Listener").find((l) => l.name === "app-https")!;
        assert.equal(https.inputs.defaultActions[0].fixedResponse.statusCode, "403");
        const rules = ofType(prod, "aws:lb/listenerRule:ListenerRule").filter((r) =>
            r.inputs.listenerArn.endsWith(":app-https"),
        );
        assert.ok(rules.length > 0);
        for (const rule of rules) {
            const secretHeader = (rule.inputs.conditions as any[]).find((c) => c.httpHeader)?.httpHeader;
            assert.ok(
                secretHeader.values[0] instanceof SecretValue,
                `${rule.name}: the header value is the secret leaf`,
            );
            assert.equal(secretHeader.httpHeaderName, cdnHeader.name, `${rule.name}: the header name is not masked`);
            const header = reveal<any[]>(rule.inputs.conditions).find((c) => c.httpHeader)?.httpHeader;
            assert.deepEqual(header, { httpHeaderName: cdnHeader.name, values: [cdnHeader.value] }, rule.name);
        }
        assert.equal(cdnHeader.value, "mock-random-value-0123456789abcdef", "the OriginSecret's value on both sides");
    });

    it("serves the assets alone, with no origin secret, when there is no app", async () => {
        const run = await runStack("dev", {
            "citadel:edge.enabled": true,
            "citadel:edge.assets": true,
            "citadel:edge.certificateArn": CERT,
            "citadel:edge.aliases": ["assets.example.com"],
        });
        assert.equal(run.config["citadel:app.enabled"], "false");
        const d = distribution(run).inputs;
        assert.deepEqual(
            reveal<any[]>(d.origins).map((o) => o.originId),
            ["assets"],
        );
        assert.equal(d.defaultRootObject, "index.html");
        assert.equal(
            d.viewerCertificate.acmCertificateArn,
            CERT,
            "the certificate is required (kind 11: no default that fails)",
        );
        assert.equal(ofType(run, "citadel:edge:OriginSecret").length, 0);
    });

    describe("refuses bad edge config by its key, before any resource", () => {
        const cases: Array<[Record<string, unknown>, string]> = [
            [
                { "citadel:edge.certificateArn": "" },
                "citadel:edge.certificateArn: (unset) is required when edge.enabled (the default *.cloudfront.net certificate allows TLS 1.0)",
            ],
            [
                { "citadel:edge.certificateArn": CERT.replace("us-east-1", "eu-west-1") },
                `citadel:edge.certificateArn: "${CERT.replace("us-east-1", "eu-west-1")}" is in eu-west-1, but CloudFront takes certificates only from us-east-1`,
            ],
            [{ "citadel:edge.rateLimit": 5 }, "citadel:edge.rateLimit: 5 is out of range, allowed 10..2000000000"],
            [{ "citadel:edge.rateLimit": 3_000_000_000 }, "citadel:edge.rateLimit: 3000000000 is out of range"],
            [
                { "citadel:edge.originDomainName": "" },
                "citadel:edge.originDomainName: (unset) is required when the edge fronts the app",
            ],
            [
                { "citadel:app.enabled": false, "citadel:edge.assets": false },
                "citadel:edge.enabled: true is on, but there is nothing to serve: no app (app.enabled is false) and no assets",
            ],
            [
                { "citadel:edge.originDomainName": "app-1.eu-west-1.elb.amazonaws.com" },
                'citadel:edge.originDomainName: "app-1.eu-west-1.elb.amazonaws.com" is the load balancer\'s own name',
            ],
            [{ "citadel:edge.priceClass": "cheap" }, 'citadel:edge.priceClass: "cheap" is not a known value'],
            [{ "citadel:edge.aliases": ["Not A Name"] }, 'citadel:edge.aliases: "Not A Name" is not a DNS name'],
        ];
        for (const [overrides, message] of cases) {
            it(JSON.stringify(overrides), async () => {
                await assert.rejects(runStack("prod", overrides), (e: Error) => {
                    assert.equal(e.name, "ConfigError");
                    assert.ok(e.message.startsWith(message), `${e.message}\n  should start with\n${message}`);
                    return true;
                });
                assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
            });
        }
    });
});
