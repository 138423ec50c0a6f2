import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@citadel/shared";
import {
    capture,
    named,
    ofType,
    RecordedResource,
    Recording,
    reveal,
    SecretValue,
    valueOf,
    autoNamed,
} from "@citadel/testing";
import {
    cloudFrontOriginFacingPrefixListId,
    EdgeCdn,
    EdgeCdnArgs,
    MANAGED_POLICY,
    MANAGED_RULE_GROUPS,
    OriginSecret,
    originProtection,
    validateEdgeCdnArgs,
} from "../src";

const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const args: EdgeCdnArgs = {
    origin: {
        domainName: "origin.example.com",
        header: { name: "X-Origin-Verify", value: pulumi.secret("s3cret-value") },
    },
    assets: {},
    aliases: ["portal.example.com"],
    certificateArn: CERT,
    logBucket: { bucketName: "logs-bucket", arn: "arn:aws:s3:::logs-bucket" },
    accessLogsBucketName: "access-logs-bucket",
    waf: { rateLimit: 1000 },
    logRetentionInDays: 731,
    protect: true,
};

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const distributionOf = (rec: Recording) => named(ofType(rec, DISTRIBUTION), "edge");
const behaviours = (d: RecordedResource): any[] => [
    d.inputs.defaultCacheBehavior,
    ...(d.inputs.orderedCacheBehaviors ?? []),
];

describe("EdgeCdn (mocks)", () => {
    let rec: Recording;
    let edge: EdgeCdn;
    before(async () => {
        rec = await capture(() => {
            edge = new EdgeCdn("edge", args);
        });
    });

    it("redirects viewers to HTTPS on every cache behaviour", () => {
        const d = distributionOf(rec);
        assert.equal(behaviours(d).length, 2);
        for (const b of behaviours(d)) assert.equal(b.viewerProtocolPolicy, "redirect-to-https");
    });

    it("serves the aliases with the us-east-1 certificate at TLSv1.2_2021, over HTTP/2 and HTTP/3", () => {
        const d = distributionOf(rec).inputs;
        assert.deepEqual(d.viewerCertificate, {
            acmCertificateArn: CERT,
            sslSupportMethod: "sni-only",
            minimumProtocolVersion: "TLSv1.2_2021",
        });
        assert.deepEqual(d.aliases, ["portal.example.com"]);
        assert.equal(d.httpVersion, "http2and3");
        assert.equal(d.isIpv6Enabled, true);
        assert.equal(d.enabled, true);
    });

    it("reaches the load balancer by HTTPS and TLS 1.2 only, adding the secret header", () => {
        const d = distributionOf(rec);
        // Only the header's value is secret: the rest of the origin stays readable in the plan.
        const secretLb = (d.inputs.origins as any[]).find((o) => o.originId === "load-balancer");
        assert.ok(secretLb.customHeaders[0].value instanceof SecretValue, "the secret header's value is a secret");
        assert.equal(secretLb.customOriginConfig.originProtocolPolicy, "https-only", "the rest is not masked");
        const lb = reveal<any[]>(d.inputs.origins).find((o) => o.originId === "load-balancer");
        assert.equal(lb.domainName, "origin.example.com");
        assert.equal(lb.customOriginConfig.originProtocolPolicy, "https-only");
        assert.deepEqual(lb.customOriginConfig.originSslProtocols, ["TLSv1.2"]);
        assert.equal(lb.customOriginConfig.httpsPort, 443);
        assert.deepEqual(lb.customHeaders, [{ name: "X-Origin-Verify", value: "s3cret-value" }]);
    });

    it("never caches the app's responses and forwards the viewer's request except Host", () => {
        const b = distributionOf(rec).inputs.defaultCacheBehavior;
        assert.equal(b.targetOriginId, "load-balancer");
        assert.equal(b.cachePolicyId, MANAGED_POLICY.cachingDisabled);
        assert.equal(b.originRequestPolicyId, MANAGED_POLICY.allViewerExceptHostHeader);
        assert.equal(distributionOf(rec).inputs.defaultRootObject, undefined);
    });

    it("reaches the assets bucket only through Origin Access Control, cached long under /assets/*", () => {
        const oac = named(ofType(rec, "aws:cloudfront/originAccessControl:OriginAccessControl"), "edge-assets");
        assert.equal(oac.inputs.originAccessControlOriginType, "s3");
        assert.equal(oac.inputs.signingBehavior, "always");
        assert.equal(oac.inputs.signingProtocol, "sigv4");
        const origin = reveal<any[]>(distributionOf(rec).inputs.origins).find((o) => o.originId === "assets");
        assert.equal(origin.originAccessControlId, oac.id);
        assert.equal(origin.s3OriginConfig, undefined, "no legacy origin access identity");
        assert.match(origin.domainName, /^[a-z0-9-]+\.s3\./);

        const assets = distributionOf(rec).inputs.orderedCacheBehaviors[0];
        assert.equal(assets.pathPattern, "/assets/*");
        assert.equal(assets.targetOriginId, "assets");
        assert.deepEqual(assets.allowedMethods, ["GET", "HEAD"]);
        const cache = named(ofType(rec, "aws:cloudfront/cachePolicy:CachePolicy"), "edge-assets");
        assert.equal(assets.cachePolicyId, cache.id);
        assert.equal(cache.inputs.defaultTtl, 31_536_000);
        assert.equal(cache.inputs.maxTtl, 31_536_000);
        assert.equal(cache.inputs.parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.cookieBehavior, "none");
    });

    it("keeps the assets bucket private: its policy admits CloudFront only for this distribution", () => {
        const bucket = named(ofType(rec, "aws:s3/bucket:Bucket"), "edge-assets");
        assert.equal(bucket.protect, true);
        const block = named(rec, "edge-assets-public-access").inputs;
        assert.deepEqual(
            [block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets],
            [true, true, true, true],
        );
        const policy = JSON.parse(named(rec, "edge-assets-policy").inputs.policy);
        const allows = policy.Statement.filter((s: any) => s.Effect === "Allow");
        assert.deepEqual(allows, [
            {
                Sid: "CloudFrontReadsThroughOriginAccessControl",
                Effect: "Allow",
                Principal: { Service: "cloudfront.amazonaws.com" },
                Action: "s3:GetObject",
                Resource: `arn:aws:s3:::${autoNamed("edge-assets", "s3/bucket:Bucket")}/*`,
                Condition: {
                    StringEquals: {
                        "AWS:SourceArn": `arn:aws:cloudfront::123456789012:distribution/${distributionOf(rec).id}`,
                    },
                },
            },
        ]);
        const sse = named(rec, "edge-assets-encryption").inputs.rules[0].applyServerSideEncryptionByDefault;
        assert.deepEqual(
            sse,
            { sseAlgorithm: "aws:kms", kmsMasterKeyId: named(rec, "edge-assets-key").outputs.arn },
            "the assets bucket is encrypted with its own key",
        );
    });

    it("adds HSTS, nosniff, frame options and a referrer policy to every behaviour", () => {
        const policy = named(
            ofType(rec, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy"),
            "edge-security-headers",
        );
        const h = policy.inputs.securityHeadersConfig;
        assert.equal(h.strictTransportSecurity.accessControlMaxAgeSec, 63_072_000);
        assert.equal(h.contentTypeOptions.override, true);
        assert.equal(h.frameOptions.frameOption, "DENY");
        assert.equal(h.referrerPolicy.referrerPolicy, "strict-origin-when-cross-origin");
        for (const b of behaviours(distributionOf(rec))) assert.equal(b.responseHeadersPolicyId, policy.id);
    });

    it("attaches a CloudFront-scoped web ACL in us-east-1 with the managed groups and the rate limit", () => {
        const acl = named(ofType(rec, "aws:wafv2/webAcl:WebAcl"), "edge-waf");
        assert.equal(acl.inputs.scope, "CLOUDFRONT");
        assert.equal(acl.inputs.region, "us-east-1");
        assert.deepEqual(acl.inputs.defaultAction, { allow: {} });
        const names = acl.inputs.rules.map((r: any) => r.name);
        assert.deepEqual(names, ["RateLimitPerIp", ...MANAGED_RULE_GROUPS]);
        assert.equal(acl.inputs.rules[0].statement.rateBasedStatement.limit, 1000);
        assert.equal(acl.inputs.rules[0].statement.rateBasedStatement.aggregateKeyType, "IP");
        for (const v of [acl.inputs.visibilityConfig, ...acl.inputs.rules.map((r: any) => r.visibilityConfig)]) {
            assert.equal(v.cloudwatchMetricsEnabled, true);
            assert.equal(v.sampledRequestsEnabled, true);
        }
        assert.match(distributionOf(rec).inputs.webAclId, new RegExp(`^arn:aws:wafv2:us-east-1:.*/${acl.id}$`));
    });

    it("logs WAF to a KMS-encrypted aws-waf-logs- group in us-east-1, with retention and redaction", () => {
        const group = named(ofType(rec, "aws:cloudwatch/logGroup:LogGroup"), "edge-waf-logs");
        assert.equal(group.inputs.namePrefix, "aws-waf-logs-edge-");
        assert.equal(group.inputs.region, "us-east-1");
        assert.equal(group.inputs.retentionInDays, 731);
        assert.match(group.inputs.kmsKeyId, /^arn:aws:kms:us-east-1:/);
        const key = named(ofType(rec, "aws:kms/key:Key"), "edge-waf-logs-key");
        assert.equal(key.inputs.region, "us-east-1");
        assert.equal(key.protect, true);

        const logging = named(
            ofType(rec, "aws:wafv2/webAclLoggingConfiguration:WebAclLoggingConfiguration"),
            "edge-waf-logs",
        );
        assert.equal(logging.inputs.region, "us-east-1");
        assert.equal(logging.inputs.resourceArn, distributionOf(rec).inputs.webAclId);
        assert.deepEqual(logging.inputs.logDestinationConfigs, [
            "arn:aws:logs:us-east-1:123456789012:log-group:aws-waf-logs-edge-mock",
        ]);
        assert.deepEqual(
            logging.inputs.redactedFields.map((f: any) => f.singleHeader.name),
            ["authorization", "cookie"],
        );

        const policy = named(ofType(rec, "aws:cloudwatch/logResourcePolicy:LogResourcePolicy"), "edge-waf-logs");
        assert.equal(policy.inputs.resourceArn, logging.inputs.logDestinationConfigs[0]);
        assert.equal(
            JSON.parse(policy.inputs.policyDocument).Statement[0].Principal.Service,
            "delivery.logs.amazonaws.com",
        );
    });

    // S3 delivers server access logs only to buckets with SSE-S3 default encryption, so the assets
    // bucket logs to the access-log bucket, never to the SSE-KMS log bucket.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    it("S3 server access logs: the assets bucket logs to the SSE-S3 access-log bucket", () => {
        const logging = ofType(rec, "aws:s3/bucketLogging:BucketLogging");
        assert.ok(logging.length > 0);
        for (const l of logging) assert.equal(l.inputs.targetBucket, "access-logs-bucket", l.name);
        assert.throws(
            () => validateEdgeCdnArgs("edge", { ...args, accessLogsBucketName: undefined }),
            /accessLogsBucketName: \(unset\) is required with assets/,
        );
    });

    it("delivers access logs (standard logging v2) from this distribution to the log bucket", () => {
        const source = named(rec, "edge-access-log-source");
        assert.equal(source.type, "aws:cloudwatch/logDeliverySource:LogDeliverySource");
        assert.equal(source.inputs.logType, "ACCESS_LOGS");
        assert.equal(source.inputs.region, "us-east-1");
        assert.equal(
            source.inputs.resourceArn,
            `arn:aws:cloudfront::123456789012:distribution/${distributionOf(rec).id}`,
        );
        const destination = named(rec, "edge-access-log-destination");
        assert.equal(
            destination.inputs.deliveryDestinationConfiguration.destinationResourceArn,
            "arn:aws:s3:::logs-bucket",
        );
        assert.equal(destination.inputs.region, "us-east-1");
        const delivery = named(rec, "edge-access-log-delivery");
        assert.equal(
            delivery.inputs.deliverySourceName,
            autoNamed("edge-access-log-source", "cloudwatch/logDeliverySource:LogDeliverySource"),
        );
        assert.match(delivery.inputs.deliveryDestinationArn, /:delivery-destination:[a-z0-9-]+$/);
        assert.equal(delivery.inputs.region, "us-east-1");
        assert.equal(
            delivery.inputs.s3DeliveryConfigurations[0].suffixPath,
            "cloudfront/{DistributionId}/{yyyy}/{MM}/{dd}/{HH}",
        );
    });

    it("exports the distribution, the web ACL and the assets bucket", async () => {
        assert.equal(await valueOf(edge.distributionDomainName), "edge-mock.cloudfront.net");
        assert.equal(await valueOf(edge.distributionId), "edge-id");
        assert.match(await valueOf(edge.webAclArn), /:global\/webacl\//);
        assert.equal(await valueOf(edge.assetsBucketName), autoNamed("edge-assets", "s3/bucket:Bucket"));
        assert.match(await valueOf(edge.wafLogGroupName), /^aws-waf-logs-/);
    });

    it("uses the default certificate without aliases, and serves a bucket's index.html without a load balancer", async () => {
        const r = await capture(
            () =>
                new EdgeCdn("edge", {
                    ...args,
                    origin: undefined,
                    aliases: undefined,
                    certificateArn: undefined,
                    usEast1KmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/given",
                }),
        );
        const d = distributionOf(r);
        assert.deepEqual(d.inputs.viewerCertificate, { cloudfrontDefaultCertificate: true });
        assert.deepEqual(d.inputs.aliases, []);
        assert.equal(d.inputs.defaultRootObject, "index.html");
        assert.equal(d.inputs.defaultCacheBehavior.targetOriginId, "assets");
        assert.equal(d.inputs.defaultCacheBehavior.cachePolicyId, MANAGED_POLICY.cachingOptimized);
        for (const b of behaviours(d)) assert.equal(b.viewerProtocolPolicy, "redirect-to-https");
        assert.deepEqual(
            reveal<any[]>(d.inputs.origins).map((o) => o.originId),
            ["assets"],
        );
        // The only key created is the assets bucket's own (in the provider's region): the given us-east-1 key serves the WAF logs.
        assert.deepEqual(
            ofType(r, "aws:kms/key:Key").map((k) => [k.name, k.inputs.region]),
            [["edge-assets-key", undefined]],
            "the given us-east-1 key is used",
        );
        assert.equal(
            named(ofType(r, "aws:cloudwatch/logGroup:LogGroup"), "edge-waf-logs").inputs.kmsKeyId,
            "arn:aws:kms:us-east-1:123456789012:key/given",
        );
    });

    it("creates no bucket without assets", async () => {
        const r = await capture(() => new EdgeCdn("edge", { ...args, assets: undefined }));
        assert.equal(ofType(r, "aws:s3/bucket:Bucket").length, 0);
        assert.equal(ofType(r, "aws:cloudfront/originAccessControl:OriginAccessControl").length, 0);
        assert.equal(ofType(r, "aws:kms/keyPolicy:KeyPolicy").length, 0, "no assets key without assets");
        assert.deepEqual(distributionOf(r).inputs.orderedCacheBehaviors, []);
    });

    it("registers nothing when an argument is refused", async () => {
        const bad: Array<[Partial<EdgeCdnArgs>, RegExp]> = [
            [{ certificateArn: undefined }, /aliases: \["portal.example.com"\] needs certificateArn/],
            [{ certificateArn: CERT.replace("us-east-1", "eu-central-1") }, /certificateArn: .* is in eu-central-1/],
            [{ waf: { rateLimit: 5 } }, /waf\.rateLimit: 5 is out of range, allowed 10\.\.2000000000/],
        ];
        for (const [change, message] of bad) {
            const r = await capture(() =>
                assert.throws(
                    () => new EdgeCdn("edge", { ...args, ...change }),
                    (e: unknown) => e instanceof ConfigError && message.test(e.message),
                ),
            );
            assert.equal(r.resources.length, 0);
        }
    });
});

describe("OriginSecret (mocks)", () => {
    it("draws a 48-character letters-and-digits value, kept secret", async () => {
        let secret!: OriginSecret;
        const rec = await capture(() => {
            secret = new OriginSecret("origin", { rotation: "2026-01" });
        });
        const pw = named(rec, "origin-value");
        assert.equal(pw.type, "random:index/randomPassword:RandomPassword");
        assert.equal(pw.parent, "origin");
        assert.deepEqual(pw.inputs, { length: 48, special: false, keepers: { rotation: "2026-01" } });
        assert.equal(secret.headerName, "X-Origin-Verify");
        assert.equal(await pulumi.isSecret(secret.headerValue), true);
        assert.equal(await valueOf(secret.headerValue), "mock-random-value-0123456789abcdef");
    });

    it("hands both sides the same header and CloudFront's origin-facing prefix list", async () => {
        let p!: ReturnType<typeof originProtection>;
        const rec = await capture(() => {
            p = originProtection("origin");
        });
        assert.ok(rec.lookups.includes("aws:ec2/getManagedPrefixList:getManagedPrefixList"));
        assert.equal(p.protection.headerName, "X-Origin-Verify");
        assert.equal(p.protection.headerValue, p.secret.headerValue);
        assert.deepEqual(await valueOf(pulumi.all(p.protection.prefixListIds)), ["pl-3b927c52"]);
        assert.equal(await valueOf(cloudFrontOriginFacingPrefixListId()), "pl-3b927c52");
    });
});
