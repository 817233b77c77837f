//! Judgements shared by several checks of one service. Nothing here is a check: a check is a
//! file `checks/<id>.rs` with one `CHECK`.

pub mod acm;
pub mod apigateway;
pub mod boundary;
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
