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

    #[test]
    fn account_bpa() {
        let mut inv = base_inventory();
        assert_eq!(
            statuses(&inv, "s3-account-block-public-access"),
            vec![Status::Fail]
        );
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(Some(PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: false,
        }));
        assert_eq!(
            statuses(&inv, "s3-account-block-public-access"),
            vec![Status::Fail]
        );
        s3_mut(&mut inv).account_public_access_block =
            Collected::Failed(denied("GetPublicAccessBlock"));
        assert_eq!(
            statuses(&inv, "s3-account-block-public-access"),
            vec![Status::NotAssessed]
        );
    }
}
