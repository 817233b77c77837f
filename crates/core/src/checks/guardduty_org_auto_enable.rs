use super::shared::guardduty::{Administrator, administrator, no_administrator, org_view};
use crate::check::{OrgCheck, Reason};

/// GuardDuty's delegated administrator auto-enables GuardDuty for the organization's accounts
/// in every Region it was scanned in: `AutoEnableOrganizationMembers` `ALL` (every account,
/// existing ones included) or `NEW` (accounts that join; the SRA's code examples set it) —
/// both accepted, the message says which — with S3 Protection auto-enabled too (not `NONE`),
/// as `guardduty-protection-plans` requires it of every detector.
pub const CHECK: OrgCheck = OrgCheck {
    id: "guardduty-org-auto-enable",
    run: |ctx, out| {
        let Some(admin) = administrator(ctx, out) else {
            return;
        };
        let regions = match admin {
            Administrator::None(org) => {
                out.fail(org, no_administrator());
                return;
            }
            Administrator::Scanned { regions, .. } => regions,
        };
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
            let Some(conf) = out.collected(&gd, &view.configuration) else {
                continue;
            };
            let members = conf.auto_enable_organization_members.as_deref();
            let s3 = conf
                .features
                .iter()
                .find(|f| f.name == "S3_DATA_EVENTS")
                .and_then(|f| f.auto_enable.as_deref());
            let s3_off = s3 == Some("NONE");
            match members {
                Some(mode @ ("ALL" | "NEW")) if !s3_off && !conf.member_account_limit_reached => {
                    let who = if mode == "ALL" {
                        "every account of the organization, existing ones included (ALL)"
                    } else {
                        "accounts that join the organization (NEW); accounts that were members before are enabled one by one (guardduty-all-accounts-members lists them)"
                    };
                    out.pass(
                        &gd,
                        format!("in {region}, GuardDuty's delegated administrator auto-enables GuardDuty for {who}"),
                    );
                }
                Some(mode @ ("ALL" | "NEW")) if conf.member_account_limit_reached => {
                    out.fail(
                        &gd,
                        format!("in {region}, auto-enable is {mode} but the organization reached GuardDuty's member account limit: new accounts are not added"),
                    );
                }
                Some(mode @ ("ALL" | "NEW")) => {
                    out.fail(
                        &gd,
                        format!("in {region}, GuardDuty is auto-enabled for accounts ({mode}) without S3 Protection (S3_DATA_EVENTS auto-enable is NONE)"),
                    );
                }
                Some("NONE") => {
                    out.fail(
                        &gd,
                        format!("in {region}, GuardDuty is not auto-enabled for the organization's accounts (AutoEnableOrganizationMembers is NONE): each account must be added by hand"),
                    );
                }
                Some(other) => {
                    out.not_assessed(
                        &gd,
                        Reason::undecidable(format!(
                            "DescribeOrganizationConfiguration in {region} reports the unknown AutoEnableOrganizationMembers {other}"
                        )),
                    );
                }
                None => {
                    out.not_assessed(
                        &gd,
                        Reason::not_reported(format!(
                            "DescribeOrganizationConfiguration in {region} reports no AutoEnableOrganizationMembers"
                        )),
                    );
                }
            }
            out.evidence(
                "AutoEnableOrganizationMembers",
                members.unwrap_or("(absent)"),
            );
            out.evidence(
                "MemberAccountLimitReached",
                conf.member_account_limit_reached,
            );
            for f in &conf.features {
                out.evidence(
                    format!("Features[{}].AutoEnable", f.name),
                    f.auto_enable.as_deref().unwrap_or("(absent)"),
                );
            }
        }
    },
};

#[cfg(test)]
pub(crate) mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{
        AccountAccess, Collected, DelegatedAdministrator, GuardDuty, GuardDutyOrgView, Inventory,
        OrgAccount,
    };

    pub const ADMIN: &str = "333333333333";
    pub const MEMBER: &str = "222222222222";

    /// An organization (management 111111111111, security-tooling 333333333333 delegated
    /// administrator for GuardDuty, workload 222222222222), every account scanned in us-east-1
    /// with GuardDuty on; the administrator's view as given.
    pub fn org_with_admin(view: GuardDutyOrgView) -> Inventory {
        let mut inv = org_inventory();
        let org = org_mut(&mut inv);
        for (id, name) in [(ADMIN, "security-tooling"), (MEMBER, "workload-prod")] {
            org.accounts.push(OrgAccount {
                id: id.into(),
                name: name.into(),
                email: None,
                state: "ACTIVE".into(),
                parent_id: Some("r-root".into()),
            });
        }
        org.delegated_administrators = Collected::Ok(vec![DelegatedAdministrator {
            account_id: ADMIN.into(),
            account_name: Some("security-tooling".into()),
            service_principals: vec!["guardduty.amazonaws.com".into()],
        }]);
        let template = inv.accounts[0].clone();
        for id in [ADMIN, MEMBER] {
            let mut a = template.clone();
            a.account_id = id.into();
            a.access = AccountAccess::AssumedRole {
                role_arn: format!("arn:aws:iam::{id}:role/PostureReadOnly"),
            };
            inv.accounts.push(a);
        }
        set_view(&mut inv, Some(view));
        inv
    }

    pub fn account_guardduty<'a>(inv: &'a mut Inventory, id: &str) -> &'a mut Collected<GuardDuty> {
        &mut inv
            .accounts
            .iter_mut()
            .find(|a| a.account_id == id)
            .unwrap()
            .regional
            .get_mut(REGION)
            .unwrap()
            .guardduty
    }

    pub fn set_view(inv: &mut Inventory, view: Option<GuardDutyOrgView>) {
        if let Collected::Ok(gd) = account_guardduty(inv, ADMIN) {
            gd.detector.as_mut().unwrap().organization = view;
        }
    }

    fn run(view: GuardDutyOrgView) -> crate::check::CheckResult {
        let inv = org_with_admin(view);
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 1, "{r:#?}");
        r.into_iter().next().unwrap()
    }

    #[test]
    fn modes() {
        let r = run(guardduty_org_view("ALL", "ALL", vec![]));
        assert_result(&r, Status::Pass, &["existing ones included (ALL)"]);
        assert_eq!(r.account_id, ADMIN);
        assert_evidence(&r, "Features[S3_DATA_EVENTS].AutoEnable", |v| v == "ALL");
        let r = run(guardduty_org_view("NEW", "NEW", vec![]));
        assert_result(
            &r,
            Status::Pass,
            &["accounts that join the organization (NEW)"],
        );
        let r = run(guardduty_org_view("NONE", "NONE", vec![]));
        assert_result(&r, Status::Fail, &["AutoEnableOrganizationMembers is NONE"]);
        let r = run(guardduty_org_view("ALL", "NONE", vec![]));
        assert_result(&r, Status::Fail, &["without S3 Protection"]);
        let mut view = guardduty_org_view("NEW", "NEW", vec![]);
        if let Collected::Ok(c) = &mut view.configuration {
            c.member_account_limit_reached = true;
        }
        assert_result(&run(view), Status::Fail, &["member account limit"]);
    }

    #[test]
    fn administrator_missing_or_unreadable() {
        // No delegated administrator for GuardDuty: a fail on the organization.
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", vec![]));
        org_mut(&mut inv).delegated_administrators = Collected::Ok(vec![]);
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Fail,
            &["no delegated administrator for GuardDuty"],
        );
        // The administrator has no detector in the Region.
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", vec![]));
        *account_guardduty(&mut inv, ADMIN) = Collected::Ok(GuardDuty::default());
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::Fail, &["has no detector in us-east-1"]);
        // The administrator was not scanned.
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", vec![]));
        inv.accounts.retain(|a| a.account_id != ADMIN);
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::NotAssessed);
        assert_reason(r, ReasonCode::OutsideScan);
        // DescribeOrganizationConfiguration denied.
        let mut view = guardduty_org_view("ALL", "ALL", vec![]);
        view.configuration = Collected::Failed(denied("DescribeOrganizationConfiguration"));
        assert_eq!(run(view).status, Status::NotAssessed);
        // The view was not collected.
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", vec![]));
        set_view(&mut inv, None);
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        // Not in organization mode.
        assert_statuses(&base_inventory(), CHECK.id, &[Status::NotAssessed]);
    }
}
