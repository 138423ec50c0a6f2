import { strict as assert } from "assert";
import * as zlib from "zlib";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { capture, named, SecretValue } from "../../testing/src";
import { ConfigSecrets } from "../src";

const EMAIL = "Team.Lead@Hospital.example";
const ARN = "arn:aws:secretsmanager:eu-west-1:111122223333:secret:tls-AbCdEf";

function secrets(): ConfigSecrets {
    const s = new ConfigSecrets();
    s.add([EMAIL]);
    s.add(ARN);
    s.add(true);
    s.add("abc");
    return s;
}

describe("ConfigSecrets: secure: values stay secret in the shapes they take", () => {
    it("finds a value as given, lowercased, escaped in JSON, and inside (gzipped) base64 user data", () => {
        const s = secrets();
        assert.ok(s.holdsSecret(`mailto:${EMAIL}`));
        assert.ok(s.holdsSecret(EMAIL.toLowerCase()));
        assert.ok(s.holdsSecret(JSON.stringify({ Statement: [{ Resource: ARN }] })));
        assert.ok(s.holdsSecret(Buffer.from(`#cloud-config\nsecret: ${ARN}\n`).toString("base64")));
        assert.ok(s.holdsSecret(zlib.gzipSync(Buffer.from(`#cloud-config\nsecret: ${ARN}\n`)).toString("base64")));
        assert.ok(!s.holdsSecret("arn:aws:secretsmanager:eu-west-1:111122223333:secret:other-AbCdEf"));
    });

    it("ignores booleans and texts too short to be told from other text (they would match everywhere)", () => {
        const s = secrets();
        assert.ok(!s.holdsSecret(JSON.stringify({ Enabled: true, Versioning: "abcd" })));
    });

    it("marks the leaf holding the value secret in every resource input, plain, nested or computed", async () => {
        const s = secrets();
        const opts = { transformations: [s.transformation] };
        const rec = await capture(() => {
            new aws.sns.TopicSubscription(
                "sub",
                { topic: "arn:aws:sns:us-east-1:123456789012:t", protocol: "email", endpoint: EMAIL.toLowerCase() },
                opts,
            );
            new aws.iam.Policy(
                "read",
                {
                    policy: pulumi.output(ARN).apply((r) =>
                        JSON.stringify({
                            Version: "2012-10-17",
                            Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: r }],
                        }),
                    ),
                    tags: { owner: "team", contact: EMAIL },
                },
                opts,
            );
        });
        const sub = named(rec, "sub");
        assert.ok(sub.inputs.endpoint instanceof SecretValue);
        assert.equal(sub.inputs.protocol, "email", "the rest stays readable");
        const policy = named(rec, "read");
        assert.ok(policy.inputs.policy instanceof SecretValue);
        assert.ok(policy.inputs.tags.contact instanceof SecretValue);
        assert.equal(policy.inputs.tags.owner, "team");
    });

    it("lists tagsAll in additionalSecretOutputs when a tag holds the value (the provider echoes tags there)", async () => {
        const s = secrets();
        let opts: pulumi.CustomResourceOptions | undefined;
        const spy: pulumi.ResourceTransformation = (args) => {
            const out = s.transformation(args);
            if (args.type === "aws:iam/policy:Policy") opts = out?.opts as pulumi.CustomResourceOptions;
            return out;
        };
        await capture(
            () =>
                new aws.iam.Policy(
                    "p",
                    { policy: "{}", tags: { contact: EMAIL } },
                    { transformations: [spy], additionalSecretOutputs: ["arn"] },
                ),
        );
        assert.deepEqual(opts?.additionalSecretOutputs, ["arn", "tagsAll"]);
    });

    it("marks stack outputs that hold a value secret, and leaves the others plain", async () => {
        const s = secrets();
        const out = s.exports({
            url: pulumi.interpolate`mailto:${pulumi.output(EMAIL)}`,
            plain: pulumi.output("topic"),
            list: [ARN, "x"],
        });
        assert.equal(await pulumi.isSecret(out.url), true);
        assert.equal(await pulumi.isSecret(out.plain), false);
        assert.equal(await pulumi.isSecret(pulumi.output(out.list[0])), true);
        assert.equal(out.list[1], "x");
    });
});
