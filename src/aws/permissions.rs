//! The exact IAM permissions posture needs: printed by `posture permissions`, used by the
//! CloudFormation templates in `deploy/`, and checked against the calls posture really makes.

/// Actions in every scanned account (the member role). `iam:GenerateCredentialReport` is the one
/// write: AWS requires it before the credential report can be read.
pub const MEMBER_ACTIONS: &[&str] = &[
    "sts:GetCallerIdentity",
    "iam:GenerateCredentialReport",
    "iam:GetCredentialReport",
    "iam:ListUsers",
    "iam:GetLoginProfile",
    "iam:ListMFADevices",
    "iam:ListAccessKeys",
    "iam:GetAccessKeyLastUsed",
    "iam:GetAccountPasswordPolicy",
    "iam:GetAccountSummary",
    "iam:ListRoles",
    "iam:ListRoleTags",
    "iam:ListOrganizationsFeatures",
    "s3:ListAllMyBuckets",
    "s3:GetBucketLocation",
    "s3:GetBucketPolicy",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketAcl",
    "s3:GetBucketOwnershipControls",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketVersioning",
    "s3:GetBucketLogging",
    "s3:GetAccountPublicAccessBlock",
    "s3:GetBucketTagging",
    "ec2:DescribeRegions",
    "ec2:DescribeVpcs",
    "ec2:DescribeSubnets",
    "ec2:DescribeRouteTables",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeInstances",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:GetInstanceMetadataDefaults",
    "ec2:DescribeVpcBlockPublicAccessOptions",
    "ec2:GetSnapshotBlockPublicAccessState",
    "ec2:GetImageBlockPublicAccessState",
    "ec2:GetEbsEncryptionByDefault",
    "acm:ListCertificates",
    "acm:DescribeCertificate",
    "apigateway:GET",
    "kms:ListKeys",
    "kms:DescribeKey",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "lambda:ListFunctions",
    "lambda:GetPolicy",
    "lambda:ListFunctionUrlConfigs",
    // --- backbone: config ---
    "config:DescribeConfigurationRecorders",
    "config:DescribeConfigurationRecorderStatus",
    "config:DescribeDeliveryChannels",
    "config:DescribeConfigurationAggregators",
    "account:GetAlternateContact",
    // --- end backbone: config ---
    // --- backbone: guardduty + detective ---
    "guardduty:ListDetectors",
    "guardduty:GetDetector",
    // Called only in GuardDuty's delegated administrator (the organization view).
    "guardduty:DescribeOrganizationConfiguration",
    "guardduty:ListMembers",
    "detective:ListGraphs",
    "detective:ListInvitations",
    // --- end guardduty + detective ---
    // --- backbone: cloudtrail
    "cloudtrail:DescribeTrails",
    "cloudtrail:GetTrailStatus",
    "cloudtrail:GetEventSelectors",
    // --- end backbone: cloudtrail
    // --- SVC: accessanalyzer, inspector2, macie
    "access-analyzer:ListAnalyzers",
    "inspector2:BatchGetAccountStatus",
    "inspector2:DescribeOrganizationConfiguration",
    "inspector2:ListMembers",
    "macie2:GetMacieSession",
    "macie2:DescribeOrganizationConfiguration",
    "macie2:ListMembers",
    // --- end SVC: accessanalyzer, inspector2, macie
    // --- SVC: securityhub ---
    "securityhub:DescribeHub",
    "securityhub:GetEnabledStandards",
    "securityhub:DescribeOrganizationConfiguration",
    "securityhub:ListMembers",
    // --- end SVC: securityhub ---
];

/// API Gateway reads are authorized on these resources. The partition segment is a wildcard
/// (IAM allows wildcards in every ARN segment but the service), so the printed policy is valid
/// in every partition (`aws`, `aws-cn`, `aws-us-gov`, the ISO partitions, `aws-eusc`): an
/// account lives in one partition, so it grants nothing more there. The CloudFormation
/// templates use `${AWS::Partition}`.
pub const APIGATEWAY_RESOURCES: &[&str] = &[
    "arn:*:apigateway:*::/restapis",
    "arn:*:apigateway:*::/restapis/*",
    "arn:*:apigateway:*::/apis",
    "arn:*:apigateway:*::/apis/*",
    "arn:*:apigateway:*::/domainnames",
    "arn:*:apigateway:*::/domainnames/*",
];

/// Additional actions of the scanning identity in `--org` mode.
pub const ORGANIZATION_ACTIONS: &[&str] = &[
    "organizations:DescribeOrganization",
    "organizations:ListRoots",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListAccountsForParent",
    "organizations:ListAccounts",
    "organizations:ListPolicies",
    "organizations:DescribePolicy",
    "organizations:ListTargetsForPolicy",
    "organizations:ListDelegatedAdministrators",
    "organizations:ListDelegatedServicesForAccount",
    "sts:AssumeRole",
];

/// Additional actions for `--output s3://...` (on the report bucket): HeadBucket (authorized as
/// s3:ListBucket) finds the bucket's region, PutObject writes the report.
pub const DELIVERY_ACTIONS: &[&str] = &["s3:ListBucket", "s3:PutObject"];

/// Additional actions for `--security-hub` (in the account and region findings are imported to).
pub const SECURITY_HUB_ACTIONS: &[&str] = &["securityhub:BatchImportFindings"];

/// The IAM action an SDK call is authorized as, from the SDK's `service:Operation` name.
pub fn action_for(service: &str, operation: &str) -> String {
    // The SDK names services "S3", "S3 Control", "API Gateway", ...
    let service: String = service
        .to_ascii_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    match (service.as_str(), operation) {
        ("s3", "ListBuckets") => "s3:ListAllMyBuckets".into(),
        ("s3", "GetPublicAccessBlock") => "s3:GetBucketPublicAccessBlock".into(),
        ("s3", "GetBucketEncryption") => "s3:GetEncryptionConfiguration".into(),
        // The scan calls HeadBucket only when GetBucketLocation is denied (its 403 still names
        // the region); S3 delivery calls it to find the report bucket's region.
        ("s3", "HeadBucket") => "s3:ListBucket".into(),
        ("s3control", "GetPublicAccessBlock") => "s3:GetAccountPublicAccessBlock".into(),
        ("s3control", op) => format!("s3:{op}"),
        // API Gateway v2 (HTTP APIs) is authorized with the same action as v1.
        ("apigateway" | "apigatewayv2", op) if op.starts_with("Get") => "apigateway:GET".into(),
        // --- SVC: accessanalyzer, inspector2, macie
        // The SDK's "AccessAnalyzer" is IAM's `access-analyzer` prefix.
        ("accessanalyzer", op) => format!("access-analyzer:{op}"),
        // --- end SVC: accessanalyzer, inspector2, macie
        // The SDK's "Config Service" is IAM's `config` prefix.
        ("configservice", op) => format!("config:{op}"),
        (svc, op) => format!("{svc}:{op}"),
    }
}

/// Actions that change something in the account.
pub fn is_mutating(action: &str) -> bool {
    let op = action.split(':').nth(1).unwrap_or("");
    // BatchGet* (inspector2:BatchGetAccountStatus) reads several items at once.
    !(op.starts_with("Get")
        || op.starts_with("List")
        || op.starts_with("Describe")
        || op.starts_with("BatchGet")
        || op == "GET")
}

/// The policy document for the member role, as `posture permissions` prints it.
pub fn member_policy() -> serde_json::Value {
    let others: Vec<&str> = MEMBER_ACTIONS
        .iter()
        .copied()
        .filter(|a| *a != "apigateway:GET")
        .collect();
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "PostureRead", "Effect": "Allow", "Action": others, "Resource": "*"},
            {"Sid": "PostureApiGatewayRead", "Effect": "Allow", "Action": ["apigateway:GET"], "Resource": APIGATEWAY_RESOURCES},
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_credential_report_is_a_write() {
        let writes: Vec<&&str> = MEMBER_ACTIONS.iter().filter(|a| is_mutating(a)).collect();
        assert_eq!(writes, vec![&"iam:GenerateCredentialReport"]);
    }

    #[test]
    fn config_service_maps_to_the_iam_config_prefix() {
        // The SDK names AWS Config "Config Service"; IAM's prefix is `config`.
        assert_eq!(
            action_for("Config Service", "DescribeConfigurationRecorders"),
            "config:DescribeConfigurationRecorders"
        );
    }

    #[test]
    fn sdk_names_map_to_actions() {
        assert_eq!(action_for("S3", "ListBuckets"), "s3:ListAllMyBuckets");
        assert_eq!(
            action_for("s3control", "GetPublicAccessBlock"),
            "s3:GetAccountPublicAccessBlock"
        );
        assert_eq!(action_for("apigateway", "GetRestApis"), "apigateway:GET");
        assert_eq!(action_for("S3", "HeadBucket"), "s3:ListBucket");
        assert_eq!(
            action_for("SecurityHub", "BatchImportFindings"),
            "securityhub:BatchImportFindings"
        );
        assert_eq!(action_for("API Gateway", "GetStages"), "apigateway:GET");
        assert_eq!(action_for("ApiGatewayV2", "GetRoutes"), "apigateway:GET");
        assert_eq!(
            action_for("S3 Control", "GetPublicAccessBlock"),
            "s3:GetAccountPublicAccessBlock"
        );
        assert_eq!(
            action_for("ec2", "DescribeInstances"),
            "ec2:DescribeInstances"
        );
        // --- SVC: accessanalyzer, inspector2, macie
        assert_eq!(
            action_for("AccessAnalyzer", "ListAnalyzers"),
            "access-analyzer:ListAnalyzers"
        );
        assert_eq!(
            action_for("Inspector2", "BatchGetAccountStatus"),
            "inspector2:BatchGetAccountStatus"
        );
        assert_eq!(
            action_for("Macie2", "GetMacieSession"),
            "macie2:GetMacieSession"
        );
        assert!(!is_mutating("inspector2:BatchGetAccountStatus"));
        assert!(is_mutating("securityhub:BatchImportFindings"));
        // --- end SVC: accessanalyzer, inspector2, macie
    }

    /// The printed policy must work outside the `aws` partition (audit finding 24).
    #[test]
    fn printed_policy_names_no_partition() {
        let text = member_policy().to_string();
        assert!(!text.contains("arn:aws:"), "{text}");
        assert!(text.contains("arn:*:apigateway:*::/restapis"), "{text}");
    }

    /// The posture read actions a CloudFormation template's lines grant (`- service:Operation`).
    fn template_actions(text: &str) -> Vec<String> {
        let mut in_template: Vec<String> = text
            .lines()
            .map(str::trim)
            .filter_map(|l| l.strip_prefix("- "))
            .map(|l| l.trim_matches(|c| c == '"' || c == '\''))
            .filter(|l| {
                let (svc, op) = l.split_once(':').unwrap_or(("", ""));
                [
                    "sts",
                    "iam",
                    "s3",
                    "ec2",
                    "acm",
                    "apigateway",
                    "kms",
                    "lambda",
                    "config",
                    "account",
                    "guardduty",
                    "detective",
                    "cloudtrail",
                    // --- SVC: accessanalyzer, inspector2, macie
                    "access-analyzer",
                    "inspector2",
                    "macie2",
                    // --- end SVC: accessanalyzer, inspector2, macie
                    "securityhub",
                ]
                .contains(&svc)
                    && !op.is_empty()
                    && !op.contains(' ')
                    && !op.starts_with(':')
            })
            .map(str::to_string)
            .collect();
        in_template.sort();
        in_template.dedup();
        in_template
    }

    fn member_actions() -> Vec<String> {
        let mut expected: Vec<String> = MEMBER_ACTIONS.iter().map(|s| s.to_string()).collect();
        expected.sort();
        expected
    }

    /// deploy/member-role.yaml grants exactly MEMBER_ACTIONS.
    #[test]
    fn the_member_role_template_grants_exactly_these_actions() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/deploy/member-role.yaml"
        ))
        .unwrap();
        assert_eq!(template_actions(&text), member_actions());
    }

    /// posture reads the account it runs in with the scanner role's own permissions (it does
    /// not assume the member role there): the scanner role's `posture-read-own-account` policy
    /// grants exactly the member read set.
    #[test]
    fn the_scanner_role_reads_its_own_account_with_the_member_read_set() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/deploy/scanner-role.yaml"
        ))
        .unwrap();
        let own = text
            .split("PolicyName: ")
            .find(|p| p.starts_with("posture-read-own-account"))
            .expect("scanner-role.yaml has the posture-read-own-account policy");
        let mut want = member_actions();
        // The scanner role's identity call is granted in its own statement, with sts:AssumeRole.
        want.retain(|a| a != "sts:GetCallerIdentity");
        let mut got = template_actions(own);
        got.retain(|a| a != "sts:GetCallerIdentity");
        assert_eq!(got, want);
    }
}
