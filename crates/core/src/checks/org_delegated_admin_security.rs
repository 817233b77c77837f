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

    #[test]
    fn delegation() {
        let mut inv = org_inventory();
        assert_eq!(
            statuses(&inv, "org-delegated-admin-security"),
            vec![Status::Fail]
        );
        org_mut(&mut inv).delegated_administrators = Collected::Ok(vec![DelegatedAdministrator {
            account_id: "222222222222".into(),
            account_name: Some("security-tooling".into()),
            service_principals: vec!["guardduty.amazonaws.com".into()],
        }]);
        assert_eq!(
            statuses(&inv, "org-delegated-admin-security"),
            vec![Status::Pass]
        );
        org_mut(&mut inv).delegated_administrators =
            Collected::Failed(denied("ListDelegatedAdministrators"));
        assert_eq!(
            statuses(&inv, "org-delegated-admin-security"),
            vec![Status::NotAssessed]
        );
    }
}
