//! Small helpers shared by collectors.

use chrono::{DateTime, Utc};

/// Convert an SDK timestamp.
pub fn time(t: &aws_smithy_types::DateTime) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// Collect every page of a paginated SDK operation, mapping each page with `$map` (which
/// extends `$acc`). Evaluates to `Result<(), CollectionError>`.
macro_rules! paginate {
    ($req:expr, $service:expr, $op:expr, $region:expr, |$page:ident| $body:block) => {{
        let mut stream = $req.into_paginator().send();
        let mut result: Result<(), $crate::inventory::CollectionError> = Ok(());
        while let Some(page) = stream.next().await {
            match page {
                Ok($page) => $body,
                Err(e) => {
                    result = Err($crate::aws::collection_error(
                        $service, $op, $region, None, &e,
                    ));
                    break;
                }
            }
        }
        result
    }};
}
pub(crate) use paginate;

/// The AWS error code of an SDK error, if the service returned one.
pub fn error_code<E, R>(e: &aws_smithy_runtime_api::client::result::SdkError<E, R>) -> Option<&str>
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata,
{
    match e {
        aws_smithy_runtime_api::client::result::SdkError::ServiceError(ctx) => ctx.err().code(),
        _ => None,
    }
}
