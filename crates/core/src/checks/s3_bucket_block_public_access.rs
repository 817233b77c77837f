use super::shared::s3::effective_bpa;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-block-public-access",
    run: |ctx, out| {
        for (b, s3) in out.buckets(ctx) {
            let bpa = match effective_bpa(s3, &b) {
                Ok(bpa) => bpa,
                Err(reason) => {
                    out.not_assessed(&b, reason);
                    continue;
                }
            };
            let s = bpa.settings;
            let off: Vec<&str> = [
                ("BlockPublicAcls", s.block_public_acls),
                ("IgnorePublicAcls", s.ignore_public_acls),
                ("BlockPublicPolicy", s.block_public_policy),
                ("RestrictPublicBuckets", s.restrict_public_buckets),
            ]
            .into_iter()
            .filter(|(_, on)| !on)
            .map(|(n, _)| n)
            .collect();
            if off.is_empty() {
                out.pass(
                    &b,
                    format!(
                        "Block Public Access is fully on for {} (bucket or account level)",
                        b.name
                    ),
                );
            } else {
                out.fail(
                    &b,
                    format!(
                        "Block Public Access settings off for {} at both bucket and account level: {}",
                        b.name,
                        off.join(", ")
                    ),
                );
            }
            out.evidence("bucket.public_access_block", format!("{:?}", bpa.bucket))
                .evidence("account.public_access_block", format!("{:?}", bpa.account));
        }
    },
};
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn either_layer_counts() {
        let mut b = bucket("b");
        b.public_access_block = Collected::Ok(None);
        let mut inv = inventory_with_buckets(vec![b]);
        assert_statuses(&inv, "s3-bucket-block-public-access", &[Status::Fail]);
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(Some(block_all()));
        assert_statuses(&inv, "s3-bucket-block-public-access", &[Status::Pass]);
    }
}
