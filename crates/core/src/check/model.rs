//! What a check produces: one result per resource, with its status, message and evidence.

use serde::{Deserialize, Serialize};

use super::identity::Tags;
use super::reason::ReasonRecord;

/// Outcome of one check on one resource.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// There was nothing to check (e.g. no cache on the stage).
    NotApplicable,
    /// The inputs were not collected; `reason` says why. Never a pass.
    NotAssessed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not_applicable",
            Status::NotAssessed => "not_assessed",
        }
    }
}

/// One fact that decided a result: where it is (a path in the inventory or document) and what
/// it was.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub path: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckResult {
    pub check_id: String,
    pub status: Status,
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ARN where the resource has one, otherwise a stable identifier.
    pub resource: String,
    /// One sentence: what was found.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    /// The resource's tags, from its identity ([`Identity::tags`](super::Identity::tags)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Tags>,
    /// For `NotAssessed`: the structured reason (the message is its sentence).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonRecord>,
}

impl CheckResult {
    pub fn with(&mut self, path: impl Into<String>, value: impl ToString) -> &mut Self {
        self.evidence.push(Evidence {
            path: path.into(),
            value: value.to_string(),
        });
        self
    }
}
