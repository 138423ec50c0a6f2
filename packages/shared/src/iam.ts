/** IAM policy documents as plain data: built by pure functions, so tests read them without mocks. */
export interface PolicyStatement {
    Sid?: string;
    Effect: "Allow" | "Deny";
    Principal?: "*" | { AWS?: string | string[]; Service?: string | string[] };
    Action: string | string[];
    Resource?: string | string[];
    /** Everything but these (bucket policies: "deny this unless under that prefix"). */
    NotResource?: string | string[];
    Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export interface PolicyDocument {
    Version: "2012-10-17";
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
    return policyJson([{
        Effect: "Allow",
        Principal: { Service: service },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
    }]);
}

/** Trust policy for EC2 instance roles; EC2 sends no SourceAccount, so none is required. */
export function ec2TrustPolicy(dnsSuffix = "amazonaws.com"): string {
    return policyJson([{
        Effect: "Allow",
        Principal: { Service: `ec2.${dnsSuffix}` },
        Action: "sts:AssumeRole",
    }]);
}
