//! `--security-hub` against moto's Security Hub (run by the emulator test, which starts and
//! seeds the emulators): findings are imported 100 per call and read back with GetFindings; the
//! failures resolved since the baseline are archived; a wrong account is refused before
//! anything is sent.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::{posture, read_json, run};

const ACCOUNT: &str = "123456789012";

fn hub_env(c: &mut Command) {
    crate::emulator::emulator_env(c);
    c.env("AWS_ENDPOINT_URL_SECURITYHUB", "http://127.0.0.1:5000");
}

/// moto's findings by id: (account, RecordState, Workflow status).
fn findings_in_moto(product: &str) -> BTreeMap<String, (String, String, String)> {
    let all: Value =
        serde_json::from_str(&crate::emulator::ops(&["findings", "us-east-1"])).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["ProductArn"], product, "{f}");
            let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
            (
                s("Id"),
                (s("AwsAccountId"), s("RecordState"), s("Workflow")),
            )
        })
        .collect()
}

fn ids_of(result: &Value, account: Option<&str>) -> Vec<String> {
    result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| account.is_none_or(|a| f["account_id"] == a))
        .map(|f| f["id"].as_str().unwrap().to_string())
        .collect()
}

/// `inventory`: the saved inventory of the organization scan.
pub fn security_hub_delivery(dir: &Path, inventory: &Path) {
    let product = format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:product/{ACCOUNT}/default");
    let hub = [
        "--security-hub",
        "us-east-1",
        "--security-hub-account",
        ACCOUNT,
    ];
    let evaluate = |extra: &[&str], out: &str| {
        let mut c = posture();
        hub_env(&mut c);
        c.current_dir(dir)
            .args(["evaluate", "--format", "json", "-o", out])
            .args(extra)
            .arg(inventory);
        run(c)
    };

    // A wrong account is refused before anything is sent.
    let (code, _, stderr) = evaluate(
        &[
            "--security-hub",
            "us-east-1",
            "--security-hub-account",
            "111111111111",
        ],
        "refused.json",
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("belong to account 123456789012") && stderr.contains("111111111111"),
        "{stderr}"
    );
    assert!(findings_in_moto(&product).is_empty(), "nothing may be sent");

    // The account's own default product: only its findings are sent; the other accounts'
    // are counted in a warning.
    let (code, stdout, stderr) = evaluate(&hub, "hub-base.json");
    assert_eq!(code, 5, "{stderr}");
    assert!(
        stdout.is_empty(),
        "stdout must stay empty with -o: {stdout}"
    );
    let base = read_json(&dir.join("hub-base.json"));
    let own = ids_of(&base, Some(ACCOUNT));
    assert!(
        stderr.contains(&format!(
            "{} finding(s) imported, 0 resolved finding(s) archived",
            own.len()
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains("were not sent to Security Hub") && stderr.contains("--asff-product-arn"),
        "{stderr}"
    );
    let in_hub = findings_in_moto(&product);
    assert_eq!(in_hub.len(), own.len());
    assert!(
        in_hub
            .values()
            .all(|(a, r, _)| a == ACCOUNT && r == "ACTIVE")
    );

    // A named product sends every account's findings, 100 per call; with one check left out,
    // its failures in the baseline resolved and are archived.
    let mut checks: Vec<&str> = base["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["check_id"].as_str().unwrap())
        .filter(|c| *c != "s3-bucket-versioning")
        .collect();
    checks.sort();
    checks.dedup();
    let checks = checks.join(",");
    let (code, stdout, stderr) = evaluate(
        &[
            &hub[..],
            &[
                "--asff-product-arn",
                &product,
                "--baseline",
                "hub-base.json",
                "--checks",
                &checks,
            ],
        ]
        .concat(),
        "hub-later.json",
    );
    assert!(matches!(code, 0 | 3 | 4 | 5), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let later = read_json(&dir.join("hub-later.json"));
    let current = ids_of(&later, None);
    let resolved: Vec<&str> = later["diff"]["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(!resolved.is_empty());
    let sent = current.len() + resolved.len();
    assert!(sent > 100, "need more than one batch: {sent}");
    assert!(
        stderr.contains(&format!(
            "{} finding(s) imported, {} resolved finding(s) archived, in {} BatchImportFindings call(s)",
            current.len(),
            resolved.len(),
            sent.div_ceil(100)
        )),
        "{stderr}"
    );
    let in_hub = findings_in_moto(&product);
    for id in &resolved {
        let (_, record, workflow) = &in_hub[*id];
        assert_eq!(
            (record.as_str(), workflow.as_str()),
            ("ARCHIVED", "RESOLVED"),
            "{id}"
        );
    }
    for id in &current {
        assert_eq!(in_hub[id].1, "ACTIVE", "{id}");
    }
    let accounts: std::collections::BTreeSet<&str> =
        in_hub.values().map(|(a, _, _)| a.as_str()).collect();
    assert!(accounts.len() > 1, "{accounts:?}");
}
