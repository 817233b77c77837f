//! The policy layers above a resource's own policy, as the exposure checks combine them. AWS
//! decides a request to a member account's resource with every layer: the resource policy must
//! allow it, Block Public Access (S3) must not stop it, and no resource control policy (RCP)
//! above the account may deny it. A grant the resource policy makes is therefore effective only
//! when no later layer removes it; each check's evidence names every layer it read.
//!
//! The RCP semantics live in the engine (`policy::rcp`); this module reads the organization from
//! the context and turns the engine's answers into messages and evidence.

use super::s3::BucketFacts;
use crate::check::{At, Findings, Identity, Owner, Tags, bucket_arn};
use crate::inventory::{Collected, Organization};
use crate::policy::{
    self, Boundary, Grant, OutsideGrant, Policy, PublicGrant, RcpLayer, RcpVerdict,
};

/// The RCP layer above `account_id`: off when the scan has no organization or could not read it
/// (the organization checks report that), or when RCPs are not enabled on the root.
pub fn rcp_layer(org: Option<&Collected<Organization>>, account_id: &str) -> RcpLayer {
    match org {
        Some(Collected::Ok(o)) => policy::rcps_for_account(o, account_id),
        _ => RcpLayer::Off,
    }
}

/// The resource a policy is attached to, as the RCP question needs it.
pub struct Attached<'a> {
    /// `s3` for bucket policies, `sts` for role trust policies, `kms` for key policies.
    pub service: &'a str,
    /// The resource (and, for a bucket, its objects).
    pub arns: Vec<String>,
    /// Its tags, when posture read them.
    pub tags: Option<&'a Tags>,
}

impl<'a> Attached<'a> {
    pub fn bucket(arn: &str, tags: Option<&'a Tags>) -> Self {
        Attached {
            service: "s3",
            arns: vec![arn.to_string(), format!("{arn}/*")],
            tags,
        }
    }

    /// A KMS key: KMS is among the services RCPs cover.
    pub fn kms_key(arn: &str) -> Self {
        Attached {
            service: "kms",
            arns: vec![arn.to_string()],
            tags: None,
        }
    }

    pub fn role(arn: &str, tags: Option<&'a Tags>) -> Self {
        Attached {
            service: "sts",
            arns: vec![arn.to_string()],
            tags,
        }
    }
}

/// What the RCPs make of some grants of a resource policy.
pub struct RcpReading {
    /// Each grant statement (`Statement[0] (Sid "…")`) with the RCP verdict; empty when RCPs are
    /// not in effect for the account.
    pub grants: Vec<(String, RcpVerdict)>,
}

impl RcpReading {
    /// RCPs confine every grant (and there is at least one).
    pub fn confines_all(&self) -> bool {
        !self.grants.is_empty()
            && self
                .grants
                .iter()
                .all(|(_, v)| matches!(v, RcpVerdict::Confined(_)))
    }

    /// Is this grant statement confined by an RCP?
    pub fn confines(&self, statement: &str) -> bool {
        self.grants
            .iter()
            .any(|(s, v)| s == statement && matches!(v, RcpVerdict::Confined(_)))
    }

    /// The confining RCP statements, for a result message.
    pub fn confined_by(&self) -> String {
        let mut seen: Vec<String> = Vec::new();
        for (_, v) in &self.grants {
            if let RcpVerdict::Confined(c) = v {
                let s = c.to_string();
                if !seen.contains(&s) {
                    seen.push(s);
                }
            }
        }
        seen.join("; ")
    }

    /// Evidence `rcp.<grant statement>`: the confining RCP statement and how its conditions were
    /// read, or why no RCP confines the grant. Nothing when RCPs are not in effect.
    pub fn evidence(&self, out: &mut Findings) {
        for (statement, v) in &self.grants {
            let value = match v {
                RcpVerdict::NotInEffect => continue,
                RcpVerdict::Confined(c) => {
                    let mut s = c.to_string();
                    if !c.notes.is_empty() {
                        s.push_str(&format!(" ({})", c.notes.join("; ")));
                    }
                    s
                }
                RcpVerdict::NotConfined(why) => format!("not confined: {}", why.join("; ")),
            };
            out.evidence(format!("rcp.{statement}"), value);
        }
    }
}

/// The RCP verdict on each of `statements` (labels of Allow statements of `policy`).
pub fn rcp_reading(
    layer: &RcpLayer,
    policy: &Policy,
    statements: &[&str],
    attached: &Attached,
    boundary: &Boundary,
) -> RcpReading {
    if *layer == RcpLayer::Off {
        return RcpReading { grants: Vec::new() };
    }
    let mut grants = Vec::new();
    for label in statements {
        let Some(st) = policy.statements.iter().find(|s| s.label() == *label) else {
            continue;
        };
        let grant = Grant {
            policy,
            statement: st,
            service: attached.service,
            attached_to: &attached.arns,
            resource_tags: attached.tags,
        };
        grants.push((
            label.to_string(),
            policy::rcp_confinement(layer, &grant, boundary),
        ));
    }
    RcpReading { grants }
}

/// [`rcp_reading`] for the grant statements `labels` of a resource policy in `account_id`.
pub fn account_rcps<'l>(
    org: Option<&Collected<Organization>>,
    account_id: &str,
    policy: &Policy,
    labels: impl IntoIterator<Item = &'l str>,
    attached: &Attached,
    boundary: &Boundary,
) -> RcpReading {
    let labels: Vec<&str> = labels.into_iter().collect();
    rcp_reading(
        &rcp_layer(org, account_id),
        policy,
        &labels,
        attached,
        boundary,
    )
}

/// Evidence `policy.<statement>` for each public grant of a resource policy: why it is public,
/// and its actions.
pub fn public_grant_evidence(out: &mut Findings, found: &[PublicGrant]) {
    for g in found {
        out.evidence(
            format!("policy.{}", g.statement),
            format!("{} ({})", g.why, g.actions.join(", ")),
        );
    }
}

/// [`rcp_reading`] for a role's trust policy (parsed again: the trust walker hands the checks
/// its analysis, not the document).
pub fn role_trust_rcps(
    org: Option<&Collected<Organization>>,
    account_id: &str,
    role_arn: &str,
    role_tags: Option<&Tags>,
    trust_policy: Option<&str>,
    statements: &[String],
    boundary: &Boundary,
) -> RcpReading {
    let layer = rcp_layer(org, account_id);
    let Some(Ok(policy)) = trust_policy.map(policy::parse) else {
        return RcpReading { grants: Vec::new() };
    };
    let labels: Vec<&str> = statements.iter().map(String::as_str).collect();
    rcp_reading(
        &layer,
        &policy,
        &labels,
        &Attached::role(role_arn, role_tags),
        boundary,
    )
}

/// [`rcp_reading`] for the grants of a bucket policy to callers outside the organization.
pub fn outside_grant_rcps<B, A>(
    org: Option<&Collected<Organization>>,
    b: &At<B, A>,
    policy: &Policy,
    grants: &[OutsideGrant],
    boundary: &Boundary,
) -> RcpReading
where
    B: BucketFacts + Identity,
    A: Owner + ?Sized,
{
    account_rcps(
        org,
        b.account_id(),
        policy,
        grants.iter().map(|g| g.statement.as_str()),
        &Attached::bucket(&bucket_arn(b.partition(), b.name()), b.item.tags()),
        boundary,
    )
}

/// The four checks RCPs reach, on a member account under a data-perimeter RCP.
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, IamRole, Inventory};

    const PERIMETER: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":["s3:*","sts:AssumeRole"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-test"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#;
    const PUBLIC_RW: &str = r#"{"Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::data/*"}]}"#;
    const VENDOR: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}"#;
    const OPEN_TRUST: &str =
        r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;

    /// The scanned account as a member (the management account is another) with `rcp` attached
    /// to the root, RCPs enabled or not; one bucket with `policy`, one role with `trust`.
    fn member(rcp: &str, enabled: bool, policy: &str, trust: &str) -> Inventory {
        let mut inv = org_inventory();
        member_under_rcp(&mut inv, rcp, enabled);
        let mut b = bucket("data");
        b.policy = Collected::Ok(Some(policy.into()));
        b.public_access_block = Collected::Ok(None);
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(None);
        s3_mut(&mut inv).buckets = Collected::Ok(vec![b]);
        iam_mut(&mut inv).roles = Collected::Ok(vec![IamRole {
            role_name: "open".into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/open"),
            path: "/".into(),
            trust_policy: Some(trust.into()),
            tags: None,
        }]);
        inv
    }

    fn evidence(r: &crate::checks::CheckResult, prefix: &str) -> String {
        r.evidence
            .iter()
            .filter(|e| e.path.starts_with(prefix))
            .map(|e| format!("{}={}", e.path, e.value))
            .collect::<Vec<_>>()
            .join(" | ")
    }

    #[test]
    fn a_data_perimeter_rcp_confines_public_and_outside_grants() {
        let inv = member(PERIMETER, true, PUBLIC_RW, OPEN_TRUST);
        for check in ["s3-bucket-policy-public", "s3-bucket-policy-public-write"] {
            let r = &results(&inv, check)[0];
            assert_eq!(r.status, Status::Pass, "{check}: {r:#?}");
            assert!(
                r.message.contains("(to `*`); RCP p-perimeter (DataPerimeter) Statement[0] (Sid \"EnforceOrgIdentities\") denies every principal outside o-test"),
                "{}",
                r.message
            );
            // Every layer is named: the policy statement, Block Public Access, the RCP.
            assert!(!evidence(r, "policy.Statement[0]").is_empty(), "{r:#?}");
            assert!(evidence(r, "block_public_access").contains("off at bucket and account level"));
            assert!(
                evidence(r, "rcp.Statement[0]").contains("aws:PrincipalIsAWSService"),
                "{r:#?}"
            );
        }
        let r = &results(&inv, "s3-bucket-policy-outside-org")[0];
        assert_eq!(r.status, Status::Pass, "{r:#?}");
        assert!(
            r.message
                .contains("grants access outside the organization (*); RCP p-perimeter"),
            "{}",
            r.message
        );
        let r = &results(&inv, "iam-role-trust-public")[0];
        assert_eq!(r.status, Status::Pass, "{r:#?}");
        assert!(r.message.contains("RCP p-perimeter"), "{}", r.message);

        let vendor = member(PERIMETER, true, VENDOR, OPEN_TRUST);
        assert_eq!(
            statuses(&vendor, "s3-bucket-policy-outside-org"),
            vec![Status::Pass]
        );
    }

    #[test]
    fn no_confinement_where_rcps_do_not_apply_or_cannot_be_read() {
        // RCPs not enabled on the root: the old verdicts, and no RCP evidence.
        let off = member(PERIMETER, false, PUBLIC_RW, OPEN_TRUST);
        let r = &results(&off, "s3-bucket-policy-public")[0];
        assert_eq!(r.status, Status::Fail);
        assert!(evidence(r, "rcp.").is_empty(), "{r:#?}");
        assert_eq!(statuses(&off, "iam-role-trust-public"), vec![Status::Fail]);

        // The management account: RCPs do not apply to it.
        let mut mgmt = member(PERIMETER, true, PUBLIC_RW, OPEN_TRUST);
        org_mut(&mut mgmt).management_account_id = ACCOUNT.into();
        let r = &results(&mgmt, "s3-bucket-policy-outside-org")[0];
        assert_eq!(r.status, Status::Fail);
        assert!(
            evidence(r, "rcp.").contains("RCPs do not apply to the management account"),
            "{r:#?}"
        );

        // An unreadable RCP, and one with a condition posture cannot evaluate.
        let mut unread = member(PERIMETER, true, PUBLIC_RW, OPEN_TRUST);
        if let Collected::Ok(p) = &mut org_mut(&mut unread).policies {
            p[0].content = Collected::Failed(denied("DescribePolicy"));
        }
        let r = &results(&unread, "s3-bucket-policy-public")[0];
        assert_eq!(r.status, Status::Fail);
        assert!(evidence(r, "rcp.").contains("could not be read"), "{r:#?}");
        let tagged = PERIMETER.replace(
            r#""BoolIfExists""#,
            r#""StringNotEquals":{"aws:PrincipalTag/team":"x"},"BoolIfExists""#,
        );
        let unknown = member(&tagged, true, PUBLIC_RW, OPEN_TRUST);
        let r = &results(&unknown, "s3-bucket-policy-public-write")[0];
        assert_eq!(r.status, Status::Fail);
        assert!(
            evidence(r, "rcp.").contains("aws:PrincipalTag/team"),
            "{r:#?}"
        );
        assert_eq!(
            statuses(&unknown, "iam-role-trust-public"),
            vec![Status::Fail]
        );

        // The RCP covers S3 only: the role's public trust is not confined.
        let s3_only = PERIMETER.replace(r#","sts:AssumeRole""#, "");
        let inv = member(&s3_only, true, PUBLIC_RW, OPEN_TRUST);
        assert_eq!(
            statuses(&inv, "s3-bucket-policy-public"),
            vec![Status::Pass]
        );
        let r = &results(&inv, "iam-role-trust-public")[0];
        assert_eq!(r.status, Status::Fail);
        assert!(
            evidence(r, "rcp.").contains("do not cover sts:AssumeRole"),
            "{r:#?}"
        );
    }

    /// A role that trusts an account outside the organization without `sts:ExternalId` cannot
    /// be assumed from there when a data-perimeter RCP on `sts:AssumeRole` is above the account:
    /// the confused-deputy path is closed, and the verdict names the RCP. Without the RCP (or
    /// in the management account) it still fails.
    #[test]
    fn a_data_perimeter_rcp_confines_external_trust_without_external_id() {
        const VENDOR_TRUST: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}]}"#;
        let check = "iam-role-trust-external-without-external-id";
        let inv = member(PERIMETER, true, VENDOR, VENDOR_TRUST);
        let r = &results(&inv, check)[0];
        assert_eq!(r.status, Status::Pass, "{r:#?}");
        assert!(r.message.contains("333333333333"), "{}", r.message);
        assert!(r.message.contains("RCP p-perimeter"), "{}", r.message);
        assert!(!evidence(r, "rcp.").is_empty(), "{r:#?}");

        let off = member(PERIMETER, false, VENDOR, VENDOR_TRUST);
        assert_eq!(statuses(&off, check), vec![Status::Fail]);
        let mut mgmt = member(PERIMETER, true, VENDOR, VENDOR_TRUST);
        org_mut(&mut mgmt).management_account_id = ACCOUNT.into();
        assert_eq!(statuses(&mgmt, check), vec![Status::Fail]);
    }

    /// The data perimeter's exemption by resource tag (`aws:ResourceTag/dp:exclude:identity`)
    /// on `sts:AssumeRole` reads the role's tags: an untagged role is confined, a tagged one is
    /// exempt, and unread tags leave the exemption possible (never a pass on a guess).
    #[test]
    fn role_tags_decide_the_tag_exemption() {
        let exempting = PERIMETER.replace(
            r#""StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-test"}"#,
            r#""StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-test","aws:ResourceTag/dp:exclude:identity":"true"}"#,
        );
        assert_ne!(exempting, PERIMETER);
        let with_tags = |tags: Option<&[(&str, &str)]>| {
            let mut inv = member(&exempting, true, PUBLIC_RW, OPEN_TRUST);
            if let Collected::Ok(roles) = &mut iam_mut(&mut inv).roles {
                roles[0].tags = tags.map(|t| {
                    t.iter()
                        .map(|(k, v)| (k.to_string(), v.to_string()))
                        .collect()
                });
            }
            results(&inv, "iam-role-trust-public").remove(0)
        };
        let r = with_tags(Some(&[("team", "web")]));
        assert_eq!(r.status, Status::Pass, "{r:#?}");
        assert!(
            evidence(&r, "rcp.").contains("the resource has no such tag value"),
            "{r:#?}"
        );
        let r = with_tags(Some(&[("dp:exclude:identity", "true")]));
        assert_eq!(r.status, Status::Fail, "{r:#?}");
        assert!(
            evidence(&r, "rcp.").contains("carries the tag dp:exclude:identity = true"),
            "{r:#?}"
        );
        assert_eq!(
            r.tags
                .as_ref()
                .and_then(|t| t.get("dp:exclude:identity"))
                .map(String::as_str),
            Some("true"),
            "the result carries the role's tags"
        );
        let r = with_tags(None);
        assert_eq!(r.status, Status::Fail, "{r:#?}");
        assert!(
            evidence(&r, "rcp.").contains("which posture could not read"),
            "{r:#?}"
        );
    }
}
