/**
 * The EC2 app tier's rendered files, checked by the programs that read them (Debian packages nginx,
 * shellcheck, cloud-init, systemd, jq). Run from the repository root: `pnpm test:tools`. A missing
 * tool fails the run: nothing here is skipped.
 */
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { renderHookScripts, renderNginxConf, renderUnit, renderUserData, validateEc2AppArgs } from "../src";
import { tierArgs, USER_DATA } from "../test/fixtures";

function run(cmd: string, args: string[], input?: string): { code: number; out: string } {
    const r = spawnSync(cmd, args, { encoding: "utf8", input, timeout: 30_000 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

const RESOLVED = validateEc2AppArgs("tier", tierArgs());

const UNIT_ERRORS = /Unknown (key|section)|Failed to parse|Invalid|bad-setting/i;

describe("Ec2App rendered files under their tools", () => {
    let dir: string;
    before(() => {
        for (const tool of ["nginx", "shellcheck", "cloud-init", "systemd-analyze", "jq"]) {
            assert.equal(run("sh", ["-c", `command -v ${tool}`]).code, 0, `${tool} is not installed (see .ci/run)`);
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "ec2-app-tools-"));
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("nginx -t accepts the configuration (Debian's nginx, a scratch prefix)", () => {
        fs.mkdirSync(path.join(dir, "temp"), { recursive: true });
        const conf = path.join(dir, "nginx.conf");
        fs.writeFileSync(
            conf,
            renderNginxConf({
                apps: RESOLVED.apps,
                trustedProxyCidrs: ["10.20.0.0/16"],
                loadBalancerIdleTimeoutSeconds: 60,
                layout: {
                    pidFile: path.join(dir, "nginx.pid"),
                    errorLog: path.join(dir, "error.log"),
                    accessLog: path.join(dir, "access.log"),
                    mimeTypes: "/etc/nginx/mime.types",
                    tempDir: path.join(dir, "temp"),
                },
            }),
        );
        const r = run("nginx", ["-t", "-p", dir, "-e", "stderr", "-c", conf]);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /syntax is ok/);
    });

    it("nginx -t rejects a broken configuration (the check can fail)", () => {
        const conf = path.join(dir, "broken.conf");
        fs.writeFileSync(conf, "events {}\nhttp { server { listen 8080 } }\n");
        assert.notEqual(run("nginx", ["-t", "-p", dir, "-e", "stderr", "-c", conf]).code, 0);
    });

    it("shellcheck passes every hook script of every app", () => {
        for (const app of RESOLVED.apps) {
            for (const [file, text] of Object.entries(renderHookScripts(app))) {
                const r = run("shellcheck", ["--shell=bash", "--severity=style", "-"], text);
                assert.equal(r.code, 0, `${app.name}/${file}:\n${r.out}`);
            }
        }
    });

    it("the AfterInstall jq program turns Parameter Store's answer into an EnvironmentFile, and refuses a bad name", () => {
        const script = renderHookScripts(RESOLVED.apps[0])["after-install.sh"];
        const program = /jq -r '([\s\S]*?)' > "\$tmp"/.exec(script)![1];
        const answer = {
            Parameters: [
                { Name: "/drsignet/test/api/DATABASE_URL", Value: "mongodb://u:p@host:27017/?tls=true" },
                { Name: "/drsignet/test/api/GREETING", Value: 'say "hi"\nthen go' },
            ],
        };
        const ok = run("jq", ["-r", program], JSON.stringify(answer));
        assert.equal(ok.code, 0, ok.out);
        assert.equal(ok.out, 'DATABASE_URL="mongodb://u:p@host:27017/?tls=true"\nGREETING="say \\"hi\\"\\nthen go"\n');
        const bad = run(
            "jq",
            ["-r", program],
            JSON.stringify({ Parameters: [{ Name: "/x/api/bad-name", Value: "v" }] }),
        );
        assert.notEqual(bad.code, 0);
        assert.match(bad.out, /bad-name is not a variable name/);
    });

    it("cloud-init schema accepts the user data", () => {
        const file = path.join(dir, "user-data.yaml");
        fs.writeFileSync(file, renderUserData(USER_DATA));
        const r = run("cloud-init", ["schema", "--config-file", file]);
        assert.equal(r.code, 0, r.out);
        assert.match(r.out, /Valid (schema|cloud-config)/);
    });

    it("systemd-analyze verify accepts each app's unit", () => {
        for (const app of RESOLVED.apps) {
            const unit = path.join(dir, `citadel-app-${app.name}.service`);
            fs.writeFileSync(unit, renderUnit(app));
            const r = run("systemd-analyze", ["verify", "--man=no", unit]);
            // verify also reports what this machine lacks (the app's user, directory, /usr/bin/env
            // target); only the unit's own syntax errors count.
            assert.doesNotMatch(r.out, UNIT_ERRORS, r.out);
        }
        const broken = path.join(dir, "broken.service");
        fs.writeFileSync(
            broken,
            renderUnit(RESOLVED.apps[0]).replace("Restart=always", "Restart=sometimes\nRestartSecs=5"),
        );
        assert.match(run("systemd-analyze", ["verify", "--man=no", broken]).out, UNIT_ERRORS, "the check can fail");
    });
});
