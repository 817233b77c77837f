//! Resource control policies (RCPs): which of the organization's RCPs apply to an account, and
//! whether one of them confines a grant a resource policy makes (to `*` or to an outside
//! account) to the organization.
//!
//! RCPs are deny-only policies that AWS evaluates for every request to a member account's
//! resources of the services they cover (S3, STS, KMS, SQS, Secrets Manager, …), whoever the
//! caller is — anonymous and outside callers included. They are not applied to the management
//! account, and only while the `RESOURCE_CONTROL_POLICY` type is enabled on the root (AWS
//! Organizations User Guide, "Resource control policies").
//!
//! The answer is deliberately one-sided, like the SCP region prediction (`scp.rs`): a grant is
//! called confined only when a Deny statement with `Principal: "*"` certainly covers the grant's
//! actions and resources and each of its conditions lets through only callers inside the
//! boundary (or AWS service principals). Any condition posture cannot evaluate, a `NotAction`,
//! a `NotResource` it cannot decide, an RCP it could not read or place, makes the grant "not
//! confined" with the reason — a wrong guess costs a failure that an expert clears, never a
//! false pass.

use std::collections::BTreeMap;

use super::boundary::{Boundary, Who, decide, negated_constraint};
use super::document::{Condition, Effect, Policy, Statement, parse};
use super::wildcard::wildcard_match;
use crate::inventory::Organization;

/// The `policy_type` of RCPs in AWS Organizations.
pub const RCP_TYPE: &str = "RESOURCE_CONTROL_POLICY";

/// An RCP that applies to an account, parsed.
#[derive(Debug, Clone, PartialEq)]
pub struct AppliedRcp {
    pub id: String,
    pub name: String,
    pub policy: Policy,
}

/// The RCP layer above one account.
#[derive(Debug, Clone, PartialEq)]
pub enum RcpLayer {
    /// RCPs are not in effect: the type is not enabled on the root (or the scan has no
    /// organization). Nothing to report.
    Off,
    /// The account is the management account: RCPs do not apply to it.
    ManagementAccount,
    /// RCPs are in effect for the account.
    On {
        org_id: String,
        /// The RCPs that certainly apply, parsed.
        rcps: Vec<AppliedRcp>,
        /// RCPs posture could not read, analyse or place (each may apply), with why.
        unknown: Vec<String>,
    },
}

/// The RCPs that apply to `account_id`: those attached to the root, to an OU above the account
/// or to the account itself.
pub fn rcps_for_account(org: &Organization, account_id: &str) -> RcpLayer {
    let enabled = org
        .roots
        .iter()
        .any(|r| r.enabled_policy_types.iter().any(|t| t == RCP_TYPE));
    let mut unknown = Vec::new();
    if !enabled {
        match &org.hierarchy_error {
            // The roots were not read: whether RCPs are enabled is unknown.
            Some(e) if org.roots.is_empty() => unknown.push(format!(
                "whether RCPs are enabled is unknown: the organization's root could not be read ({e})"
            )),
            _ => return RcpLayer::Off,
        }
    }
    if org.management_account_id == account_id {
        return RcpLayer::ManagementAccount;
    }
    let ancestors = org.ancestors_of(account_id);
    let mut rcps = Vec::new();
    match org.policies.as_ref() {
        Err(e) => unknown.push(format!("the organization's RCPs could not be listed ({e})")),
        Ok(policies) => {
            for p in policies.iter().filter(|p| p.policy_type == RCP_TYPE) {
                let what = format!("RCP {} ({})", p.id, p.name);
                let targets = match p.targets.as_ref() {
                    Ok(t) => t,
                    Err(e) => {
                        unknown.push(format!(
                            "{what} may apply: its targets could not be listed ({e})"
                        ));
                        continue;
                    }
                };
                let applies = targets.iter().any(|t| {
                    t == account_id || ancestors.contains(t) || org.roots.iter().any(|r| &r.id == t)
                });
                if !applies {
                    if ancestors.is_empty() && targets.iter().any(|t| t.starts_with("ou-")) {
                        unknown.push(format!(
                            "{what} is attached to an OU and the account's place in the tree is unknown"
                        ));
                    }
                    continue;
                }
                match p.content.as_ref() {
                    Err(e) => unknown.push(format!("{what} could not be read ({e})")),
                    Ok(text) => match parse(text) {
                        Ok(policy) => rcps.push(AppliedRcp {
                            id: p.id.clone(),
                            name: p.name.clone(),
                            policy,
                        }),
                        Err(e) => unknown.push(format!("{what} could not be analysed: {e}")),
                    },
                }
            }
        }
    }
    RcpLayer::On {
        org_id: org.id.clone(),
        rcps,
        unknown,
    }
}

/// A grant of a resource policy, as the RCP question needs it.
pub struct Grant<'a> {
    /// The resource policy (its own Denies narrow the grant first).
    pub policy: &'a Policy,
    /// The Allow statement that makes the grant.
    pub statement: &'a Statement,
    /// The service whose resource the policy is attached to (`s3`, `sts`): a grant of the action
    /// `*` in a bucket policy is a grant of `s3:*`.
    pub service: &'a str,
    /// The resource the policy is attached to and, for buckets, its objects
    /// (`arn:aws:s3:::b`, `arn:aws:s3:::b/*`): the grant's reach when its statement names no
    /// `Resource`.
    pub attached_to: &'a [String],
    /// The resource's tags, when posture read them (`aws:ResourceTag/…` conditions).
    pub resource_tags: Option<&'a BTreeMap<String, String>>,
}

/// An RCP statement that denies every principal outside the organization the grant lets in.
#[derive(Debug, Clone, PartialEq)]
pub struct Confinement {
    pub rcp_id: String,
    pub rcp_name: String,
    /// `Statement[0] (Sid "EnforceOrgIdentities")`.
    pub statement: String,
    pub org_id: String,
    /// How each condition of the statement was read.
    pub notes: Vec<String>,
}

impl std::fmt::Display for Confinement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "RCP {} ({}) {} denies every principal outside {}",
            self.rcp_id, self.rcp_name, self.statement, self.org_id
        )
    }
}

/// The RCP answer for one grant.
#[derive(Debug, Clone, PartialEq)]
pub enum RcpVerdict {
    /// RCPs are off for the account: nothing to say.
    NotInEffect,
    /// An RCP statement confines the grant to the organization.
    Confined(Confinement),
    /// No RCP confines it, with why (each RCP statement considered, unreadable RCPs, the
    /// management account).
    NotConfined(Vec<String>),
}

/// Does an RCP above the account confine `grant` to the organization (and trusted accounts)?
pub fn rcp_confinement(layer: &RcpLayer, grant: &Grant, b: &Boundary) -> RcpVerdict {
    let (org_id, rcps, unknown) = match layer {
        RcpLayer::Off => return RcpVerdict::NotInEffect,
        RcpLayer::ManagementAccount => {
            return RcpVerdict::NotConfined(vec![
                "RCPs do not apply to the management account".to_string(),
            ]);
        }
        RcpLayer::On {
            org_id,
            rcps,
            unknown,
        } => (org_id, rcps, unknown),
    };
    let mut why = Vec::new();
    for rcp in rcps {
        for st in rcp.policy.statements.iter() {
            if st.effect != Effect::Deny {
                continue;
            }
            match confines(st, grant, b) {
                Ok(notes) => {
                    return RcpVerdict::Confined(Confinement {
                        rcp_id: rcp.id.clone(),
                        rcp_name: rcp.name.clone(),
                        statement: st.label(),
                        org_id: org_id.clone(),
                        notes,
                    });
                }
                Err(e) => why.push(format!("RCP {} ({}) {}: {e}", rcp.id, rcp.name, st.label())),
            }
        }
    }
    if rcps.is_empty() && unknown.is_empty() {
        why.push("no RCP other than the default one applies to the account".to_string());
    } else if why.is_empty() && unknown.is_empty() {
        why.push("the RCPs that apply to the account have no Deny statement".to_string());
    }
    why.extend(unknown.iter().cloned());
    RcpVerdict::NotConfined(why)
}

/// Does `deny` cover every value `grant` may stand for? Both may be patterns; a pattern grant
/// is covered only by `*`, by itself, or by a prefix pattern (`s3:*`, `arn:aws:s3:::b/*`).
fn pattern_covers(deny: &str, grant: &str, case_insensitive: bool) -> bool {
    let norm = |s: &str| {
        if case_insensitive {
            s.to_ascii_lowercase()
        } else {
            s.to_string()
        }
    };
    let (deny, grant) = (norm(deny), norm(grant));
    if deny == "*" || deny == grant {
        return true;
    }
    if !grant.contains(['*', '?']) {
        return wildcard_match(&deny, &grant, false);
    }
    match deny.strip_suffix('*') {
        Some(prefix) if !prefix.contains(['*', '?']) => grant.starts_with(prefix),
        _ => false,
    }
}

/// Is `grant` certainly outside the `NotResource` pattern `not`? (The text before the first
/// wildcard of each must diverge when both are patterns.)
fn surely_outside(not: &str, grant: &str) -> bool {
    let literal = |s: &str| s.split(['*', '?']).next().unwrap_or("").to_string();
    match (not.contains(['*', '?']), grant.contains(['*', '?'])) {
        (_, false) => !wildcard_match(not, grant, false),
        (false, true) => !wildcard_match(grant, not, false),
        (true, true) => {
            let (n, g) = (literal(not), literal(grant));
            !(n.starts_with(&g) || g.starts_with(&n))
        }
    }
}

/// Permission-only STS actions (Service Authorization Reference, AWS STS: "permission only"):
/// they authorize session tags, a source identity or context keys on an `AssumeRole*` request
/// and nothing by themselves. A Deny of the assume action stops the whole request, so they need
/// no cover of their own.
const STS_SESSION_PERMISSIONS: &[&str] =
    &["sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext"];

fn is_session_permission(action: &str) -> bool {
    STS_SESSION_PERMISSIONS
        .iter()
        .any(|p| p.eq_ignore_ascii_case(action))
}

/// The actions of the grant, `*` read as every action of the resource's service. The
/// permission-only STS session actions are left out when the grant names another action (the
/// request they ride on); a grant of nothing else keeps them.
fn grant_actions(grant: &Grant) -> Result<Vec<String>, String> {
    match (&grant.statement.action, &grant.statement.not_action) {
        (Some(list), _) => {
            let all: Vec<String> = list
                .0
                .iter()
                .map(|a| {
                    if a == "*" {
                        format!("{}:*", grant.service)
                    } else {
                        a.clone()
                    }
                })
                .collect();
            let requests: Vec<String> = all
                .iter()
                .filter(|a| !is_session_permission(a))
                .cloned()
                .collect();
            Ok(if requests.is_empty() { all } else { requests })
        }
        _ => Err(format!(
            "the grant {} uses NotAction: posture cannot list what it grants",
            grant.statement.label()
        )),
    }
}

/// The resources the grant reaches: its `Resource` patterns, or the resource it is attached to.
fn grant_resources(grant: &Grant) -> Vec<String> {
    match &grant.statement.resource {
        Some(list) => list.0.clone(),
        None => grant.attached_to.to_vec(),
    }
}

/// Who passes one condition of an RCP Deny (for whom it is false), or why posture cannot tell.
fn escape(c: &Condition, grant: &Grant, b: &Boundary) -> Result<(Who, String), String> {
    let op = &c.operator;
    if c.key_is("aws:PrincipalIsAWSService") {
        let is_false = c.values.len() == 1 && c.values[0].eq_ignore_ascii_case("false");
        return match (op.base.as_str(), op.if_exists, op.set_qualifier, is_false) {
            ("Bool", true, None, true) => Ok((
                Who::nobody(),
                format!(
                    "{} aws:PrincipalIsAWSService false exempts only AWS service principals (a service acting for another account is the confused-deputy question, aws:SourceOrgID/aws:SourceAccount)",
                    op.raw
                ),
            )),
            ("Bool", false, None, true) => Err(format!(
                "{} aws:PrincipalIsAWSService false without IfExists is false for anonymous requests, which carry no such key: anonymous callers are not denied",
                op.raw
            )),
            _ => Err(format!(
                "condition {} aws:PrincipalIsAWSService {} lets callers other than AWS services through",
                op.raw,
                c.values.join(", ")
            )),
        };
    }
    if c.key.len() > 16 && c.key[..16].eq_ignore_ascii_case("aws:ResourceTag/") {
        let tag = &c.key[16..];
        let like = match (op.base.as_str(), op.set_qualifier) {
            ("StringNotEquals", None) => false,
            ("StringNotLike", None) => true,
            _ => {
                return Err(format!(
                    "condition {} {} is not one posture can evaluate",
                    op.raw, c.key
                ));
            }
        };
        let Some(tags) = grant.resource_tags else {
            return Err(format!(
                "condition {} {} depends on the resource's tags, which posture could not read",
                op.raw, c.key
            ));
        };
        let value = tags.get(tag);
        let matches = value.is_some_and(|v| {
            c.values.iter().any(|p| {
                if like {
                    wildcard_match(p, v, false)
                } else {
                    p == v
                }
            })
        });
        return if matches {
            Err(format!(
                "the resource carries the tag {tag} = {}, which exempts it ({} {})",
                value.map(String::as_str).unwrap_or(""),
                op.raw,
                c.key
            ))
        } else {
            Ok((
                Who::nobody(),
                format!(
                    "{} {} {}: the resource has no such tag value, so the condition holds for every caller",
                    op.raw,
                    c.key,
                    c.values.join(", ")
                ),
            ))
        };
    }
    match negated_constraint(c, b) {
        Some((who, why)) => Ok((who, format!("{} {why}", op.raw))),
        None => Err(format!(
            "condition {} {} {} is not one posture can evaluate as keeping callers inside the organization",
            op.raw,
            c.key,
            c.values.join(", ")
        )),
    }
}

/// Does the Deny statement `st` of an RCP deny every caller outside the boundary that `grant`
/// lets in? `Ok` with how each condition was read, `Err` with why not.
fn confines(st: &Statement, grant: &Grant, b: &Boundary) -> Result<Vec<String>, String> {
    if st.not_principal.is_some() || !st.principal.as_ref().is_some_and(|p| p.is_wildcard()) {
        return Err("its Principal is not \"*\"".to_string());
    }
    let Some(deny_actions) = &st.action else {
        return Err(
            "NotAction is not an RCP element (AWS Organizations, \"RCP syntax\"): not evaluated"
                .to_string(),
        );
    };
    let actions = grant_actions(grant)?;
    if let Some(a) = actions
        .iter()
        .find(|a| !deny_actions.0.iter().any(|d| pattern_covers(d, a, true)))
    {
        return Err(format!("its actions do not cover {a}"));
    }
    let resources = grant_resources(grant);
    match (&st.resource, &st.not_resource) {
        (Some(list), _) => {
            if let Some(r) = resources
                .iter()
                .find(|r| !list.0.iter().any(|d| pattern_covers(d, r, false)))
            {
                return Err(format!("its resources do not cover {r}"));
            }
        }
        (None, Some(list)) => {
            if let Some(r) = resources
                .iter()
                .find(|r| !list.0.iter().all(|n| surely_outside(n, r)))
            {
                return Err(format!("its NotResource may exempt {r}"));
            }
        }
        (None, None) => return Err("it has no Resource element".to_string()),
    }
    let mut through = Who::nobody();
    let mut notes = Vec::new();
    for c in &st.conditions {
        let (who, why) = escape(c, grant, b)?;
        through = through.or(who);
        notes.push(why);
    }
    if st.conditions.is_empty() {
        notes.push("no condition: it denies every caller".to_string());
    }
    let Some(d) = decide(grant.policy, grant.statement, b) else {
        return Err("the grant has no AWS principal".to_string());
    };
    let outside = d.who.and(&through, b).outside(b);
    if outside.is_empty() {
        Ok(notes)
    } else {
        Err(format!(
            "its conditions let through {} (read: {})",
            outside.join(", "),
            notes.join("; ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::{Collected, OrgAccount, OrgPolicy, OrgRoot, OrganizationalUnit};

    const PERIMETER: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":["s3:*","sqs:*","kms:*","secretsmanager:*","sts:AssumeRole","sts:DecodeAuthorizationMessage","sts:GetAccessKeyInfo","sts:GetFederationToken","sts:GetServiceBearerToken","sts:GetSessionToken","sts:SetContext"],"Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}"#;

    fn boundary() -> Boundary {
        Boundary {
            org_id: Some("o-a1b2c3d4e5".into()),
            accounts: ["111111111111", "222222222222", "999999999999"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
            ..Default::default()
        }
    }

    fn org(rcp_enabled: bool, targets: Collected<Vec<String>>) -> Organization {
        let mut types = vec!["SERVICE_CONTROL_POLICY".to_string()];
        if rcp_enabled {
            types.push(RCP_TYPE.into());
        }
        let account = |id: &str, parent: &str| OrgAccount {
            id: id.into(),
            name: id.into(),
            email: None,
            state: "ACTIVE".into(),
            parent_id: Some(parent.into()),
        };
        Organization {
            id: "o-a1b2c3d4e5".into(),
            arn: String::new(),
            management_account_id: "999999999999".into(),
            feature_set: Some("ALL".into()),
            roots: vec![OrgRoot {
                id: "r-a1b2".into(),
                name: "Root".into(),
                enabled_policy_types: types,
            }],
            organizational_units: vec![OrganizationalUnit {
                id: "ou-a1b2-work".into(),
                name: "Workloads".into(),
                parent_id: "r-a1b2".into(),
            }],
            hierarchy_error: None,
            accounts: vec![
                account("999999999999", "r-a1b2"),
                account("111111111111", "ou-a1b2-work"),
                account("222222222222", "r-a1b2"),
            ],
            scp_attachments: Collected::Ok(Default::default()),
            policies: Collected::Ok(vec![OrgPolicy {
                id: "p-perimeter".into(),
                name: "DataPerimeter".into(),
                policy_type: RCP_TYPE.into(),
                aws_managed: false,
                content: Collected::Ok(PERIMETER.into()),
                targets,
            }]),
            delegated_administrators: Collected::Ok(vec![]),
        }
    }

    fn ok(v: &[&str]) -> Collected<Vec<String>> {
        Collected::Ok(v.iter().map(|s| s.to_string()).collect())
    }

    const PUBLIC: &str = r#"{"Statement":[{"Sid":"Pub","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#;

    fn verdict(layer: &RcpLayer, resource_policy: &str) -> RcpVerdict {
        let p = parse(resource_policy).unwrap();
        let attached = ["arn:aws:s3:::b".to_string(), "arn:aws:s3:::b/*".to_string()];
        let g = Grant {
            policy: &p,
            statement: &p.statements[0],
            service: "s3",
            attached_to: &attached,
            resource_tags: None,
        };
        rcp_confinement(layer, &g, &boundary())
    }

    #[test]
    fn which_rcps_apply() {
        let at_ou = org(true, ok(&["ou-a1b2-work"]));
        assert!(
            matches!(rcps_for_account(&at_ou, "111111111111"), RcpLayer::On { rcps, .. } if rcps.len() == 1)
        );
        assert!(
            matches!(rcps_for_account(&at_ou, "222222222222"), RcpLayer::On { rcps, unknown, .. } if rcps.is_empty() && unknown.is_empty())
        );
        assert_eq!(
            rcps_for_account(&at_ou, "999999999999"),
            RcpLayer::ManagementAccount
        );
        let at_root = org(true, ok(&["r-a1b2"]));
        assert!(
            matches!(rcps_for_account(&at_root, "222222222222"), RcpLayer::On { rcps, .. } if rcps.len() == 1)
        );
        let at_account = org(true, ok(&["222222222222"]));
        assert!(
            matches!(rcps_for_account(&at_account, "222222222222"), RcpLayer::On { rcps, .. } if rcps.len() == 1)
        );
        assert_eq!(
            rcps_for_account(&org(false, ok(&["r-a1b2"])), "111111111111"),
            RcpLayer::Off
        );
    }

    #[test]
    fn the_data_perimeter_confines_a_public_grant() {
        let layer = rcps_for_account(&org(true, ok(&["r-a1b2"])), "111111111111");
        match verdict(&layer, PUBLIC) {
            RcpVerdict::Confined(c) => assert_eq!(
                c.to_string(),
                "RCP p-perimeter (DataPerimeter) Statement[0] (Sid \"EnforceOrgIdentities\") denies every principal outside o-a1b2c3d4e5"
            ),
            other => panic!("{other:?}"),
        }
        // Not in the management account, and not when the RCP's targets are unknown.
        let mgmt = rcps_for_account(&org(true, ok(&["r-a1b2"])), "999999999999");
        assert!(
            matches!(verdict(&mgmt, PUBLIC), RcpVerdict::NotConfined(w) if w[0].contains("management account"))
        );
        let mut failed = org(true, ok(&[]));
        if let Collected::Ok(ps) = &mut failed.policies {
            ps[0].targets = Collected::Failed(crate::inventory::CollectionError::not_read(
                "organizations",
                "ListTargetsForPolicy",
                "denied",
            ));
        }
        let layer = rcps_for_account(&failed, "111111111111");
        assert!(
            matches!(verdict(&layer, PUBLIC), RcpVerdict::NotConfined(w) if w.iter().any(|w| w.contains("may apply")))
        );
        assert_eq!(verdict(&RcpLayer::Off, PUBLIC), RcpVerdict::NotInEffect);
    }

    #[test]
    fn unreadable_rcps_never_confine() {
        let mut o = org(true, ok(&["r-a1b2"]));
        if let Collected::Ok(ps) = &mut o.policies {
            ps[0].content = Collected::Ok("{not json".into());
        }
        let layer = rcps_for_account(&o, "111111111111");
        assert!(
            matches!(verdict(&layer, PUBLIC), RcpVerdict::NotConfined(w) if w.iter().any(|w| w.contains("could not be analysed")))
        );
    }

    #[test]
    fn session_permissions_ride_on_the_assume_request() {
        let actions = |doc: &str| {
            let p = parse(doc).unwrap();
            let attached = ["arn:aws:iam::111111111111:role/app".to_string()];
            let g = Grant {
                policy: &p,
                statement: &p.statements[0],
                service: "sts",
                attached_to: &attached,
                resource_tags: None,
            };
            grant_actions(&g).unwrap()
        };
        assert_eq!(
            actions(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","STS:TagSession","sts:SetSourceIdentity"]}]}"#
            ),
            vec!["sts:AssumeRole"]
        );
        // A grant of nothing but session permissions keeps them: there is no request to ride on.
        assert_eq!(
            actions(
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:TagSession"}]}"#
            ),
            vec!["sts:TagSession"]
        );
    }

    #[test]
    fn patterns() {
        assert!(pattern_covers("s3:*", "s3:Get*", true));
        assert!(pattern_covers("S3:*", "s3:getobject", true));
        assert!(!pattern_covers("s3:Ge?", "s3:Ge*", true));
        assert!(!pattern_covers("s3:Get*", "s3:*", true));
        assert!(pattern_covers("arn:aws:s3:::*", "arn:aws:s3:::b/*", false));
        assert!(!pattern_covers("arn:aws:s3:::b", "arn:aws:s3:::b/*", false));
        assert!(surely_outside("arn:aws:s3:::other/*", "arn:aws:s3:::b/*"));
        assert!(!surely_outside(
            "arn:aws:s3:::b/public/*",
            "arn:aws:s3:::b/*"
        ));
        assert!(!surely_outside("arn:aws:s3:::b*", "arn:aws:s3:::b"));
        assert!(surely_outside("arn:aws:s3:::c*", "arn:aws:s3:::b"));
    }
}
