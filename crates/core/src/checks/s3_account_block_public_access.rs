use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "s3-account-block-public-access",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("s3-account-block-public-access");
        for acct in out.accessible_accounts(ctx) {
            let id = &acct.account_id;
            let res = account_resource(id);
            let Some(s3) = out.collected(&acct.s3, id, None, &res) else {
                continue;
            };
            let Some(bpa) = out.collected(&s3.account_public_access_block, id, None, &res) else {
                continue;
            };
            match bpa {
                None => {
                    out.fail(
                        id,
                        None,
                        &res,
                        "account-level S3 Block Public Access is not configured",
                    );
                }
                Some(b) if b.all_enabled() => {
                    out.pass(
                        id,
                        None,
                        &res,
                        "all four account-level S3 Block Public Access settings are on",
                    );
                }
                Some(b) => {
                    out.fail(
                        id,
                        None,
                        &res,
                        "some account-level S3 Block Public Access settings are off",
                    )
                    .with("account.public_access_block", format!("{b:?}"));
                }
            }
        }
        out.items
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
