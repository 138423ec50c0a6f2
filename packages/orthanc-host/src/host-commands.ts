/**
 * What the hosts' boot may rely on, as data: the Amazon Linux 2023 release the hosts run (pinned,
 * changed deliberately), the commands that release's AMI provides, and the commands each package the
 * installer adds brings. A test reads every command the boot scripts call and fails on any other,
 * so an AMI or package change cannot silently break the boot.
 */

/**
 * The Amazon Linux 2023 release the hosts boot, by default. AL2023 repositories are versioned: a
 * host installs packages from its own release's repository ("deterministic upgrades"), so pinning
 * the AMI release pins the docker and jq versions too.
 * https://docs.aws.amazon.com/linux/al2023/ug/deterministic-upgrades.html
 */
export const AL2023_RELEASE = "2023.6.20250218.2";

/** The AMI name of a release, as Amazon publishes it (owner `amazon`). */
export function al2023AmiName(release: string, architecture: "x86_64" | "arm64"): string {
    return `al2023-ami-${release}-kernel-6.1-${architecture}`;
}

/**
 * Commands on the standard AL2023 AMI that the boot scripts use (coreutils, util-linux, gawk, grep,
 * curl, openssl, the AWS CLI v2, dnf and systemd are all part of it).
 * https://docs.aws.amazon.com/linux/al2023/ug/ami-packages.html
 */
export const AMI_COMMANDS: readonly string[] = [
    "awk",
    "aws",
    "cat",
    "chmod",
    "cmp",
    "curl",
    "dnf",
    "grep",
    "install",
    "mktemp",
    "mv",
    "openssl",
    "paste",
    "rm",
    "systemctl",
];

/**
 * What each package the installer adds provides (the engine only: no Compose plugin is needed). The
 * pinned release's repository carries each of them: `amazon-cloudwatch-agent` 1.300044.0 is in AL2023.6
 * (https://docs.aws.amazon.com/linux/al2023/release-notes/vercmp-AL2023.5-AL2023.6.html), and its
 * control script lives under /opt/aws/amazon-cloudwatch-agent/bin, where the boot calls it by path
 * (https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/install-CloudWatch-Agent-commandline-fileshare.html).
 */
export const PACKAGE_COMMANDS: Readonly<Record<string, readonly string[]>> = {
    docker: ["docker", "dockerd"],
    jq: ["jq"],
    "amazon-cloudwatch-agent": ["amazon-cloudwatch-agent-ctl"],
};

/**
 * `docker` subcommands built into the engine's client. CLI plugins (`compose`, `buildx`) are
 * separate packages whose presence in AL2023's docker package has changed between releases
 * (amazonlinux/amazon-linux-2023 issues 186, 400, 1032): the boot must not use them.
 */
export const DOCKER_BUILTIN_SUBCOMMANDS: readonly string[] = [
    "run",
    "rm",
    "stop",
    "pull",
    "ps",
    "logs",
    "inspect",
    "version",
];

/** The `docker <subcommand>` words a text uses (scripts and unit files). */
export function dockerSubcommands(text: string): string[] {
    // docker in command position: at a line's start, after a list operator or `!`, as an Exec= path,
    // or as a variable holding it ("$DOCKER").
    const re = /(?:^|[;|&(!]\s*|=-?|\/|"\$)docker"?\s+([a-z][a-z-]*)/gim;
    return [...new Set([...text.matchAll(re)].map((m) => m[1]))].sort();
}

/** Bash builtins and keywords: never a separate program. */
const SHELL_WORDS = new Set([
    "[[",
    "]]",
    "((",
    "))",
    "!",
    "{",
    "}",
    "case",
    "esac",
    "in",
    "if",
    "then",
    "else",
    "elif",
    "fi",
    "for",
    "while",
    "until",
    "do",
    "done",
    "function",
    "return",
    "exit",
    "local",
    "readonly",
    "declare",
    "set",
    "echo",
    "printf",
    "cd",
    "shift",
    "true",
    "false",
    "test",
    "[",
    "read",
    "umask",
    ":",
    "export",
    "unset",
    "trap",
    "source",
    ".",
    "command",
]);

/**
 * The external commands a bash script calls: the first word of each simple command, variables that
 * hold a command (`"$SYSTEMCTL" …`) resolved through the script's own `readonly` constants, and
 * shell words and the script's own functions left out. A small reader for the scripts this package
 * renders, not a full bash parser: it knows quotes, `$( )`, pipes, lists and `case` patterns.
 */
export function commandsCalled(script: string): string[] {
    const constants = new Map<string, string>();
    for (const m of script.matchAll(/^readonly ([A-Z_]+)=(\S+)$/gm)) constants.set(m[1], m[2].replace(/^'|'$/g, ""));
    const functions = new Set([...script.matchAll(/^([a-z_][a-z0-9_]*)\(\) \{/gm)].map((m) => m[1]));

    // Split into simple commands, dropping comments and the inside of quotes (kept as one word).
    const commands: string[][] = [];
    let words: string[] = [];
    let word = "";
    const endWord = () => {
        if (word !== "") words.push(word);
        word = "";
    };
    const endCommand = () => {
        endWord();
        if (words.length) commands.push(words);
        words = [];
    };
    for (let i = 0; i < script.length; i++) {
        const c = script[i];
        if (c === "#" && word === "" && (i === 0 || /\s/.test(script[i - 1]))) {
            while (i < script.length && script[i] !== "\n") i++;
            endCommand();
        } else if (c === "'") {
            const j = script.indexOf("'", i + 1);
            word += script.slice(i, j + 1);
            i = j;
        } else if (c === '"') {
            let j = i + 1;
            while (j < script.length && script[j] !== '"') j += script[j] === "\\" ? 2 : 1;
            const inner = script.slice(i + 1, j);
            // A command substitution inside double quotes is a command of its own.
            for (const m of inner.matchAll(/\$\(([^()]*)\)/g)) commands.push(...commandsOf(m[1]));
            word += script.slice(i, j + 1);
            i = j;
        } else if (c === "\\" && script[i + 1] === "\n") {
            i++;
        } else if (c === "(" && word.endsWith("=")) {
            // An array assignment: its elements are words, not commands.
            const j = script.indexOf(")", i);
            word += script.slice(i, j + 1);
            i = j;
        } else if (c === "&" && (script[i - 1] === ">" || script[i + 1] === ">")) {
            word += c; // a redirection (2>&1, &>file), not a list operator
        } else if (
            word === "" &&
            script.startsWith("[[", i) &&
            (words.length === 0 || ["if", "elif", "while", "until", "!"].includes(words[words.length - 1]))
        ) {
            // A conditional expression: its && and || are operators inside it, not lists.
            const j = script.indexOf("]]", i);
            words.push("[[");
            i = j + 1;
        } else if (c === "$" && script[i + 1] === "(" && script[i + 2] !== "(") {
            endCommand();
            i++;
        } else if (c === "\n" || c === ";" || c === "|" || c === "&" || c === "(" || c === ")") {
            if (c === ")" && word !== "" && words.length === 0) {
                word = "";
                continue;
            } // a case pattern
            endCommand();
        } else if (/\s/.test(c)) {
            endWord();
        } else {
            word += c;
        }
    }
    endCommand();

    const found = new Set<string>();
    for (let ws of commands) {
        while (
            ws.length &&
            (/^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/.test(ws[0]) ||
                ["if", "then", "else", "do", "while", "!", "{", "}"].includes(ws[0]))
        ) {
            ws = ws.slice(1);
        }
        if (!ws.length) continue;
        let name = ws[0].replace(/^"|"$/g, "");
        const variable = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(name);
        if (variable) {
            const value = constants.get(variable[1]);
            if (value === undefined) continue; // "$@" and the like: not a command name
            name = value;
        }
        name = name.split("/").pop()!;
        if (SHELL_WORDS.has(name) || functions.has(name) || /^\(\(|^\[\[/.test(name) || name.endsWith("()")) continue;
        found.add(name);
    }
    return [...found].sort();
}

function commandsOf(text: string): string[][] {
    return text
        .split(/[|;&]/)
        .map((part) => part.trim().split(/\s+/).filter(Boolean))
        .filter((ws) => ws.length > 0);
}
