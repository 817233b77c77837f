//! The git commit the binary is built from, for `posture --version`. (The check catalog is
//! embedded by `crates/core/build.rs`.)

use std::path::Path;
use std::process::Command;

fn main() {
    commit();
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
