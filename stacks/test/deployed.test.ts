/**
 * What a real account would reject or break, checked on the stacks' whole plans: each test names the
 * AWS constraint it encodes and the page that documents it (issue 10).
 */
import { strict as assert } from "assert";
import { named, ofType, runStack, StackRun } from "@citadel/testing";
import { LOG_DELIVERIES } from "@citadel/shared";

function statements(policy: string): any[] {
    return JSON.parse(policy).Statement;
}

describe("stacks: deployed, it works", () => {
    let prod: StackRun;
    before(async () => {
        prod = await runStack("prod");
    });

    /** A bucket's default encryption and policy statements, found from its name or id in the plan. */
    function bucket(run: StackRun, ref: string) {
        const b = ofType(run, "aws:s3/bucket:Bucket").find(
            (x) => x.inputs.bucket === ref || x.id === ref || `arn:aws:s3:::${x.inputs.bucket}` === ref,
        );
        assert.ok(b, `no bucket ${ref}`);
        const enc = ofType(
            run,
            "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
        ).find((e) => e.inputs.bucket === b!.id)!;
        const policy = ofType(run, "aws:s3/bucketPolicy:BucketPolicy").find((p) => p.inputs.bucket === b!.id)!;
        return {
            name: b.name,
            physical: b.inputs.bucket as string,
            algorithm: enc.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm as string,
            statements: statements(policy.inputs.policy),
        };
    }

    // Each delivery writes only to the encryption its service documents (the table's rules, applied
    // to every delivery the plan configures): S3 server access logs and ALB access logs need SSE-S3.
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
    // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/enable-access-logging.html
    it("S3 server access logs and ALB access logs: every target in the plan is SSE-S3 and admits its writer", async () => {
        const dev = await runStack("dev");
        for (const run of [prod, dev]) {
            const logging = ofType(run, "aws:s3/bucketLogging:BucketLogging");
            assert.ok(logging.length >= (run === prod ? 4 : 2), `${run.stack}: ${logging.length}`);
            for (const l of logging) {
                const target = bucket(run, l.inputs.targetBucket);
                assert.ok(
                    LOG_DELIVERIES.s3ServerAccessLogs.bucketEncryption.includes(target.algorithm as "AES256"),
                    `${run.stack}: ${l.name} logs into ${target.name}, encrypted with ${target.algorithm}`,
                );
                assert.ok(
                    target.statements.some((s) => s.Principal?.Service === "logging.s3.amazonaws.com"),
                    target.name,
                );
            }
        }
        for (const alb of ofType(prod, "aws:lb/loadBalancer:LoadBalancer").filter(
            (x) => x.inputs.loadBalancerType === "application",
        )) {
            const target = bucket(prod, alb.inputs.accessLogs.bucket);
            assert.equal(target.algorithm, "AES256");
            // prod is in eu-west-1, a Region older than August 2022: the ALB writes as ELB account 156460612806.
            const write = target.statements.find((s) => s.Sid === "AlbAccessLogs");
            assert.deepEqual(write.Principal, { AWS: "arn:aws:iam::156460612806:root" });
            assert.equal(
                write.Resource,
                `arn:aws:s3:::${target.physical}/${alb.inputs.accessLogs.prefix}/AWSLogs/123456789012/*`,
            );
        }
    });

    // Flow logs and CloudFront v2 logs into the SSE-KMS log bucket: its policy admits delivery.logs
    // and the key admits it too. https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html
    it("VPC flow logs and CloudFront v2 logs: the SSE-KMS log bucket and its key admit delivery.logs", () => {
        const logs = bucket(prod, named(prod, "logs", "aws:s3/bucket:Bucket").id ?? "logs-id");
        assert.equal(logs.algorithm, "aws:kms");
        const sids = logs.statements.map((s) => s.Sid);
        for (const sid of ["VpcFlowLogsWrite", "VpcFlowLogsAclCheck", "CloudFrontLogsWrite"])
            assert.ok(sids.includes(sid), sid);
        assert.ok(!sids.includes("S3ServerAccessLogs"), "S3 access logs cannot arrive in an SSE-KMS bucket");
        const key = statements(named(prod, "citadel-key").inputs.policy);
        assert.ok(key.some((s) => s.Principal?.Service === "delivery.logs.amazonaws.com"));
    });

    // AmazonSSMManagedInstanceCore includes ssm:GetParameter(s) on every parameter of the account.
    // Session Manager needs only the agent's own actions:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
    it("SSM instance profile: no instance role reads SSM parameters it was not given", () => {
        const attachments = ofType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.ok(attachments.length > 0);
        for (const a of attachments)
            assert.ok(!String(a.inputs.policyArn).endsWith("/AmazonSSMManagedInstanceCore"), a.name);
        const roles = new Map(ofType(prod, "aws:iam/role:Role").map((r) => [`${r.name}-mock`, r]));
        let sessionManager = 0;
        for (const p of ofType(prod, "aws:iam/rolePolicy:RolePolicy")) {
            for (const s of statements(p.inputs.policy)) {
                const actions: string[] = [].concat(s.Action);
                const resources: string[] = [].concat(s.Resource ?? []);
                if (actions.some((a) => a.startsWith("ssm:GetParameter"))) {
                    assert.ok(!resources.includes("*"), `${p.name} reads every parameter`);
                }
                if (s.Sid === "SessionManagerAgent") sessionManager++;
            }
        }
        // The Orthanc hosts' role, the bastion's and the ECS instances'.
        assert.equal(sessionManager, 3, `roles: ${[...roles.keys()].join(", ")}`);
    });

    // A key policy grant to a service the stack does not use is one more way to the key: each
    // service is admitted only where the configuration uses it.
    // https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-services.html
    it("KMS key policy: services are admitted only where the stack uses them", async () => {
        const dev = await runStack("dev");
        const services = (run: StackRun) =>
            statements(named(run, "citadel-key").inputs.policy)
                .map((s) => s.Principal?.Service)
                .filter(Boolean)
                .sort();
        // dev: log groups and flow logs to S3; no app (Auto Scaling) and no CDN.
        assert.deepEqual(
            services(dev),
            ["delivery.logs.amazonaws.com", "logs.us-east-1.amazonaws.com"]
                .sort()
                .map((x) => x.replace("us-east-1", String(dev.config["aws:region"] ?? "us-east-1"))),
        );
        // EventBridge publishes to the stack's alert topic, which has a key of its own: no events grant here.
        // prod's edge serves assets, but from a bucket with a key of its own that admits that
        // distribution alone: the stack's key admits no CloudFront at all.
        assert.deepEqual(services(prod), ["delivery.logs.amazonaws.com", "logs.eu-west-1.amazonaws.com"]);
        assert.equal(
            named(prod, "edge-assets-key-policy", "aws:kms/keyPolicy:KeyPolicy").type,
            "aws:kms/keyPolicy:KeyPolicy",
            "prod serves assets through the edge, from a bucket whose key admits the distribution",
        );
        assert.ok(
            statements(named(prod, "citadel-key").inputs.policy).some((s) => s.Sid === "AutoScalingServiceLinkedRole"),
        );
        assert.ok(
            !statements(named(dev, "citadel-key").inputs.policy).some((s) => s.Sid === "AutoScalingServiceLinkedRole"),
        );
    });
});
