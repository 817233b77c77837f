//! The organization boundary: who outside it a resource policy lets in, which resources an
//! endpoint policy lets callers reach, and who can assume a role.
//!
//! The boundary is the scanned organization's accounts (from AWS Organizations) plus the
//! trusted external accounts the user configured. Each answer carries the deciding statements.

use std::collections::BTreeSet;

use super::document::{Condition, Effect, NameList, Policy, Principal, SetQualifier, Statement};
use super::questions::{
    Verdict, applies_to_everyone, condition_pins, covering_denies, grants_action, has_wildcard,
};

/// Accounts inside the trust boundary, the organization id when known, and the networks (VPC and
/// VPC endpoint ids) the inventory shows in the scanned accounts.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Boundary {
    pub org_id: Option<String>,
    pub accounts: BTreeSet<String>,
    /// `vpc-…` and `vpce-…` ids of the scanned accounts. A network condition naming an id that is
    /// not here lets in whoever owns that network: outside the organization.
    pub networks: BTreeSet<String>,
    /// Accounts and regions whose VPCs could not be read (`111111111111`, `111111111111/eu-west-1`):
    /// an unknown network id may belong to one of them. Named in the evidence.
    pub network_gaps: BTreeSet<String>,
}

impl Boundary {
    pub fn contains(&self, account: &str) -> bool {
        self.accounts.contains(account)
    }

    fn network_inside(&self, n: &NetId) -> bool {
        match n {
            NetId::Vpc(id) | NetId::Vpce(id) => self.networks.contains(id),
            NetId::EndpointAccount(a) => self.contains(a),
            NetId::EndpointOrg(o) => self.org_id.as_deref() == Some(o.as_str()),
        }
    }

    /// Where the network ids came from, for evidence.
    fn networks_known(&self) -> String {
        let mut s = format!(
            "{} VPC and endpoint ids of the scanned accounts are known",
            self.networks.len()
        );
        if !self.network_gaps.is_empty() {
            let gaps: Vec<&str> = self.network_gaps.iter().map(String::as_str).collect();
            s.push_str(&format!(
                "; VPCs were not read in {} (the id may belong there)",
                gaps.join(", ")
            ));
        }
        s
    }
}

/// Who a caller is, as far as the principal and the identity conditions tell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Ident {
    /// Any AWS account, or anonymous.
    Any,
    /// Members of the scanned organization.
    Org,
    /// Principals of these accounts.
    Accounts(BTreeSet<String>),
}

/// A network a request must come through.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum NetId {
    Vpc(String),
    Vpce(String),
    /// An endpoint owned by this account (`aws:VpceAccount`).
    EndpointAccount(String),
    /// An endpoint owned by an account of this organization (`aws:VpceOrgID`, `aws:VpceOrgPaths`).
    EndpointOrg(String),
}

impl NetId {
    /// How an unknown network is named among the callers outside the boundary.
    fn outsider(&self) -> String {
        match self {
            NetId::Vpc(id) | NetId::Vpce(id) => format!("owner of {id}"),
            NetId::EndpointAccount(a) => format!("endpoints of account {a}"),
            NetId::EndpointOrg(o) => format!("endpoints of organization {o}"),
        }
    }
}

/// Where a caller's request comes from, as far as the network conditions tell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Net {
    Any,
    /// Through a network of the scanned organization.
    Inside,
    /// Through one of these networks, at least one of which is not the organization's.
    Via(BTreeSet<NetId>),
}

impl Net {
    fn via(ids: BTreeSet<NetId>, b: &Boundary) -> Net {
        if ids.iter().all(|n| b.network_inside(n)) {
            Net::Inside
        } else {
            Net::Via(ids)
        }
    }

    fn and(self, other: Net) -> Net {
        match (self, other) {
            (Net::Any, x) | (x, Net::Any) => x,
            // A request that must come through one of the organization's networks (and more).
            (Net::Inside, _) | (_, Net::Inside) => Net::Inside,
            (Net::Via(mut a), Net::Via(c)) => {
                a.extend(c);
                Net::Via(a)
            }
        }
    }
}

/// One kind of caller a statement lets in: an identity, from a network. The two are independent:
/// a network condition narrows where a principal calls from, never who it is (issue 11, class 1).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Caller {
    ident: Ident,
    net: Net,
}

impl Caller {
    fn and(&self, other: &Caller, b: &Boundary) -> Option<Caller> {
        let ident = match (self.ident.clone(), other.ident.clone()) {
            (Ident::Any, x) | (x, Ident::Any) => x,
            (Ident::Org, Ident::Org) => Ident::Org,
            (Ident::Org, Ident::Accounts(s)) | (Ident::Accounts(s), Ident::Org) => {
                Ident::Accounts(s.into_iter().filter(|a| b.contains(a)).collect())
            }
            (Ident::Accounts(x), Ident::Accounts(y)) => {
                Ident::Accounts(x.intersection(&y).cloned().collect())
            }
        };
        if matches!(&ident, Ident::Accounts(s) if s.is_empty()) {
            return None;
        }
        Some(Caller {
            ident,
            net: self.net.clone().and(other.net.clone()),
        })
    }

    /// The callers outside the boundary this one stands for.
    fn outside(&self, b: &Boundary) -> Vec<String> {
        match (&self.ident, &self.net) {
            (Ident::Accounts(s), _) => s.iter().filter(|a| !b.contains(a)).cloned().collect(),
            (Ident::Org, _) | (Ident::Any, Net::Inside) => vec![],
            (Ident::Any, Net::Any) => vec!["*".to_string()],
            (Ident::Any, Net::Via(ids)) => ids
                .iter()
                .filter(|n| !b.network_inside(n))
                .map(NetId::outsider)
                .collect(),
        }
    }
}

/// Past this many alternatives (only absurd documents get there), `Who` gives up precision and
/// answers "anyone": wider, never narrower.
const MAX_CALLERS: usize = 64;

/// The callers a statement lets in: any of these.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Who(BTreeSet<Caller>);

impl Who {
    pub(super) fn anyone() -> Who {
        Who([Caller {
            ident: Ident::Any,
            net: Net::Any,
        }]
        .into())
    }

    pub(super) fn nobody() -> Who {
        Who(BTreeSet::new())
    }

    fn ident(ident: Ident) -> Who {
        Who([Caller {
            ident,
            net: Net::Any,
        }]
        .into())
    }

    fn net(net: Net) -> Who {
        Who([Caller {
            ident: Ident::Any,
            net,
        }]
        .into())
    }

    /// Both hold (statement conditions are ANDed).
    pub(super) fn and(&self, other: &Who, b: &Boundary) -> Who {
        let out: BTreeSet<Caller> = self
            .0
            .iter()
            .flat_map(|x| other.0.iter().filter_map(move |y| x.and(y, b)))
            .collect();
        if out.len() > MAX_CALLERS {
            Who::anyone()
        } else {
            Who(out)
        }
    }

    /// Either holds.
    pub(super) fn or(mut self, other: Who) -> Who {
        self.0.extend(other.0);
        if self.0.len() > MAX_CALLERS {
            Who::anyone()
        } else {
            self
        }
    }

    pub(super) fn outside(&self, b: &Boundary) -> Vec<String> {
        let set: BTreeSet<String> = self.0.iter().flat_map(|c| c.outside(b)).collect();
        set.into_iter().collect()
    }

    /// Some caller may be anyone, from anywhere.
    fn unrestricted(&self) -> bool {
        self.0
            .iter()
            .any(|c| c.ident == Ident::Any && c.net == Net::Any)
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

/// Prefixes of IAM unique ids (IAM User Guide, "IAM identifiers", unique identifiers).
const UNIQUE_ID_PREFIXES: &[&str] = &[
    "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "AKIA", "ANPA", "ANVA", "APKA", "AROA", "ASCA", "ASIA",
];

fn is_unique_id(s: &str) -> bool {
    UNIQUE_ID_PREFIXES.iter().any(|p| s.starts_with(p))
        && (16..=128).contains(&s.len())
        && s.bytes()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

/// The ARN under which S3 and IAM show a CloudFront origin access identity.
fn is_cloudfront_oai(s: &str) -> bool {
    let f: Vec<&str> = s.splitn(6, ':').collect();
    f.len() == 6
        && f[0] == "arn"
        && f[2] == "iam"
        && f[4] == "cloudfront"
        && f[5].starts_with("user/CloudFront Origin Access Identity ")
}

/// What one `AWS` principal value lets in, with a note when posture set it aside or could not
/// place it.
fn principal_value(value: &str) -> (Who, Option<String>) {
    if value == "*" {
        (Who::anyone(), None)
    } else if is_account_id(value) {
        (
            Who::ident(Ident::Accounts([value.to_string()].into())),
            None,
        )
    } else if is_cloudfront_oai(value) {
        (
            Who::nobody(),
            Some(format!(
                "principal {value} is a CloudFront origin access identity: an identity of the CloudFront service that only CloudFront can use, not an account outside the organization"
            )),
        )
    } else if let Some(a) = arn_account(value) {
        (Who::ident(Ident::Accounts([a].into())), None)
    } else if is_unique_id(value) {
        (
            Who::nobody(),
            Some(format!(
                "principal {value} is the unique id IAM shows for a deleted user or role: it matches no caller"
            )),
        )
    } else {
        (
            Who::anyone(),
            Some(format!(
                "principal {value} is not an account id, account ARN or unique id posture can place: treated as any account"
            )),
        )
    }
}

/// How a condition operator compares values.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Compare {
    /// StringEquals / StringEqualsIgnoreCase: literal.
    Equals,
    /// StringLike: `*` and `?` anywhere, across colons.
    Like,
    /// ArnEquals / ArnLike: `*` and `?` within each of the six colon-separated ARN fields.
    Arn,
}

fn positive_compare(base: &str) -> Option<Compare> {
    match base {
        "StringEquals" | "StringEqualsIgnoreCase" => Some(Compare::Equals),
        "StringLike" => Some(Compare::Like),
        "ArnEquals" | "ArnLike" => Some(Compare::Arn),
        _ => None,
    }
}

fn negated_compare(base: &str) -> Option<Compare> {
    match base {
        "StringNotEquals" | "StringNotEqualsIgnoreCase" => Some(Compare::Equals),
        "StringNotLike" => Some(Compare::Like),
        "ArnNotEquals" | "ArnNotLike" => Some(Compare::Arn),
        _ => None,
    }
}

/// A policy variable (`${aws:username}`) takes the caller's own value: never a fixed value.
fn has_variable(v: &str) -> bool {
    v.contains("${")
}

/// A value that matches exactly one string.
fn fixed(v: &str) -> bool {
    !has_wildcard(v) && !has_variable(v)
}

/// The account an ARN pattern is limited to: field by field for the Arn operators, by literal
/// prefix for StringLike (where `*` crosses colons). `None` when the account is not fixed.
fn arn_pattern_account(v: &str, cmp: Compare) -> Option<String> {
    if has_variable(v) {
        return None;
    }
    let f: Vec<&str> = v.splitn(6, ':').collect();
    if f.len() < 6 || f[0] != "arn" || !is_account_id(f[4]) {
        return None;
    }
    match cmp {
        Compare::Equals => Some(f[4].to_string()),
        // Account ids are scoped to one partition: a wildcard partition is another account.
        Compare::Arn => (!has_wildcard(f[1])).then(|| f[4].to_string()),
        Compare::Like => {
            let literal = v.split(['*', '?']).next().unwrap_or("");
            (literal.split(':').count() >= 6).then(|| f[4].to_string())
        }
    }
}

/// Does an organization path pattern stay inside organization `org` (`o-…/…`)?
fn org_path_inside(v: &str, cmp: Compare, org: &str) -> bool {
    if has_variable(v) {
        return false;
    }
    let literal = match cmp {
        Compare::Equals => v,
        _ => v.split(['*', '?']).next().unwrap_or(""),
    };
    literal.starts_with(&format!("{org}/"))
}

/// What a condition, in its positive form (`StringEquals`, `StringLike`, `ArnLike`, …), says
/// about the caller, and why. `None` when it does not narrow who can call or from where.
fn key_constraint(
    key: &str,
    written: &str,
    cmp: Compare,
    values: &[String],
    b: &Boundary,
) -> Option<(Who, String)> {
    let shown = values.join(", ");
    let all_fixed = values.iter().all(|v| fixed(v));
    let org = b.org_id.as_deref();
    match key {
        "aws:principalorgid" | "aws:sourceorgid" => {
            (all_fixed && org.is_some_and(|o| values.iter().all(|v| v == o))).then(|| {
                (
                    Who::ident(Ident::Org),
                    format!("{written} {shown} is the scanned organization: only its members match"),
                )
            })
        }
        "aws:principalorgpaths" | "aws:sourceorgpaths" => org
            .filter(|o| values.iter().all(|v| org_path_inside(v, cmp, o)))
            .map(|o| {
                (
                    Who::ident(Ident::Org),
                    format!(
                        "{written} {shown} starts with the organization id {o}/: only its members match"
                    ),
                )
            }),
        "aws:principalaccount"
        | "aws:sourceaccount"
        | "aws:sourceowner"
        | "s3:dataaccesspointaccount"
        | "kms:calleraccount" => all_fixed.then(|| {
            (
                Who::ident(Ident::Accounts(values.iter().cloned().collect())),
                format!("{written} limits the caller to account(s) {shown}"),
            )
        }),
        "aws:userid" => (all_fixed && values.iter().all(|v| is_account_id(v))).then(|| {
            (
                Who::ident(Ident::Accounts(values.iter().cloned().collect())),
                format!("{written} {shown} is the root user of the account(s)"),
            )
        }),
        "aws:principalarn" | "aws:sourcearn" | "s3:dataaccesspointarn" => {
            let accts: Option<BTreeSet<String>> =
                values.iter().map(|v| arn_pattern_account(v, cmp)).collect();
            accts.map(|a| {
                let list: Vec<&str> = a.iter().map(String::as_str).collect();
                (
                    Who::ident(Ident::Accounts(a.clone())),
                    format!(
                        "{written} {shown} fixes the account field to {} (ARN fields are compared one by one)",
                        list.join(", ")
                    ),
                )
            })
        }
        "aws:sourcevpc" | "aws:sourcevpce" | "aws:vpceaccount" | "aws:vpceorgid" => {
            if !all_fixed {
                return None;
            }
            let ids: BTreeSet<NetId> = values
                .iter()
                .map(|v| match key {
                    "aws:sourcevpc" => NetId::Vpc(v.clone()),
                    "aws:sourcevpce" => NetId::Vpce(v.clone()),
                    "aws:vpceaccount" => NetId::EndpointAccount(v.clone()),
                    _ => NetId::EndpointOrg(v.clone()),
                })
                .collect();
            let net = Net::via(ids, b);
            let why = match &net {
                Net::Inside => format!("{written} {shown}: a network of the scanned organization"),
                _ => format!(
                    "{written} {shown}: not every id is a network of the scanned organization ({})",
                    b.networks_known()
                ),
            };
            Some((Who::net(net), why))
        }
        "aws:vpceorgpaths" => org
            .filter(|o| values.iter().all(|v| org_path_inside(v, cmp, o)))
            .map(|o| {
                (
                    Who::net(Net::Inside),
                    format!("{written} {shown}: endpoints of the organization {o}"),
                )
            }),
        _ => None,
    }
}

/// A condition of an Allow: does it narrow the caller?
fn constraint(c: &Condition, b: &Boundary) -> Option<(Who, String)> {
    // IfExists and ForAllValues hold when the key is absent (anonymous callers, no endpoint).
    if c.operator.if_exists
        || c.operator.set_qualifier == Some(SetQualifier::ForAllValues)
        || c.values.is_empty()
    {
        return None;
    }
    let cmp = positive_compare(&c.operator.base)?;
    key_constraint(&c.key.to_ascii_lowercase(), &c.key, cmp, &c.values, b)
}

/// A condition of a Deny in its negated form ("deny unless …"): who passes it.
pub(super) fn negated_constraint(c: &Condition, b: &Boundary) -> Option<(Who, String)> {
    // ForAnyValue:…Not… is false when the key is absent: the caller without it is not denied.
    if c.operator.set_qualifier == Some(SetQualifier::ForAnyValue) || c.values.is_empty() {
        return None;
    }
    let cmp = negated_compare(&c.operator.base)?;
    key_constraint(&c.key.to_ascii_lowercase(), &c.key, cmp, &c.values, b)
}

/// The note of a statement where a named outside account is limited to a network (issue 11,
/// class 1). The organization's networks count as inside only for a wildcard principal; an
/// account named outright stays outside whatever network it calls from.
pub(crate) const NETWORK_IS_NOT_IDENTITY: &str = "a network condition limits where a principal calls from, not who it is: an outside account stays outside";

/// What a statement lets in, and the notes that explain it.
pub(super) struct Decision {
    pub(super) who: Who,
    pub(super) notes: Vec<String>,
}

/// Who an Allow statement of a resource policy lets in after its own conditions and any Deny
/// that covers it. `None` for statements with no AWS principal (services, federated).
pub(super) fn decide(policy: &Policy, st: &Statement, b: &Boundary) -> Option<Decision> {
    let mut notes = Vec::new();
    let mut who = if st.not_principal.is_some() {
        Who::anyone()
    } else {
        match st.principal.as_ref()? {
            Principal::Everyone => Who::anyone(),
            Principal::Typed(map) => {
                let aws = map.get("AWS")?;
                let mut who = Who::nobody();
                for v in aws {
                    let (w, note) = principal_value(v);
                    who = who.or(w);
                    notes.extend(note);
                }
                who
            }
        }
    };
    for c in &st.conditions {
        if let Some((w, why)) = constraint(c, b) {
            who = who.and(&w, b);
            notes.push(format!("condition {}: {why}", c.operator.raw));
        }
    }
    for d in covering_denies(policy, st) {
        if d.conditions.is_empty() {
            notes.push(format!("{} denies it to everyone", d.label()));
            return Some(Decision {
                who: Who::nobody(),
                notes,
            });
        }
        // "Deny unless A and unless B": a caller passes with A or with B.
        let open: Option<Vec<(Who, String)>> = d
            .conditions
            .iter()
            .map(|c| negated_constraint(c, b))
            .collect();
        if let Some(open) = open {
            let mut alternatives = Who::nobody();
            for (w, why) in open {
                alternatives = alternatives.or(w);
                notes.push(format!("{} denies callers unless {why}", d.label()));
            }
            who = who.and(&alternatives, b);
        }
    }
    let fixed_outside_with_network = who.0.iter().any(|c| {
        matches!(&c.ident, Ident::Accounts(s) if s.iter().any(|a| !b.contains(a)))
            && c.net != Net::Any
    });
    if fixed_outside_with_network {
        notes.push(NETWORK_IS_NOT_IDENTITY.to_string());
    }
    Some(Decision { who, notes })
}

/// One grant to callers outside the boundary.
#[derive(Debug, Clone, PartialEq)]
pub struct OutsideGrant {
    pub statement: String,
    /// Account ids outside the boundary, `*` for any account / anonymous, `owner of vpc-…` for a
    /// network no scanned account owns, `endpoints of account …` / `endpoints of organization …`
    /// for endpoints owned outside the boundary (`aws:VpceAccount`, `aws:VpceOrgID`).
    pub who: Vec<String>,
    /// Why: the principals set aside and the conditions that decided, for evidence.
    pub notes: Vec<String>,
}

/// Every Allow statement with an AWS principal, with who outside the boundary it lets in (often
/// nobody) and the notes that explain the verdict.
pub fn boundary_decisions(policy: &Policy, b: &Boundary) -> Vec<OutsideGrant> {
    policy
        .statements
        .iter()
        .filter(|st| st.effect == Effect::Allow)
        .filter_map(|st| {
            let d = decide(policy, st, b)?;
            Some(OutsideGrant {
                statement: st.label(),
                who: d.who.outside(b),
                notes: d.notes,
            })
        })
        .collect()
}

/// Allow statements of a resource policy that let in callers from outside the boundary.
pub fn outside_boundary(policy: &Policy, b: &Boundary) -> Vec<OutsideGrant> {
    boundary_decisions(policy, b)
        .into_iter()
        .filter(|g| !g.who.is_empty())
        .collect()
}

/// The sorted, de-duplicated callers outside the boundary.
pub fn outside_accounts(grants: &[OutsideGrant]) -> Vec<String> {
    let set: BTreeSet<String> = grants.iter().flat_map(|g| g.who.iter().cloned()).collect();
    set.into_iter().collect()
}

/// Does a Deny-unless (or every Allow) of a bucket policy keep the objects to the organization's
/// endpoints, VPCs or principals? Answers with the deciding statements, or why not. An endpoint, VPC
/// or organization that is not the scanned organization's does not count.
pub fn restricted_to_private_path(policy: &Policy, bucket_arn: &str, b: &Boundary) -> Verdict {
    let objects = format!("{bucket_arn}/*");
    let on_key = |c: &Condition| PRIVATE_PATH_KEYS.contains(&c.key.to_ascii_lowercase().as_str());
    let mut foreign = Vec::new();
    let mut denies = Vec::new();
    for st in &policy.statements {
        let candidate = st.effect == Effect::Deny
            && st.principal.as_ref().is_some_and(|p| p.is_wildcard())
            && super::questions::grants_action_literal(st, "s3:*")
            && super::questions::covers_resource(st, &objects)
            && !st.conditions.is_empty()
            && st.conditions.iter().all(on_key);
        if !candidate {
            continue;
        }
        let open: Option<Vec<(Who, String)>> = st
            .conditions
            .iter()
            .map(|c| negated_constraint(c, b))
            .collect();
        let Some(open) = open else { continue };
        let who = open
            .into_iter()
            .fold(Who::nobody(), |acc, (w, _)| acc.or(w));
        let outside = who.outside(b);
        if outside.is_empty() {
            denies.push(st.label());
        } else {
            foreign.push(format!("{} lets in {}", st.label(), outside.join(", ")));
        }
    }
    if !denies.is_empty() {
        return Verdict::Holds(denies);
    }
    let allows: Vec<&Statement> = policy
        .statements
        .iter()
        .filter(|st| st.effect == Effect::Allow)
        .collect();
    let pinned_inside = |st: &Statement| {
        st.conditions.iter().any(|c| {
            on_key(c)
                && constraint(c, b)
                    .is_some_and(|(w, _)| !w.unrestricted() && w.outside(b).is_empty())
        })
    };
    if !allows.is_empty() && allows.iter().all(|st| pinned_inside(st)) {
        return Verdict::Holds(allows.iter().map(|st| st.label()).collect());
    }
    let mut why = "no Deny-unless (or pinned Allow) on aws:SourceVpce, aws:SourceVpc or aws:PrincipalOrgID of the scanned organization covering the objects".to_string();
    if !foreign.is_empty() {
        why.push_str(&format!(" ({})", foreign.join("; ")));
    }
    Verdict::DoesNotHold(why)
}

/// Condition keys that tie a caller to the workload's network path or organization.
const PRIVATE_PATH_KEYS: &[&str] = &["aws:sourcevpce", "aws:sourcevpc", "aws:principalorgid"];

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
        if let Some(d) = decide(policy, st, b) {
            // Public: a wildcard principal that nothing narrows, neither to accounts, the
            // organization or a network, nor to a fixed value of a key on S3's list (another
            // organization's id, a narrow source IP).
            if applies_to_everyone(st)
                && d.who.unrestricted()
                && !st.conditions.iter().any(condition_pins)
            {
                out.public.push(label.clone());
            }
            let external: BTreeSet<String> = d
                .who
                .0
                .iter()
                .filter_map(|c| match &c.ident {
                    Ident::Accounts(s) => Some(s.iter().filter(|a| !b.contains(a)).cloned()),
                    _ => None,
                })
                .flatten()
                .collect();
            for a in external {
                if requires_external_id(st) {
                    out.external_with_external_id.push((a, label.clone()));
                } else {
                    out.external_without_external_id.push((a, label.clone()));
                }
            }
        }
        if let Some(Principal::Typed(map)) = &st.principal {
            for (kind, values) in map {
                match kind.as_str() {
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
    for v in [
        &mut out.external_without_external_id,
        &mut out.external_with_external_id,
    ] {
        v.sort();
        v.dedup();
    }
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
            networks: ["vpc-1", "vpce-1"].iter().map(|s| s.to_string()).collect(),
            ..Default::default()
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
