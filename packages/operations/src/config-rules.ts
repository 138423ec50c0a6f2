/**
 * AWS Config managed rules that re-check, after deployment, what Citadel's policy pack checks before
 * it: drift made in the console or by another tool is caught too. Each names the pack's rules it
 * mirrors (`policies`, checked against the pack by a test) or `operations` for this baseline's own.
 * Identifiers from https://docs.aws.amazon.com/config/latest/developerguide/managed-rules-by-aws-config.html
 *
 * CloudFront and WAF rules are absent: Config evaluates those global resources in us-east-1 only.
 */
export interface ConfigRuleSpec {
    /** The AWS managed rule's identifier, e.g. `VPC_FLOW_LOGS_ENABLED`. */
    identifier: string;
    /** What a compliant account looks like, in a few words. */
    description: string;
    /**
     * The policy pack rules that enforce the same at preview: Config checks the account after the fact, the pack
     * before.
     */
    policies: string[];
    /** The managed rule's input parameters, as strings. @default - the rule's own defaults */
    parameters?: Record<string, string>;
}

export const CONFIG_RULES: readonly ConfigRuleSpec[] = [
    // Network and compute
    { identifier: "VPC_FLOW_LOGS_ENABLED", description: "VPCs have flow logs", policies: ["ec2-vpc-flow-logs"] },
    {
        identifier: "VPC_DEFAULT_SECURITY_GROUP_CLOSED",
        description: "Default security groups allow nothing",
        policies: ["ec2-default-sg-closed"],
    },
    {
        identifier: "SUBNET_AUTO_ASSIGN_PUBLIC_IP_DISABLED",
        description: "Subnets assign no public IPs",
        policies: ["ec2-subnet-no-public-ip"],
    },
    {
        identifier: "VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS",
        description: "Only HTTPS is open to the world",
        policies: ["ec2-no-world-ingress"],
        parameters: { authorizedTcpPorts: "443" },
    },
    { identifier: "EC2_IMDSV2_CHECK", description: "Instances require IMDSv2", policies: ["ec2-imdsv2"] },
    {
        identifier: "ENCRYPTED_VOLUMES",
        description: "Attached EBS volumes are encrypted",
        policies: ["ec2-encrypted-volumes"],
    },
    // Load balancers
    {
        identifier: "ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK",
        description: "ALBs redirect HTTP to HTTPS",
        policies: ["elb-http-redirects-to-https"],
    },
    {
        identifier: "ALB_HTTP_DROP_INVALID_HEADER_ENABLED",
        description: "ALBs drop invalid headers",
        policies: ["elb-drop-invalid-headers"],
    },
    { identifier: "ELB_LOGGING_ENABLED", description: "Load balancers log access", policies: ["elb-access-logs"] },
    {
        identifier: "ELB_DELETION_PROTECTION_ENABLED",
        description: "Load balancers are protected from deletion",
        policies: ["elb-deletion-protection"],
    },
    // ECS and ECR
    {
        identifier: "ECS_CONTAINERS_NONPRIVILEGED",
        description: "Containers are not privileged",
        policies: ["ecs-no-privileged-containers"],
    },
    {
        identifier: "ECS_CONTAINERS_READONLY_ACCESS",
        description: "Containers have read-only root file systems",
        policies: ["ecs-readonly-root-filesystem"],
    },
    {
        identifier: "ECS_NO_ENVIRONMENT_SECRETS",
        description: "No secrets in container environments",
        policies: ["ecs-no-secrets-in-environment"],
    },
    {
        identifier: "ECS_TASK_DEFINITION_LOG_CONFIGURATION",
        description: "Containers log",
        policies: ["ecs-container-logging"],
    },
    {
        identifier: "ECS_CONTAINER_INSIGHTS_ENABLED",
        description: "Clusters have Container Insights",
        policies: ["ecs-container-insights"],
    },
    {
        identifier: "ECR_PRIVATE_IMAGE_SCANNING_ENABLED",
        description: "Repositories scan on push",
        policies: ["ecr-scan-on-push"],
    },
    {
        identifier: "ECR_PRIVATE_TAG_IMMUTABILITY_ENABLED",
        description: "Repositories have immutable tags",
        policies: ["ecr-immutable-tags"],
    },
    {
        identifier: "ECR_PRIVATE_LIFECYCLE_POLICY_CONFIGURED",
        description: "Repositories have a lifecycle policy",
        policies: ["ecr-lifecycle-policy"],
    },
    // RDS
    {
        identifier: "RDS_STORAGE_ENCRYPTED",
        description: "Databases are encrypted",
        policies: ["rds-storage-encrypted"],
    },
    {
        identifier: "RDS_INSTANCE_PUBLIC_ACCESS_CHECK",
        description: "Databases are not public",
        policies: ["rds-not-public"],
    },
    {
        identifier: "DB_INSTANCE_BACKUP_ENABLED",
        description: "Databases keep automated backups 7 days or more",
        policies: ["rds-backup-retention"],
        parameters: { backupRetentionMinimum: "7" },
    },
    {
        identifier: "RDS_AUTOMATIC_MINOR_VERSION_UPGRADE_ENABLED",
        description: "Databases take minor upgrades",
        policies: ["rds-auto-minor-upgrade"],
    },
    {
        identifier: "RDS_INSTANCE_IAM_AUTHENTICATION_CONFIGURED",
        description: "Databases accept IAM authentication",
        policies: ["rds-iam-auth"],
    },
    { identifier: "RDS_LOGGING_ENABLED", description: "Databases export logs", policies: ["rds-log-exports"] },
    { identifier: "RDS_MULTI_AZ_SUPPORT", description: "Databases are multi-AZ", policies: ["rds-multi-az"] },
    {
        identifier: "RDS_INSTANCE_DELETION_PROTECTION_ENABLED",
        description: "Databases are protected from deletion",
        policies: ["rds-deletion-protection"],
    },
    {
        identifier: "RDS_RESOURCES_PROTECTED_BY_BACKUP_PLAN",
        description: "Databases are in a backup plan",
        policies: ["backup-coverage"],
    },
    // S3
    {
        identifier: "S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED",
        description: "Buckets block public access",
        policies: ["s3-public-access-block"],
    },
    {
        identifier: "S3_BUCKET_SSL_REQUESTS_ONLY",
        description: "Buckets refuse requests without TLS",
        policies: ["s3-ssl-only"],
    },
    {
        identifier: "S3_DEFAULT_ENCRYPTION_KMS",
        description: "Buckets encrypt with KMS",
        policies: ["s3-kms-encryption"],
    },
    { identifier: "S3_BUCKET_VERSIONING_ENABLED", description: "Buckets are versioned", policies: ["s3-versioning"] },
    { identifier: "S3_BUCKET_LOGGING_ENABLED", description: "Buckets log access", policies: ["s3-access-logging"] },
    {
        identifier: "S3_LIFECYCLE_POLICY_CHECK",
        description: "Buckets have lifecycle rules",
        policies: ["s3-lifecycle"],
    },
    { identifier: "S3_BUCKET_ACL_PROHIBITED", description: "Buckets use no ACLs", policies: ["s3-no-acls"] },
    // Keys, identities, logs
    {
        identifier: "CMK_BACKING_KEY_ROTATION_ENABLED",
        description: "Customer keys rotate",
        policies: ["kms-key-rotation"],
    },
    {
        identifier: "IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS",
        description: "No policy grants *:*",
        policies: ["iam-no-full-admin"],
    },
    {
        identifier: "IAM_CUSTOMER_POLICY_BLOCKED_KMS_ACTIONS",
        description: "No policy decrypts with every key",
        policies: ["iam-no-kms-decrypt-all-keys"],
        parameters: { blockedActionsPatterns: "kms:Decrypt,kms:ReEncryptFrom" },
    },
    {
        identifier: "CLOUDWATCH_LOG_GROUP_ENCRYPTED",
        description: "Log groups are encrypted with KMS",
        policies: ["cloudwatch-log-group-retention-kms"],
    },
    { identifier: "SNS_ENCRYPTED_KMS", description: "Topics are encrypted with KMS", policies: ["sns-encrypted"] },
    // The baseline itself
    {
        identifier: "MULTI_REGION_CLOUD_TRAIL_ENABLED",
        description: "A multi-region trail records",
        policies: ["cloudtrail-baseline"],
    },
    {
        identifier: "CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED",
        description: "Trails validate log files",
        policies: ["cloudtrail-baseline"],
    },
    {
        identifier: "CLOUD_TRAIL_ENCRYPTION_ENABLED",
        description: "Trails encrypt with KMS",
        policies: ["cloudtrail-baseline"],
    },
    {
        identifier: "IAM_PASSWORD_POLICY",
        description: "The account has a strong password policy",
        policies: ["operations"],
    },
    { identifier: "ROOT_ACCOUNT_MFA_ENABLED", description: "The root user has MFA", policies: ["operations"] },
    {
        identifier: "MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS",
        description: "Console users have MFA",
        policies: ["operations"],
    },
    {
        identifier: "EC2_INSTANCE_MANAGED_BY_SSM",
        description: "Instances are managed by Systems Manager",
        policies: ["operations"],
    },
    {
        identifier: "EC2_MANAGEDINSTANCE_PATCH_COMPLIANCE_STATUS_CHECK",
        description: "Instances are patched",
        policies: ["operations"],
    },
];
