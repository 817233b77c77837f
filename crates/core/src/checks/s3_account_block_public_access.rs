use super::shared::org_policies::S3PolicyLayer;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-account-block-public-access",
    run: |ctx, out| {
        for s3 in out.s3(ctx) {
            let Some(bpa) = out.collected(&s3, &s3.account_public_access_block) else {
                continue;
            };
            // GetPublicAccessBlock reports the effective settings, those an S3 policy of the
            // organization enforces included: the policy only names the source.
            let org = S3PolicyLayer::of(ctx.organization, &s3.account.account_id);
            match bpa {
                None => {
                    out.fail(
                        &s3,
                        "account-level S3 Block Public Access is not configured",
                    );
                }
                Some(b) if b.all_enabled() => {
                    let msg = match org.enforcing(Some(b)) {
                        Some(policy) => format!(
                            "all four account-level S3 Block Public Access settings are on, enforced by the organization's {policy}"
                        ),
                        None => {
                            "all four account-level S3 Block Public Access settings are on".into()
                        }
                    };
                    out.pass(&s3, msg);
                }
                Some(b) => {
                    out.fail(
                        &s3,
                        "some account-level S3 Block Public Access settings are off",
                    )
                    .with("account.public_access_block", format!("{b:?}"));
                }
            }
            org.evidence(out, bpa.as_ref());
        }
    },
};
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Inventory, PublicAccessBlock};

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

    const ALL: &str =
        r#"{"s3_attributes":{"public_access_block_configuration":{"@@assign":"all"}}}"#;

    fn all_on() -> PublicAccessBlock {
        PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        }
    }

    /// An S3 policy (`public_access_block_configuration` `all`,
    /// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_s3_syntax.html)
    /// enforces the account level, and GetPublicAccessBlock "returns the effective
    /// account-level configuration, which may inherit from organization-level policies"
    /// (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html):
    /// the verdict follows what the call reports, and names the policy as the source.
    /// An account with every setting on, under the S3 policy `ALL` attached to `target`.
    fn under_s3_policy(target: &str) -> Inventory {
        let mut inv = org_with_policy("p-s3bpa", "BlockPublicAccess", "S3_POLICY", ALL, &[target]);
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(Some(all_on()));
        inv
    }

    #[test]
    fn s3_policy_is_the_source() {
        let mut inv = under_s3_policy("r-root");
        let r = &results(&inv, "s3-account-block-public-access")[0];
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert!(
            r.message
                .contains("enforced by the organization's S3 policy BlockPublicAccess (p-s3bpa)"),
            "{r:?}"
        );
        assert_evidence(r, "S3_POLICY BlockPublicAccess (p-s3bpa)", |v| {
            v == "public_access_block_configuration=all; attached to r-root"
        });

        // The policy is attached but the call does not report the settings (not propagated,
        // or not applied): still a fail, with the policy as evidence.
        s3_mut(&mut inv).account_public_access_block = Collected::Ok(None);
        let r = &results(&inv, "s3-account-block-public-access")[0];
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert_evidence_path(r, "S3_POLICY p-s3bpa not in effect");

        // The call failed: the policy does not turn the unknown into a pass.
        s3_mut(&mut inv).account_public_access_block =
            Collected::Failed(denied("GetPublicAccessBlock"));
        assert_eq!(
            statuses(&inv, "s3-account-block-public-access"),
            vec![Status::NotAssessed]
        );

        // Attached to another OU: not the source.
        let inv = under_s3_policy("ou-sec");
        let r = &results(&inv, "s3-account-block-public-access")[0];
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert!(!r.message.contains("S3 policy"), "{r:?}");
    }
}
