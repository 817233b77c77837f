//! S3: a bucket's policy as the checks read it.

use crate::check::Reason;
use crate::inventory::{Bucket, Collected};
use crate::policy::{self, Policy};

/// The bucket's parsed policy: `Ok(None)` when it has none; `Err` with the reason when it was
/// not collected or cannot be analysed.
pub fn bucket_policy(b: &Bucket) -> Result<Option<Policy>, Reason> {
    match &b.policy {
        Collected::Failed(e) => Err(Reason::collection(e)),
        Collected::Ok(None) => Ok(None),
        Collected::Ok(Some(text)) => policy::parse(text)
            .map(Some)
            .map_err(|e| Reason::unparseable("the bucket policy", e)),
    }
}
