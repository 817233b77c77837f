//! The catalog's claims about each check's statuses, tied to its description and to its code.
//!
//! Every `checks/<id>.toml` declares `statuses`, the outcomes the check produces. Here:
//! the description states exactly those (in words: "pass", "fail", "not applicable", "not
//! assessed"); every result on the recorded inventories has a declared status; and with
//! nothing collected, every check says "not assessed" and never "pass". The check unit tests
//! add the code paths they reach: `checks::fixtures::results_at` asserts each result's status
//! is declared.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{TimeZone, Utc};
use posture_core::catalog;
use posture_core::checks::{self, Status};
use posture_core::config::Thresholds;
use posture_core::inventory::Inventory;
use posture_core::policy::Boundary;
use serde_json::{Value, json};

use crate::repo_file;

/// The statuses a description states, from its wording.
fn stated(description: &str) -> BTreeSet<Status> {
    let d = description.to_lowercase();
    let words: Vec<&str> = d
        .split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
        .collect();
    let mut out = BTreeSet::new();
    if words.iter().any(|w| w.starts_with("pass")) {
        out.insert(Status::Pass);
    }
    if words.iter().any(|w| w.starts_with("fail")) {
        out.insert(Status::Fail);
    }
    if d.contains("not applicable") {
        out.insert(Status::NotApplicable);
    }
    if d.contains("not assessed") {
        out.insert(Status::NotAssessed);
    }
    out
}

#[test]
fn descriptions_state_exactly_the_declared_statuses() {
    for meta in catalog::catalog().unwrap() {
        let declared: BTreeSet<Status> = meta.statuses.iter().copied().collect();
        assert_eq!(
            stated(&meta.description),
            declared,
            "checks/{}.toml: the description and `statuses` disagree",
            meta.id
        );
        assert!(
            declared.contains(&Status::NotAssessed),
            "checks/{}.toml: every check is not assessed when its data was not collected",
            meta.id
        );
    }
}

fn evaluate(inventory: &Inventory) -> Vec<checks::CheckResult> {
    let boundary = Boundary::of_inventory(inventory, &[]);
    checks::evaluate_inventory(
        inventory,
        &boundary,
        &Thresholds::default(),
        Utc.with_ymd_and_hms(2026, 11, 22, 0, 0, 0).unwrap(),
        None,
    )
}

fn declared() -> BTreeMap<String, BTreeSet<Status>> {
    catalog::catalog()
        .unwrap()
        .iter()
        .map(|m| (m.id.clone(), m.statuses.iter().copied().collect()))
        .collect()
}

#[test]
fn results_on_the_recorded_inventories_have_declared_statuses() {
    let declared = declared();
    for file in [
        "tests/fixtures/inventory.json",
        "tests/golden/emulated-org.inventory.json",
    ] {
        let inventory: Inventory = serde_json::from_str(&repo_file(file)).unwrap();
        for r in evaluate(&inventory) {
            assert!(
                declared[&r.check_id].contains(&r.status),
                "{file}: {} gave {:?} on {}, which checks/{}.toml does not declare",
                r.check_id,
                r.status,
                r.resource,
                r.check_id
            );
        }
    }
}

/// Every `{"ok": …}` (a collected value) replaced by a failed call, outermost first.
fn fail_everything(v: &mut Value) {
    match v {
        Value::Object(map) if map.len() == 1 && map.contains_key("ok") => {
            *v = json!({"failed": {
                "service": "test",
                "operation": "Everything",
                "kind": "access_denied",
                "code": "AccessDenied",
                "message": "not collected in this test"
            }});
        }
        Value::Object(map) => map.values_mut().for_each(fail_everything),
        Value::Array(items) => items.iter_mut().for_each(fail_everything),
        _ => {}
    }
}

#[test]
fn with_nothing_collected_every_check_is_not_assessed_and_none_passes() {
    let mut doc: Value = serde_json::from_str(&repo_file("tests/fixtures/inventory.json")).unwrap();
    fail_everything(&mut doc);
    let inventory: Inventory = serde_json::from_value(doc).unwrap();
    let results = evaluate(&inventory);
    let mut seen = BTreeSet::new();
    for r in &results {
        assert_ne!(
            r.status,
            Status::Pass,
            "{} passed {} with nothing collected: {}",
            r.check_id,
            r.resource,
            r.message
        );
        if r.status == Status::NotAssessed {
            assert!(r.reason.is_some(), "{}: no structured reason", r.check_id);
            seen.insert(r.check_id.clone());
        }
    }
    let silent: Vec<String> = declared()
        .into_keys()
        .filter(|id| !seen.contains(id))
        .collect();
    assert!(
        silent.is_empty(),
        "with nothing collected these checks said nothing at all: {silent:?}"
    );
}

#[test]
fn the_readmes_list_every_check_and_count_them() {
    let catalog = catalog::catalog().unwrap();
    let table = repo_file("checks/README.md");
    for meta in catalog {
        let row = format!(
            "| `{}` | {} | {} |",
            meta.id,
            meta.severity.as_str(),
            meta.title
        );
        assert!(table.contains(&row), "checks/README.md lacks the row {row}");
    }
    let n = catalog.len();
    assert!(
        table.contains(&format!("{n} checks.")),
        "checks/README.md does not say {n} checks"
    );
    assert!(
        repo_file("README.md").contains(&format!("{n} checks, listed")),
        "README.md does not say {n} checks"
    );
}
