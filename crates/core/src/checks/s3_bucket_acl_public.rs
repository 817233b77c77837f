use super::s3_buckets::{bucket_region, effective_bpa, effective_exposure, for_each_bucket};
use super::{CheckDef, Input, Results};
use crate::inventory::{ALL_USERS_URI, AUTHENTICATED_USERS_URI};

pub const CHECK: CheckDef = CheckDef {
    id: "s3-bucket-acl-public",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("s3-bucket-acl-public");
        for_each_bucket(ctx, &mut out, |out, acct, s3, b, arn| {
            let id = &acct.account_id;
            let region = bucket_region(b);
            let Some(grants) = out.collected(&b.acl_grants, id, region, arn) else {
                return;
            };
            let public: Vec<String> = grants
                .iter()
                .filter(|g| {
                    matches!(
                        g.grantee_uri.as_deref(),
                        Some(ALL_USERS_URI) | Some(AUTHENTICATED_USERS_URI)
                    )
                })
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
                    id,
                    region,
                    arn,
                    format!(
                        "the ACL of {} grants nothing to AllUsers or AuthenticatedUsers",
                        b.name
                    ),
                );
                return;
            }
            match effective_bpa(s3, b) {
                Err(reason) => {
                    out.not_assessed(
                        id,
                        region,
                        arn,
                        format!("not assessed: the ACL has public grants, and {reason}"),
                    );
                }
                Ok(bpa) if bpa.settings.ignore_public_acls => {
                    let layer = bpa.layer(|p| p.ignore_public_acls);
                    out.pass(id, region, arn, format!("the ACL of {} has public grants, but IgnorePublicAcls ({layer} level) makes S3 ignore them", b.name));
                }
                Ok(_) => {
                    out.fail(
                        id,
                        region,
                        arn,
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
            out.evidence("effective_exposure", effective_exposure(s3, b));
        });
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{ALL_USERS_URI, AclGrant, Collected, PublicAccessBlock};

    #[test]
    fn all_users_grant() {
        let mut inv = base_inventory();
        let mut b = bucket("data");
        b.acl_grants = Collected::Ok(vec![AclGrant {
            grantee_type: "Group".into(),
            grantee_uri: Some(ALL_USERS_URI.into()),
            grantee_id: None,
            permission: "READ".into(),
        }]);
        b.public_access_block = Collected::Ok(None);
        s3_mut(&mut inv).buckets = Collected::Ok(vec![b.clone()]);
        assert_eq!(statuses(&inv, "s3-bucket-acl-public"), vec![Status::Fail]);
        b.public_access_block = Collected::Ok(Some(PublicAccessBlock {
            ignore_public_acls: true,
            ..Default::default()
        }));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![b]);
        assert_eq!(statuses(&inv, "s3-bucket-acl-public"), vec![Status::Pass]);
    }
}
