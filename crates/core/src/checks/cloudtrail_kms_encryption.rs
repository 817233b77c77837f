use crate::check::Check;

/// Each trail of the account encrypts its log files with a KMS key (`KmsKeyId`), not only with
/// the bucket's SSE-S3 default.
pub const CHECK: Check = Check {
    id: "cloudtrail-kms-encryption",
    run: |ctx, out| {
        for t in out.trails(ctx) {
            let name = &t.name;
            match &t.kms_key_id {
                Some(key) => {
                    out.pass(
                        &t,
                        format!("trail {name} encrypts its log files with KMS key {key}"),
                    );
                }
                None => {
                    out.fail(
                        &t,
                        format!("trail {name} does not encrypt its log files with a KMS key (SSE-S3 only)"),
                    );
                }
            }
            out.evidence(
                "Trail.KmsKeyId",
                t.kms_key_id.as_deref().unwrap_or("(none)"),
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    const ID: &str = "cloudtrail-kms-encryption";

    #[test]
    fn kms_key_or_sse_s3_only() {
        let with = trail("t", true, true);
        let mut without = trail("u", true, true);
        without.kms_key_id = None;
        let r = results(&inventory_with_trails(vec![with, without]), ID);
        assert_result(&r[0], Status::Pass, &["KMS key arn:aws:kms:"]);
        assert_result(&r[1], Status::Fail, &["SSE-S3 only"]);
        let mut inv = base_inventory();
        region_mut(&mut inv).cloudtrail = Collected::Failed(denied("DescribeTrails"));
        assert_statuses(&inv, ID, &[Status::NotAssessed]);
    }
}
