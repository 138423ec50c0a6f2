import { strict as assert } from "assert";
import {
    connectionUri,
    connectionUriSuffix,
    credentialFiles,
    decodeUserData,
    encodeUserData,
    hostComposeParams,
    hostDatabaseEndpoint,
    hostFiles,
    hostLayout,
    hostNginxParams,
    hostOrthancParams,
    orthancConfig,
    renderArgs,
    hostCloudWatchAgentParams,
    renderCloudWatchAgentConfig,
    renderContainerUnits,
    renderHostctl,
    renderInstaller,
    renderNginxConf,
    renderOrthancJson,
    renderSystemdUnits,
    renderUserData,
    resolveArgs,
    SECRET_SETTING_FILES,
    selfSignedCertificateCommand,
    shQuote,
    subjectAltName,
    systemdWord,
    toYaml,
    uriComponent,
} from "../src";
import { expectGolden, loopbackNginxParams, SAMPLE, SAMPLE_OWN_CERTIFICATE } from "./fixtures";

const layout = hostLayout();

function hostctlParams(p = SAMPLE) {
    return {
        layout,
        region: p.region,
        database: hostDatabaseEndpoint(p),
        databaseSecretArn: p.database.secretArn,
        adminSecretArn: p.adminSecretArn,
        adminUsername: p.adminUsername,
        certificate: p.certificate,
        systemctlPath: "/usr/bin/systemctl",
        heartbeat: { namespace: "Citadel/OrthancHost", healthUrl: "https://127.0.0.1:443/healthz" },
    };
}

describe("OrthancHost rendered files (golden)", () => {
    it("cloud-init user data", () => expectGolden("user-data.yaml", renderUserData(SAMPLE)));
    it("nginx.conf", () => expectGolden("nginx.conf", renderNginxConf(hostNginxParams())));
    it("nginx.conf for a loopback machine", () =>
        expectGolden("nginx.loopback.conf", renderNginxConf(loopbackNginxParams("/tmp/orthanc-e2e"))));
    it("orthanc.json", () => expectGolden("orthanc.json", renderOrthancJson(hostOrthancParams(SAMPLE))));
    it("orthanc-hostctl (self-signed certificate)", () =>
        expectGolden("orthanc-hostctl.sh", renderHostctl(hostctlParams())));
    it("orthanc-hostctl (own certificate)", () =>
        expectGolden("orthanc-hostctl.own-certificate.sh", renderHostctl(hostctlParams(SAMPLE_OWN_CERTIFICATE))));
    it("orthanc-host-install", () =>
        expectGolden(
            "orthanc-host-install.sh",
            renderInstaller({ packages: SAMPLE.packages, cloudWatchAgentConfig: hostLayout().cloudWatchAgentConfig }),
        ));
    it("cloudwatch-agent.json", () =>
        expectGolden("cloudwatch-agent.json", renderCloudWatchAgentConfig(hostCloudWatchAgentParams())));
    it("systemd units", () => {
        for (const [unit, text] of Object.entries(
            renderSystemdUnits({
                hostctl: layout.hostctl,
                refreshMinutes: 15,
                startTimeoutMinutes: 15,
            }),
        ))
            expectGolden(unit, text);
        for (const [unit, text] of Object.entries(
            renderContainerUnits({
                docker: "/usr/bin/docker",
                environmentFile: "/etc/orthanc-host/.env",
                containers: hostComposeParams(SAMPLE),
            }),
        ))
            expectGolden(unit, text);
    });
});

describe("OrthancHost cloud-init", () => {
    it("writes every file of the host and runs only the installer", () => {
        const text = renderUserData(SAMPLE);
        assert.ok(text.startsWith("#cloud-config\n"));
        for (const f of hostFiles(SAMPLE)) assert.ok(text.includes(`  - path: ${f.path}\n`), f.path);
        assert.deepEqual(
            hostFiles(SAMPLE).map((f) => [f.path, f.permissions]),
            [
                ["/etc/orthanc-host/nginx/nginx.conf", "0644"],
                ["/etc/orthanc-host/orthanc/orthanc.json", "0644"],
                ["/usr/local/sbin/orthanc-hostctl", "0700"],
                ["/etc/orthanc-host/cloudwatch-agent.json", "0644"],
                ["/usr/local/sbin/orthanc-host-install", "0700"],
                ["/etc/systemd/system/orthanc-host-orthanc.service", "0644"],
                ["/etc/systemd/system/orthanc-host-nginx.service", "0644"],
                ["/etc/systemd/system/orthanc-host.service", "0644"],
                ["/etc/systemd/system/orthanc-host-refresh.service", "0644"],
                ["/etc/systemd/system/orthanc-host-refresh.timer", "0644"],
            ],
        );
        assert.ok(text.endsWith("runcmd:\n  - - /usr/local/sbin/orthanc-host-install\n"));
    });

    it("carries no secret value, only the secrets' ARNs", () => {
        const text = renderUserData(SAMPLE);
        assert.ok(!/password"?\s*[:=]\s*"[^"$%]/i.test(text), "a literal password in user data");
        assert.ok(text.includes(SAMPLE.database.secretArn));
        assert.ok(text.includes(SAMPLE.adminSecretArn));
    });

    it("fits EC2's 16 KiB user data limit once gzipped, and round-trips", () => {
        const text = renderUserData(SAMPLE);
        const encoded = encodeUserData(text);
        assert.equal(decodeUserData(encoded), text);
        assert.ok(Buffer.from(encoded, "base64").length < 16384 / 2, "user data close to EC2's limit");
        assert.equal(encodeUserData(text), encoded, "gzip output must be deterministic (no diff on every deployment)");
    });
});

describe("OrthancHost nginx.conf", () => {
    const conf = renderNginxConf(hostNginxParams());

    it("terminates TLS 1.2/1.3 only, on 443 (HTTP) and 11112 (stream), with the same certificate", () => {
        assert.equal(conf.match(/ssl_protocols TLSv1\.2 TLSv1\.3;/g)?.length, 2);
        assert.ok(!/TLSv1(\.1)?[ ;]/.test(conf), "TLS 1.0/1.1 enabled");
        assert.match(conf, /http \{[\s\S]*listen 443 ssl;[\s\S]*\n\}\n\nstream \{[\s\S]*listen 11112 ssl;/);
        assert.equal(conf.match(/ssl_certificate \/etc\/orthanc-host\/tls\/cert\.pem;/g)?.length, 2);
        assert.equal(conf.match(/ssl_certificate_key \/etc\/orthanc-host\/tls\/key\.pem;/g)?.length, 2);
    });

    it("proxies to Orthanc on loopback, with no upload size limit", () => {
        assert.match(conf, /location \/ \{\n\s+proxy_pass http:\/\/127\.0\.0\.1:8042;/);
        assert.match(conf, /stream \{[\s\S]*proxy_pass 127\.0\.0\.1:4242;/);
        assert.match(conf, /client_max_body_size 0;/);
        assert.match(conf, /proxy_set_header X-Forwarded-Proto https;/);
    });

    it("answers the health check from Orthanc's anonymous 401, never forwarding a client's credentials", () => {
        assert.match(
            conf,
            /location = \/healthz \{\n\s+access_log off;\n\s+proxy_pass http:\/\/127\.0\.0\.1:8042\/system;\n\s+proxy_set_header Authorization "";\n\s+proxy_intercept_errors on;\n\s+error_page 401 = @orthanc_alive;/,
        );
        assert.match(conf, /location @orthanc_alive \{[^}]*return 200/);
    });

    it("keeps query strings (patient names in DICOMweb queries) out of the access log", () => {
        assert.match(conf, /log_format orthanc .*\$uri /);
        assert.ok(!conf.includes("$request "), "$request logs the query string");
        assert.ok(!conf.includes("$args") && !conf.includes("$request_uri"));
    });

    it("loads modules, sets temp paths and drops the worker user only when asked", () => {
        assert.ok(!conf.includes("load_module") && !conf.includes("_temp_path"));
        assert.match(conf, /^user nginx;$/m);
        const local = renderNginxConf(loopbackNginxParams("/tmp/x"));
        assert.match(local, /^load_module \/usr\/lib\/nginx\/modules\/ngx_stream_module\.so;$/m);
        assert.match(local, /^ {4}proxy_temp_path \/tmp\/x\/proxy;$/m);
        assert.ok(!/^user /m.test(local));
        assert.match(
            local,
            /listen 18443 ssl;[\s\S]*proxy_pass http:\/\/127\.0\.0\.1:18042;[\s\S]*listen 21112 ssl;[\s\S]*proxy_pass 127\.0\.0\.1:14242;/,
        );
    });
});

describe("OrthancHost orthanc.json", () => {
    it("indexes in PostgreSQL without locking (the connection is a credential), stores in S3 through the instance role", () => {
        const c = orthancConfig(hostOrthancParams(SAMPLE)) as any;
        // Host, Port, Database and EnableSsl would be ignored next to the ConnectionUri: not written.
        assert.deepEqual(c.PostgreSQL, { EnableIndex: true, EnableStorage: false, Lock: false });
        assert.deepEqual(c.AwsS3Storage, {
            BucketName: SAMPLE.bucketName,
            Region: "eu-west-1",
            StorageStructure: "flat",
        });
        assert.equal(c.AuthenticationEnabled, true);
        assert.equal(c.HttpPort, 8042);
        assert.equal(c.DicomPort, 4242);
    });

    it("holds no credential of any kind", () => {
        const text = renderOrthancJson(hostOrthancParams(SAMPLE));
        for (const word of ["Password", "Username", "ConnectionUri", "RegisteredUsers", "AccessKey", "SecretKey"]) {
            assert.ok(!text.includes(word), `${word} in orthanc.json`);
        }
    });

    it("stores files on disk instead of S3 when asked (a loopback machine)", () => {
        const c = orthancConfig({
            ...hostOrthancParams(SAMPLE),
            storage: { kind: "file" },
            storageDirectory: "/tmp/o",
        }) as any;
        assert.equal(c.AwsS3Storage, undefined);
        assert.equal(c.StorageDirectory, "/tmp/o");
    });

    it("delivers credentials as JSON-valued secret files, or as one config file", () => {
        const creds = { databaseUsername: "citadel", databasePassword: "a b\\c%&='", users: { admin: 'p$w"d' } };
        const uri = `postgresql://citadel:a%20b%5Cc%25%26%3D%27@${SAMPLE.database.host}:5432/orthanc?sslmode=require`;
        assert.deepEqual(credentialFiles(creds, hostDatabaseEndpoint(SAMPLE), "docker-secrets"), {
            ORTHANC__POSTGRESQL__CONNECTION_URI: `"${uri}"\n`,
            ORTHANC__REGISTERED_USERS: '{"admin":"p$w\\"d"}\n',
        });
        const file = JSON.parse(
            credentialFiles(creds, hostDatabaseEndpoint(SAMPLE), "config-file")["credentials.json"],
        );
        assert.deepEqual(file, { PostgreSQL: { ConnectionUri: uri }, RegisteredUsers: { admin: 'p$w"d' } });
    });
});

describe("OrthancHost database connection URI", () => {
    const endpoint = { host: "db.example.org", port: 6543, database: "orthanc", ssl: true };

    it("percent-encodes what libpq's URI parser would split on or decode: user and password", () => {
        assert.equal(
            connectionUri(endpoint, "ci:tadel", " \\%:@/?#&=+'\"$!*()"),
            "postgresql://ci%3Atadel:%20%5C%25%3A%40%2F%3F%23%26%3D%2B%27%22%24%21%2A%28%29@db.example.org:6543/orthanc?sslmode=require",
        );
    });

    it("encodes every byte but RFC 3986's unreserved characters, UTF-8 included, and decodes back", () => {
        const printable = Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)).join("") + "é€";
        const encoded = uriComponent(printable);
        assert.match(encoded, /^(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})+$/);
        assert.equal(decodeURIComponent(encoded), printable);
        assert.equal(uriComponent("AZaz09-._~"), "AZaz09-._~");
        assert.equal(uriComponent("é"), "%C3%A9");
    });

    it("carries the endpoint the plugin would otherwise take from Host, Port, Database and EnableSsl", () => {
        assert.equal(connectionUriSuffix(endpoint), "@db.example.org:6543/orthanc?sslmode=require");
        assert.equal(
            connectionUriSuffix({ ...endpoint, ssl: false, host: "::1", database: "a b" }),
            "@[::1]:6543/a%20b?sslmode=disable",
        );
    });
});

describe("OrthancHost container units (docker run, no Compose)", () => {
    const units = renderContainerUnits({
        docker: "/usr/bin/docker",
        environmentFile: "/etc/orthanc-host/.env",
        containers: hostComposeParams(SAMPLE),
    });
    const orthanc = units["orthanc-host-orthanc.service"];
    const nginx = units["orthanc-host-nginx.service"];
    const execStart = (u: string) => /^ExecStart=(.*)$/m.exec(u)![1];

    it("runs pinned orthancteam/orthanc and nginx images with the engine alone, restarted by systemd", () => {
        assert.match(
            execStart(orthanc),
            /^\/usr\/bin\/docker run --rm --name orthanc .* orthancteam\/orthanc:\d+\.\d+\.\d+$/,
        );
        assert.match(execStart(nginx), /^\/usr\/bin\/docker run --rm --name nginx .* nginx:\d+\.\d+\.\d+(-alpine)?$/);
        for (const u of [orthanc, nginx]) {
            assert.match(u, /^Restart=always$/m);
            assert.match(u, /^Requires=docker\.service$/m);
            assert.match(u, /^PartOf=orthanc-host\.service$/m);
            assert.ok(!/compose/.test(u));
        }
        assert.match(nginx, /^After=docker\.service network-online\.target orthanc-host-orthanc\.service$/m);
    });

    it("publishes Orthanc on loopback only and puts nginx on the host network", () => {
        assert.match(execStart(orthanc), / -p 127\.0\.0\.1:8042:8042 -p 127\.0\.0\.1:4242:4242 /);
        assert.match(execStart(nginx), / --network host /);
        assert.ok(!/ -p /.test(execStart(nginx)));
    });

    it("hands credentials over as read-only files under /run/secrets, never as environment variables", () => {
        for (const name of Object.values(SECRET_SETTING_FILES)) {
            assert.ok(
                execStart(orthanc).includes(` -v /etc/orthanc-host/secrets/${name}:/run/secrets/${name}:ro `),
                name,
            );
        }
        for (const u of [orthanc, nginx]) assert.ok(!/ (-e|--env|--env-file) /.test(execStart(u)));
        assert.match(orthanc, /^EnvironmentFile=\/etc\/orthanc-host\/\.env$/m);
    });

    it("mounts config read-only and the TLS directory at the path nginx.conf names", () => {
        assert.ok(
            execStart(orthanc).includes(" -v /etc/orthanc-host/orthanc/orthanc.json:/etc/orthanc/orthanc.json:ro "),
        );
        assert.ok(execStart(nginx).includes(" -v /etc/orthanc-host/tls:/etc/orthanc-host/tls:ro "));
    });

    it("ships container logs to the host's log group without ever blocking Orthanc", () => {
        for (const [svc, u] of [
            ["orthanc", orthanc],
            ["nginx", nginx],
        ]) {
            const line = execStart(u);
            assert.ok(line.includes(" --log-driver awslogs "), svc);
            assert.ok(line.includes(` --log-opt awslogs-group=${SAMPLE.logGroupName} `), svc);
            assert.ok(line.includes(" --log-opt awslogs-region=eu-west-1 "), svc);
            assert.ok(line.includes(" --log-opt mode=non-blocking "), svc);
            assert.ok(line.includes(` --log-opt awslogs-stream=\${HOST_ID}/${svc} `), svc);
        }
    });

    it("escapes words as systemd reads them", () => {
        assert.equal(systemdWord("a%b$c"), "a%%b$$c");
        assert.equal(systemdWord('a b"c'), '"a b\\"c"');
    });
});

describe("OrthancHost scripts and units", () => {
    const hostctl = renderHostctl(hostctlParams());

    it("installs Docker, jq and the CloudWatch agent from the distribution only, then enables the units", () => {
        const installer = renderInstaller({
            packages: SAMPLE.packages,
            cloudWatchAgentConfig: hostLayout().cloudWatchAgentConfig,
        });
        assert.match(installer, /^dnf install -y docker jq amazon-cloudwatch-agent$/m);
        // The agent is configured from the rendered file and started before Orthanc's images are pulled
        // (its alarms see data while the host boots), and a fault in it cannot stop the installer
        // under `set -e`: it sits in an `if`, with the unit's start behind `||`.
        const lines = installer.split("\n");
        const orthanc = lines.findIndex((l) => l.includes("orthanc-host.service"));
        const fetch = lines.findIndex(
            (l) => l === 'if "$CWAGENT_CTL" -a fetch-config -m ec2 -c "file:${CWAGENT_CONFIG}"; then',
        );
        assert.ok(fetch > 0 && orthanc > fetch, installer);
        assert.match(installer, /^readonly CWAGENT_CONFIG=\/etc\/orthanc-host\/cloudwatch-agent\.json$/m);
        assert.match(lines[fetch + 1], /^ {4}systemctl enable --now amazon-cloudwatch-agent\.service \|\| echo /);
        // No `-s`: the control script would restart through `service`, which the boot does not rely on.
        assert.ok(!/-a fetch-config[^\n]* -s\b/.test(installer));
        assert.ok(!/curl|wget|https?:\/\//.test(installer), "the installer downloads something");
        assert.ok(!/compose/.test(installer), "the boot needs nothing but the engine");
        assert.match(installer, /systemctl enable --now orthanc-host\.service orthanc-host-refresh\.timer/);
    });

    it("fetches credentials into root-only files through stdin, never argv or the environment", () => {
        assert.match(hostctl, /^set -euo pipefail\numask 077$/m);
        assert.match(hostctl, /install -d -m 0700 "\$SECRETS_DIR"/);
        for (const name of Object.values(SECRET_SETTING_FILES)) {
            assert.match(hostctl, new RegExp(`put_file 0600 "\\$SECRETS_DIR/${name}" <<<`));
        }
        assert.deepEqual(Object.values(SECRET_SETTING_FILES), [
            "ORTHANC__POSTGRESQL__CONNECTION_URI",
            "ORTHANC__REGISTERED_USERS",
        ]);
        assert.match(
            hostctl,
            /^readonly DATABASE_URI_SUFFIX='@citadel-dev-orthanc-db\.abcdefghijkl\.eu-west-1\.rds\.amazonaws\.com:5432\/orthanc\?sslmode=require'$/m,
        );
        assert.match(hostctl, /uri=\$\(database_uri <<<"\$db"\)/);
        assert.ok(!/\bexport\b/.test(hostctl), "the script exports variables");
        assert.ok(!/--secret-string "\$/.test(hostctl), "a secret passed on a command line");
        assert.match(hostctl, /--secret-string "file:\/\/\$\{file\}"/);
        assert.match(hostctl, /--client-request-token "\$ADMIN_INIT_TOKEN"/);
    });

    it("makes the self-signed certificate with the exported openssl command", () => {
        const cmd = renderArgs(
            selfSignedCertificateCommand({
                keyFile: { shellVar: "KEY_FILE" },
                certificateFile: { shellVar: "CERT_FILE" },
                commonName: { shellVar: "cert_cn" },
                subjectAltName: { shellVar: "cert_san" },
                days: { shellVar: "CERT_DAYS" },
            }),
        );
        assert.ok(hostctl.includes(`    ${cmd}\n`));
        assert.match(
            cmd,
            /-subj "\/CN=\$\{cert_cn\}" -addext "subjectAltName=\$\{cert_san\}" -addext extendedKeyUsage=serverAuth/,
        );
        assert.match(hostctl, /^readonly SITE_NAME=pacs\.example\.org$/m);
        assert.match(
            hostctl,
            /^readonly -a EXTRA_NAMES=\(orthanc-nlb-0123456789abcdef\.elb\.eu-west-1\.amazonaws\.com\)$/m,
        );
        assert.match(hostctl, /^readonly CERTIFICATE_SECRET_ARN=''$/m);
    });

    it("installs the user's certificate from its secret, checking the key belongs to it", () => {
        const own = renderHostctl(hostctlParams(SAMPLE_OWN_CERTIFICATE));
        assert.match(
            own,
            /^readonly CERTIFICATE_SECRET_ARN=arn:aws:secretsmanager:eu-west-1:123456789012:secret:pacs-certificate-AbC123$/m,
        );
        assert.match(own, /^readonly SITE_NAME=''$/m);
        assert.match(own, /openssl x509 -noout -pubkey/);
        assert.match(own, /openssl pkey -pubout/);
    });

    it("starts the stack on every boot and re-reads rotated credentials on a timer", () => {
        const units = renderSystemdUnits({ hostctl: layout.hostctl, refreshMinutes: 15, startTimeoutMinutes: 15 });
        assert.match(units["orthanc-host.service"], /ExecStart=\/usr\/local\/sbin\/orthanc-hostctl start/);
        assert.match(units["orthanc-host.service"], /Requires=docker\.service/);
        assert.match(units["orthanc-host.service"], /WantedBy=multi-user\.target/);
        assert.match(units["orthanc-host-refresh.service"], /ExecStart=\/usr\/local\/sbin\/orthanc-hostctl refresh/);
        assert.match(units["orthanc-host-refresh.timer"], /OnUnitActiveSec=15min/);
        assert.match(hostctl, /cmd_refresh\(\) \{[\s\S]*if \(\(changed\)\); then[\s\S]*containers restart/);
    });
});

describe("OrthancHost render helpers", () => {
    it("openssl command resolves to argv with literal values (what a test machine runs)", () => {
        const argv = resolveArgs(
            selfSignedCertificateCommand({
                keyFile: "/t/key.pem",
                certificateFile: "/t/cert.pem",
                commonName: "localhost",
                subjectAltName: subjectAltName(["localhost", "", "localhost", "127.0.0.1.nip.io"]),
                days: 30,
            }),
        );
        assert.deepEqual(argv, [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:3072",
            "-sha256",
            "-nodes",
            "-days",
            "30",
            "-keyout",
            "/t/key.pem",
            "-out",
            "/t/cert.pem",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,DNS:127.0.0.1.nip.io",
            "-addext",
            "extendedKeyUsage=serverAuth",
        ]);
        assert.throws(() => resolveArgs([{ shellVar: "X" }]), /no value for the shell variable X/);
    });

    it("quotes shell values so nothing in them expands", () => {
        assert.equal(shQuote("arn:aws:s3:::b"), "arn:aws:s3:::b");
        assert.equal(shQuote("a b$c"), "'a b$c'");
        assert.equal(shQuote("it's"), "'it'\\''s'");
        assert.equal(renderArgs([{ shellVar: "V", prefix: 'a"$' }]), '"a\\"\\$${V}"');
    });

    it("writes YAML that cannot be misread: quoted ambiguous scalars, exact literal blocks", () => {
        assert.equal(
            toYaml({ a: "yes", b: "0644", c: "x:y", d: "/etc/x", e: 5, f: true, g: [], h: {} }),
            'a: "yes"\nb: "0644"\nc: "x:y"\nd: /etc/x\ne: 5\nf: true\ng: []\nh: {}\n',
        );
        assert.equal(toYaml({ t: "one\ntwo\n" }), "t: |\n  one\n  two\n");
        assert.equal(toYaml({ t: "no newline\nat end" }), "t: |-\n  no newline\n  at end\n");
        assert.equal(toYaml({ t: "two newlines\n\n" }), "t: |+\n  two newlines\n\n");
        assert.equal(toYaml({ t: "  indented\nx\n" }), "t: |2\n    indented\n  x\n");
        assert.equal(toYaml({ l: [{ a: 1, b: [2] }, "s"] }), "l:\n  - a: 1\n    b:\n      - 2\n  - s\n");
        assert.equal(toYaml({ "needs quotes": 1 }, ["#c"]), '#c\n"needs quotes": 1\n');
    });

    it("renders without trailing whitespace or tabs, which YAML blocks and diffs mangle", () => {
        for (const f of hostFiles(SAMPLE)) {
            assert.ok(!/[ \t]$/m.test(f.content), `${f.path} has trailing whitespace`);
            assert.ok(!f.content.includes("\t"), `${f.path} has a tab`);
            assert.ok(f.content.endsWith("\n") && !f.content.endsWith("\n\n"), `${f.path} must end with one newline`);
        }
    });
});

// The agent's file is JSON the agent's translator reads; it lists what the alarms name.
// https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
describe("OrthancHost CloudWatch agent configuration", () => {
    const text = renderCloudWatchAgentConfig(hostCloudWatchAgentParams());
    const config = JSON.parse(text);

    it("publishes root-volume and memory use with the instance id to the hosts' namespace, every minute, as cwagent", () => {
        assert.equal(config.metrics.namespace, "Citadel/OrthancHost");
        assert.deepEqual(config.metrics.append_dimensions, { InstanceId: "${aws:InstanceId}" });
        assert.deepEqual(config.metrics.metrics_collected.disk, {
            measurement: ["used_percent"],
            resources: ["/"],
            drop_device: true,
        });
        assert.deepEqual(config.metrics.metrics_collected.mem, { measurement: ["used_percent"] });
        assert.deepEqual(config.metrics.aggregation_dimensions, [["InstanceId", "path"]]);
        assert.equal(config.agent.metrics_collection_interval, 60);
        assert.equal(config.agent.run_as_user, "cwagent");
        assert.equal(config.logs, undefined, "the agent ships no log, so it needs no log group or logs permission");
    });

    it("is the file the host gets, next to Orthanc's, and the installer's argument", () => {
        const files = hostFiles(SAMPLE);
        const file = files.find((f) => f.path === layout.cloudWatchAgentConfig)!;
        assert.equal(file.content, text);
        assert.equal(file.permissions, "0644");
        const installer = files.find((f) => f.path === layout.installer)!.content;
        assert.ok(installer.includes(`readonly CWAGENT_CONFIG=${layout.cloudWatchAgentConfig}`));
    });

    it("escapes line separators through the JSON emitter and refuses a bad interval or path", () => {
        const odd = renderCloudWatchAgentConfig({ namespace: "A\u2028B\u0085", diskPaths: ["/"], intervalSeconds: 60 });
        assert.ok(odd.includes("A\\u2028B\\u0085"), odd);
        assert.ok(!/[\u2028\u0085]/.test(odd));
        assert.equal(JSON.parse(odd).metrics.namespace, "A\u2028B\u0085");
        assert.throws(
            () => renderCloudWatchAgentConfig({ namespace: "N", diskPaths: ["/"], intervalSeconds: 30 }),
            /intervalSeconds 30/,
        );
        assert.throws(
            () => renderCloudWatchAgentConfig({ namespace: "N", diskPaths: ["data"], intervalSeconds: 60 }),
            /diskPaths/,
        );
        assert.throws(
            () => renderCloudWatchAgentConfig({ namespace: "N", diskPaths: [], intervalSeconds: 60 }),
            /diskPaths/,
        );
    });
});
