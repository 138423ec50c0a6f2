import * as assert from "assert";
import { ConfigError } from "@citadel/shared";
import {
    componentKeys,
    EcsAppArgs,
    FARGATE_SIZES,
    globMatches,
    resolveEcsAppArgs,
    ServiceArgs,
    validateEcsAppArgs,
} from "../src";
import { API_KEY_SECRET, appArgs, CERT_ARN } from "./fixtures";

const resolve = (args: EcsAppArgs) => resolveEcsAppArgs(args, componentKeys("app"));

/** Asserts a ConfigError whose message names `key` (and `value`, when given). */
function refuses(fn: () => unknown, key: string, value?: string): ConfigError {
    let caught: unknown;
    try {
        fn();
    } catch (e) {
        caught = e;
    }
    assert.ok(caught instanceof ConfigError, `expected a ConfigError, got ${String(caught)}`);
    assert.ok(caught.message.includes(key), `"${caught.message}" does not name ${key}`);
    if (value !== undefined) assert.ok(caught.message.includes(value), `"${caught.message}" does not name ${value}`);
    return caught;
}

function withService(patch: Partial<ServiceArgs>, index = 0): EcsAppArgs {
    const args = appArgs();
    args.services[index] = { ...args.services[index], ...patch };
    return args;
}

describe("EcsApp args", () => {
    it("fills in defaults: counts, scratch paths, rule priorities in list order, 365-day logs, ECR", () => {
        const a = resolve(appArgs());
        const [backend, frontend] = a.services;
        assert.deepStrictEqual([backend.desiredCount, backend.minCount, backend.maxCount], [2, 2, 4]);
        assert.deepStrictEqual([backend.priority, frontend.priority], [10, 20]);
        assert.deepStrictEqual(frontend.writablePaths, ["/tmp"]);
        assert.strictEqual(frontend.healthCheckPath, "/");
        assert.deepStrictEqual([frontend.cpu, frontend.memory], [256, 512]);
        assert.strictEqual(a.logRetentionInDays, 365);
        assert.strictEqual(a.capacity, "fargate");
        assert.deepStrictEqual(a.images, { source: "ecr" });
        assert.deepStrictEqual(a.repositories, ["backend", "frontend"]);
        assert.strictEqual(a.workers[0].desiredCount, 1);
        assert.strictEqual(a.migration?.useDatabase, true, "the migration gets the database by default");
        assert.strictEqual(a.loadBalancer.deletionProtection, false);
        assert.strictEqual(resolve(appArgs({ protect: true })).loadBalancer.deletionProtection, true);
    });

    it("resolves secrets as references, never values", () => {
        const [backend] = resolve(appArgs()).services;
        assert.deepStrictEqual(
            backend.secrets.map((s) => [s.name, s.kind, s.jsonKey]),
            [
                ["API_KEY", "secretsmanager", "key"],
                ["SMTP_PASSWORD", "ssm", undefined],
            ],
        );
    });

    it("refuses a secret given as a plain value, without echoing it", () => {
        const args = withService({ secrets: { DB_PASSWORD: "hunter2" as never } });
        const e = refuses(() => resolve(args), 'services["backend"].secrets.DB_PASSWORD');
        assert.ok(!e.message.includes("hunter2"), "the secret must not appear in the message");
    });

    it("refuses a secret-looking name in the environment", () => {
        for (const name of ["DB_PASSWORD", "STRIPE_SECRET", "GITLAB_TOKEN", "AWS_ACCESS_KEY_ID", "API_CREDENTIALS"]) {
            const e = refuses(
                () => resolve(withService({ environment: { [name]: "x-value" } })),
                `services["backend"].environment.${name}`,
            );
            assert.ok(!e.message.includes("x-value"));
        }
    });

    it("refuses malformed secret references", () => {
        refuses(
            () => resolve(withService({ secrets: { X: { secretsManagerArn: "my-secret" } } })),
            'services["backend"].secrets.X.secretsManagerArn',
            '"my-secret"',
        );
        refuses(
            () => resolve(withService({ secrets: { X: { ssmParameterArn: API_KEY_SECRET } } })),
            'services["backend"].secrets.X.ssmParameterArn',
        );
        refuses(() => resolve(withService({ secrets: { X: {} as never } })), 'services["backend"].secrets.X');
        refuses(
            () =>
                resolve(
                    withService({ environment: { X: "a" }, secrets: { X: { secretsManagerArn: API_KEY_SECRET } } }),
                ),
            'services["backend"].secrets.X',
            "also set in environment",
        );
    });

    it("refuses cpu/memory that are not a Fargate pair, and accepts them on EC2", () => {
        refuses(() => resolve(withService({ cpu: 256, memory: 4096 })), 'services["backend"].memory', "4096");
        refuses(() => resolve(withService({ cpu: 300, memory: 1024 })), 'services["backend"].cpu', "300");
        const onEc2 = resolve({ ...withService({ cpu: 300, memory: 700 }), capacity: "ec2" });
        assert.deepStrictEqual([onEc2.services[0].cpu, onEc2.services[0].memory], [300, 700]);
        for (const [cpu, memories] of FARGATE_SIZES) {
            for (const memory of memories) resolve(withService({ cpu, memory }));
        }
    });

    it("refuses two services on the same path, and a catch-all that shadows a later service", () => {
        refuses(
            () => resolve(withService({ routing: { paths: ["/api/*"] } }, 1)),
            'services["frontend"].routing.paths',
            'already routed to service "backend"',
        );
        const catchAllFirst = appArgs();
        catchAllFirst.services.reverse();
        refuses(() => resolve(catchAllFirst), 'services["backend"].routing.paths', 'service "frontend"');
        const sameHost = appArgs();
        sameHost.services[0].routing = { hosts: ["api.example.com"] };
        sameHost.services[1].routing = { hosts: ["API.example.com"] };
        refuses(() => resolve(sameHost), 'services["frontend"].routing.hosts', "API.example.com");
    });

    it("accepts overlapping routes that each still receive requests", () => {
        const args = appArgs();
        args.services[0].routing = { hosts: ["admin.example.com"], paths: ["/api/*"] };
        args.services[1].routing = { paths: ["/api/*", "/*"] };
        resolve(args);
        assert.ok(globMatches("/*", "/api/*"));
        assert.ok(!globMatches("/api/x", "/api/*"));
        assert.ok(globMatches("*.example.com", "APP.example.com", true));
    });

    it("refuses routing that matches nothing or exceeds an ALB rule's five condition values", () => {
        refuses(() => resolve(withService({ routing: {} })), 'services["backend"].routing', "matches no request");
        refuses(
            () => resolve(withService({ routing: { paths: ["api"] } })),
            'services["backend"].routing.paths',
            '"api"',
        );
        const five = { paths: ["/a", "/b", "/c"], hosts: ["a.example.com", "b.example.com"] };
        resolve(withService({ routing: five }));
        refuses(
            () =>
                resolve({
                    ...withService({ routing: five }),
                    originProtection: {
                        headerName: "X-Origin-Verify",
                        headerValue: "s3cr3t-0123456789abcdefghijklmnopqrstuvwxyz",
                        prefixListIds: ["pl-3b927c52"],
                    },
                }),
            'services["backend"].routing',
            "origin header takes one",
        );
    });

    it("refuses root and privileged ports for non-root users", () => {
        refuses(() => resolve(withService({ user: "root" })), 'services["backend"].user', '"root"');
        refuses(() => resolve(withService({ user: "0:0" })), 'services["backend"].user');
        refuses(() => resolve(withService({ user: "1000", port: 80 })), 'services["backend"].port', "80");
    });

    it("refuses inconsistent counts", () => {
        refuses(() => resolve(withService({ desiredCount: 2, minCount: 3 })), 'services["backend"].minCount', "3");
        refuses(() => resolve(withService({ desiredCount: 5, maxCount: 4 })), 'services["backend"].maxCount', "4");
    });

    it("refuses names that repeat or are reserved, unknown producers, and the database where there is none", () => {
        const dup = appArgs();
        dup.workers = [{ name: "backend", image: "backend" }];
        refuses(() => resolve(dup), "workers.name", '"backend"');
        refuses(() => resolve(withService({ name: "Backend" })), "services[0].name", '"Backend"');
        const producer = appArgs();
        producer.workers![0].producers = ["nobody"];
        refuses(() => resolve(producer), 'workers["jobs"].producers', '"nobody"');
        refuses(() => resolve(appArgs({ database: undefined })), 'services["backend"].useDatabase');
        const clash = appArgs();
        clash.workers![0].environment = { QUEUE_URL: "x" };
        refuses(() => resolve(clash), 'workers["jobs"].environment.QUEUE_URL', "set by EcsApp");
    });

    it("refuses load balancer, origin protection, image and capacity settings that cannot work", () => {
        refuses(() => resolve(appArgs({ loadBalancer: { certificateArn: "" } })), "loadBalancer.certificateArn");
        refuses(
            () =>
                resolve(
                    appArgs({ loadBalancer: { certificateArn: "arn:aws:iam::123456789012:server-certificate/x" } }),
                ),
            "loadBalancer.certificateArn",
        );
        refuses(
            () =>
                resolve(
                    appArgs({ loadBalancer: { certificateArn: CERT_ARN, desyncMitigationMode: "monitor" as never } }),
                ),
            "loadBalancer.desyncMitigationMode",
            '"monitor"',
        );
        refuses(
            () =>
                resolve(
                    appArgs({
                        originProtection: {
                            headerName: "X-Origin-Verify",
                            headerValue: "v0123456789abcdefghijklmnopqrstuvwxyz",
                            prefixListIds: [],
                        },
                    }),
                ),
            "originProtection.prefixListIds",
        );
        refuses(
            () =>
                resolve(
                    appArgs({
                        originProtection: {
                            headerName: "X Origin",
                            headerValue: "v0123456789abcdefghijklmnopqrstuvwxyz",
                            prefixListIds: ["pl-1"],
                        },
                    }),
                ),
            "originProtection.headerName",
        );
        refuses(
            () =>
                resolve(
                    appArgs({
                        images: { source: "registry", registry: "https://gitlab.com/x", credentialsSecretArn: "" },
                    }),
                ),
            "images.registry",
        );
        refuses(
            () =>
                resolve(
                    appArgs({
                        images: {
                            source: "registry",
                            registry: "registry.gitlab.com/acme/app",
                            credentialsSecretArn: "",
                        },
                    }),
                ),
            "images.credentialsSecretArn",
        );
        refuses(() => resolve(appArgs({ ec2: { instanceType: "t3.small" } })), "ec2", 'capacity "ec2"');
        refuses(
            () => resolve(appArgs({ capacity: "ec2", ec2: { minInstances: 5, maxInstances: 2 } })),
            "ec2.maxInstances",
            "2",
        );
        refuses(() => resolve(appArgs({ logRetentionInDays: 100 })), "logRetentionInDays", "100");
        refuses(() => resolve(appArgs({ parameterNamespace: "citadel/prod/" })), "parameterNamespace");
        refuses(() => resolve(appArgs({ services: [] })), "services", "is empty");
        refuses(() => resolve(appArgs({ logBucket: undefined })), "logBucket", "is required");
        resolve(
            appArgs({
                logBucket: undefined,
                loadBalancer: { certificateArn: CERT_ARN, accessLogsBucketName: "my-elb-logs" },
            }),
        );
    });

    it("refuses a component name ECS reserves for capacity providers, and a bad database, up front", () => {
        refuses(() => validateEcsAppArgs("ecs-app", appArgs({ capacity: "ec2" })), 'EcsApp "ecs-app": name');
        validateEcsAppArgs("ecs-app", appArgs());
        refuses(
            () => validateEcsAppArgs("app", appArgs({ database: { databaseName: "my-db" } })),
            "databaseName",
            '"my-db"',
        );
    });
});
