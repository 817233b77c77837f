//! Property tests (fuzzing) of the policy parser and the questions: no input makes them panic,
//! and the answers keep their invariants across questions (a condition never widens a grant, a
//! Deny never opens one, a public grant is also outside the organization unless a condition
//! S3 does not count keeps it inside).
//!
//! The normal test run uses proptest's default case count (`PROPTEST_CASES` changes it). The deep
//! campaign sets `POSTURE_FUZZ_CASES` per property test: `tests/fuzz-deep.sh` (see README,
//! "Fuzzing at depth").

use std::collections::BTreeSet;

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::*;

/// proptest's configuration, with `POSTURE_FUZZ_CASES` (the deep campaign) overriding the case
/// count. Without it, the defaults (and `PROPTEST_CASES`) apply unchanged.
pub(crate) fn config() -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if let Some(n) = std::env::var("POSTURE_FUZZ_CASES")
        .ok()
        .and_then(|v| v.trim().parse::<u32>().ok())
    {
        c.cases = n;
        // A long campaign must not stop at proptest's default cap on rejected inputs.
        c.max_global_rejects = c.max_global_rejects.max(n);
    }
    c
}

/// Policy-shaped JSON: the right keys with values of every type, so the fuzzer reaches deep
/// into statements, principals and conditions instead of failing at the top level.
fn json_leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| Value::Number(n.into())),
        prop_oneof![
            Just("*".to_string()),
            Just("s3:*".to_string()),
            Just("Allow".to_string()),
            Just("Deny".to_string()),
            Just("arn:aws:s3:::b/*".to_string()),
            Just("arn:aws:iam::123456789012:root".to_string()),
            Just("o-abc".to_string()),
            Just("10.0.0.0/8".to_string()),
            Just("::/0".to_string()),
            "[a-zA-Z0-9:*?/._-]{0,24}",
        ]
        .prop_map(Value::String),
    ]
}

const KEYS: &[&str] = &[
    "Version",
    "Statement",
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
    "AWS",
    "Service",
    "Federated",
    "CanonicalUser",
    "StringEquals",
    "StringLike",
    "StringNotEquals",
    "ForAnyValue:StringLike",
    "ForAllValues:StringEquals",
    "IpAddress",
    "NotIpAddress",
    "Bool",
    "BoolIfExists",
    "Null",
    "ArnEquals",
    "NumericLessThan",
    "aws:SourceVpce",
    "aws:PrincipalOrgID",
    "aws:SourceIp",
    "aws:SecureTransport",
    "aws:ResourceOrgID",
    "sts:ExternalId",
];

fn json_value() -> impl Strategy<Value = Value> {
    json_leaf().prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            prop::collection::vec((prop::sample::select(KEYS), inner), 0..6).prop_map(|kv| {
                let mut m = Map::new();
                for (k, v) in kv {
                    m.insert(k.to_string(), v);
                }
                Value::Object(m)
            }),
        ]
    })
}

fn exercise(text: &str) {
    if let Ok(p) = parse(text) {
        let b = Boundary {
            org_id: Some("o-abc".into()),
            accounts: ["123456789012".to_string()].into(),
            networks: ["vpc-1".to_string(), "vpce-1".to_string()].into(),
            ..Default::default()
        };
        let _ = grants_public_access(&p, None);
        let _ = write_actions_granted(&p);
        let _ = tls_enforced(&p, "arn:aws:s3:::b");
        let _ = is_full_access_endpoint_policy(&p);
        let _ = restricted_to_private_path(&p, "arn:aws:s3:::b", &b);
        let _ = outside_boundary(&p, &b);
        let _ = boundary_decisions(&p, &b);
        let _ = resources_outside_boundary(&p, &b);
        let _ = trust(&p, &b);
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,400}") {
        exercise(&text);
    }

    #[test]
    fn policy_shaped_json_never_panics(doc in json_value()) {
        exercise(&doc.to_string());
    }

    #[test]
    fn statements_with_random_parts_never_panic(statements in prop::collection::vec(
        prop::collection::vec((prop::sample::select(KEYS), json_value()), 0..8), 0..4)) {
        let st: Vec<Value> = statements
            .into_iter()
            .map(|kv| Value::Object(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
            .collect();
        let doc = serde_json::json!({"Version": "2012-10-17", "Statement": st});
        exercise(&doc.to_string());
    }

    #[test]
    fn wildcard_star_matches_everything_and_literals_match_themselves(s in "[a-zA-Z0-9:/._-]{0,30}") {
        prop_assert!(wildcard_match("*", &s, false));
        prop_assert!(wildcard_match(&s, &s, false));
        prop_assert!(wildcard_match(&s.to_uppercase(), &s, true));
    }
}

// ------------------------------------------------------------------ cross-question invariants

/// The boundary of the invariant tests: the corpus's organization and networks.
fn org() -> Boundary {
    super::corpus_tests::boundary()
}

fn principal() -> impl Strategy<Value = (&'static str, Value)> {
    prop_oneof![
        Just(("Principal", json!("*"))),
        Just(("Principal", json!({"AWS": "*"}))),
        Just((
            "Principal",
            json!({"AWS": "arn:aws:iam::333333333333:root"})
        )),
        Just((
            "Principal",
            json!({"AWS": ["222222222222", "arn:aws:iam::444444444444:role/r"]})
        )),
        Just((
            "Principal",
            json!({"AWS": "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHAPOMQZL"})
        )),
        Just(("Principal", json!({"AWS": "AROA3XFRBF535PLBIFPI4"}))),
        Just(("Principal", json!({"Service": "cloudtrail.amazonaws.com"}))),
        Just((
            "NotPrincipal",
            json!({"AWS": "arn:aws:iam::111111111111:root"})
        )),
    ]
}

/// Conditions from the keys and operators the engine gives a meaning to, with inside, outside,
/// unknown and wildcard values.
fn condition() -> impl Strategy<Value = (String, String, Value)> {
    let op = prop::sample::select(vec![
        "StringEquals",
        "StringLike",
        "ArnLike",
        "ArnEquals",
        "StringEqualsIfExists",
        "ForAnyValue:StringLike",
        "ForAllValues:StringEquals",
        "IpAddress",
        "Bool",
    ]);
    let kv = prop::sample::select(vec![
        ("aws:PrincipalOrgID", "o-a1b2c3d4e5"),
        ("aws:PrincipalOrgID", "o-0ther0rg00"),
        ("aws:PrincipalOrgPaths", "o-a1b2c3d4e5/*"),
        ("aws:PrincipalAccount", "333333333333"),
        ("aws:PrincipalAccount", "222222222222"),
        ("aws:SourceAccount", "444444444444"),
        ("aws:PrincipalArn", "arn:aws:iam::111111111111:role/*"),
        ("aws:PrincipalArn", "arn:aws:iam::*:role/x"),
        ("aws:SourceArn", "arn:aws:sns:*:333333333333:t"),
        ("aws:SourceVpc", "vpc-0123abcd"),
        ("aws:SourceVpc", "vpc-0bad0bad"),
        ("aws:SourceVpce", "vpce-0a1b2c3d"),
        ("aws:SourceVpce", "vpce-0bad0bad"),
        ("aws:VpceOrgID", "o-a1b2c3d4e5"),
        ("aws:VpceAccount", "333333333333"),
        ("aws:SourceIp", "203.0.113.0/24"),
        ("aws:SourceIp", "0.0.0.0/0"),
        ("aws:userid", "AROAEXAMPLEID1234567:*"),
        ("aws:SecureTransport", "false"),
    ]);
    (op, kv).prop_map(|(op, (k, v))| (op.to_string(), k.to_string(), json!(v)))
}

fn conditions() -> impl Strategy<Value = Vec<(String, String, Value)>> {
    prop::collection::vec(condition(), 0..3)
}

fn condition_block(cs: &[(String, String, Value)]) -> Value {
    let mut block = Map::new();
    for (op, k, v) in cs {
        let entry = block
            .entry(op.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(m) = entry {
            m.insert(k.clone(), v.clone());
        }
    }
    Value::Object(block)
}

fn allow() -> impl Strategy<Value = Value> {
    (
        principal(),
        prop::sample::select(vec!["s3:GetObject", "s3:*", "s3:PutObject", "*"]),
        prop::sample::select(vec!["arn:aws:s3:::b/*", "*"]),
        conditions(),
    )
        .prop_map(|((pk, pv), a, r, cs)| {
            let mut st = json!({"Effect": "Allow", "Action": a, "Resource": r});
            st[pk] = pv;
            if !cs.is_empty() {
                st["Condition"] = condition_block(&cs);
            }
            st
        })
}

fn deny() -> impl Strategy<Value = Value> {
    (
        prop::sample::select(vec!["s3:*", "s3:GetObject", "*"]),
        prop::sample::select(vec![
            "StringNotEquals",
            "StringNotLike",
            "ArnNotLike",
            "StringNotEqualsIfExists",
            "ForAllValues:StringNotLike",
            "NotIpAddress",
        ]),
        prop::collection::vec(condition(), 0..3),
    )
        .prop_map(|(a, op, cs)| {
            let negated: Vec<(String, String, Value)> =
                cs.into_iter().map(|(_, k, v)| (op.to_string(), k, v)).collect();
            let mut st = json!({"Effect": "Deny", "Principal": "*", "Action": a, "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]});
            if !negated.is_empty() {
                st["Condition"] = condition_block(&negated);
            }
            st
        })
}

fn policy_doc(statements: &[Value]) -> Option<Policy> {
    parse(&json!({"Version": "2012-10-17", "Statement": statements}).to_string()).ok()
}

/// What a policy lets in, for comparing two policies: anyone, the outside accounts, and the
/// outside networks (whose owners are unknown).
#[derive(Debug)]
struct Reach {
    anyone: bool,
    accounts: BTreeSet<String>,
    networks: bool,
    public: bool,
    public_write: bool,
}

fn reach(p: &Policy) -> Reach {
    let who = outside_accounts(&outside_boundary(p, &org()));
    Reach {
        anyone: who.iter().any(|w| w == "*"),
        accounts: who
            .iter()
            .filter(|w| w.len() == 12 && w.bytes().all(|c| c.is_ascii_digit()))
            .cloned()
            .collect(),
        networks: who
            .iter()
            .any(|w| w.starts_with("owner of") || w.starts_with("endpoints of")),
        public: !grants_public_access(p, None).is_empty(),
        public_write: !write_actions_granted(p).is_empty(),
    }
}

/// Does the boundary reading of some statement name an outside account limited to a network?
fn class_one(p: &Policy) -> bool {
    boundary_decisions(p, &org()).iter().any(|d| {
        d.notes
            .iter()
            .any(|n| n == super::boundary::NETWORK_IS_NOT_IDENTITY)
    })
}

/// `narrow` lets in nobody and nothing that `wide` does not.
fn within(narrow: &Reach, wide: &Reach) -> Result<(), TestCaseError> {
    let ok = (!narrow.public || wide.public)
        && (!narrow.public_write || wide.public_write)
        && (wide.anyone
            || (!narrow.anyone
                && narrow.accounts.is_subset(&wide.accounts)
                && (!narrow.networks || wide.networks)));
    if ok {
        Ok(())
    } else {
        Err(TestCaseError::fail(format!(
            "{narrow:?} is wider than {wide:?}"
        )))
    }
}

proptest! {
    #![proptest_config(config())]

    /// Adding a condition to an Allow never widens what the policy grants, for either question.
    #[test]
    fn a_condition_never_widens_an_allow(
        statements in prop::collection::vec(prop_oneof![allow(), deny()], 1..4),
        index in any::<prop::sample::Index>(),
        extra in condition(),
    ) {
        let allows: Vec<usize> = statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s["Effect"] == "Allow")
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!allows.is_empty());
        let i = allows[index.index(allows.len())];
        let mut narrowed = statements.clone();
        let mut cs: Vec<(String, String, Value)> = Vec::new();
        if let Some(Value::Object(block)) = narrowed[i].get("Condition") {
            for (op, keys) in block {
                if let Value::Object(keys) = keys {
                    for (k, v) in keys {
                        cs.push((op.clone(), k.clone(), v.clone()));
                    }
                }
            }
        }
        // A key already under the same operator would be replaced, not added.
        prop_assume!(!cs.iter().any(|(op, k, _)| *op == extra.0 && *k == extra.1));
        cs.push(extra);
        narrowed[i]["Condition"] = condition_block(&cs);
        let (Some(before), Some(after)) = (policy_doc(&statements), policy_doc(&narrowed)) else {
            return Err(TestCaseError::fail("generated policies parse"));
        };
        if let Err(e) = within(&reach(&after), &reach(&before)) {
            // The one allowed exception: a wildcard principal from the organization's networks
            // counts as inside, but narrowing it to a named outside account makes that account
            // visible (class 1): the engine must then say so.
            if !class_one(&after) {
                return Err(e);
            }
        }
    }

    /// Removing a Deny never narrows what the policy grants.
    #[test]
    fn removing_a_deny_never_narrows(
        statements in prop::collection::vec(prop_oneof![allow(), deny()], 1..5),
        index in any::<prop::sample::Index>(),
    ) {
        let denies: Vec<usize> = statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s["Effect"] == "Deny")
            .map(|(i, _)| i)
            .collect();
        prop_assume!(!denies.is_empty());
        let mut without = statements.clone();
        without.remove(denies[index.index(denies.len())]);
        let (Some(with), Some(without)) = (policy_doc(&statements), policy_doc(&without)) else {
            return Err(TestCaseError::fail("generated policies parse"));
        };
        // The class 1 exception, as in the test above.
        if let Err(e) = within(&reach(&with), &reach(&without))
            && !class_one(&with)
        {
            return Err(e);
        }
    }

    /// A public grant is also a grant outside the organization, unless the boundary reading of
    /// that statement names a condition that keeps it inside (one S3 does not count as fixed:
    /// aws:PrincipalOrgPaths, an ARN pattern with a fixed account, aws:VpceOrgID, …). Public
    /// write implies public.
    #[test]
    fn public_is_outside_unless_a_condition_keeps_it_inside(
        statements in prop::collection::vec(prop_oneof![allow(), deny()], 1..4),
    ) {
        let Some(p) = policy_doc(&statements) else {
            return Err(TestCaseError::fail("generated policies parse"));
        };
        let b = org();
        let decisions = boundary_decisions(&p, &b);
        for g in grants_public_access(&p, None) {
            let d = decisions.iter().find(|d| d.statement == g.statement);
            let outside = d.is_some_and(|d| !d.who.is_empty());
            let explained = d.is_some_and(|d| d.notes.iter().any(|n| n.contains("condition") || n.contains("denies")));
            prop_assert!(outside || explained, "{} is public but neither outside nor explained: {:?}", g.statement, d.map(|d| &d.notes));
        }
        prop_assert!(write_actions_granted(&p).is_empty() || !grants_public_access(&p, None).is_empty());
    }
}
