import { strict as assert } from "assert";
import { ConfigError } from "@citadel/shared";
import {
    autoNamed,
    CANNED_ARM64_AMI,
    capture,
    hostAddresses,
    named,
    ofType,
    Recording,
    valueOf,
} from "@citadel/testing";
const OWN_CERT = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orthanc-tls-AbCdEf";
import { SAMPLE } from "./fixtures";
import {
    ADMIN_PENDING_TAG,
    AL2023_RELEASE,
    al2023AmiName,
    cloudWatchAgentConfig,
    decodeUserData,
    hostCloudWatchAgentParams,
    hostOrthancParams,
    hostSubnets,
    orthancConfig,
    OrthancHost,
    OrthancHostArgs,
} from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/test";
const network = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
    publicSubnetIds: ["pub-a", "pub-b", "pub-c"],
    privateSubnetIds: ["priv-a", "priv-b", "priv-c"],
};
const base: OrthancHostArgs = {
    network,
    kmsKeyArn: KEY,
    accessLogsBucketName: "access-logs",
    webCidrs: ["203.0.113.0/24", "192.0.2.0/24"],
    dicomCidrs: ["198.51.100.0/24"],
};

async function build(args: Partial<OrthancHostArgs> = {}): Promise<{ rec: Recording; host: OrthancHost }> {
    let host!: OrthancHost;
    const rec = await capture(() => {
        host = new OrthancHost("pacs", { ...base, ...args });
    });
    return { rec, host };
}

const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

describe("OrthancHost", () => {
    let dflt: { rec: Recording; host: OrthancHost };
    before(async () => {
        dflt = await build();
    });

    it("is one component with the type token citadel:orthanc:OrthancHost", () => {
        const c = named(dflt.rec, "pacs");
        assert.equal(c.type, "citadel:orthanc:OrthancHost");
        assert.equal(c.custom, false);
    });

    it("launches from one template: IMDSv2 only (hop limit 2), encrypted gp3 root, monitoring, no key pair", () => {
        const templates = ofType(dflt.rec, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.equal(templates.length, 1);
        const lt = templates[0].inputs;
        assert.deepEqual(lt.metadataOptions, {
            httpEndpoint: "enabled",
            httpTokens: "required",
            httpPutResponseHopLimit: 2,
            instanceMetadataTags: "disabled",
        });
        assert.deepEqual(lt.blockDeviceMappings, [
            {
                deviceName: "/dev/xvda",
                ebs: {
                    volumeSize: 30,
                    volumeType: "gp3",
                    kmsKeyId: KEY,
                    encrypted: "true",
                    deleteOnTermination: "true",
                },
            },
        ]);
        assert.deepEqual(lt.monitoring, { enabled: true });
        assert.equal(lt.keyName, undefined);
        assert.equal(lt.instanceType, "t3.medium");
        // The pinned release's AMI, by Amazon's exact name; never the "latest" SSM parameter.
        assert.equal(lt.imageId, "ami-0123456789abcdef0", "the AMI comes from the lookup by name");
        assert.ok(dflt.rec.lookups.includes("aws:ec2/getAmi:getAmi"));
        assert.ok(
            !dflt.rec.lookups.includes("aws:ssm/getParameter:getParameter"),
            "the latest AMI would change under the hosts",
        );
        assert.equal(al2023AmiName(AL2023_RELEASE, "x86_64"), `al2023-ami-${AL2023_RELEASE}-kernel-6.1-x86_64`);
        assert.throws(
            () => new OrthancHost("bad", { ...base, amiRelease: "latest" }),
            /OrthancHost "bad": amiRelease: "latest" is not an Amazon Linux 2023 release/,
        );
        assert.deepEqual(lt.iamInstanceProfile, { arn: "arn:aws:iam:us-east-1:123456789012:pacs-host-profile" });
        assert.equal(named(dflt.rec, "pacs-host-profile").inputs.role, autoNamed("pacs-host-role", "iam/role:Role"));
    });

    // A host whose boot fails is silent: no log line, no unhealthy target without a load balancer.
    // Missing data is treated as breaching, so the alarm fires when the heartbeat never starts or stops.
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/AlarmThatSendsEmail.html#alarms-and-missing-data
    it("CloudWatch missing data: a boot failure (no heartbeat for two refreshes) raises an alarm per host", async () => {
        assert.equal(ofType(dflt.rec, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0, "no alarms unless asked");
        const { rec } = await build({ alarms: { topicArn: "arn:aws:sns:us-east-1:123456789012:alerts" } });
        const alarms = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) =>
            a.name.endsWith("-not-ready"),
        );
        assert.equal(alarms.length, 2);
        for (const [i, a] of alarms.entries()) {
            assert.deepEqual(
                [a.inputs.namespace, a.inputs.metricName, a.inputs.dimensions],
                ["Citadel/OrthancHost", "HostReady", { InstanceId: `pacs-host-${i}-id` }],
            );
            assert.deepEqual(
                [a.inputs.treatMissingData, a.inputs.comparisonOperator, a.inputs.threshold],
                ["breaching", "LessThanThreshold", 1],
            );
            assert.equal(a.inputs.period * a.inputs.evaluationPeriods, 1800);
            assert.deepEqual(a.inputs.alarmActions, ["arn:aws:sns:us-east-1:123456789012:alerts"]);
        }
        // The host puts exactly that metric, in that namespace, once healthy through nginx.
        const text = decodeUserData(ofType(rec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs.userData);
        assert.match(
            text,
            /aws cloudwatch put-metric-data --region "\$REGION" --namespace "\$HEARTBEAT_NAMESPACE" \\\n\s+--metric-name HostReady/,
        );
        assert.ok(text.includes("readonly HEARTBEAT_NAMESPACE=Citadel/OrthancHost"));
    });

    // Security groups deny what no rule allows: Orthanc can send (C-STORE, C-MOVE) only to peers
    // with an egress rule, and Orthanc knows a peer only from its DicomModalities.
    // https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
    // https://orthanc.uclouvain.be/book/users/configuration.html
    it("security group egress: each configured DICOM peer opens exactly its address and port, and is an Orthanc modality", async () => {
        const none = ofType(dflt.rec, EGRESS).filter((r) => r.name.startsWith("pacs-egress-dicom"));
        assert.equal(none.length, 0, "no peers, no DICOM egress");
        const { rec } = await build({
            dicomPeers: [
                { aet: "PACS_MAIN", host: "10.1.2.3", port: 104, tls: false },
                { aet: "ARCHIVE", host: "192.0.2.10", port: 2762, tls: true },
            ],
        });
        const egress = ofType(rec, EGRESS).filter((r) => r.name.startsWith("pacs-egress-dicom"));
        assert.deepEqual(
            egress.map((r) => [r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort, r.inputs.ipProtocol]),
            [
                ["10.1.2.3/32", 104, 104, "tcp"],
                ["192.0.2.10/32", 2762, 2762, "tcp"],
            ],
        );
        const text = decodeUserData(ofType(rec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs.userData);
        assert.ok(text.includes('"DicomModalities": {'));
        const config = orthancConfig({
            ...hostOrthancParams({
                ...SAMPLE,
                orthanc: {
                    ...SAMPLE.orthanc,
                    peers: [
                        { aet: "PACS_MAIN", host: "10.1.2.3", port: 104, tls: false },
                        { aet: "ARCHIVE", host: "192.0.2.10", port: 2762, tls: true },
                    ],
                },
            }),
        });
        assert.deepEqual(config.DicomModalities, {
            PACS_MAIN: { AET: "PACS_MAIN", Host: "10.1.2.3", Port: 104, UseDicomTls: false },
            ARCHIVE: { AET: "ARCHIVE", Host: "192.0.2.10", Port: 2762, UseDicomTls: true },
        });
        assert.equal(config.DicomTlsCertificate, "/etc/orthanc-host/tls/cert.pem");
        for (const peer of ['"AET": "PACS_MAIN"', '"Host": "192.0.2.10"', '"UseDicomTls": true'])
            assert.ok(text.includes(peer), peer);
        for (const [bad, message] of [
            [
                { aet: "PACS", host: "pacs.example.org", port: 104, tls: true },
                /dicomPeers\[0\]\.host: "pacs\.example\.org" is not an IPv4 address/,
            ],
            [
                { aet: "A\\B", host: "10.0.0.1", port: 104, tls: true },
                /dicomPeers\[0\]\.aet: "A\\\\B" is not a DICOM AE title/,
            ],
            [
                { aet: "PACS", host: "10.0.0.1", port: 70000, tls: true },
                /dicomPeers\[0\]\.port: 70000 is out of range, allowed 1\.\.65535/,
            ],
        ] as const) {
            assert.throws(() => new OrthancHost("bad", { ...base, dicomPeers: [bad as any] }), message);
        }
    });

    it("runs one host per AZ in the public subnets, each asking for its own public address", () => {
        const hosts = ofType(dflt.rec, "aws:ec2/instance:Instance");
        assert.deepEqual(hosts.map((h) => [h.name, h.inputs.subnetId, h.inputs.availabilityZone]).sort(), [
            ["pacs-host-0", "pub-a", "us-east-1a"],
            ["pacs-host-1", "pub-b", "us-east-1b"],
        ]);
        for (const h of hosts) {
            assert.deepEqual(h.inputs.launchTemplate, { id: "pacs-host-template-id", version: "1" });
            assert.equal(h.inputs.associatePublicIpAddress, true);
            assert.deepEqual(h.inputs.vpcSecurityGroupIds, ["pacs-hosts-id"]);
            assert.equal(h.inputs.metadataOptions.httpTokens, "required");
            assert.equal(h.inputs.rootBlockDevice.encrypted, true);
            assert.equal(h.inputs.rootBlockDevice.kmsKeyId, KEY);
            assert.equal(h.inputs.monitoring, true);
        }
    });

    it("admits 443 from webCidrs and 11112 from dicomCidrs, nothing else, and no 0.0.0.0/0", () => {
        const rules = ofType(dflt.rec, INGRESS).filter((r) => r.inputs.securityGroupId === "pacs-hosts-id");
        assert.deepEqual(rules.map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]).sort(), [
            ["pacs-dicom-0", 11112, 11112, "198.51.100.0/24"],
            ["pacs-web-0", 443, 443, "203.0.113.0/24"],
            ["pacs-web-1", 443, 443, "192.0.2.0/24"],
        ]);
        assert.equal(named(dflt.rec, "pacs-hosts").inputs.ingress, undefined, "inline rules");
        for (const r of ofType(dflt.rec, INGRESS)) assert.notEqual(r.inputs.cidrIpv4, "0.0.0.0/0", r.name);
    });

    it("lets hosts out on 443 and to the database's security group on 5432 only", () => {
        const out = ofType(dflt.rec, EGRESS).filter((r) => r.inputs.securityGroupId === "pacs-hosts-id");
        assert.deepEqual(
            out
                .map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4, r.inputs.referencedSecurityGroupId])
                .sort((x, y) => Number(x[0]) - Number(y[0])),
            [
                [443, "0.0.0.0/0", undefined],
                [5432, undefined, "pacs-db-sg-id"],
            ],
        );
    });

    it("puts images in a secure bucket: SSE-KMS with the key, public access blocked, TLS-only, access-logged", () => {
        assert.equal(named(dflt.rec, "pacs-images").type, "aws:s3/bucket:Bucket");
        const enc = named(dflt.rec, "pacs-images-encryption").inputs.rules[0];
        assert.deepEqual(enc.applyServerSideEncryptionByDefault, { sseAlgorithm: "aws:kms", kmsMasterKeyId: KEY });
        const pab = named(dflt.rec, "pacs-images-public-access").inputs;
        assert.ok(pab.blockPublicAcls && pab.blockPublicPolicy && pab.ignorePublicAcls && pab.restrictPublicBuckets);
        const policy = JSON.parse(named(dflt.rec, "pacs-images-policy").inputs.policy);
        assert.ok(policy.Statement.some((s: any) => s.Sid === "DenyInsecureTransport"));
        assert.equal(named(dflt.rec, "pacs-images-access-logs").inputs.targetBucket, "access-logs");
    });

    it("indexes in PostgreSQL reachable only from the hosts, password managed by RDS, private and encrypted", () => {
        const db = named(dflt.rec, "pacs-db");
        assert.equal(db.type, "aws:rds/instance:Instance");
        assert.equal(db.inputs.storageEncrypted, true);
        assert.equal(db.inputs.manageMasterUserPassword, true);
        assert.equal(db.inputs.publiclyAccessible, false);
        assert.equal(db.inputs.password, undefined);
        assert.equal(db.inputs.dbName, "orthanc");
        assert.equal(db.inputs.multiAz, false);
        const dbRules = ofType(dflt.rec, INGRESS).filter((r) => r.inputs.securityGroupId === "pacs-db-sg-id");
        assert.deepEqual(
            dbRules.map((r) => r.inputs.referencedSecurityGroupId),
            ["pacs-hosts-id"],
        );
    });

    it("keeps its log group with retention and the key, and an admin secret with no value in state", () => {
        const group = named(dflt.rec, "pacs-logs").inputs;
        assert.equal(group.retentionInDays, 365);
        assert.equal(group.kmsKeyId, KEY);
        const secret = named(dflt.rec, "pacs-admin");
        assert.equal(secret.type, "aws:secretsmanager/secret:Secret");
        assert.equal(secret.inputs.kmsKeyId, KEY);
        assert.equal(
            ofType(dflt.rec, "aws:secretsmanager/secretVersion:SecretVersion").length,
            0,
            "a secret version would put the password in Pulumi state",
        );
    });

    it("gives the instance role its scoped inline policy and no managed policy", async () => {
        // The one managed policy is the database's Enhanced Monitoring role's (RDS.6), on a role of its own.
        const attachments = ofType(dflt.rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.deepEqual(
            attachments.map((a) => String(a.inputs.policyArn).split("/").pop()),
            ["AmazonRDSEnhancedMonitoringRole"],
        );
        assert.match(String(attachments[0].inputs.role), /-db-monitoring-role/);
        const admin = named(dflt.rec, "pacs-admin");
        assert.deepEqual(admin.inputs.tags, { [ADMIN_PENDING_TAG.key]: ADMIN_PENDING_TAG.value });
        const trust = JSON.parse(named(dflt.rec, "pacs-host-role").inputs.assumeRolePolicy);
        assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
        const policy = JSON.parse(named(dflt.rec, "pacs-host-policy").inputs.policy);
        const sids = policy.Statement.map((s: any) => s.Sid);
        assert.deepEqual(sids, [
            "SessionManagerAgent",
            "SystemsManagerAgent",
            "ImageObjects",
            "ListImageBucket",
            "ReadSecrets",
            "SetAdminSecretFirstValue",
            "EndAdminSecretFirstValue",
            "UseKeyThroughS3AndSecretsManager",
            "PutHostMetrics",
            "WriteOwnLogs",
        ]);
        const read = policy.Statement.find((s: any) => s.Sid === "ReadSecrets");
        assert.deepEqual(read.Resource, [
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!pacs-db-mock",
            "arn:aws:secretsmanager:us-east-1:123456789012:pacs-admin",
        ]);
    });

    it("boots from gzipped cloud-config wired to this deployment's database, bucket, secrets and log group", () => {
        const lt = ofType(dflt.rec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs;
        const text = decodeUserData(lt.userData);
        assert.ok(text.startsWith("#cloud-config\n"));
        assert.ok(
            text.includes(
                `readonly DATABASE_URI_SUFFIX='@citadel-test-pacs-db-mockrand.mock.us-east-1.rds.amazonaws.com:5432/orthanc?sslmode=require'`,
            ),
        );
        assert.ok(text.includes(`"BucketName": "${autoNamed("pacs-images", "s3/bucket:Bucket")}"`));
        assert.ok(text.includes(`--log-opt awslogs-group=${autoNamed("pacs-logs", "cloudwatch/logGroup:LogGroup")}`));
        assert.ok(
            text.includes(
                "readonly DATABASE_SECRET_ARN='arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!pacs-db-mock'",
            ),
        );
        assert.ok(text.includes("readonly ADMIN_SECRET_ARN=arn:aws:secretsmanager:us-east-1:123456789012:pacs-admin"));
        assert.ok(text.includes("readonly -a EXTRA_NAMES=()"), "no load balancer name without a load balancer");
    });

    it("exports instance ids, https URLs, DICOM endpoints, database endpoint, bucket and log group", async () => {
        const h = dflt.host;
        assert.deepEqual(await valueOf(h.instanceIds), ["pacs-host-0-id", "pacs-host-1-id"]);
        // Each host has its own address, as in AWS.
        const [dns0, dns1] = ["pacs-host-0", "pacs-host-1"].map((n) => hostAddresses(n, "us-east-1").publicDns);
        assert.notEqual(dns0, dns1);
        assert.deepEqual(await valueOf(h.urls), [`https://${dns0}`, `https://${dns1}`]);
        assert.deepEqual(await valueOf(h.dicomEndpoints), [`${dns0}:11112`, `${dns1}:11112`]);
        assert.equal(
            await valueOf(h.databaseEndpoint),
            `citadel-test-pacs-db-mockrand.mock.us-east-1.rds.amazonaws.com:5432`,
        );
        assert.equal(await valueOf(h.bucketName), autoNamed("pacs-images", "s3/bucket:Bucket"));
        assert.equal(await valueOf(h.logGroupName), autoNamed("pacs-logs", "cloudwatch/logGroup:LogGroup"));
        assert.equal(await valueOf(h.loadBalancerDnsName), undefined);
        assert.equal(ofType(dflt.rec, "aws:lb/loadBalancer:LoadBalancer").length, 0);
    });

    it("protects the database, the bucket and the admin secret when asked", async () => {
        const { rec } = await build({ protect: true, database: { multiAz: true, deletionProtection: true } });
        for (const n of ["pacs-db", "pacs-images", "pacs-admin"]) assert.equal(named(rec, n).protect, true, n);
        assert.equal(named(rec, "pacs-db").inputs.multiAz, true);
        assert.equal(named(rec, "pacs-db").inputs.deletionProtection, true);
        assert.equal(named(dflt.rec, "pacs-db").protect, false);
    });

    it("takes Graviton types with the arm64 image, a pinned AMI and a user certificate", async () => {
        const { rec } = await build({
            instanceType: "t4g.small",
            amiId: CANNED_ARM64_AMI,
            certificateSecretArn: OWN_CERT,
            hostCount: 3,
        });
        const lt = ofType(rec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs;
        assert.equal(lt.imageId, CANNED_ARM64_AMI);
        assert.ok(!rec.lookups.includes("aws:ssm/getParameter:getParameter"));
        assert.ok(decodeUserData(lt.userData).includes(`readonly CERTIFICATE_SECRET_ARN=${OWN_CERT}`));
        assert.equal(ofType(rec, "aws:ec2/instance:Instance").length, 3);
        const read = JSON.parse(named(rec, "pacs-host-policy").inputs.policy).Statement.find(
            (s: any) => s.Sid === "ReadSecrets",
        );
        assert.ok(read.Resource.includes(OWN_CERT));
    });

    it("raises no alarm and carries no patch group unless asked", () => {
        assert.equal(ofType(dflt.rec, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        assert.equal(named(dflt.rec, "pacs-host-0").inputs.tags["Patch Group"], undefined);
    });

    describe("with a load balancer, alarms and a patch group", () => {
        let lbRec: Recording;
        before(async () => {
            lbRec = (
                await build({
                    loadBalancer: true,
                    protect: true,
                    patchGroup: "citadel-orthanc",
                    alarms: { topicArn: TOPIC, cpuPercent: 90, memoryUsedPercent: 85, database: { freeStorageGiB: 5 } },
                })
            ).rec;
        });

        it("recovers a host that fails its system check, and alarms on instance checks, CPU, targets and the database", () => {
            const alarms = ofType(lbRec, "aws:cloudwatch/metricAlarm:MetricAlarm");
            assert.deepEqual(alarms.map((a) => a.name).sort(), [
                "pacs-db-alarm-connections",
                "pacs-db-alarm-cpu",
                "pacs-db-alarm-free-storage",
                "pacs-host-0-alarm-cpu",
                "pacs-host-0-alarm-disk",
                "pacs-host-0-alarm-instance-check",
                "pacs-host-0-alarm-memory",
                "pacs-host-0-alarm-system-check",
                "pacs-host-0-not-ready",
                "pacs-host-1-alarm-cpu",
                "pacs-host-1-alarm-disk",
                "pacs-host-1-alarm-instance-check",
                "pacs-host-1-alarm-memory",
                "pacs-host-1-alarm-system-check",
                "pacs-host-1-not-ready",
                "pacs-lb-dicom-alarm-unhealthy-hosts",
                "pacs-lb-web-alarm-unhealthy-hosts",
            ]);
            const system = named(lbRec, "pacs-host-1-alarm-system-check").inputs;
            assert.deepEqual(system.dimensions, { InstanceId: "pacs-host-1-id" });
            assert.equal(system.metricName, "StatusCheckFailed_System");
            assert.deepEqual(system.alarmActions, [TOPIC, "arn:aws:automate:us-east-1:ec2:recover"]);
            assert.equal(system.treatMissingData, "missing", "only a reported failure moves the host");
            assert.equal(
                named(lbRec, "pacs-host-0-alarm-instance-check").inputs.treatMissingData,
                "breaching",
                "a host that stops reporting is not healthy",
            );
            assert.deepEqual(named(lbRec, "pacs-host-0-alarm-instance-check").inputs.alarmActions, [TOPIC]);
            assert.equal(named(lbRec, "pacs-host-0-alarm-cpu").inputs.threshold, 90);
            assert.equal(named(lbRec, "pacs-db-alarm-free-storage").inputs.threshold, 5 * 1024 ** 3);
            const web = named(lbRec, "pacs-lb-web-alarm-unhealthy-hosts").inputs;
            assert.equal(web.namespace, "AWS/NetworkELB");
            assert.deepEqual(web.dimensions, {
                LoadBalancer: "app/pacs-nlb/mock",
                TargetGroup: "targetgroup/pacs-lb-web/mock",
            });
        });

        // EC2 publishes no file-system or memory metric; the CloudWatch agent on each host does, in the
        // hosts' namespace, with the dimensions its configuration aggregates on. An alarm naming other
        // dimensions than those published would never see data.
        // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/metrics-collected-by-CloudWatch-agent.html
        it("CloudWatch agent metrics: a disk and a memory alarm per host, on the dimensions the agent publishes", () => {
            const config = cloudWatchAgentConfig(hostCloudWatchAgentParams()) as any;
            for (const i of [0, 1]) {
                const disk = named(lbRec, `pacs-host-${i}-alarm-disk`).inputs;
                assert.equal(disk.namespace, config.metrics.namespace);
                assert.equal(disk.metricName, "disk_used_percent");
                assert.deepEqual(disk.dimensions, { InstanceId: `pacs-host-${i}-id`, path: "/" });
                // The alarm's dimension names are exactly one of the agent's aggregation sets, on a path it collects.
                assert.ok(
                    config.metrics.aggregation_dimensions.some(
                        (d: string[]) =>
                            JSON.stringify([...d].sort()) === JSON.stringify(Object.keys(disk.dimensions).sort()),
                    ),
                );
                assert.ok(config.metrics.metrics_collected.disk.resources.includes(disk.dimensions.path));
                assert.equal(disk.threshold, 80);
                // Several samples per period: with missing data breaching, a period that could catch none would page.
                assert.ok(
                    disk.period >= 5 * config.agent.metrics_collection_interval && disk.period % 60 === 0,
                    String(disk.period),
                );
                assert.equal(disk.treatMissingData, "breaching", "an agent that stopped leaves the disk unwatched");
                const memory = named(lbRec, `pacs-host-${i}-alarm-memory`).inputs;
                assert.equal(memory.metricName, "mem_used_percent");
                assert.deepEqual(
                    memory.dimensions,
                    { InstanceId: `pacs-host-${i}-id` },
                    "mem carries only the appended InstanceId (the host name is omitted)",
                );
                assert.equal(memory.threshold, 85);
                assert.deepEqual(memory.alarmActions, [TOPIC]);
            }
            const policy = JSON.parse(named(lbRec, "pacs-host-policy").inputs.policy).Statement.find(
                (s: any) => s.Sid === "PutHostMetrics",
            );
            assert.deepEqual(policy.Condition, { StringEquals: { "cloudwatch:namespace": config.metrics.namespace } });
        });

        it("tags the hosts with their patch group for Patch Manager", () => {
            for (const i of [0, 1])
                assert.equal(named(lbRec, `pacs-host-${i}`).inputs.tags["Patch Group"], "citadel-orthanc");
        });

        it("puts the image bucket and the database in the backup selection", () => {
            assert.deepEqual(named(lbRec, "pacs-images", "aws:s3/bucket:Bucket").inputs.tags, {
                "citadel:backup": "daily",
            });
            assert.deepEqual(named(lbRec, "pacs-db", "aws:rds/instance:Instance").inputs.tags, {
                "citadel:backup": "daily",
            });
        });

        it("is a public NLB in the hosts' subnets passing 443 and 11112 through over TCP", () => {
            const nlb = named(lbRec, "pacs-nlb").inputs;
            assert.equal(nlb.loadBalancerType, "network");
            assert.equal(nlb.internal, false);
            assert.deepEqual(nlb.subnets, ["pub-a", "pub-b"]);
            assert.deepEqual(nlb.securityGroups, ["pacs-lb-id"]);
            assert.equal(nlb.enableCrossZoneLoadBalancing, true);
            const listeners = ofType(lbRec, "aws:lb/listener:Listener");
            assert.deepEqual(
                listeners
                    .map((l) => [l.inputs.port, l.inputs.protocol, l.inputs.defaultActions[0].targetGroupArn])
                    .sort((x, y) => x[0] - y[0]),
                [
                    [443, "TCP", "arn:aws:lb:us-east-1:123456789012:pacs-lb-web"],
                    [11112, "TCP", "arn:aws:lb:us-east-1:123456789012:pacs-lb-dicom"],
                ],
            );
        });

        it("health-checks both target groups through nginx's /healthz on 443", () => {
            for (const tg of ofType(lbRec, "aws:lb/targetGroup:TargetGroup")) {
                assert.equal(tg.inputs.protocol, "TCP");
                assert.equal(tg.inputs.targetType, "instance");
                assert.deepEqual(
                    [
                        tg.inputs.healthCheck.protocol,
                        tg.inputs.healthCheck.port,
                        tg.inputs.healthCheck.path,
                        tg.inputs.healthCheck.matcher,
                    ],
                    ["HTTPS", "443", "/healthz", "200"],
                );
            }
            const attachments = ofType(lbRec, "aws:lb/targetGroupAttachment:TargetGroupAttachment");
            assert.deepEqual(attachments.map((a) => [a.inputs.targetId, a.inputs.port]).sort(), [
                ["pacs-host-0-id", 11112],
                ["pacs-host-0-id", 443],
                ["pacs-host-1-id", 11112],
                ["pacs-host-1-id", 443],
            ]);
        });

        it("admits the allowed ranges at the load balancer and only the load balancer's group at the hosts", () => {
            const lbRules = ofType(lbRec, INGRESS).filter((r) => r.inputs.securityGroupId === "pacs-lb-id");
            assert.deepEqual(lbRules.map((r) => [r.inputs.fromPort, r.inputs.cidrIpv4]).sort(), [
                [11112, "198.51.100.0/24"],
                [443, "192.0.2.0/24"],
                [443, "203.0.113.0/24"],
            ]);
            const fromLb = ofType(lbRec, INGRESS).filter((r) => r.inputs.referencedSecurityGroupId === "pacs-lb-id");
            assert.deepEqual(fromLb.map((r) => [r.inputs.securityGroupId, r.inputs.fromPort]).sort(), [
                ["pacs-hosts-id", 11112],
                ["pacs-hosts-id", 443],
            ]);
            const lbOut = ofType(lbRec, EGRESS).filter((r) => r.inputs.securityGroupId === "pacs-lb-id");
            assert.deepEqual(lbOut.map((r) => [r.inputs.fromPort, r.inputs.referencedSecurityGroupId]).sort(), [
                [11112, "pacs-hosts-id"],
                [443, "pacs-hosts-id"],
            ]);
        });

        it("puts the load balancer's name in the self-signed certificate", () => {
            const lt = ofType(lbRec, "aws:ec2/launchTemplate:LaunchTemplate")[0].inputs;
            assert.ok(
                decodeUserData(lt.userData).includes(
                    "readonly -a EXTRA_NAMES=(pacs-nlb-mock.us-east-1.elb.amazonaws.com)",
                ),
            );
        });
    });

    it("refuses bad args before registering anything", async () => {
        const rec = await capture(() => {
            assert.throws(() => new OrthancHost("pacs", { ...base, webCidrs: ["0.0.0.0/0"] }), ConfigError);
        });
        assert.equal(rec.resources.length, 0);
    });

    it("needs a public subnet per host", () => {
        assert.deepEqual(hostSubnets("pacs", ["a", "b", "c"], 2), ["a", "b"]);
        assert.throws(
            () => hostSubnets("pacs", ["a", "b", "c"], 4),
            /OrthancHost "pacs": hostCount 4 needs as many public subnets, the network has 3/,
        );
    });
});
