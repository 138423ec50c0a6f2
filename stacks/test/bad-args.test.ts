/**
 * Issue 11, kind 13 (and kind 7's late checks) through the components' TypeScript args, as a
 * platform team calls them: each case is one argument and its exact outcome.
 */
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
    argKeys,
    ConfigError,
    KmsKey,
    PostgresDatabase,
    requireCertificateInRegion,
    requireKeyResolved,
    SecureBucket,
} from "@citadel/shared";
import { componentKeys, EcsAppArgs, requireImageTagResolved, resolveEcsAppArgs, ServiceArgs } from "@citadel/ecs-app";
import { EdgeCdn, EdgeCdnArgs, OriginSecret } from "@citadel/edge-cdn";
import { AccountBaseline, AlertTopic, BackupPlan } from "@citadel/operations";
import { SecureVpc } from "@citadel/secure-vpc";
import {
    OrthancHost,
    OrthancHostArgs,
    requireAmiArchitecture,
    requireSubnetsResolved,
    resolveOrthancHostArgs,
} from "@citadel/orthanc-host";
import { appArgs } from "@citadel/ecs-app/test/fixtures";
import { capture, named } from "@citadel/testing";

const KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["subnet-a", "subnet-b"],
    privateSubnetIds: ["subnet-c", "subnet-d"],
    availabilityZones: ["eu-west-1a", "eu-west-1b"],
};

function refusedWith(fn: () => unknown, message: string): void {
    assert.throws(fn, (e: Error) => {
        assert.ok(e instanceof ConfigError, `not a ConfigError: ${e.stack}`);
        assert.ok(e.message.startsWith(message), `\n got: ${e.message}\nwant: ${message}`);
        return true;
    });
}

const resolve = (args: EcsAppArgs) => resolveEcsAppArgs(args, componentKeys("app"));
function withService(patch: Partial<ServiceArgs>): EcsAppArgs {
    const args = appArgs();
    args.services[0] = { ...args.services[0], ...patch };
    return args;
}

describe("bad component args (kind 13)", () => {
    describe("{ protect: true } as a resource option protects the key, bucket and database themselves", () => {
        it("KmsKey, SecureBucket and PostgresDatabase: the stateful resource and its children", async () => {
            const rec = await capture(() => {
                new KmsKey("k", { description: "test" }, { protect: true });
                new SecureBucket("b", { kmsKeyArn: KEY, accessLogs: { bucketName: "logs" } }, { protect: true });
                new PostgresDatabase(
                    "db",
                    { network: NETWORK, kmsKeyArn: KEY, databaseName: "app", allowedSecurityGroupIds: ["sg-1"] },
                    { protect: true },
                );
            });
            for (const [name, type] of [
                ["k-key", "aws:kms/key:Key"],
                ["b", "aws:s3/bucket:Bucket"],
                ["db", "aws:rds/instance:Instance"],
            ]) {
                assert.equal(named(rec, name, type).protect, true, name);
            }
        });

        it("without the option nothing is protected, and there is no second way (no protect argument)", async () => {
            const rec = await capture(() => new KmsKey("k", { description: "test" }));
            assert.equal(named(rec, "k-key").protect, false);
            // @ts-expect-error: KmsKeyArgs has no protect: the resource option is the one way to protect.
            const args: import("@citadel/shared").KmsKeyArgs = { description: "x", protect: true };
            assert.ok(args);
        });

        it("OrthancHost protects its bucket and database when asked, and never unprotects what the option protects", async () => {
            const base: OrthancHostArgs = {
                network: NETWORK,
                kmsKeyArn: KEY,
                accessLogsBucketName: "logs",
                webCidrs: ["203.0.113.0/24"],
                dicomCidrs: ["198.51.100.0/24"],
            };
            const rec = await capture(() => new OrthancHost("pacs", { ...base, protect: false }, { protect: true }));
            for (const name of ["pacs-db", "pacs-images", "pacs-admin"])
                assert.equal(named(rec, name).protect, true, name);
        });
    });

    describe("EcsApp writablePaths", () => {
        const cases: Array<[string[], string | undefined]> = [
            [["/"], 'EcsApp "app": services["backend"].writablePaths: "/" is not a normalised absolute path'],
            [
                ["/etc"],
                'EcsApp "app": services["backend"].writablePaths: "/etc" would hide a system directory of the image',
            ],
            [["/usr"], 'EcsApp "app": services["backend"].writablePaths: "/usr" would hide a system directory'],
            [
                ["/proc/self"],
                'EcsApp "app": services["backend"].writablePaths: "/proc/self" would hide a system directory',
            ],
            [["/tmp", "/tmp"], 'EcsApp "app": services["backend"].writablePaths: ["/tmp","/tmp"] repeats "/tmp"'],
            [
                ["/app/../etc"],
                'EcsApp "app": services["backend"].writablePaths: "/app/../etc" is not a normalised absolute path',
            ],
            [["/tmp/"], 'EcsApp "app": services["backend"].writablePaths: "/tmp/" is not a normalised absolute path'],
            [["tmp"], 'EcsApp "app": services["backend"].writablePaths: "tmp" is not a normalised absolute path'],
            [["/tmp", "/app/tmp", "/var/cache/app"], undefined],
        ];
        for (const [paths, outcome] of cases) {
            it(`${JSON.stringify(paths)} → ${outcome ? "refused" : "accepted"}`, () => {
                if (outcome) refusedWith(() => resolve(withService({ writablePaths: paths })), outcome);
                else assert.deepEqual(resolve(withService({ writablePaths: paths })).services[0].writablePaths, paths);
            });
        }
    });

    describe("credentials in plain environment", () => {
        const cases: Array<[Record<string, string>, string | undefined]> = [
            [{ DB_PASS: "x" }, 'DB_PASS: "(hidden)" has a name that looks like a credential'],
            [{ PGPASS: "x" }, 'PGPASS: "(hidden)" has a name that looks like a credential'],
            [{ API_AUTH: "x" }, 'API_AUTH: "(hidden)" has a name that looks like a credential'],
            [{ JWT_SIGNING: "x" }, 'JWT_SIGNING: "(hidden)" has a name that looks like a credential'],
            [{ SESSION_SALT: "x" }, 'SESSION_SALT: "(hidden)" has a name that looks like a credential'],
            [
                { DATABASE_URL: "postgres://app:hunter2@db:5432/app" },
                'DATABASE_URL: "(hidden)" holds a URL with a password in it',
            ],
            [{ BROKER: "amqps://worker:pw@mq.internal" }, 'BROKER: "(hidden)" holds a URL with a password in it'],
            [{ REDIS: "redis://:pw@cache:6379" }, 'REDIS: "(hidden)" holds a URL with a password in it'],
            [
                { DATABASE_URL: "postgres://db:5432/app", COMPASS_URL: "https://c.example.com", AUTHOR: "ops" },
                undefined,
            ],
        ];
        for (const [env, outcome] of cases) {
            it(`${Object.keys(env).join(", ")} → ${outcome ? "refused" : "accepted"}`, () => {
                if (outcome)
                    refusedWith(
                        () => resolve(withService({ environment: env })),
                        `EcsApp "app": services["backend"].environment.${outcome}`,
                    );
                else resolve(withService({ environment: env }));
            });
        }
    });

    describe("the CloudFront origin header value", () => {
        const protection = (headerValue: string) => ({
            originProtection: { headerName: "X-Origin-Verify", headerValue, prefixListIds: ["pl-3b927c52"] },
        });
        const cases: Array<[string, boolean]> = [
            ["x", false],
            ["a".repeat(31), false],
            ["a".repeat(129), false],
            [`${"a".repeat(40)}\r\nX-Evil: 1`, false],
            [`${"a".repeat(40)} b`, false],
            [`${"a".repeat(40)}é`, false],
            ["a".repeat(32), true],
            ["A1_-".repeat(12), true],
        ];
        for (const [value, ok] of cases) {
            it(`${JSON.stringify(value.length > 20 ? `${value.slice(0, 8)}…(${value.length})` : value)} → ${ok ? "accepted" : "refused"}`, () => {
                const args = appArgs(protection(value));
                if (ok) resolve(args);
                else
                    refusedWith(
                        () => resolve(args),
                        'EcsApp "app": originProtection.headerValue: "(hidden)" is too short, too long or has other characters',
                    );
            });
        }
    });

    it("SecureBucket refuses an empty or malformed kmsKeyArn (S3 would fall back to the AWS-managed key)", () => {
        refusedWith(
            () => new SecureBucket("d", { kmsKeyArn: "", accessLogs: { bucketName: "l" } }),
            'SecureBucket "d": kmsKeyArn: "" is required for a "data" bucket',
        );
        refusedWith(
            () => new SecureBucket("d", { kmsKeyArn: "alias/aws/s3", accessLogs: { bucketName: "l" } }),
            'SecureBucket "d": kmsKeyArn: "alias/aws/s3" is not an ARN',
        );
        refusedWith(
            () =>
                new SecureBucket("d", {
                    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/*",
                    accessLogs: { bucketName: "l" },
                }),
            'SecureBucket "d": kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/*" contains a wildcard',
        );
    });

    it("SecureBucket whose key resolves empty at deploy fails with a ResourceError naming the argument", () => {
        assert.throws(
            () => requireKeyResolved(undefined, "d", ""),
            (e: Error) => {
                assert.ok(pulumi.ResourceError.isInstance(e), `not a ResourceError: ${e}`);
                assert.equal(
                    e.message,
                    'SecureBucket "d": kmsKeyArn: "" is empty (S3 would use the AWS-managed key), allowed the ARN of a customer-managed KMS key',
                );
                return true;
            },
        );
        assert.equal(requireKeyResolved(undefined, "d", KEY), KEY);
    });

    it("EdgeCdn without logBucket: a named error, not a TypeError", () => {
        const args = {
            assets: {},
            aliases: ["a.example.com"],
            certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/x",
        } as unknown as EdgeCdnArgs;
        refusedWith(() => new EdgeCdn("edge", args), 'EdgeCdn "edge": logBucket: (unset) is required');
    });
});

describe("checks that wait for a resolved value raise a ResourceError naming the argument (kind 7)", () => {
    const base: OrthancHostArgs = {
        network: NETWORK,
        kmsKeyArn: KEY,
        accessLogsBucketName: "logs",
        webCidrs: ["203.0.113.0/24"],
        dicomCidrs: ["198.51.100.0/24"],
    };

    /** The late checks run inside `apply` (the mocks cannot surface an apply's error): called directly. */
    const late = (fn: () => unknown, message: RegExp) =>
        assert.throws(fn, (e: Error) => {
            assert.ok(pulumi.ResourceError.isInstance(e), `not a ResourceError: ${e}`);
            assert.match(e.message, message);
            return true;
        });

    it("OrthancHost hostCount above the resolved number of public subnets", () => {
        late(
            () => requireSubnetsResolved(undefined, "pacs", ["subnet-a", "subnet-b"], 3),
            /^OrthancHost "pacs": hostCount: 3 needs as many public subnets \(one per AZ\), and the network has 2, allowed 1..2$/,
        );
        requireSubnetsResolved(undefined, "pacs", ["subnet-a", "subnet-b"], 2);
    });

    it("OrthancHost hostCount above a plain list of subnets: before registration", () => {
        refusedWith(
            () => new OrthancHost("pacs", { ...base, hostCount: 3 }),
            'OrthancHost "pacs": hostCount: 3 needs as many public subnets (one per AZ), and the network has 2',
        );
    });

    it("an AMI whose architecture differs from the instance type's (m7g with an x86_64 AMI)", () => {
        late(
            () =>
                requireAmiArchitecture(undefined, "pacs", "ami-0123456789abcdef0", "x86_64", {
                    instanceType: "m7g.large",
                    architecture: "arm64",
                }),
            /^OrthancHost "pacs": amiId: "ami-0123456789abcdef0" is an x86_64 image, but instanceType m7g.large is arm64/,
        );
        late(
            () =>
                requireAmiArchitecture(undefined, "pacs", "ami-0123456789abcdef0", "arm64", {
                    instanceType: "t3.large",
                    architecture: "x86_64",
                }),
            /is an arm64 image, but instanceType t3.large is x86_64/,
        );
        assert.equal(
            requireAmiArchitecture(undefined, "pacs", "ami-1", "arm64", {
                instanceType: "m7g.large",
                architecture: "arm64",
            }),
            "ami-1",
        );
    });

    it("an AMI is looked up (and so checked) only when pinned", async () => {
        const rec = await capture(() => new OrthancHost("pacs", { ...base, amiId: "ami-0123456789abcdef0" }));
        assert.ok(rec.lookups.includes("aws:ec2/getAmi:getAmi"));
    });

    it("EcsApp: an image tag read from Parameter Store that is not a tag", () => {
        late(
            () => requireImageTagResolved(undefined, 'EcsApp "app": the image tag (/citadel/prod/app-version)', "v1 2"),
            /^EcsApp "app": the image tag \(\/citadel\/prod\/app-version\): "v1 2" is not a Docker image tag/,
        );
        assert.equal(requireImageTagResolved(undefined, "k", "1.4.2"), "1.4.2");
    });

    it("a load balancer's certificate from another region or partition, once the provider's region is known", () => {
        const UUID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
        const key = 'Ec2App "web": loadBalancer.certificateArn';
        late(
            () =>
                requireCertificateInRegion(
                    undefined,
                    key,
                    `arn:aws:acm:us-east-1:123456789012:certificate/${UUID}`,
                    "eu-west-1",
                ),
            /^Ec2App "web": loadBalancer.certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate\/0a1b2c3d-4e5f-6789-abcd-ef0123456789" is in us-east-1, but must be in eu-west-1/,
        );
        late(
            () =>
                requireCertificateInRegion(
                    undefined,
                    key,
                    `arn:aws:acm:cn-north-1:123456789012:certificate/${UUID}`,
                    "cn-north-1",
                ),
            /is in partition aws, but cn-north-1 is in partition aws-cn/,
        );
        late(
            () =>
                requireCertificateInRegion(
                    undefined,
                    key,
                    "arn:aws:acm:eu-west-1:123456789012:certificate/x",
                    "eu-west-1",
                ),
            /has a certificate id "x" that is not a UUID/,
        );
        assert.equal(
            requireCertificateInRegion(
                undefined,
                key,
                `arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}`,
                "eu-west-1",
            ),
            `arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}`,
        );
    });

    it("EcsApp: a plain image tag is checked before registration", () => {
        refusedWith(
            () => resolve(appArgs({ imageTag: "v1 2" })),
            'EcsApp "app": imageTag: "v1 2" is not a Docker image tag',
        );
    });
});

describe("every component called with undefined or null args: a named error, not a TypeError (issue 11, kind 13)", () => {
    // Each component's module, class and type token; the list is checked against what packages/ export.
    const components: Array<[string, new (name: string, args: any) => unknown]> = [];
    before(async () => {
        const modules = [
            "@citadel/shared",
            "@citadel/secure-vpc",
            "@citadel/ecs-app",
            "@citadel/ec2-app",
            "@citadel/edge-cdn",
            "@citadel/orthanc-host",
            "@citadel/operations",
            "@citadel/cache",
            "@citadel/search",
            "@citadel/secure-uploads",
        ];
        for (const m of modules) {
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module names are data
            for (const [exported, value] of Object.entries(require(m) as Record<string, unknown>)) {
                if (typeof value === "function" && value.prototype instanceof pulumi.ComponentResource) {
                    components.push([exported, value as new (name: string, args: any) => unknown]);
                }
            }
        }
    });

    it("finds every component class (17 of them)", () => {
        assert.equal(components.length, 17, components.map(([n]) => n).join(", "));
    });

    for (const bad of [undefined, null, "args", [] as unknown[]]) {
        it(`args ${JSON.stringify(bad) ?? "undefined"} → ConfigError naming the component and "args"`, () => {
            for (const [exported, Component] of components) {
                if (bad === undefined && exported === "OriginSecret") continue; // its args are all optional: {} is the documented default
                refusedWith(
                    () => new Component("x", bad),
                    `${exported} "x": args: ${JSON.stringify(bad) ?? "(unset)"} is not an object, allowed ${exported}Args`,
                );
            }
        });
    }

    it('required arguments missing from {} args: a named error, never Pulumi\'s "Missing required property" or an AWS default', async () => {
        for (const [exported, Component] of components) {
            if (exported === "OriginSecret" || exported === "AlertTopic") continue; // every argument optional, documented defaults
            assert.throws(
                () => new Component("x", {}),
                (e: Error) => {
                    assert.ok(e instanceof ConfigError, `${exported}: not a ConfigError: ${e}`);
                    assert.ok(e.message.startsWith(`${exported} "x": `), e.message);
                    return true;
                },
                exported,
            );
        }
        refusedWith(() => new BackupPlan("b", {} as never), 'BackupPlan "b": kmsKeyArn: (unset) is required');
        refusedWith(
            () => new AccountBaseline("a", {} as never),
            'AccountBaseline "a": accessLogsBucketName: (unset) is required',
        );
    });

    it("KmsKey description with a control character or line separator, empty or too long → refused", () => {
        for (const [d, problem] of [
            ["key\rfor logs", '"key\\rfor logs" contains a control character or line separator (U+000D at 3)'],
            ["key\u2028x", '"key\\u2028x" contains a control character or line separator (U+2028 at 3)'],
            ["key\u0085x", '"key\\u0085x" contains a control character'],
            ["tab\there", '"tab\\there" contains a control character'],
            ["", '"" is not a description'],
            ["  ", '"  " is not a description'],
            ["x".repeat(8193), `"${"x".repeat(79)}…" (8193 characters) is not a description`],
        ] as const) {
            refusedWith(() => new KmsKey("k", { description: d }), `KmsKey "k": description: ${problem}`);
        }
        refusedWith(
            () => new KmsKey("k", { description: undefined as unknown as string }),
            'KmsKey "k": description: (unset) is not a description',
        );
        // The same kind elsewhere: Orthanc's display name reaches its JSON configuration.
        refusedWith(
            () =>
                resolveOrthancHostArgs(
                    {
                        network: NETWORK,
                        kmsKeyArn: KEY,
                        accessLogsBucketName: "logs",
                        webCidrs: ["203.0.113.0/24"],
                        dicomCidrs: ["198.51.100.0/24"],
                        orthancName: "PACS\u2028x",
                    },
                    argKeys("OrthancHost", "pacs"),
                ),
            'OrthancHost "pacs": orthancName: "PACS\\u2028x" contains a control character or line separator (U+2028 at 4)',
        );
        assert.doesNotThrow(() => new KmsKey("k", { description: "Citadel dev: data at rest — logs, ✓" }));
    });
});

describe("a component argument it does not have: refused by name, not ignored (fresh-user trial)", () => {
    // TypeScript catches these at compile time; JavaScript, Python or Go callers (through the Pulumi
    // package) do not, and `emails` for `subscribers` created a topic with nobody subscribed. The
    // check runs after the component's own validation (a renamed argument gets its own message), still
    // before anything is registered.
    const cases: Array<[string, () => unknown, string]> = [
        [
            "SecureVpc azcount",
            () =>
                new SecureVpc("n", {
                    kmsKeyArn: "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000",
                    flowLogs: { destination: "s3", bucketArn: "arn:aws:s3:::logs" },
                    azcount: 3,
                } as never),
            'SecureVpc "n": azcount: 3 is not an argument of SecureVpc (did you mean azCount?)',
        ],
        [
            "KmsKey enableKeyRotation",
            () => new KmsKey("k", { description: "app data", enableKeyRotation: false } as never),
            'KmsKey "k": enableKeyRotation: false is not an argument of KmsKey',
        ],
        [
            "AlertTopic emails",
            () => new AlertTopic("a", { emails: ["ops@example.com"] } as never),
            'AlertTopic "a": emails: ["ops@example.com"] is not an argument of AlertTopic',
        ],
        [
            "OriginSecret lenght",
            () => new OriginSecret("o", { lenght: 64 } as never),
            'OriginSecret "o": lenght: 64 is not an argument of OriginSecret (did you mean length?)',
        ],
    ];
    for (const [what, build, message] of cases) it(what, () => refusedWith(build, message));

    it("names every argument the component has in what is allowed", () => {
        refusedWith(
            () => new OriginSecret("o", { size: 64 } as never),
            'OriginSecret "o": size: 64 is not an argument of OriginSecret, allowed the arguments of OriginSecretArgs: headerName, length, rotation, tags',
        );
    });
});
