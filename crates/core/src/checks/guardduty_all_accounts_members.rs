use super::shared::guardduty::{
    Administrator, account_label, administrator, no_administrator, org_view,
};
use crate::check::OrgCheck;

/// Every active account of the organization (the management account included; the
/// administrator itself aside) is a GuardDuty member of the delegated administrator with the
/// relationship `Enabled`, in every Region the administrator was scanned in: otherwise its
/// findings never reach the Security Tooling account.
pub const CHECK: OrgCheck = OrgCheck {
    id: "guardduty-all-accounts-members",
    run: |ctx, out| {
        let Some(admin) = administrator(ctx, out) else {
            return;
        };
        let (org, admin, regions) = match admin {
            Administrator::None(org) => {
                out.fail(org, no_administrator());
                return;
            }
            Administrator::Scanned {
                org,
                admin,
                regions,
            } => (org, admin, regions),
        };
        let expected: Vec<&str> = org
            .accounts
            .iter()
            .filter(|a| a.state == "ACTIVE" && a.id != admin.account_id)
            .map(|a| a.id.as_str())
            .collect();
        for gd in regions {
            let region = gd.region.unwrap_or_default();
            let view = match org_view(out, &gd) {
                Ok(v) => v,
                Err(Some(gap)) => {
                    out.fail(&gd, gap);
                    continue;
                }
                Err(None) => continue,
            };
            let Some(members) = out.collected(&gd, &view.members) else {
                continue;
            };
            let mut missing = Vec::new();
            let mut not_enabled = Vec::new();
            for id in &expected {
                match members.iter().find(|m| m.account_id == *id) {
                    None => missing.push(account_label(org, id)),
                    Some(m) if !m.enabled() => not_enabled.push(format!(
                        "{} ({})",
                        account_label(org, id),
                        m.relationship_status.as_deref().unwrap_or("no status")
                    )),
                    Some(_) => {}
                }
            }
            if missing.is_empty() && not_enabled.is_empty() {
                out.pass(
                    &gd,
                    format!(
                        "in {region}, all {} other active account(s) of the organization are GuardDuty members of the delegated administrator, relationship Enabled",
                        expected.len()
                    ),
                );
            } else {
                let mut parts = Vec::new();
                if !missing.is_empty() {
                    parts.push(format!("not members: {}", missing.join(", ")));
                }
                if !not_enabled.is_empty() {
                    parts.push(format!("members not enabled: {}", not_enabled.join(", ")));
                }
                out.fail(
                    &gd,
                    format!(
                        "in {region}, GuardDuty's delegated administrator does not monitor every account of the organization ({})",
                        parts.join("; ")
                    ),
                );
            }
            out.evidence("Members", members.len());
            out.evidence("OrganizationActiveAccounts", expected.len() + 1);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::checks::guardduty_org_auto_enable::tests::{ADMIN, MEMBER, org_with_admin};
    use crate::inventory::{Collected, OrgAccount};

    #[test]
    fn members() {
        let all = vec![
            guardduty_member(ACCOUNT, "Enabled"),
            guardduty_member(MEMBER, "Enabled"),
        ];
        let inv = org_with_admin(guardduty_org_view("ALL", "ALL", all.clone()));
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::Pass, &["all 2 other active account(s)"]);
        assert_eq!(r.account_id, ADMIN);

        // The management account is missing, the workload account removed.
        let inv = org_with_admin(guardduty_org_view(
            "ALL",
            "ALL",
            vec![guardduty_member(MEMBER, "Removed")],
        ));
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Fail,
            &[
                "not members: management (111111111111)",
                "members not enabled: workload-prod (222222222222) (Removed)",
            ],
        );

        // A suspended account is not expected.
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", all));
        org_mut(&mut inv).accounts.push(OrgAccount {
            id: "444444444444".into(),
            name: "closed".into(),
            email: None,
            state: "SUSPENDED".into(),
            parent_id: None,
        });
        assert_statuses(&inv, CHECK.id, &[Status::Pass]);
    }

    #[test]
    fn members_unreadable() {
        let mut view = guardduty_org_view("ALL", "ALL", vec![]);
        view.members = Collected::Failed(denied("ListMembers"));
        let inv = org_with_admin(view);
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", vec![]));
        org_mut(&mut inv).delegated_administrators = Collected::Ok(vec![]);
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
    }
}
