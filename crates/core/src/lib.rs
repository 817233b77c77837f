//! posture's core: everything between the collected inventory and the report, with no AWS SDK.
//!
//! Data flows one way: inventory (`inventory`) → evaluate (`checks`, using `policy`) → results
//! and scores (`result`, `score`, `frameworks`, `catalog`) → report (`report`, `output`). The
//! scanner crate (`posture`, at the repository's top level) collects the inventory from AWS and
//! calls this crate; a check is written and tested here without compiling the SDK.

pub mod catalog;
pub mod check;
pub mod checks;
pub mod config;
pub mod coverage;
pub mod diff;
pub mod evaluate;
pub mod frameworks;
pub mod inventory;
pub mod output;
pub mod policy;
pub mod report;
pub mod result;
pub mod score;
pub mod suppress;
