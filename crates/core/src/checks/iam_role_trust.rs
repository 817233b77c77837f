//! Role trust policies: who can assume each role.

use super::{CheckDef, CheckResult, Context, Input, Results, account_resource};
use crate::inventory::IamRole;
use crate::policy::{self, Boundary, TrustAnalysis};

pub const PUBLIC: CheckDef = CheckDef {
    id: "iam-role-trust-public",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_role(ctx, "iam-role-trust-public", |out, id, role, t| {
            if t.public.is_empty() {
                out.pass(
                    id,
                    None,
                    &role.arn,
                    format!(
                        "role {} cannot be assumed by any AWS principal",
                        role.role_name
                    ),
                );
            } else {
                out.fail(
                    id,
                    None,
                    &role.arn,
                    format!(
                        "any AWS principal in any account can assume role {}",
                        role.role_name
                    ),
                )
                .with("trust_policy", t.public.join(", "));
            }
        })
    },
};

pub const EXTERNAL_WITHOUT_EXTERNAL_ID: CheckDef = CheckDef {
    id: "iam-role-trust-external-without-external-id",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_role(
            ctx,
            "iam-role-trust-external-without-external-id",
            |out, id, role, t| {
                if t.external_without_external_id.is_empty() {
                    out.pass(id, None, &role.arn, format!("role {} trusts no account outside the organization without an external id", role.role_name));
                } else {
                    let accts: Vec<&str> = t
                        .external_without_external_id
                        .iter()
                        .map(|(a, _)| a.as_str())
                        .collect();
                    out.fail(id, None, &role.arn, format!("role {} can be assumed from outside the organization without sts:ExternalId by {}", role.role_name, accts.join(", ")));
                    for (a, st) in &t.external_without_external_id {
                        out.evidence(format!("trust_policy.{st}"), a);
                    }
                }
                if !t.services.is_empty() {
                    out.evidence("trusted_services", t.services.join(", "));
                }
                if !t.federated.is_empty() {
                    out.evidence("trusted_federated_providers", t.federated.join(", "));
                }
            },
        )
    },
};

fn per_role(
    ctx: &Context,
    check: &'static str,
    mut f: impl FnMut(&mut Results, &str, &IamRole, &TrustAnalysis),
) -> Vec<CheckResult> {
    let boundary: &Boundary = ctx.boundary();
    let mut out = Results::new(check);
    for acct in out.accessible_accounts(ctx) {
        let id = &acct.account_id;
        let res = account_resource(id);
        let Some(iam) = out.collected(&acct.iam, id, None, &res) else {
            continue;
        };
        let Some(roles) = out.collected(&iam.roles, id, None, &res) else {
            continue;
        };
        for role in roles {
            let Some(text) = &role.trust_policy else {
                out.not_assessed(
                    id,
                    None,
                    &role.arn,
                    format!(
                        "not assessed: IAM returned no trust policy for role {}",
                        role.role_name
                    ),
                );
                continue;
            };
            match policy::parse(text) {
                Ok(p) => f(&mut out, id, role, &policy::trust(&p, boundary)),
                Err(e) => {
                    out.not_assessed(
                        id,
                        None,
                        &role.arn,
                        format!(
                            "not assessed: the trust policy of {} could not be analysed: {e}",
                            role.role_name
                        ),
                    );
                }
            }
        }
    }
    out.items
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, IamRole};

    #[test]
    fn trust_checks() {
        let mut inv = org_inventory();
        let role = |name: &str, policy: &str| IamRole {
            role_name: name.into(),
            arn: format!("arn:aws:iam::{ACCOUNT}:role/{name}"),
            path: "/".into(),
            trust_policy: Some(policy.into()),
        };
        iam_mut(&mut inv).roles = Collected::Ok(vec![
            role(
                "ec2",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            ),
            role(
                "vendor",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}]}"#,
            ),
            role(
                "open",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
            ),
        ]);
        assert_eq!(
            statuses(&inv, "iam-role-trust-public"),
            vec![Status::Pass, Status::Pass, Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "iam-role-trust-external-without-external-id"),
            vec![Status::Pass, Status::Fail, Status::Pass]
        );
        iam_mut(&mut inv).roles = Collected::Failed(denied("ListRoles"));
        assert_eq!(
            statuses(&inv, "iam-role-trust-public"),
            vec![Status::NotAssessed]
        );
    }
}
