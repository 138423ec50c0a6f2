// Runs the consumer program under Citadel's mock harness, from the installed tarballs.
import * as assert from "node:assert/strict";
import { capture, installMocks, named, ofType, reveal } from "@citadel/testing";
import { evaluate } from "@citadel/policy";
import { program } from "./program";

async function main(): Promise<void> {
    installMocks({ project: "consumer", stack: "test" });
    const rec = await capture(() => program());
    assert.equal(named(rec, "net-vpc").inputs.cidrBlock, "10.40.0.0/16");
    assert.equal(ofType(rec, "aws:ec2/natGateway:NatGateway").length, 3);
    assert.equal(ofType(rec, "aws:ec2/securityGroup:SecurityGroup").filter((r) => r.name === "own").length, 1);
    // The rules ship as a library too: the recorded resources are evaluated as `pnpm plan` does.
    const violations = evaluate(
        rec.resources
            .filter((r) => r.custom)
            .map((r) => ({
                type: r.type,
                name: r.name,
                urn: r.urn,
                id: r.id,
                inputs: reveal<Record<string, unknown>>(r.inputs),
            })),
    );
    const mandatory = violations.filter((v) => v.level === "mandatory");
    assert.deepEqual(mandatory, [], "the README's example passes the policy pack");
    console.log(`consumer: ${rec.resources.length} resources registered, ${mandatory.length} mandatory violations`);
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
