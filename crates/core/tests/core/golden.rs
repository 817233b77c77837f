//! The results of every check on two recorded inventories, compared with what posture produced
//! before the check-author API (issue 12) replaced the hand-written plumbing of each check.
//!
//! `tests/golden/*.expected.json` were written by `posture evaluate INVENTORY --format json
//! --now 2026-11-22T00:00:00Z` at commit 16af18f; their `recorded_by` field says so. The
//! inventories are the repository's fixture (`tests/fixtures/inventory.json`) and a scan of the
//! emulated organization (`localstack/demo.sh --save-inventory`). A difference fails with the
//! first finding that changed. A change made on purpose (a new check, a deliberate fix)
//! re-records the files with `POSTURE_GOLDEN=record cargo test -p posture-core --test core golden`
//! and says why in its commit; review the diff of `tests/golden/` before committing it.

use chrono::{TimeZone, Utc};
use posture_core::config::Thresholds;
use posture_core::evaluate::{self, BuildOptions};
use posture_core::inventory::Inventory;
use posture_core::report::{self, Format, RenderOptions};
use serde_json::Value;

use crate::repo_file;

/// Fields of a finding added after the recording, on purpose: compared by their own tests.
const ADDED_FIELDS: &[&str] = &["not_assessed_reason"];

fn evaluate(inventory: &str) -> Value {
    let inventory: Inventory = serde_json::from_str(&repo_file(inventory)).unwrap();
    let thresholds = Thresholds::default();
    let opts = BuildOptions {
        thresholds: &thresholds,
        now: Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap(),
        only_checks: None,
        trusted_accounts: &[],
        sra_accounts: &Default::default(),
        suppressions: None,
        baseline: None,
    };
    let result = evaluate::build(&inventory, &opts).unwrap();
    let render = RenderOptions {
        color: false,
        asff_product_arn: None,
        home_region: "us-east-1".into(),
    };
    let text = report::render_to_string(&result, Format::Json, &render).unwrap();
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    if let Some(findings) = doc["findings"].as_array_mut() {
        for f in findings {
            if let Some(f) = f.as_object_mut() {
                for field in ADDED_FIELDS {
                    f.remove(*field);
                }
            }
        }
    }
    doc
}

fn compare(inventory: &str, expected: &str) {
    let got = evaluate(inventory);
    if std::env::var("POSTURE_GOLDEN").as_deref() == Ok("record") {
        let mut doc = serde_json::Map::new();
        doc.insert(
            "recorded_by".into(),
            Value::String(
                "POSTURE_GOLDEN=record cargo test -p posture-core --test core golden; the commit that \
                 changed this file says why"
                    .into(),
            ),
        );
        for key in [
            "incomplete",
            "accounts",
            "findings",
            "collection_errors",
            "frameworks",
        ] {
            doc.insert(key.into(), got[key].clone());
        }
        let path = format!("{}/../../{expected}", env!("CARGO_MANIFEST_DIR"));
        let text = serde_json::to_string_pretty(&Value::Object(doc)).unwrap();
        std::fs::write(&path, text + "\n").unwrap();
        return;
    }
    let want: Value = serde_json::from_str(&repo_file(expected)).unwrap();
    for key in ["incomplete", "accounts", "collection_errors", "frameworks"] {
        assert_eq!(got[key], want[key], "{expected}: `{key}` differs");
    }
    let (got, want) = (
        got["findings"].as_array().unwrap(),
        want["findings"].as_array().unwrap(),
    );
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert_eq!(
            g,
            w,
            "{expected}: finding {i} differs:\n got: {}\nwant: {}",
            serde_json::to_string_pretty(g).unwrap(),
            serde_json::to_string_pretty(w).unwrap()
        );
    }
    assert_eq!(got.len(), want.len(), "{expected}: number of findings");
}

#[test]
fn fixture_inventory_results_are_unchanged() {
    compare(
        "tests/fixtures/inventory.json",
        "tests/golden/fixture.expected.json",
    );
}

#[test]
fn emulated_organization_results_are_unchanged() {
    compare(
        "tests/golden/emulated-org.inventory.json",
        "tests/golden/emulated-org.expected.json",
    );
}
