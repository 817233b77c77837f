use super::shared::s3::{effective_bpa, effective_exposure, public_acl_grants};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-acl-public",
    run: |ctx, out| {
        for (b, s3) in out.buckets(ctx) {
            let Some(grants) = out.collected(&b, &b.acl_grants) else {
                continue;
            };
            let public: Vec<String> = public_acl_grants(grants)
                .map(|g| {
                    format!(
                        "{} -> {}",
                        g.grantee_uri.as_deref().unwrap_or(""),
                        g.permission
                    )
                })
                .collect();
            if public.is_empty() {
                out.pass(
                    &b,
                    format!(
                        "the ACL of {} grants nothing to AllUsers or AuthenticatedUsers",
                        b.name
                    ),
                );
                continue;
            }
            match effective_bpa(s3, &b)
                .map(|x| x.enforced_by(ctx.organization, &b.account.account_id))
            {
                Err(reason) => {
                    out.not_assessed(&b, reason.after("the ACL has public grants, and "));
                }
                Ok(bpa) if bpa.settings.ignore_public_acls => {
                    let layer = bpa.layer(|p| p.ignore_public_acls);
                    out.pass(&b, format!("the ACL of {} has public grants, but IgnorePublicAcls ({layer} level) makes S3 ignore them", b.name));
                    if layer == "account" {
                        bpa.source_evidence(out);
                    }
                }
                Ok(_) => {
                    out.fail(
                        &b,
                        format!(
                            "the ACL of {} grants access to everyone and IgnorePublicAcls is off",
                            b.name
                        ),
                    );
                }
            }
            for g in public {
                out.evidence("acl.grant", g);
            }
            out.evidence("effective_exposure", effective_exposure(s3, &b));
        }
    },
};
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, PublicAccessBlock};

    /// A public grant fails unless the bucket's Block Public Access ignores public ACLs.
    #[test]
    fn all_users_grant() {
        let ignore = PublicAccessBlock {
            ignore_public_acls: true,
            ..Default::default()
        };
        for (block, want) in [(None, Status::Fail), (Some(ignore), Status::Pass)] {
            let mut b = bucket("data");
            b.acl_grants = Collected::Ok(vec![all_users_read()]);
            b.public_access_block = Collected::Ok(block);
            let inv = inventory_with_buckets(vec![b]);
            assert_statuses(&inv, "s3-bucket-acl-public", &[want]);
        }
    }
}
