//! GuardDuty, per Region: the account's detector (ListDetectors, GetDetector) and, in the
//! account Organizations lists as GuardDuty's delegated administrator, the organization's
//! configuration and members as that administrator sees them (DescribeOrganizationConfiguration,
//! ListMembers).

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn guardduty_not_collected() -> Collected<GuardDuty> {
    Collected::Failed(CollectionError::not_read(
        "guardduty",
        "ListDetectors",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// GuardDuty in one Region of one account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct GuardDuty {
    /// The Region's detector (an account has at most one per Region); `None` when ListDetectors
    /// lists none: GuardDuty was never enabled there, or was disabled (which deletes the
    /// detector). That is an answer ("off"), not a failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detector: Option<GuardDutyDetector>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GuardDutyDetector {
    pub detector_id: String,
    /// GetDetector.
    pub details: Collected<DetectorDetails>,
    /// The organization as GuardDuty's delegated administrator sees it from this detector:
    /// present only in the account Organizations lists as the administrator
    /// (`guardduty.amazonaws.com`); `None` everywhere else (no call is made there).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<GuardDutyOrgView>,
}

/// What GetDetector says of the detector.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct DetectorDetails {
    /// `ENABLED`, or `DISABLED` (suspended: no monitoring, no findings).
    pub status: Option<String>,
    /// The protection plans and data sources (`Features`): `S3_DATA_EVENTS`,
    /// `EKS_AUDIT_LOGS`, `EBS_MALWARE_PROTECTION`, `RDS_LOGIN_EVENTS`, `LAMBDA_NETWORK_LOGS`,
    /// `RUNTIME_MONITORING` (or the older `EKS_RUNTIME_MONITORING`), `CLOUD_TRAIL`,
    /// `DNS_LOGS`, `FLOW_LOGS`, ...
    #[serde(default)]
    pub features: Vec<DetectorFeature>,
    /// `DataSources.S3Logs.Status`, the older form of S3 Protection: read only when
    /// `Features` does not list `S3_DATA_EVENTS` (emulators, older responses).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_logs: Option<String>,
    /// `FIFTEEN_MINUTES`, `ONE_HOUR`, `SIX_HOURS`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_publishing_frequency: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DetectorFeature {
    pub name: String,
    /// `ENABLED` or `DISABLED`.
    pub status: Option<String>,
    /// Sub-settings (`EKS_ADDON_MANAGEMENT`, `ECS_FARGATE_AGENT_MANAGEMENT`,
    /// `EC2_AGENT_MANAGEMENT`) with their status.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<FeatureSetting>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FeatureSetting {
    pub name: String,
    /// `ENABLED`/`DISABLED` (detector) or `NEW`/`ALL`/`NONE` (organization auto-enable).
    pub value: Option<String>,
}

/// The delegated administrator's view of the organization in one Region.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GuardDutyOrgView {
    /// DescribeOrganizationConfiguration (every page of its features).
    pub configuration: Collected<GuardDutyOrgConfiguration>,
    /// ListMembers with `onlyAssociated=false`: every member, whatever its relationship.
    pub members: Collected<Vec<GuardDutyMember>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct GuardDutyOrgConfiguration {
    /// `AutoEnableOrganizationMembers`: `ALL` (every account, existing ones included), `NEW`
    /// (accounts that join), or `NONE`.
    pub auto_enable_organization_members: Option<String>,
    /// The organization reached GuardDuty's member limit: new accounts are not added.
    #[serde(default)]
    pub member_account_limit_reached: bool,
    /// Per protection plan, its auto-enable setting (`NEW`, `ALL`, `NONE`).
    #[serde(default)]
    pub features: Vec<OrgFeature>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct OrgFeature {
    pub name: String,
    pub auto_enable: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_configuration: Vec<FeatureSetting>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct GuardDutyMember {
    pub account_id: String,
    /// `Enabled` (monitored by the administrator), `Created`, `Invited`, `Disabled`,
    /// `Removed`, `Resigned`, `EmailVerificationInProgress`, `EmailVerificationFailed`, ...
    pub relationship_status: Option<String>,
    /// The member's detector in this Region, as the administrator knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detector_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_id: Option<String>,
}

impl GuardDutyMember {
    /// The administrator monitors the account (`Enabled`).
    pub fn enabled(&self) -> bool {
        self.relationship_status
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("enabled"))
    }
}

impl DetectorDetails {
    pub fn feature(&self, name: &str) -> Option<&DetectorFeature> {
        self.features.iter().find(|f| f.name == name)
    }
}

impl GuardDuty {
    /// Every failed call of this Region's GuardDuty data.
    pub fn collection_errors(&self) -> Vec<&CollectionError> {
        let Some(d) = &self.detector else {
            return Vec::new();
        };
        let mut out: Vec<&CollectionError> = d.details.error().into_iter().collect();
        if let Some(org) = &d.organization {
            out.extend(org.configuration.error());
            out.extend(org.members.error());
        }
        out
    }
}
