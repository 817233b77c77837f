//! Report delivery to S3: server-side encrypted, never with an ACL, under a key that names the
//! scan time and the scanning account.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ServerSideEncryption;

use crate::aws::Aws;

#[derive(Debug, Clone, PartialEq)]
pub struct S3Target {
    pub bucket: String,
    /// Key prefix, empty or ending with `/`.
    pub prefix: String,
}

/// `s3://bucket/prefix/` (a prefix without a trailing slash gets one).
pub fn parse_s3_url(s: &str) -> Option<Result<S3Target, String>> {
    let rest = s.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let valid = bucket.len() >= 3
        && bucket.len() <= 63
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if !valid {
        return Some(Err(format!(
            "`{s}`: `{bucket}` is not a valid S3 bucket name"
        )));
    }
    let prefix = if prefix.is_empty() || prefix.ends_with('/') {
        prefix.to_string()
    } else {
        format!("{prefix}/")
    };
    Some(Ok(S3Target {
        bucket: bucket.to_string(),
        prefix,
    }))
}

/// `posture-20261122T173000Z-123456789012.json`
pub fn key_for(
    target: &S3Target,
    started: chrono::DateTime<chrono::Utc>,
    account: &str,
    extension: &str,
) -> String {
    format!(
        "{}posture-{}-{account}.{extension}",
        target.prefix,
        started.format("%Y%m%dT%H%M%SZ")
    )
}

fn content_type(extension: &str) -> &'static str {
    match extension {
        "json" | "asff.json" => "application/json",
        "html" => "text/html; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "ocsf.ndjson" | "asff-batches.ndjson" => "application/x-ndjson",
        _ => "text/plain; charset=utf-8",
    }
}

/// Upload `body`; returns the `s3://` URI. Errors say what failed and where.
pub async fn upload(
    aws: &Aws,
    target: &S3Target,
    key: &str,
    body: &std::path::Path,
    extension: &str,
    kms_key: Option<&str>,
) -> Result<String, String> {
    let home = aws.s3(&aws.base, "delivery", &aws.home_region);
    let uri = format!("s3://{}/{key}", target.bucket);
    let region = match home
        .get_bucket_location()
        .bucket(&target.bucket)
        .send()
        .await
    {
        Ok(out) => match out.location_constraint().map(|c| c.as_str()) {
            None | Some("") => "us-east-1".to_string(),
            Some("EU") => "eu-west-1".to_string(),
            Some(r) => r.to_string(),
        },
        Err(e) => {
            let err = crate::aws::collection_error(
                "s3",
                "GetBucketLocation",
                None,
                Some(&target.bucket),
                &e,
            );
            let what = match err.code.as_deref() {
                Some("NoSuchBucket") => format!("bucket `{}` does not exist", target.bucket),
                Some("AccessDenied") => format!(
                    "access to bucket `{}` is denied (s3:GetBucketLocation)",
                    target.bucket
                ),
                _ => format!(
                    "could not reach bucket `{}`: {}",
                    target.bucket, err.message
                ),
            };
            return Err(what);
        }
    };
    let client = aws.s3(&aws.base, "delivery", &region);
    let mut put = client
        .put_object()
        .bucket(&target.bucket)
        .key(key)
        .content_type(content_type(extension))
        .body(
            ByteStream::from_path(body)
                .await
                .map_err(|e| format!("could not read the report {}: {e}", body.display()))?,
        );
    put = match kms_key {
        Some(k) => put
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .ssekms_key_id(k),
        None => put.server_side_encryption(ServerSideEncryption::Aes256),
    };
    put.send().await.map_err(|e| {
        let err = crate::aws::collection_error("s3", "PutObject", Some(&region), Some(&uri), &e);
        format!(
            "could not write {uri}: {}{}",
            err.code.map(|c| format!("{c}: ")).unwrap_or_default(),
            err.message
        )
    })?;
    Ok(uri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_keys() {
        let t = parse_s3_url("s3://reports/posture").unwrap().unwrap();
        assert_eq!(
            t,
            S3Target {
                bucket: "reports".into(),
                prefix: "posture/".into()
            }
        );
        assert_eq!(parse_s3_url("s3://reports").unwrap().unwrap().prefix, "");
        assert!(parse_s3_url("s3://Bad_Bucket/x").unwrap().is_err());
        assert!(parse_s3_url("/tmp/x.json").is_none());
        let started = chrono::DateTime::parse_from_rfc3339("2026-11-22T17:30:05Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        assert_eq!(
            key_for(&t, started, "123456789012", "json"),
            "posture/posture-20261122T173005Z-123456789012.json"
        );
    }
}
