import { Ec2AppArgs, UserDataParams, validateEc2AppArgs } from "../src";

export const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/app-key";
export const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
export const TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alerts";
export const CI_PRINCIPAL = "arn:aws:iam::123456789012:role/gitlab-runner";

export const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.20.0.0/16",
    publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
    privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
    availabilityZones: ["us-east-1a", "us-east-1b"],
};

/** DrSignet's two apps: the admin portal's API by path, the web app on its own host. */
export function tierArgs(overrides: Partial<Ec2AppArgs> = {}): Ec2AppArgs {
    return {
        network: NETWORK,
        kmsKeyArn: KEY_ARN,
        apps: [
            {
                name: "api",
                port: 3000,
                routing: { paths: ["/api/*"] },
                healthCheckPath: "/api/health",
                maxBodySizeMiB: 20,
            },
            { name: "web", port: 3001, routing: { hosts: ["app.example.com"] } },
        ],
        loadBalancer: { certificateArn: CERT_ARN },
        logBucket: { bucketName: "logs-mock", arn: "arn:aws:s3:::logs-mock" },
        parameterNamespace: "/drsignet/test",
        ciPrincipalArns: [CI_PRINCIPAL],
        alarms: { topicArn: TOPIC_ARN },
        ...overrides,
    };
}

export const RESOLVED = validateEc2AppArgs("tier", tierArgs());

/** The instances' boot parameters for the fixture's apps, as the component would resolve them. */
export const USER_DATA: UserDataParams = {
    region: "eu-central-1",
    dnsSuffix: "amazonaws.com",
    vpcCidr: "10.20.0.0/16",
    parameterNamespace: "/drsignet/test",
    nodePackage: "nodejs20",
    loadBalancerIdleTimeoutSeconds: 60,
    apps: RESOLVED.apps,
    logGroups: { api: "tier-api-logs-1a2b3c4", web: "tier-web-logs-5d6e7f8" },
};
