import { strict as assert } from "assert";
import { attachedTo, judgeAttached, PolicyResource, referenced, refers } from "../src/rule";
import { looksSecret, RULES, T } from "../src/rules";
import { coversAction, onAllResources, statementsOf } from "../src/rules/policy-doc";
import { noWorldIngress } from "../src/rules/network";
import { isRootUser } from "../src/rules/ecs";
import { isPublicStatement } from "../src/rules/fsbp-audit";
import { fails, hasUnknown, UNKNOWN, wildcardMatch } from "../src/values";
import { pulumiType } from "./fixtures";

const res = (
    type: string,
    name: string,
    props: Record<string, unknown>,
    extra: Partial<PolicyResource> = {},
): PolicyResource => ({ type, name, urn: `urn:${name}`, id: `${name}-id`, props, ...extra });

describe("policy type tokens", () => {
    it("are the __pulumiType of the @pulumi/aws 7 classes they name", () => {
        for (const token of Object.values(T)) {
            const [, modulePath, className] = token.split(":");
            const mod = modulePath.split("/")[0];
            // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module path is computed per token
            const cls = require(`@pulumi/aws/${mod}`)[className];
            assert.ok(cls, `@pulumi/aws/${mod} has no class ${className}`);
            assert.equal(pulumiType(cls), token);
        }
    });

    it("are the only types the rules read", () => {
        const known = new Set<string>(Object.values(T));
        assert.deepEqual(
            RULES.flatMap((r) => r.resourceTypes).filter((t) => !known.has(t)),
            [],
        );
    });
});

describe("unknown values", () => {
    it("never fail a check", () => {
        assert.equal(
            fails<boolean>(UNKNOWN, (v) => v === true),
            false,
        );
        assert.equal(
            fails({ a: [UNKNOWN] }, () => false),
            false,
        );
        assert.equal(
            fails(false, (v) => v === true),
            true,
        );
        assert.equal(hasUnknown([1, { b: UNKNOWN }]), true);
    });

    it("make a reference 'maybe', unless CrossGuard's property dependencies say where it comes from", () => {
        const vpc = res(T.vpc, "v", {});
        const other = res(T.vpc, "w", {});
        const fl = res(T.flowLog, "fl", { vpcId: UNKNOWN });
        assert.equal(refers(fl, "vpcId", vpc), "maybe");
        const withDeps = { ...fl, propertyDeps: { vpcId: ["urn:v"] } };
        assert.equal(refers(withDeps, "vpcId", vpc), "yes");
        assert.equal(refers(withDeps, "vpcId", other), "no");
        assert.equal(refers(res(T.flowLog, "fl", { vpcId: "v-id" }), "vpcId", vpc), "yes");
    });

    it("match an ARN that ends with the resource's id (WAF ACLs, distributions)", () => {
        const acl = res(T.webAcl, "acl", {});
        const logging = res(T.webAclLogging, "l", {
            resourceArn: "arn:aws:wafv2:us-east-1:1:global/webacl/acl-x/acl-id",
        });
        assert.equal(refers(logging, "resourceArn", acl), "yes");
        assert.equal(
            refers(
                res(T.webAclLogging, "l", { resourceArn: "arn:aws:wafv2:us-east-1:1:global/webacl/x/acl-id2" }),
                "resourceArn",
                acl,
            ),
            "no",
        );
    });

    it("pass an attachment check only when nothing definite contradicts it", () => {
        const b = res(T.bucket, "b", {});
        const maybe = [res(T.bucketVersioning, "v", { bucket: UNKNOWN })];
        assert.equal(judgeAttached(attachedTo(maybe, b, [T.bucketVersioning], "bucket"), "missing"), undefined);
        assert.equal(judgeAttached(attachedTo([], b, [T.bucketVersioning], "bucket"), "missing"), "missing");
    });
});

describe("policy documents", () => {
    it("normalise statements given as text or objects, single or listed", () => {
        const one = statementsOf(
            JSON.stringify({
                Statement: {
                    Effect: "Allow",
                    Action: "s3:*",
                    Resource: "*",
                    Principal: { Service: "x.amazonaws.com" },
                },
            }),
        )!;
        assert.equal(one.length, 1);
        assert.deepEqual(one[0].services, ["x.amazonaws.com"]);
        assert.ok(coversAction(one[0], "s3:GetObject"));
        assert.ok(onAllResources(one[0]));
        assert.equal(statementsOf(UNKNOWN), undefined);
        assert.equal(statementsOf("not json"), undefined);
        assert.equal(
            statementsOf({ Statement: [{ Effect: "Deny", Principal: { AWS: "*" }, Action: ["kms:*"] }] })![0]
                .anyPrincipal,
            true,
        );
    });

    it("match actions like IAM: wildcards, case, NotAction", () => {
        assert.ok(wildcardMatch("kms:Decrypt*", "kms:decrypt"));
        assert.ok(wildcardMatch("kms:ReEncrypt*", "kms:ReEncryptFrom"));
        assert.ok(wildcardMatch("s3:Get?bject", "s3:GetObject"));
        assert.ok(!wildcardMatch("kms:Encrypt", "kms:Decrypt"));
        assert.ok(!wildcardMatch("s3.*", "s3:GetObject"), "a dot is literal");
        const [s] = statementsOf({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] })!;
        assert.ok(coversAction(s, "kms:Decrypt"));
        assert.ok(!coversAction(s, "iam:CreateUser"));
    });
});

describe("ecs-no-secrets-in-environment name heuristics", () => {
    it("flags names that carry a secret", () => {
        for (const n of [
            "DB_PASSWORD",
            "PGPASSWORD",
            "SECRET_KEY_BASE",
            "API_KEY",
            "STRIPE_KEY",
            "GITLAB_TOKEN",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "ECS_ENGINE_AUTH_DATA",
            "ORTHANC_CREDENTIALS",
            "jwtSecret",
        ]) {
            assert.ok(looksSecret(n), n);
        }
    });

    it("spares references to secrets and look-alike words", () => {
        for (const n of [
            "DB_SECRET_ARN",
            "KMS_KEY_ID",
            "DB_PASSWORD_FILE",
            "KEYCLOAK_URL",
            "MONKEY_MODE",
            "LOG_LEVEL",
            "TOKEN_URL",
        ]) {
            assert.ok(!looksSecret(n), n);
        }
    });
});

describe("ec2-no-world-ingress: ports, load balancers and the internet in pieces", () => {
    const LB = res(T.loadBalancer, "alb", { loadBalancerType: "application", securityGroups: ["lb-sg"] });
    /** Messages for ingress rules on `group` (a load balancer's group is "lb-sg"). */
    const rule = (
        rules: Array<Record<string, unknown>>,
        group = "lb-sg",
        allowedPorts = [80, 443],
        minPrefixLength = 16,
    ) =>
        noWorldIngress
            .check(
                [
                    LB,
                    ...rules.map((p, i) => res(T.securityGroupIngressRule, `in${i}`, { securityGroupId: group, ...p })),
                ],
                { allowedPorts, minPrefixLength },
            )
            .map((f) => f.message);
    const tcp = (port: number, cidrIpv4: string) => ({ ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4 });

    it("accepts a world-open range made only of allowed ports, on a load balancer's group", () => {
        assert.deepEqual(rule([tcp(80, "0.0.0.0/0")]), []);
        assert.deepEqual(
            rule([{ ipProtocol: "tcp", fromPort: 8443, toPort: 8444, cidrIpv4: "0.0.0.0/0" }], "lb-sg", [8443, 8444]),
            [],
        );
    });

    it("refuses 443 from the world on a group no load balancer uses", () => {
        assert.match(
            rule([tcp(443, "0.0.0.0/0")], "hosts-sg")[0],
            /in0 admits 0\.0\.0\.0\/0 on tcp port 443, outside the allowed ports \(none\) \(only a load balancer's/,
        );
    });

    // Issue 11, kind 3: each row is the sources on one group, and whether the rule refuses them.
    const pieces: Array<[string[], number, RegExp | undefined]> = [
        [["0.0.0.0/1", "128.0.0.0/1"], 22, /admits 0\.0\.0\.0\/1 on tcp port 22/],
        [["0.0.0.0/2"], 11112, /admits 0\.0\.0\.0\/2 on tcp port 11112/],
        [["10.0.0.0/8"], 22, /admits 10\.0\.0\.0\/8/],
        [["0.0.0.0/1", "128.0.0.0/1"], 443, undefined],
        [["203.0.0.0/16", "198.51.0.0/16"], 11112, /together open 131072 addresses, more than one \/16/],
        [
            Array.from({ length: 257 }, (_, i) => `100.${64 + (i >> 8)}.${i & 255}.0/24`),
            22,
            /together open 65792 addresses/,
        ],
        [["203.0.113.0/24", "198.51.100.0/24"], 11112, undefined],
        [Array.from({ length: 256 }, (_, i) => `100.64.${i}.0/24`), 22, undefined],
    ];
    for (const [cidrs, port, refused] of pieces) {
        it(`${cidrs.length > 3 ? `${cidrs.length} blocks` : cidrs.join(" + ")} on ${port}: ${refused ? "refused" : "accepted"}`, () => {
            const messages = rule(cidrs.map((c) => tcp(port, c)));
            if (refused)
                assert.ok(
                    messages.some((m) => refused.test(m)),
                    messages.join("\n") || "(accepted)",
                );
            else assert.deepEqual(messages, []);
        });
    }

    it("names the ports, the protocol and the CIDR it refuses", () => {
        assert.match(
            rule([{ ipProtocol: "tcp", fromPort: 80, toPort: 443, cidrIpv4: "0.0.0.0/0" }])[0],
            /0\.0\.0\.0\/0 on tcp ports 80-443/,
        );
        assert.match(
            rule([{ ipProtocol: "icmp", fromPort: -1, toPort: -1, cidrIpv6: "::/0" }])[0],
            /::\/0 on protocol icmp/,
        );
        assert.match(rule([{ ipProtocol: "-1", cidrIpv4: "0.0.0.0/0" }])[0], /every protocol and port/);
    });

    it("stays silent on unknown ports and narrow sources", () => {
        assert.deepEqual(rule([{ ipProtocol: "tcp", fromPort: UNKNOWN, toPort: UNKNOWN, cidrIpv4: "0.0.0.0/0" }]), []);
        assert.deepEqual(rule([tcp(22, "10.0.0.0/16")], "hosts-sg"), []);
    });
});

describe("references between resources, indexed once", () => {
    it("follow property dependencies, values, physical names and ARNs ending in an id; unknown is 'unknown'", () => {
        const group = res(T.dbParameterGroup, "pg", { name: "pg-123" });
        const db = (props: Record<string, unknown>, extra: Partial<PolicyResource> = {}) =>
            res(T.dbInstance, "db", props, extra);
        const all = (d: PolicyResource) => [group, d];
        let d = db({ parameterGroupName: "pg-123" });
        assert.equal(referenced(all(d), d, "parameterGroupName", [T.dbParameterGroup], "name"), group);
        d = db({ parameterGroupName: UNKNOWN });
        assert.equal(referenced(all(d), d, "parameterGroupName", [T.dbParameterGroup], "name"), "unknown");
        d = db({ parameterGroupName: UNKNOWN }, { propertyDeps: { parameterGroupName: ["urn:pg"] } });
        assert.equal(referenced(all(d), d, "parameterGroupName", [T.dbParameterGroup], "name"), group);
        d = db({ parameterGroupName: "shared-params" });
        assert.equal(referenced(all(d), d, "parameterGroupName", [T.dbParameterGroup], "name"), undefined);
        const secret = res(T.secret, "s", {});
        const rotation = res(T.secretRotation, "r", { secretId: "arn:aws:secretsmanager:eu-west-1:1:secret/s-id" });
        assert.equal(referenced([secret, rotation], rotation, "secretId", [T.secret]), secret);
    });

    it("keep every rule linear in the stack: twice the resources, about twice the property reads", () => {
        // A stack of n copies of each kind of resource the rules join (subnets and their users, secrets and
        // rotations, databases and parameter groups, buckets and policies, VPCs and endpoints, scans), each
        // property read counted. A rule that scans a type per resource reads four times as much at 2n.
        let reads = 0;
        const counted = (r: PolicyResource): PolicyResource => ({
            ...r,
            props: new Proxy(r.props, {
                get: (t, k) => {
                    reads++;
                    return Reflect.get(t, k);
                },
            }),
        });
        const stack = (n: number) =>
            Array.from({ length: n }, (_, i) => [
                res(T.vpc, `v${i}`, {}),
                res(T.vpcEndpoint, `e${i}`, { vpcId: `v${i}-id`, serviceName: "com.amazonaws.eu-west-1.ec2" }),
                res(T.subnet, `a${i}`, { availabilityZone: "eu-west-1a" }),
                res(T.subnet, `b${i}`, { availabilityZone: "eu-west-1b" }),
                res(T.loadBalancer, `lb${i}`, { loadBalancerType: "application", subnets: [`a${i}-id`, `b${i}-id`] }),
                res(T.autoScalingGroup, `g${i}`, {
                    vpcZoneIdentifiers: [`a${i}-id`, `b${i}-id`],
                    launchTemplate: { id: "lt" },
                }),
                res(T.secret, `s${i}`, {}),
                res(T.secretRotation, `r${i}`, { secretId: `s${i}-id`, rotationRules: { automaticallyAfterDays: 30 } }),
                res(T.dbParameterGroup, `pg${i}`, {
                    name: `pg${i}`,
                    parameters: [{ name: "rds.force_ssl", value: "1" }],
                }),
                res(T.dbInstance, `db${i}`, { engine: "postgres", engineVersion: "14", parameterGroupName: `pg${i}` }),
                res(T.bucket, `u${i}`, { bucket: `u${i}` }),
                res(T.bucketPolicy, `up${i}`, { bucket: `u${i}`, policy: "{}" }),
                res(T.malwareProtectionPlan, `m${i}`, { protectedResource: { s3Bucket: { bucketName: `u${i}` } } }),
                res(T.listener, `l${i}`, {
                    protocol: "HTTP",
                    defaultActions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }],
                }),
                res(T.listenerRule, `lr${i}`, {
                    listenerArn: `l${i}-id`,
                    actions: [{ type: "redirect", redirect: { protocol: "HTTPS" } }],
                }),
            ])
                .flat()
                .map(counted);
        const readsFor = (n: number) => {
            const resources = stack(n);
            reads = 0;
            for (const rule of RULES) {
                if (rule.kind === "stack")
                    rule.check(
                        resources,
                        Object.fromEntries(Object.entries(rule.options).map(([k, o]) => [k, o.default])),
                    );
                else
                    for (const r of resources)
                        if (rule.resourceTypes.includes(r.type))
                            rule.check(
                                r,
                                Object.fromEntries(Object.entries(rule.options).map(([k, o]) => [k, o.default])),
                            );
            }
            return reads;
        };
        const small = readsFor(200);
        const large = readsFor(400);
        assert.ok(large / small < 2.5, `reads grew ${large / small}× for twice the resources (${small} → ${large})`);
    });
});

describe("the FSBP audit's rules at preview (issue 11, item 14)", () => {
    const rule = (name: string) => RULES.find((r) => r.name === name)!;
    const judge = (name: string, resources: PolicyResource[]): string[] => {
        const r = rule(name);
        const options = Object.fromEntries(Object.entries(r.options).map(([k, o]) => [k, o.default]));
        return r.kind === "stack"
            ? r.check(resources, options).map((f) => f.message)
            : resources.filter((x) => r.resourceTypes.includes(x.type)).flatMap((x) => r.check(x, options));
    };

    it("stay silent on values not known yet", () => {
        assert.deepEqual(
            judge("ecs-non-root-user", [res(T.taskDefinition, "td", { containerDefinitions: UNKNOWN })]),
            [],
        );
        assert.deepEqual(
            judge("ecs-non-root-user", [
                res(T.taskDefinition, "td", { containerDefinitions: [{ name: "c", user: UNKNOWN }] }),
            ]),
            [],
        );
        assert.deepEqual(judge("sqs-not-public", [res(T.sqsQueuePolicy, "qp", { policy: UNKNOWN })]), []);
        assert.deepEqual(judge("sns-not-public", [res(T.snsTopic, "t", { policy: UNKNOWN })]), []);
        assert.deepEqual(judge("s3-no-cross-account-admin", [res(T.bucketPolicy, "bp", { policy: UNKNOWN })]), []);
        assert.deepEqual(judge("elb-multi-az", [res(T.loadBalancer, "lb", { subnets: [UNKNOWN, UNKNOWN] })]), []);
        assert.deepEqual(
            judge("rds-postgres-force-ssl", [
                res(T.dbInstance, "db", { engine: "postgres", engineVersion: "14", parameterGroupName: UNKNOWN }),
            ]),
            [],
        );
        assert.deepEqual(
            judge("secretsmanager-rotation", [
                res(T.secret, "s", {}),
                res(T.secretRotation, "r", { secretId: UNKNOWN, rotationRules: { automaticallyAfterDays: 30 } }),
            ]),
            [],
        );
        assert.deepEqual(
            judge("cloudfront-default-root-object", [
                res(T.distribution, "cdn", { origins: UNKNOWN, defaultCacheBehavior: { targetOriginId: "s3" } }),
            ]),
            [],
        );
        assert.deepEqual(
            judge("rds-enhanced-monitoring", [
                res(T.dbInstance, "db", { monitoringInterval: 60, monitoringRoleArn: UNKNOWN }),
            ]),
            [],
        );
    });

    it("follow an unknown reference through CrossGuard's property dependencies", () => {
        const group = res(T.dbParameterGroup, "pg", {
            name: UNKNOWN,
            parameters: [{ name: "rds.force_ssl", value: "0" }],
        });
        const db = res(
            T.dbInstance,
            "db",
            { engine: "postgres", engineVersion: "16", parameterGroupName: UNKNOWN },
            { propertyDeps: { parameterGroupName: ["urn:pg"] } },
        );
        assert.equal(judge("rds-postgres-force-ssl", [group, db]).length, 1);
        const secret = res(T.secret, "s", {});
        const rotation = res(
            T.secretRotation,
            "r",
            { secretId: UNKNOWN, rotationRules: { automaticallyAfterDays: 400 } },
            { propertyDeps: { secretId: ["urn:s"] } },
        );
        assert.deepEqual(judge("secretsmanager-rotation", [secret, rotation]), [
            "secret s rotates every 400 days, more than 90",
        ]);
    });

    it("read root in every spelling, and only the user part of user:group", () => {
        assert.deepEqual(
            ["root", "ROOT:root", "0", "000", "0:1000", " 0 "].filter((u) => !isRootUser(u)),
            [],
        );
        assert.deepEqual(["1000", "1000:0", "app", "nobody:nogroup", "10"].filter(isRootUser), []);
    });

    it('count a statement to "*" as public unless a condition pins the caller to fixed values', () => {
        const stmt = (condition?: object) =>
            statementsOf(
                JSON.stringify({
                    Statement: [
                        {
                            Effect: "Allow",
                            Principal: "*",
                            Action: "sqs:SendMessage",
                            Resource: "q",
                            ...(condition ? { Condition: condition } : {}),
                        },
                    ],
                }),
            )![0];
        assert.equal(isPublicStatement(stmt()), true);
        assert.equal(isPublicStatement(stmt({ StringEquals: { "sqs:MessageGroupId": "x" } })), true);
        assert.equal(isPublicStatement(stmt({ StringEquals: { "aws:SourceAccount": "*" } })), true);
        assert.equal(isPublicStatement(stmt({ StringEquals: { "aws:SourceAccount": "123456789012" } })), false);
        assert.equal(isPublicStatement(stmt({ StringEquals: { "aws:PrincipalOrgID": ["o-abc"] } })), false);
        assert.equal(
            isPublicStatement(stmt({ ArnLike: { "AWS:SourceArn": "arn:aws:events:eu-west-1:123456789012:rule/*" } })),
            false,
        );
        // A wildcard in the account (or no ARN at all) pins nobody.
        assert.equal(
            isPublicStatement(stmt({ ArnLike: { "aws:SourceArn": "arn:aws:events:eu-west-1:*:rule/*" } })),
            true,
        );
        assert.equal(isPublicStatement(stmt({ StringLike: { "aws:SourceAccount": "1234*" } })), true);
    });
});
