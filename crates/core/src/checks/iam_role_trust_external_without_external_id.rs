//! Role trust policies: accounts outside the organization that can assume the role without
//! `sts:ExternalId`.

use super::shared::iam::each_role_trust;
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
                out.fail(role, format!("role {name} can be assumed from outside the organization without sts:ExternalId by {accts}"));
                for (a, st) in external {
                    out.evidence(format!("trust_policy.{st}"), a);
                }
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
