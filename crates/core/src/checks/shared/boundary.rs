//! The organization boundary as the outside-org checks read a policy: the statements that let
//! someone outside in, and how each statement was read.

use crate::check::Findings;
use crate::policy::{Boundary, OutsideGrant, Policy, boundary_decisions};

/// A policy's Allow statements with an AWS principal, judged against the boundary.
pub struct Decisions {
    /// Every such statement, with its reading.
    pub all: Vec<OutsideGrant>,
    /// Those that let someone outside the boundary in.
    pub outside: Vec<OutsideGrant>,
}

pub fn decisions(policy: &Policy, boundary: &Boundary) -> Decisions {
    let all = boundary_decisions(policy, boundary);
    let outside = all.iter().filter(|g| !g.who.is_empty()).cloned().collect();
    Decisions { all, outside }
}

impl Decisions {
    /// Evidence of how each statement was read: principals set aside (CloudFront identities,
    /// deleted principals) and the conditions that decided.
    pub fn reading_evidence(&self, out: &mut Findings) {
        for g in self.all.iter().filter(|g| !g.notes.is_empty()) {
            out.evidence(
                format!("policy.{}.reading", g.statement),
                g.notes.join("; "),
            );
        }
    }
}
