import { strict as assert } from "assert";
import {
    AMI_COMMANDS,
    commandsCalled,
    DOCKER_BUILTIN_SUBCOMMANDS,
    dockerSubcommands,
    HOST_PACKAGES,
    hostFiles,
    PACKAGE_COMMANDS,
    renderInstaller,
} from "../src";
import { SAMPLE, SAMPLE_OWN_CERTIFICATE } from "./fixtures";

/** What the pinned AMI provides plus what the installer installs. */
const AVAILABLE = new Set([...AMI_COMMANDS, ...HOST_PACKAGES.flatMap((p) => PACKAGE_COMMANDS[p] ?? [])]);

function bootTexts() {
    return [SAMPLE, SAMPLE_OWN_CERTIFICATE]
        .flatMap((p) => hostFiles(p))
        .filter((f) => f.path.startsWith("/usr/local/sbin/") || f.path.startsWith("/etc/systemd/system/"));
}

describe("OrthancHost boot: only what is pinned", () => {
    // The AMI is a contract: AL2023's docker package lacked the Compose v2 plugin for years
    // (amazonlinux/amazon-linux-2023 issues 186, 400) and reportedly ships it since late 2025 (1032).
    // A boot may use only what the pinned release's AMI provides and what it installs itself.
    // https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades.html
    it("AL2023 AMI contract: every command the boot calls is on the pinned AMI or installed by the boot", () => {
        const scripts = bootTexts().filter((f) => f.path.startsWith("/usr/local/sbin/"));
        assert.equal(scripts.length, 4);
        const called = new Set(scripts.flatMap((f) => commandsCalled(f.content)));
        for (const u of bootTexts().filter((f) => f.path.startsWith("/etc/systemd/system/"))) {
            for (const m of u.content.matchAll(/^Exec\w+=-?(\S+)/gm)) called.add(m[1].split("/").pop()!);
        }
        assert.ok(
            called.has("aws") &&
                called.has("docker") &&
                called.has("jq") &&
                called.has("dnf") &&
                called.has("amazon-cloudwatch-agent-ctl"),
            [...called].join(" "),
        );
        // ...and the scripts the boot writes itself.
        const written = new Set(scripts.map((f) => f.path.split("/").pop()!));
        const missing = [...called].filter((c) => !AVAILABLE.has(c) && !written.has(c));
        assert.deepEqual(missing, [], `called but neither on the AMI nor installed: ${missing.join(", ")}`);
    });

    it("AL2023 docker package: the boot uses the engine's own subcommands, no CLI plugin (compose, buildx)", () => {
        const used = new Set(bootTexts().flatMap((f) => dockerSubcommands(f.content)));
        assert.ok(used.has("run"));
        assert.deepEqual(
            [...used].filter((s) => !DOCKER_BUILTIN_SUBCOMMANDS.includes(s)),
            [],
        );
        assert.deepEqual(dockerSubcommands('if ! docker compose version; then\n"$DOCKER" buildx ls'), [
            "buildx",
            "compose",
        ]);
    });

    it("reads the commands a script calls, and would refuse one the AMI does not have", () => {
        const script = [
            "#!/bin/bash",
            "readonly TOOL=/usr/bin/unzip",
            "f() {",
            "    local x",
            "}",
            "if [[ -f a && -s b ]] && cmp -s a b; then",
            "    out=$(curl -fsS x | jq -r .y 2>&1)",
            "fi",
            'case "$1" in',
            "    start) f ;;",
            '    *) "$TOOL" x >&2 ;;',
            "esac",
            "names+=(a b)",
            "# rsync is only a comment",
        ].join("\n");
        assert.deepEqual(commandsCalled(script), ["cmp", "curl", "jq", "unzip"]);
        assert.ok(!AVAILABLE.has("unzip"));
        // The agent's control script is the package's, not the AMI's: without the package in the list it is refused.
        const withoutAgent = new Set([
            ...AMI_COMMANDS,
            ...HOST_PACKAGES.filter((p) => p !== "amazon-cloudwatch-agent").flatMap((p) => PACKAGE_COMMANDS[p] ?? []),
        ]);
        assert.ok(!withoutAgent.has("amazon-cloudwatch-agent-ctl") && AVAILABLE.has("amazon-cloudwatch-agent-ctl"));
        assert.match(
            renderInstaller({ packages: HOST_PACKAGES, cloudWatchAgentConfig: "/etc/x.json" }),
            /^dnf install -y docker jq amazon-cloudwatch-agent$/m,
        );
    });
});
