//! AWS Config in one region of one account: the customer managed configuration recorder and
//! its status, the delivery channels and the configuration aggregators; and the two other
//! account settings of the same backbone helper: EBS encryption by default (EC2, per region)
//! and the account's security alternate contact (Account Management, account-wide).

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn config_not_collected() -> Collected<Config> {
    Collected::Failed(CollectionError::not_read(
        "config",
        "DescribeConfigurationRecorders",
        "not collected: this inventory was saved by an older posture",
    ))
}

pub(super) fn ebs_encryption_not_collected() -> Collected<EbsEncryptionDefault> {
    Collected::Failed(CollectionError::not_read(
        "ec2",
        "GetEbsEncryptionByDefault",
        "not collected: this inventory was saved by an older posture",
    ))
}

pub(super) fn security_contact_not_collected() -> Collected<Option<AlternateContact>> {
    Collected::Failed(CollectionError::not_read(
        "account",
        "GetAlternateContact",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// AWS Config in a region. `recorders` is DescribeConfigurationRecorders without names: the
/// customer managed recorder (at most one per region), or none — "no recorder" is data (Config
/// is off there), not a failure. Service-linked recorders (`recording_scope` `INTERNAL`, made by
/// another AWS service for its own needs) are not returned by that call.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Config {
    pub recorders: Vec<ConfigRecorder>,
    /// DescribeConfigurationRecorderStatus.
    pub recorder_statuses: Collected<Vec<ConfigRecorderStatus>>,
    /// DescribeDeliveryChannels.
    pub delivery_channels: Collected<Vec<ConfigDeliveryChannel>>,
    /// DescribeConfigurationAggregators (paginated).
    pub aggregators: Collected<Vec<ConfigAggregator>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ConfigRecorder {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// RecordingGroup; `None` when AWS sent none (AWS's default is all supported types).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_group: Option<RecordingGroup>,
    /// `PAID` (customer managed) or `INTERNAL` (service-linked); `None` when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recording_scope: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct RecordingGroup {
    pub all_supported: bool,
    pub include_global_resource_types: bool,
    /// Resource types named for INCLUSION_BY_RESOURCE_TYPES.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resource_types: Vec<String>,
    /// Resource types excluded for EXCLUSION_BY_RESOURCE_TYPES.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exclusions: Vec<String>,
    /// RecordingStrategy.useOnly: `ALL_SUPPORTED_RESOURCE_TYPES`,
    /// `INCLUSION_BY_RESOURCE_TYPES`, `EXCLUSION_BY_RESOURCE_TYPES`; `None` when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strategy: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ConfigRecorderStatus {
    pub name: String,
    pub recording: bool,
    /// `Pending`, `Success` or `Failure`; `None` when the recorder never ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error_message: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ConfigDeliveryChannel {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_bucket_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_kms_key_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sns_topic_arn: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct ConfigAggregator {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// OrganizationAggregationSource; `None` for an aggregator of listed accounts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_source: Option<AggregationRegions>,
    /// The regions of its AccountAggregationSources (accounts listed by hand).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_sources: Vec<AggregationRegions>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AggregationRegions {
    pub all_aws_regions: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aws_regions: Vec<String>,
    /// AccountAggregationSource.AccountIds (empty for an organization source).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub account_ids: Vec<String>,
}

/// EBS encryption by default in a region (GetEbsEncryptionByDefault).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct EbsEncryptionDefault {
    pub enabled: bool,
    /// `sse-ebs` or `sse-kms`; `None` when not sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sse_type: Option<String>,
}

/// An alternate contact of the account (GetAlternateContact). AWS masks nothing for the
/// account itself; posture keeps the name and the title, not the email or the phone number.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AlternateContact {
    /// `SECURITY`, `BILLING` or `OPERATIONS`.
    pub contact_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// An email address was set (AWS requires one).
    pub has_email: bool,
}
