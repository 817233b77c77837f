//! The organization boundary: who outside it a resource policy lets in, which resources an
//! endpoint policy lets callers reach, and who can assume a role.
//!
//! The boundary is the scanned organization's accounts (from AWS Organizations) plus the
//! trusted external accounts the user configured. Each answer carries the deciding statements.

use std::collections::BTreeSet;

use super::document::{Condition, Effect, NameList, Policy, Principal, Statement};
use super::questions::{
    applies_to_everyone, condition_negated_pin, condition_pins, covering_denies, grants_action,
    has_wildcard,
};

/// Accounts inside the trust boundary, and the organization id when known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Boundary {
    pub org_id: Option<String>,
    pub accounts: BTreeSet<String>,
}

impl Boundary {
    pub fn contains(&self, account: &str) -> bool {
        self.accounts.contains(account)
    }
}

/// Who a statement lets in, as far as principals and conditions tell.
#[derive(Debug, Clone, PartialEq)]
enum Who {
    /// Only callers inside the boundary (our organization, or our network).
    Inside,
    /// These accounts.
    Accounts(BTreeSet<String>),
    /// Any AWS account, or anonymous callers.
    Anyone,
}

impl Who {
    /// Both constraints hold (statement conditions are ANDed).
    fn and(self, other: Who, b: &Boundary) -> Who {
        match (self, other) {
            (Who::Anyone, x) | (x, Who::Anyone) => x,
            (Who::Inside, Who::Inside) => Who::Inside,
            (Who::Inside, Who::Accounts(s)) | (Who::Accounts(s), Who::Inside) => {
                Who::Accounts(s.into_iter().filter(|a| b.contains(a)).collect())
            }
            (Who::Accounts(x), Who::Accounts(y)) => {
                Who::Accounts(x.intersection(&y).cloned().collect())
            }
        }
    }

    /// Either holds (the alternatives a "deny unless A or B" leaves open).
    fn or(self, other: Who) -> Who {
        match (self, other) {
            (Who::Anyone, _) | (_, Who::Anyone) => Who::Anyone,
            (Who::Inside, Who::Inside) => Who::Inside,
            (Who::Inside, Who::Accounts(s)) | (Who::Accounts(s), Who::Inside) => Who::Accounts(s),
            (Who::Accounts(mut x), Who::Accounts(y)) => {
                x.extend(y);
                Who::Accounts(x)
            }
        }
    }

    fn outside(&self, b: &Boundary) -> Vec<String> {
        match self {
            Who::Inside => vec![],
            Who::Anyone => vec!["*".to_string()],
            Who::Accounts(s) => s.iter().filter(|a| !b.contains(a)).cloned().collect(),
        }
    }
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|c| c.is_ascii_digit())
}

/// The account of an ARN (`arn:partition:service:region:ACCOUNT:...`), if it has one.
fn arn_account(arn: &str) -> Option<String> {
    let acct = arn.split(':').nth(4)?;
    is_account_id(acct).then(|| acct.to_string())
}

/// The accounts an AWS principal value names: `*`, an account id, or an IAM/STS ARN.
fn principal_who(value: &str) -> Who {
    if value == "*" {
        Who::Anyone
    } else if is_account_id(value) {
        Who::Accounts([value.to_string()].into())
    } else if let Some(a) = arn_account(value) {
        Who::Accounts([a].into())
    } else {
        // Unique ids (AIDA..., AROA...) name a principal of an account we cannot see.
        Who::Anyone
    }
}

/// What a pinning condition (positive form) says about the caller.
fn pin_who(c: &Condition, b: &Boundary) -> Who {
    let key = c.key.to_ascii_lowercase();
    match key.as_str() {
        "aws:principalorgid" => {
            if b.org_id
                .as_ref()
                .is_some_and(|org| c.values.iter().all(|v| v == org))
            {
                Who::Inside
            } else {
                Who::Anyone
            }
        }
        "aws:principalaccount"
        | "aws:sourceaccount"
        | "aws:sourceowner"
        | "s3:dataaccesspointaccount" => Who::Accounts(c.values.iter().cloned().collect()),
        "aws:principalarn" | "aws:sourcearn" | "s3:dataaccesspointarn" => {
            let accts: Option<BTreeSet<String>> = c.values.iter().map(|v| arn_account(v)).collect();
            accts.map(Who::Accounts).unwrap_or(Who::Anyone)
        }
        "aws:sourcevpc" | "aws:sourcevpce" => Who::Inside,
        _ => Who::Anyone,
    }
}

/// Who an Allow statement of a resource policy lets in after its own conditions and any Deny
/// that covers it. `None` for statements with no AWS principal (services, federated).
fn statement_who(policy: &Policy, st: &Statement, b: &Boundary) -> Option<Who> {
    let mut who = if st.not_principal.is_some() {
        Who::Anyone
    } else {
        match st.principal.as_ref()? {
            Principal::Everyone => Who::Anyone,
            Principal::Typed(map) => {
                let aws = map.get("AWS")?;
                aws.iter().map(|v| principal_who(v)).reduce(Who::or)?
            }
        }
    };
    for c in st.conditions.iter().filter(|c| condition_pins(c)) {
        who = who.and(pin_who(c, b), b);
    }
    for d in covering_denies(policy, st) {
        if d.conditions.is_empty() {
            // Denied to everyone: nobody is let in.
            return Some(Who::Accounts(BTreeSet::new()));
        }
        if d.conditions.iter().all(condition_negated_pin) {
            let open = d
                .conditions
                .iter()
                .map(|c| pin_who(c, b))
                .reduce(Who::or)
                .unwrap_or(Who::Anyone);
            who = who.and(open, b);
        }
    }
    Some(who)
}

/// One grant to callers outside the boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideGrant {
    pub statement: String,
    /// Account ids outside the boundary, or `*` for any account / anonymous.
    pub who: Vec<String>,
}

/// Allow statements of a resource policy that let in callers from outside the boundary.
pub fn outside_boundary(policy: &Policy, b: &Boundary) -> Vec<OutsideGrant> {
    policy
        .statements
        .iter()
        .filter(|st| st.effect == Effect::Allow)
        .filter_map(|st| {
            let who = statement_who(policy, st, b)?.outside(b);
            (!who.is_empty()).then(|| OutsideGrant {
                statement: st.label(),
                who,
            })
        })
        .collect()
}

/// The sorted, de-duplicated callers outside the boundary.
pub fn outside_accounts(grants: &[OutsideGrant]) -> Vec<String> {
    let set: BTreeSet<String> = grants.iter().flat_map(|g| g.who.iter().cloned()).collect();
    set.into_iter().collect()
}

fn bucket_part_has_wildcard(resource: &str) -> bool {
    if resource == "*" {
        return true;
    }
    match resource.strip_prefix("arn:") {
        Some(rest) => {
            let mut parts = rest.splitn(5, ':');
            let service = parts.nth(1).unwrap_or("");
            let tail = parts.nth(2).unwrap_or("");
            if has_wildcard(service) {
                return true;
            }
            if service != "s3" {
                return false;
            }
            let bucket = tail.split('/').next().unwrap_or("");
            bucket.is_empty() || has_wildcard(bucket)
        }
        None => has_wildcard(resource),
    }
}

fn restricts_resources_to_boundary(st: &Statement, b: &Boundary) -> bool {
    st.conditions.iter().any(|c| {
        let equality = matches!(
            c.operator.base.as_str(),
            "StringEquals" | "StringEqualsIgnoreCase"
        ) && !c.operator.if_exists
            && c.operator.set_qualifier.is_none()
            && !c.values.is_empty();
        equality
            && ((c.key_is("aws:ResourceOrgID")
                && b.org_id
                    .as_ref()
                    .is_some_and(|o| c.values.iter().all(|v| v == o)))
                || ((c.key_is("s3:ResourceAccount") || c.key_is("aws:ResourceAccount"))
                    && c.values.iter().all(|v| b.contains(v))))
    })
}

/// Allow statements of an endpoint policy that let callers reach S3 resources which may belong
/// to accounts outside the boundary (wildcard buckets without a resource-owner condition).
pub fn resources_outside_boundary(policy: &Policy, b: &Boundary) -> Vec<String> {
    policy
        .statements
        .iter()
        .filter(|st| st.effect == Effect::Allow)
        .filter(|st| {
            let wild = match (&st.resource, &st.not_resource) {
                (Some(NameList(r)), _) => r.iter().any(|x| bucket_part_has_wildcard(x)),
                _ => true,
            };
            wild && !restricts_resources_to_boundary(st, b)
        })
        .map(|st| st.label())
        .collect()
}

/// Who can assume a role, from its trust policy.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TrustAnalysis {
    /// Statements that let any AWS principal assume the role.
    pub public: Vec<String>,
    /// (account, statement) for accounts outside the boundary trusted without sts:ExternalId.
    pub external_without_external_id: Vec<(String, String)>,
    /// (account, statement) for accounts outside the boundary that must present an external id.
    pub external_with_external_id: Vec<(String, String)>,
    pub services: Vec<String>,
    pub federated: Vec<String>,
}

const ASSUME_ACTIONS: &[&str] = &[
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
];

fn requires_external_id(st: &Statement) -> bool {
    st.conditions.iter().any(|c| {
        c.key_is("sts:ExternalId")
            && matches!(
                c.operator.base.as_str(),
                "StringEquals" | "StringEqualsIgnoreCase" | "StringLike"
            )
            && !c.operator.if_exists
            && !c.values.is_empty()
            && !c.values.iter().any(|v| v == "*")
    })
}

pub fn trust(policy: &Policy, b: &Boundary) -> TrustAnalysis {
    let mut out = TrustAnalysis::default();
    for st in policy
        .statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
    {
        if !ASSUME_ACTIONS.iter().any(|a| grants_action(st, a)) {
            continue;
        }
        let label = st.label();
        if applies_to_everyone(st) {
            let pinned = st
                .conditions
                .iter()
                .any(|c| condition_pins(c) && pin_who(c, b) != Who::Anyone)
                || st.conditions.iter().any(|c| {
                    condition_pins(c)
                        && matches!(
                            c.key.to_ascii_lowercase().as_str(),
                            "aws:principalorgid" | "aws:principalaccount" | "aws:principalarn"
                        )
                });
            if !pinned {
                out.public.push(label.clone());
            }
        }
        if let Some(Principal::Typed(map)) = &st.principal {
            for (kind, values) in map {
                match kind.as_str() {
                    "AWS" => {
                        for v in values.iter().filter(|v| *v != "*") {
                            if let Who::Accounts(accts) = principal_who(v) {
                                for a in accts.into_iter().filter(|a| !b.contains(a)) {
                                    if requires_external_id(st) {
                                        out.external_with_external_id.push((a, label.clone()));
                                    } else {
                                        out.external_without_external_id.push((a, label.clone()));
                                    }
                                }
                            }
                        }
                    }
                    "Service" => out.services.extend(values.iter().cloned()),
                    "Federated" => out.federated.extend(values.iter().cloned()),
                    _ => {}
                }
            }
        }
    }
    for v in [&mut out.services, &mut out.federated] {
        v.sort();
        v.dedup();
    }
    out.external_without_external_id.sort();
    out.external_without_external_id.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse;

    fn boundary() -> Boundary {
        Boundary {
            org_id: Some("o-a1b2c3d4e5".into()),
            accounts: ["111111111111", "222222222222", "999999999999"]
                .iter()
                .map(|s| s.to_string())
                .collect(),
        }
    }

    fn outside(doc: &str) -> Vec<String> {
        outside_accounts(&outside_boundary(&parse(doc).unwrap(), &boundary()))
    }

    #[test]
    fn accounts_and_org_pins() {
        assert_eq!(
            outside(
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"s3:GetObject"}}"#
            ),
            vec!["333333333333"]
        );
        assert!(outside(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":["222222222222","arn:aws:iam::999999999999:role/x"]},"Action":"s3:GetObject"}}"#).is_empty());
        assert!(outside(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}}"#).is_empty());
        assert_eq!(
            outside(
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-other"}}}}"#
            ),
            vec!["*"]
        );
        assert_eq!(
            outside(
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceAccount":["444444444444","111111111111"]}}}}"#
            ),
            vec!["444444444444"]
        );
        assert!(outside(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}}"#).is_empty());
        assert_eq!(
            outside(
                r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/16"}}}}"#
            ),
            vec!["*"]
        );
        assert!(outside(r#"{"Statement":{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"s3:PutObject"}}"#).is_empty());
    }

    #[test]
    fn deny_unless_org_removes_outsiders() {
        let doc = r#"{"Statement":[
            {"Effect":"Allow","Principal":{"AWS":"333333333333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#;
        assert!(outside(doc).is_empty());
    }

    #[test]
    fn endpoint_resources() {
        let b = boundary();
        let default = parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        )
        .unwrap();
        assert_eq!(resources_outside_boundary(&default, &b).len(), 1);
        let named = parse(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::data","arn:aws:s3:::data/*"]}]}"#).unwrap();
        assert!(resources_outside_boundary(&named, &b).is_empty());
        let org = parse(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:ResourceOrgID":"o-a1b2c3d4e5"}}}]}"#).unwrap();
        assert!(resources_outside_boundary(&org, &b).is_empty());
        let wild = parse(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data-*/*"}]}"#).unwrap();
        assert_eq!(resources_outside_boundary(&wild, &b).len(), 1);
    }

    #[test]
    fn trust_policies() {
        let b = boundary();
        let t = trust(&parse(r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#).unwrap(), &b);
        assert_eq!(t.services, vec!["ec2.amazonaws.com"]);
        assert!(t.public.is_empty());
        let t = trust(&parse(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#).unwrap(), &b);
        assert_eq!(t.public.len(), 1);
        let t = trust(&parse(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#).unwrap(), &b);
        assert!(t.public.is_empty());
        let t = trust(&parse(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}]}"#).unwrap(), &b);
        assert_eq!(
            t.external_without_external_id,
            vec![("333333333333".to_string(), "Statement[0]".to_string())]
        );
        let t = trust(&parse(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}]}"#).unwrap(), &b);
        assert!(t.external_without_external_id.is_empty());
        assert_eq!(t.external_with_external_id.len(), 1);
        let t = trust(&parse(r#"{"Statement":[{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111111111111:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}]}"#).unwrap(), &b);
        assert_eq!(t.federated.len(), 1);
    }
}
