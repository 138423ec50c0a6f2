import * as pulumi from "@pulumi/pulumi";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as wafv2 from "@pulumi/aws/wafv2";
import type * as inputs from "@pulumi/aws/types/input";
import {
    AwsContext,
    awsContext,
    KmsKey,
    LOG_DELIVERIES,
    policyJson,
    protectIf,
    SecureBucket,
    requireArgs,
    withTags,
    argKeys,
    ArgNames,
    refuseUnknownArgs,
} from "@citadel/shared";
import { EdgeCdnArgs, ResolvedEdgeCdnArgs, validateEdgeCdnArgs } from "./args";
import {
    accessLogSuffixPath,
    MANAGED_POLICY,
    metricName,
    oacKeyStatements,
    oacReadStatements,
    securityHeaders,
    wafRules,
    wafVisibility,
} from "./rules";

/** CloudFront's control plane region: its WAF, certificates and log deliveries live here. */
export const CLOUDFRONT_REGION = "us-east-1";

const LOAD_BALANCER_ORIGIN = "load-balancer";
const ASSETS_ORIGIN = "assets";

/** Every argument of EdgeCdnArgs, for refusing unknown ones (the compiler keeps this list exact). */
const EDGE_CDN_ARG_NAMES: ArgNames<EdgeCdnArgs> = {
    origin: true,
    assets: true,
    aliases: true,
    certificateArn: true,
    logBucket: true,
    accessLogsBucketName: true,
    accessLogPrefix: true,
    waf: true,
    logRetentionInDays: true,
    usEast1KmsKeyArn: true,
    priceClass: true,
    frameOptions: true,
    contentSecurityPolicy: true,
    protect: true,
    tags: true,
};

/**
 * A CloudFront distribution in front of a load balancer and/or an assets bucket, locked down:
 * viewers are redirected to HTTPS (TLS 1.2+ with a custom certificate), CloudFront reaches the
 * load balancer over HTTPS only with a secret header and the bucket only through Origin Access
 * Control, a WAF web ACL (managed rule groups and a per-IP rate limit) filters every request,
 * security headers are added to every response, and access and WAF logs are kept.
 */
export class EdgeCdn extends pulumi.ComponentResource {
    /** The CloudFront distribution's id. */
    readonly distributionId: pulumi.Output<string>;
    /** The CloudFront distribution's ARN. */
    readonly distributionArn: pulumi.Output<string>;
    /** The `*.cloudfront.net` name: the target of the aliases' DNS records. */
    readonly distributionDomainName: pulumi.Output<string>;
    /** Route 53 zone id for alias records pointing at the distribution. */
    readonly distributionHostedZoneId: pulumi.Output<string>;
    /** The WAF web ACL's ARN (scope CLOUDFRONT, in us-east-1). */
    readonly webAclArn: pulumi.Output<string>;
    /** The log group receiving the WAF's logs (`aws-waf-logs-…`, in us-east-1). */
    readonly wafLogGroupName: pulumi.Output<string>;
    /** The assets bucket; undefined without `assets`. */
    readonly assetsBucketName: pulumi.Output<string | undefined>;
    /**
     * The assets bucket's own KMS key (whoever uploads assets needs `kms:GenerateDataKey` on it);
     * undefined without `assets`.
     */
    readonly assetsKmsKeyArn: pulumi.Output<string | undefined>;

    constructor(name: string, args: EdgeCdnArgs, opts?: pulumi.ComponentResourceOptions) {
        requireArgs("EdgeCdn", name, args);
        const a = validateEdgeCdnArgs(name, args);
        refuseUnknownArgs("EdgeCdn", name, args, EDGE_CDN_ARG_NAMES);
        super("citadel:edge:EdgeCdn", name, {}, withTags(argKeys("EdgeCdn", name)("tags"), args.tags, opts));
        const ctx = awsContext(this);

        const waf = createWebAcl(this, name, a, args, ctx);

        // The bucket policy names the distribution, which needs the bucket as origin: the ARN is
        // handed to the policy once the distribution exists.
        const [distributionArn, resolveDistributionArn] = pulumi.deferredOutput<string>();
        const assets = a.assets ? createAssetsOrigin(this, name, args, a.assets, distributionArn) : undefined;

        const headersPolicy = new cloudfront.ResponseHeadersPolicy(
            `${name}-security-headers`,
            {
                comment: "HSTS, nosniff, frame options, referrer policy, fallback CSP",
                securityHeadersConfig: securityHeaders(a),
            },
            { parent: this },
        );

        const origins: inputs.cloudfront.DistributionOrigin[] = [];
        if (a.origin) {
            origins.push({
                originId: LOAD_BALANCER_ORIGIN,
                domainName: a.origin.domainName,
                customOriginConfig: {
                    httpPort: 80,
                    httpsPort: 443,
                    originProtocolPolicy: "https-only",
                    originSslProtocols: ["TLSv1.2"],
                    originReadTimeout: a.origin.readTimeoutSeconds,
                    originKeepaliveTimeout: 5,
                },
                // A viewer sending this header has it replaced: CloudFront's value always wins.
                customHeaders: [{ name: a.origin.header.name, value: pulumi.secret(a.origin.header.value) }],
            });
        }
        if (assets) origins.push(assets.origin);

        const viewerProtocolPolicy = "redirect-to-https";
        const common = { viewerProtocolPolicy, compress: true, responseHeadersPolicyId: headersPolicy.id };
        const defaultCacheBehavior: inputs.cloudfront.DistributionDefaultCacheBehavior = a.origin
            ? {
                  ...common,
                  targetOriginId: LOAD_BALANCER_ORIGIN,
                  allowedMethods: ["GET", "HEAD", "OPTIONS", "PUT", "POST", "PATCH", "DELETE"],
                  cachedMethods: ["GET", "HEAD"],
                  // Dynamic responses may carry patient data: never cached at the edge.
                  cachePolicyId: MANAGED_POLICY.cachingDisabled,
                  originRequestPolicyId: MANAGED_POLICY.allViewerExceptHostHeader,
              }
            : {
                  ...common,
                  targetOriginId: ASSETS_ORIGIN,
                  allowedMethods: ["GET", "HEAD"],
                  cachedMethods: ["GET", "HEAD"],
                  cachePolicyId: MANAGED_POLICY.cachingOptimized,
              };
        const orderedCacheBehaviors: inputs.cloudfront.DistributionOrderedCacheBehavior[] =
            assets && a.assets
                ? [
                      {
                          ...common,
                          pathPattern: a.assets.pathPattern,
                          targetOriginId: ASSETS_ORIGIN,
                          allowedMethods: ["GET", "HEAD"],
                          cachedMethods: ["GET", "HEAD"],
                          cachePolicyId: assets.cachePolicyId,
                      },
                  ]
                : [];

        const distribution = new cloudfront.Distribution(
            `${name}`,
            {
                enabled: true,
                comment: `${name}: ${a.origin ? "load balancer" : ""}${a.origin && a.assets ? " and " : ""}${a.assets ? "assets" : ""}`,
                aliases: a.aliases,
                origins,
                defaultCacheBehavior,
                orderedCacheBehaviors,
                // Only a bucket serves a page for "/"; an app answers "/" itself.
                defaultRootObject: a.origin ? undefined : "index.html",
                viewerCertificate: a.certificateArn
                    ? {
                          acmCertificateArn: a.certificateArn,
                          sslSupportMethod: "sni-only",
                          minimumProtocolVersion: "TLSv1.2_2021",
                      }
                    : { cloudfrontDefaultCertificate: true },
                httpVersion: "http2and3",
                isIpv6Enabled: true,
                priceClass: a.priceClass,
                restrictions: { geoRestriction: { restrictionType: "none" } },
                webAclId: waf.webAclArn,
            },
            { parent: this },
        );
        resolveDistributionArn(distribution.arn);

        createAccessLogs(this, name, args, a, distribution);

        this.distributionId = distribution.id;
        this.distributionArn = distribution.arn;
        this.distributionDomainName = distribution.domainName;
        this.distributionHostedZoneId = distribution.hostedZoneId;
        this.webAclArn = waf.webAclArn;
        this.wafLogGroupName = waf.logGroupName;
        this.assetsBucketName = pulumi.output(assets?.bucket.bucketName);
        this.assetsKmsKeyArn = pulumi.output(assets?.key.arn);
        this.registerOutputs({
            distributionId: this.distributionId,
            distributionDomainName: this.distributionDomainName,
            webAclArn: this.webAclArn,
            assetsBucketName: this.assetsBucketName,
            assetsKmsKeyArn: this.assetsKmsKeyArn,
        });
    }
}

/**
 * The web ACL (CLOUDFRONT scope, so in us-east-1) and its logging to a KMS-encrypted log group
 * whose name starts with `aws-waf-logs-`, as WAF requires.
 */
function createWebAcl(parent: EdgeCdn, name: string, a: ResolvedEdgeCdnArgs, args: EdgeCdnArgs, ctx: AwsContext) {
    const opts = { parent };
    const kmsKeyArn =
        args.usEast1KmsKeyArn ??
        new KmsKey(
            `${name}-waf-logs`,
            {
                description: `EdgeCdn ${name}: WAF logs in ${CLOUDFRONT_REGION}`,
                region: CLOUDFRONT_REGION,
                services: ["logs"],
            },
            { ...opts, ...protectIf(args.protect) },
        ).arn;

    const group = new cloudwatch.LogGroup(
        `${name}-waf-logs`,
        {
            // WAF logs only to log groups whose names start with aws-waf-logs- (LOG_DELIVERIES.wafLogs).
            namePrefix: `${LOG_DELIVERIES.wafLogs.logGroupNamePrefix}${name}-`,
            retentionInDays: a.logRetentionInDays,
            kmsKeyId: kmsKeyArn,
            region: CLOUDFRONT_REGION,
        },
        opts,
    );
    const deliveryPolicy = new cloudwatch.LogResourcePolicy(
        `${name}-waf-logs`,
        {
            resourceArn: group.arn,
            policyDocument: pulumi
                .all([group.arn, ctx.accountId, ctx.partition, ctx.dnsSuffix])
                .apply(([arn, accountId, partition, dnsSuffix]) =>
                    policyJson(
                        LOG_DELIVERIES.wafLogs.statements({
                            destinationArn: arn,
                            accountId,
                            partition,
                            region: CLOUDFRONT_REGION,
                            dnsSuffix,
                        }),
                    ),
                ),
            region: CLOUDFRONT_REGION,
        },
        opts,
    );

    const acl = new wafv2.WebAcl(
        `${name}-waf`,
        {
            description: `EdgeCdn ${name}: managed rule groups and a per-IP rate limit`,
            scope: "CLOUDFRONT",
            region: CLOUDFRONT_REGION,
            defaultAction: { allow: {} },
            rules: wafRules(name, a.waf),
            visibilityConfig: wafVisibility(metricName(name, "web-acl")),
        },
        opts,
    );

    new wafv2.WebAclLoggingConfiguration(
        `${name}-waf-logs`,
        {
            resourceArn: acl.arn,
            logDestinationConfigs: [group.arn],
            // Credentials and session cookies stay out of the logs.
            redactedFields: [{ singleHeader: { name: "authorization" } }, { singleHeader: { name: "cookie" } }],
            region: CLOUDFRONT_REGION,
        },
        { parent, dependsOn: [deliveryPolicy] },
    );

    return { webAclArn: acl.arn, logGroupName: group.name };
}

/**
 * The assets bucket, its own KMS key, its Origin Access Control and its long-lived cache policy.
 * The bucket has a key of its own so that the key policy can admit CloudFront for this distribution
 * alone (`aws:SourceArn`); the statement is applied by a KeyPolicy once the distribution exists, since
 * the distribution needs the bucket, which needs the key.
 */
function createAssetsOrigin(
    parent: EdgeCdn,
    name: string,
    args: EdgeCdnArgs,
    assets: NonNullable<ResolvedEdgeCdnArgs["assets"]>,
    distributionArn: pulumi.Output<string>,
) {
    const opts = { parent };
    const key = new KmsKey(
        `${name}-assets`,
        {
            description: `EdgeCdn ${name}: the assets bucket, read by this distribution through Origin Access Control`,
            // S3 uses the key on behalf of IAM principals (the account statement); the bucket's access
            // logs go to an SSE-S3 bucket: no service needs the key but CloudFront.
            services: [],
        },
        { ...opts, ...protectIf(args.protect) },
        { deferredPolicyStatements: distributionArn.apply(oacKeyStatements) },
    );
    const bucket = new SecureBucket(
        `${name}-assets`,
        {
            purpose: "data",
            kmsKeyArn: key.arn,
            accessLogs: { bucketName: args.accessLogsBucketName! },
            forceDestroy: assets.forceDestroy,
        },
        { ...opts, ...protectIf(args.protect) },
        {
            extraPolicyStatements: (bucketArn) => distributionArn.apply((d) => oacReadStatements(bucketArn, d)),
        },
    );
    const oac = new cloudfront.OriginAccessControl(
        `${name}-assets`,
        {
            description: `EdgeCdn ${name}: signed reads of the assets bucket`,
            originAccessControlOriginType: "s3",
            signingBehavior: "always",
            signingProtocol: "sigv4",
        },
        opts,
    );
    const cachePolicy = new cloudfront.CachePolicy(
        `${name}-assets`,
        {
            comment: "Fingerprinted assets: cached long, keyed on the path alone",
            minTtl: 0,
            defaultTtl: assets.cacheTtlSeconds,
            maxTtl: assets.cacheTtlSeconds,
            parametersInCacheKeyAndForwardedToOrigin: {
                cookiesConfig: { cookieBehavior: "none" },
                headersConfig: { headerBehavior: "none" },
                queryStringsConfig: { queryStringBehavior: "none" },
                enableAcceptEncodingGzip: true,
                enableAcceptEncodingBrotli: true,
            },
        },
        opts,
    );
    const origin: inputs.cloudfront.DistributionOrigin = {
        originId: ASSETS_ORIGIN,
        domainName: bucket.bucketRegionalDomainName,
        originAccessControlId: oac.id,
    };
    return { bucket, key, origin, cachePolicyId: cachePolicy.id };
}

/**
 * Access logs through CloudFront standard logging v2 (CloudWatch vended logs) to the log bucket.
 * Legacy logging needs bucket ACLs, which Citadel's buckets disable.
 */
function createAccessLogs(
    parent: EdgeCdn,
    name: string,
    args: EdgeCdnArgs,
    a: ResolvedEdgeCdnArgs,
    distribution: cloudfront.Distribution,
): void {
    const opts = { parent };
    const source = new cloudwatch.LogDeliverySource(
        `${name}-access-log-source`,
        {
            logType: "ACCESS_LOGS",
            resourceArn: distribution.arn,
            region: CLOUDFRONT_REGION,
        },
        opts,
    );
    const destination = new cloudwatch.LogDeliveryDestination(
        `${name}-access-log-destination`,
        {
            outputFormat: "parquet",
            deliveryDestinationConfiguration: { destinationResourceArn: args.logBucket.arn },
            region: CLOUDFRONT_REGION,
        },
        opts,
    );
    new cloudwatch.LogDelivery(
        `${name}-access-log-delivery`,
        {
            deliverySourceName: source.name,
            deliveryDestinationArn: destination.arn,
            s3DeliveryConfigurations: [
                { suffixPath: accessLogSuffixPath(a.accessLogPrefix), enableHiveCompatiblePath: true },
            ],
            region: CLOUDFRONT_REGION,
        },
        opts,
    );
}
