use crate::check::{OrgCheck, Reason, Role, organization_part};

pub const CHECK: OrgCheck = OrgCheck {
    id: "org-security-accounts-in-security-ou",
    run: |ctx, out| {
        let Some(org) = out.organization(ctx) else {
            return;
        };
        for role in [Role::SecurityTooling, Role::LogArchive] {
            let on = organization_part(
                org,
                match role {
                    Role::SecurityTooling => "sra-account/security-tooling",
                    Role::LogArchive => "sra-account/log-archive",
                },
            );
            let Some(d) = ctx.sra_accounts().get(role) else {
                // Names are free text: an organization whose account is named otherwise is not
                // failed for it.
                out.not_assessed(
                    &on,
                    Reason::undecidable(ctx.sra_accounts().why_unknown(role)),
                );
                continue;
            };
            let title = role.title();
            let Some(account) = org.accounts.iter().find(|a| a.id == d.account_id) else {
                out.fail(
                    &on,
                    format!(
                        "the {title} account {} ({}) is not an account of organization {}",
                        d.account_id, d.source, org.id
                    ),
                );
                continue;
            };
            if let Err(e) = org.hierarchy() {
                out.not_assessed(&on, Reason::collection(e));
                continue;
            }
            let path = account
                .parent_id
                .as_deref()
                .map(|p| org.path_of(p))
                .unwrap_or_default();
            let in_security = path
                .rsplit('/')
                .next()
                .is_some_and(|leaf| leaf.to_ascii_lowercase().starts_with("security"));
            if in_security {
                out.pass(
                    &on,
                    format!(
                        "the {title} account {} ({}) sits in OU {path}",
                        d.account_id, d.source
                    ),
                );
            } else {
                out.fail(
                    &on,
                    format!(
                        "the {title} account {} ({}) sits in {}, not in the Security OU",
                        d.account_id,
                        d.source,
                        if path.is_empty() {
                            "an unknown place"
                        } else {
                            &path
                        }
                    ),
                );
            }
            out.evidence("AccountId", &d.account_id);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, OrgAccount};

    fn with(accounts: &[(&str, &str, &str)]) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let o = org_mut(&mut inv);
        for (id, name, parent) in accounts {
            o.accounts.push(OrgAccount {
                id: id.to_string(),
                name: name.to_string(),
                email: None,
                state: "ACTIVE".into(),
                parent_id: Some(parent.to_string()),
            });
        }
        inv
    }

    #[test]
    fn recognised_accounts_pass_unknown_ones_are_not_assessed() {
        let inv = with(&[
            ("222222222222", "Audit", "ou-sec"),
            ("333333333333", "app", "ou-wl"),
        ]);
        let r = results(&inv, "org-security-accounts-in-security-ou");
        assert_eq!(status_of(&r, "security-tooling"), Status::Pass);
        assert_eq!(status_of(&r, "log-archive"), Status::NotAssessed);
    }

    #[test]
    fn a_given_account_outside_the_security_ou_fails() {
        let inv = with(&[("333333333333", "logs", "ou-wl")]);
        let given = crate::check::Given {
            security_tooling: None,
            log_archive: Some("333333333333".into()),
        };
        let r = results_with_roles(&inv, "org-security-accounts-in-security-ou", &given);
        assert_eq!(status_of(&r, "log-archive"), Status::Fail);
        let given = crate::check::Given {
            security_tooling: Some("999999999999".into()),
            log_archive: None,
        };
        let r = results_with_roles(&inv, "org-security-accounts-in-security-ou", &given);
        assert_eq!(
            status_of(&r, "security-tooling"),
            Status::Fail,
            "not in the organization"
        );
    }

    #[test]
    fn unreadable_organization_is_not_assessed() {
        let mut inv = with(&[]);
        inv.organization = Some(Collected::Failed(denied("DescribeOrganization")));
        assert_statuses(
            &inv,
            "org-security-accounts-in-security-ou",
            &[Status::NotAssessed],
        );
    }
}
