import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import {
    AL2023_NGINX_LAYOUT,
    appDir,
    appLogFile,
    CLOUDWATCH_AGENT_CONFIG,
    codeDeployInstallerUrl,
    envFile,
    HOOKS,
    hostPackages,
    NGINX_HEALTH_PATH,
    renderAppspec,
    renderHookScripts,
    renderNginxConf,
    renderUnit,
    renderUserData,
    unitName,
} from "../src";
import { RESOLVED, USER_DATA } from "./fixtures";

const GOLDEN = path.join(__dirname, "golden");
/** Compares with the committed file; UPDATE_GOLDEN=1 rewrites it (then review the diff). */
function golden(file: string, text: string): void {
    const p = path.join(GOLDEN, file);
    if (process.env.UPDATE_GOLDEN) {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, text);
    }
    assert.equal(text, fs.readFileSync(p, "utf8"), `${file} differs from the golden file`);
}

const NGINX = {
    apps: RESOLVED.apps,
    trustedProxyCidrs: ["10.20.0.0/16"],
    loadBalancerIdleTimeoutSeconds: 60,
    layout: AL2023_NGINX_LAYOUT,
};

/** The directives of one `server { ... }` block, by the port it listens on. */
function serverBlock(conf: string, port: number): string {
    const start = conf.indexOf(`listen ${port};`);
    assert.ok(start > 0, `no server on ${port}`);
    return conf.slice(conf.lastIndexOf("server {", start), conf.indexOf("\n    }\n", start));
}

describe("Nginx configuration", () => {
    const conf = renderNginxConf(NGINX);

    it("is the committed file (the one test:tools runs nginx -t on)", () => golden("nginx.conf", conf));

    it("gives each app its own server on its proxy port, proxying to the app on loopback", () => {
        for (const app of RESOLVED.apps) {
            const upstream = `app_${app.name}`;
            assert.match(conf, new RegExp(`upstream ${upstream} \\{\\n\\s+server 127\\.0\\.0\\.1:${app.port};`));
            assert.match(serverBlock(conf, app.proxyPort), new RegExp(`proxy_pass http://${upstream};`));
        }
        assert.equal(
            (conf.match(/^\s+listen /gm) ?? []).length,
            RESOLVED.apps.length,
            "one server per app, nothing else listens",
        );
    });

    it("takes the client's address from X-Forwarded-For, trusting the VPC only", () => {
        assert.match(
            conf,
            /set_real_ip_from 10\.20\.0\.0\/16;\n\s+real_ip_header X-Forwarded-For;\n\s+real_ip_recursive on;/,
        );
        assert.doesNotMatch(conf, /set_real_ip_from 0\.0\.0\.0\/0/);
        assert.match(conf, /log_format main '\$remote_addr/);
        assert.match(conf, /proxy_set_header X-Real-IP \$remote_addr;/);
        assert.throws(
            () => renderNginxConf({ ...NGINX, trustedProxyCidrs: ["10.0.0.0/8;\ninclude /etc/passwd"] }),
            /not an IPv4 CIDR/,
        );
    });

    it("limits body sizes per app, bounds every timeout, and outlives the load balancer's idle timeout", () => {
        assert.match(serverBlock(conf, 8080), /client_max_body_size 20m;/);
        assert.match(serverBlock(conf, 8081), /client_max_body_size 10m;/);
        for (const d of [
            "client_header_timeout",
            "client_body_timeout",
            "send_timeout",
            "proxy_connect_timeout",
            "proxy_read_timeout",
        ]) {
            assert.match(conf, new RegExp(`${d} \\d+s;`), d);
        }
        // The target's keep-alive must exceed the ALB's idle timeout, or the ALB may reuse a connection
        // the target is closing and answer 502.
        // https://docs.aws.amazon.com/elasticloadbalancing/latest/application/edit-load-balancer-attributes.html#connection-idle-timeout
        const keepalive = Number(/keepalive_timeout (\d+)s;/.exec(conf)![1]);
        assert.ok(keepalive > 60, `keepalive_timeout ${keepalive} s`);
        const longer = renderNginxConf({ ...NGINX, loadBalancerIdleTimeoutSeconds: 300 });
        assert.ok(Number(/keepalive_timeout (\d+)s;/.exec(longer)![1]) > 300);
        assert.match(conf, /server_tokens off;/);
        assert.match(conf, /large_client_header_buffers 4 16k;/);
    });

    it("answers its own health path on every app's port without proxying or logging", () => {
        for (const app of RESOLVED.apps) {
            assert.match(
                serverBlock(conf, app.proxyPort),
                new RegExp(
                    `location = ${NGINX_HEALTH_PATH} \\{\\n\\s+access_log off;\\n\\s+default_type text/plain;\\n\\s+return 200`,
                ),
            );
        }
    });
});

describe("CodeDeploy revision files", () => {
    const api = RESOLVED.apps[0];

    it("appspec.yml installs into the app's directory and runs every hook as root with a timeout", () => {
        const text = renderAppspec(api);
        golden("api/appspec.yml", text);
        const spec = parse(text);
        // version is the string-like 0.0 CodeDeploy requires for EC2/on-premises deployments.
        // https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-version.html
        assert.match(text, /^version: 0\.0$/m);
        assert.equal(spec.os, "linux");
        assert.deepEqual(spec.files, [{ source: "/", destination: appDir("api") }]);
        assert.deepEqual(
            Object.keys(spec.hooks),
            HOOKS.map((h) => h.event),
        );
        for (const h of HOOKS) {
            assert.deepEqual(spec.hooks[h.event], [
                { location: `deploy/${h.script}`, timeout: h.timeout, runas: "root" },
            ]);
            // A hook's timeout is at most 3600 s.
            // https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html
            assert.ok(h.timeout <= 3600);
        }
        assert.ok(
            !("BlockTraffic" in spec.hooks) && !("AllowTraffic" in spec.hooks),
            "traffic events are CodeDeploy's own",
        );
    });

    it("hook scripts are committed files (shellchecked in test:tools), strict, and environment-free", () => {
        const scripts = renderHookScripts(api);
        assert.deepEqual(Object.keys(scripts).sort(), HOOKS.map((h) => h.script).sort());
        for (const [file, text] of Object.entries(scripts)) {
            golden(`api/deploy/${file}`, text);
            assert.match(text, /^#!\/bin\/bash\n/);
            assert.match(text, /\nset -euo pipefail\n/);
            assert.doesNotMatch(text, /drsignet|eu-central-1|123456789012/, `${file} must not carry an environment`);
        }
    });

    it("AfterInstall writes the .env from the app's own Parameter Store namespace, decrypted, readable by the app only", () => {
        const s = renderHookScripts(api)["after-install.sh"];
        assert.match(s, /path="\$\{PARAMETER_NAMESPACE\}\/api\/"/);
        assert.match(s, /aws ssm get-parameters-by-path .*--path "\$path" --recursive --with-decryption/);
        assert.match(s, /chown root:app-api "\$tmp"\nchmod 0640 "\$tmp"\nmv -f "\$tmp" "\$target"/);
        assert.ok(s.includes(`target=${envFile("api")}`));
    });

    it("ValidateService checks the app's health path through Nginx and fails the deployment otherwise", () => {
        const s = renderHookScripts(api)["validate-service.sh"];
        assert.match(s, /url=http:\/\/127\.0\.0\.1:8080\/api\/health/);
        assert.match(s, /\nexit 1\n$/);
    });
});

describe("Instance user data", () => {
    const text = renderUserData(USER_DATA);
    const doc = parse(text);

    it("is a cloud-config (committed; cloud-init schema-checked in test:tools)", () => {
        assert.match(text, /^#cloud-config\n/);
        golden("user-data.yaml", text);
    });

    it("installs only packages from Amazon Linux 2023's repositories, and the CodeDeploy agent from the region's bucket", () => {
        assert.deepEqual(doc.packages, hostPackages("nodejs20"));
        // https://docs.aws.amazon.com/codedeploy/latest/userguide/codedeploy-agent-operations-install-linux.html
        assert.equal(
            codeDeployInstallerUrl("eu-central-1", "amazonaws.com"),
            "https://aws-codedeploy-eu-central-1.s3.eu-central-1.amazonaws.com/latest/install",
        );
        assert.ok(doc.runcmd.some((c: string) => c.includes(codeDeployInstallerUrl("eu-central-1", "amazonaws.com"))));
        assert.ok(doc.runcmd.includes("systemctl enable --now codedeploy-agent"));
    });

    it("writes Nginx's file after the packages, and one unit per app, enabled but not started before a deployment", () => {
        const nginx = doc.write_files.find((f: any) => f.path === "/etc/nginx/nginx.conf");
        assert.equal(nginx.defer, true);
        assert.equal(nginx.content, renderNginxConf({ ...NGINX, trustedProxyCidrs: ["10.20.0.0/16"] }));
        for (const app of RESOLVED.apps) {
            const unit = doc.write_files.find((f: any) => f.path === `/etc/systemd/system/${unitName(app.name)}`);
            assert.equal(unit.content, renderUnit(app));
            assert.ok(doc.runcmd.includes(`systemctl enable ${unitName(app.name)}`));
            assert.ok(!doc.runcmd.some((c: string) => c.includes(`start ${unitName(app.name)}`)));
        }
        assert.deepEqual(
            doc.users.map((u: any) => [u.name, u.system, u.shell]),
            [
                ["app-api", true, "/sbin/nologin"],
                ["app-web", true, "/sbin/nologin"],
            ],
        );
        assert.equal(text.includes("ssh_authorized_keys"), false);
    });

    it("ships each app's output to its own log group with the CloudWatch agent, and rotates the files", () => {
        const agent = doc.write_files.find((f: any) => f.path === CLOUDWATCH_AGENT_CONFIG);
        assert.equal(agent.defer, true, "written after the agent's package");
        assert.deepEqual(
            JSON.parse(agent.content).logs.logs_collected.files.collect_list.map((c: any) => [
                c.file_path,
                c.log_group_name,
            ]),
            [
                [appLogFile("api"), "tier-api-logs-1a2b3c4"],
                [appLogFile("web"), "tier-web-logs-5d6e7f8"],
            ],
        );
        assert.ok(
            doc.runcmd.includes(
                `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_CONFIG}`,
            ),
        );
        assert.ok(renderUnit(RESOLVED.apps[0]).includes(`StandardOutput=append:${appLogFile("api")}`));
        assert.match(
            doc.write_files.find((f: any) => f.path === "/etc/logrotate.d/citadel-apps").content,
            /copytruncate/,
        );
        assert.throws(
            () => renderUserData({ ...USER_DATA, logGroups: { api: "x y" } }),
            /logGroups\.api "x y" has characters not allowed/,
        );
    });

    it("runs each app unprivileged, on loopback, restarted when it dies, with its .env", () => {
        const unit = renderUnit(RESOLVED.apps[0]);
        for (const line of [
            "User=app-api",
            "Environment=PORT=3000",
            "Environment=HOST=127.0.0.1",
            "Restart=always",
            `EnvironmentFile=${envFile("api")}`,
            "NoNewPrivileges=true",
            "ProtectSystem=strict",
            "ExecStart=/usr/bin/env node server.js",
        ]) {
            assert.ok(unit.split("\n").includes(line), line);
        }
    });

    it("refuses values that would break out of a shell word", () => {
        assert.throws(
            () => renderUserData({ ...USER_DATA, parameterNamespace: "/a b" }),
            /parameterNamespace "\/a b" has characters not allowed/,
        );
    });
});
