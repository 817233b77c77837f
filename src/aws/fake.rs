//! A fake AWS endpoint for collector tests: the real SDK clients build, sign and send their
//! requests, and a function of the request answers with a response shaped as AWS sends it
//! (status, headers, body). No network, no emulator.

use std::sync::{Arc, Mutex};

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::{Response, StatusCode};
use aws_smithy_types::body::SdkBody;

/// What the fake saw of a request.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The full URI, host included (`https://bucket.s3.us-east-1.amazonaws.com/?policy`).
    pub uri: String,
    pub body: String,
    /// The `X-Amz-Target` header of a JSON-protocol request (`StarlingDoveService.DescribeDeliveryChannels`).
    pub target: Option<String>,
}

impl Seen {
    /// The `Action` of a query-protocol request (IAM, EC2), from its form body.
    pub fn action(&self) -> &str {
        self.body
            .split('&')
            .find_map(|kv| kv.strip_prefix("Action="))
            .unwrap_or("")
    }

    /// The operation of a JSON-protocol request, from `X-Amz-Target`.
    pub fn operation(&self) -> &str {
        self.target
            .as_deref()
            .and_then(|t| t.rsplit('.').next())
            .unwrap_or("")
    }
}

/// An AWS-shaped answer.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<String>) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
    /// An XML answer of a query-protocol service (IAM, EC2).
    pub fn xml(body: impl Into<String>) -> Reply {
        Reply::new(200, body).header("content-type", "text/xml")
    }
    /// An error of a query-protocol service (IAM): `<ErrorResponse><Error>...`.
    pub fn query_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::new(
            status,
            format!(
                "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>Sender</Type><Code>{code}</Code><Message>{message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
            ),
        )
        .header("content-type", "text/xml")
    }
    /// An error of an awsJson service (ACM): `x-amzn-errortype` and a JSON body.
    pub fn json_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::new(
            status,
            format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}"),
        )
        .header("content-type", "application/x-amz-json-1.1")
        .header("x-amzn-errortype", code.to_string())
    }
    /// An S3 (restXml) error.
    pub fn s3_error(status: u16, code: &str, message: &str) -> Reply {
        Reply::new(
            status,
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}</Message><RequestId>TESTREQUEST</RequestId><HostId>TESTHOST</HostId></Error>"
            ),
        )
        .header("content-type", "application/xml")
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// The fake endpoint: answers with `handler` and records every request.
#[derive(Clone)]
pub struct FakeAws {
    handler: Arc<Handler>,
    pub seen: Arc<Mutex<Vec<Seen>>>,
}

impl std::fmt::Debug for FakeAws {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FakeAws")
    }
}

impl FakeAws {
    pub fn new(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> FakeAws {
        FakeAws {
            handler: Arc::new(handler),
            seen: Arc::default(),
        }
    }

    /// An SDK configuration whose every client talks to this fake, in `region`, with static
    /// test credentials and no retries (each request is answered exactly once).
    pub fn config(&self, region: &str) -> SdkConfig {
        SdkConfig::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new(region.to_string()))
            .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
                "AKIDFAKE", "fake", None, None, "test",
            )))
            .retry_config(aws_config::retry::RetryConfig::standard().with_max_attempts(1))
            .http_client(self.clone())
            .build()
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

impl HttpClient for FakeAws {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

impl HttpConnector for FakeAws {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let seen = Seen {
            method: request.method().to_string(),
            uri: request.uri().to_string(),
            target: request.headers().get("x-amz-target").map(str::to_string),
            body: request
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default(),
        };
        let reply = (self.handler)(&seen);
        if let Ok(mut s) = self.seen.lock() {
            s.push(seen);
        }
        let mut response = Response::new(
            StatusCode::try_from(reply.status).expect("valid status in a test reply"),
            SdkBody::from(reply.body),
        );
        for (name, value) in reply.headers {
            response.headers_mut().insert(name, value);
        }
        HttpConnectorFuture::ready(Ok(response))
    }
}
