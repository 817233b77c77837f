//! Standard client behaviour on a real network path: HTTPS_PROXY / NO_PROXY, and profiles
//! written by `aws login`. A CONNECT proxy on 127.0.0.1 records what the binary asks it for and
//! refuses every tunnel, so nothing leaves the machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::{posture, run};

/// A proxy that records the request line of every connection and answers 403.
fn recording_proxy() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("local address"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(16) {
            let Ok(mut stream) = stream else { continue };
            let mut line = String::new();
            let mut reader = BufReader::new(stream.try_clone().expect("clone the stream"));
            if reader.read_line(&mut line).is_ok() {
                log.lock().unwrap().push(line.trim().to_string());
            }
            let _ = stream.write_all(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
        }
    });
    (url, seen)
}

/// The proxy was asked for a tunnel to STS: posture's first signed request went through it.
fn assert_tunnel_to_sts(seen: &Mutex<Vec<String>>, stderr: &str) {
    let lines = seen.lock().unwrap().clone();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("CONNECT sts.eu-west-1.amazonaws.com:443")),
        "the proxy saw {lines:?}; stderr: {stderr}"
    );
}

fn scan_through(proxy: &str) -> std::process::Command {
    let mut c = posture();
    c.args(["scan", "--region", "eu-west-1", "--max-attempts", "1"])
        .env("HTTPS_PROXY", proxy)
        .env_remove("NO_PROXY")
        .env_remove("no_proxy");
    c
}

#[test]
fn https_proxy_is_used_and_no_proxy_is_honoured() {
    let (url, seen) = recording_proxy();
    let mut c = scan_through(&url);
    c.env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE").env(
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !stderr.contains("wJalrXUtnFEMI"),
        "secret printed: {stderr}"
    );
    assert_tunnel_to_sts(&seen, &stderr);

    // NO_PROXY: the same call bypasses the proxy.
    let (url, seen) = recording_proxy();
    let mut c = scan_through(&url);
    c.env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        )
        .env("NO_PROXY", ".amazonaws.com");
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        seen.lock().unwrap().is_empty(),
        "NO_PROXY ignored: {stderr}"
    );
}

/// `aws login` writes `login_session = <ARN>` into the profile and caches the session's
/// credentials under ~/.aws/login/cache/<sha256 of the ARN>.json.
#[test]
fn profiles_written_by_aws_login_load() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    let arn = "arn:aws:iam::111111111111:user/Admin";
    let config = dir.path().join("config");
    std::fs::write(
        &config,
        format!("[profile signin]\nlogin_session = {arn}\nregion = eu-west-1\n"),
    )
    .unwrap();
    let cache = dir.path().join("login-cache");
    std::fs::create_dir(&cache).unwrap();
    let name: String = Sha256::digest(arn.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let expires = (chrono::Utc::now() + chrono::TimeDelta::hours(8))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    std::fs::write(
        cache.join(format!("{name}.json")),
        format!(
            r#"{{"accessToken":{{"accessKeyId":"ASIAIOSFODNN7EXAMPLE","secretAccessKey":"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY","sessionToken":"IQoJb3JpZ2luX2VjEXAMPLE","accountId":"111111111111","expiresAt":"{expires}"}},"tokenType":"aws_sigv4","refreshToken":"opaque","idToken":"e30.e30.sig","clientId":"arn:aws:signin:::devtools/same-device","dpopKey":"-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIFDZHUzOG1Pzq+6F0mjMlOSp1syN9LRPBuHMoCFXTcXhoAoGCCqGSM49\nAwEHoUQDQgAE9qhj+KtcdHj1kVgwxWWWw++tqoh7H7UHs7oXh8jBbgF47rrYGC+t\ndjiIaHK3dBvvdE7MGj5HsepzLm3Kj91bqA==\n-----END EC PRIVATE KEY-----\n"}}"#
        ),
    )
    .unwrap();
    let (url, seen) = recording_proxy();
    let mut c = scan_through(&url);
    c.args(["--profile", "signin"])
        .env("AWS_CONFIG_FILE", &config)
        .env("AWS_LOGIN_CACHE_DIRECTORY", &cache);
    let (code, _, stderr) = run(c);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        !stderr.contains("credentials-login") && !stderr.contains("FeatureNotEnabled"),
        "{stderr}"
    );
    // The credentials loaded: the first signed request (sts:GetCallerIdentity) was sent.
    assert_tunnel_to_sts(&seen, &stderr);
    assert!(
        !stderr.contains("wJalrXUtnFEMI"),
        "secret printed: {stderr}"
    );
}
