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

/// moto's findings by id: (RecordState, Workflow status).
fn findings_in_moto() -> BTreeMap<String, (String, String)> {
    let all: Value =
        serde_json::from_str(&crate::emulator::ops(&["findings", "us-east-1"])).unwrap();
    all.as_array()
        .unwrap()
        .iter()
        .map(|f| {
            assert_eq!(f["AwsAccountId"], ACCOUNT, "{f}");
            assert_eq!(
                f["ProductArn"],
                format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:product/{ACCOUNT}/default")
            );
            (
                f["Id"].as_str().unwrap().to_string(),
                (
                    f["RecordState"].as_str().unwrap_or("").to_string(),
                    f["Workflow"].as_str().unwrap_or("").to_string(),
                ),
            )
        })
        .collect()
}

pub fn security_hub_delivery(dir: &Path) {
    let hub = [
        "--security-hub",
        "us-east-1",
        "--security-hub-account",
        ACCOUNT,
    ];
    // A wrong account is refused before anything is sent.
    let mut c = posture();
    hub_env(&mut c);
    c.current_dir(dir).args([
        "scan",
        "--regions",
        "us-east-1",
        "--no-progress",
        "--format",
        "json",
        "-o",
        "refused.json",
        "--security-hub",
        "us-east-1",
        "--security-hub-account",
        "111111111111",
    ]);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("belong to account 123456789012") && stderr.contains("111111111111"),
        "{stderr}"
    );
    assert!(findings_in_moto().is_empty(), "nothing may be sent");

    // The scan's findings reach Security Hub, 100 per call.
    let base = dir.join("hub-base.json");
    let inv = dir.join("hub-inventory.json");
    let mut c = posture();
    hub_env(&mut c);
    c.args([
        "scan",
        "--regions",
        "us-east-1",
        "--no-progress",
        "--format",
        "json",
        "-o",
    ])
    .arg(&base)
    .arg("--save-inventory")
    .arg(&inv)
    .args(hub);
    let (code, stdout, stderr) = run(c);
    assert!(matches!(code, 3 | 5), "{stderr}");
    assert!(
        stdout.is_empty(),
        "stdout must stay empty with -o: {stdout}"
    );
    let result = read_json(&base);
    let ids: Vec<&str> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap())
        .collect();
    assert!(ids.len() > 100, "need more than one batch: {}", ids.len());
    let calls = ids.len().div_ceil(100);
    assert!(
        stderr.contains(&format!(
            "{} finding(s) imported, 0 resolved finding(s) archived, in {calls} BatchImportFindings call(s)",
            ids.len()
        )),
        "{stderr}"
    );
    let in_hub = findings_in_moto();
    assert_eq!(in_hub.len(), ids.len());
    for id in &ids {
        assert_eq!(
            in_hub.get(*id).map(|(r, _)| r.as_str()),
            Some("ACTIVE"),
            "{id}"
        );
    }

    // Later, with only one check: every other failure resolved, and archived in Security Hub.
    let mut c = posture();
    hub_env(&mut c);
    c.args(["evaluate", "--format", "json", "-q", "-o"])
        .arg(dir.join("hub-later.json"))
        .arg("--baseline")
        .arg(&base)
        .args(["--checks", "s3-bucket-versioning"])
        .args(hub)
        .arg(&inv);
    let (code, stdout, stderr) = run(c);
    assert!(matches!(code, 0 | 3 | 4 | 5), "{stderr}");
    assert!(
        stdout.is_empty() && !stderr.contains("imported"),
        "--quiet: {stdout}{stderr}"
    );
    let later = read_json(&dir.join("hub-later.json"));
    let resolved: Vec<&str> = later["diff"]["resolved"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect();
    assert!(!resolved.is_empty());
    let in_hub = findings_in_moto();
    for id in &resolved {
        assert_eq!(
            in_hub.get(*id),
            Some(&("ARCHIVED".to_string(), "RESOLVED".to_string())),
            "{id}"
        );
    }
    // Still failing: active.
    for f in later["findings"].as_array().unwrap() {
        if f["status"] == "fail" {
            let id = f["id"].as_str().unwrap();
            assert_eq!(in_hub[id].0, "ACTIVE", "{id}");
        }
    }
}
