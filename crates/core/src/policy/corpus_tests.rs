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

/// The grants the `kind = "rcp"` cases ask about (see the corpus's RCP section).
const RCP_PUBLIC: &str = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-bucket/*"}]}"#;
const RCP_OUTSIDE_ACCOUNT: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::example-bucket/*"}]}"#;
const RCP_TRUST: &str =
    r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#;
const RCP_TRUST_SESSION_TAGS: &str = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}"#;

/// Does the RCP `rcp`, attached above the member account 111111111111, confine the grant?
fn rcp_confines(
    rcp: &Policy,
    grant: &str,
    service: &str,
    tags: Option<&std::collections::BTreeMap<String, String>>,
) -> String {
    let layer = RcpLayer::On {
        org_id: "o-a1b2c3d4e5".into(),
        rcps: vec![AppliedRcp {
            id: "p-corpus".into(),
            name: "Corpus".into(),
            policy: rcp.clone(),
        }],
        unknown: vec![],
    };
    let resource_policy = parse(grant).unwrap();
    let attached: Vec<String> = if service == "s3" {
        vec![
            "arn:aws:s3:::example-bucket".into(),
            "arn:aws:s3:::example-bucket/*".into(),
        ]
    } else {
        vec!["arn:aws:iam::111111111111:role/app".into()]
    };
    let g = Grant {
        policy: &resource_policy,
        statement: &resource_policy.statements[0],
        service,
        attached_to: &attached,
        resource_tags: tags,
    };
    matches!(
        rcp_confinement(&layer, &g, &boundary()),
        RcpVerdict::Confined(_)
    )
    .to_string()
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
        let tags: Option<std::collections::BTreeMap<String, String>> =
            case.get("bucket_tags").map(|t| {
                t.as_table()
                    .expect("bucket_tags is a table")
                    .iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
                    .collect()
            });
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
                "rcp_confines_public" => rcp_confines(&p, RCP_PUBLIC, "s3", tags.as_ref()),
                "rcp_confines_outside_account" => {
                    rcp_confines(&p, RCP_OUTSIDE_ACCOUNT, "s3", tags.as_ref())
                }
                "rcp_confines_trust" => rcp_confines(&p, RCP_TRUST, "sts", None),
                "rcp_confines_trust_session_tags" => {
                    rcp_confines(&p, RCP_TRUST_SESSION_TAGS, "sts", None)
                }
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
