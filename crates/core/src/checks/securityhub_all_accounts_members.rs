//! Every account of the organization is an enabled member of Security Hub's delegated
//! administrator, in every region the administrator was scanned in: otherwise its findings
//! never reach the Security Tooling account.

use super::shared::securityhub::{
    Administrator, administrator, administrator_parts, expected_members,
};
use crate::check::OrgCheck;

pub const CHECK: OrgCheck = OrgCheck {
    id: "securityhub-all-accounts-members",
    run: |ctx, out| {
        let (org, admin) = match administrator(out, ctx) {
            None => return,
            Some(Administrator::None(org)) => {
                out.fail(
                    org,
                    "Security Hub has no delegated administrator: no account's findings are aggregated for the organization",
                );
                return;
            }
            Some(Administrator::Scanned(org, admin)) => (org, admin),
        };
        let expected = expected_members(org, &admin.account_id);
        for (sh, members) in administrator_parts(out, ctx, admin, "members", |v| &v.members) {
            let region = sh.region.unwrap_or_default();
            let missing: Vec<String> = expected
                .iter()
                .filter_map(|id| match members.iter().find(|m| m.account_id == *id) {
                    Some(m) if m.enabled() => None,
                    Some(m) => Some(format!("{id} ({})", m.member_status)),
                    None => Some(format!("{id} (not a member)")),
                })
                .collect();
            let n = expected.len();
            out.pass_unless_any(
                &sh,
                &missing,
                format!("all {n} other active organization account(s) are enabled members of the administrator {} in {region}", admin.account_id),
                |missing| {
                    format!(
                        "{} of {n} organization account(s) are not enabled members of the administrator {} in {region}: {}",
                        missing.len(),
                        admin.account_id,
                        missing.join(", ")
                    )
                },
            );
            out.evidence(
                "ListMembers.Enabled",
                members
                    .iter()
                    .filter(|m| m.enabled())
                    .map(|m| m.account_id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    const M1: &str = "222222222222";
    const M2: &str = "333333333333";

    fn org_with_members() -> crate::inventory::Inventory {
        let mut inv = securityhub_administered(true, "LOCAL");
        for m in [M1, M2] {
            add_securityhub_member(
                &mut inv,
                m,
                Collected::Ok(securityhub_hub(m, REGION, &[FSBP])),
            );
        }
        inv
    }

    #[test]
    fn every_account_enabled_passes() {
        let mut inv = org_with_members();
        set_securityhub_members(&mut inv, &[(M1, "Enabled"), (M2, "Enabled")]);
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 1);
        assert_result(&r[0], Status::Pass, &["all 2"]);
        assert_eq!(r[0].account_id, ACCOUNT);
    }

    #[test]
    fn missing_or_not_enabled_members_fail_by_name() {
        let mut inv = org_with_members();
        set_securityhub_members(&mut inv, &[(M1, "Resigned")]);
        let r = results(&inv, CHECK.id);
        assert_result(
            &r[0],
            Status::Fail,
            &[
                "2 of 2",
                "222222222222 (Resigned)",
                "333333333333 (not a member)",
            ],
        );
    }

    #[test]
    fn suspended_accounts_are_not_expected() {
        let mut inv = org_with_members();
        set_securityhub_members(&mut inv, &[(M1, "Enabled")]);
        org_mut(&mut inv).accounts[2].state = "SUSPENDED".into();
        assert_statuses(&inv, CHECK.id, &[Status::Pass]);
    }

    #[test]
    fn unread_members_are_not_assessed_and_no_administrator_fails() {
        let mut inv = org_with_members();
        if let Some(v) = &mut securityhub_mut(&mut inv).organization {
            v.members = Collected::Failed(denied("ListMembers"));
        }
        assert_reason(&results(&inv, CHECK.id)[0], ReasonCode::CollectionFailed);
        assert_statuses(&org_inventory(), CHECK.id, &[Status::Fail]);
        assert_reason(
            &results(&base_inventory(), CHECK.id)[0],
            ReasonCode::NotOrganizationMode,
        );
    }
}
