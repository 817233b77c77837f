//! The policy corpus (`tests/policy-corpus.toml`): documents with the verdicts an AWS security
//! engineer expects, each with a one-line why. Every verdict posture gives must match.

use std::collections::BTreeSet;

use super::*;

/// The corpus's organization: its accounts and the VPCs and endpoints of its accounts (the
/// property tests of `fuzz_tests` use it too).
pub(super) fn boundary() -> Boundary {
    Boundary {
        org_id: Some("o-a1b2c3d4e5".into()),
        accounts: ["111111111111", "222222222222", "999999999999"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        networks: [
            "vpc-0123abcd",
            "vpce-0a1b2c3d",
            "vpc-0222bbbb",
            "vpce-0222bbbb",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        network_gaps: Default::default(),
    }
}

fn strings(v: &toml::Value) -> Vec<String> {
    let mut out: Vec<String> = v
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

#[test]
fn corpus_verdicts_match_the_experts() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/policy-corpus.toml"
    );
    let text = std::fs::read_to_string(path).expect("tests/policy-corpus.toml");
    let doc: toml::Value = toml::from_str(&text).expect("corpus parses");
    let cases = doc["case"].as_array().expect("[[case]] entries");
    assert!(cases.len() >= 60, "corpus has only {} cases", cases.len());
    let b = boundary();
    let mut mismatches = Vec::new();
    let mut compared = 0usize;
    let mut names = BTreeSet::new();
    for case in cases {
        let name = case["name"].as_str().unwrap();
        assert!(names.insert(name), "duplicate case {name}");
        let kind = case["kind"].as_str().unwrap();
        let why = case["why"].as_str().unwrap_or("");
        if let Some(docs) = case.get("docs") {
            let docs = docs.as_array().expect("docs is a list");
            assert!(!docs.is_empty(), "{name}: empty docs");
            for d in docs {
                let d = d.as_str().expect("docs entries are strings");
                assert!(
                    d.starts_with("https://docs.aws.amazon.com/"),
                    "{name}: docs entry {d} is not an AWS documentation page"
                );
            }
        }
        let expect = &case["expect"];
        let mut check = |verdict: &str, got: String, want: String| {
            compared += 1;
            if got != want {
                mismatches.push(format!(
                    "{name} [{kind}] {verdict}: posture {got}, expected {want} — {why}"
                ));
            }
        };
        let parsed = parse(case["policy"].as_str().unwrap());
        let want_valid = expect["valid"].as_bool().unwrap();
        check("valid", parsed.is_ok().to_string(), want_valid.to_string());
        let Ok(p) = parsed else { continue };
        let arn = "arn:aws:s3:::example-bucket";
        for (key, want) in expect.as_table().unwrap() {
            let got = match key.as_str() {
                "valid" => continue,
                "public" => (!grants_public_access(&p, None).is_empty()).to_string(),
                "public_write" => (!write_actions_granted(&p).is_empty()).to_string(),
                "tls_enforced" => tls_enforced(&p, arn).holds().to_string(),
                "outside_org" => format!("{:?}", outside_accounts(&outside_boundary(&p, &b))),
                "endpoint_full_access" => is_full_access_endpoint_policy(&p).is_some().to_string(),
                "resources_outside_org" => {
                    (!resources_outside_boundary(&p, &b).is_empty()).to_string()
                }
                "trust_public" => (!trust(&p, &b).public.is_empty()).to_string(),
                "trust_external_without_external_id" => {
                    let mut a: Vec<String> = trust(&p, &b)
                        .external_without_external_id
                        .into_iter()
                        .map(|(a, _)| a)
                        .collect();
                    a.sort();
                    a.dedup();
                    format!("{a:?}")
                }
                "trust_services" => format!("{:?}", trust(&p, &b).services),
                "trust_federated" => format!("{:?}", trust(&p, &b).federated),
                other => panic!("{name}: unknown verdict {other}"),
            };
            let want = match want {
                toml::Value::Array(_) => format!("{:?}", strings(want)),
                other => other.to_string(),
            };
            check(key, got, want);
        }
    }
    // Every valid case carries several verdicts; make sure they were all compared.
    assert!(
        compared > 3 * cases.len(),
        "only {compared} verdicts compared"
    );
    assert!(
        mismatches.is_empty(),
        "{} verdict(s) differ from the corpus:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}
