/**
 * Issue 11, kind 1 (text that escapes its file), at the emitters: every line break YAML knows
 * (\r, U+0085, U+2028, U+2029) and other control characters are escaped by the YAML and JSON
 * emitters, and refused by the shell, nginx and systemd ones. The config boundary refuses them first
 * (stacks/test/bad-input.test.ts); these cases prove the second line of defence.
 */
import { strict as assert } from "assert";
import { parse } from "yaml";
import { jsonText, UnsafeTextError } from "@citadel/shared";
import { hostNginxParams, renderNginxConf, renderServiceUnit, renderUserData, shQuote, toYaml } from "../src";
import { SAMPLE, SAMPLE_OWN_CERTIFICATE } from "./fixtures";

const BREAKS: Array<[string, string]> = [
    ["CR", "\r"],
    ["NEL", "\u0085"],
    ["LS", "\u2028"],
    ["PS", "\u2029"],
    ["VT", "\u000b"],
    ["FF", "\u000c"],
    ["NUL", "\u0000"],
    ["ESC", "\u001b"],
    ["DEL", "\u007f"],
    ["CSI", "\u009b"],
    ["BOM", "\ufeff"],
];
// eslint-disable-next-line no-control-regex -- the characters under test are control characters
const RAW_BREAK = /[\r\u0085\u2028\u2029\u000b\u000c\u0000\u001b\u007f\u009b\ufeff]/;

describe("emitters and text that would escape its file", () => {
    for (const [what, ch] of BREAKS) {
        const payload = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:x${ch}bootcmd: [reboot]`;

        it(`YAML writes ${what} escaped inside a double-quoted scalar, single- and multi-line alike`, () => {
            for (const content of [payload, `#!/bin/sh\n${payload}\n`]) {
                const text = toYaml({ write_files: [{ path: "/etc/x", content }] }, ["#cloud-config"]);
                assert.doesNotMatch(text, RAW_BREAK, "no raw line break or control character in the document");
                const doc = parse(text);
                assert.deepEqual(Object.keys(doc), ["write_files"], "nothing became a top-level key");
                assert.equal(doc.write_files[0].content, content, "the text survives byte for byte");
            }
        });

        it(`JSON escapes ${what}`, () => {
            const out = jsonText({ v: payload });
            assert.doesNotMatch(out, /[\r\u0085\u2028\u2029]/);
            assert.equal(JSON.parse(out).v, payload);
        });

        it(`shell, nginx and systemd refuse ${what}`, () => {
            assert.throws(() => shQuote(payload), UnsafeTextError);
            assert.throws(
                () => renderNginxConf({ ...hostNginxParams(), certificateFile: `/etc/tls/cert.pem${ch}` }),
                UnsafeTextError,
            );
            assert.throws(
                () =>
                    renderServiceUnit({
                        hostctl: `/usr/local/bin/hostctl${ch}`,
                        refreshMinutes: 15,
                        startTimeoutMinutes: 15,
                    }),
                UnsafeTextError,
            );
        });

        it(`the host's user data refuses a certificate secret ARN with ${what} (the value reaches a shell script)`, () => {
            assert.throws(
                () =>
                    renderUserData({ ...SAMPLE_OWN_CERTIFICATE, certificate: { kind: "secret", secretArn: payload } }),
                UnsafeTextError,
            );
        });
    }

    it("accepts plain text unchanged; nginx refuses directive syntax in a value; systemd doubles %", () => {
        assert.equal(
            shQuote("arn:aws:secretsmanager:eu-west-1:123456789012:secret:x"),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:x",
        );
        assert.equal(shQuote("it's"), `'it'\\''s'`);
        assert.throws(
            () => renderNginxConf({ ...hostNginxParams(), certificateFile: "/etc/cert.pem; include /etc/passwd" }),
            UnsafeTextError,
        );
        assert.match(
            renderServiceUnit({ hostctl: "/opt/100%/hostctl", refreshMinutes: 15, startTimeoutMinutes: 15 }),
            /ExecStart=\/opt\/100%%\/hostctl start/,
        );
        assert.ok(renderUserData(SAMPLE).startsWith("#cloud-config\n"));
    });
});
