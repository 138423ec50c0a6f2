import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { capture, ofType } from "@citadel/testing";
import { EcsApp, validateEcsAppArgs } from "../src/ecs-app";
import { appArgs, GITLAB_SECRET } from "./fixtures";

const late = (v: unknown) => (pulumi.output(v as pulumi.Input<string>) as any).promise();

describe("EcsApp: ARNs and names from other resources' outputs", () => {
    it("takes CI role names as Outputs: each gets the push/pull policy", async () => {
        const rec = await capture(
            () =>
                new EcsApp(
                    "app",
                    appArgs({ images: { source: "ecr", ciRoleNames: ["gitlab-ci", pulumi.output("github-ci")] } }),
                ),
        );
        assert.deepStrictEqual(
            ofType(rec, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", /ci-push-pull/).map((r) => [
                r.name,
                r.inputs.role,
            ]),
            [
                ["app-ci-push-pull-gitlab-ci", "gitlab-ci"],
                ["app-ci-push-pull-1", "github-ci"],
            ],
        );
    });

    it("checks an Output role name or registry secret ARN when it resolves, naming the argument", async () => {
        const a = validateEcsAppArgs(
            "app",
            appArgs({ images: { source: "ecr", ciRoleNames: [pulumi.output("arn:aws:iam::123456789012:role/ci")] } }),
        );
        assert.ok(a.images.source === "ecr");
        await assert.rejects(
            late(a.images.ciRoleNames![0]),
            (e: Error) =>
                e instanceof pulumi.ResourceError &&
                /^EcsApp "app": images\.ciRoleNames: .* is not an IAM role name/.test(e.message),
        );
        const r = validateEcsAppArgs(
            "app",
            appArgs({
                images: {
                    source: "registry",
                    registry: "registry.gitlab.com/acme/app",
                    credentialsSecretArn: pulumi.output("gitlab-token"),
                },
            }),
        );
        assert.ok(r.images.source === "registry");
        await assert.rejects(
            late(r.images.credentialsSecretArn),
            /EcsApp "app": images\.credentialsSecretArn: "gitlab-token"/,
        );
        const ok = validateEcsAppArgs(
            "app",
            appArgs({
                images: {
                    source: "registry",
                    registry: "registry.gitlab.com/acme/app",
                    credentialsSecretArn: pulumi.output(GITLAB_SECRET),
                },
            }),
        );
        assert.ok(ok.images.source === "registry");
        assert.strictEqual(await late(ok.images.credentialsSecretArn), GITLAB_SECRET);
    });
});
