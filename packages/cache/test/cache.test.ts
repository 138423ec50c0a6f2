import * as assert from "assert";
import { ConfigError } from "@citadel/shared";
import { capture, named, ofType, Recording, reveal } from "@citadel/testing";
import {
    Cache,
    CacheArgs,
    cacheAlarmSpecs,
    CacheEngine,
    cacheNodeVcpus,
    memberClusterId,
    validateCacheArgs,
} from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["pub-a", "pub-b"],
    privateSubnetIds: ["priv-a", "priv-b"],
    availabilityZones: ["us-east-1a", "us-east-1b"],
};
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const base: CacheArgs = {
    network: NETWORK,
    kmsKeyArn: KEY,
    clients: { securityGroupIds: ["sg-tasks"], roleNames: ["app-web-task"] },
};

describe("Cache", () => {
    let dev: Recording;
    let prod: Recording;
    before(async () => {
        dev = await capture(
            () => new Cache("cache", { ...base, parameterNamespace: "/portal/dev/cache" }, { protect: true }),
        );
        prod = await capture(
            () =>
                new Cache("cache", {
                    ...base,
                    highAvailability: true,
                    nodeType: "cache.r7g.large",
                    alarms: { topicArn: TOPIC, memoryPercent: 70 },
                }),
        );
    });

    const rg = (rec: Recording) => ofType(rec, "aws:elasticache/replicationGroup:ReplicationGroup")[0];

    it("encrypts at rest with the key and requires TLS in transit (FSBP ElastiCache.4, .5)", () => {
        const i = rg(dev).inputs;
        assert.deepStrictEqual(
            [i.atRestEncryptionEnabled, i.kmsKeyId, i.transitEncryptionEnabled, i.transitEncryptionMode],
            [true, KEY, true, "required"],
        );
        assert.deepStrictEqual([i.engine, i.engineVersion, i.autoMinorVersionUpgrade], ["valkey", "8.0", true]);
    });

    it("is a single node in dev, fails over across AZs in prod (ElastiCache.3)", () => {
        assert.deepStrictEqual(
            [rg(dev).inputs.numCacheClusters, rg(dev).inputs.automaticFailoverEnabled, rg(dev).inputs.multiAzEnabled],
            [1, false, false],
        );
        assert.deepStrictEqual(
            [
                rg(prod).inputs.numCacheClusters,
                rg(prod).inputs.automaticFailoverEnabled,
                rg(prod).inputs.multiAzEnabled,
            ],
            [2, true, true],
        );
    });

    it("keeps snapshots, takes a final one, and carries the backup tag (ElastiCache.1)", () => {
        const i = rg(dev).inputs;
        assert.strictEqual(i.snapshotRetentionLimit, 7);
        assert.match(i.finalSnapshotIdentifier, /^cache-final-/);
        assert.strictEqual(i.tags["citadel:backup"], "daily");
        assert.strictEqual(rg(dev).protect, true);
    });

    it("ships slow and engine logs to KMS-encrypted log groups with retention", () => {
        const delivery = rg(dev).inputs.logDeliveryConfigurations;
        assert.deepStrictEqual(delivery.map((d: any) => [d.logType, d.destinationType]).sort(), [
            ["engine-log", "cloudwatch-logs"],
            ["slow-log", "cloudwatch-logs"],
        ]);
        for (const g of ofType(dev, "aws:cloudwatch/logGroup:LogGroup")) {
            assert.deepStrictEqual([g.inputs.retentionInDays, g.inputs.kmsKeyId], [365, KEY]);
        }
    });

    it("admits the clients' security group on 6379 and nothing else", () => {
        const rules = ofType(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepStrictEqual(
            rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
            [["sg-tasks", 6379, 6379]],
        );
        assert.strictEqual(ofType(dev, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").length, 0);
        assert.strictEqual(named(dev, "cache-subnets").inputs.subnetIds.join(), "priv-a,priv-b");
    });

    it("authenticates with IAM only: the app user's id is its name, the default user is off, the role may connect", () => {
        const app = named(dev, "cache-app-user").inputs;
        assert.deepStrictEqual([app.authenticationMode.type, app.userId === app.userName], ["iam", true]);
        assert.ok(!/@admin|@dangerous/.test(app.accessString.replace(/-@admin|-@dangerous/g, "")));
        const def = named(dev, "cache-default-user").inputs;
        assert.deepStrictEqual([def.userName, def.accessString], ["default", "off -@all"]);
        for (const u of ofType(dev, "aws:elasticache/user:User")) assert.strictEqual(u.inputs.passwords, undefined);
        const connect = JSON.parse(reveal<string>(named(dev, "cache-connect-0").inputs.policy));
        assert.deepStrictEqual(
            [connect.Statement[0].Action, connect.Statement[0].Resource.length],
            ["elasticache:Connect", 2],
        );
        assert.strictEqual(named(dev, "cache-connect-0").inputs.role, "app-web-task");
    });

    it("publishes endpoint, port and user under the parameter prefix", () => {
        assert.deepStrictEqual(
            ofType(dev, "aws:ssm/parameter:Parameter")
                .map((p) => p.inputs.name)
                .sort(),
            ["/portal/dev/cache/endpoint", "/portal/dev/cache/port", "/portal/dev/cache/user"],
        );
    });

    it("refuses what would not work or would admit anyone", () => {
        const bad = (over: Partial<CacheArgs>, re: RegExp) =>
            assert.throws(
                () => validateCacheArgs("cache", { ...base, ...over }),
                (e: unknown) => e instanceof ConfigError && re.test(e.message),
            );
        bad({ engineVersion: "7.1" }, /engineVersion: "7.1" has no IAM authentication for valkey/);
        bad({ engine: CacheEngine.RedisOss, engineVersion: "6.2" }, /has no IAM authentication for redis/);
        bad({ nodeType: "cache.t2.micro" }, /nodeType.*not cache.t2/);
        bad({ highAvailability: true, nodeCount: 1 }, /nodeCount: 1 leaves no replica/);
        bad({ clients: { securityGroupIds: [], roleNames: ["r"] } }, /clients.securityGroupIds.*is empty/);
        bad({ backupRetentionInDays: 0 }, /backupRetentionInDays/);
        bad({ logRetentionInDays: 12 }, /logRetentionInDays/);
        assert.doesNotThrow(() => validateCacheArgs("cache", { ...base, engine: CacheEngine.RedisOss }));
    });

    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html
    it("with alarms: engine and host CPU (2 vCPUs), memory, evictions and replication lag per node to the topic; none without", () => {
        assert.strictEqual(ofType(dev, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        const alarms = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm");
        const got = alarms
            .map((a) => [
                a.inputs.metricName,
                a.inputs.dimensions.CacheClusterId.slice(-4),
                a.inputs.statistic,
                a.inputs.threshold,
                a.inputs.period * a.inputs.evaluationPeriods,
            ])
            .sort();
        const node = (n: string) => [
            ["CPUUtilization", n, "Maximum", 45, 900],
            ["DatabaseMemoryUsagePercentage", n, "Maximum", 70, 900],
            ["EngineCPUUtilization", n, "Maximum", 90, 900],
            ["Evictions", n, "Sum", 1, 300],
            ["ReplicationLag", n, "Maximum", 30, 900],
        ];
        assert.deepStrictEqual(got, [...node("-001"), ...node("-002")].sort());
        for (const a of alarms) {
            assert.strictEqual(a.inputs.namespace, "AWS/ElastiCache");
            assert.deepStrictEqual([a.inputs.alarmActions, a.inputs.okActions], [[TOPIC], [TOPIC]]);
        }
    });

    // "For smaller node types with 2vCPUs or less, use the CPUUtilization metric ... the threshold for
    // CPUUtilization would be 90/2, or 45%."
    // https://docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheMetrics.WhichShouldIMonitor.html
    it("ElastiCache small nodes: host CPUUtilization at 90 % / vCPUs on 2 vCPUs or fewer, not on larger nodes", () => {
        assert.deepStrictEqual(
            [
                "cache.t4g.micro",
                "cache.t3.medium",
                "cache.r7g.large",
                "cache.m7g.xlarge",
                "cache.r6g.16xlarge",
                "cache.m3.medium",
                "cache.serverless",
            ].map(cacheNodeVcpus),
            [2, 2, 2, 4, 64, 1, undefined],
        );
        const host = (nodeType: string, a = {}) =>
            cacheAlarmSpecs({ topicArn: TOPIC, ...a }, "rg", 1, nodeType).filter(
                (s) => s.metricName === "CPUUtilization",
            );
        assert.deepStrictEqual(
            host("cache.t4g.micro").map((s) => [s.id, s.threshold, s.dimensions.CacheClusterId !== undefined]),
            [["host-cpu-001", 45, true]],
        );
        assert.strictEqual(host("cache.m3.medium")[0].threshold, 90);
        assert.strictEqual(host("cache.t4g.small", { hostCpuPercent: 60 })[0].threshold, 60);
        assert.deepStrictEqual(host("cache.r7g.xlarge"), []);
        assert.throws(
            () => validateCacheArgs("cache", { ...base, alarms: { topicArn: TOPIC, hostCpuPercent: 0 } }),
            (e: unknown) => e instanceof ConfigError && /alarms\.hostCpuPercent/.test((e as Error).message),
        );
    });

    it("a single node gets no replication-lag alarm; out-of-range thresholds are refused by name", () => {
        const specs = cacheAlarmSpecs({ topicArn: TOPIC }, "rg", 1, "cache.r7g.xlarge");
        assert.deepStrictEqual(specs.map((s) => s.metricName).sort(), [
            "DatabaseMemoryUsagePercentage",
            "EngineCPUUtilization",
            "Evictions",
        ]);
        assert.strictEqual(memberClusterId("cache-abc", 1), "cache-abc-002");
        assert.throws(
            () => validateCacheArgs("cache", { ...base, alarms: { topicArn: TOPIC, memoryPercent: 120 } }),
            (e: unknown) =>
                e instanceof ConfigError &&
                /alarms\.memoryPercent/.test((e as Error).message) &&
                /1\.\.100/.test((e as Error).message),
        );
    });
});
