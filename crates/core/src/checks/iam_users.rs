//! Kept for `iam_root.rs` until its port: the user view moved to `shared/iam.rs`.

pub(crate) use super::shared::iam::report_evidence;
