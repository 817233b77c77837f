//! Framework scores as the result carries them (computed by `crate::score`).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum ReqStatus {
    Met,
    PartiallyMet,
    NotMet,
    NotAssessed,
    NotApplicable,
    NotAssessable,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RequirementScore {
    pub id: String,
    pub section: String,
    pub status: ReqStatus,
    /// 0–100; absent unless met, partially met or not met.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    pub weight: f64,
    pub passed: usize,
    pub failed: usize,
    pub not_assessed: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Summary {
    /// 0–100; absent when nothing could be scored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Share (0–100) of the applicable requirements that were assessed: not assessed and not
    /// assessable requirements both lower it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
    pub met: usize,
    pub partially_met: usize,
    pub not_met: usize,
    pub not_assessed: usize,
    pub not_applicable: usize,
    pub not_assessable: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SectionScore {
    pub id: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coverage: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct AccountScore {
    pub account_id: String,
    pub summary: Summary,
    pub sections: Vec<SectionScore>,
    pub requirements: Vec<RequirementScore>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FrameworkScore {
    pub framework: String,
    pub name: String,
    pub version: String,
    /// The organization (or, without `--org`, the scanned accounts) as a whole.
    pub overall: Summary,
    /// Per section across the organization.
    pub sections: Vec<SectionScore>,
    /// Organization-scope requirements, scored once.
    pub organization_requirements: Vec<RequirementScore>,
    pub accounts: Vec<AccountScore>,
}
