//! The S3 helpers of the checks not yet ported to the check API (`s3-bucket-policy-outside-org`,
//! `sra-app-data-bucket-restricted`); the ported checks use [`shared::s3`]. Removed once those
//! are ported.

use super::shared::{self, s3::EffectiveBpa};
use super::{Context, Results, account_resource};
use crate::inventory::{AccountInventory, Bucket, Collected, S3};
use crate::policy::Policy;

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
    for acct in out.accessible_accounts(ctx) {
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

/// The effective Block Public Access ([`shared::s3::effective_bpa`]) with the reason as text.
pub(crate) fn effective_bpa(s3: &S3, b: &Bucket) -> Result<EffectiveBpa, String> {
    shared::s3::effective_bpa(s3, b).map_err(|r| r.detail)
}

/// The bucket's parsed policy ([`shared::s3::bucket_policy`]) with the not-assessed sentence.
pub(crate) fn bucket_policy(b: &Bucket) -> Result<Option<Policy>, String> {
    shared::s3::bucket_policy(b).map_err(|r| r.sentence())
}

/// The parsed policy for checks that grant a pass to buckets without one; records the result
/// (not assessed, or pass for no policy) and returns `None` when there is nothing to analyse.
pub(crate) fn policy_or_record(
    out: &mut Results,
    account: &str,
    region: Option<&str>,
    arn: &str,
    b: &Bucket,
) -> Option<Policy> {
    match bucket_policy(b) {
        Err(reason) => {
            out.not_assessed(account, region, arn, reason);
            None
        }
        Ok(None) => {
            out.pass(
                account,
                region,
                arn,
                format!("bucket {} has no bucket policy", b.name),
            );
            None
        }
        Ok(Some(p)) => Some(p),
    }
}
