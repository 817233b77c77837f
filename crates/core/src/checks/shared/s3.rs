//! S3: a bucket's policy, its ACL and its Block Public Access as the checks read them, and the
//! judgements several bucket checks share.

use std::fmt::Debug;

use super::layers::{Attached, account_rcps, public_grant_evidence};
use super::org_policies::S3PolicyLayer;
use crate::check::{
    AccountDigest, At, BucketDigest, Context, Findings, Identity, OrgContext, Owner, Reason,
    S3Digest, bucket_arn,
};
use crate::inventory::{
    ALL_USERS_URI, AUTHENTICATED_USERS_URI, AclGrant, Bucket, Collected, Organization,
    PublicAccessBlock, S3,
};
use crate::policy::{self, Policy, PublicGrant};

/// What the bucket judgements read of a bucket: a scanned [`Bucket`], or its [`BucketDigest`]
/// in the organization checks.
pub trait BucketFacts {
    fn name(&self) -> &str;
    fn policy(&self) -> &Collected<Option<String>>;
    fn public_access_block(&self) -> &Collected<Option<PublicAccessBlock>>;
}

/// The account-level Block Public Access of the account a bucket belongs to ([`S3`] or
/// [`S3Digest`]).
pub trait AccountBpa {
    fn account_public_access_block(&self) -> &Collected<Option<PublicAccessBlock>>;
}

macro_rules! s3_facts {
    ($bucket:ty, $account:ty) => {
        impl BucketFacts for $bucket {
            fn name(&self) -> &str {
                &self.name
            }
            fn policy(&self) -> &Collected<Option<String>> {
                &self.policy
            }
            fn public_access_block(&self) -> &Collected<Option<PublicAccessBlock>> {
                &self.public_access_block
            }
        }
        impl AccountBpa for $account {
            fn account_public_access_block(&self) -> &Collected<Option<PublicAccessBlock>> {
                &self.account_public_access_block
            }
        }
    };
}
s3_facts!(Bucket, S3);
s3_facts!(BucketDigest, S3Digest);

impl<T: BucketFacts + ?Sized, A: ?Sized> BucketFacts for At<'_, T, A> {
    fn name(&self) -> &str {
        self.item.name()
    }
    fn policy(&self) -> &Collected<Option<String>> {
        self.item.policy()
    }
    fn public_access_block(&self) -> &Collected<Option<PublicAccessBlock>> {
        self.item.public_access_block()
    }
}

/// The bucket's parsed policy: `Ok(None)` when it has none; `Err` with the reason when it was
/// not collected or cannot be analysed.
pub fn bucket_policy(b: &(impl BucketFacts + ?Sized)) -> Result<Option<Policy>, Reason> {
    match b.policy() {
        Collected::Failed(e) => Err(Reason::collection(e)),
        Collected::Ok(None) => Ok(None),
        Collected::Ok(Some(text)) => policy::parse(text)
            .map(Some)
            .map_err(|e| Reason::unparseable("the bucket policy", e)),
    }
}

/// The parsed policy for checks that pass a bucket without one; records the result (not
/// assessed, or pass for no policy) and returns `None` when there is nothing to analyse.
pub fn policy_or_pass<B, A>(out: &mut Findings, b: &At<B, A>) -> Option<Policy>
where
    B: BucketFacts + Identity,
    A: Owner + ?Sized,
{
    match bucket_policy(b) {
        Err(reason) => {
            out.not_assessed(b, reason);
            None
        }
        Ok(None) => {
            out.pass(b, format!("bucket {} has no bucket policy", b.name()));
            None
        }
        Ok(Some(p)) => Some(p),
    }
}

/// Every collected bucket of every scanned account, for checks that look a bucket up by name
/// (a workload's data bucket may be in another account). Quiet: what could not be collected is
/// reported by the checks of the bucket's own account.
pub fn buckets_by_name<'i>(ctx: &OrgContext<'i>) -> Vec<At<'i, BucketDigest, AccountDigest>> {
    let mut out = Vec::new();
    for acct in ctx.accounts {
        if let Collected::Ok(s3) = &acct.s3
            && let Collected::Ok(buckets) = &s3.buckets
        {
            out.extend(
                buckets
                    .iter()
                    .map(|b| At::new(ctx.partition(), acct, None, b)),
            );
        }
    }
    out
}

/// Block Public Access as S3 applies it: a setting is on when it is on at the bucket or the
/// account level.
pub struct EffectiveBpa {
    pub settings: PublicAccessBlock,
    /// Which layer turned each setting on, for evidence.
    pub bucket: Option<PublicAccessBlock>,
    pub account: Option<PublicAccessBlock>,
    /// The organization's S3 policy that enforces the account level, when one does
    /// ([`EffectiveBpa::enforced_by`]).
    pub account_source: Option<String>,
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

    /// When the account level is enforced by the organization's S3 policy, that policy as
    /// evidence of the last result.
    pub fn source_evidence(&self, out: &mut Findings) {
        if let Some(policy) = &self.account_source {
            out.evidence(
                "account.public_access_block.source",
                format!("enforced by the organization's {policy}"),
            );
        }
    }

    /// Names the organization's S3 policy as the source of the account level when one along
    /// the account's path enforces it (see [`S3PolicyLayer`]).
    pub fn enforced_by(
        mut self,
        organization: Option<&Collected<Organization>>,
        account_id: &str,
    ) -> Self {
        self.account_source =
            S3PolicyLayer::of(organization, account_id).enforcing(self.account.as_ref());
        self
    }
}

/// The effective Block Public Access of a bucket; `Err` when a level could not be read.
pub fn effective_bpa(
    s3: &(impl AccountBpa + ?Sized),
    b: &(impl BucketFacts + ?Sized),
) -> Result<EffectiveBpa, Reason> {
    let bucket = match b.public_access_block() {
        Collected::Ok(v) => *v,
        Collected::Failed(e) => {
            return Err(Reason::collection_as(
                "bucket Block Public Access unknown: ",
                e,
            ));
        }
    };
    let account = match s3.account_public_access_block() {
        Collected::Ok(v) => *v,
        Collected::Failed(e) => {
            return Err(Reason::collection_as(
                "account Block Public Access unknown: ",
                e,
            ));
        }
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
        account_source: None,
    })
}

/// The grants of an ACL to everyone (AllUsers) or any AWS account (AuthenticatedUsers).
pub fn public_acl_grants(grants: &[AclGrant]) -> impl Iterator<Item = &AclGrant> {
    grants.iter().filter(|g| {
        matches!(
            g.grantee_uri.as_deref(),
            Some(ALL_USERS_URI) | Some(AUTHENTICATED_USERS_URI)
        )
    })
}

/// The two public-policy checks: public grants `found` by a question on the policy, judged
/// with RestrictPublicBuckets; `what` names the access ("write or delete access").
pub fn public_policy(
    ctx: &Context,
    out: &mut Findings,
    what: &str,
    found: fn(&Policy) -> Vec<PublicGrant>,
) {
    for (b, s3) in out.buckets(ctx) {
        let Some(policy) = policy_or_pass(out, &b) else {
            continue;
        };
        let found = found(&policy);
        if found.is_empty() {
            out.pass(
                &b,
                format!("the policy of {} grants no public {what}", b.name),
            );
            continue;
        }
        // The layers in AWS's order: the policy grants, Block Public Access may stop a public
        // policy, an RCP above the account may deny every caller outside the organization.
        let rcps = account_rcps(
            ctx.organization,
            b.account_id(),
            &policy,
            found.iter().map(|g| g.statement.as_str()),
            &Attached::bucket(&bucket_arn(b.partition(), &b.name), b.tags.as_ref()),
            ctx.boundary(),
        );
        let account_id = b.account_id();
        match effective_bpa(s3, &b).map(|x| x.enforced_by(ctx.organization, account_id)) {
            Ok(bpa) if bpa.settings.restrict_public_buckets => {
                let layer = bpa.layer(|p| p.restrict_public_buckets);
                out.pass(&b, format!("the policy of {} grants public {what}, but RestrictPublicBuckets ({layer} level) limits it to the owner account and AWS services", b.name))
                    .with("block_public_access.restrict_public_buckets", layer);
                if layer == "account" {
                    bpa.source_evidence(out);
                }
            }
            bpa if rcps.confines_all() => {
                let layer = match &bpa {
                    Ok(_) => "off at bucket and account level".to_string(),
                    Err(reason) => format!("unknown ({reason})"),
                };
                out.pass(
                    &b,
                    format!(
                        "the policy of {} grants public {what} (to `*`); {}",
                        b.name,
                        rcps.confined_by()
                    ),
                )
                .with("block_public_access.restrict_public_buckets", layer);
            }
            Err(reason) => {
                out.not_assessed(
                    &b,
                    reason.after(format!("the policy grants public {what}, and ")),
                );
            }
            Ok(_) => {
                out.fail(&b, format!("the policy of {} grants public {what} and no Block Public Access setting stops it", b.name))
                    .with("block_public_access.restrict_public_buckets", "off at bucket and account level");
            }
        }
        public_grant_evidence(out, &found);
        rcps.evidence(out);
        out.evidence("effective_exposure", effective_exposure(s3, &b));
    }
}

/// A bucket setting that is a single value, `field` of the bucket: pass or fail with `judge`'s
/// message after the bucket's name, and the value as evidence.
pub fn bucket_setting<T: Debug>(
    ctx: &Context,
    out: &mut Findings,
    field: &str,
    pick: fn(&Bucket) -> &Collected<T>,
    judge: fn(&T) -> (bool, String),
) {
    for (b, _) in out.buckets(ctx) {
        let Some(value) = out.collected(&b, pick(&b)) else {
            continue;
        };
        let (ok, msg) = judge(value);
        out.verdict(&b, ok, format!("{}: {msg}", b.name))
            .with(format!("bucket.{field}"), format!("{value:?}"));
    }
}

/// One line describing a bucket's effective public exposure across its three layers (bucket
/// policy, ACL, Block Public Access at bucket and account level), and which layer stops or
/// allows it. Used as evidence by the public-access checks.
pub fn effective_exposure(s3: &S3, b: &Bucket) -> String {
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
                let stmts = stmts.join(", ");
                let setting: Setting = ("RestrictPublicBuckets", |p| p.restrict_public_buckets);
                layer_exposure("policy", &stmts, &bpa, setting, |level| {
                    format!(
                        "policy: public ({stmts}) but stopped by RestrictPublicBuckets ({level} level)"
                    )
                })
            }
        }
    };
    let acl_part = match &b.acl_grants {
        Collected::Failed(_) => "ACL: unknown".to_string(),
        Collected::Ok(grants) => {
            let public: Vec<String> = public_acl_grants(grants)
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
                let public = public.join(", ");
                let setting: Setting = ("IgnorePublicAcls", |p| p.ignore_public_acls);
                layer_exposure("ACL", &public, &bpa, setting, |level| {
                    format!("ACL: {public} but ignored (IgnorePublicAcls, {level} level)")
                })
            }
        }
    };
    format!("{policy_part}; {acl_part}")
}

/// A Block Public Access setting: its name, and how to read it.
type Setting = (&'static str, fn(&PublicAccessBlock) -> bool);

/// What one layer of a bucket (`label`: its policy or its ACL) grants publicly (`public`),
/// judged with the Block Public Access setting that acts on it: `stopped` words it when the
/// setting is on, given the level that turns it on.
fn layer_exposure(
    label: &str,
    public: &str,
    bpa: &Result<EffectiveBpa, Reason>,
    (name, setting): Setting,
    stopped: impl FnOnce(&str) -> String,
) -> String {
    match bpa {
        Ok(x) if setting(&x.settings) => stopped(x.layer(setting)),
        Ok(_) => format!("{label}: PUBLIC ({public}), {name} off at bucket and account level"),
        Err(e) => format!("{label}: public ({public}), {e}"),
    }
}

/// The four single-value settings checks, on one good and one bad bucket.
#[cfg(test)]
mod setting_tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn settings() {
        let mut bad = bucket("bad");
        bad.object_ownership = Collected::Ok(Some("ObjectWriter".into()));
        bad.default_encryption = Collected::Ok(None);
        bad.versioning = Collected::Ok(Some("Suspended".into()));
        bad.logging_target = Collected::Failed(denied("GetBucketLogging"));
        let inv = inventory_with_buckets(vec![bucket("good"), bad]);
        assert_statuses(
            &inv,
            "s3-bucket-acls-disabled",
            &[Status::Pass, Status::Fail],
        );
        assert_statuses(
            &inv,
            "s3-bucket-default-encryption",
            &[Status::Pass, Status::Fail],
        );
        assert_statuses(&inv, "s3-bucket-versioning", &[Status::Pass, Status::Fail]);
        assert_statuses(
            &inv,
            "s3-bucket-access-logging",
            &[Status::Pass, Status::NotAssessed],
        );
    }
}

/// The two public-policy checks.
#[cfg(test)]
mod public_policy_tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, PublicAccessBlock};

    fn with_policy(policy: &str, restrict: bool) -> crate::inventory::Inventory {
        let mut b = bucket_with_policy("data", policy);
        b.public_access_block = Collected::Ok(Some(PublicAccessBlock {
            restrict_public_buckets: restrict,
            ..Default::default()
        }));
        inventory_with_buckets(vec![b])
    }

    const PUBLIC_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}"#;
    const PUBLIC_PUT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}"#;

    #[test]
    fn public_read_fails_unless_restricted() {
        let inv = with_policy(PUBLIC_READ, false);
        assert_statuses(&inv, "s3-bucket-policy-public", &[Status::Fail]);
        assert_statuses(&inv, "s3-bucket-policy-public-write", &[Status::Pass]);
        let r = &results(&inv, "s3-bucket-policy-public")[0];
        assert!(
            r.evidence.iter().any(|e| e.path.contains("Sid \"Pub\"")),
            "{:?}",
            r.evidence
        );
        let exposure = r
            .evidence
            .iter()
            .find(|e| e.path == "effective_exposure")
            .unwrap();
        assert!(
            exposure.value.contains("policy: PUBLIC")
                && exposure.value.contains("ACL: no public grant"),
            "{}",
            exposure.value
        );
        let inv = with_policy(PUBLIC_READ, true);
        assert_statuses(&inv, "s3-bucket-policy-public", &[Status::Pass]);
    }

    #[test]
    fn account_level_restriction_counts() {
        let mut inv = with_policy(PUBLIC_PUT, false);
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(Some(PublicAccessBlock {
            restrict_public_buckets: true,
            ..Default::default()
        }));
        assert_statuses(&inv, "s3-bucket-policy-public-write", &[Status::Pass]);
        let mut inv = with_policy(PUBLIC_PUT, false);
        s3_mut(&mut inv).account_public_access_block =
            Collected::Failed(denied("GetPublicAccessBlock"));
        assert_statuses(
            &inv,
            "s3-bucket-policy-public-write",
            &[Status::NotAssessed],
        );
        let inv = with_policy(PUBLIC_PUT, false);
        assert_statuses(&inv, "s3-bucket-policy-public-write", &[Status::Fail]);
    }

    #[test]
    fn unreadable_or_broken_policy_is_not_assessed() {
        let inv = with_policy("{not json", false);
        assert_statuses(&inv, "s3-bucket-policy-public", &[Status::NotAssessed]);
        let mut b = bucket("data");
        b.policy = Collected::Failed(denied("GetBucketPolicy"));
        let inv = inventory_with_buckets(vec![b]);
        assert_statuses(&inv, "s3-bucket-policy-public", &[Status::NotAssessed]);
    }

    #[test]
    fn failed_bucket_listing_is_not_assessed_not_empty() {
        let mut inv = base_inventory();
        s3_mut(&mut inv).buckets = Collected::Failed(denied("ListBuckets"));
        assert_statuses(&inv, "s3-bucket-policy-public", &[Status::NotAssessed]);
    }
}

/// When Block Public Access cannot be read, the public-access checks say which layer is
/// unknown after what they found (the golden inventories have no such bucket).
#[cfg(test)]
mod unknown_bpa_tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn sentences_name_the_unknown_layer() {
        let mut b = bucket_with_policy(
            "data",
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"arn:aws:s3:::data/*"}]}"#,
        );
        b.acl_grants = Collected::Ok(vec![all_users_read()]);
        let e = denied("GetBucketPublicAccessBlock");
        b.public_access_block = Collected::Failed(e.clone());
        let inv = inventory_with_buckets(vec![b]);
        for (check, found) in [
            ("s3-bucket-block-public-access", ""),
            ("s3-bucket-acl-public", "the ACL has public grants, and "),
            (
                "s3-bucket-policy-public",
                "the policy grants public access, and ",
            ),
            (
                "s3-bucket-policy-public-write",
                "the policy grants public write or delete access, and ",
            ),
        ] {
            let r = &results(&inv, check)[0];
            assert_eq!(r.status, Status::NotAssessed, "{check}");
            assert_eq!(
                r.message,
                format!("not assessed: {found}bucket Block Public Access unknown: {e}"),
                "{check}"
            );
            let reason = r.reason.as_ref().expect("a reason");
            assert_eq!(reason.code, ReasonCode::CollectionFailed, "{check}");
            assert_eq!(
                reason.call.as_ref().map(|c| c.operation.as_str()),
                Some("GetBucketPublicAccessBlock")
            );
        }
    }
}
