//! Account password policy: minimum length. A missing policy is a failure, not an error.

use super::shared::iam::password_policy_at_least;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-password-policy-length",
    run: |ctx, out| {
        let min = ctx.thresholds.password_min_length;
        password_policy_at_least(ctx, out, "MinimumPasswordLength", min, |p| {
            p.minimum_password_length
        });
    },
};
