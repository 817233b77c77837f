use super::shared::s3::bucket_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-acls-disabled",
    run: |ctx, out| bucket_setting(ctx, out, "object_ownership", |b| &b.object_ownership, judge),
};

/// Only BucketOwnerEnforced turns ACLs off; any other Object Ownership, or none, leaves them on.
fn judge(ownership: &Option<String>) -> (bool, String) {
    let still = "so ACLs still grant access";
    match ownership.as_deref() {
        Some("BucketOwnerEnforced") => (true, "ACLs are disabled (BucketOwnerEnforced)".into()),
        Some(o) => (false, format!("Object Ownership is {o}, {still}")),
        None => (false, format!("no Object Ownership setting, {still}")),
    }
}
