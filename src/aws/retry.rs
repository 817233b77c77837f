//! Retry decisions posture adds to the SDK's.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::retries::classifiers::{
    ClassifyRetry, RetryAction, RetryClassifierPriority,
};

/// HTTP 501 Not Implemented is an answer, not a transient failure: the API does not exist at
/// this endpoint (an emulator, a partition or region without it). Retrying it only adds backoff
/// to the account's critical path; the call is recorded as `not_implemented` at once.
#[derive(Debug, Default)]
pub struct NotImplementedIsFinal;

impl ClassifyRetry for NotImplementedIsFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r) if r.status().as_u16() == 501 => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "posture: HTTP 501 is final"
    }

    fn priority(&self) -> RetryClassifierPriority {
        RetryClassifierPriority::run_after(RetryClassifierPriority::transient_error_classifier())
    }
}
