use super::shared::s3::bucket_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-access-logging",
    run: |ctx, out| bucket_setting(ctx, out, "logging_target", |b| &b.logging_target, judge),
};

/// On when the bucket names a target for its server access logs.
fn judge(target: &Option<String>) -> (bool, String) {
    match target {
        Some(t) => (true, format!("server access logs go to {t}")),
        None => (false, "server access logging is off".into()),
    }
}
