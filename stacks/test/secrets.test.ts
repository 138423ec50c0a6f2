import { strict as assert } from "assert";
import * as zlib from "zlib";
import * as path from "path";
import {
    buildPlan,
    currentRecording,
    decryptedSecret,
    Plan,
    REPO_ROOT,
    runStack,
    SecretValue,
    StackRun,
} from "@citadel/testing";

/**
 * A `secure:` value stays a Pulumi secret on its way to every resource input and stack output,
 * whatever shape it takes there (embedded in a JSON policy document, lowercased, in a URL, inside
 * gzipped user data), so neither the state nor `pulumi preview` shows it. The stack runs with
 * several keys of different shapes marked secret and decrypted, as `pulumi up` would see them.
 */
const SECRETS: Record<string, unknown> = {
    // A list of emails (one in mixed case: the subscription lowercases it).
    "citadel:operations.alerts.emails": ["Oncall.Lead@Hospital-Secret.example", "ward7@hospital-secret.example"],
    // An ARN that ends up in an IAM policy document and in the hosts' cloud-config (gzipped user data).
    "citadel:orthanc.certificateSecretArn": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:orthanc-tls-q1w2e3",
    // A host name: CloudFront's origin.
    "citadel:edge.originDomainName": "origin.hidden-portal.example.com",
    // A certificate ARN: the load balancer's listener.
    "citadel:app.certificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/9a8b7c6d-1111-2222-3333-444455556666",
    // A subscriber endpoint with a token in its path.
    "citadel:operations.alerts.httpsEndpoints": ["https://hooks.secret-chat.example/services/T0/B0/tok3nXYZ"],
    // The distribution's alternate names (a list).
    "citadel:edge.aliases": ["portal.secret-alias.example"],
    // A list of objects: the AE title in Orthanc's JSON, the address in an egress rule (as a /32).
    "citadel:orthanc.dicomPeers": [{ aet: "HIDDENPACS", host: "10.77.66.55", port: 11112, tls: true }],
    // The private registry the images come from: in the task definitions' image names.
    "citadel:app.registry": "registry.secret-host.example/acme/portal",
    // Registry credentials: the task definitions' JSON and the execution role's policy.
    "citadel:app.registryCredentialsSecretArn":
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:registry-creds-Zx9Yw8",
};
const OVERRIDES: Record<string, unknown> = {
    ...Object.fromEntries(Object.entries(SECRETS).map(([k, v]) => [k, decryptedSecret(v)])),
    "citadel:app.imageSource": "registry",
    // A secure: value the offline plan cannot decrypt: planned with a stand-in of the key's shape,
    // which is kept secret like the value it stands for.
    "citadel:edge.certificateArn": { secure: "AAABAFakeCiphertext" },
};
const EDGE_CERTIFICATE_STAND_IN = "arn:aws:acm:us-east-1:000000000000:certificate/00000000-0000-0000-0000-000000000000";

/** Every text a secret value can be found as. */
const strings = (v: unknown): string[] =>
    typeof v === "string"
        ? [v]
        : Array.isArray(v)
          ? v.flatMap(strings)
          : v && typeof v === "object"
            ? Object.values(v).flatMap(strings)
            : [];
const needlesOf = (secrets: Record<string, unknown>) =>
    Object.values(secrets)
        .flatMap(strings)
        .map((s) => s.toLowerCase());
const NEEDLES = [...needlesOf(SECRETS), EDGE_CERTIFICATE_STAND_IN];

function decoded(s: string): string {
    if (s.length < 16 || !/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return s;
    const bytes = Buffer.from(s, "base64");
    try {
        return bytes[0] === 0x1f && bytes[1] === 0x8b
            ? zlib.gunzipSync(bytes).toString("utf8")
            : bytes.toString("utf8");
    } catch {
        return s;
    }
}

/** Paths of the string leaves holding `needle`, split by whether they are secret. */
function leaves(
    v: unknown,
    needle: string,
    path = "",
    secret = false,
    out = { plain: [] as string[], secret: [] as string[] },
) {
    if (v instanceof SecretValue) return leaves(v.value, needle, path, true, out);
    if (typeof v === "string") {
        if (v.toLowerCase().includes(needle) || decoded(v).toLowerCase().includes(needle))
            (secret ? out.secret : out.plain).push(path);
    } else if (Array.isArray(v)) {
        v.forEach((x, i) => leaves(x, needle, `${path}[${i}]`, secret, out));
    } else if (v && typeof v === "object") {
        for (const [k, x] of Object.entries(v)) leaves(x, needle, `${path}.${k}`, secret, out);
    }
    return out;
}

/** The resources' inputs holding `needle`: in plain text, and as a secret. */
function inputsHolding(run: StackRun, needle: string) {
    const found = { plain: [] as string[], secret: [] as string[] };
    for (const r of run.resources) {
        const l = leaves(r.inputs, needle);
        found.plain.push(...l.plain.map((p) => `${r.type} ${r.name}${p}`));
        found.secret.push(...l.secret.map((p) => `${r.type} ${r.name}${p}`));
    }
    return found;
}

describe("stack: secure: config values stay secret in every resource input and output", () => {
    let plan: Plan;
    let run: StackRun;
    before(async () => {
        plan = await buildPlan("prod", () => [], { overrides: OVERRIDES });
        run = plan.run;
    });

    for (const needle of NEEDLES) {
        it(`${needle}: secret wherever it reaches a resource input`, () => {
            const found = inputsHolding(run, needle);
            assert.deepEqual(found.plain, [], "inputs holding the value in plain text");
            assert.ok(
                found.secret.length > 0,
                "the value reaches at least one resource (else this test proves nothing)",
            );
        });
    }

    it("the shapes it takes: an IAM policy document, a subscription endpoint, CloudFront's origin, a listener, user data", () => {
        const where = (needle: string) =>
            run.resources.filter((r) => leaves(r.inputs, needle.toLowerCase()).secret.length > 0).map((r) => r.type);
        const arn = SECRETS["citadel:orthanc.certificateSecretArn"] as string;
        assert.ok(
            where(arn).some((t) => t.startsWith("aws:iam/")),
            `an IAM policy grants the hosts the certificate secret: ${where(arn)}`,
        );
        assert.ok(where(arn).includes("aws:ec2/launchTemplate:LaunchTemplate"), "the hosts' cloud-config names it");
        assert.ok(where("oncall.lead@hospital-secret.example").includes("aws:sns/topicSubscription:TopicSubscription"));
        assert.ok(
            where(SECRETS["citadel:edge.originDomainName"] as string).includes(
                "aws:cloudfront/distribution:Distribution",
            ),
        );
        assert.ok(where(SECRETS["citadel:app.certificateArn"] as string).includes("aws:lb/listener:Listener"));
        assert.ok(
            where(SECRETS["citadel:app.registryCredentialsSecretArn"] as string).includes(
                "aws:ecs/taskDefinition:TaskDefinition",
            ),
        );
        assert.ok(where(EDGE_CERTIFICATE_STAND_IN).includes("aws:cloudfront/distribution:Distribution"));
        assert.deepEqual(run.secretStandIns, ["citadel:edge.certificateArn"]);
    });

    it("only the leaf holding the value is secret: the rest of the resource stays readable", () => {
        const dist = plan.json.resources.find((r) => r.type === "aws:cloudfront/distribution:Distribution")!;
        const [origin] = dist.inputs.origins as Array<Record<string, unknown>>;
        assert.equal(origin.domainName, "[secret]");
        assert.equal(typeof origin.originId, "string");
        assert.notEqual(origin.originId, "[secret]");
    });

    it("no resource name or URN holds a secret value (names cannot be secret)", () => {
        for (const r of run.resources) {
            for (const needle of NEEDLES) assert.ok(!r.urn.toLowerCase().includes(needle), `${r.urn} holds ${needle}`);
        }
    });

    it("the plan's JSON (resources and outputs) never shows a secret value", () => {
        const text = JSON.stringify(plan.json).toLowerCase();
        for (const needle of NEEDLES) assert.ok(!text.includes(needle), needle);
    });

    it("no component registers a value in its outputs (kept in the state) in plain text", () => {
        const components = run.resources.filter((r) => r.registeredOutputs);
        assert.ok(components.length > 10, "the components' registered outputs were recorded");
        for (const r of components) {
            for (const needle of NEEDLES)
                assert.deepEqual(leaves(r.registeredOutputs, needle).plain, [], `${r.type} ${r.name}: ${needle}`);
        }
    });

    // No output of the root program is built from config text today: this guards the next one
    // (ConfigSecrets.exports itself is tested in packages/shared/test/config-secrets.test.ts).
    it("stack outputs holding a value are secret", () => {
        assert.ok(
            run.stackOutputs && Object.keys(run.stackOutputs).length > 10,
            "the outputs as registered were recorded",
        );
        for (const needle of NEEDLES) assert.deepEqual(leaves(run.stackOutputs, needle).plain, [], needle);
    });
});

describe("stack: a secure: value is still validated, as plain text, before any resource", () => {
    it("a wildcard certificate ARN given as a secret is refused by key, its value not shown, nothing registered", async () => {
        const bad = "arn:aws:acm:eu-west-1:111122223333:certificate/*";
        await assert.rejects(runStack("prod", { "citadel:app.certificateArn": decryptedSecret(bad) }), (e: Error) => {
            assert.match(e.message, /^citadel:app\.certificateArn: \(secret, not shown\)/);
            assert.ok(!e.message.includes("111122223333"), e.message);
            return true;
        });
        assert.equal(currentRecording.resources.length, 0);
    });
});

/** The examples read config with pulumi.Config and call keepConfigSecrets the same way: one of them, run. */
describe("examples/ecoportal: secure: config values stay secret", () => {
    const secrets: Record<string, unknown> = {
        "ecoportal:alertEmails": ["Night.Shift@Eco-Secret.example"],
        "ecoportal:originDomainName": "origin.eco-hidden.example.com",
        // In the deploy role's trust policy.
        "ecoportal:ciRoleArn": "arn:aws:iam::111122223333:role/hidden-runner-q9",
        "ecoportal:certificateArn":
            "arn:aws:acm:eu-west-1:111122223333:certificate/7e7e7e7e-0000-0000-0000-000000000009",
    };
    let plan: Plan;
    before(async () => {
        plan = await buildPlan("dev", () => [], {
            root: path.join(REPO_ROOT, "examples", "ecoportal"),
            overrides: Object.fromEntries(Object.entries(secrets).map(([k, v]) => [k, decryptedSecret(v)])),
        });
    });

    for (const needle of needlesOf(secrets)) {
        it(`${needle}: secret wherever it reaches a resource input or output`, () => {
            const found = inputsHolding(plan.run, needle);
            assert.deepEqual(found.plain, [], "inputs holding the value in plain text");
            assert.ok(found.secret.length > 0, "the value reaches at least one resource");
            assert.ok(!JSON.stringify(plan.json).toLowerCase().includes(needle), "the plan's JSON shows it");
        });
    }
});
