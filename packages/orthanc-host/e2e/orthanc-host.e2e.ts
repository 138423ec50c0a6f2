/**
 * The OrthancHost bootstrap proven with real programs on loopback, from Debian's packages; nothing
 * is mocked. Two "hosts" as in production, each its own nginx in front of its own Orthanc, both
 * Orthancs indexing in one PostgreSQL (SSL on, `Lock: false`) and sharing one image store:
 *
 *   storescu/echoscu --TLS--> nginx A (stream) --> Orthanc A --\
 *                                                               >-- PostgreSQL (TLS only)
 *   curl --HTTPS----------->  nginx B (http)   --> Orthanc B --/
 *
 * Every file comes from the component's own render functions; only what must differ on one machine
 * is changed, through their parameters: ports, paths, upstream 127.0.0.1, Debian's stream module,
 * file storage instead of the S3 plugin (Debian has none), and the plugin Debian's Orthanc must be
 * told to load. The certificates come from the bootstrap's own openssl command.
 *
 * From the repository root: `pnpm test:e2e`. As root it installs the missing Debian packages first
 * (their services kept stopped); otherwise a missing package or tool fails the run, naming the
 * apt-get command. Ports are free high ones picked at start, so it runs unprivileged too.
 */
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    credentialFiles,
    DatabaseEndpoint,
    hostDatabaseEndpoint,
    hostOrthancParams,
    mergeOrthancConfigs,
    OrthancCredentials,
    renderNginxConf,
    renderOrthancJson,
    resolveArgs,
    SELF_SIGNED_DAYS,
    selfSignedCertificateCommand,
    subjectAltName,
    uriComponent,
} from "../src";
import { loopbackNginxParams, SAMPLE } from "../test/fixtures";
import {
    ensurePackages,
    freePorts,
    mustRun,
    postgresBinDir,
    POSTGRESQL_INDEX_PLUGIN,
    PostgresCluster,
    Proc,
    requireTools,
    run,
    startPostgres,
    tail,
} from "./loopback";

const SITE_NAME = SAMPLE.certificate.kind === "selfSigned" ? SAMPLE.certificate.siteName! : "pacs.example.org";
const CALLING_AET = "CITADEL-E2E";
// What a generated RDS password may hold that shells, JSON, Orthanc's loader or libpq could mangle:
// a space and a backslash (which the plugin's own Password setting cannot carry), quotes, $VAR and
// ${VAR}, %, &, =, and what a URI would split on.
const DB_PASSWORD = "p a\\b$HOME${HOME}`x'\"y!#%25&*;<>?12:z=+(~)/@";

interface Host {
    name: string;
    httpsPort: number;
    dicomTlsPort: number;
    /** This host's self-signed certificate: the CA a client trusts for it. */
    certificateFile: string;
    orthanc: Proc;
    nginx: Proc;
}

/** The bootstrap's openssl command, with the names a host's certificate gets filled in. */
function makeCertificate(keyFile: string, certificateFile: string, names: string[]): void {
    const argv = resolveArgs(
        selfSignedCertificateCommand({
            keyFile,
            certificateFile,
            commonName: names[0],
            subjectAltName: subjectAltName(names),
            days: SELF_SIGNED_DAYS,
        }),
    );
    mustRun(argv[0], argv.slice(1));
}

describe("OrthancHost end to end: two hosts, one PostgreSQL, real clients", function () {
    const started = Date.now();
    const admin = { username: SAMPLE.adminUsername, password: randomBytes(24).toString("hex") };
    const creds: OrthancCredentials = {
        databaseUsername: "citadel",
        databasePassword: DB_PASSWORD,
        users: { [admin.username]: admin.password },
    };
    let dir: string | undefined;
    let pg: PostgresCluster | undefined;
    const hosts: Host[] = [];
    let failed = false;
    let setupSeconds = 0;

    /** The host's database endpoint (TLS on), moved to our PostgreSQL. */
    const database = (): DatabaseEndpoint => ({
        ...hostDatabaseEndpoint(SAMPLE),
        host: "127.0.0.1",
        port: pg!.port,
        database: pg!.database,
    });

    async function startHost(name: string, ports: number[], storageDirectory: string): Promise<Host> {
        const [httpsPort, dicomTlsPort, orthancHttpPort, orthancDicomPort] = ports;
        const hostDir = path.join(dir!, `host-${name}`);
        const nginxDir = path.join(hostDir, "nginx");
        const orthancDir = path.join(hostDir, "orthanc");
        fs.mkdirSync(nginxDir, { recursive: true });
        fs.mkdirSync(orthancDir, { recursive: true });

        const nginxParams = {
            ...loopbackNginxParams(nginxDir),
            httpsPort,
            dicomTlsPort,
            orthancHttp: { host: "127.0.0.1", port: orthancHttpPort },
            orthancDicom: { host: "127.0.0.1", port: orthancDicomPort },
        };
        // Like a host's: the site name first, then the host's own name.
        makeCertificate(nginxParams.keyFile, nginxParams.certificateFile, [SITE_NAME, `orthanc-${name}.localhost`]);

        const orthancJson = renderOrthancJson({
            ...hostOrthancParams(SAMPLE),
            httpPort: orthancHttpPort,
            dicomPort: orthancDicomPort,
            storage: { kind: "file" },
            storageDirectory,
            plugins: [POSTGRESQL_INDEX_PLUGIN],
        });
        // What the orthancteam/orthanc image does with orthanc.json, host.json (written by hostctl at
        // boot) and the credentials: one configuration, merged before Orthanc starts.
        const config = mergeOrthancConfigs(
            JSON.parse(orthancJson),
            { DatabaseServerIdentifier: `host-${name}` },
            JSON.parse(credentialFiles(creds, database(), "config-file")["credentials.json"]),
        );
        const configFile = path.join(orthancDir, "orthanc.json");
        fs.writeFileSync(configFile, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 });
        const orthanc = new Proc(`orthanc-${name}`, "Orthanc", [configFile], path.join(orthancDir, "orthanc.log"), {
            cwd: orthancDir,
        });

        const nginxConf = path.join(nginxDir, "nginx.conf");
        fs.writeFileSync(nginxConf, renderNginxConf(nginxParams));
        const nginx = new Proc(
            `nginx-${name}`,
            "nginx",
            ["-p", nginxDir, "-e", "stderr", "-c", nginxConf, "-g", "daemon off;"],
            path.join(nginxDir, "nginx.log"),
            { cwd: nginxDir },
        );

        const host: Host = {
            name,
            httpsPort,
            dicomTlsPort,
            certificateFile: nginxParams.certificateFile,
            orthanc,
            nginx,
        };
        hosts.push(host);
        // nginx's health check answers 200 only once Orthanc answers behind it (its 401 to /system).
        await orthanc.waitUntil(
            "a healthy /healthz through nginx",
            () => {
                if (!nginx.running) throw new Error(`nginx-${name} exited:\n${tail(nginx.log())}`);
                return https(host, "/healthz", { auth: false }).status === 200;
            },
            90_000,
        );
        return host;
    }

    /** curl over HTTPS to a host's 443 listener, verifying its certificate; the password via stdin, not argv. */
    function https(
        host: Host,
        urlPath: string,
        opts: { auth: boolean; body?: string },
    ): { status: number; body: string; out: string } {
        const args = [
            "-sS",
            "--max-time",
            "10",
            "--cacert",
            host.certificateFile,
            "--resolve",
            `${SITE_NAME}:${host.httpsPort}:127.0.0.1`,
            "-w",
            "\n%{http_code}",
            "--config",
            "-",
        ];
        if (opts.body !== undefined) args.push("--data-binary", opts.body);
        args.push(`https://${SITE_NAME}:${host.httpsPort}${urlPath}`);
        const r = run("curl", args, { input: opts.auth ? `user = "${admin.username}:${admin.password}"\n` : "" });
        const at = r.out.lastIndexOf("\n");
        return { status: r.code === 0 ? Number(r.out.slice(at + 1)) : -1, body: r.out.slice(0, at), out: r.out };
    }

    function dicomArgs(host: Host, tls: { ca: string } | "plain"): string[] {
        const transport = tls === "plain" ? [] : ["+tla", "+cf", tls.ca];
        return [
            "-to",
            "10",
            "-ta",
            "10",
            "-td",
            "30",
            ...transport,
            "-aet",
            CALLING_AET,
            "-aec",
            SAMPLE.orthanc.dicomAet,
            "127.0.0.1",
            String(host.dicomTlsPort),
        ];
    }

    before(async function () {
        this.timeout(15 * 60_000);
        try {
            // Installing is outside the suite's time budget: the clock starts once the tools are there.
            ensurePackages((line) => console.log(`    e2e: ${line}`));
            requireTools();
            const setupStart = Date.now();
            this.timeout(3 * 60_000);
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "orthanc-host-e2e-"));
            // PostgreSQL runs as its own user (when we are root) and must reach its directory in here.
            fs.chmodSync(dir, 0o711);
            const ports = await freePorts(9);
            pg = await startPostgres(path.join(dir, "postgres"), {
                port: ports[0],
                database: SAMPLE.database.name,
                username: creds.databaseUsername,
                password: DB_PASSWORD,
                ssl: true,
                makeCertificate: (key, cert) => makeCertificate(key, cert, ["localhost"]),
            });
            // The hosts' shared image store (the S3 bucket on AWS).
            const storage = path.join(dir, "storage");
            fs.mkdirSync(storage);
            // One after the other: Debian's PostgreSQL plugin (4.0) creates its schema without a lock.
            await startHost("a", ports.slice(1, 5), storage);
            await startHost("b", ports.slice(5, 9), storage);
            setupSeconds = (Date.now() - setupStart) / 1000;
        } catch (e) {
            failed = true;
            throw e;
        }
    });

    afterEach(function () {
        if (this.currentTest?.state === "failed") failed = true;
    });

    after(async function () {
        this.timeout(60_000);
        // Only what this suite started, by process id: the front doors first, the database last.
        for (const h of [...hosts].reverse()) await h.nginx.stop("SIGTERM");
        for (const h of [...hosts].reverse()) await h.orthanc.stop("SIGTERM");
        // SIGINT: PostgreSQL's fast shutdown (SIGTERM would wait for clients).
        if (pg) await pg.proc.stop("SIGINT");
        if (failed) {
            for (const p of [pg?.proc, ...hosts.flatMap((h) => [h.orthanc, h.nginx])]) {
                if (p) console.log(`\n--- ${p.name} (${p.logFile}) ---\n${tail(p.log())}`);
            }
        }
        const left = [pg?.proc, ...hosts.flatMap((h) => [h.orthanc, h.nginx])].filter((p) => p?.running);
        if (dir) fs.rmSync(dir, { recursive: true, force: true });
        console.log(
            `    e2e: setup ${setupSeconds.toFixed(1)} s, suite ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        assert.deepEqual(
            left.map((p) => p!.name),
            [],
            "processes still running after the suite",
        );
    });

    it("echoscu over TLS, verifying each host's certificate against it as CA, succeeds", () => {
        for (const host of hosts) {
            const r = run("echoscu", dicomArgs(host, { ca: host.certificateFile }), { timeoutMs: 60_000 });
            assert.equal(r.code, 0, `host ${host.name}: ${r.out}`);
        }
    });

    it("echoscu trusting another certificate fails: the server's certificate is really verified", () => {
        const [a, b] = hosts;
        const r = run("echoscu", dicomArgs(a, { ca: b.certificateFile }), { timeoutMs: 60_000 });
        assert.notEqual(r.code, 0, `host a accepted with only host b's certificate as CA: ${r.out}`);
        assert.match(r.out, /certificate verify failed|TLS/i, r.out);
    });

    it("a plain (non-TLS) association to the DICOM TLS listener fails", () => {
        const r = run("echoscu", dicomArgs(hosts[0], "plain"), { timeoutMs: 60_000 });
        assert.notEqual(r.code, 0, `a plain association was accepted: ${r.out}`);
        assert.match(r.out, /Association Request Failed|Peer aborted|connection|closed/i, r.out);
    });

    describe("an instance stored over DICOM TLS on host A", () => {
        const uid = () => `2.25.${BigInt("0x" + randomBytes(16).toString("hex"))}`;
        const sopInstanceUid = uid();
        const patientId = `E2E-${randomBytes(4).toString("hex")}`;
        let instanceId = "";

        it("storescu over TLS stores a DICOM file made with dcmtk's dump2dcm", () => {
            const dump = path.join(dir!, "instance.dump");
            const file = path.join(dir!, "instance.dcm");
            fs.writeFileSync(
                dump,
                [
                    "(0008,0016) UI =SecondaryCaptureImageStorage",
                    `(0008,0018) UI [${sopInstanceUid}]`,
                    "(0008,0020) DA [20240229]",
                    "(0008,0060) CS [OT]",
                    "(0010,0010) PN [CITADEL^ENDTOEND]",
                    `(0010,0020) LO [${patientId}]`,
                    `(0020,000d) UI [${uid()}]`,
                    `(0020,000e) UI [${uid()}]`,
                    "(0020,0013) IS [1]",
                    "",
                ].join("\n"),
            );
            mustRun("dump2dcm", [dump, file]);
            const r = run("storescu", [...dicomArgs(hosts[0], { ca: hosts[0].certificateFile }), file], {
                timeoutMs: 60_000,
            });
            assert.equal(r.code, 0, r.out);
            assert.ok(!/error|fail/i.test(r.out), r.out);
        });

        it("curl over HTTPS with the admin credentials finds it on host A, which received it over DICOM", () => {
            const r = https(hosts[0], "/tools/lookup", { auth: true, body: sopInstanceUid });
            assert.equal(r.status, 200, r.out);
            const found = JSON.parse(r.body);
            assert.equal(found.length, 1, r.body);
            assert.equal(found[0].Type, "Instance");
            instanceId = found[0].ID;
            const meta = https(hosts[0], `/instances/${instanceId}/metadata?expand`, { auth: true });
            assert.equal(meta.status, 200, meta.out);
            assert.equal(JSON.parse(meta.body).RemoteAET, CALLING_AET);
        });

        it("and on host B, the other Orthanc, through the shared database and store", () => {
            const r = https(hosts[1], "/tools/lookup", { auth: true, body: sopInstanceUid });
            assert.equal(r.status, 200, r.out);
            assert.deepEqual(
                JSON.parse(r.body).map((x: { ID: string }) => x.ID),
                [instanceId],
            );
            const tags = https(hosts[1], `/instances/${instanceId}/simplified-tags`, { auth: true });
            assert.equal(tags.status, 200, tags.out);
            assert.equal(JSON.parse(tags.body).PatientID, patientId);
        });

        it("the same requests without credentials are refused", () => {
            for (const host of hosts) {
                assert.equal(
                    https(host, "/tools/lookup", { auth: false, body: sopInstanceUid }).status,
                    401,
                    host.name,
                );
                assert.equal(
                    https(host, `/instances/${instanceId}/simplified-tags`, { auth: false }).status,
                    401,
                    host.name,
                );
            }
        });
    });

    it("TLS 1.1 is refused on both listeners of both hosts; TLS 1.2 is spoken", () => {
        for (const host of hosts) {
            for (const port of [host.httpsPort, host.dicomTlsPort]) {
                const where = `host ${host.name} port ${port}`;
                // The client allows TLS 1.1 (security level 0), so only the server can be the one refusing.
                const old = run("openssl", [
                    "s_client",
                    "-connect",
                    `127.0.0.1:${port}`,
                    "-tls1_1",
                    "-cipher",
                    "DEFAULT@SECLEVEL=0",
                ]);
                assert.notEqual(old.code, 0, `${where}: TLS 1.1 accepted`);
                assert.match(old.out, /alert protocol version/, `${where}: ${old.out}`);
                const ok = run("openssl", [
                    "s_client",
                    "-connect",
                    `127.0.0.1:${port}`,
                    "-tls1_2",
                    "-brief",
                    "-CAfile",
                    host.certificateFile,
                ]);
                assert.match(ok.out, /Protocol version: TLSv1\.2/, `${where}: ${ok.out}`);
            }
        }
    });

    it("both Orthancs hold their database connections over TLS; a client without TLS is refused", () => {
        const psql = path.join(postgresBinDir(), "psql");
        const passfile = path.join(dir!, "pgpass");
        const esc = (v: string) => v.replace(/[\\:]/g, (c) => `\\${c}`);
        fs.writeFileSync(
            passfile,
            `localhost:${pg!.port}:${pg!.database}:${esc(creds.databaseUsername)}:${esc(DB_PASSWORD)}\n`,
            { mode: 0o600 },
        );
        const env = { ...process.env, PGPASSFILE: passfile, PGCONNECT_TIMEOUT: "10" };
        const conninfo = (sslmode: string) =>
            `hostaddr=127.0.0.1 host=localhost port=${pg!.port} dbname=${pg!.database} ` +
            `user=${creds.databaseUsername} sslmode=${sslmode} sslrootcert=${pg!.certificateFile}`;
        const q = run(
            psql,
            [
                conninfo("verify-full"),
                "-Atc",
                "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid) " +
                    "WHERE a.datname = current_database() AND a.pid <> pg_backend_pid()",
            ],
            { env },
        );
        assert.equal(q.code, 0, q.out);
        const [total, encrypted] = q.out.trim().split("|").map(Number);
        assert.ok(total >= hosts.length, `${total} Orthanc connections, expected one per host at least`);
        assert.equal(encrypted, total, "an Orthanc connection without TLS");
        const plain = run(psql, [conninfo("disable"), "-Atc", "SELECT 1"], { env });
        assert.notEqual(plain.code, 0, plain.out);
        assert.match(plain.out, /no pg_hba\.conf entry .* no encryption/, plain.out);
    });

    it("the database password, with its space and backslash, reached libpq whole and no log holds it", () => {
        // Both Orthancs serve (above) only if PostgreSQL accepted the password from the ConnectionUri.
        assert.match(DB_PASSWORD, / /);
        assert.match(DB_PASSWORD, /\\/);
        for (const p of [pg!.proc, ...hosts.map((h) => h.orthanc)]) {
            const log = p.log();
            assert.ok(
                !log.includes(DB_PASSWORD) && !log.includes(uriComponent(DB_PASSWORD)),
                `the password in ${p.name}'s log`,
            );
            assert.ok(!/password authentication failed/.test(log), `${p.name}: ${tail(log)}`);
        }
    });
});
