//! posture: an AWS security posture scanner for whole AWS Organizations.
//!
//! Data flows one way: discover (`aws`) → collect (`collect`) → inventory (`inventory`) →
//! evaluate (`checks`, using `policy`) → report (`report`).

pub mod checks;
pub mod config;
pub mod inventory;
pub mod policy;
pub mod aws;
pub mod collect;
pub mod catalog;
pub mod result;
pub mod report;
pub mod cli;
