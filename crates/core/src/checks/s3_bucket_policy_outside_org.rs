//! Bucket policies that let principals outside the organization (and the trusted accounts) in.
//!
//! Evaluated once at the end of the scan: a policy may name a VPC or endpoint of any account,
//! and only the whole inventory tells whether it is the organization's.

use super::shared::boundary::decisions;
use super::shared::layers::outside_grant_rcps;
use super::shared::s3::{effective_bpa, policy_or_pass};
use crate::check::OrgCheck;
use crate::policy::{grants_public_access, outside_accounts};

pub const CHECK: OrgCheck = OrgCheck {
    id: "s3-bucket-policy-outside-org",
    run: |ctx, out| {
        for (b, s3) in out.digest_buckets(ctx) {
            let Some(policy) = policy_or_pass(out, &b) else {
                continue;
            };
            let decisions = decisions(&policy, ctx.boundary());
            let mut grants = decisions.outside.clone();
            // An RCP above the account that denies every caller outside the organization removes
            // the grant, whatever Block Public Access says (shared::layers).
            let rcps = outside_grant_rcps(ctx.organization, &b, &policy, &grants, ctx.boundary());
            let confined = outside_accounts(&grants);
            grants.retain(|g| !rcps.confines(&g.statement));
            // RestrictPublicBuckets acts only on a policy S3 considers public, and then limits the
            // whole bucket to the owner account and AWS services: every outside grant is void.
            let mut note = None;
            if !grants.is_empty() && !grants_public_access(&policy, None).is_empty() {
                match effective_bpa(s3, &b) {
                    Ok(bpa) if bpa.settings.restrict_public_buckets => {
                        grants.clear();
                        note = Some(format!(
                            "the policy is public, so RestrictPublicBuckets ({} level) limits the bucket to its owner account and AWS services",
                            bpa.layer(|p| p.restrict_public_buckets)
                        ));
                    }
                    Ok(_) => {}
                    Err(reason) => {
                        out.not_assessed(&b, reason.after("the policy is public and grants access outside the organization, and "));
                        continue;
                    }
                }
            }
            let who = outside_accounts(&grants);
            if who.is_empty() && !confined.is_empty() && grants.is_empty() && note.is_none() {
                out.pass(
                    &b,
                    format!(
                        "the policy of {} grants access outside the organization ({}); {}",
                        b.name,
                        confined.join(", "),
                        rcps.confined_by()
                    ),
                );
            } else if who.is_empty() {
                out.pass(&b, format!("the policy of {} grants nothing outside the organization and trusted accounts", b.name));
            } else {
                let shown: Vec<&str> = who
                    .iter()
                    .map(|w| match w.as_str() {
                        "*" => "any AWS account or anonymous caller",
                        w => w,
                    })
                    .collect();
                out.fail(
                    &b,
                    format!(
                        "the policy of {} grants access outside the organization: {}",
                        b.name,
                        shown.join(", ")
                    ),
                );
            }
            for g in &grants {
                out.evidence(format!("policy.{}", g.statement), g.who.join(", "));
            }
            decisions.reading_evidence(out);
            rcps.evidence(out);
            if let Some(n) = note {
                out.evidence("block_public_access", n);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn cross_account_grants() {
        let int = format!(
            r#"{{"Statement":{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"s3:GetObject","Resource":"arn:aws:s3:::int/*"}}}}"#
        );
        let buckets = vec![
            bucket_with_policy(
                "ext",
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::ext/*"}}"#,
            ),
            bucket_with_policy("int", &int),
            // Public, but RestrictPublicBuckets applies.
            bucket_with_policy(
                "pub",
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::pub/*"}}"#,
            ),
            // Not public (pinned to a narrow range), so RestrictPublicBuckets does not apply.
            bucket_with_policy(
                "ip",
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::ip/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}}"#,
            ),
        ];
        let mut inv = org_inventory();
        set_buckets(&mut inv, buckets);
        let want = [Status::Fail, Status::Pass, Status::Pass, Status::Fail];
        assert_statuses(&inv, CHECK.id, &want);
    }

    /// Audit finding 3: a CloudFront origin access identity and a deleted principal's unique id
    /// are nobody outside the organization; the evidence says how they were read.
    #[test]
    fn cloudfront_identities_and_deleted_principals_are_not_outside() {
        let mut inv = org_inventory();
        let oai = bucket_with_policy(
            "site",
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}}"#,
        );
        let dead = bucket_with_policy(
            "dead",
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["AROA3XFRBF535PLBIFPI4","arn:aws:iam::333333333333:root"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::dead/*"}}"#,
        );
        set_buckets(&mut inv, vec![oai, dead]);
        let r = results(&inv, CHECK.id);
        assert_result(&r[0], Status::Pass, &[]);
        assert_evidence_value(&r[0], "CloudFront origin access identity");
        assert_eq!(r[1].status, Status::Fail);
        assert!(r[1].message.ends_with("333333333333"), "{}", r[1].message);
        assert_evidence_value(&r[1], "deleted user or role");
    }

    /// Issue 11, class 1: an outside account limited to the organization's own VPC is still
    /// outside.
    #[test]
    fn a_network_condition_does_not_bring_an_outside_account_inside() {
        let mut inv = org_inventory();
        ec2_mut(&mut inv).vpcs.push(crate::inventory::Vpc {
            vpc_id: "vpc-own".into(),
            cidr_block: None,
            is_default: false,
            owner_id: None,
        });
        let vendor = bucket_with_policy(
            "vendor",
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:role/vendor"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::vendor/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-own"}}}}"#,
        );
        let own = bucket_with_policy(
            "own",
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::own/*","Condition":{"StringEquals":{"aws:SourceVpc":"vpc-own"}}}}"#,
        );
        set_buckets(&mut inv, vec![vendor, own]);
        let r = results(&inv, CHECK.id);
        assert_result(&r[0], Status::Fail, &[]);
        assert_evidence_value(&r[0], "not who it is");
        assert_result(&r[1], Status::Pass, &[]);
    }
}
