/** IAM policy documents as plain data: built by pure functions, so tests read them without mocks. */
export interface PolicyStatement {
    /** Statement id: letters and digits only, unique in the document. @default - none */
    Sid?: string;
    /** Whether the statement allows or denies; an explicit deny wins over any allow. */
    Effect: "Allow" | "Deny";
    /**
     * Who the statement applies to, in resource policies only (absent in identity policies): `*` for everyone, or AWS
     * accounts, roles and users, or services.
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
     */
    Principal?: "*" | { AWS?: string | string[]; Service?: string | string[] };
    /** The actions, `service:Action`, wildcards allowed (Citadel uses none on data). */
    Action: string | string[];
    /** The ARNs the statement covers, wildcards allowed; absent when `NotResource` is given. */
    Resource?: string | string[];
    /** Everything but these (bucket policies: "deny this unless under that prefix"). */
    NotResource?: string | string[];
    /**
     * Operator → condition key → value(s), e.g. `{ Bool: { "aws:SecureTransport": "false" } }`.
     * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
     */
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    /** The policy language version: always `2012-10-17` (the earlier version lacks policy variables). */
    Version: "2012-10-17";
    /** The statements; the document allows what some statement allows and none denies. */
    Statement: PolicyStatement[];
}

export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
    return { Version: "2012-10-17", Statement: statements };
}

export function policyJson(statements: PolicyStatement[]): string {
    return JSON.stringify(policyDocument(statements));
}

/** Trust policy for a role assumed by an AWS service, pinned to this account (confused-deputy guard). */
export function serviceTrustPolicy(service: string, accountId: string): string {
    return policyJson([
        {
            Effect: "Allow",
            Principal: { Service: service },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": accountId } },
        },
    ]);
}

/** Trust policy for EC2 instance roles; EC2 sends no SourceAccount, so none is required. */
export function ec2TrustPolicy(dnsSuffix = "amazonaws.com"): string {
    return policyJson([
        {
            Effect: "Allow",
            Principal: { Service: `ec2.${dnsSuffix}` },
            Action: "sts:AssumeRole",
        },
    ]);
}

/**
 * What an instance needs for Session Manager (shell and port forwarding), as AWS documents a custom
 * instance profile (the agent registers the instance and opens its channels), and for Run Command
 * and Patch Manager (the agent's message and association calls).
 * AWS's AmazonSSMManagedInstanceCore also allows ssm:GetParameter(s) on every parameter of the
 * account (and documents, associations, patching), which a host or a container on it must not have.
 * These actions take no resource ARN, so Resource is "*".
 * https://docs.aws.amazon.com/systems-manager/latest/userguide/getting-started-create-iam-instance-profile.html
 */
export function sessionManagerStatements(): PolicyStatement[] {
    return [
        {
            Sid: "SessionManagerAgent",
            Effect: "Allow",
            Action: [
                "ssm:UpdateInstanceInformation",
                "ssmmessages:CreateControlChannel",
                "ssmmessages:CreateDataChannel",
                "ssmmessages:OpenControlChannel",
                "ssmmessages:OpenDataChannel",
            ],
            Resource: "*",
        },
        {
            // Run Command (which Patch Manager's AWS-RunPatchBaseline uses), associations and inventory:
            // the rest of AmazonSSMManagedInstanceCore, without its ssm:GetParameter(s) on every parameter.
            // https://docs.aws.amazon.com/systems-manager/latest/userguide/systems-manager-setting-up-messageAPIs.html
            Sid: "SystemsManagerAgent",
            Effect: "Allow",
            Action: [
                "ec2messages:AcknowledgeMessage",
                "ec2messages:DeleteMessage",
                "ec2messages:FailMessage",
                "ec2messages:GetEndpoint",
                "ec2messages:GetMessages",
                "ec2messages:SendReply",
                "ssm:DescribeAssociation",
                "ssm:DescribeDocument",
                "ssm:GetDeployablePatchSnapshotForInstance",
                "ssm:GetDocument",
                "ssm:GetManifest",
                "ssm:ListAssociations",
                "ssm:ListInstanceAssociations",
                "ssm:PutComplianceItems",
                "ssm:PutConfigurePackageResult",
                "ssm:PutInventory",
                "ssm:UpdateAssociationStatus",
                "ssm:UpdateInstanceAssociationStatus",
            ],
            Resource: "*",
        },
    ];
}

/** Actions that read SSM parameters: no instance role gets them on `*` (see sessionManagerStatements). */
export const PARAMETER_READ_ACTIONS = ["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"] as const;
