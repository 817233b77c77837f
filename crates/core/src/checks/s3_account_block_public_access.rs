use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-account-block-public-access",
    run: |ctx, out| {
        let accounts = out.s3(ctx);
        for (s3, bpa) in out.each_collected(accounts, |s3| &s3.account_public_access_block) {
            match bpa {
                None => {
                    out.fail(
                        &s3,
                        "account-level S3 Block Public Access is not configured",
                    );
                }
                Some(b) if b.all_enabled() => {
                    out.pass(
                        &s3,
                        "all four account-level S3 Block Public Access settings are on",
                    );
                }
                Some(b) => {
                    out.fail(
                        &s3,
                        "some account-level S3 Block Public Access settings are off",
                    )
                    .with("account.public_access_block", format!("{b:?}"));
                }
            }
        }
    },
};
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, PublicAccessBlock};

    /// Absent, partial, unreadable.
    #[test]
    fn account_bpa() {
        let partial = PublicAccessBlock {
            restrict_public_buckets: false,
            ..block_all()
        };
        for (block, want) in [
            (Collected::Ok(None), Status::Fail),
            (Collected::Ok(Some(partial)), Status::Fail),
            (
                Collected::Failed(denied("GetPublicAccessBlock")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = base_inventory();
            s3_mut(&mut inv).account_public_access_block = block;
            assert_statuses(&inv, "s3-account-block-public-access", &[want]);
        }
    }
}
