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
use crate::policy::{self, Boundary, Grant, OutsideGrant, Policy, RcpLayer, RcpVerdict};

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
    /// `s3` for bucket policies, `sts` for role trust policies.
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

    pub fn role(arn: &str) -> Self {
        Attached {
            service: "sts",
            arns: vec![arn.to_string()],
            tags: None,
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

/// [`rcp_reading`] for a role's trust policy (parsed again: the trust walker hands the checks
/// its analysis, not the document).
pub fn role_trust_rcps(
    org: Option<&Collected<Organization>>,
    account_id: &str,
    role_arn: &str,
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
        &Attached::role(role_arn),
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
    let labels: Vec<&str> = grants.iter().map(|g| g.statement.as_str()).collect();
    rcp_reading(
        &rcp_layer(org, b.account_id()),
        policy,
        &labels,
        &Attached::bucket(&bucket_arn(b.partition(), b.name()), b.item.tags()),
        boundary,
    )
}
