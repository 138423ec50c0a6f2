import { strict as assert } from "assert";
import { capture, named, ofType } from "../../testing/src";
import {
    BACKUP_TAG_KEY,
    BACKUP_TAG_VALUE,
    ConfigError,
    databaseIdentifier,
    defaultConnectionsAlarm,
    finalSnapshotIdentifier,
    NetworkRef,
    PostgresDatabase,
    PostgresDatabaseArgs,
    POSTGRES_PARAMETERS,
} from "../src";

const network: NetworkRef = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    availabilityZones: ["a", "b"],
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
};
const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const base: PostgresDatabaseArgs = {
    network,
    kmsKeyArn: KEY,
    allowedSecurityGroupIds: ["sg-app"],
    databaseName: "orthanc",
};

describe("PostgresDatabase", () => {
    it("is private, encrypted, TLS-only, IAM-auth, with the password managed by RDS", async () => {
        const rec = await capture(() => new PostgresDatabase("db", base));
        const db = named(rec, "db").inputs;
        assert.equal(db.publiclyAccessible, false);
        assert.equal(db.storageEncrypted, true);
        assert.equal(db.kmsKeyId, KEY);
        assert.equal(db.manageMasterUserPassword, true);
        assert.equal(db.masterUserSecretKmsKeyId, KEY);
        assert.equal(db.password, undefined, "a password in the inputs would sit in Pulumi state");
        assert.equal(db.iamDatabaseAuthenticationEnabled, true);
        assert.equal(db.autoMinorVersionUpgrade, true);
        assert.equal(db.skipFinalSnapshot, false);
        assert.equal(db.backupRetentionPeriod, 7);
        assert.deepEqual(db.enabledCloudwatchLogsExports, ["postgresql", "upgrade"]);
        assert.deepEqual(named(rec, "db-subnets").inputs.subnetIds, ["priv-a", "priv-b"]);
        const params = named(rec, "db-params").inputs;
        assert.equal(params.family, "postgres16");
        const byName = Object.fromEntries(params.parameters.map((p: any) => [p.name, p.value]));
        assert.equal(byName["rds.force_ssl"], "1");
        assert.equal(byName.log_statement, "none", "statement logging would put PHI in CloudWatch");
        assert.equal(params.parameters.length, POSTGRES_PARAMETERS.length);
    });

    it("has Enhanced Monitoring on (RDS.6) through a role only RDS monitoring in this account assumes, unless turned off", async () => {
        // https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_Monitoring.OS.Enabling.html
        const rec = await capture(() => new PostgresDatabase("db", base));
        const db = named(rec, "db").inputs;
        assert.equal(db.monitoringInterval, 60);
        const role = named(rec, "db-monitoring-role");
        assert.equal(db.monitoringRoleArn, role.outputs.arn);
        const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement;
        assert.deepEqual(
            trust.map((t: any) => [t.Principal.Service, t.Action, t.Condition.StringEquals["aws:SourceAccount"]]),
            [["monitoring.rds.amazonaws.com", "sts:AssumeRole", "123456789012"]],
        );
        const attachment = named(rec, "db-monitoring-policy").inputs;
        assert.equal(attachment.policyArn, "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole");
        assert.equal(attachment.role, role.outputs.name);

        const off = await capture(() => new PostgresDatabase("db", { ...base, monitoringInterval: 0 }));
        assert.equal(named(off, "db").inputs.monitoringInterval, 0);
        assert.equal(named(off, "db").inputs.monitoringRoleArn, undefined);
        assert.equal(ofType(off, "aws:iam/role:Role").length, 0);
    });

    it("admits 5432 only from the given security groups", async () => {
        const rec = await capture(
            () => new PostgresDatabase("db", { ...base, allowedSecurityGroupIds: ["sg-a", "sg-b"] }),
        );
        const rules = ofType(rec, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepEqual(
            rules.map((r) => [
                r.inputs.securityGroupId,
                r.inputs.fromPort,
                r.inputs.toPort,
                r.inputs.referencedSecurityGroupId,
                r.inputs.cidrIpv4,
            ]),
            [
                ["db-sg-id", 5432, 5432, "sg-a", undefined],
                ["db-sg-id", 5432, 5432, "sg-b", undefined],
            ],
        );
        assert.deepEqual(named(rec, "db").inputs.vpcSecurityGroupIds, ["db-sg-id"]);
    });

    it("is in the backup selection, and alarms on CPU, free storage and connections when given a topic", async () => {
        const topic = "arn:aws:sns:us-east-1:123456789012:alerts";
        const rec = await capture(
            () => new PostgresDatabase("db", { ...base, alarms: { topicArn: topic, connections: 150 } }),
        );
        assert.deepEqual(named(rec, "db").inputs.tags, { [BACKUP_TAG_KEY]: BACKUP_TAG_VALUE });
        const alarms = ofType(rec, "aws:cloudwatch/metricAlarm:MetricAlarm");
        assert.deepEqual(
            alarms.map((a) => [a.name, a.inputs.metricName, a.inputs.threshold]),
            [
                ["db-alarm-cpu", "CPUUtilization", 80],
                ["db-alarm-free-storage", "FreeStorageSpace", 2 * 1024 ** 3],
                ["db-alarm-connections", "DatabaseConnections", 150],
            ],
        );
        for (const a of alarms) {
            assert.deepEqual(a.inputs.dimensions, { DBInstanceIdentifier: named(rec, "db").inputs.identifier });
            assert.deepEqual(a.inputs.alarmActions, [topic]);
            assert.deepEqual(a.inputs.okActions, [topic]);
        }
        assert.equal(named(rec, "db-alarm-free-storage").inputs.comparisonOperator, "LessThanThreshold");
        assert.equal(defaultConnectionsAlarm("db.t4g.micro"), 90);
        assert.equal(defaultConnectionsAlarm("db.m6g.large"), 720);
        assert.equal(
            defaultConnectionsAlarm("db.r6g.2xlarge"),
            4000,
            "r classes have twice the memory; capped below RDS's 5000",
        );
        assert.equal(defaultConnectionsAlarm("db.t4g.medium"), 360);
        const sized = await capture(
            () => new PostgresDatabase("db", { ...base, instanceClass: "db.m6g.large", alarms: { topicArn: topic } }),
        );
        assert.equal(named(sized, "db-alarm-connections").inputs.threshold, 720);
        const none = await capture(() => new PostgresDatabase("db", base));
        assert.equal(ofType(none, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        assert.throws(
            () => new PostgresDatabase("db", { ...base, alarms: { topicArn: topic, cpuPercent: 120 } }),
            /PostgresDatabase "db": alarms.cpuPercent: 120 is out of range, allowed 1..100 \(percent\)/,
        );
    });

    it("turns on the production guards when asked", async () => {
        const rec = await capture(
            () =>
                new PostgresDatabase(
                    "db",
                    {
                        ...base,
                        multiAz: true,
                        deletionProtection: true,
                        backupRetentionInDays: 30,
                        performanceInsights: true,
                    },
                    { protect: true },
                ),
        );
        const db = named(rec, "db");
        assert.equal(db.protect, true);
        assert.equal(db.inputs.multiAz, true);
        assert.equal(db.inputs.deletionProtection, true);
        assert.equal(db.inputs.backupRetentionPeriod, 30);
        assert.equal(db.inputs.performanceInsightsEnabled, true);
        assert.equal(db.inputs.performanceInsightsKmsKeyId, KEY);
    });

    it("creates the exported log groups first, encrypted and with retention", async () => {
        const rec = await capture(() => new PostgresDatabase("db", { ...base, logRetentionInDays: 90 }));
        const groups = ofType(rec, "aws:cloudwatch/logGroup:LogGroup");
        const id = named(rec, "db").inputs.identifier;
        assert.deepEqual(
            groups.map((g) => g.inputs.name),
            [`/aws/rds/instance/${id}/postgresql`, `/aws/rds/instance/${id}/upgrade`],
        );
        for (const g of groups) {
            assert.equal(g.inputs.retentionInDays, 90);
            assert.equal(g.inputs.kmsKeyId, KEY);
        }
    });

    // DBInstanceAlreadyExists: identifiers are unique per account and region, and Pulumi creates a
    // replacement before deleting the old instance, so a fixed identifier makes every replacement fail.
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html (DBInstanceIdentifier, Errors)
    it("RDS DBInstanceAlreadyExists: the identifier changes whenever an input that replaces the instance changes", async () => {
        const rec = await capture(() => new PostgresDatabase("db", base));
        const suffix = named(rec, "db-id-suffix", "random:index/randomString:RandomString");
        const id: string = named(rec, "db").inputs.identifier;
        assert.match(id, /^citadel-test-db-[a-z0-9]{8}$/);
        // The inputs the provider marks ForceNew are the keepers: a change renews the suffix.
        assert.deepEqual(Object.keys(suffix.inputs.keepers).sort(), [
            "dbName",
            "engine",
            "kmsKeyId",
            "storageEncrypted",
            "username",
        ]);
        assert.equal(suffix.inputs.keepers.kmsKeyId, KEY);
        assert.equal(suffix.inputs.keepers.dbName, "orthanc");
        for (const [p, s, n] of [
            ["citadel", "prod", "orthanc-db"],
            ["My_Project", "dev", "x".repeat(80)],
            ["9lives", "s", "db"],
        ]) {
            const made = databaseIdentifier(p, s, n, "abc12345");
            assert.match(made, /^[a-z](?!.*--)[a-z0-9-]{0,61}[a-z0-9]$/, made);
            assert.ok(made.endsWith("-abc12345"));
        }
    });

    // DBSnapshotAlreadyExists: a final snapshot keeps its name after the instance is gone, so a
    // fixed FinalDBSnapshotIdentifier makes the second destroy (or replacement) fail.
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DeleteDBInstance.html (FinalDBSnapshotIdentifier, Errors)
    it("RDS DBSnapshotAlreadyExists: each instance's final snapshot has a name of its own", async () => {
        const rec = await capture(() => new PostgresDatabase("db", base));
        const db = named(rec, "db").inputs;
        assert.equal(db.skipFinalSnapshot, false);
        assert.equal(db.finalSnapshotIdentifier, finalSnapshotIdentifier(db.identifier));
        assert.notEqual(
            finalSnapshotIdentifier(databaseIdentifier("c", "s", "db", "aaaa1111")),
            finalSnapshotIdentifier(databaseIdentifier("c", "s", "db", "bbbb2222")),
        );
        assert.ok(db.finalSnapshotIdentifier.length <= 255);
    });

    it("refuses bad names, no allowed clients, short backups and unknown versions", () => {
        const cases: Array<[Partial<PostgresDatabaseArgs>, RegExp]> = [
            [{ databaseName: "my-db" }, /PostgresDatabase "db": databaseName: "my-db" is not a valid database name/],
            [{ masterUsername: "postgres" }, /masterUsername: "postgres" is reserved by PostgreSQL or RDS/],
            [{ masterUsername: "pg_admin" }, /masterUsername: "pg_admin" is reserved by PostgreSQL or RDS/],
            [{ masterUsername: "rds_owner" }, /masterUsername: "rds_owner" is reserved by PostgreSQL or RDS/],
            [{ databaseName: "template0" }, /databaseName: "template0" is reserved by PostgreSQL or RDS/],
            [{ databaseName: "SELECT" }, /databaseName: "SELECT" is reserved by PostgreSQL or RDS/],
            [{ allowedSecurityGroupIds: [] }, /allowedSecurityGroupIds: \[\] leaves the database reachable by no one/],
            [{ backupRetentionInDays: 3 }, /backupRetentionInDays: 3 is out of range, allowed 7\.\.35/],
            [{ engineVersion: "9.6" }, /engineVersion: "9\.6" is not a supported PostgreSQL version/],
            [{ instanceClass: "t3.micro" }, /instanceClass: "t3\.micro" is not an RDS instance class/],
            [{ logRetentionInDays: 10 }, /logRetentionInDays: 10 is not a CloudWatch Logs retention period/],
            [
                { monitoringInterval: 2 },
                /monitoringInterval: 2 is not an Enhanced Monitoring interval, allowed 0, 1, 5, 10, 15, 30, 60 seconds/,
            ],
            [{ monitoringInterval: 120 }, /monitoringInterval: 120 is not an Enhanced Monitoring interval/],
        ];
        for (const [bad, message] of cases) {
            assert.throws(
                () => new PostgresDatabase("db", { ...base, ...bad }),
                (e: Error) => e instanceof ConfigError && message.test(e.message),
                `accepted ${JSON.stringify(bad)}`,
            );
        }
    });
});
