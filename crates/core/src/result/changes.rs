//! The changes since a baseline as the result carries them (computed by `crate::diff`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Severity;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DiffEntry {
    pub id: String,
    pub check_id: String,
    pub severity: Severity,
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ScoreChange {
    pub framework: String,
    /// Absent for the organization as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Diff {
    pub baseline_evaluated_at: DateTime<Utc>,
    /// Failing now, not failing in the baseline.
    pub new: Vec<DiffEntry>,
    /// Failing in the baseline, not failing now (fixed, suppressed, or the resource is gone).
    pub resolved: Vec<DiffEntry>,
    /// Failing in both.
    pub persisting: usize,
    pub scores: Vec<ScoreChange>,
}
