//! Role trust policies: can any AWS principal assume the role? An RCP above the account that
//! denies `sts:AssumeRole` to every principal outside the organization confines a public trust.

use super::shared::iam::each_role_trust;
use super::shared::layers::role_trust_rcps;
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
                return;
            }
            let rcps = role_trust_rcps(
                ctx.organization,
                role.account_id(),
                &role.arn,
                role.tags.as_ref(),
                role.trust_policy.as_deref(),
                &t.public,
                ctx.boundary(),
            );
            if rcps.confines_all() {
                out.pass(
                    role,
                    format!(
                        "the trust policy of role {name} lets any AWS principal assume it; {}",
                        rcps.confined_by()
                    ),
                )
                .with("trust_policy", t.public.join(", "));
            } else {
                out.fail(
                    role,
                    format!("any AWS principal in any account can assume role {name}"),
                )
                .with("trust_policy", t.public.join(", "));
            }
            rcps.evidence(out);
        });
    },
};
