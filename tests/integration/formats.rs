//! Machine-readable outputs: OCSF passes the OCSF 1.8.0 schema carried in tests/schemas/, ASFF
//! the Security Hub model botocore ships, ASFF batches hold at most 100 findings, CSV has the
//! JSON's rows, JSON matches its schema; suppressions and baselines show up in all of them.
//! Needs .venv-tools (tests/setup-tools.sh, run by tests/run-all.sh).

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{fixture, posture, read_json, repo, run};

const NOW: &str = "2026-11-22T12:00:00Z";

fn tools_python() -> PathBuf {
    let status = Command::new("bash")
        .arg(repo().join("tests/setup-tools.sh"))
        .status()
        .expect("setup-tools.sh");
    assert!(status.success(), "tests/setup-tools.sh failed");
    repo().join(".venv-tools/bin/python")
}

/// Run tests/`validator` on `file`: (success, output).
fn run_validator(validator: &str, file: &Path) -> (bool, String) {
    let out = Command::new(tools_python())
        .arg(repo().join("tests").join(validator))
        .arg(file)
        .output()
        .expect("run validator");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// The validator rejects `file` with `bad` edits applied to its first document.
fn assert_rejects(validator: &str, file: &Path, bad: impl Fn(&mut serde_json::Value), why: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let broken = file.with_extension("broken");
    let mut doc: serde_json::Value = if validator == "validate_asff.py" {
        serde_json::from_str(&text).unwrap()
    } else {
        serde_json::from_str(text.lines().next().unwrap()).unwrap()
    };
    if validator == "validate_asff.py" {
        bad(&mut doc[0]);
    } else {
        bad(&mut doc);
    }
    std::fs::write(&broken, serde_json::to_string(&doc).unwrap()).unwrap();
    let (ok, out) = run_validator(validator, &broken);
    assert!(!ok, "{validator} accepted a finding with {why}:\n{out}");
}

fn validate(validator: &str, file: &Path) -> String {
    let (ok, text) = run_validator(validator, file);
    assert!(ok, "{validator} rejected {}:\n{text}", file.display());
    text
}

pub fn validate_schema(doc: &Path) {
    let out = Command::new(tools_python())
        .arg(repo().join("tests/validate_json_schema.py"))
        .arg(repo().join("reports/scan-result.v1.schema.json"))
        .arg(doc)
        .output()
        .expect("run validate_json_schema.py");
    assert!(
        out.status.success(),
        "the JSON output does not match reports/scan-result.v1.schema.json:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn evaluate(dir: &Path, format: &str, extra: &[&str]) -> (PathBuf, i32, String) {
    let path = dir.join(format!("out.{format}"));
    let mut c = posture();
    c.args(["evaluate", "--format", format, "--now", NOW, "-o"])
        .arg(&path)
        .args(extra)
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    (path, code, stderr)
}

#[test]
#[ignore = "needs the validators' venv: run tests/run-all.sh or cargo test -- --include-ignored"]
fn every_format_validates_and_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let supp = fixture("suppressions.toml");
    let supp_arg = supp.to_str().unwrap();
    let extra = ["--suppressions", supp_arg];

    let (json, code, stderr) = evaluate(dir.path(), "json", &extra);
    assert_eq!(code, 5, "{stderr}");
    validate_schema(&json);
    let result = read_json(&json);
    let findings = result["findings"].as_array().unwrap();

    // Suppressions: the versioning failures are kept, marked; the expired and the unmatched
    // entries are reported with their line.
    let suppressed: Vec<&serde_json::Value> = findings
        .iter()
        .filter(|f| f.get("suppressed").is_some())
        .collect();
    assert!(!suppressed.is_empty());
    assert!(
        suppressed
            .iter()
            .all(|f| f["check_id"] == "s3-bucket-versioning" && f["status"] == "fail")
    );
    assert!(
        suppressed[0]["suppressed"]["entry"]
            .as_str()
            .unwrap()
            .ends_with("suppressions.toml:3")
    );
    let rep = &result["suppressions"];
    assert_eq!(
        rep["suppressed"].as_u64().unwrap() as usize,
        suppressed.len()
    );
    assert_eq!(
        rep["expired"][0]["entry"]
            .as_str()
            .unwrap()
            .rsplit(':')
            .next(),
        Some("8")
    );
    assert_eq!(rep["unmatched"][0]["check"], "acm-*");
    assert!(
        stderr.contains("expired on 2020-01-01") && stderr.contains("matched no failed finding"),
        "{stderr}"
    );
    let still_failing = findings.iter().any(|f| {
        f["check_id"] == "iam-user-multiple-active-keys"
            && f["status"] == "fail"
            && f.get("suppressed").is_none()
    });
    assert!(still_failing, "an expired entry must not suppress");

    // OCSF: one event per finding plus one per requirement, all valid.
    let (ocsf, code, stderr) = evaluate(dir.path(), "ocsf", &extra);
    assert_eq!(code, 5, "{stderr}");
    let report = validate("validate_ocsf.py", &ocsf);
    assert!(report.contains(" passed, 0 failed"), "{report}");
    // The validator is not a rubber stamp: each defect alone is rejected.
    assert_rejects(
        "validate_ocsf.py",
        &ocsf,
        |e| e["severity"] = "Severe".into(),
        "a wrong severity caption",
    );
    assert_rejects(
        "validate_ocsf.py",
        &ocsf,
        |e| e["unknown_attribute"] = 1.into(),
        "an unknown attribute",
    );
    assert_rejects(
        "validate_ocsf.py",
        &ocsf,
        |e| {
            e.as_object_mut().unwrap().remove("finding_info");
        },
        "no finding_info",
    );
    assert_rejects(
        "validate_ocsf.py",
        &ocsf,
        |e| e["type_uid"] = 200399.into(),
        "a wrong type_uid",
    );
    let events: Vec<serde_json::Value> = std::fs::read_to_string(&ocsf)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let per_requirement: usize = result["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["organization_requirements"].as_array().unwrap().len()
                + f["accounts"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|a| a["requirements"].as_array().unwrap().len())
                    .sum::<usize>()
        })
        .sum();
    assert_eq!(events.len(), findings.len() + per_requirement, "{report}");
    let first = events
        .iter()
        .find(|e| e["finding_info"]["uid"] == findings[0]["id"])
        .unwrap();
    assert_eq!(first["class_uid"], 2003);
    assert!(events.iter().any(|e| e["status"] == "Suppressed"));
    assert!(
        events
            .iter()
            .any(|e| e["compliance"]["requirements"][0] == "SEC02-BP01")
    );

    // ASFF: every finding valid; batches of at most 100 that add up to the same findings.
    let (asff, code, _) = evaluate(dir.path(), "asff", &extra);
    assert_eq!(code, 5);
    let report = validate("validate_asff.py", &asff);
    assert_rejects(
        "validate_asff.py",
        &asff,
        |f| f["Severity"]["Label"] = "SEVERE".into(),
        "an unknown severity label",
    );
    assert_rejects(
        "validate_asff.py",
        &asff,
        |f| {
            f.as_object_mut().unwrap().remove("Title");
        },
        "no Title",
    );
    assert_rejects(
        "validate_asff.py",
        &asff,
        |f| f["Colour"] = "red".into(),
        "an unknown member",
    );
    assert!(
        report.contains(&format!("{} passed, 0 failed", findings.len())),
        "{report}"
    );
    let all = read_json(&asff);
    assert!(
        all.as_array()
            .unwrap()
            .iter()
            .any(|f| f["Workflow"]["Status"] == "SUPPRESSED")
    );
    let (batches, _, _) = evaluate(dir.path(), "asff-batches", &extra);
    let mut ids = Vec::new();
    for line in std::fs::read_to_string(&batches).unwrap().lines() {
        let b: serde_json::Value = serde_json::from_str(line).unwrap();
        let n = b["Findings"].as_array().unwrap().len();
        assert!((1..=100).contains(&n), "batch of {n}");
        ids.extend(
            b["Findings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| f["Id"].clone()),
        );
    }
    assert_eq!(
        ids,
        all.as_array()
            .unwrap()
            .iter()
            .map(|f| f["Id"].clone())
            .collect::<Vec<_>>()
    );
    assert!(
        findings.len() > 100,
        "the fixture should need more than one batch"
    );

    // CSV: a header and one row per finding, ids in the same order.
    let (csv, _, _) = evaluate(dir.path(), "csv", &extra);
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    assert_eq!(reader.headers().unwrap().iter().next(), Some("id"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), findings.len());
    assert_eq!(&rows[0][0], findings[0]["id"].as_str().unwrap());
}

#[test]
fn baseline_gives_first_seen_and_a_diff() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, _) = evaluate(dir.path(), "json", &[]);
    // Same inventory later, with one check removed: its failures become "resolved".
    let new = dir.path().join("new.json");
    let mut c = posture();
    c.args([
        "evaluate",
        "--format",
        "json",
        "--now",
        "2026-12-01T00:00:00Z",
        "--baseline",
    ])
    .arg(&old)
    .args([
        "--fail-on-new",
        "low",
        "--checks",
        "s3-bucket-policy-public,iam-root-mfa",
        "-o",
    ])
    .arg(&new)
    .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    // No new failures: only the incomplete bit remains.
    assert_eq!(code, 4, "{stderr}");
    let r = read_json(&new);
    let f = &r["findings"][0];
    assert_eq!(f["first_seen"], "2026-11-22T12:00:00Z");
    assert_eq!(f["last_seen"], "2026-12-01T00:00:00Z");
    let diff = &r["diff"];
    assert!(diff["new"].as_array().unwrap().is_empty());
    assert!(!diff["resolved"].as_array().unwrap().is_empty());
    assert!(diff["persisting"].as_u64().unwrap() > 0);

    // `posture diff` the other way round: the resolved failures are new; exit 3.
    let mut c = posture();
    c.args(["diff", "--format", "json"]).arg(&new).arg(&old);
    let (code, stdout, stderr) = run(c);
    assert_eq!(code, 3, "{stderr}");
    let d: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        d["new"].as_array().unwrap().len(),
        diff["resolved"].as_array().unwrap().len()
    );
    let mut c = posture();
    c.args(["diff", "--fail-on-new", "none"])
        .arg(&new)
        .arg(&old);
    let (code, stdout, _) = run(c);
    assert_eq!(code, 0);
    assert!(stdout.contains("new failure(s)"), "{stdout}");
}

#[test]
fn corrupt_baseline_and_suppressions_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\"schema\": \"posture.scan-result/v9\"}").unwrap();
    let mut c = posture();
    c.args(["evaluate", "--baseline"])
        .arg(&bad)
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("bad.json") && stderr.contains("posture.scan-result/v9"),
        "{stderr}"
    );

    let supp = dir.path().join("s.toml");
    std::fs::write(&supp, "[[suppress]]\ncheck = \"iam-root-mfa\"\n\n[[suppress]]\ncheck = \"iam-root-mfa\"\nreason = \"  \"\n").unwrap();
    let mut c = posture();
    c.args(["evaluate", "--suppressions"])
        .arg(&supp)
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("s.toml:1:") && stderr.contains("reason"),
        "{stderr}"
    );

    let mut c = posture();
    c.args(["evaluate", "--fail-on-new", "high"])
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    assert_eq!(code, 2, "--fail-on-new needs --baseline: {stderr}");

    let mut c = posture();
    c.args(["evaluate", "-o", "s3://Not_A_Bucket/x"])
        .arg(fixture("inventory.json"));
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1);
    assert!(stderr.contains("not a valid S3 bucket name"), "{stderr}");
}

/// Shards of one organization merged give exactly the report of the whole organization.
#[test]
fn merged_shards_equal_the_full_scan() {
    let dir = tempfile::tempdir().unwrap();
    let full = read_json(&fixture("inventory.json"));
    let accounts = full["accounts"].as_array().unwrap();
    let mut paths = Vec::new();
    for k in 0..3 {
        let mut part = full.clone();
        part["accounts"] =
            serde_json::Value::Array(accounts.iter().skip(k).step_by(3).cloned().collect());
        let p = dir.path().join(format!("shard-{k}.json"));
        std::fs::write(&p, serde_json::to_string(&part).unwrap()).unwrap();
        paths.push(p);
    }
    let merged = dir.path().join("merged.json");
    let mut c = posture();
    c.args(["merge", "--format", "json", "--now", NOW, "-o"])
        .arg(&merged)
        .args(&paths);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 5, "{stderr}");
    let (whole, _, _) = evaluate(dir.path(), "json", &[]);
    let (m, w) = (read_json(&merged), read_json(&whole));
    assert_eq!(m["findings"], w["findings"]);
    assert_eq!(m["frameworks"], w["frameworks"]);
    assert_eq!(m["accounts"], w["accounts"]);

    // Overlapping shards are refused.
    let mut c = posture();
    c.arg("merge").arg(&paths[0]).arg(&paths[0]);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1);
    assert!(stderr.contains("overlapping"), "{stderr}");
}
