//! Client-side pacing against AWS's published quotas, end to end without an emulator: the
//! `posture` binary scans one account through `tests/faultproxy.py --quotas` (which answers
//! beyond API Gateway's quotas with HTTP 429 TooManyRequestsException, as AWS does), in front of
//! a small stub that plays STS and API Gateway's REST API (everything else answers 501, which
//! posture records as not implemented and does not retry).

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::{posture, read_json, repo};

const ACCOUNT: &str = "111122223333";
/// REST APIs in the stub, each with `RESOURCES` resources: 12 GetResources, more than the
/// 5 that API Gateway allows in 2 seconds.
const APIS: usize = 12;
const RESOURCES: usize = 10;

/// Answers one HTTP/1.1 request (then closes the connection).
fn serve(mut s: TcpStream) {
    let mut reader = BufReader::new(match s.try_clone() {
        Ok(c) => c,
        Err(_) => return,
    });
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or_default().to_string(),
        parts.next().unwrap_or_default().to_string(),
    );
    let mut length = 0usize;
    let mut auth = String::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).is_err() || h == "\r\n" || h.is_empty() {
            break;
        }
        let (k, v) = h.split_once(':').unwrap_or((&h, ""));
        match k.to_ascii_lowercase().as_str() {
            "content-length" => length = v.trim().parse().unwrap_or(0),
            "authorization" => auth = v.trim().to_string(),
            _ => {}
        }
    }
    let mut body = vec![0u8; length];
    let _ = reader.read_exact(&mut body);
    let body = String::from_utf8_lossy(&body);
    let path = target.split('?').next().unwrap_or_default();
    let (status, ctype, text) = if body.contains("Action=GetCallerIdentity") {
        (
            200,
            "text/xml",
            format!(
                "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
                 <GetCallerIdentityResult><Arn>arn:aws:iam::{ACCOUNT}:user/scanner</Arn>\
                 <UserId>AIDAEXAMPLE</UserId><Account>{ACCOUNT}</Account></GetCallerIdentityResult>\
                 <ResponseMetadata><RequestId>stub</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
            ),
        )
    } else if auth.contains("/apigateway/aws4_request") && method == "GET" {
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        match segments.as_slice() {
            ["restapis"] => {
                let items: Vec<String> = (0..APIS)
                    .map(|i| format!(r#"{{"id":"api{i}","name":"api {i}"}}"#))
                    .collect();
                (
                    200,
                    "application/json",
                    format!(r#"{{"item":[{}]}}"#, items.join(",")),
                )
            }
            ["restapis", api, "resources"] => {
                let items: Vec<String> = (0..RESOURCES)
                    .map(|r| {
                        format!(
                            r#"{{"id":"{api}r{r}","path":"/r{r}","resourceMethods":{{"GET":{{"httpMethod":"GET","authorizationType":"AWS_IAM","apiKeyRequired":false}}}}}}"#
                        )
                    })
                    .collect();
                (
                    200,
                    "application/json",
                    format!(r#"{{"item":[{}]}}"#, items.join(",")),
                )
            }
            ["restapis", _, "authorizers"] | ["restapis", _, "stages"] | ["domainnames"] => {
                (200, "application/json", r#"{"item":[]}"#.to_string())
            }
            _ => (
                404,
                "application/json",
                r#"{"message":"not found"}"#.to_string(),
            ),
        }
    } else {
        (
            501,
            "application/json",
            r#"{"message":"not implemented by the test stub"}"#.to_string(),
        )
    };
    let reason = match status {
        200 => "OK",
        404 => "Not Found",
        _ => "Not Implemented",
    };
    let _ = write!(
        s,
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

/// The stub upstream on an ephemeral loopback port; serves until the test process ends.
fn start_stub() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind the stub");
    let port = listener.local_addr().expect("stub address").port();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || serve(s));
        }
    });
    port
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

struct Proxy(Child, u16);

impl Proxy {
    fn start(upstream: u16) -> Proxy {
        let port = free_port();
        let mut child = Command::new("python3")
            .arg(repo().join("tests/faultproxy.py"))
            .args([
                "--listen",
                &format!("127.0.0.1:{port}"),
                "--upstream",
                &format!("http://127.0.0.1:{upstream}"),
                "--quotas",
            ])
            .stdout(Stdio::null())
            .spawn()
            .expect("start tests/faultproxy.py (python3 >= 3.11)");
        for _ in 0..100 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return Proxy(child, port);
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("faultproxy.py --quotas exited: {status}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("faultproxy did not start on port {port}");
    }

    fn stats(&self) -> Value {
        let mut s = TcpStream::connect(("127.0.0.1", self.1)).expect("connect to the proxy");
        write!(
            s,
            "GET /__faultproxy/stats HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .expect("ask for stats");
        let mut text = String::new();
        s.read_to_string(&mut text).expect("read stats");
        serde_json::from_str(text.split("\r\n\r\n").nth(1).unwrap_or_default())
            .expect("stats are JSON")
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Scans the stub account through a fresh quota-enforcing proxy; returns (proxy stats, saved
/// inventory, wall time).
fn scan(pace: &str) -> (Value, Value, Duration) {
    let stub = start_stub();
    let proxy = Proxy::start(stub);
    let dir = tempfile::tempdir().expect("temp dir");
    let inventory = dir.path().join("inventory.json");
    let started = Instant::now();
    let out = posture()
        .args([
            "scan",
            "--regions",
            "us-east-1",
            "--format",
            "json",
            "--no-progress",
            "--max-attempts",
            "1",
            "--api-pace",
            pace,
            "--save-inventory",
        ])
        .arg(&inventory)
        .env("AWS_ENDPOINT_URL", format!("http://127.0.0.1:{}", proxy.1))
        .env("AWS_ACCESS_KEY_ID", ACCOUNT)
        .env("AWS_SECRET_ACCESS_KEY", "test-secret")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run posture");
    let wall = started.elapsed();
    assert!(
        inventory.exists(),
        "no inventory; exit {:?}, stderr:\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    (proxy.stats(), read_json(&inventory), wall)
}

fn rest_apis(inventory: &Value) -> Option<&Vec<Value>> {
    inventory["accounts"][0]["regional"]["us-east-1"]["apigateway"]["ok"]["rest_apis"].as_array()
}

#[test]
fn paced_scan_is_never_throttled_at_api_gateways_published_quotas() {
    let (stats, inventory, wall) = scan("0.9");
    assert_eq!(
        stats["quota_throttled"], 0,
        "throttled at the published quotas: {stats}"
    );
    let apis = rest_apis(&inventory).unwrap_or_else(|| panic!("API Gateway not collected"));
    assert_eq!(apis.len(), APIS);
    for api in apis {
        let resources = api["resources"]["ok"]
            .as_array()
            .expect("resources collected");
        assert_eq!(resources.len(), RESOURCES);
    }
    // 12 GetResources at 90 % of 5 per 2 s: the last goes 11 × 0.44 s = 4.9 s after the first.
    assert!(wall >= Duration::from_secs(4), "not paced: {wall:?}");

    // The same scan unpaced breaks the quota: the proxy does enforce it, so the assertion above
    // could fail.
    let (stats, inventory, _) = scan("off");
    assert!(
        stats["quota_throttled"].as_u64().unwrap_or(0) > 0,
        "the proxy throttled nothing: {stats}"
    );
    let failed = rest_apis(&inventory)
        .map(|apis| {
            apis.iter()
                .filter(|a| a["resources"]["failed"].is_object())
                .count()
        })
        .unwrap_or(APIS);
    assert!(
        failed > 0,
        "throttled GetResources left no trace in the inventory"
    );
}
