import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PolicyConfigError, readPackConfig, resolveConfig } from "../src/config";
import { evaluate, PlainResource } from "../src/evaluate";
import { RULES } from "../src/rules";
import { T } from "../src/rules/types";

const worldIngress = (port: number): PlainResource => ({
    type: T.securityGroupIngressRule,
    name: `in-${port}`,
    id: `in-${port}-id`,
    inputs: { securityGroupId: "sg-id", ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: "0.0.0.0/0" },
});
const balancer: PlainResource = {
    type: T.loadBalancer,
    name: "alb",
    id: "alb-id",
    inputs: { securityGroups: ["sg-id"] },
};
const publicSubnet: PlainResource = { type: T.subnet, name: "s", inputs: { vpcId: "v-id", mapPublicIpOnLaunch: true } };
const logGroup: PlainResource = {
    type: T.logGroup,
    name: "lg",
    inputs: { retentionInDays: 90, kmsKeyId: "arn:aws:kms:eu-west-1:1:key/k" },
};
const singleAzDb: PlainResource = { type: T.dbInstance, name: "db", inputs: { multiAz: false } };

const levels = (config: Parameters<typeof evaluate>[1], resources: PlainResource[]) =>
    evaluate(resources, config).map((v) => `${v.policy}:${v.level}:${v.name}`);

describe("policy pack config", () => {
    it("by default applies each rule's own level", () => {
        assert.deepEqual(levels({}, [publicSubnet]), ["ec2-subnet-no-public-ip:mandatory:s"]);
        assert.ok(levels({}, [singleAzDb]).includes("rds-multi-az:advisory:db"));
    });

    it("turns a rule advisory or off, by level string or object", () => {
        assert.deepEqual(levels({ "ec2-subnet-no-public-ip": "advisory" }, [publicSubnet]), [
            "ec2-subnet-no-public-ip:advisory:s",
        ]);
        assert.deepEqual(levels({ "ec2-subnet-no-public-ip": { enforcementLevel: "disabled" } }, [publicSubnet]), []);
        assert.ok(levels({ "rds-multi-az": "mandatory" }, [singleAzDb]).includes("rds-multi-az:mandatory:db"));
    });

    it("applies `all` to every rule, and a rule's own level over it", () => {
        assert.deepEqual(levels({ all: "advisory" }, [publicSubnet]), ["ec2-subnet-no-public-ip:advisory:s"]);
        assert.deepEqual(
            levels({ all: "disabled", "ec2-subnet-no-public-ip": "mandatory" }, [publicSubnet, worldIngress(22)]),
            ["ec2-subnet-no-public-ip:mandatory:s"],
        );
        assert.ok(
            resolveConfig(RULES, { all: "remediate" }).every((r) => r.level === "mandatory"),
            "remediate counts as mandatory",
        );
    });

    it("takes an allowlist of ports open to the world, replacing the default 80 and 443", () => {
        // The ports apply to a load balancer's group ("sg-id" is the load balancer's here).
        const only = (vs: string[]) => vs.filter((v) => v.startsWith("ec2-no-world-ingress"));
        assert.deepEqual(only(levels({}, [worldIngress(443), worldIngress(11112), balancer])), [
            "ec2-no-world-ingress:mandatory:in-11112",
        ]);
        assert.deepEqual(
            only(
                levels({ "ec2-no-world-ingress": { allowedPorts: [443, 11112] } }, [
                    worldIngress(443),
                    worldIngress(11112),
                    balancer,
                ]),
            ),
            [],
        );
        assert.deepEqual(
            only(levels({ "ec2-no-world-ingress": { allowedPorts: [] } }, [worldIngress(443), balancer])),
            ["ec2-no-world-ingress:mandatory:in-443"],
        );
        // Without a load balancer on the group, no port may be open to the world.
        assert.deepEqual(only(levels({}, [worldIngress(443)])), ["ec2-no-world-ingress:mandatory:in-443"]);
    });

    it("takes thresholds (log retention, backup days) and lists (TLS policies, secret-looking names)", () => {
        assert.deepEqual(levels({}, [logGroup]), []);
        assert.deepEqual(levels({ "cloudwatch-log-group-retention-kms": { minimumRetentionDays: 365 } }, [logGroup]), [
            "cloudwatch-log-group-retention-kms:mandatory:lg",
        ]);
        const listener: PlainResource = {
            type: T.listener,
            name: "l",
            inputs: { protocol: "HTTPS", sslPolicy: "ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06" },
        };
        assert.deepEqual(levels({}, [listener]), ["elb-tls-policy:mandatory:l"]);
        assert.deepEqual(
            levels({ "elb-tls-policy": { allowedSslPolicies: ["ELBSecurityPolicy-TLS13-1-2-Ext1-2021-06"] } }, [
                listener,
            ]),
            [],
        );
        const td: PlainResource = {
            type: T.taskDefinition,
            name: "td",
            inputs: {
                containerDefinitions: JSON.stringify([
                    {
                        name: "c",
                        readonlyRootFilesystem: true,
                        user: "1000",
                        logConfiguration: { logDriver: "awslogs" },
                        environment: [{ name: "PUBLIC_KEY_PEM", value: "-----BEGIN PUBLIC KEY-----" }],
                    },
                ]),
            },
        };
        assert.deepEqual(levels({}, [td]), ["ecs-no-secrets-in-environment:mandatory:td"]);
        assert.deepEqual(levels({ "ecs-no-secrets-in-environment": { allowedNames: ["PUBLIC_KEY_PEM"] } }, [td]), []);
    });

    it("refuses unknown rules, levels and options, and ill-typed values, naming the key and what is allowed", () => {
        const refuses = (config: object, pattern: RegExp) =>
            assert.throws(
                () => resolveConfig(RULES, config as never),
                (e: Error) => e instanceof PolicyConfigError && pattern.test(e.message),
            );
        refuses(
            { "s3-ssl-everywhere": "advisory" },
            /^s3-ssl-everywhere: "advisory" names no rule of the pack, allowed "all" or a rule name/,
        );
        // A typo gets the rule it was meant to be.
        refuses(
            { "rds-storage-encrytped": "advisory" },
            /^rds-storage-encrytped: "advisory" names no rule of the pack \(did you mean rds-storage-encrypted\?\)/,
        );
        refuses(
            { "s3-ssl-only": "off" },
            /^s3-ssl-only\.enforcementLevel: "off" is not an enforcement level, allowed mandatory \| advisory \| disabled/,
        );
        refuses(
            { "ec2-no-world-ingress": { allowedPort: [22] } },
            /^ec2-no-world-ingress\.allowedPort: \[22\] is not an option of this rule, allowed allowedPorts/,
        );
        refuses(
            { "ec2-no-world-ingress": { allowedPorts: [70000] } },
            /^ec2-no-world-ingress\.allowedPorts\[0\]: 70000 is out of range, allowed integer 0\.\.65535/,
        );
        refuses({ "ec2-no-world-ingress": { allowedPorts: "443" } }, /allowedPorts: "443" is not an array/);
        refuses(
            { "rds-backup-retention": { minimumRetentionDays: 40 } },
            /minimumRetentionDays: 40 is out of range, allowed integer 1\.\.35/,
        );
        refuses(
            { "s3-ssl-only": { allowedPorts: [1] } },
            /s3-ssl-only\.allowedPorts: \[1\] is not an option of this rule, allowed enforcementLevel only/,
        );
    });

    it("reads the JSON file `pulumi preview --policy-pack-config` takes", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-policy-"));
        try {
            const file = path.join(dir, "policy-config.json");
            fs.writeFileSync(file, JSON.stringify({ "elb-deletion-protection": "disabled" }));
            assert.deepEqual(readPackConfig(file), { "elb-deletion-protection": "disabled" });
            fs.writeFileSync(file, "[1]");
            assert.throws(() => readPackConfig(file), /--policy-config: ".*policy-config\.json" is not a JSON object/);
            assert.throws(() => readPackConfig(path.join(dir, "absent.json")), /cannot be read/);
            // A Markdown file given by mistake: JSON.parse quotes it, newlines and all; the message stays one line.
            fs.writeFileSync(file, "# Citadel\n\nReusable components\n");
            assert.throws(
                () => readPackConfig(file),
                (e: Error) => /is not a JSON object \(/.test(e.message) && !e.message.includes("\n"),
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
