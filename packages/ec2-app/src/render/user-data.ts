import { stringify } from "yaml";
import { ResolvedApp } from "../args";
import { appDir, appUser, DEPLOY_ENV_FILE, ENV_DIR, envFile, unitName } from "./deploy";
import { AL2023_NGINX_LAYOUT, renderNginxConf } from "./nginx";

/**
 * What the boot installs from Amazon Linux 2023's repositories: the boot relies on nothing else of
 * the AMI but the AWS CLI v2, curl and systemd, which every AL2023 AMI has. `ruby` is the CodeDeploy
 * agent's runtime; `jq` turns Parameter Store's answer into the `.env`; the CloudWatch agent ships the
 * apps' logs; logrotate bounds their files.
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/codedeploy-agent-operations-install-linux.html
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Agent-commandline-fileshare.html
 */
export function hostPackages(nodePackage: string): string[] {
    return ["nginx", nodePackage, "ruby", "jq", "amazon-cloudwatch-agent", "logrotate"];
}

/** Where each app's stdout and stderr go on the instance (and from there to its log group). */
export const APP_LOG_DIR = "/var/log/citadel";
export function appLogFile(app: string): string {
    return `${APP_LOG_DIR}/${app}.log`;
}
/** The CloudWatch agent's configuration file the boot writes. */
export const CLOUDWATCH_AGENT_CONFIG = "/opt/aws/amazon-cloudwatch-agent/etc/citadel.json";

/**
 * The namespace of the hosts' own metrics (the agent's `disk_used_percent` of the root volume,
 * aggregated per Auto Scaling group); the instance role may put metrics in this namespace only.
 */
export const HOST_METRICS_NAMESPACE = "Citadel/Ec2App";

/**
 * The CloudWatch agent's configuration: root-volume `disk_used_percent` every minute, aggregated
 * by Auto Scaling group and path (the per-group alarm's dimensions), and each app's log file to its own log group (created by the
 * component, with retention and the key), one stream per instance. The write-up's Node.js logs
 * "stopped unexpectedly" with pm2 on the host; here they leave the host as they are written.
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch-Agent-Configuration-File-Details.html
 */
export function renderCloudWatchAgentConfig(logGroups: Record<string, string>): string {
    return (
        JSON.stringify(
            {
                agent: { run_as_user: "root" },
                metrics: {
                    namespace: HOST_METRICS_NAMESPACE,
                    append_dimensions: { AutoScalingGroupName: "${aws:AutoScalingGroupName}" },
                    aggregation_dimensions: [["AutoScalingGroupName", "path"]],
                    metrics_collected: {
                        disk: {
                            measurement: ["used_percent"],
                            resources: ["/"],
                            metrics_collection_interval: 60,
                            drop_device: true,
                        },
                    },
                },
                logs: {
                    logs_collected: {
                        files: {
                            collect_list: Object.entries(logGroups).map(([app, group]) => ({
                                file_path: appLogFile(app),
                                log_group_name: group,
                                log_stream_name: "{instance_id}",
                                timezone: "UTC",
                            })),
                        },
                    },
                },
            },
            null,
            2,
        ) + "\n"
    );
}

/** Daily rotation of the apps' files (the agent has shipped them by then), a week kept on the host. */
export const LOGROTATE_CONFIG = [
    `${APP_LOG_DIR}/*.log {`,
    "    daily",
    "    rotate 7",
    "    compress",
    "    missingok",
    "    notifempty",
    "    copytruncate",
    "}",
    "",
].join("\n");

export interface UserDataParams {
    /** The region: the CloudWatch agent's and the CodeDeploy agent's endpoint region. */
    region: string;
    /** The partition's DNS suffix (`amazonaws.com`, `amazonaws.com.cn`). */
    dnsSuffix: string;
    /** The VPC's IPv4 block: Nginx trusts `X-Forwarded-For` only from it (the load balancer's nodes). */
    vpcCidr: string;
    /** The Parameter Store path the apps' `.env` files are rendered from, `<parameterNamespace>/<app>/`. */
    parameterNamespace: string;
    /** The Amazon Linux 2023 package of the Node.js version the apps run on, e.g. `nodejs20`. */
    nodePackage: string;
    /** The load balancer's idle timeout; Nginx keeps connections open longer. */
    loadBalancerIdleTimeoutSeconds: number;
    /** The apps: name, ports, body size (MiB), read timeout (seconds) and start command. */
    apps: Pick<ResolvedApp, "name" | "port" | "proxyPort" | "maxBodySizeMiB" | "readTimeoutSeconds" | "startCommand">[];
    /** Each app's CloudWatch log group name. */
    logGroups: Record<string, string>;
}

/** The CodeDeploy agent's installer, from the region's own bucket. */
export function codeDeployInstallerUrl(region: string, dnsSuffix: string): string {
    return `https://aws-codedeploy-${region}.s3.${region}.${dnsSuffix}/latest/install`;
}

/**
 * A systemd unit per app: an unprivileged user, the environment from the deploy hook's file, the
 * port on loopback only, restarted when it dies, and a file system it cannot write outside /tmp.
 */
export function renderUnit(app: UserDataParams["apps"][number]): string {
    return [
        "[Unit]",
        `Description=Citadel application ${app.name}`,
        "After=network-online.target",
        "Wants=network-online.target",
        "",
        "[Service]",
        "Type=simple",
        `User=${appUser(app.name)}`,
        `Group=${appUser(app.name)}`,
        `WorkingDirectory=${appDir(app.name)}`,
        `EnvironmentFile=${envFile(app.name)}`,
        "Environment=NODE_ENV=production",
        `Environment=PORT=${app.port}`,
        "Environment=HOST=127.0.0.1",
        `ExecStart=/usr/bin/env ${app.startCommand}`,
        "Restart=always",
        "RestartSec=5",
        "NoNewPrivileges=true",
        "ProtectSystem=strict",
        "ProtectHome=true",
        "PrivateTmp=true",
        "PrivateDevices=true",
        "ProtectKernelTunables=true",
        "ProtectControlGroups=true",
        "RestrictSUIDSGID=true",
        // Opened by systemd (as root) before it drops to the app's user; the agent ships the file.
        `StandardOutput=append:${appLogFile(app.name)}`,
        "StandardError=inherit",
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
    ].join("\n");
}

const SAFE = /^[A-Za-z0-9_./:-]+$/;

/**
 * The instances' cloud-config: packages, one system user and unit per app, Nginx's configuration,
 * the settings the deploy hooks read, and the CodeDeploy agent. No SSH key, no password: Session
 * Manager's agent (in every AL2023 AMI) is the way in.
 */
export function renderUserData(p: UserDataParams): string {
    for (const [k, v] of Object.entries({
        region: p.region,
        dnsSuffix: p.dnsSuffix,
        parameterNamespace: p.parameterNamespace,
        ...Object.fromEntries(Object.entries(p.logGroups).map(([app, g]) => [`logGroups.${app}`, g])),
    })) {
        if (!SAFE.test(v))
            throw new Error(`user data: ${k} ${JSON.stringify(v)} has characters not allowed in a shell word`);
    }
    const nginx = renderNginxConf({
        apps: p.apps,
        trustedProxyCidrs: [p.vpcCidr],
        loadBalancerIdleTimeoutSeconds: p.loadBalancerIdleTimeoutSeconds,
        layout: AL2023_NGINX_LAYOUT,
    });
    const doc = {
        packages: hostPackages(p.nodePackage),
        users: p.apps.map((a) => ({
            name: appUser(a.name),
            system: true,
            shell: "/sbin/nologin",
            lock_passwd: true,
            no_create_home: true,
        })),
        write_files: [
            {
                path: DEPLOY_ENV_FILE,
                owner: "root:root",
                permissions: "0644",
                content: `AWS_REGION=${p.region}\nPARAMETER_NAMESPACE=${p.parameterNamespace}\n`,
            },
            // After the packages: the nginx package would otherwise keep its own file.
            { path: "/etc/nginx/nginx.conf", owner: "root:root", permissions: "0644", content: nginx, defer: true },
            ...p.apps.map((a) => ({
                path: `/etc/systemd/system/${unitName(a.name)}`,
                owner: "root:root",
                permissions: "0644",
                content: renderUnit(a),
            })),
            {
                path: CLOUDWATCH_AGENT_CONFIG,
                owner: "root:root",
                permissions: "0644",
                content: renderCloudWatchAgentConfig(p.logGroups),
                defer: true,
            },
            {
                path: "/etc/logrotate.d/citadel-apps",
                owner: "root:root",
                permissions: "0644",
                content: LOGROTATE_CONFIG,
                defer: true,
            },
        ],
        runcmd: [
            `install -d -m 0750 ${ENV_DIR}`,
            `install -d -m 0755 ${APP_LOG_DIR}`,
            ...p.apps.flatMap((a) => [
                `install -d -o root -g ${appUser(a.name)} -m 0750 ${appDir(a.name)}`,
                `install -o root -g ${appUser(a.name)} -m 0640 /dev/null ${envFile(a.name)}`,
            ]),
            `amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:${CLOUDWATCH_AGENT_CONFIG}`,
            "nginx -t",
            "systemctl enable --now nginx",
            "systemctl daemon-reload",
            ...p.apps.map((a) => `systemctl enable ${unitName(a.name)}`),
            `curl -fsSL --retry 5 -o /tmp/codedeploy-install ${codeDeployInstallerUrl(p.region, p.dnsSuffix)}`,
            "chmod 0700 /tmp/codedeploy-install",
            "/tmp/codedeploy-install auto",
            "systemctl enable --now codedeploy-agent",
        ],
    };
    return `#cloud-config\n${stringify(doc, { lineWidth: 0 })}`;
}
