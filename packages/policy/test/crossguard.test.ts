import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import type {
    PolicyResource as CgResource,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    StackValidationArgs,
    StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { packArgs, snapshot, toCrossGuardPolicy } from "../src/crossguard";
import { ruleNamed, RULES } from "../src/rules";
import { T } from "../src/rules/types";
import { UNKNOWN } from "../src/values";

// The sentinel the engine sends for a string unknown during preview (@pulumi/policy's proxy.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- an untyped module of @pulumi/policy
const UNKNOWN_STRING: string = require("@pulumi/policy/proxy").unknownStringValue;

class NotApplicable extends Error {}

function resourceArgs(type: string, props: Record<string, unknown>, config: object = {}): ResourceValidationArgs {
    return {
        type,
        name: "r",
        urn: `urn:pulumi:dev::citadel::${type}::r`,
        props: unknownCheckingProxy(props),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        },
        stackTags: new Map(),
        isType: () => false,
        asType: () => undefined,
        getConfig: <T extends object>() => config as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
}

function stackResource(
    type: string,
    name: string,
    props: Record<string, unknown>,
    deps: Record<string, string[]> = {},
): CgResource {
    const r = {
        type,
        name,
        urn: `urn:${name}`,
        props: unknownCheckingProxy(props),
        opts: {
            protect: false,
            ignoreChanges: [],
            aliases: [],
            additionalSecretOutputs: [],
            customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
        },
        dependencies: [],
        propertyDependencies: {} as Record<string, CgResource[]>,
        isType: () => false,
        asType: () => undefined,
    } as unknown as CgResource;
    for (const [k, urns] of Object.entries(deps)) {
        r.propertyDependencies[k] = urns.map((u) => ({ urn: u }) as CgResource);
    }
    return r;
}

function validate(name: string, type: string, props: Record<string, unknown>, config: object = {}): string[] {
    const policy = toCrossGuardPolicy(ruleNamed(name)!) as ResourceValidationPolicy;
    const messages: string[] = [];
    const v = policy.validateResource as (a: ResourceValidationArgs, r: (m: string) => void) => void;
    v(resourceArgs(type, props, config), (m) => messages.push(m));
    return messages;
}

function validateStack(name: string, resources: CgResource[]): Array<{ message: string; urn?: string }> {
    const policy = toCrossGuardPolicy(ruleNamed(name)!) as StackValidationPolicy;
    const out: Array<{ message: string; urn?: string }> = [];
    const args: StackValidationArgs = {
        resources,
        stackTags: new Map(),
        getConfig: <T extends object>() => ({}) as T,
        notApplicable: (reason?: string): never => {
            throw new NotApplicable(reason);
        },
    };
    policy.validateStack(args, (message, urn) => out.push({ message, urn }));
    return out;
}

const PAB_ON = { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true };

describe("CrossGuard adapter", () => {
    it("gives CrossGuard every rule with its metadata, default level and config schema", () => {
        const { policies } = packArgs();
        assert.equal(policies.length, RULES.length);
        for (const [i, p] of policies.entries()) {
            const rule = RULES[i];
            assert.equal(p.name, rule.name);
            assert.equal(p.description, rule.description);
            assert.equal(p.enforcementLevel, rule.defaultLevel);
            assert.equal(p.severity, rule.severity);
            assert.equal(p.remediationSteps, rule.remediation);
            assert.equal(
                typeof (rule.kind === "resource"
                    ? (p as ResourceValidationPolicy).validateResource
                    : (p as StackValidationPolicy).validateStack),
                "function",
            );
        }
        const ingress = policies.find((p) => p.name === "ec2-no-world-ingress")!;
        assert.deepEqual(ingress.configSchema?.properties.allowedPorts.default, [80, 443]);
        assert.equal(ingress.framework?.name, "AWS Foundational Security Best Practices");
    });

    it("reports a resource's violations and stays silent on a compliant one", () => {
        assert.equal(validate("ec2-subnet-no-public-ip", T.subnet, { mapPublicIpOnLaunch: true }).length, 1);
        assert.deepEqual(validate("ec2-subnet-no-public-ip", T.subnet, { mapPublicIpOnLaunch: false }), []);
    });

    it("marks the rule not applicable to other types, as CrossGuard expects (notApplicable throws)", () => {
        assert.throws(() => validate("ec2-subnet-no-public-ip", T.vpc, {}), NotApplicable);
    });

    it("passes the policy's config (getConfig) to the rule", () => {
        const group = { retentionInDays: 90, kmsKeyId: "arn:aws:kms:eu-west-1:123456789012:key/k" };
        assert.deepEqual(validate("cloudwatch-log-group-retention-kms", T.logGroup, group), []);
        assert.equal(
            validate("cloudwatch-log-group-retention-kms", T.logGroup, group, { minimumRetentionDays: 365 }).length,
            1,
        );
    });

    it("reads values unknown during preview as UNKNOWN instead of failing the whole rule", () => {
        const props = { a: UNKNOWN_STRING, b: [1, UNKNOWN_STRING], c: { d: UNKNOWN_STRING, e: "x" } };
        assert.deepEqual(snapshot(unknownCheckingProxy(props)), {
            a: UNKNOWN,
            b: [1, UNKNOWN],
            c: { d: UNKNOWN, e: "x" },
        });
        assert.deepEqual(validate("ec2-subnet-no-public-ip", T.subnet, { mapPublicIpOnLaunch: UNKNOWN_STRING }), []);
        assert.deepEqual(
            validate("ecs-no-privileged-containers", T.taskDefinition, { containerDefinitions: UNKNOWN_STRING }),
            [],
        );
    });

    it("follows references unknown during preview through property dependencies", () => {
        const bucket = stackResource(T.bucket, "b", { bucket: "b-123", id: UNKNOWN_STRING });
        const goodPab = stackResource(
            T.bucketPublicAccessBlock,
            "pab",
            { bucket: UNKNOWN_STRING, ...PAB_ON },
            { bucket: ["urn:b"] },
        );
        assert.deepEqual(validateStack("s3-public-access-block", [bucket, goodPab]), []);
        const badPab = stackResource(
            T.bucketPublicAccessBlock,
            "pab",
            { bucket: UNKNOWN_STRING, ...PAB_ON, blockPublicPolicy: false },
            { bucket: ["urn:b"] },
        );
        assert.deepEqual(
            validateStack("s3-public-access-block", [bucket, badPab]).map((v) => v.urn),
            ["urn:b"],
        );
        const elsewhere = stackResource(
            T.bucketPublicAccessBlock,
            "pab",
            { bucket: UNKNOWN_STRING, ...PAB_ON },
            { bucket: ["urn:other"] },
        );
        assert.equal(validateStack("s3-public-access-block", [bucket, elsewhere]).length, 1);
    });

    it("gives the benefit of the doubt when an unknown reference has no known origin", () => {
        const vpc = stackResource(T.vpc, "v", { id: UNKNOWN_STRING });
        const fl = stackResource(T.flowLog, "fl", { vpcId: UNKNOWN_STRING, trafficType: "ALL" });
        assert.deepEqual(validateStack("ec2-vpc-flow-logs", [vpc, fl]), []);
        assert.equal(validateStack("ec2-vpc-flow-logs", [vpc]).length, 1);
    });

    it("is wired as a policy pack: PulumiPolicy.yaml, package main index.ts, and index.ts alone constructs the pack", () => {
        const root = path.join(__dirname, "..");
        assert.match(fs.readFileSync(path.join(root, "PulumiPolicy.yaml"), "utf8"), /^runtime: nodejs$/m);
        const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
        assert.equal(pkg.main, "index.ts");
        assert.ok(pkg.version, "CrossGuard reads the pack's version from package.json");
        assert.match(
            fs.readFileSync(path.join(root, "index.ts"), "utf8"),
            /new PolicyPack\("citadel-fsbp", packArgs\(\)\)/,
        );
        const sources = fs.readdirSync(path.join(root, "src"), { recursive: true }) as string[];
        for (const f of sources.filter((s) => s.endsWith(".ts"))) {
            assert.doesNotMatch(
                fs.readFileSync(path.join(root, "src", f), "utf8"),
                /new PolicyPack|from "\.\.\/index"|from "\.\.\/\.\.\/index"/,
                f,
            );
        }
    });
});
