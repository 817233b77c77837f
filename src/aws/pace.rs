//! Client-side pacing at AWS's published control-plane quotas, so that a scan is not throttled
//! in the first place.
//!
//! AWS publishes fixed request quotas per account and Region for some control planes (API
//! Gateway: GetResources 5 requests every 2 seconds, every operation 10 per second with a burst
//! of 40; EC2: a token bucket per API; ACM: requests per second per operation). The table is
//! `quotas.toml` next to this file, with the source of every figure; the fault proxy
//! (`tests/faultproxy.py --quotas`) enforces the same table.
//!
//! How: every SDK client that `Aws` builds for a paced service carries a [`PaceTag`] interceptor
//! that labels each HTTP attempt with (account, Region, service, operation), taken from how the
//! client was built and from the operation's metadata, not guessed from the request. The one
//! HTTP client of `Aws::load` is wrapped in a [`PacedClient`], whose connector reserves a send
//! time for the labelled request in every quota that applies (a virtual-scheduling token bucket
//! per (account, Region, quota[, operation])) and waits until then before sending. It sits below
//! the SDK's retry loop, so retries are paced too, and it cannot be bypassed by a collector.
//!
//! Why there and not in the collectors: a pacing call in each collector would miss the SDK's own
//! retries and every call a new collector forgets to wrap; the connector sees every attempt.
//!
//! Margin: calls are paced at a fraction of the quota (`--api-pace`, default 0.9), leaving the
//! rest to other callers of the same account (the console, pipelines) and to arrival jitter.
//! Where AWS states a burst, the client's burst is the same fraction of it; where AWS states
//! only "N requests every P seconds", posture spreads the requests evenly (no burst), which also
//! satisfies a sliding-window reading of the quota.
//!
//! Limits: pacing is per posture process; parallel `--shard` processes share AWS's quota
//! without knowing of each other (give each a smaller `--api-pace`). A wait counts against the
//! SDK's per-attempt timeout (60 s); with `--call-concurrency` callers per account and service,
//! the longest queue is a few seconds.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient,
    SharedHttpConnector,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextMut;
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, Metadata};
use aws_smithy_runtime_api::client::runtime_components::{
    RuntimeComponents, RuntimeComponentsBuilder,
};
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::config_bag::ConfigBag;
use serde::Deserialize;
use tokio::time::Instant;

/// How fast posture may call a paced API: off, or a fraction of AWS's published quota.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum Pace {
    /// No client-side pacing: calls go out as fast as the concurrency limits allow.
    #[default]
    Off,
    /// This fraction (0 < f <= 1) of every published quota.
    Fraction(f64),
}

/// The default of `--api-pace`: 90 % of each quota.
pub const DEFAULT_FRACTION: f64 = 0.9;

/// A value of `--api-pace` that is neither `off` nor a fraction in (0, 1]; clap shows it under
/// the flag's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is neither `off` nor a fraction of AWS's published quotas in (0, 1], e.g. 0.9")]
pub struct BadPace(pub String);

/// Parses `--api-pace`: `off`, or a fraction in (0, 1].
pub fn parse_pace(s: &str) -> Result<Pace, BadPace> {
    if s.eq_ignore_ascii_case("off") {
        return Ok(Pace::Off);
    }
    match s.parse::<f64>() {
        Ok(f) if f > 0.0 && f <= 1.0 => Ok(Pace::Fraction(f)),
        _ => Err(BadPace(s.to_string())),
    }
}

/// One published quota (an entry of `quotas.toml`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Quota {
    pub service: String,
    #[serde(default)]
    pub operations: Vec<String>,
    #[serde(default)]
    pub prefixes: Vec<String>,
    #[serde(default)]
    pub all: bool,
    pub bucket: BucketScope,
    pub group: String,
    pub requests: u32,
    pub per_seconds: f64,
    /// The token bucket's capacity, when AWS states one.
    pub burst: Option<u32>,
    pub source: String,
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BucketScope {
    /// Each operation has its own allowance at this rate.
    Operation,
    /// One allowance for every operation the entry matches.
    Shared,
}

impl Quota {
    fn matches(&self, service: &str, operation: &str) -> bool {
        self.service == service
            && (self.all
                || self.operations.iter().any(|o| o == operation)
                || self
                    .prefixes
                    .iter()
                    .any(|p| operation.starts_with(p.as_str())))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct QuotaFile {
    quota: Vec<Quota>,
}

/// The published quotas, from `quotas.toml` (embedded at build time; a unit test checks it).
pub fn quotas() -> &'static [Quota] {
    static QUOTAS: OnceLock<Vec<Quota>> = OnceLock::new();
    QUOTAS.get_or_init(|| {
        toml::from_str::<QuotaFile>(include_str!("quotas.toml"))
            .map(|f| f.quota)
            .unwrap_or_else(|e| panic!("src/aws/quotas.toml (embedded) does not parse: {e}"))
    })
}

/// The quotas that apply to one call: the first matching entry of each group.
fn applicable(service: &str, operation: &str) -> Vec<usize> {
    let mut groups: Vec<&str> = Vec::new();
    let mut out = Vec::new();
    for (i, q) in quotas().iter().enumerate() {
        if !groups.contains(&q.group.as_str()) && q.matches(service, operation) {
            groups.push(&q.group);
            out.push(i);
        }
    }
    out
}

/// What a request is, for pacing: set on each HTTP attempt by the [`Tagger`] interceptor of
/// the client that sends it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaceTag {
    pub account: Arc<str>,
    pub region: Arc<str>,
    pub service: &'static str,
    pub operation: Arc<str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct BucketKey {
    account: Arc<str>,
    region: Arc<str>,
    quota: usize,
    /// The operation, for per-operation buckets.
    operation: Option<Arc<str>>,
}

/// Send-time reservations for every (account, Region, quota) bucket of one posture process.
///
/// Each bucket is a token bucket of capacity `burst` refilled at `rate`, kept in the form of
/// the generic cell rate algorithm: `tat`, the theoretical arrival time of the next request; a
/// request may go at `tat - (burst - 1) / rate` at the earliest, and moves `tat` on by
/// `1 / rate`. A call that several quotas govern goes at the latest of their earliest times,
/// and is booked in all of them at that time. Reservations are made in arrival order (FIFO).
#[derive(Debug)]
pub struct Pacer {
    fraction: Option<f64>,
    tat: Mutex<HashMap<BucketKey, Instant>>,
}

impl Pacer {
    pub fn new(pace: Pace) -> Pacer {
        Pacer {
            fraction: match pace {
                Pace::Off => None,
                Pace::Fraction(f) => Some(f),
            },
            tat: Mutex::new(HashMap::new()),
        }
    }

    /// (emission interval, burst tolerance) of a quota at this pacer's fraction.
    fn params(fraction: f64, q: &Quota) -> (Duration, Duration) {
        let rate = f64::from(q.requests.max(1)) / q.per_seconds.max(1e-3) * fraction;
        let interval = Duration::from_secs_f64(1.0 / rate);
        let burst = match q.burst {
            // A stated bucket: the same fraction of its capacity, at least one request.
            Some(b) => ((f64::from(b) * fraction).floor() as u32).max(1),
            // "N requests every P seconds": evenly spread, no burst.
            None => 1,
        };
        (interval, interval * (burst - 1))
    }

    /// Books the call and returns when it may be sent, or `None` if it may go at once (no
    /// quota applies, pacing is off, or the buckets have room).
    pub fn reserve(&self, tag: &PaceTag, now: Instant) -> Option<Instant> {
        let fraction = self.fraction?;
        let rules = applicable(tag.service, &tag.operation);
        if rules.is_empty() {
            return None;
        }
        let all = quotas();
        let keys: Vec<(BucketKey, Duration, Duration)> = rules
            .into_iter()
            .map(|i| {
                let q = &all[i];
                let (interval, tolerance) = Self::params(fraction, q);
                let key = BucketKey {
                    account: tag.account.clone(),
                    region: tag.region.clone(),
                    quota: i,
                    operation: (q.bucket == BucketScope::Operation).then(|| tag.operation.clone()),
                };
                (key, interval, tolerance)
            })
            .collect();
        let Ok(mut tat) = self.tat.lock() else {
            // A panic elsewhere poisoned the lock: send unpaced rather than never.
            return None;
        };
        let mut at = now;
        for (key, _, tolerance) in &keys {
            if let Some(t) = tat.get(key)
                && let Some(earliest) = t.checked_sub(*tolerance)
            {
                at = at.max(earliest);
            }
        }
        for (key, interval, _) in keys {
            let t = tat.get(&key).copied().unwrap_or(at).max(at);
            tat.insert(key, t + interval);
        }
        // A bucket whose `tat` has passed is full again, the same as no entry: drop those now
        // and then so that a long organization scan does not keep one per (account, Region).
        if tat.len() > 4096 {
            tat.retain(|_, t| *t > now);
        }
        (at > now).then_some(at)
    }
}

/// The interceptor that labels every HTTP attempt of one client with its account, Region,
/// service and operation, for the [`PacedClient`] below it.
#[derive(Debug, Clone)]
pub struct Tagger {
    pub account: Arc<str>,
    pub region: Arc<str>,
    pub service: &'static str,
}

impl Intercept for Tagger {
    fn name(&self) -> &'static str {
        "posture-pace-tag"
    }

    fn modify_before_transmit(
        &self,
        ctx: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(m) = cfg.load::<Metadata>() {
            ctx.request_mut().add_extension(PaceTag {
                account: self.account.clone(),
                region: self.region.clone(),
                service: self.service,
                operation: Arc::from(m.name()),
            });
        }
        Ok(())
    }
}

/// An HTTP client that waits for the [`Pacer`] before each labelled request.
#[derive(Debug, Clone)]
pub struct PacedClient {
    inner: SharedHttpClient,
    pacer: Arc<Pacer>,
}

impl PacedClient {
    /// Wraps `inner`; requests without a [`PaceTag`] pass through unchanged.
    pub fn wrap(inner: impl HttpClient + 'static, pacer: Arc<Pacer>) -> SharedHttpClient {
        SharedHttpClient::new(PacedClient {
            inner: inner.into_shared(),
            pacer,
        })
    }
}

impl HttpClient for PacedClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(PacedConnector {
            inner: self.inner.http_connector(settings, components),
            pacer: self.pacer.clone(),
        })
    }

    fn validate_base_client_config(
        &self,
        runtime_components: &RuntimeComponentsBuilder,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner
            .validate_base_client_config(runtime_components, cfg)
    }

    fn validate_final_config(
        &self,
        runtime_components: &RuntimeComponents,
        cfg: &ConfigBag,
    ) -> Result<(), BoxError> {
        self.inner.validate_final_config(runtime_components, cfg)
    }

    fn connector_metadata(
        &self,
    ) -> Option<aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata> {
        self.inner.connector_metadata()
    }
}

#[derive(Debug)]
struct PacedConnector {
    inner: SharedHttpConnector,
    pacer: Arc<Pacer>,
}

impl HttpConnector for PacedConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let at = request
            .extension::<PaceTag>()
            .and_then(|tag| self.pacer.reserve(tag, Instant::now()));
        match at {
            None => self.inner.call(request),
            Some(at) => {
                let inner = self.inner.clone();
                HttpConnectorFuture::new(async move {
                    tokio::time::sleep_until(at).await;
                    inner.call(request).await
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
    use aws_smithy_types::body::SdkBody;

    fn tag(account: &str, region: &str, service: &'static str, op: &str) -> PaceTag {
        PaceTag {
            account: Arc::from(account),
            region: Arc::from(region),
            service,
            operation: Arc::from(op),
        }
    }

    #[test]
    fn the_quota_table_parses_and_cites_a_source_for_every_figure() {
        let q = quotas();
        assert!(q.len() >= 5);
        for e in q {
            assert!(
                e.source.starts_with("https://docs.aws.amazon.com/"),
                "{e:?}"
            );
            assert!(!e.text.is_empty() && e.requests > 0 && e.per_seconds > 0.0);
            assert!(
                e.all || !e.operations.is_empty() || !e.prefixes.is_empty(),
                "{e:?} matches nothing"
            );
        }
        let gr: Vec<&Quota> = applicable("apigateway", "GetResources")
            .into_iter()
            .map(|i| &q[i])
            .collect();
        assert_eq!(
            gr.len(),
            2,
            "GetResources: its own quota and the account's total"
        );
        assert_eq!(
            (gr[0].requests, gr[0].per_seconds, gr[0].burst),
            (5, 2.0, None)
        );
        assert_eq!((gr[1].requests, gr[1].burst), (10, Some(40)));
        // The unfiltered subset wins over the general non-mutating category, never both.
        let di = applicable("ec2", "DescribeInstances");
        assert_eq!(di.len(), 1);
        assert_eq!(q[di[0]].burst, Some(50));
        assert_eq!(q[applicable("ec2", "DescribeVpcs")[0]].burst, Some(100));
        assert!(applicable("iam", "ListUsers").is_empty());
        assert!(applicable("s3", "GetBucketPolicy").is_empty());
    }

    #[test]
    fn parse_pace_accepts_off_and_fractions_only() {
        assert_eq!(parse_pace("off"), Ok(Pace::Off));
        assert_eq!(parse_pace("0.5"), Ok(Pace::Fraction(0.5)));
        assert_eq!(parse_pace("1"), Ok(Pace::Fraction(1.0)));
        for bad in ["0", "-1", "1.5", "fast", "NaN"] {
            assert!(parse_pace(bad).is_err(), "{bad}");
        }
    }

    /// An exact model of the server side of the table: a token bucket where AWS states a burst,
    /// at most N requests in any window of P seconds where it does not. Returns the first
    /// request (index) the quotas would throttle.
    fn first_throttled(calls: &[(PaceTag, Instant)]) -> Option<usize> {
        let q = quotas();
        let mut sent: HashMap<BucketKey, Vec<Instant>> = HashMap::new();
        for (n, (tag, at)) in calls.iter().enumerate() {
            for i in applicable(tag.service, &tag.operation) {
                let e = &q[i];
                let key = BucketKey {
                    account: tag.account.clone(),
                    region: tag.region.clone(),
                    quota: i,
                    operation: (e.bucket == BucketScope::Operation).then(|| tag.operation.clone()),
                };
                let times = sent.entry(key).or_default();
                let ok = match e.burst {
                    None => {
                        let window = Duration::from_secs_f64(e.per_seconds);
                        times.iter().filter(|t| *at < **t + window).count() < e.requests as usize
                    }
                    Some(cap) => {
                        // Replay the bucket from full.
                        let rate = f64::from(e.requests) / e.per_seconds;
                        let mut tokens = f64::from(cap);
                        let mut last: Option<Instant> = None;
                        for t in times.iter().chain(std::iter::once(at)) {
                            if let Some(l) = last {
                                tokens =
                                    (tokens + (*t - l).as_secs_f64() * rate).min(f64::from(cap));
                            }
                            last = Some(*t);
                            tokens -= 1.0;
                        }
                        tokens >= -1e-9
                    }
                };
                if !ok {
                    return Some(n);
                }
                times.push(*at);
            }
        }
        None
    }

    #[derive(Debug, Clone, Default)]
    struct Recorder(Arc<Mutex<Vec<(PaceTag, Instant)>>>);

    impl HttpConnector for Recorder {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            if let (Some(tag), Ok(mut log)) = (request.extension::<PaceTag>(), self.0.lock()) {
                log.push((tag.clone(), Instant::now()));
            }
            HttpConnectorFuture::ready(Ok(HttpResponse::new(
                200.try_into().expect("200 is a status"),
                SdkBody::empty(),
            )))
        }
    }

    /// When each call reaches the wire if all are issued at the same instant: the connector
    /// reserves at call time and sleeps until the reserved instant, so the schedule is exactly
    /// what `reserve` returns (computed here without sleeping, so the tests are deterministic).
    fn send_all(pace: Pace, tags: Vec<PaceTag>) -> (Instant, Vec<(PaceTag, Instant)>) {
        let pacer = Pacer::new(pace);
        let start = Instant::now();
        let log = tags
            .into_iter()
            .map(|t| {
                let at = pacer.reserve(&t, start).unwrap_or(start);
                (t, at)
            })
            .collect();
        (start, log)
    }

    #[tokio::test]
    async fn the_connector_waits_for_the_reserved_instant() {
        let rec = Recorder::default();
        let conn = PacedConnector {
            inner: SharedHttpConnector::new(rec.clone()),
            pacer: Arc::new(Pacer::new(Pace::Fraction(1.0))),
        };
        let t = tag("111122223333", "us-east-1", "apigateway", "GetResources");
        let start = Instant::now();
        let calls = (0..3).map(|_| {
            let mut r =
                HttpRequest::get("https://apigateway.us-east-1.amazonaws.com/restapis/a/resources")
                    .expect("a valid URI");
            r.add_extension(t.clone());
            conn.call(r)
        });
        for r in futures::future::join_all(calls).await {
            assert!(r.is_ok());
        }
        // An untagged request is not delayed by the two bookings ahead of it.
        let before = Instant::now();
        let untagged = HttpRequest::get("https://apigateway.us-east-1.amazonaws.com/restapis")
            .expect("a valid URI");
        assert!(conn.call(untagged).await.is_ok());
        assert!(before.elapsed() < Duration::from_millis(100));
        let log = rec.0.lock().expect("not poisoned").clone();
        assert_eq!(log.len(), 3);
        // 5 per 2 s at the full quota: 0, 0.4 and 0.8 s.
        assert!(log[0].1 - start < Duration::from_millis(100));
        assert!(
            log[2].1 - start >= Duration::from_millis(800),
            "{:?}",
            log[2].1 - start
        );
    }

    #[test]
    fn get_resources_is_spread_to_its_quota_and_never_throttled() {
        let tags: Vec<PaceTag> = (0..20)
            .map(|_| tag("111122223333", "us-east-1", "apigateway", "GetResources"))
            .collect();
        let (start, log) = send_all(Pace::Fraction(0.9), tags);
        assert_eq!(log.len(), 20);
        assert_eq!(first_throttled(&log), None);
        // 5 per 2 s at 90 %: one every 2 / (5 * 0.9) s, the first at once.
        let gap = Duration::from_secs_f64(2.0 / 4.5);
        for (n, (_, at)) in log.iter().enumerate() {
            let want = gap * n as u32;
            let got = *at - start;
            assert!(
                got.abs_diff(want) < Duration::from_micros(10),
                "call {n} at {got:?}, expected {want:?}"
            );
        }
    }

    #[test]
    fn at_the_full_quota_a_sliding_window_of_two_seconds_holds_five() {
        let tags: Vec<PaceTag> = (0..16)
            .map(|_| tag("111122223333", "eu-west-1", "apigateway", "GetResources"))
            .collect();
        let (_, log) = send_all(Pace::Fraction(1.0), tags);
        assert_eq!(first_throttled(&log), None);
    }

    #[test]
    fn unpaced_the_same_calls_are_throttled_by_the_model() {
        // The model is not vacuous: without pacing the sixth GetResources breaks the quota.
        let tags: Vec<PaceTag> = (0..16)
            .map(|_| tag("111122223333", "eu-west-1", "apigateway", "GetResources"))
            .collect();
        let (_, log) = send_all(Pace::Off, tags);
        assert_eq!(first_throttled(&log), Some(5));
    }

    #[test]
    fn regions_and_accounts_have_their_own_buckets() {
        let mut tags = Vec::new();
        for account in ["111122223333", "444455556666"] {
            for region in ["us-east-1", "eu-west-1", "ap-southeast-2"] {
                for _ in 0..3 {
                    tags.push(tag(account, region, "apigateway", "GetResources"));
                }
            }
        }
        let (start, log) = send_all(Pace::Fraction(0.9), tags);
        assert_eq!(first_throttled(&log), None);
        // Three calls per (account, Region): the last leaves after two gaps, not after 17.
        let last = log
            .iter()
            .map(|(_, at)| *at - start)
            .max()
            .unwrap_or_default();
        assert!(last < Duration::from_secs(1), "{last:?}");
    }

    #[test]
    fn a_mixed_api_gateway_scan_respects_both_quotas() {
        // 60 APIs' worth of calls in one account and Region: GetResources, GetAuthorizers and
        // GetStages for each, all issued at once: the account total (10/s, burst 40) binds too.
        let mut tags = Vec::new();
        for _ in 0..60 {
            for op in ["GetResources", "GetAuthorizers", "GetStages"] {
                tags.push(tag("111122223333", "us-east-1", "apigateway", op));
            }
        }
        let (_, log) = send_all(Pace::Fraction(0.9), tags.clone());
        assert_eq!(log.len(), 180);
        assert_eq!(first_throttled(&log), None);
        let (_, unpaced) = send_all(Pace::Off, tags);
        assert!(first_throttled(&unpaced).is_some());
    }

    #[test]
    fn lambda_get_policy_and_the_other_control_plane_calls_have_separate_allowances() {
        // 40 functions: ListFunctionUrlConfigs and GetPolicy for each, plus the listing pages,
        // all issued at once. GetPolicy has its own 15/s; the rest share 15/s.
        let mut tags = vec![tag("111122223333", "us-east-1", "lambda", "ListFunctions"); 4];
        for _ in 0..40 {
            tags.push(tag("111122223333", "us-east-1", "lambda", "GetPolicy"));
            tags.push(tag(
                "111122223333",
                "us-east-1",
                "lambda",
                "ListFunctionUrlConfigs",
            ));
        }
        let (start, log) = send_all(Pace::Fraction(0.9), tags.clone());
        assert_eq!(first_throttled(&log), None);
        // 44 shared calls at 13.5/s take about 3.2 s; the 40 GetPolicy calls finish sooner.
        let last = |op: &str| {
            log.iter()
                .filter(|(t, _)| &*t.operation == op)
                .map(|(_, at)| *at - start)
                .max()
                .unwrap_or_default()
        };
        assert!(last("ListFunctionUrlConfigs") > Duration::from_secs(3));
        assert!(last("GetPolicy") < last("ListFunctionUrlConfigs"));
        let (_, unpaced) = send_all(Pace::Off, tags);
        assert!(first_throttled(&unpaced).is_some());
    }

    #[test]
    fn ec2_uses_its_per_api_buckets_with_their_burst() {
        let mut tags = Vec::new();
        for _ in 0..150 {
            tags.push(tag(
                "111122223333",
                "us-east-1",
                "ec2",
                "DescribeLaunchTemplateVersions",
            ));
            tags.push(tag("111122223333", "us-east-1", "ec2", "DescribeInstances"));
        }
        let (start, log) = send_all(Pace::Fraction(0.9), tags);
        assert_eq!(first_throttled(&log), None);
        let at = |op: &str, n: usize| {
            log.iter()
                .filter(|(t, _)| &*t.operation == op)
                .nth(n)
                .map(|(_, at)| *at - start)
                .unwrap_or_default()
        };
        // 90 of the 100-token bucket at once, then 18 per second.
        assert_eq!(at("DescribeLaunchTemplateVersions", 89), Duration::ZERO);
        assert!(at("DescribeLaunchTemplateVersions", 90) > Duration::ZERO);
        // The unfiltered subset: 45 of 50 at once, then 9 per second.
        assert_eq!(at("DescribeInstances", 44), Duration::ZERO);
        assert!(at("DescribeInstances", 45) > Duration::from_millis(100));
    }

    #[test]
    fn calls_without_a_published_quota_or_with_pacing_off_are_not_delayed() {
        let mut tags = Vec::new();
        for _ in 0..50 {
            tags.push(tag("111122223333", "global", "iam", "ListUsers"));
        }
        let (start, log) = send_all(Pace::Fraction(0.9), tags);
        assert!(log.iter().all(|(_, at)| *at == start));
        let tags = (0..50)
            .map(|_| tag("111122223333", "us-east-1", "apigateway", "GetResources"))
            .collect();
        let (start, log) = send_all(Pace::Off, tags);
        assert!(log.iter().all(|(_, at)| *at == start));
    }

    #[test]
    fn a_full_bucket_sends_at_once_and_books_in_arrival_order() {
        let pacer = Pacer::new(Pace::Fraction(1.0));
        let now = Instant::now();
        let t = tag("111122223333", "us-east-1", "apigateway", "GetResources");
        let waits: Vec<Option<Instant>> = (0..3).map(|_| pacer.reserve(&t, now)).collect();
        assert_eq!(waits[0], None);
        assert_eq!(waits[1], Some(now + Duration::from_millis(400)));
        assert_eq!(waits[2], Some(now + Duration::from_millis(800)));
        // Once the reservations have passed, the bucket is full again.
        assert_eq!(pacer.reserve(&t, now + Duration::from_secs(10)), None);
    }
}
