import { strict as assert } from "assert";
import { Cache } from "@citadel/cache";
import { Ec2App } from "@citadel/ec2-app";
import { EcsApp } from "@citadel/ecs-app";
import { AccountBaseline, BackupPlan } from "@citadel/operations";
import { OrthancHost } from "@citadel/orthanc-host";
import { Search } from "@citadel/search";
import { SecureUploads } from "@citadel/secure-uploads";
import { SecureVpc } from "@citadel/secure-vpc";
import { ConfigError, DocumentDatabase, PostgresDatabase, SecureBucket } from "@citadel/shared";

/**
 * One name per concept across the packages (0.2.0): log retention is `logRetentionInDays` (the
 * CloudWatch Logs term `retentionInDays`, said of logs), backup retention `backupRetentionInDays`,
 * an access log bucket `accessLogsBucketName`, where alerts go `alarms.topicArn`, a Parameter Store
 * path `parameterNamespace`, a KMS key's ARN `…KmsKeyArn`. A program in
 * JavaScript or Python still passing an old name gets no type error, so each old name is refused
 * by name before anything is registered, instead of silently falling back to the default.
 */
describe("renamed arguments are refused with their new name", () => {
    const cases: Array<[string, () => unknown, RegExp]> = [
        [
            "Cache.logRetentionDays",
            () => new Cache("c", { logRetentionDays: 90 } as any),
            /^Cache "c": logRetentionDays: 90 is the old name of logRetentionInDays/,
        ],
        [
            "Cache.snapshotRetentionDays",
            () => new Cache("c", { snapshotRetentionDays: 3 } as any),
            /snapshotRetentionDays: 3 is the old name of backupRetentionInDays/,
        ],
        [
            "Cache.parameterPrefix",
            () => new Cache("c", { parameterPrefix: "/x" } as any),
            /parameterPrefix: "\/x" is the old name of parameterNamespace/,
        ],
        [
            "Search.parameterPrefix",
            () => new Search("s", { parameterPrefix: "/x" } as any),
            /parameterPrefix: "\/x" is the old name of parameterNamespace/,
        ],
        [
            "Search.logRetentionDays",
            () => new Search("s", { logRetentionDays: 90 } as any),
            /^Search "s": logRetentionDays/,
        ],
        [
            "Ec2App.logRetentionDays",
            () => new Ec2App("e", { logRetentionDays: 90 } as any),
            /^Ec2App "e": logRetentionDays/,
        ],
        [
            "Ec2App.alarms.topicKeyArn",
            () => new Ec2App("e", { alarms: { topicArn: "t", topicKeyArn: "k" } } as any),
            /^Ec2App "e": alarms\.topicKeyArn: "k" is the old name of alarms\.topicKmsKeyArn/,
        ],
        [
            "EcsApp.logRetentionDays",
            () => new EcsApp("a", { logRetentionDays: 90 } as any),
            /^EcsApp "a": logRetentionDays/,
        ],
        [
            "EcsApp.database.logRetentionDays",
            () => new EcsApp("a", { database: { logRetentionDays: 90 } } as any),
            /^EcsApp "a": database\.logRetentionDays: 90 is the old name of database\.logRetentionInDays/,
        ],
        [
            "OrthancHost.logRetentionDays",
            () => new OrthancHost("o", { logRetentionDays: 90 } as any),
            /^OrthancHost "o": logRetentionDays/,
        ],
        [
            "OrthancHost.database.backupRetentionDays",
            () => new OrthancHost("o", { database: { backupRetentionDays: 9 } } as any),
            /database\.backupRetentionDays: 9 is the old name of database\.backupRetentionInDays/,
        ],
        [
            "PostgresDatabase.backupRetentionDays",
            () => new PostgresDatabase("p", { backupRetentionDays: 9 } as any),
            /^PostgresDatabase "p": backupRetentionDays/,
        ],
        [
            "PostgresDatabase.logRetentionDays",
            () => new PostgresDatabase("p", { logRetentionDays: 9 } as any),
            /^PostgresDatabase "p": logRetentionDays/,
        ],
        [
            "DocumentDatabase.backupRetentionDays",
            () => new DocumentDatabase("d", { backupRetentionDays: 9 } as any),
            /^DocumentDatabase "d": backupRetentionDays/,
        ],
        [
            "SecureBucket.logRetentionDays",
            () => new SecureBucket("b", { purpose: "logs", logRetentionDays: 90 } as any),
            /^SecureBucket "b": logRetentionDays/,
        ],
        [
            "SecureVpc.flowLogs.retentionInDays",
            () => new SecureVpc("n", { flowLogs: { destination: "cloudwatch", retentionInDays: 90 } } as any),
            /^SecureVpc "n": flowLogs\.retentionInDays: 90 is the old name of flowLogs\.logRetentionInDays/,
        ],
        [
            "AccountBaseline.retentionDays",
            () => new AccountBaseline("a", { accessLogsBucketName: "l", retentionDays: 90 } as any),
            /retentionDays: 90 is the old name of logRetentionInDays/,
        ],
        [
            "BackupPlan.retentionDays",
            () => new BackupPlan("b", { kmsKeyArn: "k", retentionDays: 9 } as any),
            /retentionDays: 9 is the old name of backupRetentionInDays/,
        ],
        [
            "SecureUploads.accessLogs",
            () => new SecureUploads("u", { accessLogs: { bucketName: "l" } } as any),
            /^SecureUploads "u": accessLogs: .* is the old name of accessLogsBucketName/,
        ],
        [
            "SecureUploads.alertTopicArn",
            () => new SecureUploads("u", { alertTopicArn: "arn" } as any),
            /alertTopicArn: "arn" is the old name of alarms/,
        ],
    ];
    for (const [what, build, message] of cases) {
        it(what, () => assert.throws(build, (e: unknown) => e instanceof ConfigError && message.test(e.message)));
    }
});
