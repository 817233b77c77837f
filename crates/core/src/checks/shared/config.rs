//! What the AWS Config checks (and the coverage probe "config") share: is a region recording,
//! what does its recorder record, and does it record the global IAM resource types.

use crate::check::Reason;
use crate::inventory::{Config, ConfigRecorder, ConfigRecorderStatus, RecordingGroup};

/// Regions where Config cannot record the global IAM resource types (users, groups, roles,
/// customer managed policies): the regions Config supports since February 2022. Listed by the
/// RecordingStrategy API reference
/// (<https://docs.aws.amazon.com/config/latest/APIReference/API_RecordingStrategy.html>:
/// Hyderabad, Melbourne, Calgary, Spain, Zurich, Tel Aviv, UAE) and the regions opened after
/// (Malaysia, Thailand, Mexico, Taipei, New Zealand), as of 2026-11-30.
pub const NO_GLOBAL_IAM_REGIONS: &[&str] = &[
    "ap-south-2",
    "ap-southeast-4",
    "ca-west-1",
    "eu-south-2",
    "eu-central-2",
    "il-central-1",
    "me-central-1",
    "ap-southeast-5",
    "ap-southeast-7",
    "mx-central-1",
    "ap-east-2",
    "ap-southeast-6",
];

/// The global IAM resource types.
pub const GLOBAL_IAM_TYPES: &[&str] = &[
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
];

/// The state of Config's customer managed recorder in a region.
pub enum RecorderState<'a> {
    /// A recorder exists and is recording.
    Recording(&'a ConfigRecorder, &'a ConfigRecorderStatus),
    /// A recorder exists and is not recording (stopped, or never started).
    Stopped(&'a ConfigRecorder, &'a ConfigRecorderStatus),
    /// No recorder: Config is off in the region.
    Absent,
}

/// The customer managed recorder of the region (service-linked recorders record only what
/// their service needs and do not count).
pub fn recorder(c: &Config) -> Option<&ConfigRecorder> {
    c.recorders
        .iter()
        .find(|r| r.recording_scope.as_deref() != Some("INTERNAL"))
}

/// Whether the region records: the judgement of `config-recorder-enabled` and of the
/// coverage probe. `Err` when it cannot be told (the status could not be read or does not
/// name the recorder).
pub fn recorder_state(c: &Config) -> Result<RecorderState<'_>, Reason> {
    let Some(rec) = recorder(c) else {
        return Ok(RecorderState::Absent);
    };
    let statuses = c.recorder_statuses.as_ref().map_err(Reason::collection)?;
    let Some(status) = statuses.iter().find(|s| s.name == rec.name) else {
        return Err(Reason::not_reported(format!(
            "DescribeConfigurationRecorderStatus reports no status for recorder {}",
            rec.name
        )));
    };
    Ok(if status.recording {
        RecorderState::Recording(rec, status)
    } else {
        RecorderState::Stopped(rec, status)
    })
}

/// What a recorder records, in words.
pub enum Recorded {
    /// Every supported resource type (how the recording group says so).
    All(&'static str),
    /// Some supported types are left out (which).
    Partial(String),
}

/// What a recorder records.
pub fn records_all_types(rec: &ConfigRecorder) -> Recorded {
    let Some(g) = &rec.recording_group else {
        // AWS's default recording group records every supported type.
        return Recorded::All("every supported resource type (the default recording group)");
    };
    match g.strategy.as_deref() {
        Some("EXCLUSION_BY_RESOURCE_TYPES") if g.exclusions.is_empty() => Recorded::All(
            "every supported resource type (an exclusion strategy that excludes nothing)",
        ),
        Some("EXCLUSION_BY_RESOURCE_TYPES") => Recorded::Partial(format!(
            "it excludes {} resource type(s): {}",
            g.exclusions.len(),
            g.exclusions.join(", ")
        )),
        Some("INCLUSION_BY_RESOURCE_TYPES") => Recorded::Partial(included_only(g)),
        _ if g.all_supported => Recorded::All("every supported resource type"),
        _ => Recorded::Partial(included_only(g)),
    }
}

fn included_only(g: &RecordingGroup) -> String {
    if g.resource_types.is_empty() {
        "it records no resource type (allSupported is false and no type is listed)".to_string()
    } else {
        format!(
            "it records only {} listed resource type(s): {}",
            g.resource_types.len(),
            g.resource_types.join(", ")
        )
    }
}

/// The recorder of `region` records the global IAM resource types.
pub fn records_global_iam(region: &str, rec: &ConfigRecorder) -> bool {
    if NO_GLOBAL_IAM_REGIONS.contains(&region) {
        return false;
    }
    let Some(g) = &rec.recording_group else {
        // The default recording group: all supported, global types not included.
        return false;
    };
    match g.strategy.as_deref() {
        Some("EXCLUSION_BY_RESOURCE_TYPES") => GLOBAL_IAM_TYPES
            .iter()
            .any(|t| !g.exclusions.iter().any(|e| e == t)),
        Some("INCLUSION_BY_RESOURCE_TYPES") => GLOBAL_IAM_TYPES
            .iter()
            .any(|t| g.resource_types.iter().any(|r| r == t)),
        _ if g.all_supported => g.include_global_resource_types,
        _ => GLOBAL_IAM_TYPES
            .iter()
            .any(|t| g.resource_types.iter().any(|r| r == t)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gap(r: &ConfigRecorder) -> String {
        match records_all_types(r) {
            Recorded::All(_) => String::new(),
            Recorded::Partial(g) => g,
        }
    }
    fn all(r: &ConfigRecorder) -> bool {
        matches!(records_all_types(r), Recorded::All(_))
    }

    fn group(all: bool, global: bool, strategy: Option<&str>, types: &[&str]) -> ConfigRecorder {
        let s = |v: &[&str]| v.iter().map(|t| t.to_string()).collect::<Vec<_>>();
        ConfigRecorder {
            name: "default".into(),
            recording_group: Some(RecordingGroup {
                all_supported: all,
                include_global_resource_types: global,
                resource_types: if strategy == Some("EXCLUSION_BY_RESOURCE_TYPES") {
                    vec![]
                } else {
                    s(types)
                },
                exclusions: if strategy == Some("EXCLUSION_BY_RESOURCE_TYPES") {
                    s(types)
                } else {
                    vec![]
                },
                strategy: strategy.map(str::to_string),
            }),
            ..Default::default()
        }
    }

    /// The recording strategies of the RecordingStrategy API reference.
    #[test]
    fn strategies() {
        let all_types = group(true, true, Some("ALL_SUPPORTED_RESOURCE_TYPES"), &[]);
        assert!(all(&all_types));
        assert!(records_global_iam("us-east-1", &all_types));
        // ALL_SUPPORTED without includeGlobalResourceTypes leaves the IAM types out.
        let no_global = group(true, false, None, &[]);
        assert!(all(&no_global));
        assert!(!records_global_iam("us-east-1", &no_global));
        // Global IAM types cannot be recorded in regions opened after February 2022.
        assert!(!records_global_iam("eu-central-2", &all_types));
        let excl = group(
            false,
            false,
            Some("EXCLUSION_BY_RESOURCE_TYPES"),
            &["AWS::EC2::Instance"],
        );
        assert!(gap(&excl).contains("AWS::EC2::Instance"));
        assert!(records_global_iam("us-east-1", &excl));
        let incl = group(
            false,
            false,
            Some("INCLUSION_BY_RESOURCE_TYPES"),
            &["AWS::IAM::Role"],
        );
        assert!(gap(&incl).contains("only 1"));
        assert!(records_global_iam("us-east-1", &incl));
        let nothing = group(false, false, None, &[]);
        assert!(gap(&nothing).contains("no resource type"));
        let default = ConfigRecorder::default();
        assert!(all(&default));
        assert!(!records_global_iam("us-east-1", &default));
    }
}
