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
        stderr.contains("Failed findings") && stdout.is_empty(),
        "summary printed for people, on stderr: {stdout}"
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

/// With a report format other than the table, stdout carries the report and nothing else: the
/// summary goes to stderr, or nowhere with --quiet; the exit code does not change.
#[test]
fn stdout_carries_only_the_report_and_quiet_silences_the_summary() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.json");
    let evaluate = |extra: &[&str]| {
        let mut c = posture();
        c.args(["evaluate", "--now", "2026-11-22T12:00:00Z"])
            .args(extra)
            .arg(fixture("inventory.json"));
        run(c)
    };
    let out_arg = out.to_str().unwrap();

    // -o FILE: nothing on stdout; the summary and the path on stderr.
    let (code, stdout, stderr) = evaluate(&["--format", "json", "-o", out_arg]);
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        stderr.contains("Failed findings") && stderr.contains("report written to"),
        "{stderr}"
    );
    read_json(&out);

    // --quiet: nothing on stdout, no summary, no progress lines; same exit code.
    let (code, stdout, stderr) = evaluate(&["--format", "ocsf", "-q", "-o", out_arg]);
    assert_eq!(code, 5, "{stderr}");
    assert_eq!(stdout, "");
    assert!(
        !stderr.contains("Failed findings") && !stderr.contains("report written"),
        "{stderr}"
    );

    // The report on stdout: stdout parses as the document, whole.
    let (code, stdout, stderr) = evaluate(&["--format", "json"]);
    assert_eq!(code, 5);
    let doc: serde_json::Value = serde_json::from_str(&stdout).expect("stdout is the JSON report");
    assert_eq!(doc["schema"], "posture.scan-result/v1");
    assert!(stderr.contains("Failed findings"), "{stderr}");
    let (_, stdout, stderr) = evaluate(&["--format", "json", "--quiet"]);
    serde_json::from_str::<serde_json::Value>(&stdout).expect("stdout is the JSON report");
    assert_eq!(stderr, "");

    // The table is the report: on stdout, as before.
    let (code, stdout, _) = evaluate(&["-q"]);
    assert_eq!(code, 5);
    assert!(stdout.contains("Failed findings"), "{stdout}");
}

#[test]
fn security_hub_flags_need_each_other_and_valid_values() {
    for args in [
        vec!["evaluate", "x.json", "--security-hub", "eu-west-1"],
        vec![
            "evaluate",
            "x.json",
            "--security-hub-account",
            "123456789012",
        ],
        vec![
            "evaluate",
            "x.json",
            "--security-hub",
            "EU",
            "--security-hub-account",
            "123456789012",
        ],
        vec![
            "evaluate",
            "x.json",
            "--security-hub",
            "eu-west-1",
            "--security-hub-account",
            "1234",
        ],
    ] {
        let mut c = posture();
        c.args(&args);
        let (code, _, stderr) = run(c);
        assert_eq!(code, 2, "{args:?}: {stderr}");
    }
}

/// `posture --version` names the commit the binary was built from.
#[test]
fn version_names_the_commit() {
    let mut c = posture();
    c.arg("--version");
    let (code, stdout, _) = run(c);
    assert_eq!(code, 0);
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .current_dir(crate::repo())
        .output()
        .expect("git");
    let head = String::from_utf8_lossy(&head.stdout).trim().to_string();
    assert_eq!(head.len(), 12, "not a git checkout?");
    assert_eq!(
        stdout.trim(),
        format!("posture {} (commit {head})", env!("CARGO_PKG_VERSION"))
    );
}

/// The core crate (inventory, policy, checks, scores, results, renderers) must build without the
/// AWS SDK: writing and testing a check then compiles a few dozen small crates, not the SDK.
#[test]
fn the_core_crate_does_not_depend_on_the_aws_sdk() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "tree",
            "-p",
            "posture-core",
            "-e",
            "normal,build",
            "--prefix",
            "none",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo tree runs");
    assert!(
        out.status.success(),
        "cargo tree failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let tree = String::from_utf8_lossy(&out.stdout);
    assert!(tree.lines().any(|l| l.starts_with("posture-core ")));
    let sdk: Vec<&str> = tree
        .lines()
        .filter(|l| {
            ["aws-", "tokio ", "hyper ", "rustls "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    assert!(sdk.is_empty(), "posture-core depends on {sdk:?}");
}
