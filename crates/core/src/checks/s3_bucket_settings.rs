//! Per-bucket settings that are a single value: ownership, encryption, versioning, logging.

use super::s3_buckets::{bucket_region, for_each_bucket};
use super::{CheckDef, CheckResult, Context, Input, Results};
use crate::inventory::{Bucket, Collected};

pub const ACLS_DISABLED: CheckDef = CheckDef {
    id: "s3-bucket-acls-disabled",
    input: Input::OneAccount,
    evaluate: |ctx| {
        setting(ctx, "s3-bucket-acls-disabled", |b| {
            judge(&b.object_ownership, "object_ownership", |v| match v {
                Some(o) if o == "BucketOwnerEnforced" => {
                    (true, "ACLs are disabled (BucketOwnerEnforced)".into())
                }
                Some(o) => (
                    false,
                    format!("Object Ownership is {o}, so ACLs still grant access"),
                ),
                None => (
                    false,
                    "no Object Ownership setting, so ACLs still grant access".into(),
                ),
            })
        })
    },
};

pub const DEFAULT_ENCRYPTION: CheckDef = CheckDef {
    id: "s3-bucket-default-encryption",
    input: Input::OneAccount,
    evaluate: |ctx| {
        setting(ctx, "s3-bucket-default-encryption", |b| {
            // Since 2023-01-05 S3 applies SSE-S3 to every bucket, so on AWS this passes; what it
            // records is which encryption, and whether a KMS key policy also gates reads.
            judge(&b.default_encryption, "default_encryption", |v| match v {
                Some(algs) if !algs.is_empty() => (
                    true,
                    format!(
                        "default encryption {}",
                        algs.iter()
                            .map(|a| describe_sse(a))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
                _ => (false, "no default encryption configuration".into()),
            })
        })
    },
};

pub const VERSIONING: CheckDef = CheckDef {
    id: "s3-bucket-versioning",
    input: Input::OneAccount,
    evaluate: |ctx| {
        setting(ctx, "s3-bucket-versioning", |b| {
            judge(&b.versioning, "versioning", |v| match v.as_deref() {
                Some("Enabled") => (true, "versioning is enabled".into()),
                Some(other) => (false, format!("versioning is {other}")),
                None => (false, "versioning was never enabled".into()),
            })
        })
    },
};

pub const ACCESS_LOGGING: CheckDef = CheckDef {
    id: "s3-bucket-access-logging",
    input: Input::OneAccount,
    evaluate: |ctx| {
        setting(ctx, "s3-bucket-access-logging", |b| {
            judge(&b.logging_target, "logging_target", |v| match v {
                Some(t) => (true, format!("server access logs go to {t}")),
                None => (false, "server access logging is off".into()),
            })
        })
    },
};

/// An SSE algorithm as a reader knows it, with what it implies for access control.
fn describe_sse(alg: &str) -> String {
    match alg {
        "AES256" => "SSE-S3 (AES256: keys managed by S3, no KMS key policy gates reads)".into(),
        "aws:kms" => "SSE-KMS (aws:kms: the KMS key policy also gates reads)".into(),
        "aws:kms:dsse" => "DSSE-KMS (aws:kms:dsse: the KMS key policy also gates reads)".into(),
        other => other.to_string(),
    }
}

type Verdict = Result<(bool, String, &'static str, String), String>;

fn judge<T: std::fmt::Debug>(
    data: &Collected<T>,
    field: &'static str,
    f: impl Fn(&T) -> (bool, String),
) -> Verdict {
    match data {
        Collected::Ok(v) => {
            let (ok, msg) = f(v);
            Ok((ok, msg, field, format!("{v:?}")))
        }
        Collected::Failed(e) => Err(format!("not assessed: {e}")),
    }
}

fn setting(ctx: &Context, check: &'static str, f: impl Fn(&Bucket) -> Verdict) -> Vec<CheckResult> {
    let mut out = Results::new(check);
    for_each_bucket(ctx, &mut out, |out, acct, _, b, arn| {
        let id = &acct.account_id;
        let region = bucket_region(b);
        match f(b) {
            Err(reason) => {
                out.not_assessed(id, region, arn, reason);
            }
            Ok((ok, msg, field, value)) => {
                let msg = format!("{}: {msg}", b.name);
                if ok {
                    out.pass(id, region, arn, msg);
                } else {
                    out.fail(id, region, arn, msg);
                }
                out.evidence(format!("bucket.{field}"), value);
            }
        }
    });
    out.items
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn settings() {
        let mut inv = base_inventory();
        let good = bucket("good");
        let mut bad = bucket("bad");
        bad.object_ownership = Collected::Ok(Some("ObjectWriter".into()));
        bad.default_encryption = Collected::Ok(None);
        bad.versioning = Collected::Ok(Some("Suspended".into()));
        bad.logging_target = Collected::Failed(denied("GetBucketLogging"));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![good, bad]);
        assert_eq!(
            statuses(&inv, "s3-bucket-acls-disabled"),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "s3-bucket-default-encryption"),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "s3-bucket-versioning"),
            vec![Status::Pass, Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "s3-bucket-access-logging"),
            vec![Status::Pass, Status::NotAssessed]
        );
    }

    /// Audit finding 20: every bucket has SSE-S3 since 2023-01-05, so the check records which
    /// encryption applies and whether a KMS key policy also gates reads.
    #[test]
    fn default_encryption_names_the_encryption() {
        let mut inv = base_inventory();
        let mut sse_s3 = bucket("sse-s3");
        sse_s3.default_encryption = Collected::Ok(Some(vec!["AES256".into()]));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![bucket("kms"), sse_s3]);
        let r = results(&inv, "s3-bucket-default-encryption");
        assert_eq!(r[0].status, Status::Pass);
        assert!(r[0].message.contains("SSE-KMS"), "{}", r[0].message);
        assert_eq!(r[1].status, Status::Pass);
        assert!(
            r[1].message.contains("SSE-S3") && r[1].message.contains("no KMS key policy"),
            "{}",
            r[1].message
        );
    }
}
