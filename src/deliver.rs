//! Report delivery to S3: server-side encrypted, never with an ACL, under a key that names the
//! scan time and the scanning account. Findings delivery to Security Hub: [`security_hub`].

pub mod security_hub;

use anyhow::anyhow;
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
pub fn parse_s3_url(s: &str) -> Option<anyhow::Result<S3Target>> {
    let rest = s.strip_prefix("s3://")?;
    let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
    let valid = bucket.len() >= 3
        && bucket.len() <= 63
        && bucket
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '.');
    if !valid {
        return Some(Err(anyhow!(
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

/// Where a bucket lives, as HeadBucket tells it (the `x-amz-bucket-region` header).
///
/// Not GetBucketLocation: outside the bucket's home region a bucket policy does not apply to
/// GetBucketLocation, so a cross-account report bucket in another region denies it, while S3
/// returns `x-amz-bucket-region` on every HeadBucket answer, the 301 of a wrong-region endpoint
/// and the 403 of a denied caller included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BucketRegion {
    Found(String),
    Missing,
    Denied,
    Unknown {
        code: Option<String>,
        message: String,
    },
}

/// Classify a HeadBucket answer: `status` and `region_header` of the response (None when no
/// response arrived), and the error text otherwise.
pub fn bucket_region_of(
    status: Option<u16>,
    region_header: Option<&str>,
    error: Option<(Option<String>, String)>,
) -> BucketRegion {
    if let Some(r) = region_header.map(str::trim).filter(|r| !r.is_empty()) {
        return BucketRegion::Found(r.to_string());
    }
    match status {
        Some(404) => BucketRegion::Missing,
        Some(403) => BucketRegion::Denied,
        _ => {
            let (code, message) = error.unwrap_or((None, "no bucket region in the answer".into()));
            BucketRegion::Unknown { code, message }
        }
    }
}

/// HeadBucket through the home-region endpoint; the answer names the bucket's region.
async fn find_bucket_region(aws: &Aws, bucket: &str) -> anyhow::Result<String> {
    let home = aws.s3(&aws.base, "delivery", &aws.home_region);
    let found = match home.head_bucket().bucket(bucket).send().await {
        Ok(out) => bucket_region_of(Some(200), out.bucket_region(), None),
        Err(e) => {
            let raw = e.raw_response();
            let status = raw.map(|r| r.status().as_u16());
            let header = raw.and_then(|r| r.headers().get("x-amz-bucket-region"));
            let err = crate::aws::collection_error("s3", "HeadBucket", None, Some(bucket), &e);
            bucket_region_of(status, header, Some((err.code, err.message)))
        }
    };
    match found {
        BucketRegion::Found(r) => Ok(r),
        BucketRegion::Missing => Err(anyhow!("bucket `{bucket}` does not exist")),
        BucketRegion::Denied => Err(anyhow!(
            "access to bucket `{bucket}` is denied and S3 did not say where it is (s3:ListBucket for HeadBucket)"
        )),
        BucketRegion::Unknown { code, message } => Err(anyhow!(
            "could not reach bucket `{bucket}`: {}{message}",
            code.map(|c| format!("{c}: ")).unwrap_or_default()
        )),
    }
}

/// Upload `body` into the bucket's own region; returns the `s3://` URI. Errors say what failed
/// and where.
pub async fn upload(
    aws: &Aws,
    target: &S3Target,
    key: &str,
    body: &std::path::Path,
    extension: &str,
    kms_key: Option<&str>,
) -> anyhow::Result<String> {
    let uri = format!("s3://{}/{key}", target.bucket);
    let region = find_bucket_region(aws, &target.bucket).await?;
    let client = aws.s3(&aws.base, "delivery", &region);
    let mut put = client
        .put_object()
        .bucket(&target.bucket)
        .key(key)
        .content_type(content_type(extension))
        .body(
            ByteStream::from_path(body)
                .await
                .map_err(|e| anyhow!("could not read the report {}: {e}", body.display()))?,
        );
    put = match kms_key {
        Some(k) => put
            .server_side_encryption(ServerSideEncryption::AwsKms)
            .ssekms_key_id(k),
        None => put.server_side_encryption(ServerSideEncryption::Aes256),
    };
    put.send().await.map_err(|e| {
        let err = crate::aws::collection_error("s3", "PutObject", Some(&region), Some(&uri), &e);
        anyhow!(
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
    fn the_bucket_region_comes_from_head_bucket_whatever_the_status() {
        // A bucket in another region answers the home endpoint with 301, a bucket whose policy
        // denies the caller with 403: both still name the region.
        for status in [200, 301, 400, 403] {
            assert_eq!(
                bucket_region_of(Some(status), Some("eu-central-1"), None),
                BucketRegion::Found("eu-central-1".into())
            );
        }
        assert_eq!(
            bucket_region_of(Some(404), None, None),
            BucketRegion::Missing
        );
        assert_eq!(
            bucket_region_of(Some(403), None, None),
            BucketRegion::Denied
        );
        assert_eq!(
            bucket_region_of(None, None, Some((None, "timeout".into()))),
            BucketRegion::Unknown {
                code: None,
                message: "timeout".into()
            }
        );
    }

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
