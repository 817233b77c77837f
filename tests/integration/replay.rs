//! Recorded-response tests: posture's own scan pipeline, with the real AWS SDK clients, against
//! HTTP responses shaped as AWS sends them today (status codes, headers, bodies and error codes
//! from the API references and the SDK service models). No network, no emulator.
//!
//! Each scenario is a data file in `tests/replay/scenarios/`; `tests/replay/README.md` documents
//! the format. A scenario lists the responses (matched by service, operation, account, region,
//! or method and path for REST services) and what the scan result must say. Every request the
//! scan makes must be answered by the scenario: an unmatched request fails the scenario.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::{Context as _, bail};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;
use chrono::{DateTime, Utc};
use serde::Deserialize;

use posture::aws::{Aws, ConnectOptions, RetryMode};
use posture::collect::ScanOptions;
use posture::config::Thresholds;
use posture::evaluate::BuildOptions;
use posture::result::ScanResult;

use crate::repo;

/// The scenarios folder.
fn scenarios_dir() -> PathBuf {
    repo().join("tests/replay/scenarios")
}

// ------------------------------------------------------------------ scenario files

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    description: String,
    /// Numbers of the real-AWS audit findings this scenario covers (tests/replay/README.md).
    #[serde(default)]
    audit_findings: Vec<u32>,
    /// Base files (relative to tests/replay/) whose responses answer what this file does not.
    #[serde(default)]
    include: Vec<String>,
    #[serde(default)]
    scan: ScanSpec,
    #[serde(default)]
    response: Vec<Recorded>,
    #[serde(default)]
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Base {
    #[serde(default)]
    response: Vec<Recorded>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
struct ScanSpec {
    org: bool,
    caller_account: String,
    home_region: String,
    regions: Vec<String>,
    role_name: String,
    checks: Vec<String>,
    trusted_accounts: Vec<String>,
    /// `--security-account` / `--log-archive-account`.
    security_account: Option<String>,
    log_archive_account: Option<String>,
    max_attempts: u32,
    accounts: Vec<String>,
    shard: Option<(u64, u64)>,
    /// `setup_error`: the scan must fail before collecting, with this text in the error.
    setup_error: Option<String>,
}

impl Default for ScanSpec {
    fn default() -> Self {
        ScanSpec {
            org: false,
            caller_account: "111111111111".into(),
            home_region: "us-east-1".into(),
            regions: Vec::new(),
            role_name: "PostureReadOnly".into(),
            checks: Vec::new(),
            trusted_accounts: Vec::new(),
            security_account: None,
            log_archive_account: None,
            max_attempts: 4,
            accounts: Vec::new(),
            shard: None,
            setup_error: None,
        }
    }
}

/// One recorded response and the requests it answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Recorded {
    when: When,
    /// How many requests it may answer (default: any number).
    times: Option<usize>,
    #[serde(default = "ok")]
    status: u16,
    #[serde(default)]
    headers: BTreeMap<String, String>,
    #[serde(default)]
    body: String,
    /// Texts inserted base64-encoded where the body says `{b64:NAME}`.
    #[serde(default)]
    base64: BTreeMap<String, String>,
}

fn ok() -> u16 {
    200
}

/// What a request must look like; every field given must match (`*` is a wildcard in the glob
/// fields; `query` and `body` are substrings).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct When {
    /// The SigV4 signing name (`iam`, `s3`, `ec2`, `organizations`, …).
    service: Option<String>,
    /// `X-Amz-Target`'s operation (JSON protocols) or `Action=` (query protocols).
    operation: Option<String>,
    /// The account whose credentials signed the request.
    account: Option<String>,
    /// The SigV4 signing region.
    region: Option<String>,
    method: Option<String>,
    host: Option<String>,
    path: Option<String>,
    query: Option<String>,
    body: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// `true`: nothing is not assessed; `false`: the result is incomplete.
    complete: Option<bool>,
    /// Exactly these accounts were scanned (sorted ids).
    accounts: Option<Vec<String>>,
    #[serde(default)]
    result: Vec<ExpectResult>,
    #[serde(default)]
    error: Vec<ExpectError>,
    #[serde(default)]
    request: Vec<ExpectRequest>,
    #[serde(default)]
    account: Vec<ExpectAccount>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectResult {
    check: String,
    account: Option<String>,
    region: Option<String>,
    resource: Option<String>,
    status: Option<String>,
    /// Substrings of the message, all required.
    #[serde(default)]
    message: Vec<String>,
    /// Substrings of the evidence (paths and values), all required.
    #[serde(default)]
    evidence: Vec<String>,
    /// Exactly this many matching results (default: at least one).
    count: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectError {
    service: Option<String>,
    operation: Option<String>,
    account: Option<String>,
    region: Option<String>,
    kind: Option<String>,
    code: Option<String>,
    message: Option<String>,
    /// Exactly this many matching collection errors (default: at least one).
    count: Option<usize>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectRequest {
    when: When,
    /// Exactly this many requests (attempts, retries included) matched.
    count: Option<usize>,
    /// At least this many.
    min: Option<usize>,
}

/// Fields of one account's summary in the result, compared as JSON (any field of
/// `accounts[]` in reports/scan-result.v1.schema.json); `absent` lists fields that must not be
/// there.
#[derive(Debug, Deserialize)]
struct ExpectAccount {
    account: String,
    #[serde(default)]
    absent: Vec<String>,
    #[serde(flatten)]
    fields: BTreeMap<String, toml::Value>,
}

// ------------------------------------------------------------------ the replaying HTTP client

/// A request as the replay matches it.
#[derive(Debug, Clone)]
struct Seen {
    service: String,
    operation: String,
    account: String,
    region: String,
    method: String,
    host: String,
    path: String,
    query: String,
    body: String,
}

impl Seen {
    fn of(req: &HttpRequest) -> Seen {
        let uri = req.uri().to_string();
        let without_scheme = uri.split_once("://").map(|(_, r)| r).unwrap_or(&uri);
        let (authority, rest) = match without_scheme.find('/') {
            Some(i) => (&without_scheme[..i], &without_scheme[i..]),
            None => (without_scheme, "/"),
        };
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let host = authority.split(':').next().unwrap_or(authority).to_string();
        let body = req
            .body()
            .bytes()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        // Authorization: AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, ...
        let auth = req.headers().get("authorization").unwrap_or_default();
        let scope: Vec<&str> = auth
            .split("Credential=")
            .nth(1)
            .and_then(|s| s.split(',').next())
            .map(|s| s.split('/').collect())
            .unwrap_or_default();
        let akid = scope.first().copied().unwrap_or_default();
        let account = account_of_key(akid).unwrap_or_default();
        let operation = match req.headers().get("x-amz-target") {
            Some(t) => t.rsplit('.').next().unwrap_or(t).to_string(),
            None => form_param(&body, "Action").unwrap_or_default(),
        };
        Seen {
            service: scope.get(3).copied().unwrap_or_default().to_string(),
            region: scope.get(2).copied().unwrap_or_default().to_string(),
            operation,
            account,
            method: req.method().to_string(),
            host,
            path: path.to_string(),
            query: query.to_string(),
            body,
        }
    }

    fn line(&self) -> String {
        format!(
            "{} {} {} {}{}{} (service {}, operation {}, account {}, region {}){}",
            self.method,
            self.host,
            "",
            self.path,
            if self.query.is_empty() { "" } else { "?" },
            self.query,
            self.service,
            if self.operation.is_empty() {
                "-"
            } else {
                &self.operation
            },
            self.account,
            self.region,
            if self.body.is_empty() || self.body.len() > 300 {
                String::new()
            } else {
                format!(" body: {}", self.body)
            }
        )
    }
}

/// Access key ids the replay hands out carry the account: `AKIA`/`ASIA` + 12 digits + `RPLY`.
fn key_for(prefix: &str, account: &str) -> String {
    format!("{prefix}{account}RPLY")
}

fn account_of_key(akid: &str) -> Option<String> {
    let digits = akid.get(4..16)?;
    digits
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| digits.to_string())
}

fn form_param(body: &str, name: &str) -> Option<String> {
    body.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| {
            percent_encoding::percent_decode_str(&v.replace('+', " "))
                .decode_utf8_lossy()
                .into_owned()
        })
    })
}

fn glob(pattern: &str, value: &str) -> bool {
    posture::policy::wildcard_match(pattern, value, false)
}

impl When {
    fn matches(&self, s: &Seen) -> bool {
        let g = |p: &Option<String>, v: &str| p.as_deref().is_none_or(|p| glob(p, v));
        let sub = |p: &Option<String>, v: &str| p.as_deref().is_none_or(|p| v.contains(p));
        g(&self.service, &s.service)
            && g(&self.operation, &s.operation)
            && g(&self.account, &s.account)
            && g(&self.region, &s.region)
            && g(&self.method, &s.method)
            && g(&self.host, &s.host)
            && g(&self.path, &s.path)
            && sub(&self.query, &s.query)
            && sub(&self.body, &s.body)
    }
}

#[derive(Debug, Default)]
struct ReplayState {
    responses: Vec<(Recorded, usize)>,
    seen: Vec<Seen>,
    unmatched: Vec<String>,
}

#[derive(Debug, Clone)]
struct Replay {
    state: Arc<Mutex<ReplayState>>,
    now: DateTime<Utc>,
}

impl Replay {
    fn new(responses: Vec<Recorded>, now: DateTime<Utc>) -> Replay {
        Replay {
            state: Arc::new(Mutex::new(ReplayState {
                responses: responses.into_iter().map(|r| (r, 0)).collect(),
                ..Default::default()
            })),
            now,
        }
    }

    fn respond(&self, req: &HttpRequest) -> Response<SdkBody> {
        let seen = Seen::of(req);
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        state.seen.push(seen.clone());
        let found = state
            .responses
            .iter_mut()
            .find(|(r, used)| r.when.matches(&seen) && r.times.is_none_or(|t| *used < t));
        let Some((rec, used)) = found else {
            state.unmatched.push(seen.line());
            // A client error the SDK does not retry: the scan goes on, the scenario fails.
            let mut resp = Response::new(
                StatusCode::try_from(400).expect("400 is a status"),
                SdkBody::from(
                    "<ErrorResponse><Error><Code>ReplayNoRecordedResponse</Code><Message>no recorded response</Message></Error></ErrorResponse>",
                ),
            );
            resp.headers_mut().insert("content-type", "text/xml");
            return resp;
        };
        *used += 1;
        let rec = rec.clone();
        drop(state);
        let vars = Vars {
            seen: &seen,
            now: self.now,
            base64: &rec.base64,
        };
        let mut resp = Response::new(
            StatusCode::try_from(rec.status).expect("scenario status codes are valid"),
            SdkBody::from(vars.fill(&rec.body)),
        );
        let json = rec.body.trim_start().starts_with('{');
        let mut headers = rec.headers.clone();
        headers
            .entry("x-amzn-requestid".into())
            .or_insert_with(|| "d8d4e6a4-3f1a-4f0b-9a53-6f0d0c7e0b11".into());
        if !headers
            .keys()
            .any(|k| k.eq_ignore_ascii_case("content-type"))
        {
            let ct = match (json, seen.service.as_str()) {
                (true, "apigateway") => "application/json",
                (true, _) => "application/x-amz-json-1.1",
                (false, _) => "text/xml",
            };
            headers.insert("content-type".into(), ct.into());
        }
        for (k, v) in headers {
            resp.headers_mut().insert(k, vars.fill(&v));
        }
        resp
    }
}

impl HttpConnector for Replay {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        HttpConnectorFuture::ready(Ok(self.respond(&request)))
    }
}

impl HttpClient for Replay {
    fn http_connector(
        &self,
        _settings: &HttpConnectorSettings,
        _components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

/// Placeholders in recorded bodies and headers: `{account}` (the signing account), `{region}`,
/// `{role_account}` (the account of an AssumeRole request's RoleArn), `{now}` / `{now-4h}` (RFC
/// 3339), `{epoch}` / `{epoch+30d}` (seconds, for JSON protocols), `{b64:NAME}`.
struct Vars<'a> {
    seen: &'a Seen,
    now: DateTime<Utc>,
    base64: &'a BTreeMap<String, String>,
}

impl Vars<'_> {
    fn fill(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let token = after.find('}').map(|close| &after[..close]);
            match token.and_then(|t| self.value(t).map(|v| (t.len(), v))) {
                Some((len, v)) => {
                    out.push_str(&v);
                    rest = &after[len + 1..];
                }
                None => {
                    out.push('{');
                    rest = after;
                }
            }
        }
        out.push_str(rest);
        out
    }

    fn value(&self, token: &str) -> Option<String> {
        if !token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_:+-.".contains(&b))
        {
            return None;
        }
        match token {
            "account" => return Some(self.seen.account.clone()),
            "region" => return Some(self.seen.region.clone()),
            "role_account" => {
                let arn = form_param(&self.seen.body, "RoleArn")?;
                return arn.split(':').nth(4).map(str::to_string);
            }
            _ => {}
        }
        if let Some(name) = token.strip_prefix("b64:") {
            let text = self.base64.get(name)?;
            return Some(aws_smithy_types::base64::encode(self.fill(text)));
        }
        for (prefix, epoch) in [("now", false), ("epoch", true)] {
            if let Some(offset) = token.strip_prefix(prefix) {
                let t = self.now + parse_offset(offset)?;
                return Some(if epoch {
                    t.timestamp().to_string()
                } else {
                    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
                });
            }
        }
        None
    }
}

/// `""`, `+30d`, `-4h`, `-10m`.
fn parse_offset(s: &str) -> Option<chrono::TimeDelta> {
    if s.is_empty() {
        return Some(chrono::TimeDelta::zero());
    }
    let (sign, rest) = match s.as_bytes()[0] {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let unit = rest.chars().last()?;
    let n: i64 = rest[..rest.len() - 1].parse().ok()?;
    let n = sign * n;
    match unit {
        'd' => chrono::TimeDelta::try_days(n),
        'h' => chrono::TimeDelta::try_hours(n),
        'm' => chrono::TimeDelta::try_minutes(n),
        _ => None,
    }
}

// ------------------------------------------------------------------ running a scenario

fn load(path: &Path) -> anyhow::Result<(Scenario, Vec<Recorded>)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("read {}", path.display()))?;
    let scenario: Scenario = toml::from_str(&text).with_context(|| path.display().to_string())?;
    let mut responses = scenario.response.clone();
    for inc in &scenario.include {
        let p = repo().join("tests/replay").join(inc);
        let text = std::fs::read_to_string(&p).with_context(|| format!("read {}", p.display()))?;
        let base: Base = toml::from_str(&text).with_context(|| p.display().to_string())?;
        responses.extend(base.response);
    }
    Ok((scenario, responses))
}

async fn run_scenario(path: &Path) -> anyhow::Result<()> {
    let (sc, responses) = load(path)?;
    let now = Utc::now();
    let replay = Replay::new(responses, now);
    let spec = &sc.scan;
    let creds = Credentials::new(
        key_for("AKIA", &spec.caller_account),
        "replay-secret-access-key",
        None,
        None,
        "replay",
    );
    let aws = Aws::load(&ConnectOptions {
        profile: None,
        region: Some(spec.home_region.clone()),
        // Paced as a real scan is (the default --api-pace).
        pace: posture::aws::pace::Pace::Fraction(posture::aws::pace::DEFAULT_FRACTION),
        max_attempts: spec.max_attempts,
        retry_mode: RetryMode::Standard,
        http_client: Some(SharedHttpClient::new(replay.clone())),
        credentials: Some(SharedCredentialsProvider::new(creds)),
    })
    .await;
    let opts = ScanOptions {
        organization: spec.org,
        role_name: spec.role_name.clone(),
        external_id: None,
        session_duration: Duration::from_secs(3600),
        accounts: spec.accounts.clone(),
        exclude_accounts: Vec::new(),
        regions: spec.regions.clone(),
        account_concurrency: 4,
        call_concurrency: 4,
        service_concurrency: BTreeMap::new(),
        region_concurrency: 4,
        progress: false,
        profile: None,
        shard: spec.shard,
    };
    let thresholds = Thresholds::default();
    let sra_accounts = posture::check::Given {
        security_tooling: spec.security_account.clone(),
        log_archive: spec.log_archive_account.clone(),
    };
    let build = BuildOptions {
        thresholds: &thresholds,
        now,
        only_checks: (!spec.checks.is_empty()).then_some(spec.checks.as_slice()),
        trusted_accounts: &spec.trusted_accounts,
        sra_accounts: &sra_accounts,
        suppressions: None,
        baseline: None,
    };
    let outcome = posture::scan::run(&aws, &opts, &build, &spec.trusted_accounts, None).await;
    let state = replay.state.lock().unwrap_or_else(|e| e.into_inner());
    let mut problems = Vec::new();
    for u in &state.unmatched {
        problems.push(format!("no recorded response for: {u}"));
    }
    match (&spec.setup_error, outcome) {
        (Some(want), Err(e)) => {
            let text = format!("{e:#}");
            if !text.contains(want.as_str()) {
                problems.push(format!("setup error {text:?} does not contain {want:?}"));
            }
        }
        (Some(want), Ok(_)) => problems.push(format!("expected a setup error with {want:?}")),
        (None, Err(e)) => problems.push(format!("the scan failed: {e:#}")),
        (None, Ok(result)) => check_expectations(&sc.expect, &result, &state.seen, &mut problems),
    }
    for r in &sc.expect.request {
        let n = state.seen.iter().filter(|s| r.when.matches(s)).count();
        if r.count.is_some_and(|c| c != n) || r.min.is_some_and(|m| n < m) {
            problems.push(format!(
                "requests matching {:?}: {n}, expected {}",
                r.when,
                r.count
                    .map(|c| format!("exactly {c}"))
                    .unwrap_or_else(|| format!("at least {}", r.min.unwrap_or(1)))
            ));
        }
    }
    if !problems.is_empty() {
        bail!(
            "{} ({}; audit findings {:?}):\n  - {}",
            path.file_name().unwrap_or_default().to_string_lossy(),
            sc.description,
            sc.audit_findings,
            problems.join("\n  - ")
        );
    }
    Ok(())
}

fn status_name(s: &impl serde::Serialize) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn check_expectations(exp: &Expect, result: &ScanResult, _seen: &[Seen], out: &mut Vec<String>) {
    let findings = match result.findings.to_vec() {
        Ok(f) => f,
        Err(e) => {
            out.push(format!("could not read the findings: {e:#}"));
            return;
        }
    };
    if let Some(want) = exp.complete
        && want == result.incomplete
    {
        let not_assessed: Vec<String> = findings
            .iter()
            .filter(|f| status_name(&f.status) == "not_assessed")
            .take(5)
            .map(|f| {
                format!(
                    "{} {} {}: {}",
                    f.check_id, f.account_id, f.resource, f.message
                )
            })
            .collect();
        let errors: Vec<String> = result
            .collection_errors
            .iter()
            .take(5)
            .map(|e| format!("{}: {}", e.account_id, e.error))
            .collect();
        out.push(format!(
            "expected complete = {want}, got incomplete = {}; errors: {errors:?}; not assessed: {not_assessed:?}",
            result.incomplete
        ));
    }
    if let Some(want) = &exp.accounts {
        let mut got: Vec<String> = result
            .accounts
            .iter()
            .map(|a| a.account_id.clone())
            .collect();
        got.sort();
        if &got != want {
            out.push(format!("scanned accounts {got:?}, expected {want:?}"));
        }
    }
    for e in &exp.result {
        let g = |p: &Option<String>, v: &str| p.as_deref().is_none_or(|p| glob(p, v));
        let matching: Vec<_> = findings
            .iter()
            .filter(|f| f.check_id == e.check)
            .filter(|f| g(&e.account, &f.account_id))
            .filter(|f| g(&e.region, f.region.as_deref().unwrap_or("")))
            .filter(|f| g(&e.resource, &f.resource))
            .collect();
        let fits = |f: &&posture::result::Finding| {
            let evidence: String = f
                .evidence
                .iter()
                .map(|ev| format!("{}={}\n", ev.path, ev.value))
                .collect();
            e.status
                .as_deref()
                .is_none_or(|s| status_name(&f.status) == s)
                && e.message.iter().all(|m| f.message.contains(m.as_str()))
                && e.evidence.iter().all(|m| evidence.contains(m.as_str()))
        };
        let n = matching.iter().filter(|f| fits(f)).count();
        let ok = match e.count {
            Some(c) => n == c,
            None => n >= 1,
        };
        if !ok {
            let got: Vec<String> = matching
                .iter()
                .take(6)
                .map(|f| {
                    format!(
                        "[{} {} {} {}: {} | evidence: {}]",
                        status_name(&f.status),
                        f.account_id,
                        f.region.as_deref().unwrap_or("-"),
                        f.resource,
                        f.message,
                        f.evidence
                            .iter()
                            .map(|ev| format!("{}={}", ev.path, ev.value))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                })
                .collect();
            out.push(format!(
                "{}: {n} result(s) fit {e:?}; results of this check there: {}",
                e.check,
                if got.is_empty() {
                    "none".to_string()
                } else {
                    got.join(" ")
                }
            ));
        }
    }
    for e in &exp.error {
        let g = |p: &Option<String>, v: &str| p.as_deref().is_none_or(|p| glob(p, v));
        let n = result
            .collection_errors
            .iter()
            .filter(|x| {
                g(&e.account, &x.account_id)
                    && g(&e.service, &x.error.service)
                    && g(&e.operation, &x.error.operation)
                    && g(&e.region, x.error.region.as_deref().unwrap_or(""))
                    && g(&e.kind, &status_name(&x.error.kind))
                    && g(&e.code, x.error.code.as_deref().unwrap_or(""))
                    && e.message
                        .as_deref()
                        .is_none_or(|m| x.error.message.contains(m))
            })
            .count();
        let ok = match e.count {
            Some(c) => n == c,
            None => n >= 1,
        };
        if !ok {
            let all: Vec<String> = result
                .collection_errors
                .iter()
                .take(8)
                .map(|x| {
                    format!(
                        "{}: {} [{}]",
                        x.account_id,
                        x.error,
                        status_name(&x.error.kind)
                    )
                })
                .collect();
            out.push(format!(
                "{n} collection error(s) fit {e:?}; errors: {all:?}"
            ));
        }
    }
    for a in &exp.account {
        let Some(summary) = result.accounts.iter().find(|s| s.account_id == a.account) else {
            out.push(format!("account {} is not in the result", a.account));
            continue;
        };
        let json = serde_json::to_value(summary).unwrap_or_default();
        for field in &a.absent {
            if let Some(v) = json.get(field) {
                out.push(format!(
                    "account {}: {field} is {v}, expected absent",
                    a.account
                ));
            }
        }
        for (field, want) in &a.fields {
            let want = serde_json::to_value(want).unwrap_or_default();
            let got = json.get(field).cloned().unwrap_or(serde_json::Value::Null);
            if got != want {
                out.push(format!(
                    "account {}: {field} is {got}, expected {want}",
                    a.account
                ));
            }
        }
    }
}

fn scenario_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(scenarios_dir())
        .expect("tests/replay/scenarios exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
}

/// Every scenario, each on its own runtime; all failures are reported together.
/// `POSTURE_REPLAY=name` runs only scenarios whose file name contains `name`.
#[test]
fn recorded_aws_responses() {
    let only = std::env::var("POSTURE_REPLAY").ok();
    let files: Vec<PathBuf> = scenario_files()
        .into_iter()
        .filter(|p| {
            only.as_deref()
                .is_none_or(|o| p.to_string_lossy().contains(o))
        })
        .collect();
    assert!(!files.is_empty(), "no scenario in tests/replay/scenarios");
    let mut failures = Vec::new();
    for f in &files {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("tokio runtime");
        if let Err(e) = rt.block_on(run_scenario(f)) {
            failures.push(format!("{e:#}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} replay scenarios failed:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

#[test]
fn placeholders_and_matching() {
    let seen = Seen {
        service: "sts".into(),
        operation: "AssumeRole".into(),
        account: "111111111111".into(),
        region: "us-east-1".into(),
        method: "POST".into(),
        host: "sts.us-east-1.amazonaws.com".into(),
        path: "/".into(),
        query: String::new(),
        body: "Action=AssumeRole&RoleArn=arn%3Aaws%3Aiam%3A%3A222222222222%3Arole%2FR&Version=2011-06-15"
            .into(),
    };
    let b64: BTreeMap<String, String> = [("r".to_string(), "a,{account}".to_string())].into();
    let now = DateTime::parse_from_rfc3339("2026-11-30T10:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let v = Vars {
        seen: &seen,
        now,
        base64: &b64,
    };
    assert_eq!(
        v.fill(r#"{"A":"{account}","B":"{role_account}","T":"{now-4h}","E":{epoch+1d},"C":"{b64:r}","X":"{unknown}"}"#),
        r#"{"A":"111111111111","B":"222222222222","T":"2026-11-30T06:00:00Z","E":1796119200,"C":"YSwxMTExMTExMTExMTE=","X":"{unknown}"}"#
    );
    let when = When {
        service: Some("sts".into()),
        operation: Some("Assume*".into()),
        body: Some("222222222222".into()),
        ..Default::default()
    };
    assert!(when.matches(&seen));
    let other = When {
        region: Some("eu-*".into()),
        ..Default::default()
    };
    assert!(!other.matches(&seen));
    assert_eq!(
        account_of_key(&key_for("ASIA", "222222222222")).as_deref(),
        Some("222222222222")
    );
    assert_eq!(account_of_key("ASIAXXXXXXXXXXXXXXXX"), None);
}

/// Audit findings whose proof is not a replay scenario (it lies below the replayed HTTP client,
/// or in the policy engine), with the test that proves each: (finding, file, name in it).
const PROVED_ELSEWHERE: &[(u32, &str, &str)] = &[
    // The principal forms are policy semantics: corpus cases through the engine.
    (
        3,
        "tests/policy-corpus.toml",
        "name = \"f3-cloudfront-oai-read\"",
    ),
    (
        3,
        "tests/policy-corpus.toml",
        "name = \"f3-deleted-role-unique-id\"",
    ),
    // A proxy sits below the HTTP client the replay replaces: a real CONNECT proxy instead.
    (
        5,
        "tests/integration/network.rs",
        "fn https_proxy_is_used_and_no_proxy_is_honoured",
    ),
    (
        6,
        "src/deliver.rs",
        "fn the_bucket_region_comes_from_head_bucket_whatever_the_status",
    ),
    (
        23,
        "tests/integration/network.rs",
        "fn profiles_written_by_aws_login_load",
    ),
    (
        25,
        "src/aws/mod.rs",
        "fn role_chaining_caps_the_session_at_one_hour",
    ),
];

/// Every finding of the real-AWS audit (25) is proved by a scenario or a named test.
#[test]
fn every_audit_finding_has_a_test() {
    let mut covered = std::collections::BTreeSet::new();
    for f in scenario_files() {
        let (sc, _) = load(&f).unwrap_or_else(|e| panic!("{e:#}"));
        assert!(
            sc.audit_findings.iter().all(|n| (1..=25).contains(n)),
            "{}: audit findings are numbered 1 to 25",
            f.display()
        );
        covered.extend(sc.audit_findings);
    }
    for (n, file, needle) in PROVED_ELSEWHERE {
        let text = std::fs::read_to_string(repo().join(file)).expect("the proving file exists");
        assert!(
            text.contains(needle),
            "{file} no longer has {needle} (finding {n})"
        );
        covered.insert(*n);
    }
    let missing: Vec<u32> = (1..=25).filter(|n| !covered.contains(n)).collect();
    assert!(
        missing.is_empty(),
        "audit findings without a test: {missing:?}"
    );
}
