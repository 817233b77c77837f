//! posture: an AWS security posture scanner for whole AWS Organizations.
//!
//! Data flows one way: discover (`aws`) → collect (`collect`) → inventory (`inventory`) →
//! evaluate (`checks`, using `policy`) → report (`report`).

pub mod aws;
pub mod catalog;
pub mod checks;
pub mod cli;
pub mod collect;
pub mod config;
pub mod deliver;
pub mod diff;
pub mod frameworks;
pub mod inventory;
pub mod output;
pub mod policy;
pub mod report;
pub mod result;
pub mod scan;
pub mod score;
pub mod suppress;
