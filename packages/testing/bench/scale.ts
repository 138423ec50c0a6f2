/**
 * The scaling probe of `pnpm bench`: one EcsApp with N services (about 15 resources each) under the
 * mock runtime, plus the policy pack over what it registered. Prints one JSON line: resources and
 * milliseconds for the program run and for the policy evaluation.
 * Usage: node -r ./packages/testing/register.js packages/testing/bench/scale.ts <services>
 */
import { performance } from "perf_hooks";
import { EcsApp, EcsAppArgs, ServiceArgs } from "../../ecs-app/src"; // a relative path: @citadel/ecs-app depends on this package, not the reverse
import { capture } from "../src/harness";
import { policyEvaluator } from "../src/plan";

const n = Number(process.argv[2] ?? 50);
const services: ServiceArgs[] = Array.from({ length: n }, (_, i) => ({
    name: `svc${i}`,
    image: `svc${i}`,
    port: 8000 + (i % 1000),
    routing: { paths: [`/svc${i}/*`] },
}));
const args: EcsAppArgs = {
    network: {
        vpcId: "vpc-1",
        vpcCidrBlock: "10.0.0.0/16",
        publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
        privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
        availabilityZones: ["us-east-1a", "us-east-1b"],
    },
    kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/app-key",
    services,
    loadBalancer: {
        certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000",
    },
    logBucket: { bucketName: "logs-mock", arn: "arn:aws:s3:::logs-mock" },
    parameterNamespace: "/citadel/bench",
};

async function main() {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const rec = await capture(() => new EcsApp("app", args));
    const t1 = performance.now();
    const violations = policyEvaluator()({
        ...rec,
        project: "bench",
        stack: "bench",
        root: "",
        outputs: {},
        config: {},
        secretStandIns: [],
    });
    const t2 = performance.now();
    const cpu = process.cpuUsage(c0);
    process.stdout.write(
        JSON.stringify({
            services: n,
            resources: rec.resources.length,
            programMs: t1 - t0,
            policyMs: t2 - t1,
            cpuMs: (cpu.user + cpu.system) / 1000,
            violations: violations.length,
        }) + "\n",
    );
    process.exit(0);
}
main().catch((e) => {
    process.stderr.write(`${e.stack}\n`);
    process.exit(2);
});
