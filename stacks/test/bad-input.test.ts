/**
 * Every kind of bad input of issue 11, through the stack config a user edits: each case is one key
 * (or a few) overriding a stack file, and the exact outcome, a ConfigError naming the key, the value
 * and what is allowed, raised while reading config (so before any resource is registered: a few
 * cases below also go through the whole program to prove that). Cases marked `ok` are accepted.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { currentRecording, parsePlanArgs, REPO_ROOT, runStack, stackConfig } from "@citadel/testing";
import { ConfigError } from "@citadel/shared";
import { closestKey, ConfigReader, declaredKeys } from "../src/config";
import { loadSettings, Settings } from "../src/settings";
import { PolicyResource, ruleNamed, T } from "@citadel/policy";
import { DEFAULT_INGRESS_PREFIX_FLOOR } from "@citadel/shared";

type Case = [stack: string, overrides: Record<string, unknown>, outcome: string];
const OK = "ok";

function load(stack: string, overrides: Record<string, unknown>): Settings {
    pulumi.runtime.setAllConfig(stackConfig(stack, overrides));
    return loadSettings(new ConfigReader("citadel"));
}

/** Runs one table: each refused case must fail with a message starting with the outcome given. */
function table(kind: string, cases: Case[]): void {
    describe(kind, () => {
        for (const [stack, overrides, outcome] of cases) {
            it(`${stack} ${JSON.stringify(overrides)} → ${outcome === OK ? "accepted" : "refused"}`, () => {
                if (outcome === OK) {
                    load(stack, overrides);
                    return;
                }
                assert.throws(
                    () => load(stack, overrides),
                    (e: Error) => {
                        assert.ok(e instanceof ConfigError, `not a ConfigError: ${e.stack}`);
                        assert.ok(
                            pulumi.RunError.isInstance(e),
                            "a ConfigError is a Pulumi RunError (printed without a stack trace)",
                        );
                        assert.ok(e.message.startsWith(outcome), `\n got: ${e.message}\nwant: ${outcome}`);
                        return true;
                    },
                );
            });
        }
    });
}

const CERT_SECRET = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orthanc-tls-AbCdEf";
const APP_CERT = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
const EDGE_CERT = "arn:aws:acm:us-east-1:111122223333:certificate/00000000-0000-0000-0000-000000000000";
const UNSAFE = "contains a control character or line separator";

describe("bad input, by kind (stack config)", () => {
    table("1. text that escapes its file", [
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": `${CERT_SECRET}\rbootcmd: [reboot]` },
            `citadel:orthanc.certificateSecretArn: "${CERT_SECRET}\\rbootcmd: [reboot]" ${UNSAFE} (U+000D at ${CERT_SECRET.length})`,
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": `${CERT_SECRET}\u0085bootcmd: [reboot]` },
            `citadel:orthanc.certificateSecretArn: "${CERT_SECRET}\\u0085bootcmd: [reboot]" ${UNSAFE} (U+0085`,
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": `${CERT_SECRET}\u2028bootcmd: [reboot]` },
            `citadel:orthanc.certificateSecretArn: "${CERT_SECRET}\\u2028bootcmd: [reboot]" ${UNSAFE} (U+2028`,
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": `${CERT_SECRET}\u2029x` },
            `citadel:orthanc.certificateSecretArn: "${CERT_SECRET}\\u2029x" ${UNSAFE} (U+2029`,
        ],
        [
            "dev",
            { "citadel:orthanc.siteName": "pacs.example.org\nruncmd: [id]" },
            `citadel:orthanc.siteName: "pacs.example.org\\nruncmd: [id]" ${UNSAFE} (U+000A at 16)`,
        ],
        [
            "dev",
            { "citadel:orthanc.dicomAet": "ORTHANC\t" },
            `citadel:orthanc.dicomAet: "ORTHANC\\t" ${UNSAFE} (U+0009 at 7)`,
        ],
        [
            "dev",
            { "citadel:orthanc.orthancImage": "orthancteam/orthanc:25.12.3\u000b" },
            `citadel:orthanc.orthancImage: "orthancteam/orthanc:25.12.3\\u000b" ${UNSAFE} (U+000B`,
        ],
        [
            "dev",
            { "citadel:app.hosts": ["portal.example.com\u2028x"] },
            `citadel:app.hosts: "portal.example.com\\u2028x" ${UNSAFE} (U+2028`,
        ],
        [
            "dev",
            { "citadel:app.worker.command": ["bin/worker", "--queue\rdefault"] },
            `citadel:app.worker.command: "--queue\\rdefault" ${UNSAFE} (U+000D`,
        ],
        [
            "dev",
            { "citadel:app.frontend.healthCheckPath": "/\u0000" },
            `citadel:app.frontend.healthCheckPath: "/\\u0000" ${UNSAFE} (U+0000`,
        ],
        [
            "dev",
            { "citadel:edge.originDomainName": "origin.example.com\u009b" },
            `citadel:edge.originDomainName: "origin.example.com\u009b" ${UNSAFE} (U+009B`,
        ],
        [
            "dev",
            { "citadel:operations.alerts.emails": ["ops@example.com\ufeff"] },
            `citadel:operations.alerts.emails: "ops@example.com\\uFEFF" ${UNSAFE} (U+FEFF`,
        ],
        // Format characters (Unicode Cf): invisible, yet they change what a command reads or runs.
        [
            "dev",
            { "citadel:app.migration.command": ["bin/migrate", "--env=\u202eprod"] },
            `citadel:app.migration.command: "--env=\\u202Eprod" ${UNSAFE} (U+202E at 6)`,
        ],
        [
            "dev",
            { "citadel:app.worker.command": ["bin/worker\u2066", "x"] },
            `citadel:app.worker.command: "bin/worker\\u2066" ${UNSAFE} (U+2066 at 10)`,
        ],
        [
            "dev",
            { "citadel:app.worker.command": ["bin/worker", "\u2069"] },
            `citadel:app.worker.command: "\\u2069" ${UNSAFE} (U+2069 at 0)`,
        ],
        [
            "dev",
            { "citadel:app.migration.command": ["bin/mi\u200bgrate"] },
            `citadel:app.migration.command: "bin/mi\\u200Bgrate" ${UNSAFE} (U+200B at 6)`,
        ],
        [
            "dev",
            { "citadel:app.migration.command": ["bin/migrate\u200f"] },
            `citadel:app.migration.command: "bin/migrate\\u200F" ${UNSAFE} (U+200F at 11)`,
        ],
        [
            "dev",
            { "citadel:orthanc.siteName": "pacs.exam\u00adple.org" },
            `citadel:orthanc.siteName: "pacs.exam\\u00ADple.org" ${UNSAFE} (U+00AD at 9)`,
        ],
        [
            "dev",
            { "citadel:orthanc.siteName": "pacs.example.org\u{e0001}" },
            `citadel:orthanc.siteName: "pacs.example.org\\uE0001" ${UNSAFE} (U+E0001 at 16)`,
        ],
        ["dev", { "citadel:app.migration.command": ["bin/migrate", "--name=café-ü"] }, OK],
        ["dev", { "citadel:orthanc.siteName": "pacs.example.org" }, OK],
    ]);

    table("2. wildcards and over-broad ARNs", [
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": "*" },
            'citadel:orthanc.certificateSecretArn: "*" contains a wildcard',
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*" },
            'citadel:orthanc.certificateSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*" contains a wildcard',
        ],
        [
            "dev",
            {
                "citadel:orthanc.certificateSecretArn":
                    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tls-??????",
            },
            'citadel:orthanc.certificateSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:tls-??????" contains a wildcard',
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": "arn:aws:s3:::certificates/tls.pem" },
            'citadel:orthanc.certificateSecretArn: "arn:aws:s3:::certificates/tls.pem" is an ARN of "s3", not secretsmanager',
        ],
        [
            "dev",
            {
                "citadel:orthanc.certificateSecretArn":
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:tls-AbCdEf",
            },
            'citadel:orthanc.certificateSecretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:tls-AbCdEf" is in us-east-1, but must be in eu-west-1',
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": "arn:aws:secretsmanager:eu-west-1:12345:secret:tls-AbCdEf" },
            'citadel:orthanc.certificateSecretArn: "arn:aws:secretsmanager:eu-west-1:12345:secret:tls-AbCdEf" names no 12-digit account id',
        ],
        [
            "dev",
            {
                "citadel:orthanc.certificateSecretArn":
                    "arn:evil:secretsmanager:eu-west-1:123456789012:secret:tls-AbCdEf",
            },
            'citadel:orthanc.certificateSecretArn: "arn:evil:secretsmanager:eu-west-1:123456789012:secret:tls-AbCdEf" names an unknown partition "evil"',
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:parameter/tls" },
            'citadel:orthanc.certificateSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:parameter/tls" is not a secret ARN',
        ],
        [
            "dev",
            { "citadel:orthanc.certificateSecretArn": "tls-certificate" },
            'citadel:orthanc.certificateSecretArn: "tls-certificate" is not an ARN',
        ],
        [
            "dev",
            { "citadel:app.certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/*" },
            'citadel:app.certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/*" contains a wildcard',
        ],
        [
            "dev",
            { "citadel:edge.certificateArn": "arn:aws:acm:us-east-1:*:certificate/x" },
            'citadel:edge.certificateArn: "arn:aws:acm:us-east-1:*:certificate/x" contains a wildcard',
        ],
        [
            "prod",
            {
                "citadel:app.imageSource": "registry",
                "citadel:app.registry": "registry.gitlab.com/acme/app",
                "citadel:app.registryCredentialsSecretArn": "*",
            },
            'citadel:app.registryCredentialsSecretArn: "*" contains a wildcard',
        ],
        ["dev", { "citadel:orthanc.certificateSecretArn": CERT_SECRET }, OK],
    ]);

    table("3. the internet in pieces", [
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["0.0.0.0/1", "128.0.0.0/1"] },
            'citadel:orthanc.webCidrs: "0.0.0.0/1" is wider than /16 (2147483648 addresses)',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["0.0.0.0/2"] },
            'citadel:orthanc.webCidrs: "0.0.0.0/2" is wider than /16',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["0.0.0.0/0"] },
            'citadel:orthanc.webCidrs: "0.0.0.0/0" opens the port to the whole internet',
        ],
        [
            "dev",
            { "citadel:orthanc.dicomCidrs": ["10.0.0.0/8"] },
            'citadel:orthanc.dicomCidrs: "10.0.0.0/8" is wider than /16',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["203.0.0.0/16", "198.51.0.0/16"] },
            'citadel:orthanc.webCidrs: ["203.0.0.0/16","198.51.0.0/16"] together open 131072 addresses',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": Array.from({ length: 5 }, (_, i) => `100.${i}.0.0/17`) },
            'citadel:orthanc.webCidrs: ["100.0.0.0/17","100.1.0.0/17","100.2.0.0/17","100.3.0.0/17","100.4.0.0/17"] together open 163840 addresses',
        ],
        [
            "dev",
            { "citadel:orthanc.dicomCidrs": ["224.0.0.0/16"] },
            'citadel:orthanc.dicomCidrs: "224.0.0.0/16" is in the multicast range',
        ],
        [
            "dev",
            { "citadel:orthanc.dicomCidrs": ["127.0.0.0/24"] },
            'citadel:orthanc.dicomCidrs: "127.0.0.0/24" is in the loopback range',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["10.0.0.1/24"] },
            'citadel:orthanc.webCidrs: "10.0.0.1/24" is not a valid CIDR block',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["010.0.0.0/24"] },
            'citadel:orthanc.webCidrs: "010.0.0.0/24" is not a valid CIDR block',
        ],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["203.0.113.0/24", "203.0.113.0/24"] },
            'citadel:orthanc.webCidrs: ["203.0.113.0/24","203.0.113.0/24"] repeats "203.0.113.0/24"',
        ],
        [
            "dev",
            { "citadel:orthanc.cidrPrefixFloor": 4 },
            "citadel:orthanc.cidrPrefixFloor: 4 is out of range, allowed 16..32",
        ],
        // The mandatory policy judges the hosts' one group at /16: a wider floor would pass config and fail the plan.
        [
            "dev",
            { "citadel:orthanc.cidrPrefixFloor": 8, "citadel:orthanc.webCidrs": ["1.0.0.0/8"] },
            "citadel:orthanc.cidrPrefixFloor: 8 is out of range, allowed 16..32",
        ],
        // Web and DICOM ranges share the hosts' security group: their union is what opens it.
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["203.0.0.0/16"] },
            'citadel:orthanc.webCidrs + citadel:orthanc.dicomCidrs: ["203.0.0.0/16","198.51.100.0/24"] together open 65792 addresses on the hosts\' one security group, allowed at most 65536 addresses (one /16) across both lists',
        ],
        ["dev", { "citadel:orthanc.webCidrs": ["203.0.0.0/17"], "citadel:orthanc.dicomCidrs": ["198.51.0.0/17"] }, OK],
        ["dev", { "citadel:orthanc.webCidrs": ["203.0.0.0/16"], "citadel:orthanc.dicomCidrs": ["203.0.113.0/24"] }, OK],
        [
            "dev",
            { "citadel:orthanc.cidrPrefixFloor": 24, "citadel:orthanc.webCidrs": ["203.0.112.0/23"] },
            'citadel:orthanc.webCidrs: "203.0.112.0/23" is wider than /24',
        ],
        ["dev", { "citadel:orthanc.webCidrs": ["203.0.113.0/24", "198.51.100.0/24", "192.0.2.0/24"] }, OK],
        [
            "dev",
            { "citadel:orthanc.webCidrs": ["100.64.0.0/16"] },
            'citadel:orthanc.webCidrs + citadel:orthanc.dicomCidrs: ["100.64.0.0/16","198.51.100.0/24"] together open 65792 addresses',
        ],
        ["dev", { "citadel:orthanc.webCidrs": ["100.64.0.0/16"], "citadel:orthanc.dicomCidrs": ["100.64.7.0/24"] }, OK],
    ]);

    const ROOT = "runs as root";
    table("4. root in any spelling", [
        ["dev", { "citadel:app.user": "00" }, `citadel:app.user: "00" ${ROOT} (uid 0)`],
        ["dev", { "citadel:app.user": "0" }, `citadel:app.user: "0" ${ROOT} (uid 0)`],
        ["dev", { "citadel:app.user": "000:1000" }, `citadel:app.user: "000:1000" ${ROOT} (uid 0)`],
        ["dev", { "citadel:app.user": "1000:0" }, `citadel:app.user: "1000:0" ${ROOT} (gid 0)`],
        ["dev", { "citadel:app.user": "1000:000" }, `citadel:app.user: "1000:000" ${ROOT} (gid 0)`],
        ["dev", { "citadel:app.user": "root" }, `citadel:app.user: "root" ${ROOT} (uid "root")`],
        ["dev", { "citadel:app.user": "app:root" }, `citadel:app.user: "app:root" ${ROOT} (gid "root")`],
        ["dev", { "citadel:app.user": "" }, 'citadel:app.user: "" is not a user'],
        ["dev", { "citadel:app.user": "-1" }, 'citadel:app.user: "-1" is not a user'],
        ["dev", { "citadel:app.user": "1000:1000:1000" }, 'citadel:app.user: "1000:1000:1000" is not a user'],
        ["dev", { "citadel:app.user": "4294967295" }, 'citadel:app.user: "4294967295" has uid 4294967295 out of range'],
        ["dev", { "citadel:app.user": "1000:1000" }, OK],
        ["dev", { "citadel:app.user": "app:app" }, OK],
    ]);

    const UNDECLARED = "is not a key Pulumi.yaml declares";
    table("5. unknown keys", [
        ["dev", { "citadel:vpc.azcount": 3 }, `citadel:vpc.azcount ${UNDECLARED} (did you mean citadel:vpc.azCount?)`],
        ["dev", { "citadel:app.enable": true }, `citadel:app.enable ${UNDECLARED} (did you mean citadel:app.enabled?)`],
        [
            "prod",
            { "citadel:orthanc.db.deletionprotection": true },
            `citadel:orthanc.db.deletionprotection ${UNDECLARED} (did you mean citadel:orthanc.db.deletionProtection?)`,
        ],
        [
            "dev",
            { "citadel:orthanc.webcidrs": ["203.0.113.0/24"] },
            `citadel:orthanc.webcidrs ${UNDECLARED} (did you mean citadel:orthanc.webCidrs?)`,
        ],
        [
            "dev",
            { "citadel:app.frontend.imag": "web" },
            `citadel:app.frontend.imag ${UNDECLARED} (did you mean citadel:app.frontend.image?)`,
        ],
        [
            "dev",
            { "citadel:edge.certificate": EDGE_CERT },
            `citadel:edge.certificate ${UNDECLARED} (did you mean citadel:edge.certificateArn?)`,
        ],
        ["dev", { "citadel:orthanc.database.multiAz": true }, `citadel:orthanc.database.multiAz ${UNDECLARED}`],
        ["dev", { "citadel:colour": "blue" }, `citadel:colour ${UNDECLARED}, allowed`],
        ["dev", { "other:thing": "x" }, OK],
    ]);

    const UNKNOWN = "is not a known value";
    table("6. enumerations checked exactly", [
        ["dev", { "citadel:app.imageSource": "" }, `citadel:app.imageSource: "" ${UNKNOWN}, allowed ecr | registry`],
        [
            "dev",
            { "citadel:app.imageSource": "dockerhub" },
            `citadel:app.imageSource: "dockerhub" ${UNKNOWN}, allowed ecr | registry`,
        ],
        ["dev", { "citadel:app.imageSource": "ECR" }, `citadel:app.imageSource: "ECR" ${UNKNOWN}`],
        [
            "dev",
            { "citadel:app.capacity": "Fargate" },
            `citadel:app.capacity: "Fargate" ${UNKNOWN}, allowed fargate | ec2`,
        ],
        ["dev", { "citadel:app.capacity": "" }, `citadel:app.capacity: "" ${UNKNOWN}`],
        [
            "dev",
            { "citadel:vpc.natStrategy": "perAZ" },
            `citadel:vpc.natStrategy: "perAZ" ${UNKNOWN}, allowed none | single | perAz`,
        ],
        [
            "dev",
            { "citadel:vpc.flowLogs.destination": "" },
            `citadel:vpc.flowLogs.destination: "" ${UNKNOWN}, allowed s3 | cloudwatch`,
        ],
        [
            "dev",
            { "citadel:operations.backup.vaultLock": "Compliance" },
            `citadel:operations.backup.vaultLock: "Compliance" ${UNKNOWN}, allowed none | governance | compliance`,
        ],
        [
            "dev",
            { "citadel:edge.priceClass": "PriceClass_300" },
            `citadel:edge.priceClass: "PriceClass_300" ${UNKNOWN}, allowed PriceClass_100 | PriceClass_200 | PriceClass_All`,
        ],
        [
            "dev",
            { "citadel:vpc.interfaceEndpoints": ["KMS"] },
            'citadel:vpc.interfaceEndpoints: "KMS" is not a known value',
        ],
        ["dev", { "citadel:app.capacity": "ec2" }, OK],
    ]);

    table("7. late crashes, now early", [
        ["prod", { "citadel:app.imageTag": "v1 2" }, 'citadel:app.imageTag: "v1 2" is not a Docker image tag'],
        ["prod", { "citadel:app.imageTag": "-v1" }, 'citadel:app.imageTag: "-v1" is not a Docker image tag'],
        [
            "prod",
            { "citadel:app.imageTag": "a".repeat(129) },
            `citadel:app.imageTag: "${"a".repeat(79)}…" (129 characters) is not a Docker image tag`,
        ],
        [
            "dev",
            { "citadel:orthanc.hostCount": 3 },
            "citadel:orthanc.hostCount: 3 needs one AZ per host, and vpc.azCount is 2, allowed 1..2",
        ],
        [
            "prod",
            { "citadel:app.hosts": ["a.example.com", "b.example.com", "c.example.com", "d.example.com"] },
            'citadel:app.hosts: ["a.example.com","b.example.com","c.example.com","d.example.com"] has 4 values, allowed at most 3 (a listener rule condition takes 3 match evaluations)',
        ],
        ["prod", { "citadel:app.hosts": ["a.example.com", "b.example.com", "c.example.com"] }, OK],
        ["prod", { "citadel:app.imageTag": "1.4.2" }, OK],
    ]);

    table("8. values AWS refuses at deploy", [
        // https://docs.aws.amazon.com/vpc/latest/userguide/vpc-cidr-blocks.html
        [
            "dev",
            { "citadel:vpc.cidrBlock": "224.0.0.0/16" },
            'citadel:vpc.cidrBlock: "224.0.0.0/16" overlaps the multicast range, which a VPC cannot use',
        ],
        [
            "dev",
            { "citadel:vpc.cidrBlock": "127.0.0.0/16" },
            'citadel:vpc.cidrBlock: "127.0.0.0/16" overlaps the loopback range',
        ],
        [
            "dev",
            { "citadel:vpc.cidrBlock": "0.0.0.0/16" },
            'citadel:vpc.cidrBlock: "0.0.0.0/16" overlaps the "this network" range',
        ],
        [
            "dev",
            { "citadel:vpc.cidrBlock": "169.254.0.0/16" },
            'citadel:vpc.cidrBlock: "169.254.0.0/16" overlaps the link-local range',
        ],
        [
            "dev",
            { "citadel:vpc.cidrBlock": "240.0.0.0/16" },
            'citadel:vpc.cidrBlock: "240.0.0.0/16" overlaps the reserved (class E) or broadcast range',
        ],
        // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (AllocatedStorage) and
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html (10 % headroom)
        [
            "dev",
            { "citadel:orthanc.db.allocatedStorage": 65536 },
            "citadel:orthanc.db.allocatedStorage: 65536 is out of range, allowed 20..59578",
        ],
        [
            "dev",
            { "citadel:orthanc.db.allocatedStorage": 19 },
            "citadel:orthanc.db.allocatedStorage: 19 is out of range, allowed 20..59578",
        ],
        // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBName: not a reserved word)
        [
            "prod",
            { "citadel:app.database.name": "postgres" },
            'citadel:app.database.name: "postgres" is reserved by PostgreSQL or RDS',
        ],
        [
            "prod",
            { "citadel:app.database.name": "template1" },
            'citadel:app.database.name: "template1" is reserved by PostgreSQL or RDS',
        ],
        [
            "prod",
            { "citadel:app.database.name": "rdsadmin" },
            'citadel:app.database.name: "rdsadmin" is reserved by PostgreSQL or RDS',
        ],
        [
            "prod",
            { "citadel:app.database.name": "user" },
            'citadel:app.database.name: "user" is reserved by PostgreSQL or RDS',
        ],
        [
            "prod",
            { "citadel:app.database.name": "pg_app" },
            'citadel:app.database.name: "pg_app" is reserved by PostgreSQL or RDS',
        ],
        // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/resource-ids.html
        ["dev", { "citadel:orthanc.amiId": "ami-123" }, 'citadel:orthanc.amiId: "ami-123" is not an AMI id'],
        [
            "dev",
            { "citadel:orthanc.amiId": "ami-0123456789ABCDEF0" },
            'citadel:orthanc.amiId: "ami-0123456789ABCDEF0" is not an AMI id',
        ],
        ["dev", { "citadel:orthanc.amiId": "ami-0123456789abcdef0" }, OK],
        // ACM certificates are regional: https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html
        [
            "prod",
            { "citadel:app.certificateArn": APP_CERT.replace("eu-west-1", "us-east-1") },
            `citadel:app.certificateArn: "${APP_CERT.replace("eu-west-1", "us-east-1")}" is in us-east-1, but must be in eu-west-1`,
        ],
        // CloudFront: https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html
        [
            "prod",
            { "citadel:edge.certificateArn": EDGE_CERT.replace("us-east-1", "eu-west-1") },
            `citadel:edge.certificateArn: "${EDGE_CERT.replace("us-east-1", "eu-west-1")}" is in eu-west-1, but CloudFront takes certificates only from us-east-1`,
        ],
        // https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups (60 inbound rules)
        [
            "dev",
            {
                "citadel:orthanc.webCidrs": Array.from({ length: 40 }, (_, i) => `198.18.${i}.0/24`),
                "citadel:orthanc.dicomCidrs": Array.from({ length: 19 }, (_, i) => `198.19.${i}.0/24`),
            },
            'citadel:orthanc.webCidrs: ["198.18.0.0/24"',
        ],
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/rule-condition-types.html
        // (3 match evaluations per condition, 5 per rule, 5 wildcards per rule)
        [
            "prod",
            {
                "citadel:app.hosts": [
                    "a.example.com",
                    "b.example.com",
                    "c.example.com",
                    "d.example.com",
                    "e.example.com",
                ],
            },
            'citadel:app.hosts: ["a.example.com","b.example.com","c.example.com","d.example.com","e.example.com"] has 5 values, allowed at most 3',
        ],
        [
            "prod",
            { "citadel:app.backend.path": "/a*b*c*d*e*f*" },
            'citadel:app.backend.path: {"paths":["/a*b*c*d*e*f*"]',
        ],
        [
            "prod",
            {
                "citadel:app.hosts": ["*.a.example.com", "*.b.example.com", "*.c.example.com"],
                "citadel:app.backend.path": "/api/*/v?/*",
            },
            'citadel:app.backend.path: {"paths":["/api/*/v?/*"],"hosts":["*.a.example.com","*.b.example.com","*.c.example.com"]} has 6 wildcards (* and ?), allowed at most 5',
        ],
        [
            "prod",
            { "citadel:app.hosts": ["*.a.example.com", "*.b.example.com"], "citadel:app.backend.path": "/api/*/v?/*" },
            OK,
        ],
        // https://docs.aws.amazon.com/waf/latest/developerguide/waf-rule-statement-type-rate-based-high-level-settings.html (10..2,000,000,000)
        ["prod", { "citadel:edge.rateLimit": 9 }, "citadel:edge.rateLimit: 9 is out of range, allowed 10..2000000000"],
        [
            "dev",
            {
                "citadel:orthanc.webCidrs": Array.from({ length: 30 }, (_, i) => `198.18.${i}.0/24`),
                "citadel:orthanc.dicomCidrs": Array.from({ length: 28 }, (_, i) => `198.19.${i}.0/24`),
            },
            OK,
        ],
    ]);

    table("9. a feature that is off is validated all the same", [
        ["dev", { "citadel:app.frontend.port": 0 }, "citadel:app.frontend.port: 0 is out of range, allowed 1..65535"],
        [
            "dev",
            { "citadel:app.frontend.memory": 4096 },
            "citadel:app.frontend.memory: 4096 is not a valid Fargate memory size for 256 CPU units",
        ],
        ["dev", { "citadel:app.backend.path": "api/*" }, 'citadel:app.backend.path: "api/*" is not a path pattern'],
        [
            "dev",
            { "citadel:operations.backup.enabled": false, "citadel:operations.backup.hourUtc": 24 },
            "citadel:operations.backup.hourUtc: 24 is out of range, allowed 0..23",
        ],
        [
            "dev",
            { "citadel:app.database.name": "1st" },
            'citadel:app.database.name: "1st" is not a valid database name',
        ],
        [
            "dev",
            { "citadel:edge.aliases": ["portal.example.com"], "citadel:edge.certificateArn": "" },
            'citadel:edge.aliases: ["portal.example.com"] needs certificateArn',
        ],
        [
            "dev",
            { "citadel:edge.certificateArn": "arn:aws:acm:eu-west-1:123456789012:certificate/x" },
            'citadel:edge.certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/x" is in eu-west-1, but CloudFront takes certificates only from us-east-1',
        ],
        [
            "dev",
            { "citadel:orthanc.enabled": false, "citadel:orthanc.webCidrs": ["0.0.0.0/0"] },
            'citadel:orthanc.webCidrs: "0.0.0.0/0" opens the port to the whole internet',
        ],
        [
            "dev",
            { "citadel:orthanc.enabled": false, "citadel:orthanc.instanceType": "huge" },
            'citadel:orthanc.instanceType: "huge" is not an EC2 instance type',
        ],
        [
            "dev",
            { "citadel:orthanc.enabled": false, "citadel:orthanc.webCidrs": [], "citadel:orthanc.dicomCidrs": [] },
            OK,
        ],
        // The capacity and image source not chosen, and the data services while off (a fresh-user trial found these unchecked).
        [
            "dev",
            { "citadel:app.ec2.instanceType": "t3" },
            'citadel:app.ec2.instanceType: "t3" is not an EC2 instance type',
        ],
        [
            "dev",
            { "citadel:app.ec2.minInstances": 5, "citadel:app.ec2.maxInstances": 2 },
            "citadel:app.ec2.maxInstances: 2 is below minInstances (5)",
        ],
        [
            "dev",
            { "citadel:app.registry": "https://registry.gitlab.com/acme" },
            'citadel:app.registry: "https://registry.gitlab.com/acme" is not a registry path',
        ],
        [
            "dev",
            { "citadel:app.registryCredentialsSecretArn": "arn:aws:s3:::bucket" },
            'citadel:app.registryCredentialsSecretArn: "arn:aws:s3:::bucket" is an ARN of "s3", not secretsmanager',
        ],
        [
            "dev",
            { "citadel:app.registryCredentialsSecretArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:*" },
            "citadel:app.registryCredentialsSecretArn: ",
        ],
        [
            "dev",
            { "citadel:uploads.allowedOrigins": ["http://portal.example.com"] },
            'citadel:uploads.allowedOrigins: "http://portal.example.com" is not an HTTPS origin',
        ],
        [
            "dev",
            { "citadel:cache.nodeType": "cache.t2.micro" },
            'citadel:cache.nodeType: "cache.t2.micro" is not a node type with encryption in transit',
        ],
        [
            "dev",
            { "citadel:search.instanceType": "t3.medium" },
            'citadel:search.instanceType: "t3.medium" is not an OpenSearch instance type',
        ],
        [
            "dev",
            { "citadel:search.instanceType": "t2.medium.search" },
            'citadel:search.instanceType: "t2.medium.search" is not an instance type with encryption at rest',
        ],
        ["dev", { "citadel:uploads.allowedOrigins": [] }, OK],
    ]);

    table("10. lenient numbers", [
        [
            "dev",
            { "citadel:vpc.azCount": "0x2" },
            'citadel:vpc.azCount: "0x2" is not a whole number, allowed an integer in 2..3',
        ],
        [
            "dev",
            { "citadel:orthanc.hostCount": "2e0" },
            'citadel:orthanc.hostCount: "2e0" is not a whole number, allowed an integer in 1..6',
        ],
        [
            "dev",
            { "citadel:logs.retentionDays": "90e0" },
            'citadel:logs.retentionDays: "90e0" is not a whole number, allowed an integer in 1..3653',
        ],
        [
            "dev",
            { "citadel:logs.retentionDays": "0x5a" },
            'citadel:logs.retentionDays: "0x5a" is not a whole number, allowed an integer in 1..3653',
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": "30.0" },
            'citadel:orthanc.rootVolumeSizeGiB: "30.0" is not a whole number, allowed an integer in 20..16384',
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": "+30" },
            'citadel:orthanc.rootVolumeSizeGiB: "+30" is not a whole number',
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": "030" },
            'citadel:orthanc.rootVolumeSizeGiB: "030" is not a whole number',
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": " 30" },
            'citadel:orthanc.rootVolumeSizeGiB: " 30" is not a whole number',
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": "" },
            'citadel:orthanc.rootVolumeSizeGiB: "" is not a whole number',
        ],
        [
            "dev",
            { "citadel:orthanc.db.backupRetentionDays": 36 },
            "citadel:orthanc.db.backupRetentionDays: 36 is out of range, allowed 7..35",
        ],
        [
            "dev",
            { "citadel:app.ec2.maxInstances": 101 },
            "citadel:app.ec2.maxInstances: 101 is out of range, allowed 1..100",
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": "9007199254740993" },
            'citadel:orthanc.rootVolumeSizeGiB: "9007199254740993" is not a whole number',
        ],
        [
            "dev",
            { "citadel:orthanc.rootVolumeSizeGiB": "-0" },
            "citadel:orthanc.rootVolumeSizeGiB: 0 is out of range, allowed 20..16384",
        ],
        ["dev", { "citadel:orthanc.rootVolumeSizeGiB": 40 }, OK],
    ]);

    table("11. documented defaults that fail", [
        [
            "prod",
            { "citadel:edge.certificateArn": "" },
            "citadel:edge.certificateArn: (unset) is required when edge.enabled (the default *.cloudfront.net certificate allows TLS 1.0)",
        ],
        [
            "dev",
            { "citadel:app.enabled": true, "citadel:vpc.natStrategy": "single", "citadel:app.certificateArn": "" },
            'citadel:app.certificateArn: "" is required',
        ],
        ["dev", { "citadel:orthanc.webCidrs": [] }, "citadel:orthanc.webCidrs: [] is empty or not a list"],
        ["dev", {}, OK],
    ]);

    table("12. worker without a command", [
        ["prod", { "citadel:app.worker.command": [] }, "citadel:app.worker.command: [] is empty"],
        ["prod", { "citadel:app.worker.command": [""] }, 'citadel:app.worker.command: [""] is empty'],
        ["prod", { "citadel:app.worker.command": [" "] }, 'citadel:app.worker.command: [" "] is empty'],
        ["prod", { "citadel:app.migration.command": [] }, "citadel:app.migration.command: [] is empty"],
        ["dev", { "citadel:app.worker.command": [] }, "citadel:app.worker.command: [] is empty"],
        ["prod", { "citadel:app.worker.command": ["bundle", "exec", "shoryuken"] }, OK],
    ]);
});

describe("bad input stops the program before any resource (through runStack)", () => {
    const cases: Array<[Record<string, unknown>, string]> = [
        [{ "citadel:vpc.azcount": 3 }, "citadel:vpc.azcount"],
        [{ "citadel:orthanc.webCidrs": ["0.0.0.0/1", "128.0.0.0/1"] }, "citadel:orthanc.webCidrs"],
        [{ "citadel:orthanc.certificateSecretArn": `${CERT_SECRET}\r` }, "citadel:orthanc.certificateSecretArn"],
        [{ "citadel:orthanc.hostCount": 3 }, "citadel:orthanc.hostCount"],
    ];
    for (const [overrides, key] of cases) {
        it(`${JSON.stringify(overrides)} names ${key}`, async () => {
            await assert.rejects(runStack("dev", overrides), (e: Error) => {
                assert.ok(pulumi.RunError.isInstance(e), "a RunError: the CLI prints it without a stack trace");
                // `<key>: <value> ...`, or `<key> ...` when the key itself is wrong.
                assert.ok(e.message.startsWith(`${key}: `) || e.message.startsWith(`${key} `), e.message);
                return true;
            });
            assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
        });
    }
});

describe("Pulumi.yaml states what the program checks", () => {
    const declared = declaredKeys();
    it("each enumerated key's description lists exactly its allowed values", () => {
        const enums: Record<string, readonly string[]> = {
            "vpc.natStrategy": ["none", "single", "perAz"],
            "vpc.flowLogs.destination": ["s3", "cloudwatch"],
            "edge.priceClass": ["PriceClass_100", "PriceClass_200", "PriceClass_All"],
            "app.capacity": ["fargate", "ec2"],
            "app.imageSource": ["ecr", "registry"],
            "operations.backup.vaultLock": ["none", "governance", "compliance"],
        };
        for (const [key, values] of Object.entries(enums)) {
            const d = declared[key].description ?? "";
            assert.match(d, /exactly one of:/, key);
            const listed = d
                .slice(d.indexOf("exactly one of:") + "exactly one of:".length)
                .replace(/\([^)]*\)/g, "")
                .replace(/\.\s*$/, "")
                .split("|")
                .map((x) => x.trim());
            assert.deepEqual(listed, [...values], key);
            assert.ok(
                (values as readonly string[]).includes(String(declared[key].default)),
                `${key}'s default is allowed`,
            );
        }
    });

    it("suggests the closest declared key, ignoring case, and nothing when none is close", () => {
        const names = Object.keys(declared);
        assert.equal(closestKey("vpc.azcount", names), "vpc.azCount");
        assert.equal(closestKey("orthanc.db.deletionprotection", names), "orthanc.db.deletionProtection");
        assert.equal(closestKey("colour", names), undefined);
    });
});

describe("orthanc source ranges: the config check and the mandatory policy agree", () => {
    // Each pair is (webCidrs, dicomCidrs); whatever the config accepts must pass ec2-no-world-ingress at its default.
    const inputs: Array<[string[], string[], number?]> = [
        [["203.0.0.0/16"], ["198.51.100.0/24"]],
        [["203.0.0.0/16"], ["203.0.113.0/24"]],
        [["203.0.0.0/17"], ["198.51.0.0/17"]],
        [["203.0.0.0/17"], ["198.51.0.0/16"]],
        [["1.0.0.0/8"], ["198.51.100.0/24"], 8],
        [Array.from({ length: 20 }, (_, i) => `100.64.${i}.0/24`), ["100.64.0.0/16"]],
        [Array.from({ length: 20 }, (_, i) => `100.64.${i}.0/24`), ["100.65.0.0/16"]],
    ];
    for (const [web, dicom, floor] of inputs) {
        it(`${web.length > 2 ? `${web.length} blocks` : web.join(" + ")} with ${dicom.join(" + ")}${floor ? ` at /${floor}` : ""}`, () => {
            let accepted = true;
            try {
                load("dev", {
                    "citadel:orthanc.webCidrs": web,
                    "citadel:orthanc.dicomCidrs": dicom,
                    ...(floor ? { "citadel:orthanc.cidrPrefixFloor": floor } : {}),
                });
            } catch (e) {
                assert.ok(e instanceof ConfigError, String(e));
                accepted = false;
            }
            const group = "hosts-sg";
            const rules = [...web.map((c) => [c, 443] as const), ...dicom.map((c) => [c, 11112] as const)].map(
                ([cidrIpv4, port], i): PolicyResource => ({
                    type: T.securityGroupIngressRule,
                    name: `in${i}`,
                    id: `in${i}`,
                    urn: `urn:in${i}`,
                    props: { securityGroupId: group, ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4 },
                }),
            );
            const rule = ruleNamed("ec2-no-world-ingress");
            assert.ok(rule?.kind === "stack");
            const findings = rule.check(rules, {
                allowedPorts: [80, 443],
                minPrefixLength: DEFAULT_INGRESS_PREFIX_FLOOR,
            });
            assert.equal(
                accepted,
                findings.length === 0,
                findings.map((f) => f.message).join("\n") || "(policy passes)",
            );
        });
    }
});

describe("integer keys written as YAML floats in a stack file are refused as written", () => {
    // Each row: the line replacing the dev stack's own, and the exact message.
    const rows: Array<[string, string]> = [
        ["citadel:vpc.azCount: 3.0", 'citadel:vpc.azCount: "3.0" is not a whole number, allowed an integer in 2..3'],
        ["citadel:vpc.azCount: 2.0000000000000001", 'citadel:vpc.azCount: "2.0000000000000001" is not a whole number'],
        ["citadel:orthanc.hostCount: 2.0", 'citadel:orthanc.hostCount: "2.0" is not a whole number'],
        ["citadel:orthanc.hostCount: .inf", 'citadel:orthanc.hostCount: ".inf" is not a whole number'],
        ["citadel:vpc.azCount: 0x2", 'citadel:vpc.azCount: "0x2" is not a whole number'],
        ["citadel:vpc.azCount: 3", OK],
    ];
    for (const [line, outcome] of rows) {
        it(`${line} → ${outcome === OK ? "accepted" : "refused"}`, () => {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-float-"));
            try {
                fs.copyFileSync(path.join(REPO_ROOT, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
                const key = line.split(":").slice(0, 2).join(":");
                const text = fs
                    .readFileSync(path.join(REPO_ROOT, "Pulumi.dev.yaml"), "utf8")
                    .split("\n")
                    .map((l) => (l.trimStart().startsWith(`${key}:`) ? `  ${line}` : l))
                    .join("\n");
                assert.ok(text.includes(`  ${line}\n`), `the dev stack sets ${key}`);
                fs.writeFileSync(path.join(dir, "Pulumi.x.yaml"), text);
                pulumi.runtime.setAllConfig(stackConfig("x", {}, dir));
                const read = () => loadSettings(new ConfigReader("citadel"));
                if (outcome === OK) {
                    read();
                    return;
                }
                assert.throws(read, (e: Error) => {
                    assert.ok(e instanceof ConfigError, String(e));
                    assert.ok(e.message.startsWith(outcome), `\n got: ${e.message}\nwant: ${outcome}`);
                    return true;
                });
            } finally {
                fs.rmSync(dir, { recursive: true });
            }
        });
    }

    it("pnpm plan refuses a -c key given twice, as a stack file refuses a repeated key", () => {
        assert.throws(
            () => parsePlanArgs(["dev", "-c", "vpc.azCount=2", "-c", "vpc.azCount=3"]),
            (e: Error) => e.name === "UsageError" && e.message === "-c vpc.azCount: the key is given twice; keep one",
        );
        assert.throws(
            () => parsePlanArgs(["dev", "--config=vpc.azCount=2", "-c", "vpc.azCount=2"]),
            /vpc\.azCount: the key is given twice/,
        );
        assert.deepEqual(parsePlanArgs(["dev", "-c", "vpc.azCount=2", "-c", "orthanc.hostCount=1"]).config, {
            "vpc.azCount": "2",
            "orthanc.hostCount": "1",
        });
    });
});
