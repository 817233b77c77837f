//! Embeds the check catalog (`checks/*.toml`) and the framework files
//! (`checks/frameworks/*.toml`) into the binary, so the files in the repository are the one
//! source of every check's metadata and every framework mapping; and the git commit the binary
//! is built from, for `posture --version`.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    commit();
    // Read at run time: `env!` would bake in the path of whichever checkout first compiled this
    // script, and a target directory shared between checkouts would then embed that one's files.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let dir = Path::new(&manifest_dir).join("checks");
    let mut out = String::new();
    embed(&mut out, "SOURCES", &dir);
    embed(&mut out, "FRAMEWORK_SOURCES", &dir.join("frameworks"));
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("catalog_sources.rs");
    std::fs::write(dest, out).unwrap();
}

/// Emit `pub static NAME: &[(file name, contents)]` for every `*.toml` file of `dir`.
fn embed(out: &mut String, name: &str, dir: &Path) {
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.path()).collect())
        .unwrap_or_default();
    files.retain(|p| p.extension().is_some_and(|x| x == "toml"));
    files.sort();
    writeln!(out, "pub static {name}: &[(&str, &str)] = &[").unwrap();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        let file = f.file_name().unwrap().to_string_lossy().to_string();
        writeln!(
            out,
            "    ({file:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
}

/// `POSTURE_COMMIT`: the environment variable of the same name when set (a build from a source
/// archive, a container build without `.git`), else `git rev-parse`, else `unknown`.
fn commit() {
    println!("cargo:rerun-if-env-changed=POSTURE_COMMIT");
    let git = |args: &[&str]| -> Option<String> {
        let out = Command::new("git")
            .args(args)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .ok()?;
        let text = String::from_utf8(out.stdout).ok()?.trim().to_string();
        (out.status.success() && !text.is_empty()).then_some(text)
    };
    let commit = std::env::var("POSTURE_COMMIT")
        .ok()
        .filter(|c| !c.trim().is_empty())
        .or_else(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".to_string());
    // Rebuild when HEAD moves: HEAD itself, the branch it points at, packed refs. Only files
    // that exist (a missing one would rerun this script on every build).
    for (dir, file) in [
        (git(&["rev-parse", "--git-dir"]), "HEAD".to_string()),
        (
            git(&["rev-parse", "--git-common-dir"]),
            git(&["symbolic-ref", "-q", "HEAD"]).unwrap_or_default(),
        ),
        (
            git(&["rev-parse", "--git-common-dir"]),
            "packed-refs".to_string(),
        ),
    ] {
        if let Some(dir) = dir
            && !file.is_empty()
        {
            let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir).join(file);
            if path.is_file() {
                println!("cargo:rerun-if-changed={}", path.display());
            }
        }
    }
    println!("cargo:rustc-env=POSTURE_COMMIT={commit}");
}
