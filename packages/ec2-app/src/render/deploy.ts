import { stringify } from "yaml";
import { ResolvedApp } from "../args";

/** Where each application lives on an instance. */
export const APPS_ROOT = "/opt/citadel/apps";
/** Per-instance settings the hooks read (region, Parameter Store namespace), written at boot. */
export const DEPLOY_ENV_FILE = "/etc/citadel/deploy.env";
/** Each app's environment file, written by its AfterInstall hook from Parameter Store. */
export const ENV_DIR = "/etc/citadel/apps";

export function appDir(app: string): string {
    return `${APPS_ROOT}/${app}/current`;
}
export function appUser(app: string): string {
    return `app-${app}`;
}
export function envFile(app: string): string {
    return `${ENV_DIR}/${app}.env`;
}
export function unitName(app: string): string {
    return `citadel-app-${app}.service`;
}

/** The hook scripts of a revision, in the order CodeDeploy runs their events during an in-place deployment. */
export const HOOKS = [
    { event: "ApplicationStop", script: "application-stop.sh", timeout: 120 },
    { event: "BeforeInstall", script: "before-install.sh", timeout: 120 },
    { event: "AfterInstall", script: "after-install.sh", timeout: 300 },
    { event: "ApplicationStart", script: "application-start.sh", timeout: 120 },
    { event: "ValidateService", script: "validate-service.sh", timeout: 300 },
] as const;

/** Directory of the hook scripts inside a revision. */
export const HOOKS_DIR = "deploy";

type App = Pick<ResolvedApp, "name" | "proxyPort" | "healthCheckPath">;

/**
 * The `appspec.yml` at the root of an application's revision. BlockTraffic and AllowTraffic are run by
 * CodeDeploy itself (the deployment group's traffic control deregisters the instance from the app's
 * target group first and registers it again after ValidateService), so only these hooks are scripts.
 * https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-hooks.html#appspec-hooks-server
 */
export function renderAppspec(app: App): string {
    const hooks = Object.fromEntries(
        HOOKS.map((h) => [
            h.event,
            [
                {
                    location: `${HOOKS_DIR}/${h.script}`,
                    timeout: h.timeout,
                    runas: "root",
                },
            ],
        ]),
    );
    return stringify(
        {
            version: 0.0,
            os: "linux",
            files: [{ source: "/", destination: appDir(app.name) }],
            file_exists_behavior: "OVERWRITE",
            permissions: [
                { object: appDir(app.name), owner: "root", group: appUser(app.name), mode: 640, type: ["file"] },
                { object: appDir(app.name), owner: "root", group: appUser(app.name), mode: 750, type: ["directory"] },
            ],
            hooks,
        },
        { lineWidth: 0 },
    ).replace(/^version: 0$/m, "version: 0.0");
}

const HEADER = (what: string) => [
    "#!/bin/bash",
    `# ${what}`,
    "# Rendered by @citadel/ec2-app; part of the application's revision (see appspec.yml).",
    "set -euo pipefail",
    "",
];

/** The hook scripts of an app's revision, by file name. Each is independent of the environment. */
export function renderHookScripts(app: App): Record<string, string> {
    const name = app.name;
    const unit = unitName(name);
    return {
        "application-stop.sh": [
            ...HEADER("ApplicationStop: stop the running version (absent on an instance's first deployment)."),
            `if systemctl list-unit-files ${unit} >/dev/null 2>&1; then`,
            `    systemctl stop ${unit}`,
            "fi",
            "",
        ].join("\n"),
        "before-install.sh": [
            ...HEADER("BeforeInstall: an empty directory for the new version, so no file of the old one survives."),
            `rm -rf ${appDir(name)}`,
            `install -d -o root -g ${appUser(name)} -m 0750 ${appDir(name)}`,
            "",
        ].join("\n"),
        "after-install.sh": [
            ...HEADER(
                "AfterInstall: the app's environment from Parameter Store (SecureStrings decrypted), never from the revision.",
            ),
            `# shellcheck source=/dev/null`,
            `. ${DEPLOY_ENV_FILE}`,
            `path="\${PARAMETER_NAMESPACE}/${name}/"`,
            `target=${envFile(name)}`,
            'tmp="$(mktemp "${target}.XXXXXX")"',
            "trap 'rm -f \"$tmp\"' EXIT",
            "# Names become variables: only shell-style names are accepted; values are JSON-quoted,",
            "# which systemd's EnvironmentFile reads with the same escapes.",
            'aws ssm get-parameters-by-path --region "$AWS_REGION" --path "$path" --recursive --with-decryption --output json \\',
            '    | jq -r \'.Parameters[] | (.Name | split("/") | last) as $k',
            '        | if ($k | test("^[A-Za-z_][A-Za-z0-9_]*$")) then "\\($k)=\\(.Value | @json)"',
            '          else error("parameter name \\($k) is not a variable name") end\' > "$tmp"',
            `chown root:${appUser(name)} "$tmp"`,
            'chmod 0640 "$tmp"',
            'mv -f "$tmp" "$target"',
            "trap - EXIT",
            "",
        ].join("\n"),
        "application-start.sh": [
            ...HEADER("ApplicationStart: start the new version under systemd (restarted if it dies)."),
            "systemctl daemon-reload",
            `systemctl restart ${unit}`,
            "",
        ].join("\n"),
        "validate-service.sh": [
            ...HEADER(
                "ValidateService: the app answers its health path through Nginx, or the deployment fails (and rolls back).",
            ),
            `url=http://127.0.0.1:${app.proxyPort}${app.healthCheckPath}`,
            "for _ in $(seq 1 60); do",
            '    if curl -fsS -o /dev/null --max-time 5 "$url"; then',
            "        exit 0",
            "    fi",
            "    sleep 3",
            "done",
            'echo "no healthy answer from $url" >&2',
            `journalctl -u ${unit} -n 50 --no-pager >&2 || true`,
            "exit 1",
            "",
        ].join("\n"),
    };
}
