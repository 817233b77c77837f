//! Amazon Inspector, per region: the account's own scanning status (BatchGetAccountStatus) and,
//! in Inspector's delegated administrator only, the organization configuration and members.

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn inspector2_not_collected() -> Collected<Inspector2> {
    Collected::Failed(CollectionError::not_read(
        "inspector2",
        "BatchGetAccountStatus",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The account's Inspector status in a region. An account that never enabled Inspector reads
/// `DISABLED` everywhere (AWS answers for it; it is data, not a failure).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Inspector2 {
    /// State.Status of the account: `ENABLING`, `ENABLED`, `DISABLING`, `DISABLED`,
    /// `SUSPENDING`, `SUSPENDED`.
    pub status: String,
    /// ResourceState.Ec2.Status (EC2 instance scanning); `None` when not reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2: Option<String>,
    /// ResourceState.Ecr.Status (ECR container image scanning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecr: Option<String>,
    /// ResourceState.Lambda.Status (Lambda standard scanning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<String>,
    /// ResourceState.LambdaCode.Status (Lambda code scanning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_code: Option<String>,
}

impl Inspector2 {
    pub const ENABLED: &str = "ENABLED";

    /// The account is enabled in the region (whatever its scan types).
    pub fn is_enabled(&self) -> bool {
        self.status == Self::ENABLED
    }

    /// The three scan types the SRA asks for, with their status.
    pub fn scan_types(&self) -> [(&'static str, Option<&str>); 3] {
        [
            ("EC2", self.ec2.as_deref()),
            ("ECR", self.ecr.as_deref()),
            ("Lambda", self.lambda.as_deref()),
        ]
    }
}

/// What Inspector's delegated administrator sees of the organization in one region
/// (DescribeOrganizationConfiguration, ListMembers).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Inspector2Organization {
    /// AutoEnable: scan types turned on for new member accounts.
    pub auto_enable: Inspector2AutoEnable,
    /// The organization has more accounts than the administrator can manage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_account_limit_reached: Option<bool>,
    pub members: Vec<Inspector2Member>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct Inspector2AutoEnable {
    pub ec2: bool,
    pub ecr: bool,
    #[serde(default)]
    pub lambda: bool,
    #[serde(default)]
    pub lambda_code: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Inspector2Member {
    pub account_id: String,
    /// `CREATED`, `INVITED`, `DISABLED`, `ENABLED`, `REMOVED`, `RESIGNED`, `DELETED`,
    /// `EMAIL_VERIFICATION_IN_PROGRESS`, `EMAIL_VERIFICATION_FAILED`, `REGION_DISABLED`,
    /// `ACCOUNT_SUSPENDED`, `CANNOT_CREATE_DETECTOR_IN_ORG_MASTER`.
    pub relationship_status: String,
}

impl Inspector2Member {
    pub fn is_enabled(&self) -> bool {
        self.relationship_status == "ENABLED"
    }
}
