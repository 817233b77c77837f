//! The layout that shows the architecture, asserted: a check id finds its file; a check file
//! holds one check and nothing else; the plumbing a check must not rewrite (ARNs, "not
//! assessed" sentences, string errors) stays in the author API; and the core's modules import
//! each other without a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use posture_core::checks::REGISTRY;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// A file's code without its `#[cfg(test)]` module and comment lines.
fn code_of(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = match text.find("#[cfg(test)]") {
        Some(i) => &text[..i],
        None => &text,
    };
    text.lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn rel(path: &Path) -> String {
    path.strip_prefix(src()).unwrap().display().to_string()
}

#[test]
fn each_check_id_finds_its_file_and_each_check_file_holds_one_check() {
    let checks = src().join("checks");
    let mut files: BTreeSet<String> = std::fs::read_dir(&checks)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .filter(|f| f != "mod" && f != "fixtures")
        .collect();
    for entry in REGISTRY {
        let id = entry.id();
        let stem = id.replace('-', "_");
        let path = checks.join(format!("{stem}.rs"));
        assert!(
            files.remove(&stem),
            "check {id}: expected its code in {}",
            path.display()
        );
        let code = code_of(&path);
        let declared = format!("id: \"{id}\"");
        assert_eq!(
            code.matches(&declared).count(),
            1,
            "{}: must declare `{declared}` once",
            rel(&path)
        );
        assert_eq!(
            code.matches("id: \"").count(),
            1,
            "{}: a check file holds one check",
            rel(&path)
        );
    }
    assert!(
        files.is_empty(),
        "files in checks/ that are not a check (shared code goes to checks/shared/): {files:?}"
    );
}

#[test]
fn a_check_id_is_written_once_in_the_code() {
    let mut count: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for path in rust_files(&src()) {
        let code = code_of(&path);
        for entry in REGISTRY {
            if code.contains(&format!("\"{}\"", entry.id())) {
                count.entry(entry.id()).or_default().push(rel(&path));
            }
        }
    }
    for (id, files) in count {
        assert_eq!(files.len(), 1, "check id {id} is written in {files:?}");
    }
}

#[test]
fn checks_do_not_rewrite_the_plumbing_of_the_author_api() {
    for path in rust_files(&src().join("checks")) {
        if path.file_stem().is_some_and(|s| s == "fixtures") {
            continue; // test inventories, written as AWS would send them
        }
        let code = code_of(&path);
        let name = rel(&path);
        for (pattern, why) in [
            (
                "format!(\"arn:",
                "an ARN comes from the resource's identity (check/identity.rs)",
            ),
            (
                "AWS::::Account:",
                "an account result is built with Subject::account",
            ),
            (
                "\"not assessed:",
                "a not-assessed sentence is rendered by check/reason.rs",
            ),
            (
                ", String>",
                "errors are typed or anyhow, and not-assessed reasons are `Reason`s",
            ),
        ] {
            assert!(!code.contains(pattern), "{name}: `{pattern}`: {why}");
        }
    }
}

/// `crate::<module>` references of each top-level module of the core, outside tests.
fn module_graph() -> BTreeMap<String, BTreeSet<String>> {
    let root = src();
    let modules: BTreeSet<String> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_stem().is_some_and(|s| s != "lib"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().to_string())
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for m in &modules {
        let dir = root.join(m);
        let files = if dir.is_dir() {
            rust_files(&dir)
        } else {
            vec![root.join(format!("{m}.rs"))]
        };
        let edges = graph.entry(m.clone()).or_default();
        for f in files {
            let stem = f.file_stem().unwrap().to_string_lossy();
            if stem.contains("test") || stem == "fixtures" {
                continue;
            }
            let code = code_of(&f);
            for (i, _) in code.match_indices("crate::") {
                let target: String = code[i + 7..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if &target != m && modules.contains(&target) {
                    edges.insert(target);
                }
            }
        }
    }
    graph
}

#[test]
fn the_core_modules_import_each_other_without_a_cycle() {
    let graph = module_graph();
    fn reaches(
        g: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        for n in g.get(from).into_iter().flatten() {
            if n == to || (seen.insert(n.clone()) && reaches(g, n, to, seen)) {
                return true;
            }
        }
        false
    }
    for (m, edges) in &graph {
        for n in edges {
            assert!(
                !reaches(&graph, n, m, &mut BTreeSet::new()),
                "import cycle: {m} -> {n} -> … -> {m} (graph: {graph:?})"
            );
        }
    }
    // The data model is imported, never importing what computes it.
    for m in ["score", "diff", "evaluate", "report", "checks"] {
        assert!(
            !graph["result"].contains(m),
            "result (the data model) imports {m}"
        );
    }
}
