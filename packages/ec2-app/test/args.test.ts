import { strict as assert } from "assert";
import { ConfigError } from "@citadel/shared";
import { AppArgs, Ec2AppArgs, MAX_RULE_VALUES, validateEc2AppArgs } from "../src";
import { tierArgs } from "./fixtures";

function refuses(overrides: Partial<Ec2AppArgs>, message: RegExp): void {
    assert.throws(
        () => validateEc2AppArgs("tier", tierArgs(overrides)),
        (e: unknown) => e instanceof ConfigError && message.test(e.message),
        String(message),
    );
}
const app = (o: Partial<AppArgs>): AppArgs => ({ name: "admin", port: 4000, routing: { paths: ["/admin/*"] }, ...o });
const [api, web] = tierArgs().apps;

describe("Ec2App args", () => {
    it("fills in the defaults: two instances, proxy ports from 8080, /health, 10 MiB, 60 s, the stack's namespace", () => {
        const a = validateEc2AppArgs("tier", tierArgs({ parameterNamespace: undefined }), "drsignet", "prod");
        assert.deepEqual(
            a.apps.map((x) => [
                x.name,
                x.port,
                x.proxyPort,
                x.healthCheckPath,
                x.maxBodySizeMiB,
                x.readTimeoutSeconds,
                x.priority,
            ]),
            [
                ["api", 3000, 8080, "/api/health", 20, 60, 100],
                ["web", 3001, 8081, "/health", 10, 60, 110],
            ],
        );
        assert.deepEqual(
            [a.instances.minSize, a.instances.maxSize, a.instances.instanceType, a.instances.architecture],
            [2, 4, "t3.small", "x86_64"],
        );
        assert.equal(
            validateEc2AppArgs("t", tierArgs({ instances: { architecture: "arm64" } })).instances.instanceType,
            "t4g.small",
        );
        assert.equal(a.parameterNamespace, "/drsignet/prod");
        assert.equal(a.loadBalancer.idleTimeoutSeconds, 60);
    });

    it("refuses fewer than two apps: one app belongs in EcsApp", () => {
        refuses({ apps: [api] }, /Ec2App "tier": apps: 1 is fewer than two applications/);
    });

    it("refuses names, ports and routes that collide or that AWS or Linux would refuse", () => {
        refuses({ apps: [api, { ...web, name: "api" }] }, /apps\[\]\.name: .* repeats "api"/);
        refuses({ apps: [api, { ...web, port: 3000 }] }, /apps\[\]\.port\/proxyPort: .* repeats "3000"/);
        refuses({ apps: [api, { ...web, port: 8080 }] }, /repeats "8080"/);
        refuses({ apps: [api, { ...web, routing: { paths: ["/api/*"] } }] }, /apps\[\]\.routing: .* repeats/);
        refuses({ apps: [api, app({ name: "Web" })] }, /apps\[1\]\.name: "Web" is not a valid app name/);
        refuses({ apps: [api, app({ port: 80 })] }, /apps\[1\]\.port: 80 is out of range, allowed 1024..65535/);
        refuses({ apps: [api, app({ routing: {} })] }, /apps\[1\]\.routing: \{\} matches no request/);
        refuses(
            { apps: [api, app({ routing: { paths: ["api/*"] } })] },
            /apps\[1\]\.routing\.paths: "api\/\*" is not a listener rule path pattern/,
        );
        refuses(
            { apps: [api, app({ routing: { hosts: ["App.Example.com"] } })] },
            /routing\.hosts: "App.Example.com" is not a host name/,
        );
        refuses(
            { apps: [api, app({ startCommand: "node server.js; rm -rf /" })] },
            /startCommand: .* is not a plain command line/,
        );
        refuses(
            { apps: [api, app({ healthCheckPath: "health" })] },
            /healthCheckPath: "health" is not a health check path/,
        );
        refuses({ apps: [api, app({ maxBodySizeMiB: 0 })] }, /maxBodySizeMiB: 0 is out of range/);
    });

    it("refuses more condition values than one listener rule takes (5)", () => {
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-limits.html
        assert.equal(MAX_RULE_VALUES, 5);
        const ok = app({ routing: { paths: ["/a/*", "/b/*", "/c/*"], hosts: ["a.example.com", "b.example.com"] } });
        assert.doesNotThrow(() => validateEc2AppArgs("tier", tierArgs({ apps: [api, ok] })));
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
        // (3 match evaluations per condition, 5 per rule, 5 wildcards per rule)
        refuses(
            { apps: [api, app({ routing: { paths: ["/a/*", "/b/*", "/c/*", "/d/*"], hosts: ["a.example.com"] } })] },
            /apps\[1\]\.routing\.paths: .* has 4 values, allowed at most 3/,
        );
        refuses(
            {
                apps: [
                    api,
                    app({
                        routing: {
                            paths: ["/a", "/b", "/c"],
                            hosts: ["a.example.com", "b.example.com", "c.example.com"],
                        },
                    }),
                ],
            },
            /apps\[1\]\.routing: .* has 6 paths and hosts, allowed at most 5 in all/,
        );
        refuses(
            {
                apps: [
                    api,
                    app({ routing: { paths: ["/a/*/*", "/b/*/*"], hosts: ["*.example.com", "*.example.org"] } }),
                ],
            },
            /apps\[1\]\.routing: .* has 6 wildcards \(\* and \?\), allowed at most 5/,
        );
    });

    it("refuses a Parameter Store namespace that is not a path, and sizes out of range", () => {
        refuses(
            { parameterNamespace: "drsignet/prod" },
            /parameterNamespace: "drsignet\/prod" is not a Parameter Store path/,
        );
        refuses(
            { parameterNamespace: "/drsignet/" },
            /parameterNamespace: "\/drsignet\/" is not a Parameter Store path/,
        );
        refuses({ instances: { minSize: 3, maxSize: 2 } }, /instances\.maxSize: 2 is out of range, allowed 3..100/);
        refuses({ instances: { volumeSizeGiB: 4 } }, /instances\.volumeSizeGiB: 4 is out of range/);
        refuses(
            { instances: { nodePackage: "node" } },
            /instances\.nodePackage: "node" is not an Amazon Linux 2023 Node.js package/,
        );
        refuses({ instances: { architecture: "i386" as any } }, /instances\.architecture: "i386"/);
        refuses(
            { loadBalancer: { certificateArn: "c", idleTimeoutSeconds: 5000 } },
            /loadBalancer\.idleTimeoutSeconds: 5000 is out of range/,
        );
        refuses({ logRetentionInDays: 10 }, /logRetentionInDays: 10 is not a CloudWatch Logs retention period/);
        refuses({ patchGroup: "a\nb" }, /patchGroup: "a\\nb" is not a tag value/);
    });
});
