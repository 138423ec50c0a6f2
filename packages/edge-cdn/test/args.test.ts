import { strict as assert } from "assert";
import { ConfigError, configKeys } from "@citadel/shared";
import { EdgeCdnArgs, resolveEdgeCdnArgs, validateEdgeCdnArgs, validateOriginSecretArgs } from "../src";

const base: EdgeCdnArgs = {
    origin: { domainName: "origin.example.com", header: { name: "X-Origin-Verify", value: "s3cret" } },
    logBucket: { bucketName: "logs", arn: "arn:aws:s3:::logs" },
    accessLogsBucketName: "access-logs",
};
const CERT = "arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789";

/** Asserts a ConfigError whose message names the key and shows the value. */
function refuses(args: EdgeCdnArgs, key: string, value: string): void {
    assert.throws(
        () => validateEdgeCdnArgs("edge", args),
        (e: unknown) => {
            assert.ok(e instanceof ConfigError, `expected a ConfigError, got ${String(e)}`);
            assert.ok(e.message.startsWith(`EdgeCdn "edge": ${key}: `), e.message);
            assert.ok(e.message.includes(value), `${e.message} should show ${value}`);
            return true;
        },
    );
}

describe("EdgeCdn args", () => {
    it("fills in secure defaults", () => {
        const a = validateEdgeCdnArgs("edge", base);
        assert.equal(a.priceClass, "PriceClass_100");
        assert.deepEqual(a.waf, { rateLimit: 2000, rateLimitWindowSeconds: 300, countOnlyRules: [], uploadPaths: [] });
        assert.equal(a.logRetentionInDays, 365);
        assert.equal(a.origin?.readTimeoutSeconds, 30);
        assert.equal(a.assets, undefined);
        assert.deepEqual(a.aliases, []);
        assert.equal(a.certificateArn, undefined);
    });

    it("defaults the assets path and lifetime", () => {
        const a = validateEdgeCdnArgs("edge", { ...base, assets: {} });
        assert.deepEqual(a.assets, { pathPattern: "/assets/*", cacheTtlSeconds: 31_536_000, forceDestroy: false });
    });

    it("accepts a us-east-1 certificate with aliases", () => {
        const a = validateEdgeCdnArgs("edge", {
            ...base,
            aliases: ["portal.example.com", "*.example.org"],
            certificateArn: CERT,
        });
        assert.equal(a.certificateArn, CERT);
        assert.deepEqual(a.aliases, ["portal.example.com", "*.example.org"]);
    });

    it("refuses an alias without a certificate", () => {
        refuses({ ...base, aliases: ["portal.example.com"] }, "aliases", "portal.example.com");
    });

    it("refuses a certificate outside us-east-1, naming its region", () => {
        const arn = CERT.replace("us-east-1", "eu-west-1");
        refuses({ ...base, aliases: ["portal.example.com"], certificateArn: arn }, "certificateArn", arn);
        assert.throws(
            () => validateEdgeCdnArgs("edge", { ...base, aliases: ["p.example.com"], certificateArn: arn }),
            /is in eu-west-1, but CloudFront takes certificates only from us-east-1/,
        );
    });

    it("refuses something that is not an ACM certificate ARN", () => {
        refuses(
            { ...base, aliases: ["p.example.com"], certificateArn: "arn:aws:iam::123456789012:server-certificate/x" },
            "certificateArn",
            "server-certificate",
        );
    });

    it("refuses a certificate without aliases", () => {
        refuses({ ...base, certificateArn: CERT }, "aliases", "[]");
    });

    it("refuses invalid rate limits", () => {
        for (const rateLimit of [9, 0, -5, 2_000_000_001, 100.5]) {
            refuses({ ...base, waf: { rateLimit } }, "waf.rateLimit", String(rateLimit));
        }
        assert.equal(validateEdgeCdnArgs("edge", { ...base, waf: { rateLimit: 10 } }).waf.rateLimit, 10);
        assert.equal(
            validateEdgeCdnArgs("edge", { ...base, waf: { rateLimit: 2_000_000_000 } }).waf.rateLimit,
            2_000_000_000,
        );
    });

    it("refuses an evaluation window WAF does not offer", () => {
        refuses({ ...base, waf: { rateLimitWindowSeconds: 30 } }, "waf.rateLimitWindowSeconds", "30");
    });

    it("refuses the load balancer's own DNS name as origin, saying why", () => {
        const dns = "app-123.eu-west-1.elb.amazonaws.com";
        refuses({ ...base, origin: { ...base.origin!, domainName: dns } }, "origin.domainName", dns);
        assert.throws(
            () => validateEdgeCdnArgs("edge", { ...base, origin: { ...base.origin!, domainName: dns } }),
            /certificate cannot cover/,
        );
    });

    it("refuses origins that are not DNS names", () => {
        for (const domainName of ["10.0.0.1", "https://origin.example.com", "Origin.Example.com", "localhost", ""]) {
            refuses(
                { ...base, origin: { ...base.origin!, domainName } },
                "origin.domainName",
                JSON.stringify(domainName),
            );
        }
    });

    it("refuses origin header names CloudFront reserves", () => {
        for (const name of ["Host", "X-Amz-Date", "x-edge-location", "X-Forwarded-For", "bad header"]) {
            refuses({ ...base, origin: { ...base.origin!, header: { name, value: "v" } } }, "origin.header.name", name);
        }
    });

    it("refuses a distribution with nothing to serve", () => {
        refuses({ ...base, origin: undefined }, "origin", "(unset)");
    });

    it("refuses bad aliases, path patterns, price classes and retention", () => {
        refuses({ ...base, aliases: ["not a name"], certificateArn: CERT }, "aliases", "not a name");
        refuses(
            { ...base, aliases: ["a.example.com", "a.example.com"], certificateArn: CERT },
            "aliases",
            "a.example.com",
        );
        refuses({ ...base, assets: { pathPattern: "/*" } }, "assets.pathPattern", "/*");
        refuses({ ...base, assets: { pathPattern: "assets/*" } }, "assets.pathPattern", "assets/*");
        refuses({ ...base, assets: { cacheTtlSeconds: 0 } }, "assets.cacheTtlSeconds", "0");
        refuses({ ...base, priceClass: "PriceClass_Cheap" }, "priceClass", "PriceClass_Cheap");
        refuses({ ...base, logRetentionInDays: 10 }, "logRetentionInDays", "10");
        refuses({ ...base, frameOptions: "ALLOW-FROM x" }, "frameOptions", "ALLOW-FROM x");
        refuses({ ...base, accessLogPrefix: "/cloudfront" }, "accessLogPrefix", "/cloudfront");
        refuses({ ...base, waf: { countOnlyRules: ["A", "A"] } }, "waf.countOnlyRules", "A");
    });

    it("names stack config keys when the stack validates", () => {
        assert.throws(
            () => resolveEdgeCdnArgs({ ...base, waf: { rateLimit: 5 } }, configKeys("citadel:edge.")),
            /^ConfigError: citadel:edge\.waf\.rateLimit: 5 is out of range, allowed 10\.\.2000000000$/,
        );
    });
});

describe("OriginSecret args", () => {
    it("defaults to X-Origin-Verify and 48 characters", () => {
        assert.deepEqual(validateOriginSecretArgs("o", {}), {
            headerName: "X-Origin-Verify",
            length: 48,
            rotation: "",
        });
    });

    it("refuses short values and reserved header names", () => {
        assert.throws(
            () => validateOriginSecretArgs("o", { length: 16 }),
            /^ConfigError: OriginSecret "o": length: 16 is out of range/,
        );
        assert.throws(
            () => validateOriginSecretArgs("o", { headerName: "Host" }),
            /^ConfigError: OriginSecret "o": headerName: "Host"/,
        );
    });
});
