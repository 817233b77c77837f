//! The questions checks ask of a parsed policy. Each answer names the statement(s) that decided
//! it, so findings carry their evidence.

use super::document::{Condition, Effect, NameList, Policy, SetQualifier, Statement};
use super::wildcard::wildcard_match;

/// The answer to a yes/no question about a policy, with its evidence either way: the deciding
/// statements when it holds, the explanation when it does not. Both are evidence for a finding,
/// not an error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// It holds; the labels of the statements that decided it.
    Holds(Vec<String>),
    /// It does not hold; why not, as a sentence fragment for the finding's evidence.
    DoesNotHold(String),
}

impl Verdict {
    pub fn holds(&self) -> bool {
        matches!(self, Verdict::Holds(_))
    }
}

/// Condition keys that, with a fixed value, restrict a wildcard principal to a known caller
/// (AWS's definition of a non-public policy, S3 User Guide, "The meaning of 'public'").
const PINNING_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceowner",
    "aws:sourceaccount",
    "aws:principalorgid",
    "aws:principalaccount",
    "aws:principalarn",
    "aws:userid",
    "s3:dataaccesspointarn",
    "s3:dataaccesspointaccount",
    "s3:x-amz-server-side-encryption-aws-kms-key-id",
    // Not on S3's list (an S3 request never carries it, so in a bucket policy the condition
    // never holds): the KMS key that fixes the caller's account, as IAM Access Analyzer reads
    // key policies (AWS KMS Developer Guide, "kms:CallerAccount").
    "kms:calleraccount",
];

/// IPv4 / IPv6 prefix lengths from which an `aws:SourceIp` range counts as narrow.
/// AWS does not publish its cut-off; posture treats anything wider than a /8 (IPv4) or
/// /32 (IPv6) as open to the internet.
const MIN_IPV4_PREFIX: u8 = 8;
const MIN_IPV6_PREFIX: u8 = 32;

/// One way a policy lets anyone in.
#[derive(Debug, Clone, PartialEq)]
pub struct PublicGrant {
    /// e.g. `Statement[0] (Sid "PublicRead")`.
    pub statement: String,
    /// The actions as written in the statement.
    pub actions: Vec<String>,
    pub why: String,
}

pub(super) fn has_wildcard(v: &str) -> bool {
    v.contains('*') || v.contains('?')
}

fn ip_range_is_narrow(cidr: &str) -> bool {
    match cidr.parse::<ipnet::IpNet>() {
        Ok(ipnet::IpNet::V4(n)) => n.prefix_len() >= MIN_IPV4_PREFIX,
        Ok(ipnet::IpNet::V6(n)) => n.prefix_len() >= MIN_IPV6_PREFIX,
        // A bare address is a /32 or /128.
        Err(_) => cidr.parse::<std::net::IpAddr>().is_ok(),
    }
}

/// Is this condition value a fixed value in S3's sense: no wildcard, no policy variable? For
/// `aws:userid`, S3 also excludes the pattern `AROLEID:*` (any session of a role).
fn s3_fixed_value(key: &str, v: &str, wildcards_apply: bool) -> bool {
    if v.contains("${") {
        return false;
    }
    if key == "aws:userid" && v.ends_with(":*") {
        return false;
    }
    if wildcards_apply {
        !has_wildcard(v)
    } else {
        v != "*"
    }
}

/// Does this condition, when it holds, restrict the caller to a fixed identity or network?
/// This is S3's rule for "not public" (a fixed value of a key on S3's list), not the
/// organization-boundary question. `IfExists` and `ForAllValues` forms do not: they hold when
/// the key is absent.
pub(super) fn condition_pins(c: &Condition) -> bool {
    if c.operator.if_exists || c.operator.set_qualifier == Some(SetQualifier::ForAllValues) {
        return false;
    }
    if c.values.is_empty() {
        return false;
    }
    let key = c.key.to_ascii_lowercase();
    match c.operator.base.as_str() {
        "IpAddress" => key == "aws:sourceip" && c.values.iter().all(|v| ip_range_is_narrow(v)),
        "StringEquals" | "StringEqualsIgnoreCase" => {
            PINNING_KEYS.contains(&key.as_str())
                && c.values.iter().all(|v| s3_fixed_value(&key, v, false))
        }
        // ArnEquals interprets `*` and `?` exactly as ArnLike does.
        "StringLike" | "ArnLike" | "ArnEquals" => {
            PINNING_KEYS.contains(&key.as_str())
                && c.values.iter().all(|v| s3_fixed_value(&key, v, true))
        }
        _ => false,
    }
}

/// Keys that narrow the caller for the organization-boundary question but are not on S3's list
/// of keys whose fixed values make a policy non-public.
const NARROWING_NOT_ON_S3_LIST: &[&str] = &[
    "aws:principalorgpaths",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:vpceaccount",
    "aws:vpceorgid",
    "aws:vpceorgpaths",
];

/// Why a condition that looks like a pin does not make an Allow non-public under S3's rule (for
/// the evidence: which rule decided). `None` for conditions that are not about the caller.
fn not_fixed_for_s3(c: &Condition) -> Option<String> {
    let key = c.key.to_ascii_lowercase();
    let op = &c.operator.raw;
    if NARROWING_NOT_ON_S3_LIST.contains(&key.as_str()) {
        return Some(format!(
            "{op} {} is not among the keys S3 counts as fixing the caller (S3 User Guide, \"The meaning of 'public'\")",
            c.key
        ));
    }
    if !PINNING_KEYS.contains(&key.as_str()) || condition_pins(c) {
        return None;
    }
    let reason = if c.operator.if_exists {
        "…IfExists holds when the key is absent"
    } else if c.operator.set_qualifier == Some(SetQualifier::ForAllValues) {
        "ForAllValues holds when the key is absent"
    } else if c.values.iter().any(|v| has_wildcard(v) || v.contains("${")) {
        "a value with a wildcard or a policy variable is not a fixed value"
    } else if key == "aws:userid" {
        "S3 does not count the pattern AROLEID:* as fixed"
    } else {
        "this operator does not fix the value"
    };
    Some(format!("{op} {}: {reason}", c.key))
}

/// The negation of a pin inside a Deny: "deny unless the caller is the pinned one".
pub(super) fn condition_negated_pin(c: &Condition) -> bool {
    if c.operator.set_qualifier.is_some() || c.values.is_empty() {
        return false;
    }
    let key = c.key.to_ascii_lowercase();
    match c.operator.base.as_str() {
        "NotIpAddress" => key == "aws:sourceip" && c.values.iter().all(|v| ip_range_is_narrow(v)),
        "StringNotEquals" | "StringNotEqualsIgnoreCase" => {
            PINNING_KEYS.contains(&key.as_str())
                && c.values.iter().all(|v| s3_fixed_value(&key, v, false))
        }
        "StringNotLike" | "ArnNotLike" | "ArnNotEquals" => {
            PINNING_KEYS.contains(&key.as_str())
                && c.values.iter().all(|v| s3_fixed_value(&key, v, true))
        }
        _ => false,
    }
}

/// Does a statement's action element grant `action`?
pub(super) fn grants_action(st: &Statement, action: &str) -> bool {
    match (&st.action, &st.not_action) {
        (Some(NameList(pats)), _) => pats.iter().any(|p| wildcard_match(p, action, true)),
        (None, Some(NameList(pats))) => !pats.iter().any(|p| wildcard_match(p, action, true)),
        (None, None) => false,
    }
}

/// Does a statement's resource element cover `resource`? (No element: applies to the resource
/// the policy is attached to.)
pub(super) fn covers_resource(st: &Statement, resource: &str) -> bool {
    match (&st.resource, &st.not_resource) {
        (Some(NameList(pats)), _) => pats.iter().any(|p| wildcard_match(p, resource, false)),
        (None, Some(NameList(pats))) => !pats.iter().any(|p| wildcard_match(p, resource, false)),
        (None, None) => true,
    }
}

/// Does a statement apply to every caller (wildcard principal, or Allow with NotPrincipal)?
pub(super) fn applies_to_everyone(st: &Statement) -> bool {
    match (&st.principal, &st.not_principal) {
        (Some(p), _) => p.is_wildcard(),
        // NotPrincipal: everyone except the listed principals.
        (None, Some(_)) => true,
        // Identity policies have no principal; they are not resource exposure.
        (None, None) => false,
    }
}

fn written_actions(st: &Statement) -> Vec<String> {
    match (&st.action, &st.not_action) {
        (Some(NameList(a)), _) => a.clone(),
        (None, Some(NameList(a))) => a.iter().map(|x| format!("NotAction {x}")).collect(),
        _ => Vec::new(),
    }
}

/// Deny statements that apply to everyone and cover every action and resource of `allow`.
/// Allows with NotAction are too wide to prove covered: none.
pub(super) fn covering_denies<'p>(policy: &'p Policy, allow: &Statement) -> Vec<&'p Statement> {
    let Some(NameList(actions)) = &allow.action else {
        return vec![];
    };
    policy
        .statements
        .iter()
        .filter(|d| {
            d.effect == Effect::Deny && d.principal.as_ref().is_some_and(|p| p.is_wildcard())
        })
        .filter(|d| actions.iter().all(|a| grants_action_literal(d, a)))
        .filter(|d| match (&d.resource, &allow.resource) {
            (Some(NameList(dr)), Some(NameList(ar))) => ar
                .iter()
                .all(|r| dr.iter().any(|p| wildcard_match(p, r, false))),
            (None, _) => d.not_resource.is_none(),
            _ => false,
        })
        .collect()
}

/// A covering Deny whose only conditions are negated pins neutralizes the Allow for all callers
/// except pinned ones (or entirely, when it has no condition).
fn neutralized_by_deny(policy: &Policy, allow: &Statement) -> Option<String> {
    covering_denies(policy, allow)
        .into_iter()
        .find(|d| d.conditions.iter().all(condition_negated_pin))
        .map(|d| d.label())
}

/// Like `grants_action`, but for an action that may itself contain wildcards: a Deny covers
/// `s3:Get*` only if one of its patterns matches the text `s3:Get*` (e.g. `s3:*`, `*`).
pub(super) fn grants_action_literal(st: &Statement, action: &str) -> bool {
    match &st.action {
        Some(NameList(pats)) => pats.iter().any(|p| wildcard_match(p, action, true)),
        None => false,
    }
}

/// Allow statements that grant access to anyone, unpinned and not neutralized by a Deny.
/// `action_filter` restricts the question to some actions (e.g. write actions); `None` asks
/// about any action.
pub fn grants_public_access(policy: &Policy, action_filter: Option<&[&str]>) -> Vec<PublicGrant> {
    let mut out = Vec::new();
    for st in &policy.statements {
        if st.effect != Effect::Allow || !applies_to_everyone(st) {
            continue;
        }
        if let Some(filter) = action_filter
            && !filter.iter().any(|a| grants_action(st, a))
        {
            continue;
        }
        if let Some(pin) = st.conditions.iter().find(|c| condition_pins(c)) {
            let _ = pin;
            continue;
        }
        if neutralized_by_deny(policy, st).is_some() {
            continue;
        }
        let who = if st.not_principal.is_some() {
            "Allow with NotPrincipal grants everyone except the listed principals"
        } else {
            "Allow to a wildcard principal"
        };
        let why = if st.conditions.is_empty() {
            format!("{who}, with no condition")
        } else {
            let reasons: Vec<String> = st.conditions.iter().filter_map(not_fixed_for_s3).collect();
            if reasons.is_empty() {
                format!(
                    "{who}; its conditions do not pin the caller to a fixed account, organization, VPC, endpoint or narrow IP range"
                )
            } else {
                format!("{who}; by S3's rule: {}", reasons.join("; "))
            }
        };
        out.push(PublicGrant {
            statement: st.label(),
            actions: written_actions(st),
            why,
        });
    }
    out
}

/// S3 actions that change data or permissions ("write" for the public-write question).
pub const S3_WRITE_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:DeleteObjectVersion",
    "s3:PutObjectAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketAcl",
    "s3:DeleteBucket",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketVersioning",
    "s3:RestoreObject",
    "s3:AbortMultipartUpload",
];

/// Which of the write actions a statement list grants to everyone.
pub fn write_actions_granted(policy: &Policy) -> Vec<PublicGrant> {
    grants_public_access(policy, Some(S3_WRITE_ACTIONS))
}

/// Is TLS enforced on a bucket: Deny statements with a wildcard principal, covering `s3:*`, with
/// `Bool aws:SecureTransport = false`, that together cover the bucket and its objects?
/// Answers with the deciding statements, or why not.
pub fn tls_enforced(policy: &Policy, bucket_arn: &str) -> Verdict {
    let object_arn = format!("{bucket_arn}/*");
    let mut covers_bucket = Vec::new();
    let mut covers_objects = Vec::new();
    for st in &policy.statements {
        let denies_insecure = st.effect == Effect::Deny
            && st.principal.as_ref().is_some_and(|p| p.is_wildcard())
            && grants_action_literal(st, "s3:*")
            && st.conditions.iter().any(|c| {
                c.operator.base == "Bool"
                    && c.operator.set_qualifier.is_none()
                    && c.key_is("aws:SecureTransport")
                    && c.values.iter().all(|v| v.eq_ignore_ascii_case("false"))
            })
            // Any other condition would narrow the deny.
            && st.conditions.len() == 1;
        if !denies_insecure {
            continue;
        }
        if covers_resource(st, bucket_arn) {
            covers_bucket.push(st.label());
        }
        if covers_resource(st, &object_arn) {
            covers_objects.push(st.label());
        }
    }
    match (covers_bucket.is_empty(), covers_objects.is_empty()) {
        (false, false) => {
            let mut all = covers_bucket;
            for s in covers_objects {
                if !all.contains(&s) {
                    all.push(s);
                }
            }
            Verdict::Holds(all)
        }
        (true, true) => Verdict::DoesNotHold("no Deny statement for all principals and all S3 actions with condition Bool aws:SecureTransport = false".into()),
        (true, false) => Verdict::DoesNotHold(format!("the aws:SecureTransport deny covers objects ({object_arn}) but not the bucket itself")),
        (false, true) => Verdict::DoesNotHold(format!("the aws:SecureTransport deny covers the bucket but not its objects ({object_arn})")),
    }
}

/// Can a NotAction pattern match some S3 action (`s3:…`)? Compares the pattern with the prefix
/// `s3:` character by character; a `*` before the prefix ends could match anything.
fn may_match_s3_action(pattern: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    for (i, want) in "s3:".chars().enumerate() {
        match p.get(i) {
            None => return false,
            Some('*') => return true,
            Some('?') => {}
            Some(c) if c.eq_ignore_ascii_case(&want) => {}
            Some(_) => return false,
        }
    }
    true
}

/// Does a resource pattern cover every S3 bucket and object?
fn covers_all_s3(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let f: Vec<&str> = pattern.splitn(6, ':').collect();
    f.len() == 6
        && f[0] == "arn"
        && (f[1] == "*" || f[1].starts_with("aws"))
        && wildcard_match(f[2], "s3", false)
        && f[3].is_empty()
        && f[4].is_empty()
        && f[5] == "*"
}

/// Is this S3 gateway endpoint policy the default full-access policy, or equivalent to it? An
/// S3 gateway endpoint only carries S3 requests, so an unconditional Allow to everyone of every
/// S3 action (`*`, `s3:*`, `s3:**`, or a NotAction that only excludes other services) on every
/// S3 resource grants exactly what the default policy grants. Returns the statement.
pub fn is_full_access_endpoint_policy(policy: &Policy) -> Option<String> {
    policy
        .statements
        .iter()
        .find(|st| {
            let every_s3_action = match (&st.action, &st.not_action) {
                (Some(_), _) => grants_action_literal(st, "s3:*"),
                (None, Some(NameList(excluded))) => {
                    !excluded.iter().any(|p| may_match_s3_action(p))
                }
                (None, None) => false,
            };
            st.effect == Effect::Allow
                && applies_to_everyone(st)
                && st.conditions.is_empty()
                && every_s3_action
                && matches!(&st.resource, Some(NameList(r)) if r.iter().any(|x| covers_all_s3(x)))
        })
        .map(|st| st.label())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse;

    fn public(doc: &str) -> Vec<PublicGrant> {
        grants_public_access(&parse(doc).unwrap(), None)
    }

    #[test]
    fn unconditional_wildcard_is_public() {
        let g = public(
            r#"{"Statement":[{"Sid":"R","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#,
        );
        assert_eq!(g.len(), 1);
        assert_eq!(g[0].statement, "Statement[0] (Sid \"R\")");
        assert!(!public(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject"}]}"#).is_empty());
    }

    #[test]
    fn pinned_wildcards_are_not_public() {
        for cond in [
            r#"{"StringEquals":{"aws:SourceVpce":"vpce-1"}}"#,
            r#"{"StringEquals":{"aws:PrincipalOrgID":["o-abc"]}}"#,
            r#"{"ArnEquals":{"aws:SourceArn":"arn:aws:cloudtrail:us-east-1:1:trail/t"}}"#,
            r#"{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}"#,
            r#"{"StringLike":{"aws:SourceAccount":"111122223333"}}"#,
        ] {
            let doc = format!(
                r#"{{"Statement":{{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{cond}}}}}"#
            );
            assert!(public(&doc).is_empty(), "{cond}");
        }
    }

    #[test]
    fn weak_conditions_stay_public() {
        for cond in [
            r#"{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}"#,
            r#"{"StringLike":{"aws:PrincipalOrgID":"o-*"}}"#,
            r#"{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}"#,
            r#"{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-1"}}"#,
            r#"{"Bool":{"aws:SecureTransport":"true"}}"#,
        ] {
            let doc = format!(
                r#"{{"Statement":{{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{cond}}}}}"#
            );
            assert_eq!(public(&doc).len(), 1, "{cond}");
        }
    }

    #[test]
    fn the_evidence_says_which_s3_rule_kept_a_policy_public() {
        let g = public(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/*"}}}}"#,
        );
        assert!(
            g[0].why
                .contains("aws:PrincipalOrgPaths is not among the keys S3 counts"),
            "{}",
            g[0].why
        );
        let g = public(
            r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111111111111:role/*"}}}}"#,
        );
        assert!(
            g[0].why.contains("wildcard or a policy variable"),
            "{}",
            g[0].why
        );
    }

    #[test]
    fn not_principal_allow_is_public_and_fixed_principals_are_not() {
        assert_eq!(public(r#"{"Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::1:root"},"Action":"s3:*"}}"#).len(), 1);
        assert!(public(r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*"}}"#).is_empty());
    }

    #[test]
    fn deny_unless_endpoint_neutralizes_allow() {
        let doc = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        assert!(public(doc).is_empty());
        // A deny that only covers a different resource does not.
        let doc = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
            {"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::other/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        assert_eq!(public(doc).len(), 1);
    }

    #[test]
    fn write_access_and_mixed_case_actions() {
        let p = parse(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":["S3:PUTOBJECT"],"Resource":"*"}}"#).unwrap();
        assert_eq!(write_actions_granted(&p).len(), 1);
        let p = parse(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":["s3:GetObject"],"Resource":"*"}}"#).unwrap();
        assert!(write_actions_granted(&p).is_empty());
        let p = parse(r#"{"Statement":{"Effect":"Allow","Principal":"*","NotAction":["s3:GetObject"],"Resource":"*"}}"#).unwrap();
        assert_eq!(write_actions_granted(&p).len(), 1);
    }

    #[test]
    fn tls_enforcement() {
        let arn = "arn:aws:s3:::b";
        let good = parse(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#).unwrap();
        assert!(tls_enforced(&good, arn).holds());
        let objects_only = parse(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"Bool":{"aws:SecureTransport":false}}}}"#).unwrap();
        assert!(matches!(
            tls_enforced(&objects_only, arn),
            Verdict::DoesNotHold(why) if why.contains("not the bucket")
        ));
        let get_only = parse(r#"{"Statement":{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}}"#).unwrap();
        assert!(!tls_enforced(&get_only, arn).holds());
        let allow = parse(r#"{"Statement":{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}}"#).unwrap();
        assert!(!tls_enforced(&allow, arn).holds());
    }

    #[test]
    fn endpoint_full_access() {
        let default = parse(
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
        )
        .unwrap();
        assert!(is_full_access_endpoint_policy(&default).is_some());
        let scoped = parse(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}"#).unwrap();
        assert!(is_full_access_endpoint_policy(&scoped).is_none());
        let org = parse(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-1"}}}]}"#).unwrap();
        assert!(is_full_access_endpoint_policy(&org).is_none());
    }
}
