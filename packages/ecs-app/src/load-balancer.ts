import * as pulumi from "@pulumi/pulumi";
import * as ec2 from "@pulumi/aws/ec2";
import * as vpc from "@pulumi/aws/vpc";
import * as lb from "@pulumi/aws/lb";
import { getRegionOutput } from "@pulumi/aws/getRegion";
import { LogBucketRef, NetworkRef, protectIf, requireCertificateInRegion, SecureBucket } from "@citadel/shared";
import { LoadBalancerArgs, OriginProtectionArgs, ResolvedEcsAppArgs, ResolvedService, TLS_POLICY } from "./args";

const ANYWHERE = "0.0.0.0/0";

export interface SecurityGroups {
    /** The load balancer's: 443 (and 80, redirected) from the internet, or 443 from the CDN only. */
    alb: ec2.SecurityGroup;
    /** Every task's: the service ports from the load balancer, anything from itself. */
    tasks: ec2.SecurityGroup;
}

/**
 * The two security groups of the seed design (001), with no inline rules so other components can
 * add theirs (the database admits 5432 from `tasks`). The load balancer may only reach the tasks, on
 * the service ports; tasks reach out anywhere (AWS APIs, the registry).
 */
export function createSecurityGroups(
    name: string,
    parent: pulumi.Resource,
    network: NetworkRef,
    ports: number[],
    origin?: OriginProtectionArgs,
): SecurityGroups {
    const opts = { parent };
    const alb = createAlbSecurityGroup(name, parent, network, origin);
    const tasks = new ec2.SecurityGroup(
        `${name}-tasks-sg`,
        {
            vpcId: network.vpcId,
            description: "ECS tasks: service ports from the load balancer, and each other",
            tags: { Name: `${name}-tasks` },
        },
        opts,
    );
    admitFromLoadBalancer(name, parent, alb, tasks, "tasks", ports);
    new vpc.SecurityGroupIngressRule(
        `${name}-tasks-from-self`,
        {
            securityGroupId: tasks.id,
            description: "Task to task",
            ipProtocol: "-1",
            referencedSecurityGroupId: tasks.id,
        },
        opts,
    );
    new vpc.SecurityGroupEgressRule(
        `${name}-tasks-egress`,
        {
            securityGroupId: tasks.id,
            description: "AWS APIs, the image registry, the database",
            ipProtocol: "-1",
            cidrIpv4: ANYWHERE,
        },
        opts,
    );
    return { alb, tasks };
}

/**
 * The load balancer's security group: 443 (and 80, only redirected) from anywhere, or 443 from the
 * CDN's origin-facing prefix lists only. No egress until {@link admitFromLoadBalancer} adds the
 * targets' ports.
 */
export function createAlbSecurityGroup(
    name: string,
    parent: pulumi.Resource,
    network: NetworkRef,
    origin?: OriginProtectionArgs,
): ec2.SecurityGroup {
    const opts = { parent };
    const alb = new ec2.SecurityGroup(
        `${name}-alb-sg`,
        {
            vpcId: network.vpcId,
            description: origin
                ? "Load balancer: HTTPS from the CDN only"
                : "Load balancer: HTTPS, and HTTP redirected to HTTPS",
            tags: { Name: `${name}-alb` },
        },
        opts,
    );
    if (origin) {
        // One rule per prefix list: CloudFront's origin-facing ranges, never the whole internet.
        origin.prefixListIds.forEach(
            (prefixListId, i) =>
                new vpc.SecurityGroupIngressRule(
                    `${name}-alb-https-cdn-${i}`,
                    {
                        securityGroupId: alb.id,
                        description: "HTTPS from the CDN's origin-facing ranges",
                        ipProtocol: "tcp",
                        fromPort: 443,
                        toPort: 443,
                        prefixListId,
                    },
                    opts,
                ),
        );
    } else {
        new vpc.SecurityGroupIngressRule(
            `${name}-alb-https`,
            {
                securityGroupId: alb.id,
                description: "HTTPS from anywhere",
                ipProtocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrIpv4: ANYWHERE,
            },
            opts,
        );
        new vpc.SecurityGroupIngressRule(
            `${name}-alb-http`,
            {
                securityGroupId: alb.id,
                description: "HTTP from anywhere, only to be redirected to HTTPS",
                ipProtocol: "tcp",
                fromPort: 80,
                toPort: 80,
                cidrIpv4: ANYWHERE,
            },
            opts,
        );
    }
    return alb;
}

/**
 * The load balancer may reach the targets on these ports (traffic and health checks), and the targets
 * admit it there: one egress and one ingress rule per port, referencing each other's group.
 */
export function admitFromLoadBalancer(
    name: string,
    parent: pulumi.Resource,
    alb: ec2.SecurityGroup,
    targets: ec2.SecurityGroup,
    what: string,
    ports: number[],
): void {
    const opts = { parent };
    for (const port of ports) {
        new vpc.SecurityGroupEgressRule(
            `${name}-alb-to-${what}-${port}`,
            {
                securityGroupId: alb.id,
                description: `To the ${what} on ${port} (traffic and health checks)`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                referencedSecurityGroupId: targets.id,
            },
            opts,
        );
        new vpc.SecurityGroupIngressRule(
            `${name}-${what}-from-alb-${port}`,
            {
                securityGroupId: targets.id,
                description: `Port ${port} from the load balancer`,
                ipProtocol: "tcp",
                fromPort: port,
                toPort: port,
                referencedSecurityGroupId: alb.id,
            },
            opts,
        );
    }
}

export interface LoadBalancerParts {
    /** The application load balancer. */
    loadBalancer: lb.LoadBalancer;
    /** The HTTPS listener (443): services' rules attach here. */
    https: lb.Listener;
    /** The HTTP listener (80): redirects to HTTPS. */
    http: lb.Listener;
    /** The bucket the component created for access logs; undefined when one was given. */
    logBucket?: SecureBucket;
}

/**
 * An internet-facing ALB in the public subnets: HTTPS with a TLS 1.3 policy, HTTP that only
 * redirects, invalid header fields dropped, desync mitigation, access logs, deletion protection.
 * Nothing is routed by default (404; 403 behind a CDN): services add their rules.
 */
/** Where the ALB writes its access logs in the bucket (the bucket policy admits exactly this prefix). */
export const ALB_LOG_PREFIX = "alb";

export function createLoadBalancer(
    name: string,
    parent: pulumi.Resource,
    network: NetworkRef,
    args: LoadBalancerArgs,
    a: LoadBalancerSettings,
    sg: ec2.SecurityGroup,
    accessLogsTo?: LogBucketRef,
    component = "EcsApp",
): LoadBalancerParts {
    const opts = { parent };
    let logBucket: SecureBucket | undefined;
    let bucketName = args.accessLogsBucketName;
    if (bucketName === undefined) {
        // ELB writes access logs only to SSE-S3 buckets: the elbLogs purpose, not the KMS log bucket.
        logBucket = new SecureBucket(
            `${name}-alb-logs`,
            {
                purpose: "elbLogs",
                deliveryPrefix: ALB_LOG_PREFIX,
                logRetentionInDays: a.logRetentionInDays,
                accessLogs: accessLogsTo ? { bucketName: accessLogsTo.bucketName } : undefined,
            },
            { ...opts, ...protectIf(a.protect) },
        );
        bucketName = logBucket.bucketName;
    }

    const loadBalancer = new lb.LoadBalancer(
        `${name}-alb`,
        {
            loadBalancerType: "application",
            internal: false,
            ipAddressType: "ipv4",
            subnets: network.publicSubnetIds,
            securityGroups: [sg.id],
            dropInvalidHeaderFields: true,
            desyncMitigationMode: a.loadBalancer.desyncMitigationMode,
            enableDeletionProtection: a.loadBalancer.deletionProtection,
            idleTimeout: a.loadBalancer.idleTimeoutSeconds,
            xffHeaderProcessingMode: "append",
            enableWafFailOpen: false,
            accessLogs: { bucket: bucketName, prefix: ALB_LOG_PREFIX, enabled: true },
            tags: { Name: name },
        },
        { parent, dependsOn: logBucket ? [logBucket] : [] },
    );

    const https = new lb.Listener(
        `${name}-https`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: 443,
            protocol: "HTTPS",
            sslPolicy: TLS_POLICY,
            // Checked again once the provider's region is known (a certificate given as an Output, or a
            // program whose stack config the component cannot see): ACM certificates are regional.
            certificateArn: pulumi
                .all([args.certificateArn, getRegionOutput({}, opts).region])
                .apply(([arn, region]) =>
                    requireCertificateInRegion(
                        parent,
                        `${component} "${name}": loadBalancer.certificateArn`,
                        arn,
                        region,
                    ),
                ),
            defaultActions: [
                a.originProtection
                    ? {
                          type: "fixed-response",
                          fixedResponse: { contentType: "text/plain", statusCode: "403", messageBody: "Forbidden" },
                      }
                    : {
                          type: "fixed-response",
                          fixedResponse: { contentType: "text/plain", statusCode: "404", messageBody: "Not found" },
                      },
            ],
            routingHttpResponseStrictTransportSecurityHeaderValue: "max-age=31536000",
            routingHttpResponseXContentTypeOptionsHeaderValue: "nosniff",
            routingHttpResponseServerEnabled: false,
        },
        opts,
    );

    const http = new lb.Listener(
        `${name}-http`,
        {
            loadBalancerArn: loadBalancer.arn,
            port: 80,
            protocol: "HTTP",
            defaultActions: [
                { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
            ],
        },
        opts,
    );

    return { loadBalancer, https, http, logBucket };
}

/** What the load balancer needs from a component's validated args (EcsApp's, Ec2App's). */
export type LoadBalancerSettings = Pick<
    ResolvedEcsAppArgs,
    "loadBalancer" | "originProtection" | "logRetentionInDays" | "protect"
>;

/** What a route needs of a service: its port, protocol, health check, matching and priority. */
export type RouteSpec = Pick<
    ResolvedService,
    "name" | "port" | "protocol" | "healthCheckPath" | "paths" | "hosts" | "priority"
> & {
    /** `ip` for awsvpc tasks, `instance` for EC2 instances. @default "ip" */
    targetType?: "ip" | "instance";
    /** Seconds a deregistering target keeps serving requests in flight. @default 30 */
    deregistrationDelaySeconds?: number;
};

export interface ServiceRoute {
    /** The service's target group. */
    targetGroup: lb.TargetGroup;
    /** The HTTPS listener rule routing the service's paths and hosts to it. */
    rule: lb.ListenerRule;
}

/** A service's target group (its tasks by IP, or instances) and its rule on the HTTPS listener. */
export function createServiceRoute(
    name: string,
    parent: pulumi.Resource,
    network: NetworkRef,
    s: RouteSpec,
    listener: lb.Listener,
    origin?: OriginProtectionArgs,
): ServiceRoute {
    const opts = { parent };
    const targetGroup = new lb.TargetGroup(
        `${name}-${s.name}-tg`,
        {
            vpcId: network.vpcId,
            targetType: s.targetType ?? "ip",
            port: s.port,
            protocol: s.protocol,
            protocolVersion: "HTTP1",
            // Short: rolling deploys wait this long per old task; requests in flight rarely need more.
            deregistrationDelay: s.deregistrationDelaySeconds ?? 30,
            healthCheck: {
                enabled: true,
                path: s.healthCheckPath,
                protocol: s.protocol,
                matcher: "200-399",
                interval: 15,
                timeout: 5,
                healthyThreshold: 2,
                unhealthyThreshold: 3,
            },
            tags: { Name: `${name}-${s.name}` },
        },
        opts,
    );

    const conditions: lb.ListenerRuleArgs["conditions"] = [
        ...(s.paths.length > 0 ? [{ pathPattern: { values: s.paths } }] : []),
        ...(s.hosts.length > 0 ? [{ hostHeader: { values: s.hosts } }] : []),
        ...(origin
            ? [{ httpHeader: { httpHeaderName: origin.headerName, values: [pulumi.secret(origin.headerValue)] } }]
            : []),
    ];
    const rule = new lb.ListenerRule(
        `${name}-${s.name}-rule`,
        {
            listenerArn: listener.arn,
            priority: s.priority,
            actions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
            conditions,
        },
        opts,
    );
    return { targetGroup, rule };
}
