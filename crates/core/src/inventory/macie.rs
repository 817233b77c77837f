//! Amazon Macie, per region: the account's Macie session (GetMacieSession) and, in Macie's
//! delegated administrator only, the organization configuration and members.

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn macie_not_collected() -> Collected<Macie> {
    Collected::Failed(CollectionError::not_read(
        "macie2",
        "GetMacieSession",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The account's Macie in a region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Macie {
    /// GetMacieSession answered AccessDeniedException "Macie is not enabled": the account never
    /// enabled Macie in the region, or disabled it (data, not a failure).
    NotEnabled,
    /// GetMacieSession answered.
    Session {
        /// `ENABLED` or `PAUSED`.
        status: String,
        /// `FIFTEEN_MINUTES`, `ONE_HOUR`, `SIX_HOURS`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        finding_publishing_frequency: Option<String>,
    },
}

impl Macie {
    pub fn is_enabled(&self) -> bool {
        matches!(self, Macie::Session { status, .. } if status == "ENABLED")
    }

    /// The status as a word for messages: `ENABLED`, `PAUSED`, `not enabled`.
    pub fn status(&self) -> &str {
        match self {
            Macie::NotEnabled => "not enabled",
            Macie::Session { status, .. } => status,
        }
    }
}

/// What Macie's delegated administrator sees of the organization in one region
/// (DescribeOrganizationConfiguration, ListMembers).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct MacieOrganization {
    /// AutoEnable: Macie is enabled for accounts that join the organization.
    pub auto_enable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_account_limit_reached: Option<bool>,
    pub members: Vec<MacieMember>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct MacieMember {
    pub account_id: String,
    /// `Enabled`, `Paused`, `Invited`, `Created`, `Removed`, `Resigned`,
    /// `EmailVerificationInProgress`, `EmailVerificationFailed`, `RegionDisabled`,
    /// `AccountSuspended`.
    pub relationship_status: String,
}

impl MacieMember {
    pub fn is_enabled(&self) -> bool {
        self.relationship_status == "Enabled"
    }
}
