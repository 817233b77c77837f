//! Account password policy: reuse prevention. A missing policy is a failure, not an error.

use super::shared::iam::password_policy_at_least;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-password-policy-reuse",
    run: |ctx, out| {
        let min = ctx.thresholds.password_reuse_prevention;
        password_policy_at_least(ctx, out, "PasswordReusePrevention", min, |p| {
            p.password_reuse_prevention
        });
    },
};
