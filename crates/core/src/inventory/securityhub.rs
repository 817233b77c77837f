//! AWS Security Hub (CSPM), per region: the account's hub (DescribeHub), its enabled standards
//! (GetEnabledStandards) and, in the Security Hub delegated administrator only, the
//! organization configuration (DescribeOrganizationConfiguration) and the members (ListMembers).

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn securityhub_not_collected() -> Collected<SecurityHub> {
    Collected::Failed(CollectionError::not_read(
        "securityhub",
        "DescribeHub",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// Security Hub in one region of one account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityHub {
    /// The hub; `None` when the account is not subscribed to Security Hub in the region
    /// (DescribeHub answered InvalidAccessException "… is not subscribed to AWS Security Hub").
    pub hub: Option<Hub>,
    /// The standards subscriptions (GetEnabledStandards, every page); empty without a hub
    /// (not called: AWS refuses it for an account that is not subscribed).
    pub standards: Collected<Vec<StandardsSubscription>>,
    /// The organization view, read only in the account Organizations lists as Security Hub's
    /// delegated administrator (`securityhub.amazonaws.com`); `None` elsewhere (no call made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<SecurityHubOrganization>,
}

/// DescribeHub.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Hub {
    /// `arn:<partition>:securityhub:<region>:<account>:hub/default`.
    pub arn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscribed_at: Option<String>,
    /// New controls of enabled standards are enabled automatically.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable_controls: Option<bool>,
    /// `SECURITY_CONTROL` (consolidated control findings) or `STANDARD_CONTROL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_finding_generator: Option<String>,
}

/// One entry of GetEnabledStandards.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct StandardsSubscription {
    /// e.g. `arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0`
    /// or `arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0`.
    pub standards_arn: String,
    pub subscription_arn: String,
    /// `PENDING`, `READY`, `FAILED`, `DELETING` or `INCOMPLETE`.
    pub status: String,
    /// StandardsStatusReason.StatusReasonCode, when AWS gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
}

/// What the delegated administrator sees of the organization in one region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityHubOrganization {
    pub configuration: Collected<SecurityHubOrgConfiguration>,
    /// Every member account (ListMembers with OnlyAssociated = false, every page).
    pub members: Collected<Vec<SecurityHubMember>>,
}

/// DescribeOrganizationConfiguration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityHubOrgConfiguration {
    /// New organization accounts are enabled automatically (local configuration).
    pub auto_enable: bool,
    /// `NONE` or `DEFAULT`: whether the default standards are enabled in new members.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable_standards: Option<String>,
    #[serde(default)]
    pub member_account_limit_reached: bool,
    /// OrganizationConfiguration.ConfigurationType: `CENTRAL` or `LOCAL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_type: Option<String>,
    /// OrganizationConfiguration.Status: `PENDING`, `ENABLED` or `FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration_status_message: Option<String>,
}

/// One member of ListMembers.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SecurityHubMember {
    pub account_id: String,
    /// `Created`, `Invited`, `Enabled`, `Removed`, `Resigned`, `Deleted` or `AccountSuspended`.
    pub member_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_id: Option<String>,
}

impl SecurityHubMember {
    /// The administrator manages the account: its findings reach the administrator.
    pub fn enabled(&self) -> bool {
        self.member_status.eq_ignore_ascii_case("Enabled")
    }
}

impl SecurityHub {
    /// Every failed call under this region's Security Hub data.
    pub fn errors(&self) -> Vec<&CollectionError> {
        let mut out: Vec<&CollectionError> = self.standards.error().into_iter().collect();
        if let Some(o) = &self.organization {
            out.extend(o.configuration.error());
            out.extend(o.members.error());
        }
        out
    }
}
