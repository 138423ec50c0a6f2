import type * as pulumi from "@pulumi/pulumi";
import { ConfigError } from "@citadel/shared";
import {
    DEFAULT_ORIGIN_HEADER_NAME,
    EDGE_DEFAULTS,
    EdgeCdn,
    EdgeCdnArgs,
    OriginProtection,
    originProtection,
    PRICE_CLASSES,
    PriceClass,
    RATE_LIMIT_MAX,
    RATE_LIMIT_MIN,
    requireUsEast1Certificate,
    resolveEdgeCdnArgs,
} from "@citadel/edge-cdn";
import { ConfigReader } from "./config";
import type { Platform } from "./program";

/** The CloudFront + WAF front, validated from `citadel:edge.*`. */
export interface EdgeSettings {
    /** `citadel:edge.enabled`: CloudFront and WAF in front of the app (or of the assets). */
    enabled: boolean;
    /** The edge fronts the app's load balancer (there is an app); otherwise it serves assets only. */
    frontsApp: boolean;
    /** A DNS name the load balancer's certificate covers, pointing at it; required when fronting the app. */
    originDomainName?: string;
    /** `edge.aliases`: names the distribution answers to; they need `certificateArn`. */
    aliases: string[];
    /** `edge.certificateArn`: ACM certificate in us-east-1 covering `aliases`. */
    certificateArn?: string;
    /** `edge.rateLimit`: requests one client IP may make in 5 minutes before the WAF answers 429. */
    rateLimit: number;
    /** URI path prefixes where request bodies over 8 KB (uploads) pass the WAF. */
    uploadPaths: string[];
    /** `edge.assets`: a private assets bucket served under `/assets/*`. */
    assets: boolean;
    /** `edge.priceClass`: the CloudFront edge locations used. */
    priceClass: PriceClass;
}

/** Component argument → the config key a user writes, so messages name what to fix. */
const CONFIG_KEY: Record<string, string> = {
    origin: "edge.originDomainName",
    "origin.domainName": "edge.originDomainName",
    "waf.rateLimit": "edge.rateLimit",
    "waf.uploadPaths": "edge.uploadPaths",
    logRetentionInDays: "logs.retentionDays",
};

/**
 * Reads every `edge.*` key (so Pulumi.yaml and the program cannot drift) and, when the edge is on,
 * validates them with EdgeCdn's own rules. `appEnabled`: whether there is a load balancer to front.
 */
export function loadEdgeSettings(reader: ConfigReader, logRetentionInDays: number, appEnabled: boolean): EdgeSettings {
    const enabled = reader.boolean("edge.enabled");
    const settings: EdgeSettings = {
        enabled,
        frontsApp: enabled && appEnabled,
        originDomainName: reader.optionalString("edge.originDomainName"),
        aliases: reader.stringList("edge.aliases"),
        certificateArn: reader.optionalString("edge.certificateArn"),
        rateLimit: reader.integer("edge.rateLimit", RATE_LIMIT_MIN, RATE_LIMIT_MAX),
        uploadPaths: reader.stringList("edge.uploadPaths"),
        assets: reader.boolean("edge.assets"),
        priceClass: reader.oneOf<PriceClass>("edge.priceClass", PRICE_CLASSES),
    };
    // Values are checked whether or not the edge is on; what it needs to run, only when it is.
    if (settings.certificateArn !== undefined)
        requireUsEast1Certificate(reader.full("edge.certificateArn"), settings.certificateArn);
    if (settings.enabled) {
        // The default *.cloudfront.net certificate lets viewers in with TLS 1.0 (CloudFront fixes
        // the minimum protocol at TLSv1 for it), which the mandatory cloudfront-viewer-tls rule refuses:
        // there is no working default, so the certificate is required.
        if (settings.certificateArn === undefined) {
            throw new ConfigError(
                reader.full("edge.certificateArn"),
                undefined,
                "is required when edge.enabled (the default *.cloudfront.net certificate allows TLS 1.0)",
                "an ACM certificate ARN in us-east-1 covering edge.aliases",
            );
        }
        if (!appEnabled && !settings.assets) {
            throw new ConfigError(
                reader.full("edge.enabled"),
                true,
                "is on, but there is nothing to serve: no app (app.enabled is false) and no assets (edge.assets is false)",
                "false, or turn on app.enabled or edge.assets",
            );
        }
        // The app's load balancer then admits only CloudFront: without an origin name the app
        // would be unreachable.
        if (settings.frontsApp && !settings.originDomainName) {
            throw new ConfigError(
                reader.full("edge.originDomainName"),
                undefined,
                "is required when the edge fronts the app (edge.enabled and app.enabled)",
                "a DNS name covered by the load balancer's certificate that points at it, e.g. origin.example.com",
            );
        }
        resolveEdgeCdnArgs(
            edgeArgs(settings, logRetentionInDays, {
                logBucket: { bucketName: "(the stack's log bucket)", arn: "(the stack's log bucket)" },
                accessLogsBucketName: "(the stack's access log bucket)",
                header: settings.frontsApp ? { name: DEFAULT_ORIGIN_HEADER_NAME, value: "(generated)" } : undefined,
            }),
            reader.keyOf("edge.", CONFIG_KEY),
        );
    } else {
        resolveEdgeCdnArgs(
            edgeArgs({ ...settings, assets: true }, logRetentionInDays, {
                logBucket: { bucketName: "(the stack's log bucket)", arn: "(the stack's log bucket)" },
                accessLogsBucketName: "(the stack's access log bucket)",
                header: settings.originDomainName
                    ? { name: DEFAULT_ORIGIN_HEADER_NAME, value: "(generated)" }
                    : undefined,
            }),
            reader.keyOf("edge.", CONFIG_KEY),
        );
    }
    return settings;
}

function edgeArgs(
    s: EdgeSettings,
    logRetentionInDays: number,
    refs: Pick<EdgeCdnArgs, "logBucket" | "accessLogsBucketName"> & {
        header?: { name: string; value: pulumi.Input<string> };
    },
    protect = false,
): EdgeCdnArgs {
    return {
        origin: refs.header ? { domainName: s.originDomainName ?? "", header: refs.header } : undefined,
        assets: s.assets ? { pathPattern: EDGE_DEFAULTS.assetsPathPattern } : undefined,
        aliases: s.aliases,
        certificateArn: s.certificateArn,
        logBucket: refs.logBucket,
        accessLogsBucketName: refs.accessLogsBucketName,
        waf: { rateLimit: s.rateLimit, uploadPaths: s.uploadPaths },
        logRetentionInDays: logRetentionInDays,
        priceClass: s.priceClass,
        protect,
    };
}

/**
 * Step 1, before the app: the shared secret header and CloudFront's prefix list, which the app's
 * load balancer takes as `originProtection`. Undefined unless the edge fronts the app.
 */
export function prepareEdge(platform: Platform): OriginProtection | undefined {
    if (!platform.settings.edge.frontsApp) return undefined;
    return originProtection("edge-origin").protection;
}

/**
 * Step 2, after the app: the distribution and its WAF, in front of the load balancer when
 * `protection` (from prepareEdge) is given, else serving the assets alone.
 */
export function deployEdge(platform: Platform, protection: OriginProtection | undefined): Record<string, unknown> {
    const s = platform.settings;
    if (!s.edge.enabled) return {};
    const edge = new EdgeCdn(
        "edge",
        edgeArgs(
            s.edge,
            s.logs.retentionDays,
            {
                logBucket: { bucketName: platform.logs.bucketName, arn: platform.logs.arn },
                accessLogsBucketName: platform.accessLogs.bucketName,
                header: protection ? { name: protection.headerName, value: protection.headerValue } : undefined,
            },
            s.protect,
        ),
    );
    return {
        edgeDistributionId: edge.distributionId,
        edgeDomainName: edge.distributionDomainName,
        edgeHostedZoneId: edge.distributionHostedZoneId,
        edgeWebAclArn: edge.webAclArn,
        ...(s.edge.assets ? { edgeAssetsBucketName: edge.assetsBucketName } : {}),
    };
}
