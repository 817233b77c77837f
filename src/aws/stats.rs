//! Counting the API calls posture makes: every HTTP attempt (retries included), by operation,
//! and the error responses. An interceptor on every client posture builds feeds it; scans report
//! the totals, `--api-log` writes them, and the least-privilege test compares them with
//! `posture permissions`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeDeserializationInterceptorContextRef, BeforeTransmitInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

#[derive(Debug, Default)]
pub struct CallStats {
    attempts: AtomicU64,
    errors: AtomicU64,
    throttled: AtomicU64,
    by_operation: Mutex<BTreeMap<String, u64>>,
}

pub use crate::inventory::CallSummary;

impl CallStats {
    pub fn summary(&self) -> CallSummary {
        CallSummary {
            attempts: self.attempts.load(Ordering::Relaxed),
            error_responses: self.errors.load(Ordering::Relaxed),
            throttled_responses: self.throttled.load(Ordering::Relaxed),
            by_operation: self
                .by_operation
                .lock()
                .map(|m| m.clone())
                .unwrap_or_default(),
        }
    }

    pub fn attempts(&self) -> u64 {
        self.attempts.load(Ordering::Relaxed)
    }

    pub fn errors(&self) -> u64 {
        self.errors.load(Ordering::Relaxed)
    }
}

#[derive(Debug, Clone)]
pub struct CallCounter(pub Arc<CallStats>);

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "posture-call-counter"
    }

    fn read_before_transmit(
        &self,
        _ctx: &BeforeTransmitInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.attempts.fetch_add(1, Ordering::Relaxed);
        if let Some(m) = cfg.load::<Metadata>()
            && let Ok(mut map) = self.0.by_operation.lock()
        {
            *map.entry(format!("{}:{}", m.service(), m.name()))
                .or_default() += 1;
        }
        Ok(())
    }

    fn read_before_deserialization(
        &self,
        ctx: &BeforeDeserializationInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let status = ctx.response().status().as_u16();
        if status >= 400 {
            self.0.errors.fetch_add(1, Ordering::Relaxed);
        }
        if status == 429 || status == 503 {
            self.0.throttled.fetch_add(1, Ordering::Relaxed);
        }
        Ok(())
    }
}
