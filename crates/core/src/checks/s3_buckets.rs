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

/// One line describing a bucket's effective public exposure across its three layers (bucket
/// policy, ACL, Block Public Access at bucket and account level), and which layer stops or
/// allows it. Used as evidence by the public-access checks.
pub(crate) fn effective_exposure(s3: &S3, b: &Bucket) -> String {
    use crate::inventory::{ALL_USERS_URI, AUTHENTICATED_USERS_URI};
    let bpa = effective_bpa(s3, b);
    let policy_part = match bucket_policy(b) {
        Err(_) => "policy: unknown".to_string(),
        Ok(None) => "policy: none".to_string(),
        Ok(Some(p)) => {
            let grants = policy::grants_public_access(&p, None);
            if grants.is_empty() {
                "policy: not public".to_string()
            } else {
                let stmts: Vec<&str> = grants.iter().map(|g| g.statement.as_str()).collect();
                match &bpa {
                    Ok(x) if x.settings.restrict_public_buckets => format!(
                        "policy: public ({}) but stopped by RestrictPublicBuckets ({} level)",
                        stmts.join(", "),
                        x.layer(|p| p.restrict_public_buckets)
                    ),
                    Ok(_) => format!(
                        "policy: PUBLIC ({}), RestrictPublicBuckets off at bucket and account level",
                        stmts.join(", ")
                    ),
                    Err(e) => format!("policy: public ({}), {e}", stmts.join(", ")),
                }
            }
        }
    };
    let acl_part = match &b.acl_grants {
        Collected::Failed(_) => "ACL: unknown".to_string(),
        Collected::Ok(grants) => {
            let public: Vec<String> = grants
                .iter()
                .filter(|g| {
                    matches!(
                        g.grantee_uri.as_deref(),
                        Some(ALL_USERS_URI) | Some(AUTHENTICATED_USERS_URI)
                    )
                })
                .map(|g| {
                    format!(
                        "{} {}",
                        g.grantee_uri
                            .as_deref()
                            .unwrap_or("")
                            .rsplit('/')
                            .next()
                            .unwrap_or(""),
                        g.permission
                    )
                })
                .collect();
            if public.is_empty() {
                "ACL: no public grant".to_string()
            } else {
                match &bpa {
                    Ok(x) if x.settings.ignore_public_acls => format!(
                        "ACL: {} but ignored (IgnorePublicAcls, {} level)",
                        public.join(", "),
                        x.layer(|p| p.ignore_public_acls)
                    ),
                    Ok(_) => format!(
                        "ACL: PUBLIC ({}), IgnorePublicAcls off at bucket and account level",
                        public.join(", ")
                    ),
                    Err(e) => format!("ACL: public ({}), {e}", public.join(", ")),
                }
            }
        }
    };
    format!("{policy_part}; {acl_part}")
}
