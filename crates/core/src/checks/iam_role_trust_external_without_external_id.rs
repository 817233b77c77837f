//! Role trust policies: accounts outside the organization that can assume the role without
//! `sts:ExternalId`. An RCP above the account that denies `sts:AssumeRole` to every principal
//! outside the organization closes that path (the confused deputy needs the outside account to
//! get in at all).

use super::shared::iam::each_role_trust;
use super::shared::layers::role_trust_rcps;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-role-trust-external-without-external-id",
    run: |ctx, out| {
        each_role_trust(ctx, out, |out, role, t| {
            let name = &role.role_name;
            let external = &t.external_without_external_id;
            if external.is_empty() {
                out.pass(role, format!("role {name} trusts no account outside the organization without an external id"));
            } else {
                let accts: Vec<&str> = external.iter().map(|(a, _)| a.as_str()).collect();
                let accts = accts.join(", ");
                let statements: Vec<String> = external.iter().map(|(_, st)| st.clone()).collect();
                let rcps = role_trust_rcps(
                    ctx.organization,
                    role.account_id(),
                    &role.arn,
                    role.tags.as_ref(),
                    role.trust_policy.as_deref(),
                    &statements,
                    ctx.boundary(),
                );
                if rcps.confines_all() {
                    out.pass(
                        role,
                        format!(
                            "role {name} trusts {accts} outside the organization without sts:ExternalId; {}",
                            rcps.confined_by()
                        ),
                    );
                } else {
                    out.fail(role, format!("role {name} can be assumed from outside the organization without sts:ExternalId by {accts}"));
                }
                for (a, st) in external {
                    out.evidence(format!("trust_policy.{st}"), a);
                }
                rcps.evidence(out);
            }
            if !t.services.is_empty() {
                out.evidence("trusted_services", t.services.join(", "));
            }
            if !t.federated.is_empty() {
                out.evidence("trusted_federated_providers", t.federated.join(", "));
            }
        });
    },
};
