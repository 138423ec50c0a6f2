/**
 * Issue 11, the fresh-user defects left open: each kind a table of stack-config inputs and the exact
 * outcome (a ConfigError naming the key the user set, the value and what is allowed, raised while
 * reading config, so before any resource is registered), or `ok`. Pure config reads: no stack run.
 */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { currentRecording, parseYamlFile, readStackConfig, REPO_ROOT, runStack } from "@citadel/testing";
import { ConfigError, declaredConfig } from "@citadel/shared";
import { ConfigReader } from "../src/config";
import { loadSettings } from "../src/settings";

type Case = [stack: string, overrides: Record<string, unknown>, outcome: string];
const OK = "ok";

function load(stack: string, overrides: Record<string, unknown>, secure: string[] = []) {
    const cfg = readStackConfig(
        stack,
        Object.fromEntries(
            Object.entries(overrides).map(([k, v]) => [k, secure.includes(k) ? { secure: "AAABAFake" } : v]),
        ),
    );
    pulumi.runtime.setAllConfig(cfg.values, cfg.secretKeys);
    return loadSettings(new ConfigReader("citadel"));
}

function table(kind: string, cases: Case[], secure: string[] = []): void {
    describe(kind, () => {
        for (const [stack, overrides, outcome] of cases) {
            const shown = JSON.stringify(overrides);
            it(`${stack} ${shown.length > 160 ? `${shown.slice(0, 160)}…` : shown} → ${outcome === OK ? "accepted" : "refused"}`, () => {
                if (outcome === OK) {
                    load(stack, overrides, secure);
                    return;
                }
                assert.throws(
                    () => load(stack, overrides, secure),
                    (e: Error) => {
                        assert.ok(e instanceof ConfigError, `not a ConfigError: ${e.stack}`);
                        assert.ok(e.message.startsWith(outcome), `\n got: ${e.message}\nwant: ${outcome}`);
                        assert.match(e.message, /, allowed ./, "states what is allowed");
                        return true;
                    },
                );
            });
        }
    });
}

const SCAN = "citadel:operations.patching.scanSchedule";
const INSTALL = "citadel:operations.patching.installSchedule";

describe("fresh-user defects, by kind (stack config)", () => {
    // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cron-expressions.html and
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/reference-cron-and-rate-expressions.html
    table("1. AWS cron and rate expressions", [
        [
            "dev",
            { [INSTALL]: "cron(0 2 * * SUN *)" },
            `${INSTALL}: "cron(0 2 * * SUN *)" sets both day-of-month (*) and day-of-week (SUN); one of them must be ?`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * ? *)" },
            `${INSTALL}: "cron(0 2 ? * ? *)" has ? in both day-of-month and day-of-week`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * SUN)" },
            `${INSTALL}: "cron(0 2 ? * SUN)" has 5 fields, not 6 (Unix cron has 5; AWS adds the year)`,
        ],
        ["dev", { [INSTALL]: "cron(0 0 2 ? * SUN *)" }, `${INSTALL}: "cron(0 0 2 ? * SUN *)" has 7 fields, not 6`],
        ["dev", { [INSTALL]: "0 2 ? * SUN *" }, `${INSTALL}: "0 2 ? * SUN *" is not a cron(...) expression`],
        ["dev", { [INSTALL]: "0 2 * * 0" }, `${INSTALL}: "0 2 * * 0" is not a cron(...) expression`],
        [
            "dev",
            { [INSTALL]: "cron(0 24 ? * SUN *)" },
            `${INSTALL}: "cron(0 24 ? * SUN *)" its hours field "24" has 24, outside 0-23`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(60 2 ? * SUN *)" },
            `${INSTALL}: "cron(60 2 ? * SUN *)" its minutes field "60" has 60, outside 0-59`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 32 * ? *)" },
            `${INSTALL}: "cron(0 2 32 * ? *)" its day-of-month field "32" has 32, outside 1-31`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? 13 SUN *)" },
            `${INSTALL}: "cron(0 2 ? 13 SUN *)" its month field "13" has 13, outside 1-12`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * 0 *)" },
            `${INSTALL}: "cron(0 2 ? * 0 *)" its day-of-week field "0" has 0, outside 1-7`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * SUNDAY *)" },
            `${INSTALL}: "cron(0 2 ? * SUNDAY *)" its day-of-week field "SUNDAY" has "SUNDAY", not a number or SUN-SAT`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * sun *)" },
            `${INSTALL}: "cron(0 2 ? * sun *)" its day-of-week field "sun" has "sun", not a number or SUN-SAT`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * SUN 1969)" },
            `${INSTALL}: "cron(0 2 ? * SUN 1969)" its year field "1969" has 1969, outside 1970-2199`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * SUN#6 *)" },
            `${INSTALL}: "cron(0 2 ? * SUN#6 *)" its day-of-week field "SUN#6" asks for a week of the month outside 1-5`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * 3#2,6#3 *)" },
            `${INSTALL}: "cron(0 2 ? * 3#2,6#3 *)" its day-of-week field "3#2,6#3" uses # with more than one day`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0/0 2 ? * SUN *)" },
            `${INSTALL}: "cron(0/0 2 ? * SUN *)" its minutes field "0/0" has an increment "0"`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(30-10 2 ? * SUN *)" },
            `${INSTALL}: "cron(30-10 2 ? * SUN *)" its minutes field "30-10" has the descending range 30-10`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 ? * SUN/2 *)" },
            `${INSTALL}: "cron(0 2 ? * SUN/2 *)" its day-of-week field "SUN/2" uses /, which day-of-week does not take`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0 2 W * ? *)" },
            `${INSTALL}: "cron(0 2 W * ? *)" its day-of-month field "W" has "W", not a number`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(? 2 1 * ? *)" },
            `${INSTALL}: "cron(? 2 1 * ? *)" its minutes field "?" uses ?, which only day-of-month and day-of-week take`,
        ],
        [
            "dev",
            { [INSTALL]: "cron(0  2 ? * SUN *)" },
            `${INSTALL}: "cron(0  2 ? * SUN *)" separates its fields by other than single spaces`,
        ],
        ["dev", { [INSTALL]: "cron()" }, `${INSTALL}: "cron()" has 0 fields, not 6`],
        ["dev", { [INSTALL]: "" }, `${INSTALL}: "" is not a cron(...) expression`],
        ["dev", { [INSTALL]: "weekly" }, `${INSTALL}: "weekly" is not a cron(...) expression`],
        ["dev", { [SCAN]: "rate(1 hours)" }, `${SCAN}: "rate(1 hours)" needs the unit singular for 1`],
        [
            "dev",
            { [SCAN]: "rate(1 hour)" },
            `${SCAN}: "rate(1 hour)" starts a window every 1 hour(s), but each lasts 3, allowed rate(3 hours) or slower`,
        ],
        [
            "dev",
            { [SCAN]: "rate(2 hours)" },
            `${SCAN}: "rate(2 hours)" starts a window every 2 hour(s), but each lasts 3`,
        ],
        ["dev", { [SCAN]: "rate(2 day)" }, `${SCAN}: "rate(2 day)" needs the unit plural for more than 1`],
        ["dev", { [SCAN]: "rate(0 days)" }, `${SCAN}: "rate(0 days)" is not rate(<n> <unit>)`],
        [
            "dev",
            { [SCAN]: "rate(30 minutes)" },
            `${SCAN}: "rate(30 minutes)" is not rate(<n> <unit>) with a positive whole n and a unit of hour, day`,
        ],
        ["dev", { [SCAN]: "rate(1.5 days)" }, `${SCAN}: "rate(1.5 days)" is not rate(<n> <unit>)`],
        // Refused while patching is off (kind 9: a switched-off feature's values are checked too).
        [
            "dev",
            { "citadel:operations.patching.enabled": false, [INSTALL]: "cron(0 2 * * * *)" },
            `${INSTALL}: "cron(0 2 * * * *)" sets both day-of-month`,
        ],
        ["dev", { [INSTALL]: "cron(30 23 ? * TUE#3 *)" }, OK],
        ["dev", { [INSTALL]: "cron(0 2 L * ? *)", [SCAN]: "cron(0/30 8-17 ? * MON-FRI *)" }, OK],
        ["dev", { [INSTALL]: "cron(0 2 15W * ? *)", [SCAN]: "rate(12 hours)" }, OK],
        ["dev", { [INSTALL]: "cron(0 2 ? JAN,JUL 6L 2027-2030)", [SCAN]: "rate(1 day)" }, OK],
        ["dev", { [INSTALL]: "cron(0 2 L-3 * ? *)" }, OK],
    ]);

    const COPY = "citadel:operations.backup.copyRegion";
    const APP_CERT = "citadel:app.certificateArn";
    const EDGE_CERT = "citadel:edge.certificateArn";
    const UUID = "0a1b2c3d-4e5f-6789-abcd-ef0123456789";
    table("2. partition and region consistency", [
        // https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html (copies stay in a partition)
        [
            "dev",
            { [COPY]: "cn-north-1" },
            `${COPY}: "cn-north-1" is in partition aws-cn, but the stack's region eu-west-1 is in aws`,
        ],
        [
            "dev",
            { [COPY]: "us-gov-west-1" },
            `${COPY}: "us-gov-west-1" is in partition aws-us-gov, but the stack's region eu-west-1 is in aws`,
        ],
        ["dev", { [COPY]: "eu-west-1" }, `${COPY}: "eu-west-1" is the stack's own region`],
        [
            "dev",
            { [COPY]: "eu-central-9" },
            `${COPY}: "eu-central-9" is not an AWS region (did you mean eu-central-1?)`,
        ],
        [
            "dev",
            { [COPY]: "EU-CENTRAL-1" },
            `${COPY}: "EU-CENTRAL-1" is not an AWS region (did you mean eu-central-1?)`,
        ],
        ["dev", { [COPY]: "eucentral1" }, `${COPY}: "eucentral1" is not an AWS region`],
        [
            "dev",
            { "citadel:operations.backup.enabled": false, [COPY]: "mars-1" },
            `${COPY}: "mars-1" is not an AWS region`,
        ],
        [
            "dev",
            { "aws:region": "cn-north-1", [COPY]: "eu-central-1", [APP_CERT]: "" },
            `${COPY}: "eu-central-1" is in partition aws, but the stack's region cn-north-1 is in aws-cn`,
        ],
        // https://docs.aws.amazon.com/acm/latest/userguide/authen-overview.html (certificate ARN and id)
        [
            "dev",
            { [APP_CERT]: `arn:aws-cn:acm:eu-west-1:123456789012:certificate/${UUID}` },
            `${APP_CERT}: "arn:aws-cn:acm:eu-west-1:123456789012:certificate/${UUID}" is in partition aws-cn, but eu-west-1 is in partition aws`,
        ],
        [
            "dev",
            { [APP_CERT]: `arn:aws-us-gov:acm:eu-west-1:123456789012:certificate/${UUID}` },
            `${APP_CERT}: "arn:aws-us-gov:acm:eu-west-1:123456789012:certificate/${UUID}" is in partition aws-us-gov, but eu-west-1 is in partition aws`,
        ],
        [
            "dev",
            { [APP_CERT]: `arn:aws:acm:eu-central-1:123456789012:certificate/${UUID}` },
            `${APP_CERT}: "arn:aws:acm:eu-central-1:123456789012:certificate/${UUID}" is in eu-central-1, but must be in eu-west-1`,
        ],
        [
            "dev",
            { [APP_CERT]: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" },
            `${APP_CERT}: "arn:aws:acm:eu-west-1:123456789012:certificate/abc" has a certificate id "abc" that is not a UUID`,
        ],
        [
            "dev",
            { [APP_CERT]: `arn:aws:acm:eu-west-1:123456789012:certificate/${UUID.toUpperCase()}` },
            `${APP_CERT}: "arn:aws:acm:eu-west-1:123456789012:certificate/${UUID.toUpperCase()}" has a certificate id`,
        ],
        [
            "dev",
            { [APP_CERT]: `arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}/x` },
            `${APP_CERT}: "arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}/x" has a certificate id`,
        ],
        [
            "dev",
            { [EDGE_CERT]: `arn:aws-cn:acm:us-east-1:123456789012:certificate/${UUID}` },
            `${EDGE_CERT}: "arn:aws-cn:acm:us-east-1:123456789012:certificate/${UUID}" names region us-east-1, which is not in its partition aws-cn`,
        ],
        [
            "dev",
            { [EDGE_CERT]: `arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}` },
            `${EDGE_CERT}: "arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}" is in eu-west-1, but CloudFront takes certificates only from us-east-1`,
        ],
        [
            "dev",
            { [EDGE_CERT]: "arn:aws:acm:us-east-1:123456789012:certificate/1" },
            `${EDGE_CERT}: "arn:aws:acm:us-east-1:123456789012:certificate/1" has a certificate id "1" that is not a UUID`,
        ],
        [
            "dev",
            {
                "citadel:orthanc.certificateSecretArn":
                    "arn:aws-cn:secretsmanager:eu-west-1:123456789012:secret:tls-AbCdEf",
            },
            'citadel:orthanc.certificateSecretArn: "arn:aws-cn:secretsmanager:eu-west-1:123456789012:secret:tls-AbCdEf" names region eu-west-1, which is not in its partition aws-cn',
        ],
        [
            "prod",
            {
                "citadel:app.imageSource": "registry",
                "citadel:app.registry": "registry.gitlab.com/acme/app",
                "citadel:app.registryCredentialsSecretArn":
                    "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:registry-AbCdEf",
            },
            'citadel:app.registryCredentialsSecretArn: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:registry-AbCdEf" is in partition aws-cn, but the stack\'s region is in partition aws',
        ],
        [
            "prod",
            {
                "citadel:app.imageSource": "registry",
                "citadel:app.registry": "registry.gitlab.com/acme/app",
                "citadel:app.registryCredentialsSecretArn":
                    "arn:aws:secretsmanager:us-east-1:123456789012:secret:registry-AbCdEf",
            },
            OK,
        ],
        ["dev", { [COPY]: "eu-central-1", [APP_CERT]: `arn:aws:acm:eu-west-1:123456789012:certificate/${UUID}` }, OK],
        ["prod", { [EDGE_CERT]: `arn:aws:acm:us-east-1:123456789012:certificate/${UUID}` }, OK],
    ]);

    const PEERS = "citadel:orthanc.dicomPeers";
    const peer = (p: Record<string, unknown>) => ({ aet: "PACS_MAIN", host: "10.1.2.3", port: 104, tls: true, ...p });
    table("3. DICOM peers", [
        ["dev", { [PEERS]: [peer({ host: "0.0.0.0" })] }, `${PEERS}[0].host: "0.0.0.0" is in the "this network" range`],
        ["dev", { [PEERS]: [peer({ host: "127.0.0.1" })] }, `${PEERS}[0].host: "127.0.0.1" is in the loopback range`],
        ["dev", { [PEERS]: [peer({ host: "224.0.0.5" })] }, `${PEERS}[0].host: "224.0.0.5" is in the multicast range`],
        [
            "dev",
            { [PEERS]: [peer({ host: "255.255.255.255" })] },
            `${PEERS}[0].host: "255.255.255.255" is in the reserved (class E) or broadcast range`,
        ],
        [
            "dev",
            { [PEERS]: [peer({ host: "169.254.169.254" })] },
            `${PEERS}[0].host: "169.254.169.254" is in the link-local range`,
        ],
        ["dev", { [PEERS]: [peer({ host: "10.1.2.3/32" })] }, `${PEERS}[0].host: "10.1.2.3/32" is not an IPv4 address`],
        ["dev", { [PEERS]: [peer({ host: "010.1.2.3" })] }, `${PEERS}[0].host: "010.1.2.3" is not an IPv4 address`],
        [
            "dev",
            { [PEERS]: [peer({ host: "pacs.example.org" })] },
            `${PEERS}[0].host: "pacs.example.org" is not an IPv4 address`,
        ],
        [
            "dev",
            { [PEERS]: [{ aet: "PACS", host: "10.1.2.3", port: 104, tsl: true }] },
            `${PEERS}[0].tsl: true is not a peer field (did you mean tls?), allowed aet, host, port, tls`,
        ],
        ["dev", { [PEERS]: [peer({ Port: 104 })] }, `${PEERS}[0].Port: 104 is not a peer field (did you mean port?)`],
        [
            "dev",
            { [PEERS]: [{ aet: "PACS", host: "10.1.2.3", port: 104 }] },
            `${PEERS}[0].tls: (unset) is required, allowed true (DICOM over TLS) or false`,
        ],
        ["dev", { [PEERS]: [{ aet: "PACS", port: 104, tls: true }] }, `${PEERS}[0].host: (unset) is required`],
        ["dev", { [PEERS]: [peer({ tls: "yes" })] }, `${PEERS}[0].tls: "yes" is not a boolean`],
        [
            "dev",
            { [PEERS]: [peer({ aet: "ORTHANC" })] },
            `${PEERS}[0].aet: "ORTHANC" is Orthanc's own AE title (dicomAet "ORTHANC")`,
        ],
        ["dev", { [PEERS]: [peer({ aet: "orthanc" })] }, `${PEERS}[0].aet: "orthanc" is Orthanc's own AE title`],
        [
            "dev",
            { [PEERS]: [peer({ aet: "A".repeat(17) })] },
            `${PEERS}[0].aet: "${"A".repeat(17)}" is not a DICOM AE title, allowed 1..16`,
        ],
        ["dev", { [PEERS]: [peer({ aet: "PACS\\1" })] }, `${PEERS}[0].aet: "PACS\\\\1" is not a DICOM AE title`],
        ["dev", { [PEERS]: [peer({ aet: "PACS\u0007" })] }, `${PEERS}[0].aet: "PACS\\u0007" is not a DICOM AE title`],
        ["dev", { [PEERS]: [peer({ aet: "   " })] }, `${PEERS}[0].aet: "   " is not a DICOM AE title`],
        ["dev", { [PEERS]: [peer({ aet: " PACS" })] }, `${PEERS}[0].aet: " PACS" has leading or trailing spaces`],
        ["dev", { [PEERS]: [peer({ aet: "" })] }, `${PEERS}[0].aet: "" is not a DICOM AE title`],
        ["dev", { [PEERS]: [peer({ aet: "PACSÉ" })] }, `${PEERS}[0].aet: "PACSÉ" is not a DICOM AE title`],
        ["dev", { [PEERS]: [peer({ port: 0 })] }, `${PEERS}[0].port: 0 is out of range, allowed 1..65535`],
        ["dev", { [PEERS]: [peer({ port: 65536 })] }, `${PEERS}[0].port: 65536 is out of range, allowed 1..65535`],
        ["dev", { [PEERS]: [peer({ port: "104" })] }, `${PEERS}[0].port: "104" is not a whole number`],
        [
            "dev",
            { [PEERS]: [peer({}), peer({ host: "10.1.2.4" })] },
            `${PEERS}: ["PACS_MAIN","PACS_MAIN"] repeats "PACS_MAIN"`,
        ],
        [
            "dev",
            { [PEERS]: [peer({}), peer({ aet: "pacs_main", host: "10.1.2.4" })] },
            `${PEERS}: ["PACS_MAIN","PACS_MAIN"] repeats "PACS_MAIN"`,
        ],
        [
            "dev",
            { [PEERS]: [peer({}), peer({ aet: "ARCHIVE" })] },
            `${PEERS}: ["10.1.2.3:104","10.1.2.3:104"] repeats "10.1.2.3:104"`,
        ],
        ["dev", { [PEERS]: ["PACS@10.1.2.3:104"] }, `${PEERS}: "[\\"PACS@10.1.2.3:104\\"]" is not a list of objects`],
        [
            "dev",
            { "citadel:orthanc.enabled": false, [PEERS]: [peer({ host: "0.0.0.0" })] },
            `${PEERS}[0].host: "0.0.0.0" is in the "this network" range`,
        ],
        [
            "dev",
            { "citadel:orthanc.dicomAet": " ORTHANC" },
            'citadel:orthanc.dicomAet: " ORTHANC" is not a DICOM AE title',
        ],
        [
            "dev",
            { "citadel:orthanc.dicomAet": "ORTHANC " },
            'citadel:orthanc.dicomAet: "ORTHANC " is not a DICOM AE title',
        ],
        ["dev", { "citadel:orthanc.dicomAet": "    " }, 'citadel:orthanc.dicomAet: "    " is not a DICOM AE title'],
        [
            "dev",
            { "citadel:orthanc.dicomAet": "PACS_GATEWAY_0001" },
            'citadel:orthanc.dicomAet: "PACS_GATEWAY_0001" is not a DICOM AE title',
        ],
        [
            "dev",
            { "citadel:orthanc.dicomAet": "MY PACS", [PEERS]: [peer({ aet: "my pacs" })] },
            `${PEERS}[0].aet: "my pacs" is Orthanc's own AE title (dicomAet "MY PACS")`,
        ],
        ["dev", { [PEERS]: [peer({}), peer({ aet: "ARCHIVE", host: "192.0.2.10", port: 2762, tls: false })] }, OK],
    ]);

    const UP = "citadel:edge.uploadPaths";
    table("4. upload paths (the WAF's body size exemption)", [
        [
            "dev",
            { [UP]: ["/"] },
            `${UP}: "/" matches every path, which would lift the body size limit from the whole site`,
        ],
        ["dev", { [UP]: ["/*"] }, `${UP}: "/*" matches every path`],
        ["dev", { [UP]: ["//"] }, `${UP}: "//" matches every path`],
        ["dev", { [UP]: ["uploads/"] }, `${UP}: "uploads/" does not start with "/"`],
        ["dev", { [UP]: ["*"] }, `${UP}: "*" does not start with "/"`],
        ["dev", { [UP]: [""] }, `${UP}: "" is not a URI path prefix`],
        [
            "dev",
            { [UP]: ["/api/uploads/*"] },
            `${UP}: "/api/uploads/*" has a wildcard, but the WAF matches a literal prefix`,
        ],
        ["dev", { [UP]: ["/api/uploads?x=1"] }, `${UP}: "/api/uploads?x=1" has a query or fragment`],
        ["dev", { [UP]: ["/api//uploads"] }, `${UP}: "/api//uploads" has an empty, "." or ".." segment`],
        ["dev", { [UP]: ["/api/../admin"] }, `${UP}: "/api/../admin" has an empty, "." or ".." segment`],
        ["dev", { [UP]: ["/api/up loads"] }, `${UP}: "/api/up loads" has characters a URI path does not`],
        ["dev", { [UP]: ["/api/uplöads"] }, `${UP}: "/api/uplöads" has characters a URI path does not`],
        ["dev", { [UP]: ["/api/%zz"] }, `${UP}: "/api/%zz" has a % that does not start a percent-encoded byte`],
        [
            "dev",
            { [UP]: [`/${"a".repeat(200)}`] },
            `${UP}: "/${"a".repeat(78)}…" (201 characters) is 201 characters long`,
        ],
        [
            "dev",
            { [UP]: ["/api/uploads/", "/api/uploads/"] },
            `${UP}: ["/api/uploads/","/api/uploads/"] repeats "/api/uploads/"`,
        ],
        [
            "dev",
            { [UP]: ["/api/", "/api/uploads/"] },
            `${UP}: ["/api/","/api/uploads/"] lists "/api/uploads/", which "/api/" already covers`,
        ],
        ["dev", { [UP]: Array.from({ length: 11 }, (_, i) => `/u${i}/`) }, `${UP}: ["/u0/","/u1/"`],
        ["dev", { "citadel:edge.enabled": false, [UP]: ["/"] }, `${UP}: "/" matches every path`],
        [
            "dev",
            { [UP]: ["/api/uploads/%2e%2e/"] },
            `${UP}: "/api/uploads/%2e%2e/" encodes a "." or ".." segment (%2E)`,
        ],
        ["dev", { [UP]: ["/api/%2E/"] }, `${UP}: "/api/%2E/" encodes a "." or ".." segment (%2E)`],
        ["dev", { [UP]: ["/%2F"] }, `${UP}: "/%2F" encodes a path separator ("/" or "\\" as %2F or %5C)`],
        ["dev", { [UP]: ["/api/%2fuploads/"] }, `${UP}: "/api/%2fuploads/" encodes a path separator`],
        ["dev", { [UP]: ["/api/%5Cuploads/"] }, `${UP}: "/api/%5Cuploads/" encodes a path separator`],
        [
            "dev",
            { [UP]: ["/api/%00"] },
            `${UP}: "/api/%00" encodes a control or format character (U+0000 at 5 once decoded)`,
        ],
        [
            "dev",
            { [UP]: ["/api/%E2%80%AE/"] },
            `${UP}: "/api/%E2%80%AE/" encodes a control or format character (U+202E at 5 once decoded)`,
        ],
        ["dev", { [UP]: ["/api/%C3/"] }, `${UP}: "/api/%C3/" has percent-encoded bytes that are not UTF-8`],
        ["dev", { [UP]: ["/api/uploads/", "/media/%C3%A9/", "/a/%2e%2e%2e/", "/v%2E1/"] }, OK],
    ]);

    const EMAILS = "citadel:operations.alerts.emails";
    const LEGACY = "citadel:app.alertEmails";
    const HOOKS = "citadel:operations.alerts.httpsEndpoints";
    table("5 and 9. alert emails and HTTPS endpoints, named by the key the user set", [
        [
            "dev",
            { [EMAILS]: ["<ops@example.com>"] },
            `${EMAILS}: "<ops@example.com>" has a display name or angle brackets; SNS takes the address alone`,
        ],
        [
            "dev",
            { [EMAILS]: ["Ops Team <ops@example.com>"] },
            `${EMAILS}: "Ops Team <ops@example.com>" has a display name or angle brackets`,
        ],
        ["dev", { [EMAILS]: ["ops @example.com"] }, `${EMAILS}: "ops @example.com" contains white space`],
        ["dev", { [EMAILS]: [" ops@example.com"] }, `${EMAILS}: " ops@example.com" contains white space`],
        ["dev", { [EMAILS]: ["ops@example"] }, `${EMAILS}: "ops@example" is not an email address`],
        ["dev", { [EMAILS]: ["ops@@example.com"] }, `${EMAILS}: "ops@@example.com" is not an email address`],
        ["dev", { [EMAILS]: ["ops.@example.com"] }, `${EMAILS}: "ops.@example.com" is not an email address`],
        ["dev", { [EMAILS]: ['"ops"@example.com'] }, `${EMAILS}: "\\"ops\\"@example.com" is not an email address`],
        [
            "dev",
            { [EMAILS]: ["mailto:ops@example.com"] },
            `${EMAILS}: "mailto:ops@example.com" is not an email address`,
        ],
        [
            "dev",
            { [EMAILS]: [`${"a".repeat(65)}@example.com`] },
            `${EMAILS}: "${"a".repeat(65)}@example.com" is not an email address`,
        ],
        [
            "dev",
            { [EMAILS]: ["ops@example.com", "OPS@Example.com"] },
            `${EMAILS}: "OPS@Example.com" is listed twice (addresses compared without regard to case)`,
        ],
        [
            "dev",
            { [LEGACY]: ["<ops@example.com>"] },
            `${LEGACY}: "<ops@example.com>" has a display name or angle brackets`,
        ],
        ["dev", { [LEGACY]: ["ops@example.com", "ops@example.com"] }, `${LEGACY}: "ops@example.com" is listed twice`],
        [
            "dev",
            { [LEGACY]: ["ops@example.com"], [EMAILS]: ["Ops@example.com"] },
            `${EMAILS}: "Ops@example.com" is also in app.alertEmails`,
        ],
        [
            "dev",
            { [HOOKS]: ["http://hooks.example.com/alerts"] },
            `${HOOKS}: "http://hooks.example.com/alerts" is not an https:// URL (http: alerts would travel in clear text or nowhere)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https:hooks.example.com"] },
            `${HOOKS}: "https:hooks.example.com" does not start with "https://" exactly (lower case, two slashes)`,
        ],
        [
            "dev",
            { [HOOKS]: ["HTTPS://hooks.example.com/x"] },
            `${HOOKS}: "HTTPS://hooks.example.com/x" does not start with "https://" exactly`,
        ],
        ["dev", { [HOOKS]: ["https://hooks.example.com:0/"] }, `${HOOKS}: "https://hooks.example.com:0/" has port 0`],
        [
            "dev",
            { [HOOKS]: ["https://hooks..example.com/"] },
            `${HOOKS}: "https://hooks..example.com/" has a host that is not a DNS name (label "")`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://-hooks.example.com/"] },
            `${HOOKS}: "https://-hooks.example.com/" has a host that is not a DNS name (label "-hooks")`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://hooks-.example.com/"] },
            `${HOOKS}: "https://hooks-.example.com/" has a host that is not a DNS name (label "hooks-")`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://hooks.example.com:70000/"] },
            `${HOOKS}: "https://hooks.example.com:70000/" is not an https:// URL`,
        ],
        ["dev", { [HOOKS]: ["https://hooks.example.com:65535/a", "https://h-1.Example.com:1/b"] }, OK],
        [
            "dev",
            { [HOOKS]: ["ftp://hooks.example.com/alerts"] },
            `${HOOKS}: "ftp://hooks.example.com/alerts" is not an https:// URL`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://user:hunter2@hooks.example.com/alerts"] },
            `${HOOKS}: "(a URL with credentials, not shown)" has credentials (user:password@) in it`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://token@hooks.example.com/alerts"] },
            `${HOOKS}: "(a URL with credentials, not shown)" has credentials`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://localhost/alerts"] },
            `${HOOKS}: "https://localhost/alerts" has a host SNS cannot reach (localhost: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://127.0.0.1/alerts"] },
            `${HOOKS}: "https://127.0.0.1/alerts" has a host SNS cannot reach (127.0.0.1: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://10.0.0.5/alerts"] },
            `${HOOKS}: "https://10.0.0.5/alerts" has a host SNS cannot reach (10.0.0.5: private)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://192.168.1.10:8443/alerts"] },
            `${HOOKS}: "https://192.168.1.10:8443/alerts" has a host SNS cannot reach (192.168.1.10: private)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://169.254.169.254/latest"] },
            `${HOOKS}: "https://169.254.169.254/latest" has a host SNS cannot reach (169.254.169.254: link-local)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://[::1]/alerts"] },
            `${HOOKS}: "https://[::1]/alerts" has a host SNS cannot reach ([::1]: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://[fd00::1]/alerts"] },
            `${HOOKS}: "https://[fd00::1]/alerts" has a host SNS cannot reach ([fd00::1]: unique local (private))`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://0x7f000001/alerts"] },
            `${HOOKS}: "https://0x7f000001/alerts" has a host SNS cannot reach (127.0.0.1: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://localhost./alerts"] },
            `${HOOKS}: "https://localhost./alerts" has a host SNS cannot reach (localhost: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://[::ffff:127.0.0.1]/alerts"] },
            `${HOOKS}: "https://[::ffff:127.0.0.1]/alerts" has a host SNS cannot reach ([::ffff:7f00:1]: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://2130706433/alerts"] },
            `${HOOKS}: "https://2130706433/alerts" has a host SNS cannot reach (127.0.0.1: loopback)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://hooks.example.com@10.0.0.1/alerts"] },
            `${HOOKS}: "(a URL with credentials, not shown)" has credentials`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://alerts/hook"] },
            `${HOOKS}: "https://alerts/hook" has a host SNS cannot reach (alerts: not a public DNS name)`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://pager.corp.internal/hook"] },
            `${HOOKS}: "https://pager.corp.internal/hook" has a host SNS cannot reach`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://hooks.example.com/a b"] },
            `${HOOKS}: "https://hooks.example.com/a b" contains white space`,
        ],
        [
            "dev",
            { [HOOKS]: ["https://hooks.example.com/a", "https://hooks.example.com/a"] },
            `${HOOKS}: "https://hooks.example.com/a" is listed twice`,
        ],
        [
            "dev",
            {
                [EMAILS]: ["ops@example.com", "oncall+citadel@ops.example.co.uk"],
                [HOOKS]: ["https://hooks.example.com:8443/alerts?token=abc"],
            },
            OK,
        ],
    ]);

    table("6. keys in a misspelled namespace, and aws: keys the provider does not read", [
        [
            "dev",
            { "citadell:vpc.azCount": 3 },
            "citadell:vpc.azCount is in namespace citadell, which no program or provider of this project reads (did you mean citadel:vpc.azCount?)",
        ],
        [
            "dev",
            { "Citadel:protect": true },
            "Citadel:protect is in namespace Citadel, which no program or provider of this project reads (did you mean citadel:protect?)",
        ],
        [
            "dev",
            { "aws:regoin": "eu-west-1" },
            "aws:regoin is not a setting of the AWS provider (did you mean aws:region?)",
        ],
        [
            "dev",
            { "aws:Profile": "ops" },
            "aws:Profile is not a setting of the AWS provider (did you mean aws:profile?)",
        ],
        ["dev", { "aws:profile": "ops", "aws:defaultTags": { tags: { team: "imaging" } }, "other:thing": "x" }, OK],
    ]);

    table("8. aws:region itself, checked first", [
        [
            "dev",
            { "aws:region": "us-east-9" },
            'aws:region: "us-east-9" is not an AWS region (did you mean us-east-1?)',
        ],
        ["dev", { "aws:region": "useast1" }, 'aws:region: "useast1" is not an AWS region'],
        ["dev", { "aws:region": "" }, 'aws:region: "" is not a region'],
        [
            "dev",
            { "aws:region": "eu-west-1 " },
            'aws:region: "eu-west-1 " is not an AWS region (did you mean eu-west-1?)',
        ],
        ["dev", { "aws:region": "Europe" }, 'aws:region: "Europe" is not an AWS region'],
        // Checked before the unknown keys and every ARN that names a region.
        [
            "dev",
            { "aws:region": "us-east-9", "citadel:vpc.azcount": 3 },
            'aws:region: "us-east-9" is not an AWS region',
        ],
        [
            "dev",
            { "aws:region": "eu-central-1" },
            'citadel:app.certificateArn: "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000" is in eu-west-1, but must be in eu-central-1',
        ],
        [
            "dev",
            { "aws:region": "us-east-1", "citadel:app.certificateArn": "", "citadel:orthanc.certificateSecretArn": "" },
            OK,
        ],
    ]);

    const LONG = "x".repeat(10000);
    table("12. long values are cut in messages", [
        [
            "dev",
            { "citadel:orthanc.siteName": LONG },
            `citadel:orthanc.siteName: "${"x".repeat(79)}…" (10000 characters) is not a lower-case DNS name`,
        ],
        [
            "dev",
            { "citadel:app.user": `1000${"\r".repeat(5000)}` },
            `citadel:app.user: "1000${"\\r".repeat(37)}…" (5004 characters) contains a control character`,
        ],
        [
            "dev",
            {
                "citadel:orthanc.webCidrs": Array.from(
                    { length: 500 },
                    (_, i) => `198.18.${i % 256}.${i >= 256 ? 128 : 0}/25`,
                ),
            },
            'citadel:orthanc.webCidrs: ["198.18.0.0/25"',
        ],
    ]);

    const INSTANCE = "an EC2 instance type";
    table("13. instance types and classes; task counts", [
        [
            "prod",
            { "citadel:app.database.instanceClass": "db.t4g.micro2" },
            'citadel:app.database.instanceClass: "db.t4g.micro2" has no size "micro2" (did you mean db.t4g.micro?)',
        ],
        [
            "dev",
            { "citadel:app.database.instanceClass": "db.t4g.micro2" },
            'citadel:app.database.instanceClass: "db.t4g.micro2" has no size "micro2"',
        ],
        [
            "dev",
            { "citadel:app.database.instanceClass": "t4g.micro" },
            'citadel:app.database.instanceClass: "t4g.micro" is not an RDS instance class',
        ],
        [
            "dev",
            { "citadel:app.database.instanceClass": "db.t9g.micro" },
            'citadel:app.database.instanceClass: "db.t9g.micro" names no instance type AWS has',
        ],
        [
            "dev",
            { "citadel:orthanc.db.instanceClass": "db.m5.huge" },
            'citadel:orthanc.db.instanceClass: "db.m5.huge" has no size "huge"',
        ],
        [
            "dev",
            { "citadel:orthanc.db.instanceClass": "db.t4g" },
            'citadel:orthanc.db.instanceClass: "db.t4g" is not an RDS instance class (<family>.<size>)',
        ],
        [
            "dev",
            { "citadel:orthanc.db.instanceClass": "DB.T4G.MICRO" },
            'citadel:orthanc.db.instanceClass: "DB.T4G.MICRO" is not an RDS instance class',
        ],
        [
            "dev",
            { "citadel:orthanc.instanceType": "t3.huge" },
            `citadel:orthanc.instanceType: "t3.huge" has no size "huge"`,
        ],
        [
            "dev",
            { "citadel:orthanc.instanceType": "t3.metal" },
            `citadel:orthanc.instanceType: "t3.metal" names no instance type AWS has`,
        ],
        [
            "dev",
            { "citadel:orthanc.instanceType": "m7i.larg" },
            `citadel:orthanc.instanceType: "m7i.larg" has no size "larg" (did you mean m7i.large?)`,
        ],
        // An instance type of the other CPU architecture than the AMI and images (issue 11 kind 8):
        // the launch template takes any pair and the instance never boots. Graviton types carry a
        // `g` after the generation, and a1 is Graviton too
        // (https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html).
        [
            "prod",
            { "citadel:app.ec2.instanceType": "m7g.large" },
            'citadel:app.ec2.instanceType: "m7g.large" is an arm64 type, but the AMI and images are x86_64 (citadel:app.cpuArchitecture)',
        ],
        [
            "prod",
            { "citadel:app.cpuArchitecture": "ARM64", "citadel:app.ec2.instanceType": "t3.small" },
            'citadel:app.ec2.instanceType: "t3.small" is an x86_64 type, but the AMI and images are arm64',
        ],
        ["prod", { "citadel:app.cpuArchitecture": "arm64" }, 'citadel:app.cpuArchitecture: "arm64"'],
        [
            "prod",
            { "citadel:app.ec2.instanceType": "a1.large" },
            'citadel:app.ec2.instanceType: "a1.large" is an arm64 type',
        ],
        [
            "prod",
            { "citadel:app.ec2.instanceType": "c7gn.large" },
            'citadel:app.ec2.instanceType: "c7gn.large" is an arm64 type',
        ],
        [
            "dev",
            { "citadel:orthanc.instanceType": "mac2.metal" },
            'citadel:orthanc.instanceType: "mac2.metal" is a Mac instance type',
        ],
        [
            "dev",
            { "citadel:orthanc.instanceType": "t3.medium " },
            `citadel:orthanc.instanceType: "t3.medium " has no size "medium "`,
        ],
        [
            "dev",
            { "citadel:app.ec2.instanceType": "t3.small.search" },
            `citadel:app.ec2.instanceType: "t3.small.search" is not ${INSTANCE} (<family>.<size>)`,
        ],
        [
            "dev",
            { "citadel:cache.nodeType": "cache.t4g.micro2" },
            'citadel:cache.nodeType: "cache.t4g.micro2" has no size "micro2" (did you mean cache.t4g.micro?)',
        ],
        [
            "dev",
            { "citadel:cache.nodeType": "t4g.micro" },
            'citadel:cache.nodeType: "t4g.micro" is not an ElastiCache node type',
        ],
        [
            "dev",
            { "citadel:search.instanceType": "t3.medium" },
            'citadel:search.instanceType: "t3.medium" is not an OpenSearch instance type',
        ],
        [
            "dev",
            { "citadel:search.instanceType": "r7g.larg.search" },
            'citadel:search.instanceType: "r7g.larg.search" has no size "larg" (did you mean r7g.large.search?)',
        ],
        ["prod", { "citadel:app.desiredCount": 0 }, "citadel:app.desiredCount: 0 is out of range, allowed 1..100"],
        ["prod", { "citadel:app.desiredCount": 101 }, "citadel:app.desiredCount: 101 is out of range, allowed 1..100"],
        ["prod", { "citadel:app.desiredCount": 5, "citadel:app.maxCount": 4 }, "citadel:app.maxCount: 4"],
        [
            "dev",
            {
                "citadel:orthanc.instanceType": "m7i-flex.large",
                "citadel:orthanc.db.instanceClass": "db.r7g.large",
                "citadel:cache.nodeType": "cache.r7g.large",
                "citadel:search.instanceType": "or1.medium.search",
                "citadel:app.ec2.instanceType": "c7g.metal",
                "citadel:app.cpuArchitecture": "ARM64",
            },
            OK,
        ],
        ["prod", { "citadel:app.desiredCount": 1, "citadel:app.database.instanceClass": "db.m7g.2xlarge" }, OK],
    ]);
});

describe("secret values in messages and the offline plan's stand-ins (kinds 10 and 12)", () => {
    table(
        "a secure: value the plan cannot decrypt is read as the key's default, only in the plan's stand-in case",
        [
            ["dev", { "citadel:orthanc.siteName": "x" }, OK],
            ["dev", { "citadel:orthanc.dicomAet": "x" }, OK],
            ["dev", { "citadel:operations.patching.installSchedule": "x" }, OK],
            ["dev", { "citadel:app.alertEmails": "x" }, OK],
        ],
        [
            "citadel:orthanc.siteName",
            "citadel:orthanc.dicomAet",
            "citadel:operations.patching.installSchedule",
            "citadel:app.alertEmails",
        ],
    );

    table(
        "a key the stack needs in a shape (a certificate when the app is on, a subscriber when protected) reads as a value of that shape",
        [
            [
                "dev",
                { "citadel:app.enabled": true, "citadel:vpc.natStrategy": "single", "citadel:app.certificateArn": "x" },
                OK,
            ],
            [
                "prod",
                {
                    "citadel:edge.certificateArn": "x",
                    "citadel:edge.originDomainName": "x",
                    "citadel:operations.alerts.emails": "x",
                },
                OK,
            ],
            [
                "prod",
                {
                    "citadel:app.imageSource": "registry",
                    "citadel:app.registry": "x",
                    "citadel:app.registryCredentialsSecretArn": "x",
                },
                OK,
            ],
        ],
        [
            "citadel:app.certificateArn",
            "citadel:edge.certificateArn",
            "citadel:edge.originDomainName",
            "citadel:operations.alerts.emails",
            "citadel:app.registry",
            "citadel:app.registryCredentialsSecretArn",
        ],
    );

    it("a stand-in that still fails a check says the plan could not decrypt it, without any value", () => {
        assert.throws(
            () =>
                load(
                    "prod",
                    { "citadel:app.alertEmails": ["stand-in@example.com"], "citadel:operations.alerts.emails": "x" },
                    ["citadel:operations.alerts.emails"],
                ),
            (e: Error) => {
                assert.equal(
                    e.message,
                    "citadel:operations.alerts.emails: (secret, not shown) is also in app.alertEmails (addresses compared without " +
                        "regard to case) (the offline plan cannot decrypt this secure: value and planned with a stand-in; pulumi preview checks the real value), " +
                        "allowed each address in one of the two keys (app.alertEmails is the older spelling of operations.alerts.emails)",
                );
                return true;
            },
        );
    });

    it("a real secret value (not the stand-in) is checked all the same, and never printed", () => {
        pulumi.runtime.setAllConfig({ ...readStackConfig("dev").values, "citadel:orthanc.siteName": "Not A Name!" }, [
            "citadel:orthanc.siteName",
        ]);
        assert.throws(
            () => loadSettings(new ConfigReader("citadel")),
            (e: Error) => {
                assert.equal(
                    e.message,
                    'citadel:orthanc.siteName: (secret, not shown) is not a lower-case DNS name, allowed a fully qualified name of at most 64 characters, e.g. "pacs.example.org"',
                );
                return true;
            },
        );
        pulumi.runtime.setAllConfig(
            {
                ...readStackConfig("dev").values,
                "citadel:operations.alerts.emails": JSON.stringify(["s3cret@example.com", "s3cret@example.com"]),
            },
            ["citadel:operations.alerts.emails"],
        );
        assert.throws(
            () => loadSettings(new ConfigReader("citadel")),
            (e: Error) => {
                assert.equal(
                    e.message,
                    "citadel:operations.alerts.emails: (secret, not shown) is listed twice (addresses compared without regard to case), allowed each subscriber once",
                );
                return true;
            },
        );
        pulumi.runtime.setAllConfig(
            {
                ...readStackConfig("dev").values,
                "citadel:orthanc.webCidrs": JSON.stringify(["203.0.113.0/24", "203.0.113.0/24"]),
            },
            ["citadel:orthanc.webCidrs"],
        );
        assert.throws(
            () => loadSettings(new ConfigReader("citadel")),
            (e: Error) => {
                assert.ok(!e.message.includes("203.0.113"), e.message);
                assert.ok(
                    e.message.startsWith('citadel:orthanc.webCidrs: (secret, not shown) repeats "(secret)"'),
                    e.message,
                );
                return true;
            },
        );
        pulumi.runtime.setAllConfig(
            { ...readStackConfig("dev").values, "citadel:orthanc.certificateSecretArn": "hunter2\r" },
            ["citadel:orthanc.certificateSecretArn"],
        );
        assert.throws(
            () => loadSettings(new ConfigReader("citadel")),
            (e: Error) => {
                assert.ok(!e.message.includes("hunter2"), e.message);
                assert.ok(
                    e.message.startsWith(
                        "citadel:orthanc.certificateSecretArn: (secret, not shown) contains a control character",
                    ),
                    e.message,
                );
                return true;
            },
        );
    });
});

describe("examples refuse undeclared project keys as the root does (kind 6)", () => {
    const cases: Array<[string, string, string]> = [
        ["drsignet", "drsignet:natStratgy", "(did you mean drsignet:natStrategy?)"],
        ["instandt", "instandt:natstrategy", "(did you mean instandt:natStrategy?)"],
        ["ecoportal", "ecoportal:domainname", "(did you mean ecoportal:domainName?)"],
        [
            "orthweb",
            "orthweb:colour",
            ", allowed one of the 9 keys declared in Pulumi.yaml: orthweb:alertEmails, orthweb:certificateSecretArn, orthweb:dbInstanceClass, orthweb:dicomCidrs, orthweb:instanceType, orthweb:interfaceEndpoints, orthweb:protect, orthweb:siteName, orthweb:webCidrs",
        ],
        ["orthweb", "aws:region", "allowed an AWS region name"],
        ["sg-design", "sg-design:certificateArm", "(did you mean sg-design:certificateArn?)"],
    ];
    for (const [example, key, hint] of cases) {
        it(`${example}: ${key} → refused before any resource`, async () => {
            const root = path.join(REPO_ROOT, "examples", example);
            await assert.rejects(runStack("dev", { [key]: "x" }, root), (e: Error) => {
                assert.ok(e instanceof ConfigError, `not a ConfigError: ${e.stack}`);
                if (key === "aws:region")
                    assert.ok(e.message.startsWith('aws:region: "x" is not an AWS region'), e.message);
                else assert.ok(e.message.startsWith(`${key} is not a key Pulumi.yaml declares`), e.message);
                assert.ok(e.message.includes(hint), e.message);
                return true;
            });
            assert.equal(currentRecording.resources.length, 0, "resources were registered before the error");
        });
    }
});

describe("a stack file with a key given twice names the file, the line and the key (kind 11)", () => {
    it("Pulumi.yaml itself (the declarations the program reads): a ConfigError naming file, line and key", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-yaml-"));
        const file = path.join(dir, "Pulumi.yaml");
        fs.writeFileSync(file, "name: x\nconfig:\n  a:\n    type: string\n  a:\n    type: integer\n");
        assert.throws(
            () => declaredConfig(file),
            (e: Error) => {
                assert.ok(e instanceof ConfigError);
                assert.equal(
                    e.message,
                    `${file}:5: "a" is given twice in the same mapping, allowed each key once (the Pulumi CLI refuses such a file too)`,
                );
                return true;
            },
        );
        fs.rmSync(dir, { recursive: true });
    });

    const cases: Array<[string, string]> = [
        [
            "config:\n  aws:region: eu-west-1\n  citadel:vpc.azCount: 2\n  citadel:vpc.azCount: 3\n",
            "Pulumi.x.yaml:4: the key citadel:vpc.azCount appears twice in the same mapping; keep one",
        ],
        [
            "config:\n  citadel:orthanc.dicomPeers:\n    - aet: A\n      aet: B\n",
            "Pulumi.x.yaml:4: the key aet appears twice in the same mapping",
        ],
        ["config:\n  citadel:app.hosts: [a.example.com\n", "Pulumi.x.yaml"],
    ];
    for (const [text, message] of cases) {
        it(JSON.stringify(text.slice(8, 60)), () => {
            assert.throws(
                () => parseYamlFile(path.join(process.cwd(), "Pulumi.x.yaml"), text, true),
                (e: Error) => {
                    assert.equal(e.name, "ProjectError");
                    assert.ok(e.message.startsWith(message), e.message);
                    return true;
                },
            );
        });
    }
});
