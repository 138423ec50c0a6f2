/**
 * The machinery of the end-to-end suite: Debian's packages, free loopback ports, child processes
 * stopped by their own ids, and a PostgreSQL cluster of our own with SSL on. Nothing here renders
 * a host file: the suite does that with the component's own render functions.
 */
import { ChildProcess, spawn, spawnSync, SpawnSyncReturns } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

/** Debian's packages the suite runs; `ensurePackages` installs the missing ones as root. */
export const DEBIAN_PACKAGES = [
    "nginx",
    "libnginx-mod-stream",
    "orthanc",
    "orthanc-postgresql",
    "postgresql",
    "dcmtk",
    "openssl",
    "curl",
] as const;

export const APT_INSTALL = ["apt-get", "install", "-y", "-o", "DPkg::Lock::Timeout=300", ...DEBIAN_PACKAGES];

export const STREAM_MODULE = "/usr/lib/nginx/modules/ngx_stream_module.so";
export const POSTGRESQL_INDEX_PLUGIN = "/usr/share/orthanc/plugins/libOrthancPostgreSQLIndex.so";
const POLICY_RC_D = "/usr/sbin/policy-rc.d";

export function isRoot(): boolean {
    return process.getuid?.() === 0;
}

export interface RunResult {
    code: number;
    out: string;
}

/** Runs a command to completion (bounded); stdout and stderr together, as a person would read them. */
export function run(
    cmd: string,
    args: readonly string[],
    opts: { input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): RunResult {
    const r: SpawnSyncReturns<string> = spawnSync(cmd, args, {
        encoding: "utf8",
        input: opts.input ?? "",
        timeout: opts.timeoutMs ?? 30_000,
        env: opts.env ?? process.env,
    });
    if (r.error) throw new Error(`${cmd} ${args.join(" ")}: ${r.error.message}`);
    return { code: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}` };
}

/** Runs a command that must succeed. */
export function mustRun(
    cmd: string,
    args: readonly string[],
    opts: { input?: string; timeoutMs?: number } = {},
): string {
    const r = run(cmd, args, opts);
    if (r.code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited ${r.code}:\n${r.out}`);
    return r.out;
}

function missingPackages(): string[] {
    return DEBIAN_PACKAGES.filter(
        (pkg) => run("dpkg-query", ["-W", "-f=${Status}", pkg]).out.trim() !== "install ok installed",
    );
}

/**
 * Installs the missing packages (as root), keeping their services stopped: the suite starts its own
 * nginx, Orthanc and PostgreSQL, and a packaged one on 80, 4242, 8042 or 5432 would outlive it. Not
 * root and something missing: fails, naming the command.
 */
export function ensurePackages(log: (line: string) => void): void {
    const missing = missingPackages();
    if (missing.length === 0) return;
    if (!isRoot()) {
        throw new Error(`missing Debian packages: ${missing.join(" ")}; as root: ${APT_INSTALL.join(" ")}`);
    }
    log(`installing ${missing.join(" ")} from Debian's repositories`);
    const ownPolicy = !fs.existsSync(POLICY_RC_D);
    // Exit 101 tells invoke-rc.d "not allowed": the packages' scripts then start no service.
    if (ownPolicy) fs.writeFileSync(POLICY_RC_D, "#!/bin/sh\nexit 101\n", { mode: 0o755 });
    try {
        const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
        const update = run("apt-get", ["update"], { timeoutMs: 300_000, env });
        if (update.code !== 0) throw new Error(`apt-get update failed:\n${update.out}`);
        const install = run(APT_INSTALL[0], APT_INSTALL.slice(1), { timeoutMs: 600_000, env });
        if (install.code !== 0) throw new Error(`${APT_INSTALL.join(" ")} failed:\n${install.out}`);
    } finally {
        if (ownPolicy) fs.rmSync(POLICY_RC_D, { force: true });
    }
    const still = missingPackages();
    if (still.length > 0) throw new Error(`still missing after apt-get install: ${still.join(" ")}`);
}

/** The newest PostgreSQL server's bin directory (`/usr/lib/postgresql/<major>/bin`). */
export function postgresBinDir(): string {
    const root = "/usr/lib/postgresql";
    const majors = fs.existsSync(root)
        ? fs
              .readdirSync(root)
              .filter((v) => fs.existsSync(path.join(root, v, "bin", "postgres")))
              .sort((a, b) => Number(b) - Number(a))
        : [];
    if (majors.length === 0) throw new Error(`no PostgreSQL server under ${root}: apt-get install -y postgresql`);
    return path.join(root, majors[0], "bin");
}

/** Every program and file the suite needs; throws naming each one that is missing. */
export function requireTools(): void {
    const programs = ["nginx", "Orthanc", "echoscu", "storescu", "dump2dcm", "openssl", "curl"];
    const missing = programs.filter((p) => run("sh", ["-c", `command -v ${p}`]).code !== 0);
    for (const file of [
        STREAM_MODULE,
        POSTGRESQL_INDEX_PLUGIN,
        ...["initdb", "postgres", "pg_isready", "psql"].map((p) => path.join(postgresBinDir(), p)),
    ]) {
        if (!fs.existsSync(file)) missing.push(file);
    }
    if (missing.length > 0) throw new Error(`missing: ${missing.join(", ")}; install: ${APT_INSTALL.join(" ")}`);
}

/** `count` distinct loopback ports that are free now (held together, so no two are the same). */
export async function freePorts(count: number): Promise<number[]> {
    const servers = await Promise.all(
        Array.from(
            { length: count },
            () =>
                new Promise<net.Server>((resolve, reject) => {
                    const s = net.createServer();
                    s.once("error", reject);
                    s.listen(0, "127.0.0.1", () => resolve(s));
                }),
        ),
    );
    const ports = servers.map((s) => (s.address() as net.AddressInfo).port);
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
    return ports;
}

export function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A long-running child whose output goes to a log file in the temporary directory. */
export class Proc {
    readonly child: ChildProcess;
    private readonly exited: Promise<void>;

    constructor(
        readonly name: string,
        cmd: string,
        args: readonly string[],
        readonly logFile: string,
        opts: { uid?: number; gid?: number; cwd?: string } = {},
    ) {
        const fd = fs.openSync(logFile, "a");
        try {
            this.child = spawn(cmd, args, { stdio: ["ignore", fd, fd], uid: opts.uid, gid: opts.gid, cwd: opts.cwd });
        } finally {
            fs.closeSync(fd);
        }
        this.exited = new Promise((resolve) => {
            this.child.once("exit", () => resolve());
            this.child.once("error", () => resolve());
        });
    }

    get running(): boolean {
        return this.child.pid !== undefined && this.child.exitCode === null && this.child.signalCode === null;
    }

    log(): string {
        return fs.existsSync(this.logFile) ? fs.readFileSync(this.logFile, "utf8") : "";
    }

    /** Polls `ready` until it holds; fails early, with the log, if the process exits first. */
    async waitUntil(what: string, ready: () => boolean, timeoutMs: number): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            if (!this.running)
                throw new Error(
                    `${this.name} exited (${this.child.exitCode ?? this.child.signalCode}) before ${what}:\n${tail(this.log())}`,
                );
            if (ready()) return;
            await sleep(200);
        }
        throw new Error(`${this.name}: no ${what} after ${timeoutMs / 1000}s:\n${tail(this.log())}`);
    }

    /** Stops this process by its id: `signal`, then SIGKILL if it is still there after `graceMs`. */
    async stop(signal: NodeJS.Signals = "SIGTERM", graceMs = 10_000): Promise<void> {
        if (!this.running) return;
        process.kill(this.child.pid!, signal);
        const timedOut = await Promise.race([this.exited.then(() => false), sleep(graceMs).then(() => true)]);
        if (timedOut && this.running) {
            process.kill(this.child.pid!, "SIGKILL");
            await Promise.race([this.exited, sleep(5_000)]);
        }
    }
}

export function tail(text: string, lines = 40): string {
    return text.trimEnd().split("\n").slice(-lines).join("\n");
}

export interface PostgresCluster {
    port: number;
    database: string;
    username: string;
    /** The server's certificate (self-signed), for clients that verify it. */
    certificateFile: string;
    proc: Proc;
}

/**
 * A PostgreSQL cluster in `dir`, as RDS is set up for the hosts: SSL on, only `hostssl` client
 * entries (a client without TLS is refused), password authentication (SCRAM), loopback TCP only,
 * no Unix socket. Run as `postgres` when we are root (PostgreSQL refuses root), else as ourselves.
 */
export async function startPostgres(
    dir: string,
    opts: {
        port: number;
        database: string;
        username: string;
        password: string;
        ssl: boolean;
        makeCertificate: (keyFile: string, certificateFile: string) => void;
    },
): Promise<PostgresCluster> {
    const bin = postgresBinDir();
    const owner = isRoot()
        ? {
              uid: Number(mustRun("id", ["-u", "postgres"]).trim()),
              gid: Number(mustRun("id", ["-g", "postgres"]).trim()),
          }
        : {};
    const data = path.join(dir, "data");
    const pwfile = path.join(dir, "pwfile");
    const key = path.join(dir, "server.key");
    const cert = path.join(dir, "server.crt");
    fs.mkdirSync(dir, { mode: 0o700 });
    fs.writeFileSync(pwfile, opts.password + "\n", { mode: 0o600 });
    opts.makeCertificate(key, cert);
    if (owner.uid !== undefined) {
        for (const p of [dir, pwfile, key, cert]) fs.chownSync(p, owner.uid, owner.gid!);
    }
    const asOwner = (program: string, args: string[], input = "") => {
        const r = spawnSync(path.join(bin, program), args, { input, encoding: "utf8", timeout: 60_000, ...owner });
        if (r.error || r.status !== 0)
            throw new Error(`${program} failed: ${r.error?.message ?? ""}\n${r.stdout}${r.stderr}`);
    };

    asOwner("initdb", [
        "-D",
        data,
        "-U",
        opts.username,
        `--pwfile=${pwfile}`,
        "--auth=scram-sha-256",
        "--encoding=UTF8",
        "--locale=C",
        "--no-sync",
    ]);
    fs.rmSync(pwfile);

    fs.appendFileSync(
        path.join(data, "postgresql.conf"),
        [
            "",
            "# citadel e2e: loopback TCP only, TLS required (like RDS with rds.force_ssl)",
            "listen_addresses = '127.0.0.1'",
            `port = ${opts.port}`,
            "unix_socket_directories = ''",
            `ssl = ${opts.ssl ? "on" : "off"}`,
            `ssl_cert_file = '${cert}'`,
            `ssl_key_file = '${key}'`,
            "ssl_min_protocol_version = 'TLSv1.2'",
            "fsync = off",
            "",
        ].join("\n"),
    );
    fs.writeFileSync(
        path.join(data, "pg_hba.conf"),
        "# TLS or nothing: no 'host' or 'local' entry.\nhostssl all all 127.0.0.1/32 scram-sha-256\n",
    );

    // Single-user mode needs no connection, so no password or socket: the database Orthanc indexes in.
    asOwner("postgres", ["--single", "-D", data, "postgres"], `CREATE DATABASE ${opts.database};\n`);

    const proc = new Proc("postgres", path.join(bin, "postgres"), ["-D", data], path.join(dir, "postgres.log"), owner);
    try {
        await proc.waitUntil(
            "connections accepted",
            () => run(path.join(bin, "pg_isready"), ["-h", "127.0.0.1", "-p", String(opts.port)]).code === 0,
            60_000,
        );
    } catch (e) {
        await proc.stop("SIGINT");
        throw e;
    }
    return { port: opts.port, database: opts.database, username: opts.username, certificateFile: cert, proc };
}
