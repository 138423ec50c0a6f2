import * as assert from "assert";
import { ConfigError } from "@citadel/shared";
import { capture, named, ofType, Recording, reveal } from "@citadel/testing";
import { Search, searchAlarmSpecs, SearchArgs, validateSearchArgs } from "../src";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/k";
const ROLE = "arn:aws:iam::123456789012:role/portal-web-task";
const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["pub-a", "pub-b", "pub-c"],
    privateSubnetIds: ["priv-a", "priv-b", "priv-c"],
    availabilityZones: ["us-east-1a", "us-east-1b", "us-east-1c"],
};
const TOPIC = "arn:aws:sns:us-east-1:123456789012:alerts";
const base: SearchArgs = {
    network: NETWORK,
    kmsKeyArn: KEY,
    clients: { securityGroupIds: ["sg-tasks"], roleArns: [ROLE] },
};

describe("Search", () => {
    let dev: Recording;
    let prod: Recording;
    before(async () => {
        dev = await capture(() => new Search("search", { ...base, parameterNamespace: "/portal/dev/search" }));
        prod = await capture(
            () =>
                new Search(
                    "search",
                    { ...base, highAvailability: true, alarms: { topicArn: TOPIC } },
                    { protect: true },
                ),
        );
    });
    const domain = (rec: Recording) => ofType(rec, "aws:opensearch/domain:Domain")[0];

    it("encrypts at rest with the key and between nodes, and serves HTTPS with TLS 1.2+ only (Opensearch.1, .3, .8)", () => {
        const i = domain(dev).inputs;
        assert.deepStrictEqual(i.encryptAtRest, { enabled: true, kmsKeyId: KEY });
        assert.deepStrictEqual(i.nodeToNodeEncryption, { enabled: true });
        assert.deepStrictEqual(i.domainEndpointOptions, {
            enforceHttps: true,
            tlsSecurityPolicy: "Policy-Min-TLS-1-2-PFS-2023-10",
        });
    });

    it("uses fine-grained access control with an IAM master role and no internal users (Opensearch.7)", () => {
        const sec = domain(dev).inputs.advancedSecurityOptions;
        assert.deepStrictEqual([sec.enabled, sec.internalUserDatabaseEnabled], [true, false]);
        assert.ok(sec.masterUserOptions.masterUserArn);
        assert.strictEqual(sec.masterUserOptions.masterUserPassword, undefined);
    });

    it("lives in one private subnet in dev, three zones with three dedicated masters in prod (Opensearch.6, .11)", () => {
        assert.deepStrictEqual(domain(dev).inputs.vpcOptions.subnetIds, ["priv-a"]);
        assert.deepStrictEqual(
            [domain(dev).inputs.clusterConfig.instanceCount, domain(dev).inputs.clusterConfig.zoneAwarenessEnabled],
            [1, false],
        );
        const c = domain(prod).inputs.clusterConfig;
        assert.deepStrictEqual(
            [
                c.instanceCount,
                c.zoneAwarenessEnabled,
                c.zoneAwarenessConfig.availabilityZoneCount,
                c.dedicatedMasterCount,
            ],
            [3, true, 3, 3],
        );
        assert.deepStrictEqual(domain(prod).inputs.vpcOptions.subnetIds, ["priv-a", "priv-b", "priv-c"]);
        assert.strictEqual(domain(prod).protect, true);
    });

    it("publishes all four log types to KMS-encrypted groups with retention, admitted by a log resource policy (Opensearch.4, .5)", () => {
        const opts = domain(dev).inputs.logPublishingOptions;
        assert.deepStrictEqual(opts.map((o: any) => o.logType).sort(), [
            "AUDIT_LOGS",
            "ES_APPLICATION_LOGS",
            "INDEX_SLOW_LOGS",
            "SEARCH_SLOW_LOGS",
        ]);
        for (const g of ofType(dev, "aws:cloudwatch/logGroup:LogGroup"))
            assert.deepStrictEqual([g.inputs.retentionInDays, g.inputs.kmsKeyId], [365, KEY]);
        const p = JSON.parse(reveal<string>(named(dev, "search-log-delivery").inputs.policyDocument));
        assert.deepStrictEqual(
            [p.Statement[0].Principal.Service, p.Statement[0].Resource.length],
            ["es.amazonaws.com", 4],
        );
    });

    it("admits only the client roles and the master role, on the domain's indexes, with named HTTP actions", () => {
        const p = JSON.parse(reveal<string>(named(dev, "search-access").inputs.accessPolicies));
        assert.strictEqual(p.Statement.length, 1);
        assert.strictEqual(p.Statement[0].Principal.AWS.length, 2);
        assert.strictEqual(p.Statement[0].Principal.AWS[0], ROLE);
        assert.ok(!p.Statement[0].Action.some((a: string) => a.includes("*")));
        assert.match(p.Statement[0].Resource, /\/\*$/);
    });

    it("admits the clients' security group on 443 only", () => {
        const rules = ofType(dev, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
        assert.deepStrictEqual(
            rules.map((r) => [r.inputs.referencedSecurityGroupId, r.inputs.fromPort, r.inputs.toPort]),
            [["sg-tasks", 443, 443]],
        );
        assert.strictEqual(ofType(dev, "aws:ssm/parameter:Parameter")[0].inputs.name, "/portal/dev/search/endpoint");
    });

    // Fine-grained access control: a backend role mapped to all_access could read every index and
    // rewrite the security configuration. https://docs.aws.amazon.com/opensearch-service/latest/developerguide/fgac.html
    it("maps the client roles to a role of their own on their indices, never all_access", async () => {
        let s!: Search;
        await capture(() => {
            s = new Search("search", base);
        });
        const text = await new Promise<string>((resolve) => s.roleMappingRequest.apply(resolve));
        assert.doesNotMatch(text, /all_access/);
        const [putRole, role, putMapping, mapping] = text.split("\n");
        assert.strictEqual(putRole, "PUT _plugins/_security/api/roles/search-clients");
        assert.strictEqual(putMapping, "PUT _plugins/_security/api/rolesmapping/search-clients");
        assert.deepStrictEqual(JSON.parse(role).index_permissions, [
            { index_patterns: ["search-*"], allowed_actions: ["crud", "create_index", "manage"] },
        ]);
        assert.deepStrictEqual(JSON.parse(mapping), { backend_roles: [ROLE] });
    });

    it("refuses index patterns that reach every index or the system indices", () => {
        for (const bad of [
            [],
            ["*"],
            ["**"],
            [".opendistro_security"],
            [".kibana*"],
            ["App-*"],
            ["a b"],
            ["_all"],
            [""],
        ]) {
            assert.throws(
                () => validateSearchArgs("s", { ...base, clients: { ...base.clients, indexPatterns: bad } }),
                (e: unknown) => e instanceof ConfigError && e.message.startsWith('Search "s": clients.indexPatterns'),
                JSON.stringify(bad),
            );
        }
        assert.deepStrictEqual(
            validateSearchArgs("s", {
                ...base,
                clients: { ...base.clients, indexPatterns: ["portal-*", "audit-2026.*"] },
            }).indexPatterns,
            ["portal-*", "audit-2026.*"],
        );
    });

    it("refuses shapes AWS refuses, and an open domain", () => {
        const bad = (over: Partial<SearchArgs>, re: RegExp) =>
            assert.throws(
                () => validateSearchArgs("search", { ...base, ...over }),
                (e: unknown) => e instanceof ConfigError && re.test(e.message),
            );
        bad({ highAvailability: true, instanceCount: 4 }, /instanceCount: 4 is not a multiple of the 3 zones/);
        bad({ highAvailability: true, availabilityZoneCount: 2, instanceCount: 2 }, /or below 3/);
        bad({ instanceType: "t2.small.search" }, /not t2/);
        bad({ instanceType: "m3.medium.search" }, /encryption at rest/);
        bad({ instanceType: "r3.large.search" }, /encryption at rest/);
        bad({ clients: { securityGroupIds: ["sg"], roleArns: [] } }, /clients.roleArns.*is empty/);
        bad({ clients: { securityGroupIds: ["sg"], roleArns: ["*"] } }, /is not an IAM role ARN/);
        bad({ availabilityZoneCount: 2 }, /applies only with highAvailability/);
        bad({ engineVersion: "Elasticsearch_7.10" }, /is not an OpenSearch version/);
        assert.strictEqual(
            validateSearchArgs("s", { ...base, highAvailability: true, availabilityZoneCount: 2 }).instanceCount,
            4,
        );
    });

    // AWS's recommended alarms: https://docs.aws.amazon.com/opensearch-service/latest/developerguide/cloudwatch-alarms.html
    it("with alarms: AWS's recommended set per domain (DomainName and ClientId) to the topic; none without", () => {
        assert.strictEqual(ofType(dev, "aws:cloudwatch/metricAlarm:MetricAlarm").length, 0);
        const alarms = ofType(prod, "aws:cloudwatch/metricAlarm:MetricAlarm");
        const got = alarms
            .map((a) => [
                a.inputs.metricName,
                a.inputs.statistic,
                a.inputs.comparisonOperator,
                a.inputs.threshold,
                a.inputs.period,
                a.inputs.evaluationPeriods,
            ])
            .sort();
        assert.deepStrictEqual(got, [
            ["AutomatedSnapshotFailure", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 1],
            ["CPUUtilization", "Maximum", "GreaterThanOrEqualToThreshold", 80, 900, 3],
            ["ClusterIndexWritesBlocked", "Maximum", "GreaterThanOrEqualToThreshold", 1, 300, 1],
            ["ClusterStatus.red", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 1],
            ["ClusterStatus.yellow", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 5],
            ["FreeStorageSpace", "Minimum", "LessThanOrEqualToThreshold", 2560, 60, 1],
            ["JVMMemoryPressure", "Maximum", "GreaterThanOrEqualToThreshold", 95, 60, 3],
            ["KMSKeyError", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 1],
            ["KMSKeyInaccessible", "Maximum", "GreaterThanOrEqualToThreshold", 1, 60, 1],
            ["MasterCPUUtilization", "Maximum", "GreaterThanOrEqualToThreshold", 50, 900, 3],
            ["MasterJVMMemoryPressure", "Maximum", "GreaterThanOrEqualToThreshold", 95, 60, 3],
            ["MasterOldGenJVMMemoryPressure", "Maximum", "GreaterThanOrEqualToThreshold", 80, 60, 3],
            ["MasterReachableFromNode", "Maximum", "LessThanThreshold", 1, 86400, 1],
            // Three data nodes and three dedicated masters: the Nodes metric counts both.
            ["Nodes", "Minimum", "LessThanThreshold", 6, 86400, 1],
            ["OldGenJVMMemoryPressure", "Maximum", "GreaterThanOrEqualToThreshold", 80, 60, 3],
            ["Shards.active", "Maximum", "GreaterThanOrEqualToThreshold", 30000, 60, 1],
            ["ThreadpoolSearchQueue", "Average", "GreaterThanOrEqualToThreshold", 500, 60, 1],
            ["ThreadpoolSearchQueue", "Maximum", "GreaterThanOrEqualToThreshold", 5000, 60, 1],
            ["ThreadpoolWriteQueue", "Average", "GreaterThanOrEqualToThreshold", 100, 60, 1],
        ]);
        // KMSKeyError and KMSKeyInaccessible appear only when the key is unusable: no data is the healthy state.
        for (const m of ["KMSKeyError", "KMSKeyInaccessible"]) {
            assert.strictEqual(
                alarms.find((a) => a.inputs.metricName === m)!.inputs.treatMissingData,
                "notBreaching",
                m,
            );
        }
        for (const a of alarms) {
            assert.strictEqual(a.inputs.namespace, "AWS/ES");
            assert.deepStrictEqual(Object.keys(a.inputs.dimensions).sort(), ["ClientId", "DomainName"]);
            assert.match(a.inputs.dimensions.ClientId, /^\d{12}$/);
            assert.deepStrictEqual([a.inputs.alarmActions, a.inputs.okActions], [[TOPIC], [TOPIC]]);
        }
    });

    it("a single-node domain gets no yellow or master alarm; free storage follows the volume; bad thresholds are refused", () => {
        const specs = searchAlarmSpecs({ topicArn: TOPIC }, "d", "123456789012", {
            volumeSizeGiB: 100,
            instanceCount: 1,
            dedicatedMasters: false,
        });
        const ids = specs.map((s) => s.metricName);
        assert.ok(!ids.includes("ClusterStatus.yellow") && !ids.some((m) => m.startsWith("Master")));
        assert.strictEqual(specs.find((s) => s.metricName === "Nodes")!.threshold, 1);
        assert.ok(
            ids.includes("KMSKeyError") && ids.includes("KMSKeyInaccessible"),
            "the key alarms do not depend on the domain's shape",
        );
        assert.strictEqual(specs.find((s) => s.metricName === "FreeStorageSpace")!.threshold, 25600);
        assert.throws(
            () => validateSearchArgs("search", { ...base, alarms: { topicArn: TOPIC, cpuPercent: 0 } }),
            (e: unknown) => e instanceof ConfigError && /alarms\.cpuPercent/.test((e as Error).message),
        );
    });
});
