//! The container image (Dockerfile, deploy/image/build.sh): built without a Docker daemon,
//! unpacked, minimal, run as its non-root user against the emulated organization (run by the
//! emulator test, which starts and seeds the emulators).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use crate::{read_json, repo, run};

fn ok(c: &mut Command, what: &str) -> String {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

pub fn image_runs_a_scan(dir: &Path) {
    let oci = dir.join("oci");
    let built = ok(
        Command::new("bash")
            .arg(repo().join("deploy/image/build.sh"))
            .arg("--binary")
            .arg(env!("CARGO_BIN_EXE_posture"))
            .arg("--out")
            .arg(&oci)
            .args(["--tag", "test"]),
        "deploy/image/build.sh",
    );
    assert!(built.contains("bytes compressed"), "{built}");
    // umoci is Debian's OCI image tool; installed like Chromium when missing.
    if Command::new("umoci").arg("--version").output().is_err() {
        ok(
            Command::new("bash").args([
                "-c",
                "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq umoci >/dev/null",
            ]),
            "apt-get install umoci",
        );
    }
    let bundle = dir.join("bundle");
    ok(
        Command::new("umoci")
            .arg("unpack")
            .arg("--image")
            .arg(format!("{}:test", oci.display()))
            .arg(&bundle),
        "umoci unpack",
    );
    let config = read_json(&bundle.join("config.json"));
    assert_eq!(config["process"]["user"]["uid"], 65532, "non-root user");
    assert_eq!(config["process"]["args"][0], "/usr/local/bin/posture");

    // Minimal: the binary, its loader and libraries, CA certificates, passwd/group, /tmp.
    let rootfs = bundle.join("rootfs");
    let mut files = BTreeSet::new();
    let mut stack = vec![rootfs.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                files.insert(p.strip_prefix(&rootfs).unwrap().display().to_string());
            }
        }
    }
    for f in &files {
        let allowed = f == "usr/local/bin/posture"
            || f == "etc/ssl/certs/ca-certificates.crt"
            || f == "etc/passwd"
            || f == "etc/group"
            || f.contains(".so");
        assert!(
            allowed,
            "unexpected file in the image: {f} (all: {files:?})"
        );
    }
    assert!(files.contains("usr/local/bin/posture"), "{files:?}");

    // The binary inside the image, as the image's user, scans the emulated organization.
    let mut c = Command::new("chroot");
    c.arg("--userspec=65532:65532").arg(&rootfs);
    c.args([
        "/usr/local/bin/posture",
        "scan",
        "--org",
        "--regions",
        "us-east-1",
        "--no-progress",
        "-q",
        "--format",
        "json",
        "-o",
        "/tmp/result.json",
    ]);
    for var in ["AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_DEFAULT_REGION"] {
        c.env_remove(var);
    }
    c.env("HOME", "/tmp")
        .env("SSL_CERT_FILE", "/etc/ssl/certs/ca-certificates.crt")
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1");
    crate::emulator::emulator_env(&mut c);
    let (code, stdout, stderr) = run(c);
    assert_eq!(code, 5, "scan inside the image:\n{stdout}\n{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    let result = read_json(&rootfs.join("tmp/result.json"));
    let accounts = result["accounts"].as_array().unwrap();
    assert!(accounts.len() >= 6, "{}", accounts.len());
    assert!(
        accounts.iter().all(|a| a["access"] != "denied"),
        "{accounts:?}"
    );
    assert!(
        result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["status"] == "fail" && f["check_id"] == "s3-bucket-policy-public"),
        "the planted public bucket must be found from inside the image"
    );
}
