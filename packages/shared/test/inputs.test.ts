import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { ARN_RULES, checkedInput, ConfigError, requireArn, requireKeyResolved } from "../src";

const late = (v: unknown) => (pulumi.output(v as pulumi.Input<string>) as any).promise();
const secretArn = (key: string, value: unknown) => requireArn(key, value, ARN_RULES.secret);

describe("checkedInput: one check for a plain string now and an Output later", () => {
    it("refuses a bad plain string before registration with a ConfigError naming the argument", () => {
        assert.throws(
            () => checkedInput('X "x": secretArn', "nope", secretArn),
            (e: unknown) => e instanceof ConfigError && e.message.startsWith('X "x": secretArn: "nope"'),
        );
    });

    it("refuses a bad Output once it resolves, as a ResourceError with the same message, and passes a good one through", async () => {
        await assert.rejects(
            late(checkedInput('X "x": secretArn', pulumi.output("nope"), secretArn)),
            (e: Error) => e instanceof pulumi.ResourceError && e.message.startsWith('X "x": secretArn: "nope"'),
        );
        const good = "arn:aws:secretsmanager:us-east-1:123456789012:secret:s-AbCdEf";
        assert.equal(await late(checkedInput("k", pulumi.output(good), secretArn)), good);
        assert.equal(checkedInput("k", undefined, secretArn), undefined);
    });

    it("SecureBucket's late key check refuses an Output that is not a KMS key ARN", () => {
        assert.throws(
            () => requireKeyResolved(undefined, "b", "alias/aws/s3"),
            (e: Error) =>
                e instanceof pulumi.ResourceError && /^SecureBucket "b": kmsKeyArn: "alias\/aws\/s3"/.test(e.message),
        );
        assert.equal(
            requireKeyResolved(undefined, "b", "arn:aws:kms:us-east-1:123456789012:key/k"),
            "arn:aws:kms:us-east-1:123456789012:key/k",
        );
    });
});
