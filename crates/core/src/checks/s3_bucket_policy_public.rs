//! Public bucket policies, judged as S3 judges them: wildcard principals count as public unless
//! pinned by a condition, and RestrictPublicBuckets (bucket or account) stops public access.

use super::s3_buckets::{
    bucket_region, effective_bpa, effective_exposure, for_each_bucket, policy_or_record,
};
use super::{CheckDef, CheckResult, Context, Input, Results};
use crate::policy::{PublicGrant, grants_public_access, write_actions_granted};

pub const PUBLIC: CheckDef = CheckDef {
    id: "s3-bucket-policy-public",
    input: Input::OneAccount,
    evaluate: |ctx| {
        evaluate(ctx, "s3-bucket-policy-public", "access", |p| {
            grants_public_access(p, None)
        })
    },
};

pub const PUBLIC_WRITE: CheckDef = CheckDef {
    id: "s3-bucket-policy-public-write",
    input: Input::OneAccount,
    evaluate: |ctx| {
        evaluate(
            ctx,
            "s3-bucket-policy-public-write",
            "write or delete access",
            write_actions_granted,
        )
    },
};

fn evaluate(
    ctx: &Context,
    check: &'static str,
    what: &str,
    grants: fn(&crate::policy::Policy) -> Vec<PublicGrant>,
) -> Vec<CheckResult> {
    let mut out = Results::new(check);
    for_each_bucket(ctx, &mut out, |out, acct, s3, b, arn| {
        let id = &acct.account_id;
        let region = bucket_region(b);
        let Some(policy) = policy_or_record(out, id, region, arn, b) else {
            return;
        };
        let found = grants(&policy);
        if found.is_empty() {
            out.pass(
                id,
                region,
                arn,
                format!("the policy of {} grants no public {what}", b.name),
            );
            return;
        }
        match effective_bpa(s3, b) {
            Err(reason) => {
                out.not_assessed(
                    id,
                    region,
                    arn,
                    format!("not assessed: the policy grants public {what}, and {reason}"),
                );
            }
            Ok(bpa) if bpa.settings.restrict_public_buckets => {
                let layer = bpa.layer(|p| p.restrict_public_buckets);
                out.pass(id, region, arn, format!("the policy of {} grants public {what}, but RestrictPublicBuckets ({layer} level) limits it to the owner account and AWS services", b.name))
                    .with("block_public_access.restrict_public_buckets", layer);
            }
            Ok(_) => {
                out.fail(id, region, arn, format!("the policy of {} grants public {what} and no Block Public Access setting stops it", b.name))
                    .with("block_public_access.restrict_public_buckets", "off at bucket and account level");
            }
        }
        for g in &found {
            out.evidence(
                format!("policy.{}", g.statement),
                format!("{} ({})", g.why, g.actions.join(", ")),
            );
        }
        out.evidence("effective_exposure", effective_exposure(s3, b));
    });
    out.items
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, PublicAccessBlock};

    fn with_policy(policy: &str, restrict: bool) -> crate::inventory::Inventory {
        let mut inv = base_inventory();
        let mut b = bucket("data");
        b.policy = Collected::Ok(Some(policy.into()));
        b.public_access_block = Collected::Ok(Some(PublicAccessBlock {
            restrict_public_buckets: restrict,
            ..Default::default()
        }));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![b]);
        inv
    }

    const PUBLIC_READ: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}"#;
    const PUBLIC_PUT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}"#;

    #[test]
    fn public_read_fails_unless_restricted() {
        let inv = with_policy(PUBLIC_READ, false);
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public"),
            vec![Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public-write"),
            vec![Status::Pass]
        );
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
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public"),
            vec![Status::Pass]
        );
    }

    #[test]
    fn account_level_restriction_counts() {
        let mut inv = with_policy(PUBLIC_PUT, false);
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(Some(PublicAccessBlock {
            restrict_public_buckets: true,
            ..Default::default()
        }));
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public-write"),
            vec![Status::Pass]
        );
        let mut inv = with_policy(PUBLIC_PUT, false);
        s3_mut(&mut inv).account_public_access_block =
            Collected::Failed(denied("GetPublicAccessBlock"));
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public-write"),
            vec![Status::NotAssessed]
        );
        let inv = with_policy(PUBLIC_PUT, false);
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public-write"),
            vec![Status::Fail]
        );
    }

    #[test]
    fn unreadable_or_broken_policy_is_not_assessed() {
        let inv = with_policy("{not json", false);
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public"),
            vec![Status::NotAssessed]
        );
        let mut inv = base_inventory();
        let mut b = bucket("data");
        b.policy = Collected::Failed(denied("GetBucketPolicy"));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![b]);
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public"),
            vec![Status::NotAssessed]
        );
    }

    #[test]
    fn failed_bucket_listing_is_not_assessed_not_empty() {
        let mut inv = base_inventory();
        s3_mut(&mut inv).buckets = Collected::Failed(denied("ListBuckets"));
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public"),
            vec![Status::NotAssessed]
        );
    }
}
