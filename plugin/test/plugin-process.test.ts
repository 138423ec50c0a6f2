/**
 * The plugin as Pulumi's Node.js language host runs it for `pulumi package add` and for every program
 * that uses the package: `@pulumi/pulumi/cmd/run-plugin <plugin folder> <engine address>` from the
 * consumer's folder (TypeScript through ts-node, type-checked), which prints the port of the provider's
 * gRPC server; the CLI then asks it for the schema. No Pulumi CLI here, so this test plays the CLI's part.
 */
import { strict as assert } from "assert";
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const PLUGIN_DIR = path.join(__dirname, "..");
const PULUMI_DIR = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [PLUGIN_DIR] }));
// The SDK's generated gRPC stubs (untyped JavaScript), found through the SDK's own install.
/* eslint-disable @typescript-eslint/no-require-imports -- untyped modules at computed paths */
const grpc = require(require.resolve("@grpc/grpc-js", { paths: [PULUMI_DIR] }));
const provrpc = require(path.join(PULUMI_DIR, "proto/provider_grpc_pb"));
const provproto = require(path.join(PULUMI_DIR, "proto/provider_pb"));
/* eslint-enable @typescript-eslint/no-require-imports */

describe("the plugin process, started as the Node.js language host starts it", function () {
    this.timeout(300_000);
    let child: ChildProcess | undefined;
    let port = "";
    let stderr = "";
    before(async () => {
        const consumer = fs.mkdtempSync(path.join(os.tmpdir(), "citadel-consumer-"));
        // The engine address is unused until the provider logs or registers resources: GetSchema needs none.
        child = spawn(process.execPath, [path.join(PULUMI_DIR, "cmd", "run-plugin"), PLUGIN_DIR, "127.0.0.1:1"], {
            cwd: consumer,
            stdio: ["ignore", "pipe", "pipe"],
        });
        child.stderr!.on("data", (d) => {
            stderr += d;
        });
        port = await new Promise<string>((resolve, reject) => {
            let out = "";
            child!.stdout!.on("data", (d) => {
                out += d;
                if (/^\d+\n/.test(out)) resolve(out.trim());
            });
            child!.on("exit", (code) => reject(new Error(`the plugin exited (${code}) before serving:\n${stderr}`)));
        });
    });
    after(() => {
        if (child?.pid) process.kill(child.pid);
    });

    it("serves the citadel schema over gRPC, every component with its documented inputs", async () => {
        const client = new provrpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        const schema = await new Promise<{
            name: string;
            resources: Record<string, { inputProperties: Record<string, { description: string }> }>;
        }>((resolve, reject) =>
            client.getSchema(new provproto.GetSchemaRequest(), (err: Error | null, resp: { getSchema(): string }) =>
                err ? reject(err) : resolve(JSON.parse(resp.getSchema())),
            ),
        );
        client.close();
        assert.equal(schema.name, "citadel");
        assert.equal(Object.keys(schema.resources).length, 17);
        assert.match(
            schema.resources["citadel:index:SecureVpc"].inputProperties.natStrategy.description,
            /Default: "none"$/,
        );
        assert.equal(stderr.trim(), "", "the plugin started without errors or type errors");
    });
});
