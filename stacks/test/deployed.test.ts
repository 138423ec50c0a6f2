/**
 * What a real account would reject or break, checked on the stacks' whole plans: each test names the
 * AWS constraint it encodes and the page that documents it (issue 10).
 */
import { strict as assert } from "assert";
import { ofType, runStack, StackRun } from "@citadel/testing";

function statements(policy: string): any[] {
    return JSON.parse(policy).Statement;
}

describe("stacks: deployed, it works", () => {
    let prod: StackRun;
    before(async () => {
        prod = await runStack("prod");
    });

    // AmazonSSMManagedInstanceCore includes ssm:GetParameter(s) on every parameter of the account.
    // Session Manager needs only the agent's own actions:
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
    it("SSM instance profile: no instance role reads SSM parameters it was not given", () => {
        const attachments = ofType(prod, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
        assert.ok(attachments.length > 0);
        for (const a of attachments) assert.ok(!String(a.inputs.policyArn).endsWith("/AmazonSSMManagedInstanceCore"), a.name);
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
});
