//! AWS SDK configuration: the credentials chain, regions, endpoint overrides, retries, and the
//! one shared HTTP client. This is the only module that builds SDK clients.

mod errors;
#[cfg(test)]
pub(crate) mod fake;
pub mod pace;
pub mod partition;
pub mod permissions;
mod resolver;
mod retry;
pub mod stats;

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_http_client::proxy::ProxyConfig;
use aws_smithy_http_client::tls;
use aws_smithy_runtime::client::retries::RetryPartition;
use aws_smithy_runtime_api::client::http::SharedHttpClient;

pub use errors::{SetupError, classify, collection_error};

/// Region used for global services (IAM, Organizations, STS) and region discovery when none is
/// configured.
pub const DEFAULT_HOME_REGION: &str = "us-east-1";

/// The session name posture gives to every role it assumes, so CloudTrail shows who read.
pub const SESSION_NAME: &str = "posture-scan";

#[derive(Debug, Clone, Default)]
pub struct ConnectOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    /// Client-side pacing at AWS's published control-plane quotas (see `pace`).
    pub pace: pace::Pace,
    /// Maximum attempts per call, including the first (throttling and transient errors).
    pub max_attempts: u32,
    pub retry_mode: RetryMode,
    /// Replaces the HTTPS client (recorded-response tests); `None` in normal use.
    pub http_client: Option<SharedHttpClient>,
    /// Replaces the credentials chain (recorded-response tests); `None` in normal use.
    pub credentials: Option<SharedCredentialsProvider>,
}

/// How retries pace themselves.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum RetryMode {
    #[default]
    /// Exponential backoff with jitter, plus a client-side send rate per account and service
    /// that drops when AWS throttles and recovers as calls succeed (the SDK's adaptive mode).
    Adaptive,
    /// Exponential backoff with jitter only.
    Standard,
}

/// A client of a regional service, built the same way for every service: the account's
/// configuration in one Region, a retry partition per account, service and Region, call
/// counting, the pacing tag (`$tag` names the service in `quotas.toml`), and NotImplemented
/// answers final rather than retried.
macro_rules! regional_client {
    ($(#[$doc:meta])* $name:ident, $krate:ident, $tag:literal) => {
        $(#[$doc])*
        pub fn $name(&self, conf: &SdkConfig, account: &str, region: &str) -> $krate::Client {
            let c = $krate::config::Builder::from(conf)
                .region(Region::new(region.to_string()))
                .retry_partition(Self::partition($tag, account, Some(region)))
                .interceptor(self.counter())
                .interceptor(self.pace_tag($tag, account, region))
                .retry_classifier(retry::NotImplementedIsFinal)
                .build();
            $krate::Client::from_conf(c)
        }
    };
}

/// The caller's SDK configuration and what every per-account configuration derives from.
#[derive(Clone, Debug)]
pub struct Aws {
    pub base: SdkConfig,
    pub home_region: String,
    /// Path-style S3 addressing, needed by endpoint overrides such as emulators.
    s3_path_style: bool,
    /// Every API call of every client built here.
    pub stats: std::sync::Arc<stats::CallStats>,
}

/// The scanner's identity, from sts:GetCallerIdentity.
#[derive(Debug, Clone)]
pub struct Identity {
    pub account_id: String,
    pub arn: String,
}

impl Aws {
    /// Load the standard AWS configuration chain (environment, profile, SSO, web identity,
    /// container, instance metadata) and honour `AWS_ENDPOINT_URL[_<SERVICE>]`.
    pub async fn load(opts: &ConnectOptions) -> Aws {
        // The SDK's default client honours HTTPS_PROXY / HTTP_PROXY / NO_PROXY; a client built by
        // hand must ask for it, or no call works behind an egress proxy.
        // (This is how the SDK builds its own default client, plus the loopback resolver.)
        let http = opts.http_client.clone().unwrap_or_else(|| {
            aws_smithy_http_client::Builder::new().build_with_connector_fn(
                |settings, components| {
                    let mut b = aws_smithy_http_client::Connector::builder()
                        .tls_provider(tls::Provider::Rustls(
                            tls::rustls_provider::CryptoMode::AwsLc,
                        ))
                        .proxy_config(ProxyConfig::from_env());
                    b.set_connector_settings(settings.cloned());
                    if let Some(c) = components {
                        b.set_sleep_impl(c.sleep_impl());
                    }
                    b.build_with_resolver(resolver::LoopbackAwareResolver)
                },
            )
        });
        // Each client gets a retry partition per (service, account[, Region]) (see
        // `partition`), so the retry token bucket and, in adaptive mode, the client rate limiter
        // are per account, service and Region: one throttled account or Region slows only itself.
        let retry = match opts.retry_mode {
            RetryMode::Adaptive => RetryConfig::adaptive(),
            RetryMode::Standard => RetryConfig::standard(),
        }
        .with_max_attempts(opts.max_attempts.max(1))
        .with_initial_backoff(Duration::from_millis(200))
        .with_max_backoff(Duration::from_secs(20));
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(10))
            .operation_attempt_timeout(Duration::from_secs(60))
            .build();
        let http = pace::PacedClient::wrap(http, std::sync::Arc::new(pace::Pacer::new(opts.pace)));
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .http_client(http)
            .retry_config(retry)
            .timeout_config(timeouts);
        if let Some(p) = &opts.profile {
            loader = loader.profile_name(p);
        }
        if let Some(r) = &opts.region {
            loader = loader.region(Region::new(r.clone()));
        }
        if let Some(c) = &opts.credentials {
            loader = loader.credentials_provider(c.clone());
        }
        let mut base = loader.load().await;
        let home_region = base
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| DEFAULT_HOME_REGION.to_string());
        if base.region().is_none() {
            base = base
                .to_builder()
                .region(Region::new(home_region.clone()))
                .build();
        }
        let s3_path_style = base.endpoint_url().is_some()
            || std::env::var_os("AWS_ENDPOINT_URL_S3").is_some()
            || std::env::var_os("AWS_ENDPOINT_URL").is_some();
        Aws {
            base,
            home_region,
            s3_path_style,
            stats: Default::default(),
        }
    }

    /// An `Aws` over a given configuration (collector tests against [`fake::FakeAws`]).
    #[cfg(test)]
    pub(crate) fn for_tests(base: SdkConfig) -> Aws {
        let home_region = base
            .region()
            .map(|r| r.to_string())
            .unwrap_or_else(|| DEFAULT_HOME_REGION.to_string());
        Aws {
            base,
            home_region,
            s3_path_style: false,
            stats: Default::default(),
        }
    }

    /// Who the configured credentials belong to. Fails with advice when there are none.
    pub async fn identity(&self, profile: Option<&str>) -> Result<Identity, SetupError> {
        if let Some(p) = profile {
            check_profile_exists(p)?;
        }
        identity_of(self, &self.base)
            .await
            .map_err(|e| SetupError::credentials(profile, e))
    }

    /// A configuration for one account that uses the given credentials.
    pub fn with_credentials(&self, creds: SharedCredentialsProvider) -> SdkConfig {
        self.base.to_builder().credentials_provider(creds).build()
    }

    /// Credentials for `role_arn`, refreshed by the SDK before they expire.
    pub async fn assume_role(
        &self,
        role_arn: &str,
        external_id: Option<&str>,
        session: Duration,
    ) -> SharedCredentialsProvider {
        let mut b = aws_config::sts::AssumeRoleProvider::builder(role_arn)
            .session_name(SESSION_NAME)
            .session_length(session)
            .configure(&self.base);
        if let Some(id) = external_id {
            b = b.external_id(id);
        }
        SharedCredentialsProvider::new(b.build().await)
    }

    fn counter(&self) -> stats::CallCounter {
        stats::CallCounter(self.stats.clone())
    }

    /// Labels every HTTP attempt of a regional client for the pacer (see `pace`).
    fn pace_tag(&self, service: &'static str, account: &str, region: &str) -> pace::Tagger {
        pace::Tagger {
            account: account.into(),
            region: region.into(),
            service,
        }
    }

    /// Retries draw on a token bucket per partition: one per account and service, and per
    /// Region for regional services (each Region's control plane throttles on its own), so
    /// neither one throttled account nor one throttled Region can exhaust the retries of the
    /// others. In adaptive mode the client rate limiter is per partition too.
    fn partition(service: &str, account: &str, region: Option<&str>) -> RetryPartition {
        RetryPartition::new(partition_name(service, account, region))
    }

    pub fn s3(&self, conf: &SdkConfig, account: &str, region: &str) -> aws_sdk_s3::Client {
        let c = aws_sdk_s3::config::Builder::from(conf)
            .region(Region::new(region.to_string()))
            .force_path_style(self.s3_path_style)
            .retry_partition(Self::partition("s3", account, Some(region)))
            .interceptor(self.counter())
            .retry_classifier(retry::NotImplementedIsFinal)
            .build();
        aws_sdk_s3::Client::from_conf(c)
    }

    pub fn s3control(&self, conf: &SdkConfig, account: &str) -> aws_sdk_s3control::Client {
        let c = aws_sdk_s3control::config::Builder::from(conf)
            .retry_partition(Self::partition("s3control", account, None))
            .interceptor(self.counter())
            .retry_classifier(retry::NotImplementedIsFinal)
            .build();
        aws_sdk_s3control::Client::from_conf(c)
    }

    regional_client!(ec2, aws_sdk_ec2, "ec2");
    regional_client!(acm, aws_sdk_acm, "acm");
    regional_client!(kms, aws_sdk_kms, "kms");
    regional_client!(lambda, aws_sdk_lambda, "lambda");
    regional_client!(cloudtrail, aws_sdk_cloudtrail, "cloudtrail");
    regional_client!(accessanalyzer, aws_sdk_accessanalyzer, "access-analyzer");
    regional_client!(inspector2, aws_sdk_inspector2, "inspector2");
    regional_client!(macie2, aws_sdk_macie2, "macie2");
    regional_client!(securityhub, aws_sdk_securityhub, "securityhub");
    // --- backbone: config ---
    regional_client!(config, aws_sdk_config, "config");

    /// The Account Management API (global: one endpoint, signed for us-east-1 in the `aws`
    /// partition; the SDK's endpoint rules pick it from the home region's partition).
    pub fn account(&self, conf: &SdkConfig, account: &str) -> aws_sdk_account::Client {
        let c = aws_sdk_account::config::Builder::from(conf)
            .retry_partition(Self::partition("account", account, None))
            .interceptor(self.counter())
            .retry_classifier(retry::NotImplementedIsFinal)
            .build();
        aws_sdk_account::Client::from_conf(c)
    }
    // --- end backbone: config ---
    regional_client!(guardduty, aws_sdk_guardduty, "guardduty");
    regional_client!(detective, aws_sdk_detective, "detective");
    regional_client!(apigateway, aws_sdk_apigateway, "apigateway");
    regional_client!(
        /// API Gateway v2 (HTTP APIs). It is the same service as v1 for AWS's throttling: the
        /// management-call quotas of the API Gateway quotas page apply to all API types together,
        /// so it shares v1's retry partition and pacing tag (`apigateway`).
        apigatewayv2,
        aws_sdk_apigatewayv2,
        "apigateway"
    );

    pub fn iam(&self, conf: &SdkConfig, account: &str) -> aws_sdk_iam::Client {
        let c = aws_sdk_iam::config::Builder::from(conf)
            .retry_partition(Self::partition("iam", account, None))
            .interceptor(self.counter())
            .retry_classifier(retry::NotImplementedIsFinal)
            .build();
        aws_sdk_iam::Client::from_conf(c)
    }

    pub fn organizations(&self, conf: &SdkConfig) -> aws_sdk_organizations::Client {
        let c = aws_sdk_organizations::config::Builder::from(conf)
            .interceptor(self.counter())
            .retry_classifier(retry::NotImplementedIsFinal)
            .build();
        aws_sdk_organizations::Client::from_conf(c)
    }

    pub fn sts(&self, conf: &SdkConfig) -> aws_sdk_sts::Client {
        let c = aws_sdk_sts::config::Builder::from(conf)
            .interceptor(self.counter())
            .retry_classifier(retry::NotImplementedIsFinal)
            .build();
        aws_sdk_sts::Client::from_conf(c)
    }
}

/// AWS limits a session of a role assumed with another role's credentials (role chaining) to
/// one hour, whatever the role's MaxSessionDuration, and refuses a longer DurationSeconds.
pub const ROLE_CHAINING_MAX_SESSION: Duration = Duration::from_secs(3600);

/// The session length to request from AssumeRole when `caller_arn` assumes the member roles.
///
/// A caller that is itself an assumed role (an ECS task or Lambda role, SSO, an assume-role
/// profile: `arn:PARTITION:sts::ACCOUNT:assumed-role/...`) chains roles, and AWS then rejects
/// every AssumeRole above one hour: every account would be `denied`. posture lowers the request
/// to one hour and says why. Shorter sessions lose nothing: the SDK renews them before they
/// expire, so a scan longer than an hour keeps working.
pub fn session_length_for(caller_arn: &str, requested: Duration) -> (Duration, Option<String>) {
    let chained = caller_arn.split(':').nth(2) == Some("sts")
        && caller_arn
            .split(':')
            .nth(5)
            .is_some_and(|r| r.starts_with("assumed-role/"));
    if chained && requested > ROLE_CHAINING_MAX_SESSION {
        let warning = format!(
            "--session-duration {} lowered to {}: posture runs as the assumed role {caller_arn}, and AWS caps sessions of roles assumed with role credentials (role chaining) at one hour, so a longer request would fail every AssumeRole; sessions are renewed before they expire, so long scans are unaffected",
            requested.as_secs(),
            ROLE_CHAINING_MAX_SESSION.as_secs()
        );
        return (ROLE_CHAINING_MAX_SESSION, Some(warning));
    }
    (requested, None)
}

/// The retry partition of a client: `{service}-{account}`, plus `-{region}` for regional
/// services.
fn partition_name(service: &str, account: &str, region: Option<&str>) -> String {
    match region {
        Some(r) => format!("{service}-{account}-{r}"),
        None => format!("{service}-{account}"),
    }
}

/// sts:GetCallerIdentity with a configuration.
pub async fn identity_of(
    aws: &Aws,
    conf: &SdkConfig,
) -> Result<Identity, crate::inventory::CollectionError> {
    let sts = aws.sts(conf);
    let out = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| collection_error("sts", "GetCallerIdentity", None, None, &e))?;
    Ok(Identity {
        account_id: out.account().unwrap_or_default().to_string(),
        arn: out.arn().unwrap_or_default().to_string(),
    })
}

/// A named profile must exist in the shared config or credentials file; the SDK would otherwise
/// report only that no credentials were found.
fn check_profile_exists(profile: &str) -> Result<(), SetupError> {
    let home = std::env::var_os("HOME")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| home.join(".aws/config"));
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| home.join(".aws/credentials"));
    let defines = |path: &std::path::Path, in_config: bool| -> bool {
        let Ok(text) = std::fs::read_to_string(path) else {
            return false;
        };
        text.lines().any(|l| {
            let l = l.trim();
            let Some(inner) = l.strip_prefix('[').and_then(|r| r.strip_suffix(']')) else {
                return false;
            };
            let inner = inner.trim();
            let name = if in_config {
                inner
                    .strip_prefix("profile ")
                    .map(str::trim)
                    .unwrap_or(inner)
            } else {
                inner
            };
            name == profile
        })
    };
    if defines(&config, true) || defines(&credentials, false) {
        Ok(())
    } else {
        Err(SetupError::Credentials {
            what: format!("profile `{profile}` is not defined"),
            cause: format!(
                "no [profile {profile}] section in {} and no [{profile}] section in {}",
                config.display(),
                credentials.display()
            ),
            advice: format!(
                "check the name (`aws configure list-profiles`), or create it with `aws configure --profile {profile}` or `aws configure sso --profile {profile}`"
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_chaining_caps_the_session_at_one_hour() {
        let long = Duration::from_secs(43200);
        for arn in [
            "arn:aws:sts::111122223333:assumed-role/posture-scanner/ecs-task-1",
            "arn:aws-us-gov:sts::111122223333:assumed-role/AWSReservedSSO_Audit_0123/alice",
        ] {
            let (d, warning) = session_length_for(arn, long);
            assert_eq!(d, ROLE_CHAINING_MAX_SESSION, "{arn}");
            let w = warning.expect("a warning with the reason");
            assert!(w.contains("role chaining") && w.contains(arn), "{w}");
        }
        // Within the cap, or not chained: the request stands, silently.
        let chained = "arn:aws:sts::111122223333:assumed-role/posture-scanner/s";
        assert_eq!(
            session_length_for(chained, Duration::from_secs(3600)),
            (Duration::from_secs(3600), None)
        );
        assert_eq!(
            session_length_for(chained, Duration::from_secs(900)),
            (Duration::from_secs(900), None)
        );
        for arn in [
            "arn:aws:iam::111122223333:user/scanner",
            "arn:aws:iam::111122223333:root",
            "arn:aws:sts::111122223333:federated-user/bob",
        ] {
            assert_eq!(session_length_for(arn, long), (long, None), "{arn}");
        }
    }

    use aws_smithy_runtime_api::client::http::{
        HttpConnector, HttpConnectorFuture, SharedHttpConnector, http_client_fn,
    };
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_types::body::SdkBody;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicU32, Ordering};

    /// API Gateway as it answers at its quota: HTTP 429 TooManyRequestsException. us-east-1
    /// always throttles; eu-west-1 throttles every first attempt of a call and then answers.
    #[derive(Debug, Default)]
    struct ThrottlingApiGateway {
        eu_calls: AtomicU32,
    }

    impl HttpConnector for ThrottlingApiGateway {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let throttle = if request.uri().contains(".us-east-1.") {
                true
            } else {
                self.eu_calls
                    .fetch_add(1, Ordering::SeqCst)
                    .is_multiple_of(2)
            };
            let response = if throttle {
                let mut r = HttpResponse::new(
                    429.try_into().expect("status"),
                    SdkBody::from(r#"{"message":"Too Many Requests"}"#),
                );
                r.headers_mut()
                    .insert("x-amzn-ErrorType", "TooManyRequestsException");
                r.headers_mut().insert("Content-Type", "application/json");
                r
            } else {
                let mut r = HttpResponse::new(
                    200.try_into().expect("status"),
                    SdkBody::from(r#"{"item":[]}"#),
                );
                r.headers_mut().insert("Content-Type", "application/json");
                r
            };
            HttpConnectorFuture::ready(Ok(response))
        }
    }

    fn aws_with(connector: Arc<ThrottlingApiGateway>) -> Aws {
        let http =
            http_client_fn(move |_, _| SharedHttpConnector::new(SharedArc(connector.clone())));
        let base = SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .http_client(http)
            .credentials_provider(SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new("AKIDEXAMPLE", "secret", None, None, "test"),
            ))
            .retry_config(
                RetryConfig::standard()
                    .with_max_attempts(3)
                    .with_initial_backoff(Duration::from_millis(1))
                    .with_max_backoff(Duration::from_millis(5)),
            )
            .build();
        Aws {
            base,
            home_region: "us-east-1".into(),
            s3_path_style: false,
            stats: Default::default(),
        }
    }

    #[derive(Debug)]
    struct SharedArc(Arc<ThrottlingApiGateway>);
    impl HttpConnector for SharedArc {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            self.0.call(request)
        }
    }

    /// Finding 8 of the real-AWS audit: the retry budget (a token bucket per retry partition)
    /// was one per (service, account), so throttling in one Region used up the retries of every
    /// other Region. This test failed before the partition included the Region: eu-west-1's
    /// calls found the bucket emptied by us-east-1 and were refused their retry.
    #[tokio::test]
    async fn throttling_in_one_region_leaves_the_retry_budget_of_another() {
        let account = "210987654321"; // unique to this test: token buckets are process-wide
        let api = Arc::new(ThrottlingApiGateway::default());
        let aws = aws_with(api.clone());
        let east = aws.apigateway(&aws.base, account, "us-east-1");
        // Each call: 3 attempts, 2 throttling retries at 5 tokens each; 500 tokens in a bucket.
        for _ in 0..60 {
            assert!(east.get_rest_apis().send().await.is_err());
        }
        let west = aws.apigateway(&aws.base, account, "eu-west-1");
        for n in 0..5 {
            let r = west.get_rest_apis().send().await;
            assert!(r.is_ok(), "eu-west-1 call {n}: {r:?}");
        }
    }

    #[test]
    fn partitions_are_per_region_for_regional_services() {
        assert_eq!(
            partition_name("apigateway", "111122223333", Some("eu-west-1")),
            "apigateway-111122223333-eu-west-1"
        );
        assert_eq!(
            partition_name("iam", "111122223333", None),
            "iam-111122223333"
        );
    }
}
