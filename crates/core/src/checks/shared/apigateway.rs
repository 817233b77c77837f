//! API Gateway: how stage results are worded, and which certificate a custom domain uses.

use crate::check::{At, CheckResult, Context, Findings, Reason};
use crate::inventory::{DomainName, HttpIntegration, MethodIntegration, RestApi, Stage};
use crate::policy::{PublicGrant, grants_public_access, parse};

/// Who a REST API's resource policy lets call `execute-api:Invoke`, as the policy engine
/// answers it (RCPs do not apply to API Gateway, so the resource policy is the only layer).
pub enum PolicyReach {
    /// The API has no resource policy.
    NoPolicy,
    /// No statement grants `execute-api:Invoke` to anyone unpinned: only the accounts,
    /// organization, VPCs, VPC endpoints or narrow address ranges it names get through.
    Restricted,
    /// The statements that let anyone invoke it.
    Public(Vec<PublicGrant>),
    /// The resource policy could not be analysed.
    Unknown(Reason),
}

/// Is the API private (reachable only through interface VPC endpoints of `execute-api`)?
pub fn is_private(api: &RestApi) -> bool {
    api.endpoint_types.iter().any(|t| t == "PRIVATE")
}

pub fn policy_reach(api: &RestApi) -> PolicyReach {
    let Some(text) = &api.policy else {
        return PolicyReach::NoPolicy;
    };
    match parse(text) {
        Err(e) => PolicyReach::Unknown(Reason::unparseable("its resource policy", e)),
        Ok(policy) => {
            let public = grants_public_access(&policy, Some(&["execute-api:Invoke"]));
            if public.is_empty() {
                PolicyReach::Restricted
            } else {
                PolicyReach::Public(public)
            }
        }
    }
}

/// The public grants as evidence: "Statement[0] (Sid \"x\"): why; …".
pub fn describe_grants(grants: &[PublicGrant]) -> String {
    grants
        .iter()
        .map(|g| format!("resource policy {}: {}", g.statement, g.why))
        .collect::<Vec<_>>()
        .join("; ")
}

/// "stage {stage} of API {name or id}: {what}".
pub fn stage_message(api: &RestApi, stage: &Stage, what: &str) -> String {
    format!(
        "stage {} of API {}: {what}",
        stage.name,
        api.name.as_deref().unwrap_or(&api.id)
    )
}

/// Pass when `ok`, fail otherwise, with `said[0]` or `said[1]` (what holds, what does not) in
/// the stage's message.
pub fn stage_verdict<'r>(
    out: &'r mut Findings,
    api: &At<RestApi>,
    stage: &At<Stage>,
    ok: bool,
    [holds, lacks]: [&str; 2],
) -> &'r mut CheckResult {
    let what = if ok { holds } else { lacks };
    out.verdict(stage, ok, stage_message(api, stage, what))
}

/// The stage checks that judge one setting: on every stage, `read` says whether the setting
/// holds and what it is (the evidence at `path`), and [`stage_verdict`] words the result.
pub fn stage_setting<V: ToString>(
    ctx: &Context,
    out: &mut Findings,
    path: &str,
    read: fn(&Stage) -> (bool, V),
    said: [&str; 2],
) {
    for (api, stage) in out.stages(ctx) {
        let (ok, value) = read(&stage);
        stage_verdict(out, &api, &stage, ok, said).with(path, value);
    }
}

/// A setting that holds when it is attached: its value, or `none` as evidence.
pub fn attached(value: &Option<String>) -> (bool, String) {
    (value.is_some(), value.as_deref().unwrap_or("none").into())
}

/// The `*/*` method setting of a stage (the stage-wide default).
pub fn stage_default(stage: &Stage) -> Option<&crate::inventory::MethodSetting> {
    stage.method_settings.get("*/*")
}

/// The ACM certificate a custom domain is served with: the regional one, else the edge one.
pub fn domain_certificate(d: &DomainName) -> Option<&str> {
    d.regional_certificate_arn
        .as_deref()
        .or(d.certificate_arn.as_deref())
}

/// A custom domain security policy that still accepts TLS 1.0 or 1.1: `TLS_1_0` and the enhanced
/// policies with `TLS_1_0`/`TLS_1_1` (or `TLS10`/`TLS11`) in their names. `TLS_1_2` and
/// `SecurityPolicy_TLS13_*` / `*_TLS12_*` require 1.2 or later. The same names serve REST and
/// HTTP APIs.
pub fn allows_old_tls(policy: &str) -> bool {
    let p = policy.to_ascii_uppercase();
    p.contains("TLS_1_0") || p.contains("TLS_1_1") || p.contains("TLS10") || p.contains("TLS11")
}

/// Where an integration sends requests, read from its type and URI.
#[derive(Debug, Clone, PartialEq)]
pub enum Backend {
    /// A Lambda function, by the ARN the integration names (possibly qualified).
    Lambda(String),
    /// An HTTP back end; `vpc_link` is the VPC link of a private integration.
    Http {
        url: String,
        vpc_link: Option<String>,
    },
    /// An S3 bucket, by name (an AWS service integration to `s3`).
    S3(String),
    /// Another AWS service action (`SQS-SendMessage`, `dynamodb:action/PutItem`).
    AwsService(String),
    /// A mock integration: API Gateway answers itself.
    Mock,
    /// The integration could not be read as any of these.
    Unknown(Reason),
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Backend::Lambda(arn) => write!(f, "Lambda function {arn}"),
            Backend::Http {
                url,
                vpc_link: Some(link),
            } => {
                write!(f, "HTTP back end {url} through VPC link {link}")
            }
            Backend::Http {
                url,
                vpc_link: None,
            } => write!(f, "HTTP back end {url}"),
            Backend::S3(bucket) => write!(f, "S3 bucket {bucket}"),
            Backend::AwsService(what) => write!(f, "AWS service {what}"),
            Backend::Mock => write!(f, "mock integration"),
            Backend::Unknown(_) => write!(f, "unknown back end"),
        }
    }
}

/// The function ARN of a Lambda integration URI: API Gateway's invocation path
/// (`arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{arn}/invocations`) or, for
/// HTTP APIs, the function ARN itself.
pub fn lambda_function_arn(uri: &str) -> Option<&str> {
    if uri.split(':').nth(2) == Some("lambda") {
        return Some(uri);
    }
    if uri.split(':').nth(4) == Some("lambda") {
        let rest = uri.split_once("/functions/")?.1;
        return Some(rest.strip_suffix("/invocations").unwrap_or(rest));
    }
    None
}

/// The bucket of an S3 service integration URI: `arn:aws:apigateway:{region}:s3:path/{bucket}/…`
/// or `…:s3:action/{Action}&Bucket={bucket}&…`.
fn s3_bucket(uri: &str) -> Option<String> {
    let (_, rest) = uri.split_once(":s3:")?;
    if let Some(path) = rest.strip_prefix("path/") {
        return path
            .split('/')
            .next()
            .filter(|b| !b.is_empty())
            .map(str::to_string);
    }
    rest.split(['&', '?'])
        .find_map(|kv| kv.strip_prefix("Bucket="))
        .filter(|b| !b.is_empty())
        .map(str::to_string)
}

/// The back end of a REST API method's integration.
pub fn rest_backend(i: &MethodIntegration) -> Backend {
    let uri = i.uri.as_deref().unwrap_or_default();
    match i.integration_type.as_deref() {
        Some("MOCK") => Backend::Mock,
        Some("HTTP" | "HTTP_PROXY") => Backend::Http {
            url: uri.to_string(),
            vpc_link: vpc_link(i.connection_type.as_deref(), i.connection_id.as_deref()),
        },
        Some("AWS" | "AWS_PROXY") => {
            if let Some(arn) = lambda_function_arn(uri) {
                return Backend::Lambda(arn.to_string());
            }
            // arn:aws:apigateway:{region}:{service}:{path|action}/…
            match uri.split(':').nth(4) {
                Some("s3") => match s3_bucket(uri) {
                    Some(b) => Backend::S3(b),
                    None => Backend::Unknown(Reason::undecidable(format!(
                        "the S3 integration URI {uri} names no bucket"
                    ))),
                },
                Some(service) => Backend::AwsService(format!(
                    "{service} ({})",
                    uri.splitn(6, ':').nth(5).unwrap_or_default()
                )),
                None => Backend::Unknown(Reason::not_reported(format!(
                    "API Gateway reported the integration URI {uri:?}, which names no AWS service"
                ))),
            }
        }
        other => Backend::Unknown(Reason::not_reported(format!(
            "API Gateway reported integration type {}",
            other.unwrap_or("(none)")
        ))),
    }
}

/// The back end of an HTTP API integration.
pub fn http_backend(i: &HttpIntegration) -> Backend {
    let uri = i.integration_uri.as_deref().unwrap_or_default();
    match i.integration_type.as_deref() {
        // AWS service integrations carry a subtype (SQS-SendMessage, …); none reaches S3.
        Some("AWS_PROXY") => match &i.integration_subtype {
            Some(sub) => Backend::AwsService(sub.clone()),
            None => match lambda_function_arn(uri) {
                Some(arn) => Backend::Lambda(arn.to_string()),
                None => Backend::Unknown(Reason::not_reported(format!(
                    "an AWS_PROXY integration whose URI {uri:?} names no Lambda function"
                ))),
            },
        },
        Some("HTTP_PROXY") => Backend::Http {
            url: uri.to_string(),
            vpc_link: vpc_link(i.connection_type.as_deref(), i.connection_id.as_deref()),
        },
        other => Backend::Unknown(Reason::not_reported(format!(
            "API Gateway reported integration type {}",
            other.unwrap_or("(none)")
        ))),
    }
}

fn vpc_link(connection_type: Option<&str>, id: Option<&str>) -> Option<String> {
    (connection_type == Some("VPC_LINK")).then(|| id.unwrap_or("(unnamed)").to_string())
}

#[cfg(test)]
mod backend_tests {
    use super::*;

    fn rest(t: &str, uri: &str) -> MethodIntegration {
        MethodIntegration {
            integration_type: Some(t.into()),
            uri: Some(uri.into()),
            connection_type: None,
            connection_id: None,
            credentials: None,
        }
    }

    #[test]
    fn integration_uris() {
        let f = "arn:aws:lambda:us-east-1:111111111111:function:orders";
        let invoke = format!(
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{f}/invocations"
        );
        assert_eq!(
            rest_backend(&rest("AWS_PROXY", &invoke)),
            Backend::Lambda(f.into())
        );
        assert_eq!(
            rest_backend(&rest(
                "AWS",
                "arn:aws:apigateway:us-east-1:s3:path/store/{key}"
            )),
            Backend::S3("store".into())
        );
        assert_eq!(
            rest_backend(&rest(
                "AWS",
                "arn:aws:apigateway:us-east-1:s3:action/GetObject&Bucket=store&Key=k"
            )),
            Backend::S3("store".into())
        );
        assert!(matches!(
            rest_backend(&rest("AWS", "arn:aws:apigateway:us-east-1:dynamodb:action/PutItem")),
            Backend::AwsService(s) if s.starts_with("dynamodb")
        ));
        assert_eq!(
            rest_backend(&rest("HTTP_PROXY", "https://backend.example.com/{proxy}")),
            Backend::Http {
                url: "https://backend.example.com/{proxy}".into(),
                vpc_link: None
            }
        );
        let mut private = rest("HTTP_PROXY", "http://internal-nlb.example.com");
        private.connection_type = Some("VPC_LINK".into());
        private.connection_id = Some("vl-1".into());
        assert!(matches!(
            rest_backend(&private),
            Backend::Http {
                vpc_link: Some(_),
                ..
            }
        ));
        let http = HttpIntegration {
            integration_id: "i1".into(),
            integration_type: Some("AWS_PROXY".into()),
            integration_uri: Some(f.into()),
            integration_subtype: None,
            connection_type: Some("INTERNET".into()),
            connection_id: None,
            credentials_arn: None,
        };
        assert_eq!(http_backend(&http), Backend::Lambda(f.into()));
        let sqs = HttpIntegration {
            integration_subtype: Some("SQS-SendMessage".into()),
            integration_uri: None,
            ..http
        };
        assert_eq!(
            http_backend(&sqs),
            Backend::AwsService("SQS-SendMessage".into())
        );
    }
}

/// The six stage checks, on one API.
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, MethodSetting, Stage};

    fn stage(name: &str, good: bool) -> Stage {
        let mut method_settings = std::collections::BTreeMap::new();
        method_settings.insert(
            "*/*".to_string(),
            MethodSetting {
                logging_level: Some(if good { "INFO" } else { "OFF" }.into()),
                caching_enabled: true,
                cache_data_encrypted: good,
            },
        );
        Stage {
            tags: None,
            name: name.into(),
            tracing_enabled: good,
            web_acl_arn: good.then(|| "arn:aws:wafv2:us-east-1:1:regional/webacl/w/1".into()),
            client_certificate_id: good.then(|| "cc1".into()),
            cache_cluster_enabled: true,
            access_log_destination: good.then(|| "arn:aws:logs:us-east-1:1:log-group:g".into()),
            method_settings,
        }
    }

    #[test]
    fn stage_settings() {
        let mut inv = base_inventory();
        let mut api = rest_api("a1", &[]);
        let mut nocache = stage("dev", false);
        nocache.cache_cluster_enabled = false;
        api.stages = Collected::Ok(vec![stage("prod", true), stage("test", false), nocache]);
        apigw_mut(&mut inv).rest_apis = vec![api];
        for check in [
            "apigateway-stage-execution-logging",
            "apigateway-stage-access-logging",
            "apigateway-stage-waf",
            "apigateway-stage-tracing",
            "apigateway-stage-client-certificate",
        ] {
            assert_eq!(
                statuses(&inv, check),
                vec![Status::Pass, Status::Fail, Status::Fail],
                "{check}"
            );
        }
        assert_eq!(
            statuses(&inv, "apigateway-stage-cache-encrypted"),
            vec![Status::Pass, Status::Fail, Status::NotApplicable]
        );
    }
}
