//! The HTML report in a real headless Chromium: it renders, its charts are drawn, and the numbers
//! on the page match the JSON result. Needs Debian's `chromium` (tests/run-all.sh installs it).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{fixture, posture, read_json, run};

fn chromium() -> PathBuf {
    let candidates = [
        std::env::var("POSTURE_CHROMIUM").unwrap_or_default(),
        "/usr/bin/chromium".into(),
        "/usr/bin/chromium-browser".into(),
    ];
    candidates
        .iter()
        .filter(|c| !c.is_empty())
        .map(PathBuf::from)
        .find(|p| p.exists())
        .expect("Chromium not found: install Debian's `chromium` package (tests/run-all.sh does) or set POSTURE_CHROMIUM")
}

/// The DOM after the page's scripts ran.
fn rendered_dom(html: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", html.display()))
        .output()
        .expect("run chromium");
    assert!(
        out.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Attributes of every `<tag ...>` element in the serialized DOM.
fn elements(dom: &str, tag: &str) -> Vec<BTreeMap<String, String>> {
    let open = format!("<{tag} ");
    dom.match_indices(&open)
        .map(|(i, _)| {
            let rest = &dom[i + open.len()..];
            let end = rest.find('>').unwrap_or(rest.len());
            let mut attrs = BTreeMap::new();
            let mut s = &rest[..end];
            while let Some(eq) = s.find("=\"") {
                let name = s[..eq].trim().rsplit(' ').next().unwrap_or("").to_string();
                let after = &s[eq + 2..];
                let close = after.find('"').unwrap_or(after.len());
                attrs.insert(name, after[..close].to_string());
                s = &after[(close + 1).min(after.len())..];
            }
            attrs
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
#[ignore = "needs Chromium: run tests/run-all.sh or cargo test -- --include-ignored"]
fn html_report_renders_in_chromium_and_matches_the_json() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("report.html");
    let json = dir.path().join("result.json");
    for (format, path) in [("html", &html), ("json", &json)] {
        let mut c = posture();
        c.args([
            "evaluate",
            "--format",
            format,
            "--now",
            "2026-11-22T12:00:00Z",
            "-o",
        ])
        .arg(path)
        .arg(fixture("inventory.json"));
        let (code, _, stderr) = run(c);
        assert!(code == 3 || code == 5, "{stderr}");
    }
    let result = read_json(&json);
    let page = std::fs::read_to_string(&html).unwrap();
    assert!(
        !page.contains("<script src") && !page.contains("<link "),
        "the report must be self-contained"
    );

    let dom = rendered_dom(&html);
    assert!(
        dom.contains("data-rendered=\"true\""),
        "the report's script did not finish:\n{}",
        &dom[..dom.len().min(2000)]
    );

    let frameworks = result["frameworks"].as_array().unwrap();
    assert_eq!(frameworks.len(), 2);
    let bars = elements(&dom, "rect");
    for f in frameworks {
        let id = f["framework"].as_str().unwrap();
        // The overview number is the JSON's overall score.
        let overall = elements(&dom, "div")
            .into_iter()
            .find(|a| a.get("id").map(String::as_str) == Some(&format!("overall-{id}")))
            .unwrap();
        assert!(
            close(
                overall["data-score"].parse().unwrap(),
                f["overall"]["score"].as_f64().unwrap()
            ),
            "{id} overall"
        );
        // One bar per scored section, each with the JSON's score.
        let scored: Vec<&serde_json::Value> = f["sections"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s.get("score").is_some())
            .collect();
        assert!(!scored.is_empty(), "{id}: no section scored");
        for s in &scored {
            let sid = s["id"].as_str().unwrap();
            let bar = bars
                .iter()
                .find(|b| {
                    b.get("class").map(String::as_str) == Some("bar")
                        && b.get("data-section").map(String::as_str) == Some(sid)
                })
                .unwrap_or_else(|| panic!("{id}: no bar drawn for section {sid}"));
            assert!(
                close(
                    bar["data-score"].parse().unwrap(),
                    s["score"].as_f64().unwrap()
                ),
                "{id} {sid}"
            );
            let width: f64 = bar["width"].parse().unwrap();
            assert!(width >= 1.0, "{id} {sid}: bar width {width}");
        }
        // Per-account scores.
        let cells = elements(&dom, "td");
        for a in f["accounts"].as_array().unwrap() {
            let acct = a["account_id"].as_str().unwrap();
            let cell = cells
                .iter()
                .find(|c| {
                    c.get("data-framework").map(String::as_str) == Some(id)
                        && c.get("data-account").map(String::as_str) == Some(acct)
                })
                .unwrap_or_else(|| panic!("{id}: no score cell for {acct}"));
            match a["summary"].get("score").and_then(|v| v.as_f64()) {
                Some(v) => assert!(close(cell["data-score"].parse().unwrap(), v), "{id} {acct}"),
                None => assert_eq!(cell["data-score"], ""),
            }
        }
    }
    // The coverage heat map: one rect per cell of the JSON matrix, with its state.
    let services = result["coverage"]["services"].as_array().unwrap();
    assert!(
        services
            .iter()
            .any(|s| !s["cells"].as_array().unwrap().is_empty()),
        "the fixture inventory probes no security service"
    );
    let drawn: Vec<BTreeMap<String, String>> = bars
        .iter()
        .filter(|r| r.get("class").map(String::as_str) == Some("cov"))
        .cloned()
        .collect();
    let mut want = 0;
    for svc in services {
        let name = svc["service"].as_str().unwrap();
        for c in svc["cells"].as_array().unwrap() {
            want += 1;
            let (acct, region) = (
                c["account_id"].as_str().unwrap(),
                c["region"].as_str().unwrap(),
            );
            let rect = drawn
                .iter()
                .find(|r| {
                    r.get("data-service").map(String::as_str) == Some(name)
                        && r.get("data-account").map(String::as_str) == Some(acct)
                        && r.get("data-region").map(String::as_str) == Some(region)
                })
                .unwrap_or_else(|| panic!("no heat-map cell for {name} {acct} {region}"));
            assert_eq!(
                rect["data-state"],
                c["state"].as_str().unwrap(),
                "{name} {acct} {region}"
            );
        }
        assert!(
            dom.contains(&format!(
                "id=\"coverage-{name}\">on {} · off {} · unknown {}<",
                svc["on"], svc["off"], svc["unknown"]
            )),
            "{name} counts"
        );
    }
    assert_eq!(drawn.len(), want, "one heat-map cell per matrix cell");
    // Every failed finding is listed.
    let failed = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] == "fail")
        .count();
    let rows = elements(&dom, "tr")
        .into_iter()
        .filter(|r| r.get("class").map(String::as_str) == Some("finding"))
        .count();
    assert_eq!(rows, failed);
    assert!(
        dom.contains(&format!("id=\"failed-total\">{failed}<")),
        "failed total"
    );
}
