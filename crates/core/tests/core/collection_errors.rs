//! Every failed collection is reported: for each collected value of the fixture inventory, an
//! inventory in which that one value failed must list the failure among the account's (or the
//! organization's) collection errors. A new field of type `Collected` that
//! `AccountInventory::collection_errors` forgets fails here instead of vanishing from reports.

use posture_core::inventory::{CollectionError, Inventory};
use serde_json::{Value, json};

fn fixture() -> Value {
    serde_json::from_str(&crate::repo_file("tests/fixtures/inventory.json")).unwrap()
}

/// JSON pointers of every `{"ok": …}` (a collected value) in `v`.
fn collected_paths(v: &Value, at: String, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if map.len() == 1 && map.contains_key("ok") {
                out.push(at.clone());
            }
            for (k, child) in map {
                collected_paths(
                    child,
                    format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    out,
                );
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collected_paths(child, format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

fn errors_of(inventory: &Inventory) -> Vec<CollectionError> {
    let mut out: Vec<CollectionError> = inventory
        .accounts
        .iter()
        .flat_map(|a| a.collection_errors())
        .collect();
    if let Some(org) = &inventory.organization {
        out.extend(
            org.collection_errors(&inventory.scan.caller_account_id)
                .into_iter()
                .map(|(_, e)| e),
        );
    }
    out
}

#[test]
fn every_failed_collection_is_reported() {
    let doc = fixture();
    let mut paths = Vec::new();
    collected_paths(&doc, String::new(), &mut paths);
    assert!(
        paths.len() > 20,
        "the fixture has {} collected values",
        paths.len()
    );
    let mut forgotten = Vec::new();
    for (i, path) in paths.iter().enumerate() {
        // The account's region list is special: without it nothing regional was collected.
        let mut broken = doc.clone();
        let operation = format!("Probe{i}");
        *broken.pointer_mut(path).unwrap() = json!({"failed": {
            "service": "probe",
            "operation": operation,
            "kind": "access_denied",
            "message": "injected by the test"
        }});
        let inventory: Inventory = match serde_json::from_value(broken) {
            Ok(inv) => inv,
            Err(e) => panic!("{path}: the inventory no longer parses: {e}"),
        };
        if !errors_of(&inventory)
            .iter()
            .any(|e| e.operation == operation)
        {
            forgotten.push(path.clone());
        }
    }
    assert!(
        forgotten.is_empty(),
        "failures at these inventory paths are not reported by collection_errors(): {forgotten:#?}"
    );
}
