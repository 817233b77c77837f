use crate::check::{OrgCheck, Reason, Role, organization_part};

/// The security services the SRA administers from the Security Tooling account, by service
/// principal, and whether the SRA treats the service as optional.
const BACKBONE: &[(&str, &str, bool)] = &[
    ("cloudtrail.amazonaws.com", "CloudTrail", false),
    ("config.amazonaws.com", "AWS Config", false),
    ("guardduty.amazonaws.com", "GuardDuty", false),
    ("securityhub.amazonaws.com", "Security Hub", false),
    (
        "access-analyzer.amazonaws.com",
        "IAM Access Analyzer",
        false,
    ),
    ("inspector2.amazonaws.com", "Amazon Inspector", false),
    ("macie.amazonaws.com", "Amazon Macie", false),
    ("detective.amazonaws.com", "Amazon Detective", true),
];

pub const CHECK: OrgCheck = OrgCheck {
    id: "org-security-services-delegated",
    run: |ctx, out| {
        let Some((org, admins)) = out.organization_part(ctx, |o| &o.delegated_administrators)
        else {
            return;
        };
        let tooling = ctx.sra_accounts().get(Role::SecurityTooling);
        for &(principal, title, optional) in BACKBONE {
            let on = organization_part(org, &format!("delegated-administrator/{principal}"));
            let delegated: Vec<&crate::inventory::DelegatedAdministrator> = admins
                .iter()
                .filter(|a| a.service_principals.iter().any(|s| s == principal))
                .collect();
            let named = |a: &crate::inventory::DelegatedAdministrator| match &a.account_name {
                Some(n) => format!("{} ({n})", a.account_id),
                None => a.account_id.clone(),
            };
            if delegated.is_empty() {
                if optional {
                    out.not_applicable(
                        &on,
                        format!("{title} has no delegated administrator: the organization does not use it from a member account (optional in the SRA)"),
                    );
                } else {
                    out.fail(
                        &on,
                        format!("{title} has no delegated administrator: it is run from the management account or not organization-wide"),
                    );
                }
                continue;
            }
            let Some(tooling) = tooling else {
                out.not_assessed(
                    &on,
                    Reason::undecidable(format!(
                        "{title} is delegated to {}, but {}",
                        delegated
                            .iter()
                            .map(|a| named(a))
                            .collect::<Vec<_>>()
                            .join(", "),
                        ctx.sra_accounts().why_unknown(Role::SecurityTooling)
                    )),
                );
                continue;
            };
            let elsewhere: Vec<String> = delegated
                .iter()
                .filter(|a| a.account_id != tooling.account_id)
                .map(|a| named(a))
                .collect();
            if elsewhere.is_empty() {
                out.pass(
                    &on,
                    format!(
                        "{title} is administered from the Security Tooling account {} ({})",
                        tooling.account_id, tooling.source
                    ),
                );
            } else {
                out.fail(
                    &on,
                    format!(
                        "{title} is delegated to {} instead of the Security Tooling account {} ({})",
                        elsewhere.join(", "),
                        tooling.account_id,
                        tooling.source
                    ),
                );
            }
            out.evidence("ServicePrincipal", principal);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, DelegatedAdministrator, OrgAccount};

    fn admin(id: &str, name: &str, principals: &[&str]) -> DelegatedAdministrator {
        DelegatedAdministrator {
            account_id: id.into(),
            account_name: Some(name.into()),
            service_principals: principals.iter().map(|p| p.to_string()).collect(),
        }
    }

    /// The organization fixture with a "Security Tooling" account in the Security OU (or not).
    fn org(with_tooling: bool, admins: Vec<DelegatedAdministrator>) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let o = org_mut(&mut inv);
        if with_tooling {
            o.accounts.push(OrgAccount {
                id: "222222222222".into(),
                name: "Security Tooling".into(),
                email: None,
                state: "ACTIVE".into(),
                parent_id: Some("ou-sec".into()),
            });
        }
        o.delegated_administrators = Collected::Ok(admins);
        inv
    }

    #[track_caller]
    fn service(inv: &crate::inventory::Inventory, principal: &str) -> Status {
        let all = results(inv, "org-security-services-delegated");
        assert_eq!(all.len(), 8, "one result per backbone service");
        status_of(&all, principal)
    }

    #[test]
    fn each_service_judged_against_the_security_tooling_account() {
        let inv = org(
            true,
            vec![
                admin(
                    "222222222222",
                    "Security Tooling",
                    &["guardduty.amazonaws.com", "securityhub.amazonaws.com"],
                ),
                admin("444444444444", "network", &["inspector2.amazonaws.com"]),
            ],
        );
        assert_eq!(service(&inv, "guardduty.amazonaws.com"), Status::Pass);
        assert_eq!(service(&inv, "securityhub.amazonaws.com"), Status::Pass);
        assert_eq!(service(&inv, "inspector2.amazonaws.com"), Status::Fail);
        assert_eq!(service(&inv, "macie.amazonaws.com"), Status::Fail);
        // Detective is optional: not delegated is not a failure.
        assert_eq!(
            service(&inv, "detective.amazonaws.com"),
            Status::NotApplicable
        );
    }

    #[test]
    fn unknown_security_tooling_account_is_not_assessed_never_passed() {
        let inv = org(
            false,
            vec![admin("222222222222", "sec", &["guardduty.amazonaws.com"])],
        );
        assert_eq!(
            service(&inv, "guardduty.amazonaws.com"),
            Status::NotAssessed
        );
        // Not delegated at all still fails: no account can make that right.
        assert_eq!(service(&inv, "macie.amazonaws.com"), Status::Fail);
    }

    #[test]
    fn unreadable_delegations_are_not_assessed() {
        let mut inv = org(true, vec![]);
        org_mut(&mut inv).delegated_administrators =
            Collected::Failed(denied("ListDelegatedAdministrators"));
        assert_statuses(
            &inv,
            "org-security-services-delegated",
            &[Status::NotAssessed],
        );
    }
}
