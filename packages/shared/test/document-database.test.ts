import { strict as assert } from "assert";
import { capture, named, ofType } from "../../testing/src";
import {
    BACKUP_TAG_KEY,
    BACKUP_TAG_VALUE,
    ConfigError,
    DocumentDatabase,
    documentDbIdentifier,
    DocumentDatabaseArgs,
    DOCUMENTDB_PARAMETERS,
    NetworkRef,
} from "../src";

const network: NetworkRef = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    availabilityZones: ["a", "b"],
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
};
const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const base: DocumentDatabaseArgs = { network, kmsKeyArn: KEY, allowedSecurityGroupIds: ["sg-app"] };

describe("DocumentDatabase", () => {
    it("is encrypted with the key, private, and keeps its password out of state (DocumentDB manages it)", async () => {
        // ManageMasterUserPassword: DocumentDB generates the password and keeps it in Secrets Manager (the
        // cluster's MasterUserSecret); it cannot be combined with MasterUserPassword.
        // https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/docdb/aws.sdk.kotlin.services.docdb.model/-modify-db-cluster-request/manage-master-user-password.html
        // https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/docdb/aws.sdk.kotlin.services.docdb.model/-db-cluster/master-user-secret.html
        const rec = await capture(() => new DocumentDatabase("docs", base));
        const c = named(rec, "docs").inputs;
        assert.equal(c.engine, "docdb");
        assert.equal(c.storageEncrypted, true);
        assert.equal(c.kmsKeyId, KEY);
        assert.equal(c.manageMasterUserPassword, true);
        assert.equal(c.masterPassword, undefined, "a password in the inputs would sit in Pulumi state");
        assert.equal(c.masterPasswordWo, undefined);
        assert.equal(c.skipFinalSnapshot, false);
        assert.match(c.finalSnapshotIdentifier, /-final$/);
        assert.deepEqual(named(rec, "docs-subnets").inputs.subnetIds, ["priv-a", "priv-b"]);
    });

    it("requires TLS and turns audit (DDL, not reads or writes: no PHI) and profiler logs on in its parameter group", async () => {
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/db-cluster-parameter-group-parameters.html
        const rec = await capture(() => new DocumentDatabase("docs", base));
        const params = named(rec, "docs-params").inputs;
        assert.equal(params.family, "docdb5.0");
        const byName = Object.fromEntries(params.parameters.map((p: any) => [p.name, p.value]));
        assert.deepEqual(byName, {
            tls: "enabled",
            audit_logs: "ddl",
            profiler: "enabled",
            profiler_threshold_ms: "100",
        });
        assert.equal(params.parameters.length, DOCUMENTDB_PARAMETERS.length);
    });

    it("exports audit and profiler logs to log groups it creates first, encrypted and with a retention", async () => {
        // DocumentDB writes to /aws/docdb/<cluster>/<type>; absent, it creates them unencrypted, kept forever.
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/event-auditing.html
        const rec = await capture(() => new DocumentDatabase("docs", { ...base, logRetentionInDays: 400 }));
        const c = named(rec, "docs").inputs;
        assert.deepEqual(c.enabledCloudwatchLogsExports, ["audit", "profiler"]);
        const groups = ofType(rec, "aws:cloudwatch/logGroup:LogGroup");
        assert.deepEqual(groups.map((g) => g.inputs.name).sort(), [
            `/aws/docdb/${c.clusterIdentifier}/audit`,
            `/aws/docdb/${c.clusterIdentifier}/profiler`,
        ]);
        for (const g of groups) {
            assert.equal(g.inputs.retentionInDays, 400);
            assert.equal(g.inputs.kmsKeyId, KEY);
        }
    });

    it("keeps backups 15 days and carries the backup tag", async () => {
        const rec = await capture(() => new DocumentDatabase("docs", base));
        const c = named(rec, "docs").inputs;
        assert.equal(c.backupRetentionPeriod, 15);
        assert.equal(c.tags[BACKUP_TAG_KEY], BACKUP_TAG_VALUE);
    });

    it("admits 27017 only from the given security groups", async () => {
        const rec = await capture(
            () => new DocumentDatabase("docs", { ...base, allowedSecurityGroupIds: ["sg-a", "sg-b"] }),
        );
        const rules = ofType(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(
            rules.map((r) => [
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.referencedSecurityGroupId,
                r.inputs.cidrIpv4,
            ]),
            [
                [27017, 27017, "sg-a", undefined],
                [27017, 27017, "sg-b", undefined],
            ],
        );
        assert.equal(ofType(rec, "aws:ec2/securityGroup:SecurityGroup")[0].inputs.ingress, undefined);
    });

    // DBClusterReplicaLagMaximum: the largest lag, in milliseconds, of any instance behind the primary
    // (dimension DBClusterIdentifier). https://docs.aws.amazon.com/documentdb/latest/developerguide/cloud_watch.html
    it("raises a CPU alarm per instance and, with replicas, a replica-lag alarm on the topic; none otherwise", async () => {
        const topic = "arn:aws:sns:us-east-1:123456789012:alerts";
        const rec = await capture(
            () => new DocumentDatabase("docs", { ...base, instanceCount: 2, alarms: { topicArn: topic } }),
        );
        const alarms = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(
            alarms.map((a) => [a.name, a.inputs.namespace, a.inputs.metricName, a.inputs.alarmActions]).sort(),
            [
                ["docs-0-alarm-cpu", "AWS/DocDB", "CPUUtilization", [topic]],
                ["docs-1-alarm-cpu", "AWS/DocDB", "CPUUtilization", [topic]],
                ["docs-alarm-replica-lag", "AWS/DocDB", "DBClusterReplicaLagMaximum", [topic]],
            ],
        );
        const lag = named(rec, "docs-alarm-replica-lag").inputs;
        assert.deepEqual(
            [lag.dimensions, lag.threshold, lag.statistic],
            [{ DBClusterIdentifier: named(rec, "docs").inputs.clusterIdentifier }, 1000, "Maximum"],
        );
        const single = await capture(
            () => new DocumentDatabase("docs", { ...base, alarms: { topicArn: topic, replicaLagMilliseconds: 500 } }),
        );
        assert.deepEqual(
            ofType(single, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name),
            ["docs-0-alarm-cpu"],
            "one instance has no replica to lag",
        );
        const quiet = await capture(() => new DocumentDatabase("docs", base));
        assert.equal(ofType(quiet, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        assert.throws(
            () => new DocumentDatabase("docs", { ...base, alarms: { topicArn: topic, replicaLagMilliseconds: 0 } }),
            /alarms\.replicaLagMilliseconds: 0 is out of range/,
        );
    });

    it("creates the instances with the RSA 2048 CA, and honours protect", async () => {
        const rec = await capture(() => new DocumentDatabase("docs", { ...base, instanceCount: 2 }, { protect: true }));
        const instances = ofType(rec, "aws:docdb/clusterInstance:ClusterInstance");
        assert.equal(instances.length, 2);
        assert.ok(instances.every((i) => i.inputs.caCertIdentifier === "rds-ca-rsa2048-g1"));
        assert.equal(named(rec, "docs").protect, true);
    });

    it("derives a cluster identifier DocumentDB accepts: letters, digits, single hyphens, a letter first, no hyphen last", () => {
        // https://docs.aws.amazon.com/documentdb/latest/developerguide/API_CreateDBCluster.html (DBClusterIdentifier)
        const valid = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;
        for (const [project, stack, name] of [
            ["drsignet", "dev", "docs"],
            ["My_App", "prod", "db--"],
            ["1st", "dev", "x"],
            ["a", "b", "c__d"],
        ]) {
            const id = documentDbIdentifier(project, stack, name);
            assert.match(id, valid, id);
        }
        assert.equal(documentDbIdentifier("drsignet", "dev", "docs"), "drsignet-dev-docs");
        assert.equal(documentDbIdentifier("1st", "dev", "x"), "d-1st-dev-x");
    });

    it("refuses what DocumentDB or the design would refuse, naming the argument", () => {
        const bad: Array<[Partial<DocumentDatabaseArgs>, RegExp]> = [
            [{ allowedSecurityGroupIds: [] }, /allowedSecurityGroupIds: \[\] leaves the database reachable by no one/],
            [{ masterUsername: "admin" }, /masterUsername: "admin" is reserved by DocumentDB/],
            [{ masterUsername: "1user" }, /masterUsername: "1user" is not a valid DocumentDB user name/],
            [{ backupRetentionInDays: 3 }, /backupRetentionInDays: 3 is out of range, allowed 7..35/],
            [{ engineVersion: "3.6" as any }, /engineVersion: "3.6" is not a DocumentDB engine version/],
            [{ instanceCount: 17 }, /instanceCount: 17 is out of range/],
            [{ logRetentionInDays: 10 }, /logRetentionInDays: 10 is not a CloudWatch Logs retention period/],
        ];
        assert.throws(
            () => new DocumentDatabase("d".repeat(60), base),
            /makes the cluster identifier .* longer than 63 characters/,
        );
        for (const [args, message] of bad) {
            assert.throws(
                () => new DocumentDatabase("docs", { ...base, ...args }),
                (e: unknown) => e instanceof ConfigError && message.test(e.message),
                JSON.stringify(args),
            );
        }
    });
});
