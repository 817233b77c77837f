//! IAM Access Analyzer, per region: the analyzers the account owns (ListAnalyzers).
//!
//! An organization analyzer lives in the management account or Access Analyzer's delegated
//! administrator; it covers every account of the organization, which see nothing of it in their
//! own ListAnalyzers.

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn accessanalyzer_not_collected() -> Collected<AccessAnalyzer> {
    Collected::Failed(CollectionError::not_read(
        "access-analyzer",
        "ListAnalyzers",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// The analyzers of one account in one region, of every type.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub struct AccessAnalyzer {
    pub analyzers: Vec<Analyzer>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Analyzer {
    pub arn: String,
    pub name: String,
    /// `ACCOUNT`, `ORGANIZATION` (external access), `ACCOUNT_UNUSED_ACCESS`,
    /// `ORGANIZATION_UNUSED_ACCESS`, `ACCOUNT_INTERNAL_ACCESS`, `ORGANIZATION_INTERNAL_ACCESS`.
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
    /// Why the analyzer is `DISABLED` or `FAILED` (StatusReason.Code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<String>,
}

impl Analyzer {
    pub const ACCOUNT: &str = "ACCOUNT";
    pub const ORGANIZATION: &str = "ORGANIZATION";

    pub fn is_active(&self) -> bool {
        self.status == "ACTIVE"
    }

    /// An external access analyzer (zone of trust: the account or the organization); unused and
    /// internal access analyzers answer other questions.
    pub fn is_external_access(&self) -> bool {
        self.analyzer_type == Self::ACCOUNT || self.analyzer_type == Self::ORGANIZATION
    }

    pub fn is_organization(&self) -> bool {
        self.analyzer_type == Self::ORGANIZATION
    }
}
