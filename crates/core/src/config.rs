//! Thresholds that checks compare against. Defaults follow the peers noted in each field's doc;
//! every one can be changed on the command line.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Thresholds {
    /// Credentials unused for this many days fail (CIS 1.11, FSBP IAM.22: 45).
    pub unused_credentials_days: i64,
    /// Active access keys older than this fail (CIS 1.13, FSBP IAM.3: 90).
    pub access_key_max_age_days: i64,
    /// Root used within this many days fails (CIS 1.6 asks for no routine use).
    pub root_recent_use_days: i64,
    /// Certificates expiring within this many days fail (FSBP ACM.1: 30).
    pub certificate_expiry_days: i64,
    /// Minimum password length (CIS 1.8: 14).
    pub password_min_length: i64,
    /// Passwords remembered to prevent reuse (CIS 1.9: 24).
    pub password_reuse_prevention: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            unused_credentials_days: 45,
            access_key_max_age_days: 90,
            root_recent_use_days: 90,
            certificate_expiry_days: 30,
            password_min_length: 14,
            password_reuse_prevention: 24,
        }
    }
}
