//! posture: an AWS security posture scanner for whole AWS Organizations.
//!
//! Data flows one way: discover (`aws`) → collect (`collect`) → inventory (`inventory`) →
//! evaluate (`checks`, using `policy`) → report (`report`). This crate holds what talks to AWS
//! (`aws`, `collect`, `deliver`), the scan pipeline (`scan`) and the command line (`cli`); the
//! rest lives in `posture-core` (`crates/core`), which builds without the AWS SDK, and is
//! re-exported here under the same names.

pub mod aws;
pub mod cli;
pub mod collect;
pub mod deliver;
pub mod publish;
pub mod scan;

pub use posture_core::{
    catalog, check, checks, config, coverage, diff, evaluate, frameworks, inventory, output,
    policy, report, result, score, suppress,
};
