/**
 * The rendered host files, checked by the real tools that read them (Debian packages nginx,
 * libnginx-mod-stream, cloud-init, shellcheck, openssl, jq, libpq5). Run as root from the repository root:
 *   apt-get install -y nginx libnginx-mod-stream cloud-init shellcheck jq libpq5
 *   npx mocha --config .mocharc.tools.json
 * A missing tool fails the run: nothing here is skipped.
 */
import { strict as assert } from "assert";
import { ChildProcess, execFileSync, spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as https from "https";
import * as os from "os";
import * as path from "path";
import {
    credentialFiles,
    DatabaseEndpoint,
    hostFiles,
    HostLayout,
    hostLayout,
    renderHostctl,
    renderNginxConf,
    renderUserData,
    resolveArgs,
    SECRET_SETTING_FILES,
    selfSignedCertificateCommand,
    subjectAltName,
    uriComponent,
} from "../src";
import { loopbackNginxParams, SAMPLE, SAMPLE_OWN_CERTIFICATE } from "../test/fixtures";

// Debian's python, which has PyYAML (a dependency of cloud-init); a pyenv python may not.
const PYTHON = "/usr/bin/python3";
const TOOLS: Array<[string, string]> = [
    ["nginx", "nginx"],
    ["cloud-init", "cloud-init"],
    ["shellcheck", "shellcheck"],
    ["openssl", "openssl"],
    ["jq", "jq"],
    ["systemd-analyze", "systemd"],
    [PYTHON, "python3-yaml (with cloud-init)"],
];

/** libpq's own reading of a connection string (PQconninfoParse through ctypes), keyword → value; from stdin. */
const LIBPQ_PARSE = `
import ctypes, json, sys
class Option(ctypes.Structure):
    _fields_ = [("keyword", ctypes.c_char_p), ("envvar", ctypes.c_char_p), ("compiled", ctypes.c_char_p),
                ("val", ctypes.c_char_p), ("label", ctypes.c_char_p), ("dispchar", ctypes.c_char_p), ("dispsize", ctypes.c_int)]
pq = ctypes.CDLL("libpq.so.5")
pq.PQconninfoParse.restype = ctypes.POINTER(Option)
pq.PQconninfoParse.argtypes = [ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
err = ctypes.c_char_p()
opts = pq.PQconninfoParse(sys.stdin.buffer.read(), ctypes.byref(err))
if not opts:
    sys.exit("libpq: " + (err.value or b"").decode())
found, i = {}, 0
while opts[i].keyword:
    if opts[i].val is not None:
        found[opts[i].keyword.decode()] = opts[i].val.decode()
    i += 1
print(json.dumps(found))
`;

function run(cmd: string, args: string[], opts: { input?: string } = {}): { code: number; out: string } {
    const r = spawnSync(cmd, args, { encoding: "utf8", input: opts.input, timeout: 30_000 });
    if (r.error) throw r.error;
    return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

function hostFile(p: string): string {
    const f = hostFiles(SAMPLE).find((x) => x.path === p);
    assert.ok(f, `no host file ${p}`);
    return f.content;
}

describe("OrthancHost artifacts under the real tools", function () {
    let dir: string;

    before(() => {
        const missing = TOOLS.filter(([tool]) => run("sh", ["-c", `command -v ${tool}`]).code !== 0);
        if (missing.length > 0) {
            throw new Error(
                `missing tools: ${missing.map(([t, pkg]) => `${t} (apt-get install -y ${pkg})`).join(", ")}`,
            );
        }
        if (run(PYTHON, ["-c", "import ctypes; ctypes.CDLL('libpq.so.5')"]).code !== 0) {
            throw new Error("libpq is missing: apt-get install -y libpq5");
        }
        if (!fs.existsSync("/usr/lib/nginx/modules/ngx_stream_module.so")) {
            throw new Error("nginx's stream module is missing: apt-get install -y libnginx-mod-stream");
        }
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "orthanc-host-tools-"));
    });

    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("cloud-init accepts the user data (both certificate sources)", () => {
        for (const [label, params] of [
            ["self-signed", SAMPLE],
            ["own", SAMPLE_OWN_CERTIFICATE],
        ] as const) {
            const file = path.join(dir, `user-data-${label}.yaml`);
            fs.writeFileSync(file, renderUserData(params));
            const r = run("cloud-init", ["schema", "--config-file", file]);
            assert.equal(r.code, 0, r.out);
            assert.match(r.out, /Valid cloud-config/);
        }
    });

    it("a YAML parser reads back every embedded file byte for byte", () => {
        const file = path.join(dir, "user-data.yaml");
        fs.writeFileSync(file, renderUserData(SAMPLE));
        const parsed = JSON.parse(
            run(PYTHON, ["-c", "import json,sys,yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))", file]).out,
        );
        assert.deepEqual(
            parsed.write_files.map((f: any) => [f.path, f.permissions, f.content]),
            hostFiles(SAMPLE).map((f) => [f.path, f.permissions, f.content]),
        );
        assert.deepEqual(parsed.runcmd, [["/usr/local/sbin/orthanc-host-install"]]);
    });

    // The units systemd reads on a host, checked by systemd itself (Debian's systemd 252): syntax,
    // dependencies, and that each command exists (in a root with the host's executables as stubs).
    it("systemd-analyze verify accepts every rendered unit", () => {
        const root = path.join(dir, "systemd-root");
        const units = hostFiles(SAMPLE).filter((f) => f.path.startsWith("/etc/systemd/system/"));
        assert.ok(units.length >= 5);
        for (const exe of ["/usr/bin/docker", "/usr/local/sbin/orthanc-hostctl"]) {
            fs.mkdirSync(path.join(root, path.dirname(exe)), { recursive: true });
            fs.writeFileSync(path.join(root, exe), "#!/bin/sh\n", { mode: 0o755 });
        }
        fs.mkdirSync(path.join(root, "etc/systemd/system"), { recursive: true });
        // The distribution's own units (targets and the like), as on any host.
        fs.mkdirSync(path.join(root, "usr/lib/systemd"), { recursive: true });
        assert.equal(run("cp", ["-a", "/usr/lib/systemd/system", path.join(root, "usr/lib/systemd/")]).code, 0);
        // docker.service comes with the docker package on a host.
        fs.writeFileSync(
            path.join(root, "etc/systemd/system/docker.service"),
            "[Service]\nExecStart=/usr/bin/docker\n",
        );
        for (const u of units) fs.writeFileSync(path.join(root, u.path), u.content);
        const r = run("systemd-analyze", ["verify", `--root=${root}`, ...units.map((u) => u.path)]);
        assert.equal(r.code, 0, r.out);
        assert.equal(r.out.trim(), "", r.out);
    });

    it("shellcheck finds nothing in the boot scripts", () => {
        const scripts = [
            ["orthanc-hostctl", hostFile("/usr/local/sbin/orthanc-hostctl")],
            [
                "orthanc-hostctl.own",
                hostFiles(SAMPLE_OWN_CERTIFICATE).find((f) => f.path.endsWith("orthanc-hostctl"))!.content,
            ],
            ["orthanc-host-install", hostFile("/usr/local/sbin/orthanc-host-install")],
        ];
        for (const [name, text] of scripts) {
            const file = path.join(dir, name);
            fs.writeFileSync(file, text);
            const r = run("shellcheck", ["--shell=bash", "--severity=style", file]);
            assert.equal(r.code, 0, `${name}:\n${r.out}`);
        }
    });

    // The agent's translator reads the file as JSON: jq (a parser other than Node's) must read the
    // namespace and dimensions the alarms name, from the file exactly as cloud-init writes it.
    it("jq reads the CloudWatch agent's configuration as the alarms expect it", () => {
        const file = path.join(dir, "cloudwatch-agent.json");
        fs.writeFileSync(file, hostFile("/etc/orthanc-host/cloudwatch-agent.json"));
        const r = run("jq", [
            "-ec",
            "[.metrics.namespace, .metrics.aggregation_dimensions, .metrics.metrics_collected.disk.resources]",
            file,
        ]);
        assert.equal(r.code, 0, r.out);
        assert.deepEqual(JSON.parse(r.out), ["Citadel/OrthancHost", [["InstanceId", "path"]], ["/"]]);
    });

    it("bash parses the boot scripts", () => {
        const r = run("bash", ["-n"], { input: hostFile("/usr/local/sbin/orthanc-hostctl") });
        assert.equal(r.code, 0, r.out);
    });

    it("the exported openssl command makes a certificate for the names, for TLS servers", () => {
        const names = ["pacs.example.org", "ec2-198-51-100-1.eu-west-1.compute.amazonaws.com"];
        const argv = resolveArgs(
            selfSignedCertificateCommand({
                keyFile: path.join(dir, "key.pem"),
                certificateFile: path.join(dir, "cert.pem"),
                commonName: names[0],
                subjectAltName: subjectAltName(names),
                days: 825,
            }),
        );
        execFileSync(argv[0], argv.slice(1), { stdio: "pipe" });
        const text = execFileSync(
            "openssl",
            [
                "x509",
                "-noout",
                "-subject",
                "-enddate",
                "-ext",
                "subjectAltName,extendedKeyUsage",
                "-in",
                path.join(dir, "cert.pem"),
            ],
            { encoding: "utf8" },
        );
        assert.match(text, /subject=CN ?= ?pacs\.example\.org/);
        assert.match(text, /DNS:pacs\.example\.org, DNS:ec2-198-51-100-1\.eu-west-1\.compute\.amazonaws\.com/);
        assert.match(text, /TLS Web Server Authentication/);
        assert.equal(fs.statSync(path.join(dir, "key.pem")).mode & 0o077, 0, "the key is readable by others");
    });

    describe("nginx", () => {
        let nginxDir: string;
        let upstream: http.Server;
        let nginx: ChildProcess | undefined;
        let orthancUp = true;

        before(async () => {
            nginxDir = path.join(dir, "nginx");
            fs.mkdirSync(nginxDir);
            const argv = resolveArgs(
                selfSignedCertificateCommand({
                    keyFile: path.join(nginxDir, "key.pem"),
                    certificateFile: path.join(nginxDir, "cert.pem"),
                    commonName: "localhost",
                    subjectAltName: subjectAltName(["localhost"]),
                    days: 30,
                }),
            );
            execFileSync(argv[0], argv.slice(1), { stdio: "pipe" });
            fs.writeFileSync(path.join(nginxDir, "nginx.conf"), renderNginxConf(loopbackNginxParams(nginxDir)));
            // A stand-in for Orthanc: 401 without credentials, like Orthanc with authentication on.
            upstream = http.createServer((req, res) => {
                if (!orthancUp) {
                    req.socket.destroy();
                    return;
                }
                res.writeHead(req.headers.authorization ? 200 : 401, { "content-type": "text/plain" });
                res.end(req.url);
            });
            await new Promise<void>((resolve) => upstream.listen(18042, "127.0.0.1", resolve));
        });

        after(async () => {
            if (nginx && nginx.exitCode === null) {
                nginx.kill("SIGTERM");
                await new Promise((resolve) => nginx!.once("exit", resolve));
            }
            await new Promise((resolve) => upstream.close(resolve));
        });

        it("nginx -t accepts the configuration (with Debian's stream module)", () => {
            const r = run("nginx", ["-t", "-p", nginxDir, "-e", "stderr", "-c", path.join(nginxDir, "nginx.conf")]);
            assert.equal(r.code, 0, r.out);
            assert.match(r.out, /test is successful/);
        });

        it("serves the health check from Orthanc's 401, proxies the rest, and speaks no TLS below 1.2", async () => {
            nginx = spawn(
                "nginx",
                ["-p", nginxDir, "-e", "stderr", "-c", path.join(nginxDir, "nginx.conf"), "-g", "daemon off;"],
                { stdio: ["ignore", "ignore", "pipe"] },
            );
            let stderr = "";
            nginx.stderr!.on("data", (d) => {
                stderr += d;
            });
            const get = (p: string, headers: Record<string, string> = {}) =>
                new Promise<{ status: number; body: string }>((resolve, reject) => {
                    const req = https.get(
                        { host: "127.0.0.1", port: 18443, path: p, headers, rejectUnauthorized: false },
                        (res) => {
                            let body = "";
                            res.on("data", (d) => {
                                body += d;
                            });
                            res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
                        },
                    );
                    req.on("error", reject);
                });
            let health: { status: number; body: string } | undefined;
            for (let i = 0; i < 50 && !health; i++) {
                health = await get("/healthz").catch(() => undefined);
                if (!health) await new Promise((r) => setTimeout(r, 100));
            }
            assert.ok(health, `nginx did not come up: ${stderr}`);
            assert.deepEqual(health, { status: 200, body: "ok\n" });
            // A client's credentials are not forwarded to the health probe.
            assert.equal((await get("/healthz", { authorization: "Basic YTpi" })).body, "ok\n");
            assert.deepEqual(await get("/instances?PatientName=DOE", { authorization: "Basic YTpi" }), {
                status: 200,
                body: "/instances?PatientName=DOE",
            });
            assert.equal((await get("/system")).status, 401);

            orthancUp = false;
            assert.equal((await get("/healthz")).status, 502, "healthy while Orthanc is down");
            orthancUp = true;

            // The client allows TLS 1.1 (security level 0), so only the server can be the one refusing.
            const old = run(
                "openssl",
                ["s_client", "-connect", "127.0.0.1:18443", "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0"],
                { input: "" },
            );
            assert.notEqual(old.code, 0, "TLS 1.1 accepted");
            assert.match(old.out, /alert protocol version/, old.out);
            const dicom = run("openssl", ["s_client", "-connect", "127.0.0.1:21112", "-tls1_2", "-brief"], {
                input: "",
            });
            assert.match(dicom.out, /Protocol version: TLSv1\.2/, dicom.out);
            const log = fs.readFileSync(path.join(nginxDir, "access.log"), "utf8");
            assert.match(log, /"GET \/instances HTTP\/1\.1" 200/);
            assert.ok(!log.includes("PatientName"), "query strings (PHI) in the access log");
        });
    });
});

/**
 * orthanc-hostctl run for real, with `aws`, `curl` (the metadata service) and `docker` replaced by
 * recording stubs and the host layout under a temporary directory: what a host does at boot, at a
 * reboot and when RDS rotates its password.
 */
describe("orthanc-hostctl at boot, reboot and rotation (stubbed AWS and Docker)", () => {
    let dir: string;
    let layout: HostLayout;
    let env: NodeJS.ProcessEnv;
    const DB_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1";
    const ADMIN_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:admin-1";
    const PUBLIC_DNS = "ec2-198-51-100-7.eu-west-1.compute.amazonaws.com";
    const DB_ENDPOINT: DatabaseEndpoint = {
        host: "orthanc-db.abc.eu-west-1.rds.amazonaws.com",
        port: 5432,
        database: "orthanc",
        ssl: true,
    };
    // What a generated RDS password may hold that shells, JSON, jq or a libpq connection string
    // would mangle: a space and a backslash (which broke the plugin's Password setting), %, &, =
    // and ', !*() (which jq 1.6's @uri leaves alone), and more.
    const DB_PASSWORD = "p$HOME`x'\"\\y 12%&=!*():?#+~é";

    const stub = (name: string, body: string) => {
        const file = path.join(dir, "bin", name);
        fs.writeFileSync(file, `#!/bin/bash\nset -euo pipefail\n${body}\n`, { mode: 0o755 });
    };
    const secretFile = (arn: string) => path.join(dir, "sm", arn.replace(/[^A-Za-z0-9]/g, "_"));
    const secretPath = (name: string) => path.join(layout.secretsDir, name);
    const expectedUri = (password: string) =>
        credentialFiles(
            { databaseUsername: "citadel", databasePassword: password, users: {} },
            DB_ENDPOINT,
            "docker-secrets",
        )[SECRET_SETTING_FILES.databaseUri];
    const hostctl = (mode: string) => {
        const r = spawnSync("bash", [layout.hostctl, mode], { encoding: "utf8", env, timeout: 30_000 });
        assert.equal(r.status, 0, `hostctl ${mode}: ${r.stderr}`);
        return r.stderr;
    };
    const dockerCalls = () =>
        fs.existsSync(path.join(dir, "docker.log"))
            ? fs.readFileSync(path.join(dir, "docker.log"), "utf8").trim().split("\n")
            : [];
    const modeOf = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

    before(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "orthanc-hostctl-"));
        layout = { ...hostLayout(path.join(dir, "etc")), hostctl: path.join(dir, "orthanc-hostctl") };
        for (const d of ["bin", "sm", "etc/orthanc"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
        fs.writeFileSync(
            layout.hostctl,
            renderHostctl({
                layout,
                region: "eu-west-1",
                database: DB_ENDPOINT,
                databaseSecretArn: DB_ARN,
                adminSecretArn: ADMIN_ARN,
                adminUsername: "admin",
                systemctlPath: path.join(dir, "bin", "systemctl"),
                heartbeat: { namespace: "Citadel/OrthancHost", healthUrl: "https://127.0.0.1:443/healthz" },
                certificate: {
                    kind: "selfSigned",
                    siteName: "pacs.example.org",
                    extraNames: ["nlb.example.com"],
                    days: 825,
                },
            }),
            { mode: 0o700 },
        );
        fs.writeFileSync(secretFile(DB_ARN), JSON.stringify({ username: "citadel", password: DB_PASSWORD }));
        // Secrets Manager: values by ARN in files; the admin secret starts with no value.
        stub(
            "aws",
            `
echo "$*" >> "${dir}/aws.argv"
op=$2; id=""; token=""; value=""
while [[ $# -gt 0 ]]; do
  case $1 in
    --secret-id) id=$2; shift ;;
    --client-request-token) token=$2; shift ;;
    --secret-string) value=$2; shift ;;
  esac
  shift
done
file="${dir}/sm/$(printf '%s' "$id" | tr -c 'A-Za-z0-9' '_')"
case $op in
  get-secret-value)
    [[ -f $file ]] || { echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation" >&2; exit 254; }
    cat "$file"; echo ;;
  put-secret-value)
    [[ -n $token ]] || exit 252
    [[ ! -f $file ]] || { echo "An error occurred (ResourceExistsException)" >&2; exit 254; }
    cat "\${value#file://}" > "$file" ;;
esac`,
        );
        stub(
            "curl",
            `
case "$*" in
  *api/token*) echo -n token ;;
  *meta-data/instance-id*) echo -n i-0123456789abcdef0 ;;
  *meta-data/public-hostname*) echo -n ${PUBLIC_DNS} ;;
  *) exit 22 ;;
esac`,
        );
        stub("systemctl", `echo "$*" >> "${dir}/docker.log"`);
        // The real jq, its command lines recorded: the one place secrets are turned into files.
        const jq = run("sh", ["-c", "command -v jq"]).out.trim();
        stub("jq", `printf '%s\\n' "$*" >> "${dir}/jq.argv"\nexec ${jq} "$@"`);
        env = { ...process.env, PATH: `${path.join(dir, "bin")}:${process.env.PATH}` };
    });

    after(() => {
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("first boot: sets the admin secret, writes root-only credential files, makes the certificate, starts", () => {
        hostctl("start");
        const admin = JSON.parse(fs.readFileSync(secretFile(ADMIN_ARN), "utf8"));
        assert.equal(admin.username, "admin");
        assert.match(admin.password, /^[0-9a-f]{48}$/);
        assert.equal(modeOf(layout.secretsDir), "700");
        const expected = credentialFiles(
            {
                databaseUsername: "citadel",
                databasePassword: DB_PASSWORD,
                users: { admin: admin.password },
            },
            DB_ENDPOINT,
            "docker-secrets",
        );
        assert.deepEqual(fs.readdirSync(layout.secretsDir).sort(), Object.values(SECRET_SETTING_FILES).sort());
        for (const name of Object.values(SECRET_SETTING_FILES)) {
            assert.equal(fs.readFileSync(secretPath(name), "utf8"), expected[name], name);
            assert.equal(modeOf(secretPath(name)), "600", name);
        }
        assert.equal(fs.readFileSync(layout.hostJson, "utf8"), '{"DatabaseServerIdentifier": "i-0123456789abcdef0"}\n');
        assert.equal(fs.readFileSync(path.join(layout.projectDir, ".env"), "utf8"), "HOST_ID=i-0123456789abcdef0\n");
        const cert = execFileSync(
            "openssl",
            ["x509", "-noout", "-subject", "-ext", "subjectAltName", "-in", layout.certificateFile],
            { encoding: "utf8" },
        );
        assert.match(cert, /CN ?= ?pacs\.example\.org/);
        assert.match(
            cert,
            new RegExp(`DNS:pacs\\.example\\.org, DNS:${PUBLIC_DNS.replace(/\./g, "\\.")}, DNS:nlb\\.example\\.com`),
        );
        assert.equal(modeOf(layout.keyFile), "600");
        assert.equal(modeOf(layout.certificateFile), "644");
        assert.deepEqual(dockerCalls(), ["restart orthanc-host-orthanc.service orthanc-host-nginx.service"]);
    });

    it("writes the database as one percent-encoded URI that libpq reads back as the RDS user and password", () => {
        const text = fs.readFileSync(secretPath(SECRET_SETTING_FILES.databaseUri), "utf8");
        const uri: string = JSON.parse(text);
        assert.equal(text, `"${uri}"\n`, "the URI needs no JSON escape");
        const userinfo = /^postgresql:\/\/([^@/]*)@/.exec(uri)?.[1] ?? "";
        assert.equal(userinfo, `citadel:${uriComponent(DB_PASSWORD)}`);
        for (const [c, encoded] of [
            [" ", "%20"],
            ["\\", "%5C"],
            ["%", "%25"],
            ["&", "%26"],
            ["=", "%3D"],
            ["'", "%27"],
        ]) {
            assert.ok(userinfo.includes(encoded), `${JSON.stringify(c)} is not encoded as ${encoded}: ${userinfo}`);
        }
        assert.match(userinfo, /^citadel:(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+$/, "a character left unencoded");
        const libpq = run(PYTHON, ["-c", LIBPQ_PARSE], { input: uri });
        assert.equal(libpq.code, 0, libpq.out);
        assert.deepEqual(JSON.parse(libpq.out), {
            user: "citadel",
            password: DB_PASSWORD,
            host: DB_ENDPOINT.host,
            port: "5432",
            dbname: "orthanc",
            sslmode: "require",
        });
    });

    it("never puts a secret on a command line", () => {
        const admin = JSON.parse(fs.readFileSync(secretFile(ADMIN_ARN), "utf8"));
        const secrets = [admin.password, DB_PASSWORD, uriComponent(DB_PASSWORD), "p$HOME"];
        for (const log of ["aws.argv", "jq.argv"]) {
            const argv = fs.readFileSync(path.join(dir, log), "utf8");
            for (const secret of secrets)
                assert.ok(!argv.includes(secret), `${JSON.stringify(secret)} in ${log}:\n${argv}`);
        }
        assert.match(
            fs.readFileSync(path.join(dir, "jq.argv"), "utf8"),
            /^-ec --arg suffix @orthanc-db\.abc\.eu-west-1\.rds\.amazonaws\.com:5432\/orthanc\?sslmode=require /m,
        );
        assert.match(
            fs.readFileSync(path.join(dir, "aws.argv"), "utf8"),
            /put-secret-value .*--client-request-token citadel-orthanc-admin-initial-value-v1 --secret-string file:\/\//,
        );
    });

    it("reboot: nothing changed, so the containers are started without being recreated", () => {
        const certBefore = fs.readFileSync(layout.certificateFile, "utf8");
        hostctl("start");
        assert.equal(dockerCalls().at(-1), "start orthanc-host-orthanc.service orthanc-host-nginx.service");
        assert.equal(fs.readFileSync(layout.certificateFile, "utf8"), certBefore, "the certificate was made again");
    });

    it("refresh: a rotated database password recreates the containers; no change, no call", () => {
        const calls = dockerCalls().length;
        hostctl("refresh");
        assert.equal(dockerCalls().length, calls, "recreated without a change");
        fs.writeFileSync(secretFile(DB_ARN), JSON.stringify({ username: "citadel", password: "rotated 2\\" }));
        hostctl("refresh");
        assert.equal(dockerCalls().at(-1), "restart orthanc-host-orthanc.service orthanc-host-nginx.service");
        assert.equal(dockerCalls().length, calls + 1);
        assert.equal(fs.readFileSync(secretPath(SECRET_SETTING_FILES.databaseUri), "utf8"), expectedUri("rotated 2\\"));
        assert.match(expectedUri("rotated 2\\"), /:rotated%202%5C@/);
        hostctl("refresh");
        assert.equal(dockerCalls().length, calls + 1, "recreated again without a change");
    });

    it("a second host booting against a set admin secret keeps its value", () => {
        const before = fs.readFileSync(secretFile(ADMIN_ARN), "utf8");
        fs.rmSync(layout.secretsDir, { recursive: true });
        hostctl("start");
        assert.equal(fs.readFileSync(secretFile(ADMIN_ARN), "utf8"), before);
        const users = JSON.parse(fs.readFileSync(secretPath(SECRET_SETTING_FILES.users), "utf8"));
        assert.deepEqual(users, { admin: JSON.parse(before).password });
    });

    it("stop takes the containers down", () => {
        hostctl("stop");
        assert.equal(dockerCalls().at(-1), "stop orthanc-host-orthanc.service orthanc-host-nginx.service");
    });
});
