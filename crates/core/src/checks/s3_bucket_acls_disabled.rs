use super::shared::s3::bucket_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-acls-disabled",
    run: |ctx, out| {
        bucket_setting(
            ctx,
            out,
            "object_ownership",
            |b| &b.object_ownership,
            |v| match v {
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
            },
        )
    },
};
