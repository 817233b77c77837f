use super::shared::s3::bucket_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-default-encryption",
    // Since 2023-01-05 S3 applies SSE-S3 to every bucket, so on AWS this passes; what it
    // records is which encryption, and whether a KMS key policy also gates reads.
    run: |ctx, out| {
        bucket_setting(
            ctx,
            out,
            "default_encryption",
            |b| &b.default_encryption,
            judge,
        )
    },
};

/// Encrypted when the bucket has at least one default encryption rule.
fn judge(algorithms: &Option<Vec<String>>) -> (bool, String) {
    match algorithms {
        Some(algs) if !algs.is_empty() => {
            let described: Vec<String> = algs.iter().map(|a| describe_sse(a)).collect();
            (true, format!("default encryption {}", described.join(", ")))
        }
        _ => (false, "no default encryption configuration".into()),
    }
}

/// An SSE algorithm as a reader knows it, with what it implies for access control.
fn describe_sse(alg: &str) -> String {
    match alg {
        "AES256" => "SSE-S3 (AES256: keys managed by S3, no KMS key policy gates reads)".into(),
        "aws:kms" => "SSE-KMS (aws:kms: the KMS key policy also gates reads)".into(),
        "aws:kms:dsse" => "DSSE-KMS (aws:kms:dsse: the KMS key policy also gates reads)".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    /// Audit finding 20: every bucket has SSE-S3 since 2023-01-05, so the check records which
    /// encryption applies and whether a KMS key policy also gates reads.
    #[test]
    fn default_encryption_names_the_encryption() {
        let mut sse_s3 = bucket("sse-s3");
        sse_s3.default_encryption = Collected::Ok(Some(vec!["AES256".into()]));
        let inv = inventory_with_buckets(vec![bucket("kms"), sse_s3]);
        let r = results(&inv, "s3-bucket-default-encryption");
        assert_result(&r[0], Status::Pass, &["SSE-KMS"]);
        assert_result(&r[1], Status::Pass, &["SSE-S3", "no KMS key policy"]);
    }
}
