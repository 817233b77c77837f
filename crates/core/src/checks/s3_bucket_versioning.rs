use super::shared::s3::bucket_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-versioning",
    run: |ctx, out| bucket_setting(ctx, out, "versioning", |b| &b.versioning, judge),
};

/// Enabled is the only good state: Suspended keeps the old versions but makes no new ones.
fn judge(status: &Option<String>) -> (bool, String) {
    match status.as_deref() {
        Some("Enabled") => (true, "versioning is enabled".into()),
        Some(other) => (false, format!("versioning is {other}")),
        None => (false, "versioning was never enabled".into()),
    }
}
