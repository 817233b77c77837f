//! IAM policy documents: parsing every legal form, and the questions checks ask of them.
//!
//! Parsing is manual over `serde_json::Value` so that a document that is not a valid policy is
//! reported with where it broke (`Statement[2].Principal: ...`) instead of a generic serde error.

mod boundary;
mod document;
mod questions;
mod scp;
mod wildcard;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
pub(crate) mod fuzz_tests;

pub use boundary::{
    Boundary, OutsideGrant, TrustAnalysis, boundary_decisions, outside_accounts, outside_boundary,
    resources_outside_boundary, restricted_to_private_path, trust,
};
pub use document::{
    Condition, ConditionOperator, Effect, NameList, ParseError, Policy, Principal, Statement, parse,
};
pub use questions::{
    PublicGrant, Verdict, grants_public_access, is_full_access_endpoint_policy, tls_enforced,
    write_actions_granted,
};
pub use scp::{AppliedScp, RegionDenial, denied_regions};
pub use wildcard::wildcard_match;
