//! CloudTrail, per region: the trails DescribeTrails lists there with `includeShadowTrails`
//! (the trails whose home region it is, and the shadows of multi-region and organization
//! trails created elsewhere), each with its status (GetTrailStatus) and the management events
//! it records (GetEventSelectors) where they were read.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn cloudtrail_not_collected() -> Collected<CloudTrail> {
    Collected::Failed(CollectionError::not_read(
        "cloudtrail",
        "DescribeTrails",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The trails DescribeTrails lists in one region (shadow trails included).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
pub struct CloudTrail {
    pub trails: Vec<Trail>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Trail {
    pub name: String,
    /// `arn:<partition>:cloudtrail:<home region>:<owner account>:trail/<name>`: an organization
    /// trail listed in a member account carries the account that created it.
    pub arn: String,
    /// The region the trail was created in; `None` when DescribeTrails did not say.
    pub home_region: Option<String>,
    pub is_multi_region: bool,
    pub is_organization_trail: bool,
    pub include_global_service_events: bool,
    pub log_file_validation_enabled: bool,
    pub s3_bucket_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_key_prefix: Option<String>,
    /// The KMS key (ARN) that encrypts the log files; `None`: SSE-S3 only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudwatch_logs_log_group_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudwatch_logs_role_arn: Option<String>,
    /// `false`: the default selector (every management event, read and write, no data event).
    pub has_custom_event_selectors: bool,
    /// GetTrailStatus, read once per trail: in its home region, or in the region listing it when
    /// the home region is not scanned. `None` on the other listings (shadows).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<Collected<TrailStatus>>,
    /// The management events the trail records: read with GetEventSelectors where the status is
    /// read and the trail has custom selectors; `None` otherwise (no call made).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_events: Option<Collected<ManagementEvents>>,
}

impl Trail {
    /// The account that owns the trail (from its ARN).
    pub fn owner_account(&self) -> Option<&str> {
        self.arn.split(':').nth(4).filter(|a| !a.is_empty())
    }

    /// A trail whose home region is `region`.
    pub fn homed_in(&self, region: &str) -> bool {
        self.home_region.as_deref() == Some(region)
    }
}

/// GetTrailStatus.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct TrailStatus {
    pub is_logging: bool,
    /// The last error delivering log files to the bucket; `None` when the last delivery worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_delivery_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloudwatch_logs_delivery_error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_cloudwatch_logs_delivery_time: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_logging_time: Option<DateTime<Utc>>,
}

/// Which management events a trail's selectors record (basic `EventSelectors` with
/// `IncludeManagementEvents` and `ReadWriteType`, or advanced selectors with
/// `eventCategory = Management` and an optional `readOnly` field).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
pub struct ManagementEvents {
    pub read: bool,
    pub write: bool,
}

impl ManagementEvents {
    pub const ALL: ManagementEvents = ManagementEvents {
        read: true,
        write: true,
    };

    pub fn label(&self) -> &'static str {
        match (self.read, self.write) {
            (true, true) => "all management events",
            (false, true) => "write-only management events",
            (true, false) => "read-only management events",
            (false, false) => "no management events",
        }
    }
}
