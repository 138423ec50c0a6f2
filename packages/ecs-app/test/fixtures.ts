import { EcsAppArgs } from "../src";

export const KEY_ARN = "arn:aws:kms:us-east-1:123456789012:key/app-key";
export const CERT_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/00000000-0000-0000-0000-000000000000";
export const API_KEY_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:app/api-key-AbCdEf";
export const SMTP_PARAMETER = "arn:aws:ssm:us-east-1:123456789012:parameter/citadel/test/smtp-password";
export const GITLAB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:gitlab/registry-XyZ123";

export const NETWORK = {
    vpcId: "vpc-1",
    vpcCidrBlock: "10.0.0.0/16",
    publicSubnetIds: ["subnet-pub-a", "subnet-pub-b"],
    privateSubnetIds: ["subnet-priv-a", "subnet-priv-b"],
    availabilityZones: ["us-east-1a", "us-east-1b"],
};

/** A full app: two services, a worker fed by the backend, a migration and a database. */
export function appArgs(overrides: Partial<EcsAppArgs> = {}): EcsAppArgs {
    return {
        network: NETWORK,
        kmsKeyArn: KEY_ARN,
        services: [
            {
                name: "backend",
                image: "backend",
                port: 8000,
                cpu: 512,
                memory: 1024,
                routing: { paths: ["/api/*"] },
                healthCheckPath: "/health",
                useDatabase: true,
                user: "1000:1000",
                environment: { RAILS_ENV: "production" },
                secrets: {
                    API_KEY: { secretsManagerArn: API_KEY_SECRET, jsonKey: "key" },
                    SMTP_PASSWORD: { ssmParameterArn: SMTP_PARAMETER },
                },
            },
            { name: "frontend", image: "frontend", port: 8080, routing: { paths: ["/*"] } },
        ],
        workers: [
            {
                name: "jobs",
                image: "backend",
                command: ["bundle", "exec", "shoryuken"],
                producers: ["backend"],
                useDatabase: true,
            },
        ],
        migration: { image: "backend", command: ["bin/rails", "db:migrate"] },
        loadBalancer: { certificateArn: CERT_ARN },
        logBucket: { bucketName: "logs-mock", arn: "arn:aws:s3:::logs-mock" },
        database: { databaseName: "app" },
        parameterNamespace: "/citadel/test",
        ...overrides,
    };
}
