//! End to end against the emulated organization: LocalStack (every service by default) + moto
//! (Organizations, STS and the security services), seeded by `localstack/seed.py`, scanned
//! through the real AWS SDK.

use std::collections::BTreeMap;
use std::process::Command;

use serde_json::Value;

use crate::formats::validate_schema;
use crate::{posture, read_json, repo, run};

fn sh(script: &str) {
    let status = Command::new("bash")
        .arg(repo().join("localstack").join(script))
        .current_dir(repo())
        .status()
        .unwrap_or_else(|e| panic!("run localstack/{script}: {e}"));
    assert!(status.success(), "localstack/{script} failed: {status}");
}

/// A secret that must never appear in any output or log.
const SECRET: &str = "posture-test-secret-7d3f9a1c5e";

/// The SDK service ids (upper-cased, spaces as underscores: `AWS_ENDPOINT_URL_<ID>`) served by
/// moto, as in localstack/env.sh. STS is among them: moto's AssumeRole keys encode the member
/// account, which LocalStack (started with PARITY_AWS_ACCESS_KEY_ID=1) honours too. Access
/// Analyzer and Detective exist in neither emulator and stay on LocalStack (501, answered once).
pub const MOTO_SERVICES: &[&str] = &[
    "ORGANIZATIONS",
    "STS",
    "CLOUDTRAIL",
    "CONFIG_SERVICE",
    "GUARDDUTY",
    "SECURITYHUB",
    "INSPECTOR2",
    "MACIE2",
    "ACCOUNT",
];

pub fn emulator_env(c: &mut Command) {
    c.env("AWS_ENDPOINT_URL", "http://127.0.0.1:4566");
    for svc in MOTO_SERVICES {
        c.env(format!("AWS_ENDPOINT_URL_{svc}"), "http://127.0.0.1:5000");
    }
    c.env("AWS_ACCESS_KEY_ID", "123456789012")
        .env("AWS_SECRET_ACCESS_KEY", SECRET)
        .env("AWS_REGION", "us-east-1");
}

/// The fault-injection proxy (tests/faultproxy.py) between posture and LocalStack, and between
/// posture and moto's STS (so that it sees every AssumeRole: --deny-assume, and the account of
/// each session's keys for --deny).
struct Proxy(std::process::Child);

impl Proxy {
    fn start(port: u16, args: &[&str]) -> Proxy {
        let mut child = Command::new("python3")
            .arg(repo().join("tests/faultproxy.py"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--upstream",
                "http://127.0.0.1:4566",
                "--route",
                "sts=http://127.0.0.1:5000",
            ])
            .args(args)
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("start faultproxy.py");
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Proxy(child);
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("faultproxy did not start on port {port}");
    }

    fn stats(port: u16) -> Value {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /__faultproxy/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap()).unwrap()
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn statuses(result: &Value) -> BTreeMap<String, String> {
    findings(result)
        .iter()
        .map(|f| {
            (
                f["id"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// `--shard 1/2` and `--shard 2/2`, merged, give the same findings as one full scan.
fn shards_merge_to_the_full_scan(full: &Value, dir: &std::path::Path) {
    let mut inventories = Vec::new();
    for k in 1..=2 {
        let inv = dir.join(format!("shard-{k}.inventory.json"));
        let mut c = posture();
        emulator_env(&mut c);
        c.args([
            "scan",
            "--org",
            "--regions",
            "us-east-1,eu-west-1",
            "--no-progress",
            "--format",
            "json",
            "--shard",
            &format!("{k}/2"),
            "-o",
        ])
        .arg(dir.join(format!("shard-{k}.json")))
        .arg("--save-inventory")
        .arg(&inv);
        let (code, _, stderr) = run(c);
        assert!(
            code == 3 || code == 4 || code == 5 || code == 0,
            "shard {k}: {stderr}"
        );
        inventories.push(inv);
    }
    let merged = dir.join("merged.json");
    let mut c = posture();
    c.args([
        "merge",
        "--format",
        "json",
        "--now",
        full["evaluated_at"].as_str().unwrap(),
        "-o",
    ])
    .arg(&merged)
    .args(&inventories);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 5, "{stderr}");
    let m = read_json(&merged);
    assert_eq!(
        m["accounts"].as_array().unwrap().len(),
        full["accounts"].as_array().unwrap().len()
    );
    assert_eq!(
        statuses(&m),
        statuses(full),
        "merged shards differ from the full scan"
    );
}

/// Throttling, resets and AccessDenied injected between posture and the emulator.
fn faults(ids: &BTreeMap<String, String>, clean: &Value, dir: &std::path::Path) {
    // 1. 10 % throttling and 1 % connection resets: the same findings as the clean run.
    {
        let port = 4599;
        let _proxy = Proxy::start(
            port,
            &["--throttle", "0.10", "--reset", "0.01", "--seed", "7"],
        );
        let out = dir.join("faulty.json");
        let mut c = posture();
        emulator_env(&mut c);
        c.env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}"))
            .args([
                "scan",
                "--org",
                "--regions",
                "us-east-1,eu-west-1",
                "--format",
                "json",
                "--no-progress",
                "--max-attempts",
                "10",
                "-o",
            ])
            .arg(&out);
        let (code, _, stderr) = run(c);
        assert_eq!(code, 5, "{stderr}");
        let stats = Proxy::stats(port);
        assert!(
            stats["throttled"].as_u64().unwrap() > 20 && stats["reset"].as_u64().unwrap() > 0,
            "faults were injected: {stats}"
        );
        let faulty = read_json(&out);
        assert_eq!(
            statuses(&faulty),
            statuses(clean),
            "throttling and resets changed the findings"
        );
        let calls = &faulty["scan"]["api_calls"];
        assert!(
            calls["throttled_responses"].as_u64().unwrap() > 0
                || calls["error_responses"].as_u64().unwrap() > 0,
            "{calls}"
        );
    }
    // 2. AccessDenied: one account's role cannot be assumed, another account's S3 is denied.
    {
        let port = 4598;
        let network = &ids["network"];
        let hardened = &ids["app-hardened"];
        let _proxy = Proxy::start(
            port,
            &[
                "--deny-assume",
                network,
                "--deny",
                &format!("{hardened}:s3"),
            ],
        );
        let out = dir.join("denied.json");
        let mut c = posture();
        emulator_env(&mut c);
        c.env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}"))
            .args([
                "scan",
                "--org",
                "--regions",
                "us-east-1",
                "--format",
                "json",
                "--no-progress",
                "-o",
            ])
            .arg(&out);
        let (code, _, stderr) = run(c);
        assert_eq!(code, 5, "the scan must say it is incomplete: {stderr}");
        let r = read_json(&out);
        let acct = r["accounts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["account_id"] == network.as_str())
            .unwrap();
        assert_eq!(acct["access"], "denied");
        let network_results: Vec<&Value> = findings(&r)
            .iter()
            .filter(|f| f["account_id"] == network.as_str())
            .collect();
        assert!(!network_results.is_empty());
        assert!(
            network_results
                .iter()
                .all(|f| f["status"] == "not_assessed"),
            "a denied account has only not-assessed results"
        );
        assert!(
            network_results[0]["message"]
                .as_str()
                .unwrap()
                .contains("AccessDenied"),
            "{}",
            network_results[0]["message"]
        );
        let s3_hardened: Vec<&Value> = findings(&r)
            .iter()
            .filter(|f| {
                f["account_id"] == hardened.as_str()
                    && f["check_id"].as_str().unwrap().starts_with("s3-")
            })
            .collect();
        assert!(!s3_hardened.is_empty());
        assert!(
            s3_hardened.iter().all(|f| f["status"] == "not_assessed"),
            "denied S3 must never pass: {s3_hardened:?}"
        );
        assert!(
            r["collection_errors"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["account_id"] == hardened.as_str() && e["kind"] == "access_denied"),
            "the AccessDenied is reported"
        );
        // Everything else in that account was still assessed.
        assert!(
            findings(&r)
                .iter()
                .any(|f| f["account_id"] == hardened.as_str() && f["status"] == "pass")
        );
    }
    // 3. A run killed mid-scan leaves no output file, truncated or not.
    {
        let port = 4597;
        let _proxy = Proxy::start(port, &["--delay-ms", "200"]);
        let out_dir = tempfile::tempdir().unwrap();
        let mut c = posture();
        emulator_env(&mut c);
        c.env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{port}"))
            .env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}"))
            .args([
                "scan",
                "--org",
                "--regions",
                "us-east-1",
                "--format",
                "json",
                "--no-progress",
                "-o",
            ])
            .arg(out_dir.path().join("report.json"))
            .arg("--save-inventory")
            .arg(out_dir.path().join("inventory.json"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null());
        let mut child = c.spawn().unwrap();
        std::thread::sleep(std::time::Duration::from_secs(3));
        assert!(
            child.try_wait().unwrap().is_none(),
            "the slowed scan should still be running"
        );
        child.kill().unwrap();
        child.wait().unwrap();
        let left: Vec<_> = std::fs::read_dir(out_dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name())
            .collect();
        assert!(left.is_empty(), "files left by a killed scan: {left:?}");
    }
}

/// Every call the scan made is in the published policy (`posture permissions`), and the only
/// call that changes anything is iam:GenerateCredentialReport.
fn least_privilege(result: &Value) {
    use posture::aws::permissions::{
        MEMBER_ACTIONS, ORGANIZATION_ACTIONS, action_for, is_mutating,
    };
    let calls = result["scan"]["api_calls"]["by_operation"]
        .as_object()
        .expect("api_calls recorded");
    assert!(
        calls.len() >= 25,
        "only {} operations recorded",
        calls.len()
    );
    let mut outside = Vec::new();
    let mut writes = Vec::new();
    for op in calls.keys() {
        let (service, name) = op.split_once(':').unwrap();
        let action = action_for(service, name);
        if !MEMBER_ACTIONS.contains(&action.as_str())
            && !ORGANIZATION_ACTIONS.contains(&action.as_str())
        {
            outside.push(action.clone());
        }
        if is_mutating(&action) {
            writes.push(action);
        }
    }
    assert!(
        outside.is_empty(),
        "calls outside the published policy: {outside:?}"
    );
    assert_eq!(writes, vec!["iam:GenerateCredentialReport".to_string()]);
}

/// LocalStack answers GetInstanceMetadataDefaults with HTTP 501: posture takes that as final (one
/// attempt per account and region) instead of retrying it with backoff.
fn not_implemented_is_not_retried(result: &Value) {
    let attempts = result["scan"]["api_calls"]["by_operation"]["EC2:GetInstanceMetadataDefaults"]
        .as_u64()
        .unwrap_or(0);
    let errors = collection_errors_of(result, "GetInstanceMetadataDefaults", "not_implemented");
    assert!(
        errors > 0,
        "expected the emulator's 501 for GetInstanceMetadataDefaults"
    );
    assert_eq!(attempts, errors, "a 501 is answered once, never retried");
}

fn collection_errors_of(result: &Value, operation: &str, kind: &str) -> u64 {
    result["collection_errors"]
        .as_array()
        .expect("collection_errors")
        .iter()
        .filter(|e| e["operation"] == operation && e["kind"] == kind)
        .count() as u64
}

/// moto implements GetBucketPolicyStatus: compare its verdict with the corpus (which posture's
/// unit test matches) over every bucket policy, and require every disagreement to be one of the
/// documented ones in tests/policy-status-disagreements.md.
fn compare_policy_status_with_moto() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("policy-status.json");
    let out = Command::new(repo().join("localstack/.venv-moto/bin/python"))
        .arg(repo().join("tests/policy_status_compare.py"))
        .args(["--endpoint", "http://127.0.0.1:5000", "--json"])
        .arg(&report)
        .arg(repo().join("tests/policy-corpus.toml"))
        .output()
        .expect("run policy_status_compare.py");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "policy_status_compare.py failed:\n{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows = read_json(&report);
    let rows = rows.as_array().expect("report is a list");
    assert!(
        rows.len() >= 100,
        "only {} bucket policies compared",
        rows.len()
    );
    let disagreements: std::collections::BTreeSet<String> = rows
        .iter()
        .filter(|r| r["moto_error"].is_null() && r["moto_public"] != r["corpus_public"])
        .map(|r| r["case"].as_str().unwrap().to_string())
        .collect();
    let doc = std::fs::read_to_string(repo().join("tests/policy-status-disagreements.md")).unwrap();
    let documented: std::collections::BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let undocumented: Vec<&String> = disagreements.difference(&documented).collect();
    assert!(
        undocumented.is_empty(),
        "moto disagrees with the corpus on undocumented cases: {undocumented:?}\n{stdout}"
    );
    let stale: Vec<&String> = documented.difference(&disagreements).collect();
    assert!(
        stale.is_empty(),
        "documented disagreements that no longer occur: {stale:?}"
    );
}

#[derive(Debug)]
struct Planted {
    account: String,
    check: String,
    resource: String,
    region: Option<String>,
    why: String,
    offset: i64,
    /// `pending = true`: skipped while the check is not in the catalog (checks/<id>.toml).
    pending: bool,
}

/// Whether the check is in the catalog: a `pending` planted entry is asserted from then on.
fn in_catalog(check: &str) -> bool {
    repo()
        .join("checks")
        .join(format!("{check}.toml"))
        .is_file()
}

struct Manifest {
    hardened: String,
    planted: Vec<Planted>,
    /// Grants a resource policy makes that an organization policy layer (an RCP) confines: the
    /// check must pass and its message name the layer.
    confined: Vec<Planted>,
    /// (check, resource substring, region): hardened-account settings the emulators cannot
    /// represent.
    known: Vec<(String, String, Option<String>)>,
    /// (check, why): checks whose API the emulators lack: never a pass.
    not_assessed: Vec<(String, String)>,
}

fn manifest() -> Manifest {
    let text = std::fs::read_to_string(repo().join("localstack/manifest.toml")).unwrap();
    let doc: toml::Value = toml::from_str(&text).expect("localstack/manifest.toml parses");
    let s = |v: &toml::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let entries = |key: &str| -> Vec<Planted> {
        doc.get(key)
            .and_then(|v| v.as_array())
            .map(|a| a.iter().map(planted_entry).collect())
            .unwrap_or_default()
    };
    fn planted_entry(p: &toml::Value) -> Planted {
        let s = |v: &toml::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        Planted {
            account: s(p, "account").unwrap(),
            check: s(p, "check").unwrap(),
            resource: s(p, "resource").unwrap_or_default(),
            region: s(p, "region"),
            why: s(p, "why").unwrap_or_default(),
            offset: p
                .get("now_offset_days")
                .and_then(|x| x.as_integer())
                .unwrap_or(0),
            pending: p.get("pending").and_then(|x| x.as_bool()).unwrap_or(false),
        }
    }
    let planted = entries("planted");
    let confined = entries("confined");
    let known = doc
        .get("hardened_known_failures")
        .and_then(|k| k.as_array())
        .map(|a| {
            a.iter()
                .map(|k| {
                    (
                        s(k, "check").unwrap(),
                        s(k, "resource").unwrap_or_default(),
                        s(k, "region"),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let not_assessed = doc
        .get("not_assessed")
        .and_then(|k| k.as_array())
        .map(|a| {
            a.iter()
                .map(|k| (s(k, "check").unwrap(), s(k, "why").unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    Manifest {
        hardened: s(&doc, "hardened_account").unwrap(),
        planted,
        confined,
        known,
        not_assessed,
    }
}

fn findings(result: &Value) -> &Vec<Value> {
    result["findings"].as_array().expect("findings array")
}

fn failed<'a>(result: &'a Value, account: &'a str) -> impl Iterator<Item = &'a Value> + 'a {
    findings(result)
        .iter()
        .filter(move |f| f["status"] == "fail" && f["account_id"] == account)
}

/// Assert every planted entry for this offset is found.
fn assert_planted(
    result: &Value,
    m: &Manifest,
    ids: &BTreeMap<String, String>,
    offset: i64,
) -> usize {
    let mut missing = Vec::new();
    let mut n = 0;
    for p in m.planted.iter().filter(|p| p.offset == offset) {
        if p.pending && !in_catalog(&p.check) {
            eprintln!(
                "planted entry pending (no checks/{}.toml yet): {} in {}",
                p.check, p.check, p.account
            );
            continue;
        }
        n += 1;
        let account = &ids[&p.account];
        let needle = p.resource.replace("{account_id}", account);
        let found = failed(result, account).any(|f| {
            f["check_id"] == p.check.as_str()
                && f["resource"].as_str().unwrap_or("").contains(&needle)
                && p.region.as_ref().is_none_or(|r| f["region"] == r.as_str())
        });
        if !found {
            missing.push(format!(
                "{} in {} ({}): {}",
                p.check, p.account, needle, p.why
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "planted misconfigurations not found at offset {offset}:\n{}",
        missing.join("\n")
    );
    n
}

/// Assert every confined grant passes and its message names the RCP that confines it.
fn assert_confined(result: &Value, m: &Manifest, ids: &BTreeMap<String, String>) {
    assert!(
        !m.confined.is_empty(),
        "the manifest lists no confined grant"
    );
    for c in &m.confined {
        let account = &ids[&c.account];
        let needle = c.resource.replace("{account_id}", account);
        let matching: Vec<&Value> = findings(result)
            .iter()
            .filter(|f| {
                f["account_id"] == account.as_str()
                    && f["check_id"] == c.check.as_str()
                    && f["resource"].as_str().unwrap_or("").contains(&needle)
            })
            .collect();
        assert!(
            !matching.is_empty(),
            "{} on {needle} in {}: no result ({})",
            c.check,
            c.account,
            c.why
        );
        for f in matching {
            assert_eq!(
                f["status"], "pass",
                "{} {}: {}",
                c.check, needle, f["message"]
            );
            assert!(
                f["message"].as_str().unwrap_or("").contains("RCP "),
                "{} {}: the message does not name the RCP: {}",
                c.check,
                needle,
                f["message"]
            );
        }
    }
}

fn assert_hardened_clean(result: &Value, m: &Manifest, ids: &BTreeMap<String, String>) {
    let account = &ids[&m.hardened];
    let unexpected: Vec<String> = failed(result, account)
        .filter(|f| {
            !m.known.iter().any(|(check, res, region)| {
                f["check_id"] == check.as_str()
                    && f["resource"].as_str().unwrap_or("").contains(res.as_str())
                    && region.as_ref().is_none_or(|r| f["region"] == r.as_str())
            })
        })
        .map(|f| format!("{} {} {}", f["check_id"], f["resource"], f["message"]))
        .collect();
    assert!(
        unexpected.is_empty(),
        "the hardened account has failures:\n{}",
        unexpected.join("\n")
    );
}

/// Checks whose API neither emulator has: once in the catalog, none of their results passes and
/// at least one is not assessed.
fn assert_not_assessed(result: &Value, m: &Manifest) {
    for (check, why) in &m.not_assessed {
        if !in_catalog(check) {
            eprintln!("not_assessed entry pending (no checks/{check}.toml yet): {check}");
            continue;
        }
        let of: Vec<&Value> = findings(result)
            .iter()
            .filter(|f| f["check_id"] == check.as_str())
            .collect();
        let passed: Vec<String> = of
            .iter()
            .filter(|f| f["status"] == "pass")
            .map(|f| format!("{} {}: {}", f["account_id"], f["resource"], f["message"]))
            .collect();
        assert!(
            passed.is_empty(),
            "{check} passes although the emulators lack its API ({why}):\n{}",
            passed.join("\n")
        );
        assert!(
            of.iter().any(|f| f["status"] == "not_assessed"),
            "{check}: no result is not assessed ({why})"
        );
    }
}

/// The services posture reads from moto (AWS_ENDPOINT_URL_<ID>), by SigV4 signing name.
const MOTO_SIGNING_NAMES: &[&str] = &[
    "organizations",
    "sts",
    "cloudtrail",
    "config",
    "guardduty",
    "securityhub",
    "inspector2",
    "macie2",
    "account",
];

/// What moto's request recorder saw during the scan (tests/moto_recording.py names each call).
fn moto_recording(command: &str) -> Value {
    let out = Command::new(repo().join("localstack/.venv-moto/bin/python"))
        .arg(repo().join("tests/moto_recording.py"))
        .arg(command)
        .output()
        .expect("run moto_recording.py");
    assert!(
        out.status.success(),
        "moto_recording.py {command}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    if command == "start" {
        return Value::Null;
    }
    serde_json::from_slice(&out.stdout).expect("moto_recording.py prints JSON")
}

/// moto's own record of the scan: every call it received is named and reads only (AssumeRole
/// and GetCallerIdentity of STS included: they change nothing in an account), and every call
/// posture counted for a moto-served service reached moto (the endpoint routing holds).
fn moto_saw_only_reads(result: &Value, recorded: &Value) {
    let calls = recorded.as_array().expect("recorded calls");
    assert!(!calls.is_empty(), "moto recorded no call of the scan");
    let reads = |op: &str| {
        ["Get", "List", "Describe", "BatchGet"]
            .iter()
            .any(|p| op.starts_with(p))
            || op == "AssumeRole"
    };
    let mut unnamed = Vec::new();
    let mut writes = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for c in calls {
        let service = c["service"].as_str().unwrap_or("?");
        let op = c["operation"].as_str().unwrap_or("?");
        if op == "?" {
            unnamed.push(format!("{service} {} {}", c["method"], c["path"]));
        } else if !reads(op) {
            writes.push(format!("{service}:{op}"));
        }
        seen.insert(service.to_string());
    }
    assert!(
        unnamed.is_empty(),
        "calls moto recorded that could not be named: {unnamed:?}"
    );
    assert!(writes.is_empty(), "the scan wrote to moto: {writes:?}");
    assert!(
        seen.contains("sts") && seen.contains("organizations"),
        "the scan's AssumeRole and Organizations calls must reach moto: {seen:?}"
    );
    // posture's operation counts name services by SDK service name ("GuardDuty", "Config
    // Service"...): each moto-served service posture called must appear in moto's recording.
    let by_op = result["scan"]["api_calls"]["by_operation"]
        .as_object()
        .expect("api_calls recorded");
    for op in by_op.keys() {
        let (service, _) = op.split_once(':').unwrap();
        let signing = match service.to_ascii_lowercase().replace(' ', "").as_str() {
            "configservice" => "config".to_string(),
            other => other.to_string(),
        };
        if MOTO_SIGNING_NAMES.contains(&signing.as_str()) {
            assert!(
                seen.contains(&signing),
                "posture called {op}, but moto recorded no {signing} call: it went elsewhere"
            );
        }
    }
}

#[test]
#[ignore = "starts LocalStack and moto: run tests/run-all.sh or cargo test -- --include-ignored"]
fn scan_of_the_emulated_organization_finds_every_planted_misconfiguration() {
    sh("setup.sh");
    sh("start.sh");
    let seed = Command::new(repo().join("localstack/.venv-moto/bin/python"))
        .arg(repo().join("localstack/seed.py"))
        .current_dir(repo())
        .status()
        .expect("run seed.py");
    assert!(seed.success(), "seed.py failed");

    let org = read_json(&repo().join("localstack/.state/org.json"));
    let ids: BTreeMap<String, String> = org["accounts"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let m = manifest();
    compare_policy_status_with_moto();

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("result.json");
    let inv = dir.path().join("inventory.json");
    let mut c = posture();
    emulator_env(&mut c);
    c.args([
        "scan",
        "--org",
        "--regions",
        "us-east-1,eu-west-1",
        "--format",
        "json",
        "--no-progress",
    ])
    .arg("--output")
    .arg(&out)
    .arg("--save-inventory")
    .arg(&inv);
    moto_recording("start");
    let (code, stdout, stderr) = run(c);
    let recorded = moto_recording("calls");
    // Failed findings and an incomplete scan (the emulators lack GetInstanceMetadataDefaults).
    assert_eq!(code, 5, "exit code\nstdout:\n{stdout}\nstderr:\n{stderr}");
    // With a report format other than the table, stdout is for the report alone: the summary
    // goes to stderr.
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("Failed findings"), "{stderr}");
    let result = read_json(&out);
    assert_eq!(result["schema"], "posture.scan-result/v1");
    validate_schema(&out);
    least_privilege(&result);
    moto_saw_only_reads(&result, &recorded);
    not_implemented_is_not_retried(&result);
    shards_merge_to_the_full_scan(&result, dir.path());
    faults(&ids, &result, dir.path());
    for (what, text) in [
        ("stdout", stdout.clone()),
        ("stderr", stderr.clone()),
        ("result", std::fs::read_to_string(&out).unwrap()),
        ("inventory", std::fs::read_to_string(&inv).unwrap()),
    ] {
        assert!(
            !text.contains(SECRET),
            "the secret access key appears in the {what}"
        );
    }

    // Every ACTIVE account of the organization was entered.
    let accounts = result["accounts"].as_array().unwrap();
    for (name, id) in &ids {
        let a = accounts
            .iter()
            .find(|a| a["account_id"] == id.as_str())
            .unwrap_or_else(|| panic!("account {name} not scanned"));
        assert_ne!(a["access"], "denied", "{name}");
    }
    assert_eq!(
        accounts.len(),
        ids.len() + 1,
        "members plus the management account"
    );

    let found = assert_planted(&result, &m, &ids, 0);
    assert!(found >= 20, "only {found} planted entries at offset 0");
    assert_confined(&result, &m, &ids);
    assert_hardened_clean(&result, &m, &ids);
    assert_not_assessed(&result, &m);

    // Scores: the hardened account is clearly ahead of the misconfigured one on both frameworks.
    for fw in result["frameworks"].as_array().unwrap() {
        let score = |name: &str| -> f64 {
            let id = &ids[name];
            fw["accounts"]
                .as_array()
                .unwrap()
                .iter()
                .find(|a| a["account_id"] == id.as_str())
                .unwrap()["summary"]["score"]
                .as_f64()
                .unwrap_or_else(|| panic!("{name} has no {} score", fw["framework"]))
        };
        let (hardened, misconfigured) = (score(&m.hardened), score("app-misconfigured"));
        assert!(
            hardened >= misconfigured + 25.0,
            "{}: hardened {hardened} vs misconfigured {misconfigured}",
            fw["framework"]
        );
    }

    // The API the emulators lack is reported as not assessed, never as a pass.
    let imds: Vec<&Value> = findings(&result)
        .iter()
        .filter(|f| f["check_id"] == "ec2-account-imdsv2-default")
        .collect();
    assert!(!imds.is_empty());
    assert!(
        imds.iter().all(|f| f["status"] == "not_assessed"),
        "{imds:?}"
    );
    assert!(result["incomplete"].as_bool().unwrap());

    // Offline re-evaluation of the saved inventory, 120 days later: aged keys and certificates.
    for offset in m
        .planted
        .iter()
        .map(|p| p.offset)
        .filter(|o| *o != 0)
        .collect::<std::collections::BTreeSet<_>>()
    {
        let later = dir.path().join(format!("later-{offset}.json"));
        let mut c = posture();
        c.args([
            "evaluate",
            "--format",
            "json",
            "--now",
            &format!("+{offset}d"),
            "--output",
        ])
        .arg(&later)
        .arg(&inv);
        let (code, _, stderr) = run(c);
        assert_eq!(code, 5, "{stderr}");
        assert_planted(&read_json(&later), &m, &ids, offset);
    }
    // Re-evaluating at the same time gives the same findings as the scan itself.
    let again = dir.path().join("again.json");
    let mut c = posture();
    c.args([
        "evaluate",
        "--format",
        "json",
        "--now",
        result["evaluated_at"].as_str().unwrap(),
        "--output",
    ])
    .arg(&again)
    .arg(&inv);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 5, "{stderr}");
    // The scan evaluated each account as it finished and streamed the inventory to disk; the
    // saved inventory, evaluated all at once, gives exactly the same result.
    let again = read_json(&again);
    assert_eq!(again["findings"], result["findings"], "findings differ");
    assert_eq!(again["frameworks"], result["frameworks"], "scores differ");
    assert_eq!(
        again["accounts"], result["accounts"],
        "account summaries differ"
    );

    second_scan_with_baseline_and_suppressions(&ids, &out, dir.path());
    s3_delivery(dir.path());
    crate::security_hub::security_hub_delivery(dir.path(), &inv);
    crate::image::image_runs_a_scan(dir.path());
}

pub fn ops(args: &[&str]) -> String {
    let out = Command::new(repo().join("localstack/.venv-moto/bin/python"))
        .arg(repo().join("tests/emulator_ops.py"))
        .args(args)
        .output()
        .expect("run emulator_ops.py");
    assert!(
        out.status.success(),
        "emulator_ops.py {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Change the organization between two scans: one failure fixed, one new; a suppression file
/// accepts another. The second scan, with the first as baseline, must say exactly that.
fn second_scan_with_baseline_and_suppressions(
    ids: &BTreeMap<String, String>,
    baseline: &std::path::Path,
    dir: &std::path::Path,
) {
    let mis = &ids["app-misconfigured"];
    ops(&["change", mis]);
    let supp = dir.join("suppressions.toml");
    std::fs::write(
        &supp,
        format!(
            "[[suppress]]\ncheck = \"s3-bucket-access-logging\"\naccounts = [\"{mis}\"]\nreason = \"logging is collected by CloudTrail data events\"\n\n[[suppress]]\ncheck = \"iam-root-*\"\nous = [\"Root/Sandbox\"]\nreason = \"no sandbox OU exists: matches nothing\"\n"
        ),
    )
    .unwrap();
    let second = dir.join("second.json");
    let mut c = posture();
    emulator_env(&mut c);
    c.args([
        "scan",
        "--org",
        "--regions",
        "us-east-1,eu-west-1",
        "--format",
        "json",
        "--no-progress",
        "--fail-on-new",
        "critical",
    ])
    .arg("--baseline")
    .arg(baseline)
    .arg("--suppressions")
    .arg(&supp)
    .arg("-o")
    .arg(&second);
    let (code, _, stderr) = run(c);
    // The new public bucket is a critical new failure; the scan is still incomplete.
    assert_eq!(code, 5, "{stderr}");
    assert!(
        stderr.contains("suppressions.toml:6") && stderr.contains("matched no failed finding"),
        "{stderr}"
    );
    validate_schema(&second);
    let r = read_json(&second);
    let diff = &r["diff"];
    let new_bucket = format!("misconfigured-new-public-{mis}");
    let resolved_bucket = format!("misconfigured-public-data-{mis}");
    let new: Vec<&Value> = diff["new"].as_array().unwrap().iter().collect();
    assert!(
        new.iter()
            .any(|e| e["check_id"] == "s3-bucket-policy-public"
                && e["resource"].as_str().unwrap().ends_with(&new_bucket)),
        "{new:?}"
    );
    assert!(
        new.iter()
            .all(|e| e["resource"].as_str().unwrap().contains(&new_bucket)),
        "only the new bucket is new: {new:?}"
    );
    let resolved = diff["resolved"].as_array().unwrap();
    assert!(
        resolved
            .iter()
            .any(|e| e["check_id"] == "s3-bucket-versioning"
                && e["resource"].as_str().unwrap().ends_with(&resolved_bucket)),
        "{resolved:?}"
    );
    // Suppressed failures leave the open failures (so they show as resolved) but stay in the output.
    assert!(
        resolved
            .iter()
            .any(|e| e["check_id"] == "s3-bucket-access-logging")
    );
    let findings = r["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["check_id"] == "s3-bucket-access-logging"
                && f["status"] == "fail"
                && f["suppressed"]["reason"].is_string())
    );
    // First seen is carried from the first scan for persisting findings.
    let persisting = findings
        .iter()
        .find(|f| f["check_id"] == "iam-root-mfa" && f["account_id"] == mis.as_str())
        .unwrap();
    assert_ne!(persisting["first_seen"], persisting["last_seen"]);
    assert_eq!(
        persisting["first_seen"].as_str(),
        read_json(baseline)["evaluated_at"].as_str()
    );
}

/// Reports delivered to S3 (the emulator's), encrypted; a missing bucket keeps a local copy.
fn s3_delivery(dir: &std::path::Path) {
    ops(&["bucket", "posture-reports"]);
    let mut c = posture();
    emulator_env(&mut c);
    c.current_dir(dir).args([
        "scan",
        "--regions",
        "us-east-1",
        "--format",
        "ocsf",
        "--no-progress",
        "-o",
        "s3://posture-reports/scans/",
    ]);
    let (code, _, stderr) = run(c);
    assert!(code == 3 || code == 5 || code == 4 || code == 0, "{stderr}");
    assert!(
        stderr.contains("report written to s3://posture-reports/scans/posture-"),
        "{stderr}"
    );
    let objects: Value =
        serde_json::from_str(&ops(&["objects", "posture-reports", "scans/"])).unwrap();
    let o = &objects[0];
    assert!(
        o["key"]
            .as_str()
            .unwrap()
            .ends_with("-123456789012.ocsf.ndjson"),
        "{objects}"
    );
    assert_eq!(o["sse"], "AES256");
    assert!(o["size"].as_u64().unwrap() > 100);

    // A bucket in another region than posture's: HeadBucket names its region, the upload goes there.
    ops(&["bucket", "posture-reports-eu", "eu-west-1"]);
    let mut c = posture();
    emulator_env(&mut c);
    c.current_dir(dir).args([
        "scan",
        "--regions",
        "us-east-1",
        "--format",
        "csv",
        "--no-progress",
        "-q",
        "-o",
        "s3://posture-reports-eu/eu/",
    ]);
    let (code, stdout, stderr) = run(c);
    assert!(matches!(code, 0 | 3 | 4 | 5), "{stderr}");
    assert!(
        stdout.is_empty() && !stderr.contains("report written"),
        "--quiet: {stdout}{stderr}"
    );
    let objects: Value =
        serde_json::from_str(&ops(&["objects", "posture-reports-eu", "eu/"])).unwrap();
    assert_eq!(objects.as_array().unwrap().len(), 1, "{objects}");

    let mut c = posture();
    emulator_env(&mut c);
    c.current_dir(dir).args([
        "scan",
        "--regions",
        "us-east-1",
        "--format",
        "json",
        "--no-progress",
        "-o",
        "s3://no-such-bucket-posture/x/",
    ]);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("no-such-bucket-posture") && stderr.contains("does not exist"),
        "{stderr}"
    );
    let local: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .ends_with("-123456789012.json")
        })
        .collect();
    assert_eq!(local.len(), 1, "the local copy of the report must exist");
}
