use super::shared::s3::bucket_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "s3-bucket-access-logging",
    run: |ctx, out| {
        bucket_setting(
            ctx,
            out,
            "logging_target",
            |b| &b.logging_target,
            |v| match v {
                Some(t) => (true, format!("server access logs go to {t}")),
                None => (false, "server access logging is off".into()),
            },
        )
    },
};
