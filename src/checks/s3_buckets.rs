//! Shared walking of S3 buckets and the layered Block Public Access settings.

use super::{Context, Results, account_resource};
use crate::inventory::{AccountInventory, Bucket, Collected, PublicAccessBlock, S3};
use crate::policy::{self, Policy};

pub(crate) fn bucket_arn(ctx: &Context, name: &str) -> String {
    format!("arn:{}:s3:::{name}", ctx.partition())
}

/// The region of a bucket for results (`None` if its location could not be read).
pub(crate) fn bucket_region(b: &Bucket) -> Option<&str> {
    match &b.region {
        Collected::Ok(r) => Some(r.as_str()),
        Collected::Failed(_) => None,
    }
}

/// Visit every bucket of every accessible account.
pub(crate) fn for_each_bucket(
    ctx: &Context,
    out: &mut Results,
    mut per_bucket: impl FnMut(&mut Results, &AccountInventory, &S3, &Bucket, &str),
) {
    for acct in out.accessible_accounts(ctx.inventory) {
        let id = &acct.account_id;
        let res = account_resource(id);
        let Some(s3) = out.collected(&acct.s3, id, None, &res) else {
            continue;
        };
        let Some(buckets) = out.collected(&s3.buckets, id, None, &res) else {
            continue;
        };
        for b in buckets {
            let arn = bucket_arn(ctx, &b.name);
            per_bucket(out, acct, s3, b, &arn);
        }
    }
}

/// Block Public Access as S3 applies it: a setting is on when it is on at the bucket or the
/// account level. `Err` when a level that matters could not be read.
pub(crate) struct EffectiveBpa {
    pub settings: PublicAccessBlock,
    /// Which layer turned each setting on, for evidence.
    pub bucket: Option<PublicAccessBlock>,
    pub account: Option<PublicAccessBlock>,
}

impl EffectiveBpa {
    /// The layer that enables a setting, for evidence.
    pub fn layer(&self, pick: fn(&PublicAccessBlock) -> bool) -> &'static str {
        if self.bucket.as_ref().is_some_and(pick) {
            "bucket"
        } else if self.account.as_ref().is_some_and(pick) {
            "account"
        } else {
            "none"
        }
    }
}

pub(crate) fn effective_bpa(s3: &S3, b: &Bucket) -> Result<EffectiveBpa, String> {
    let bucket = match &b.public_access_block {
        Collected::Ok(v) => *v,
        Collected::Failed(e) => return Err(format!("bucket Block Public Access unknown: {e}")),
    };
    let account = match &s3.account_public_access_block {
        Collected::Ok(v) => *v,
        Collected::Failed(e) => return Err(format!("account Block Public Access unknown: {e}")),
    };
    let bu = bucket.unwrap_or_default();
    let ac = account.unwrap_or_default();
    Ok(EffectiveBpa {
        settings: PublicAccessBlock {
            block_public_acls: bu.block_public_acls || ac.block_public_acls,
            ignore_public_acls: bu.ignore_public_acls || ac.ignore_public_acls,
            block_public_policy: bu.block_public_policy || ac.block_public_policy,
            restrict_public_buckets: bu.restrict_public_buckets || ac.restrict_public_buckets,
        },
        bucket,
        account,
    })
}

/// The bucket's parsed policy: `Ok(None)` when it has none; `Err` with a not-assessed reason
/// when it was not collected or cannot be analysed.
pub(crate) fn bucket_policy(b: &Bucket) -> Result<Option<Policy>, String> {
    match &b.policy {
        Collected::Failed(e) => Err(format!("not assessed: {e}")),
        Collected::Ok(None) => Ok(None),
        Collected::Ok(Some(text)) => policy::parse(text)
            .map(Some)
            .map_err(|e| format!("not assessed: the bucket policy could not be analysed: {e}")),
    }
}
