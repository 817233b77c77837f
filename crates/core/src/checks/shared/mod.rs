//! Judgements shared by several checks of one service. Nothing here is a check: a check is a
//! file `checks/<id>.rs` with one `CHECK`.

// --- SVC: accessanalyzer, inspector2, macie
pub mod accessanalyzer;
pub mod inspector2;
pub mod macie;
// --- end SVC: accessanalyzer, inspector2, macie
pub mod acm;
pub mod apigateway;
pub mod boundary;
pub mod config;
// --- backbone: guardduty + detective ---
pub mod detective;
pub mod guardduty;
// --- end guardduty + detective ---
// --- backbone: cloudtrail
pub mod cloudtrail;
// --- end backbone: cloudtrail
pub mod ec2;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod layers;
pub mod network;
pub mod org_policies;
pub mod s3;
// --- SVC: securityhub ---
pub mod securityhub;
// --- end SVC: securityhub ---
