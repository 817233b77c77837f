//! Turning SDK errors into recorded collection errors and user-facing setup errors.

use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::inventory::{CollectionError, ErrorKind};

/// Errors that stop a scan before it starts; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("{what}\n  cause: {cause}\n  what to do: {advice}")]
    Credentials {
        what: String,
        cause: String,
        advice: String,
    },
    #[error(
        "could not list the organization's accounts with {caller}\n  cause: {cause}\n  what to do: run posture --org with credentials of the management account or of a delegated administrator for AWS Organizations (organizations:ListAccounts), or scan one account without --org"
    )]
    OrgDiscovery { caller: String, cause: String },
    #[error("{0}")]
    Targets(String),
}

impl SetupError {
    pub fn credentials(profile: Option<&str>, e: CollectionError) -> SetupError {
        if e.kind == ErrorKind::Transport {
            return SetupError::Credentials {
                what: "could not reach AWS STS to identify the caller (sts:GetCallerIdentity)".into(),
                cause: e.message,
                advice: "check network access, HTTPS proxy settings and any AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_STS override".into(),
            };
        }
        let what = match profile {
            Some(p) => format!("could not use the AWS credentials of profile `{p}`"),
            None => "could not find usable AWS credentials".to_string(),
        };
        let advice = match (profile, e.kind) {
            (Some(p), ErrorKind::Credentials) if e.message.contains("not defined") || e.message.contains("could not be") => {
                format!("check that profile `{p}` exists in ~/.aws/config (or AWS_CONFIG_FILE); for IAM Identity Center run `aws sso login --profile {p}`")
            }
            (Some(p), _) => format!("check profile `{p}`; for IAM Identity Center profiles run `aws sso login --profile {p}`"),
            (None, _) => "set AWS_PROFILE or pass --profile, export AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or run where a role is available (ECS task role, EC2 instance profile, web identity)".to_string(),
        };
        SetupError::Credentials {
            what,
            cause: e.message,
            advice,
        }
    }
}

/// Classify an AWS error code (and HTTP status) into an [`ErrorKind`].
pub fn classify(code: Option<&str>, status: Option<u16>, message: &str) -> ErrorKind {
    let code = code.unwrap_or("");
    match code {
        "AccessDenied"
        | "AccessDeniedException"
        | "UnauthorizedOperation"
        | "UnauthorizedAccess"
        | "AuthorizationError"
        | "Forbidden"
        | "AllAccessDisabled"
        | "AuthorizationErrorException" => ErrorKind::AccessDenied,
        "OptInRequired" | "InvalidRegion" => ErrorKind::RegionUnavailable,
        "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "SignatureDoesNotMatch"
        | "InvalidAccessKeyId"
        | "AuthFailure"
        | "IncompleteSignature" => ErrorKind::Credentials,
        "Throttling"
        | "ThrottlingException"
        | "RequestLimitExceeded"
        | "TooManyRequestsException"
        | "SlowDown"
        | "RequestThrottled"
        | "ProvisionedThroughputExceededException" => ErrorKind::Throttled,
        "InvalidAction" | "UnknownOperationException" | "NotImplemented" | "InternalFailure"
            if status == Some(501) || code != "InternalFailure" =>
        {
            ErrorKind::NotImplemented
        }
        _ => match status {
            Some(501) => ErrorKind::NotImplemented,
            Some(403) => ErrorKind::AccessDenied,
            Some(429) => ErrorKind::Throttled,
            _ if message.contains("not yet implemented") || message.contains("not implemented") => {
                ErrorKind::NotImplemented
            }
            _ => ErrorKind::Other,
        },
    }
}

/// Codes AWS returns both for rejected credentials and for a call to an opt-in region that is
/// not enabled for the account: EC2 answers `AuthFailure` (401), JSON-protocol services such as
/// ACM `UnrecognizedClientException`.
const REGION_OR_CREDENTIALS: &[&str] = &["AuthFailure", "UnrecognizedClientException"];

/// Classify a failed call in its context. In a regional call, the codes of
/// [`REGION_OR_CREDENTIALS`] almost always mean the region is not enabled: the same credentials
/// passed sts:GetCallerIdentity and work in the account's other regions. Returns the kind and
/// advice to add to the message.
fn classify_call(
    code: Option<&str>,
    status: Option<u16>,
    message: &str,
    region: Option<&str>,
) -> (ErrorKind, Option<String>) {
    match (code, region) {
        (Some(c), Some(r)) if REGION_OR_CREDENTIALS.contains(&c) => (
            ErrorKind::RegionUnavailable,
            Some(format!(
                "{r} is probably an opt-in region not enabled for this account (AWS answers {c} there); what to do: enable it (aws account enable-region --region-name {r}) or leave it out of --regions; if it is enabled, the credentials were rejected"
            )),
        ),
        _ => {
            let kind = classify(code, status, message);
            let advice = (kind == ErrorKind::RegionUnavailable).then(|| {
                "what to do: enable the region for this account or leave it out of --regions"
                    .to_string()
            });
            (kind, advice)
        }
    }
}

/// Record a failed SDK call. The message never contains credentials: SDK error messages carry
/// the service's error text and codes, not request signatures.
pub fn collection_error<E, R>(
    service: &str,
    operation: &str,
    region: Option<&str>,
    resource: Option<&str>,
    err: &SdkError<E, R>,
) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + HasStatus + 'static,
{
    let (code, message, status, kind_hint) = match err {
        SdkError::ServiceError(ctx) => {
            let e = ctx.err();
            let status = ctx.raw().status_code();
            (
                e.code().map(str::to_string),
                e.message()
                    .map(str::to_string)
                    .unwrap_or_else(|| e.to_string()),
                status,
                None,
            )
        }
        SdkError::TimeoutError(_) => (
            None,
            "the call timed out".to_string(),
            None,
            Some(ErrorKind::Transport),
        ),
        SdkError::DispatchFailure(d) => {
            let full = DisplayErrorContext(err).to_string();
            let kind = if full.contains("credentials") || full.contains("Credentials") {
                ErrorKind::Credentials
            } else {
                ErrorKind::Transport
            };
            let text = if kind == ErrorKind::Credentials {
                credentials_cause(err)
            } else {
                format!("could not reach the endpoint: {}", root_cause(err))
            };
            let kind = if d.is_timeout() {
                ErrorKind::Transport
            } else {
                kind
            };
            (None, text, None, Some(kind))
        }
        other => {
            let full = DisplayErrorContext(other).to_string();
            if full.contains("credentials") || full.contains("profile") {
                (
                    None,
                    credentials_cause(other),
                    None,
                    Some(ErrorKind::Credentials),
                )
            } else {
                (None, full, None, Some(ErrorKind::Other))
            }
        }
    };
    let (kind, advice) = match kind_hint {
        Some(k) => (k, None),
        None => classify_call(code.as_deref(), status, &message, region),
    };
    let message = match advice {
        Some(a) => format!("{message}; {a}"),
        None => message,
    };
    CollectionError {
        service: service.to_string(),
        operation: operation.to_string(),
        region: region.map(str::to_string),
        resource: resource.map(str::to_string),
        kind,
        code,
        message: one_line(&message),
    }
}

/// The innermost error's text (e.g. "Connection refused (os error 111)").
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cur: &(dyn std::error::Error + 'static) = err;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

/// The chain of a credentials failure without the SDK's debug dump: each level's message once.
fn credentials_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        let text = e.to_string();
        if !text.is_empty()
            && !parts.iter().any(|p| p.contains(&text))
            && !text.starts_with("dispatch failure")
        {
            parts.push(text);
        }
        cur = e.source();
    }
    parts.join(": ")
}

fn one_line(s: &str) -> String {
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.len() > 500 {
        let mut end = 500;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}…", &s[..end])
    } else {
        s
    }
}

/// The HTTP status of a raw response, where there is one.
pub trait HasStatus {
    fn status_code(&self) -> Option<u16>;
}

impl HasStatus for aws_smithy_runtime_api::http::Response {
    fn status_code(&self) -> Option<u16> {
        Some(self.status().as_u16())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classification() {
        assert_eq!(
            classify(Some("AccessDenied"), Some(403), ""),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            classify(Some("UnauthorizedOperation"), Some(403), ""),
            ErrorKind::AccessDenied
        );
        assert_eq!(
            classify(Some("ThrottlingException"), Some(400), ""),
            ErrorKind::Throttled
        );
        assert_eq!(
            classify(Some("InvalidAction"), Some(400), ""),
            ErrorKind::NotImplemented
        );
        assert_eq!(classify(None, Some(501), ""), ErrorKind::NotImplemented);
        assert_eq!(
            classify(Some("OptInRequired"), Some(401), ""),
            ErrorKind::RegionUnavailable
        );
        assert_eq!(
            classify(Some("ExpiredToken"), Some(400), ""),
            ErrorKind::Credentials
        );
        assert_eq!(classify(Some("Weird"), Some(400), ""), ErrorKind::Other);
    }

    /// Audit finding 13: `UnrecognizedClientException` outside a regional call is a rejected
    /// token, not an unavailable region.
    #[test]
    fn unrecognized_client_is_credentials() {
        assert_eq!(
            classify(Some("UnrecognizedClientException"), Some(400), ""),
            ErrorKind::Credentials
        );
    }

    /// Audit finding 13: EC2's `AuthFailure` (401) and ACM's `UnrecognizedClientException` in
    /// an opt-in region not enabled for the account: the region, with what to do.
    #[test]
    fn opt_in_region_not_enabled_through_the_sdk() {
        use crate::aws::fake::{FakeAws, Reply};
        let fake = FakeAws::new(|req| {
            if req.uri.contains("ec2.") {
                Reply::new(401, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>AuthFailure</Code><Message>AWS was not able to validate the provided access credentials</Message></Error></Errors><RequestID>00000000-0000-0000-0000-000000000000</RequestID></Response>").header("content-type", "text/xml")
            } else {
                Reply::json_error(
                    400,
                    "UnrecognizedClientException",
                    "The security token included in the request is invalid.",
                )
            }
        });
        let conf = fake.config("ap-east-1");
        let rt = tokio::runtime::Runtime::new().unwrap();
        let ec2 = aws_sdk_ec2::Client::new(&conf);
        let err = rt.block_on(ec2.describe_vpcs().send()).unwrap_err();
        let e = collection_error("ec2", "DescribeVpcs", Some("ap-east-1"), None, &err);
        assert_eq!(e.kind, ErrorKind::RegionUnavailable, "{e}");
        assert!(e.message.contains("enable-region"), "{e}");
        let acm = aws_sdk_acm::Client::new(&conf);
        let err = rt.block_on(acm.list_certificates().send()).unwrap_err();
        let e = collection_error("acm", "ListCertificates", Some("ap-east-1"), None, &err);
        assert_eq!(e.kind, ErrorKind::RegionUnavailable, "{e}");
        // The same code outside a region (a global call) is a credentials problem.
        let e = collection_error("acm", "ListCertificates", None, None, &err);
        assert_eq!(e.kind, ErrorKind::Credentials, "{e}");
    }
}
