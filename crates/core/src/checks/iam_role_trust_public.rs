//! Role trust policies: can any AWS principal assume the role?

use super::shared::iam::each_role_trust;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-role-trust-public",
    run: |ctx, out| {
        each_role_trust(ctx, out, |out, role, t| {
            let name = &role.role_name;
            if t.public.is_empty() {
                out.pass(
                    role,
                    format!("role {name} cannot be assumed by any AWS principal"),
                );
            } else {
                out.fail(
                    role,
                    format!("any AWS principal in any account can assume role {name}"),
                )
                .with("trust_policy", t.public.join(", "));
            }
        });
    },
};
