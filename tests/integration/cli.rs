//! The binary's behaviour on bad input and offline evaluation, without AWS.

use crate::{fixture, posture, read_json, run};

#[test]
fn unknown_flag_is_a_usage_error() {
    let mut c = posture();
    c.args(["scan", "--regoins", "us-east-1"]);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 2);
    assert!(stderr.contains("--regoins"), "{stderr}");
}

#[test]
fn invalid_threshold_and_values_are_usage_errors() {
    for args in [
        vec!["evaluate", "x.json", "--certificate-expiry-days", "0"],
        vec!["evaluate", "x.json", "--access-key-max-age-days", "ninety"],
        vec!["scan", "--regions", "EU"],
        vec!["scan", "--org", "--accounts", "12345"],
        vec!["evaluate", "x.json", "--fail-on", "severe"],
        vec!["evaluate", "x.json", "--now", "tomorrow"],
        vec!["evaluate", "x.json", "--format", "xml"],
    ] {
        let mut c = posture();
        c.args(&args);
        let (code, _, stderr) = run(c);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(stderr.contains("error"), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn missing_corrupt_and_foreign_inventory_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("missing.json", None, "could not read inventory file"),
        (
            "corrupt.json",
            Some("{\"format_version\": 1,"),
            "is not valid JSON (line 1",
        ),
        (
            "other.json",
            Some("{\"hello\": 1}"),
            "is not a posture inventory",
        ),
        (
            "future.json",
            Some("{\"format_version\": 99}"),
            "format version 99",
        ),
        (
            "broken.json",
            Some("{\"format_version\": 1, \"accounts\": 3}"),
            "is not a valid posture inventory",
        ),
    ];
    for (name, content, expected) in cases {
        let path = dir.path().join(name);
        if let Some(c) = content {
            std::fs::write(&path, c).unwrap();
        }
        let mut c = posture();
        c.arg("evaluate").arg(&path);
        let (code, _, stderr) = run(c);
        assert_eq!(code, 1, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(
            stderr.contains(name),
            "{name}: error must name the file: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn no_credentials_is_a_clear_error() {
    let mut c = posture();
    // Point at a closed local port so nothing leaves the machine even if credentials appeared.
    c.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").args([
        "scan",
        "--regions",
        "us-east-1",
        "--no-progress",
    ]);
    let (code, stdout, stderr) = run(c);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(
        stderr.contains("could not find usable AWS credentials"),
        "{stderr}"
    );
    assert!(stderr.contains("what to do"), "{stderr}");
}

#[test]
fn missing_profile_is_a_clear_error() {
    let mut c = posture();
    c.env("AWS_ENDPOINT_URL", "http://127.0.0.1:9").args([
        "scan",
        "--profile",
        "nope",
        "--no-progress",
    ]);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("profile `nope`"), "{stderr}");
}

#[test]
fn unknown_check_ids_are_rejected() {
    let mut c = posture();
    c.args(["evaluate", "--checks", "iam-root-mfa,no-such-check"])
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1);
    assert!(stderr.contains("no-such-check"), "{stderr}");
}

#[test]
fn checks_lists_the_catalog() {
    let mut c = posture();
    c.arg("checks");
    let (code, stdout, _) = run(c);
    assert_eq!(code, 0);
    assert!(stdout.contains("s3-bucket-policy-public"));
    assert!(
        stdout
            .lines()
            .filter(|l| l.contains("│ ") && l.contains('-'))
            .count()
            >= 30
    );
}

#[test]
fn evaluate_fixture_inventory_offline() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let mut c = posture();
    c.args([
        "evaluate",
        "--format",
        "json",
        "--now",
        "2026-11-22T00:00:00Z",
        "-o",
    ])
    .arg(&out)
    .arg(fixture("inventory.json"));
    let (code, stdout, stderr) = run(c);
    assert!(code == 3 || code == 5, "{stderr}");
    assert!(
        stdout.contains("Failed findings"),
        "summary printed for people: {stdout}"
    );
    let r = read_json(&out);
    let findings = r["findings"].as_array().unwrap();
    assert!(findings.iter().any(|f| f["status"] == "fail"));
    // Stable ids: evaluating twice gives the same ids.
    let out2 = dir.path().join("r2.json");
    let mut c = posture();
    c.args([
        "evaluate",
        "--format",
        "json",
        "--now",
        "2026-11-22T00:00:00Z",
        "-o",
    ])
    .arg(&out2)
    .arg(fixture("inventory.json"));
    run(c);
    assert_eq!(read_json(&out2)["findings"], r["findings"]);
    // --fail-on none turns off the findings part of the exit code.
    let mut c = posture();
    c.args(["evaluate", "--fail-on", "none"])
        .arg(fixture("inventory.json"));
    let (code, _, _) = run(c);
    assert!(code == 0 || code == 4, "{code}");
}

#[test]
fn unwritable_output_is_a_clear_error() {
    let mut c = posture();
    c.args(["evaluate", "-o", "/nonexistent-dir/report.txt"])
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1);
    assert!(stderr.contains("/nonexistent-dir"), "{stderr}");
}

#[test]
fn closed_stdout_is_not_a_panic() {
    use std::io::Read;
    let mut c = posture();
    c.arg("checks")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let mut first = [0u8; 16];
    child
        .stdout
        .as_mut()
        .unwrap()
        .read_exact(&mut first)
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn permissions_prints_the_policy() {
    let mut c = posture();
    c.args(["permissions", "--scanner"]);
    let (code, stdout, _) = run(c);
    assert_eq!(code, 0);
    let p: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let actions: Vec<&str> = p["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap())
        .map(|a| a.as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"iam:GenerateCredentialReport")
            && actions.contains(&"organizations:ListAccounts")
    );
    assert!(
        actions.iter().all(|a| !a.contains('*')),
        "no wildcard actions: {actions:?}"
    );
}
