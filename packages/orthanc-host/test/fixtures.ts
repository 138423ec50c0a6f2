/** Sample values shared by the unit tests and the tool tests, and the golden-file helper. */
import { strict as assert } from "assert";
import * as fs from "fs";
import * as path from "path";
import { DEFAULT_IMAGES, HostBootstrapParams, hostNginxParams, NginxParams } from "../src";

export const SAMPLE: HostBootstrapParams = {
    region: "eu-west-1",
    images: { ...DEFAULT_IMAGES },
    packages: ["docker", "jq", "amazon-cloudwatch-agent"],
    orthanc: { name: "Citadel Orthanc", dicomAet: "ORTHANC" },
    database: {
        host: "citadel-dev-orthanc-db.abcdefghijkl.eu-west-1.rds.amazonaws.com",
        port: 5432,
        name: "orthanc",
        secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-0a1b2c3d-AbCdEf",
    },
    adminSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:orthanc-admin-1a2b3c4-XyZ123",
    adminUsername: "admin",
    bucketName: "orthanc-images-1a2b3c4",
    logGroupName: "orthanc-logs-1a2b3c4",
    certificate: {
        kind: "selfSigned",
        siteName: "pacs.example.org",
        extraNames: ["orthanc-nlb-0123456789abcdef.elb.eu-west-1.amazonaws.com"],
        days: 825,
    },
    refreshMinutes: 15,
};

export const SAMPLE_OWN_CERTIFICATE: HostBootstrapParams = {
    ...SAMPLE,
    certificate: {
        kind: "secret",
        secretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:pacs-certificate-AbC123",
    },
};

/**
 * nginx.conf for one loopback machine with Debian's nginx: the host's parameters with only paths,
 * ports and the stream module changed.
 */
export function loopbackNginxParams(dir: string): NginxParams {
    return {
        ...hostNginxParams(),
        httpsPort: 18443,
        dicomTlsPort: 21112,
        orthancHttp: { host: "127.0.0.1", port: 18042 },
        orthancDicom: { host: "127.0.0.1", port: 14242 },
        certificateFile: `${dir}/cert.pem`,
        keyFile: `${dir}/key.pem`,
        modules: ["/usr/lib/nginx/modules/ngx_stream_module.so"],
        user: undefined,
        pidFile: `${dir}/nginx.pid`,
        errorLog: `${dir}/error.log`,
        accessLog: `${dir}/access.log`,
        tempDir: dir,
    };
}

const GOLDEN_DIR = path.join(__dirname, "golden");

/**
 * Compares rendered text with `test/golden/<file>`. To accept an intended change, regenerate:
 * `UPDATE_GOLDEN=1 npx mocha 'packages/orthanc-host/test/**\/*.test.ts'`, then review the diff.
 */
export function expectGolden(file: string, actual: string): void {
    const p = path.join(GOLDEN_DIR, file);
    if (process.env.UPDATE_GOLDEN === "1") {
        fs.mkdirSync(GOLDEN_DIR, { recursive: true });
        fs.writeFileSync(p, actual);
        return;
    }
    if (!fs.existsSync(p)) {
        assert.fail(`golden file test/golden/${file} is missing; create it with UPDATE_GOLDEN=1 and review it`);
    }
    assert.equal(
        actual,
        fs.readFileSync(p, "utf8"),
        `${file} differs from test/golden/${file}; if intended, regenerate with UPDATE_GOLDEN=1 and review the diff`,
    );
}
