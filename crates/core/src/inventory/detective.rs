//! Amazon Detective, per Region: the behavior graphs the account administers (ListGraphs) and
//! the graphs it is invited to or a member of (ListInvitations). Detective is optional in the
//! SRA: an account without a graph is "not in use", not a failure.

use serde::{Deserialize, Serialize};

use super::{Collected, CollectionError};

pub(super) fn detective_not_collected() -> Collected<Detective> {
    Collected::Failed(CollectionError::not_read(
        "detective",
        "ListGraphs",
        "not collected: this inventory was saved by an older posture",
    ))
}

/// Detective in one Region of one account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Detective {
    /// ListGraphs: the behavior graphs this account is the administrator of (at most one per
    /// Region); empty when it administers none.
    pub graphs: Vec<DetectiveGraph>,
    /// ListInvitations: the behavior graphs of other accounts this account is invited to or a
    /// member of, with the membership status.
    pub memberships: Collected<Vec<DetectiveMembership>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DetectiveGraph {
    pub arn: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DetectiveMembership {
    pub graph_arn: String,
    /// `ENABLED` (the account's data feeds the graph), `INVITED`, `VERIFICATION_IN_PROGRESS`,
    /// `VERIFICATION_FAILED`, `ACCEPTED_BUT_DISABLED`.
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub administrator_id: Option<String>,
}

impl DetectiveMembership {
    pub fn enabled(&self) -> bool {
        self.status.as_deref() == Some("ENABLED")
    }
}

impl Detective {
    /// Every failed call of this Region's Detective data (ListGraphs failing fails the whole).
    pub fn collection_errors(&self) -> Vec<&CollectionError> {
        self.memberships.error().into_iter().collect()
    }
}
