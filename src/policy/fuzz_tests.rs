//! Property tests (fuzzing) of the policy parser and the questions: no input makes them panic.
//! Run more cases with `PROPTEST_CASES=100000 cargo test --lib fuzz`.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::*;

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
        };
        let _ = grants_public_access(&p, None);
        let _ = write_actions_granted(&p);
        let _ = tls_enforced(&p, "arn:aws:s3:::b");
        let _ = is_full_access_endpoint_policy(&p);
        let _ = restricted_to_private_path(&p, "arn:aws:s3:::b");
        let _ = outside_boundary(&p, &b);
        let _ = resources_outside_boundary(&p, &b);
        let _ = trust(&p, &b);
    }
}

proptest! {
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
