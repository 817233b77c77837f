//! Embeds the check catalog (`checks/*.toml` at the repository's top level) and the framework
//! files (`checks/frameworks/*.toml`) into the library, so the files in the repository are the
//! one source of every check's metadata and every framework mapping.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    // Read at run time: `env!` would bake in the path of whichever checkout first compiled this
    // script, and a target directory shared between checkouts would then embed that one's files.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap();
    let dir = Path::new(&manifest_dir).join("../../checks");
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
