use crate::check::OrgCheck;

const SECURITY_SERVICES: &[&str] = &[
    "guardduty.amazonaws.com",
    "securityhub.amazonaws.com",
    "config.amazonaws.com",
    "access-analyzer.amazonaws.com",
    "inspector2.amazonaws.com",
    "macie.amazonaws.com",
    "detective.amazonaws.com",
];

pub const CHECK: OrgCheck = OrgCheck {
    id: "org-delegated-admin-security",
    run: |ctx, out| {
        let Some((org, admins)) = out.organization_part(ctx, |o| &o.delegated_administrators)
        else {
            return;
        };
        let delegated: Vec<String> = admins
            .iter()
            .filter(|a| a.account_id != org.management_account_id)
            .flat_map(|a| {
                a.service_principals
                    .iter()
                    .filter(|s| SECURITY_SERVICES.contains(&s.as_str()))
                    .map(move |s| {
                        format!(
                            "{s} -> {}",
                            a.account_name.as_deref().unwrap_or(&a.account_id)
                        )
                    })
            })
            .collect();
        if delegated.is_empty() {
            out.fail(
                org,
                "no security service is administered from a delegated member account",
            );
        } else {
            let n = delegated.len();
            out.pass(
                org,
                format!("{n} security service(s) delegated to member accounts"),
            )
            .with("delegated_administrators", delegated.join("; "));
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, DelegatedAdministrator};

    /// None, a security service delegated, unreadable.
    #[test]
    fn delegation() {
        let guardduty = DelegatedAdministrator {
            account_id: "222222222222".into(),
            account_name: Some("security-tooling".into()),
            service_principals: vec!["guardduty.amazonaws.com".into()],
        };
        for (delegated, want) in [
            (Collected::Ok(vec![]), Status::Fail),
            (Collected::Ok(vec![guardduty]), Status::Pass),
            (
                Collected::Failed(denied("ListDelegatedAdministrators")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = org_inventory();
            org_mut(&mut inv).delegated_administrators = delegated;
            assert_statuses(&inv, "org-delegated-admin-security", &[want]);
        }
    }
}
