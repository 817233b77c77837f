use super::shared::guardduty::{
    Administrator, RegionState, account_label, administrator, org_view, region_state,
};
use crate::check::{OrgCheck, Reason, Subject, account_resource};
use crate::inventory::AccountAccess;

/// The delegated administrator's view of each GuardDuty member agrees with the member's own
/// detector, Region by Region: a member listed `Enabled` whose own detector is absent or
/// suspended is not protected although the administrator counts it; a member whose detector
/// is on while the administrator lists it otherwise (`Removed`, `Disabled`, `Invited`, ...)
/// sends no findings to the administrator.
pub const CHECK: OrgCheck = OrgCheck {
    id: "guardduty-member-state-consistent",
    run: |ctx, out| {
        let Some(admin) = administrator(ctx, out) else {
            return;
        };
        let (org, admin, regions) = match admin {
            Administrator::None(org) => {
                out.not_applicable(
                    org,
                    "Organizations lists no delegated administrator for GuardDuty: there is no administrator view to reconcile (guardduty-org-auto-enable reports it)",
                );
                return;
            }
            Administrator::Scanned {
                org,
                admin,
                regions,
            } => (org, admin, regions),
        };
        for gd in regions {
            let region = gd.region.unwrap_or_default();
            let view = match org_view(out, &gd) {
                Ok(v) => v,
                Err(Some(gap)) => {
                    out.not_applicable(&gd, format!("{gap}: no member to reconcile"));
                    continue;
                }
                Err(None) => continue,
            };
            let Some(members) = out.collected(&gd, &view.members) else {
                continue;
            };
            for m in members.iter().filter(|m| m.account_id != admin.account_id) {
                let label = account_label(org, &m.account_id);
                let listed = m.relationship_status.as_deref().unwrap_or("no status");
                let here =
                    Subject::named(&m.account_id, Some(region), account_resource(&m.account_id));
                let Some(member) = ctx.accounts.iter().find(|a| a.account_id == m.account_id)
                else {
                    out.not_assessed(
                        &here,
                        Reason::outside_scan(format!(
                            "GuardDuty member {label} ({listed} for the administrator in {region}) was not scanned"
                        )),
                    );
                    continue;
                };
                if let AccountAccess::Denied { role_arn, error } = &member.access {
                    out.not_assessed(&here, Reason::account_not_accessible(role_arn, error));
                    continue;
                }
                let Some(at) = out.digest_guardduty_in(ctx, member, region, &label) else {
                    continue;
                };
                let own_gd = at.item;
                let state = match region_state(own_gd) {
                    Ok(s) => s,
                    Err(e) => {
                        out.not_assessed(&at, Reason::collection(e));
                        continue;
                    }
                };
                let own_on = match state {
                    RegionState::On(..) => true,
                    RegionState::Suspended(..) | RegionState::NoDetector => false,
                    RegionState::Unreported(d, s) => {
                        out.not_assessed(
                            &at,
                            Reason::undecidable(format!(
                                "GetDetector reports the status {} for detector {} of {label} in {region}",
                                s.unwrap_or("(absent)"),
                                d.detector_id
                            )),
                        );
                        continue;
                    }
                };
                let own_text = match state {
                    RegionState::On(d, _) => format!("its detector {} is enabled", d.detector_id),
                    RegionState::Suspended(d, _) => {
                        format!("its detector {} is suspended", d.detector_id)
                    }
                    _ => "it has no detector".to_string(),
                };
                match (m.enabled(), own_on) {
                    (true, true) => out.pass(
                        &at,
                        format!("in {region}, the administrator lists {label} as Enabled and {own_text}"),
                    ),
                    (true, false) => out.fail(
                        &at,
                        format!("in {region}, the administrator lists {label} as Enabled but {own_text}: the account is counted as protected and is not"),
                    ),
                    (false, true) => out.fail(
                        &at,
                        format!("in {region}, {own_text} but the administrator lists {label} as {listed}: its findings do not reach the administrator"),
                    ),
                    (false, false) => out.pass(
                        &at,
                        format!("in {region}, both views agree that GuardDuty is off for {label} (administrator: {listed}; {own_text})"),
                    ),
                };
                out.evidence("Administrator.RelationshipStatus", listed);
                out.evidence("Member.Enabled", own_on);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::checks::guardduty_org_auto_enable::tests::{
        ADMIN, MEMBER, account_guardduty, org_with_admin,
    };
    use crate::inventory::{Collected, GuardDuty};

    fn member_result(inv: &crate::inventory::Inventory) -> crate::check::CheckResult {
        let r = results(inv, CHECK.id);
        r.into_iter()
            .find(|r| r.account_id == MEMBER)
            .expect("a result on the member")
    }

    #[test]
    fn views_agree_or_not() {
        let view =
            |status| guardduty_org_view("ALL", "ALL", vec![guardduty_member(MEMBER, status)]);
        // Enabled and on.
        let inv = org_with_admin(view("Enabled"));
        let r = member_result(&inv);
        assert_result(
            &r,
            Status::Pass,
            &["lists workload-prod (222222222222) as Enabled"],
        );
        assert!(
            r.resource
                .starts_with("arn:aws:guardduty:us-east-1:222222222222:detector/")
        );
        // Enabled for the administrator, no detector in the member.
        let mut inv = org_with_admin(view("Enabled"));
        *account_guardduty(&mut inv, MEMBER) = Collected::Ok(GuardDuty::default());
        assert_result(&member_result(&inv), Status::Fail, &["it has no detector"]);
        // Suspended in the member.
        let mut inv = org_with_admin(view("Enabled"));
        *account_guardduty(&mut inv, MEMBER) = Collected::Ok(guardduty_detector("DISABLED", &[]));
        assert_result(&member_result(&inv), Status::Fail, &["is suspended"]);
        // The reverse: on in the member, Removed for the administrator.
        let inv = org_with_admin(view("Removed"));
        assert_result(
            &member_result(&inv),
            Status::Fail,
            &[
                "lists workload-prod (222222222222) as Removed",
                "do not reach",
            ],
        );
        // Both off.
        let mut inv = org_with_admin(view("Removed"));
        *account_guardduty(&mut inv, MEMBER) = Collected::Ok(GuardDuty::default());
        assert_result(&member_result(&inv), Status::Pass, &["both views agree"]);
    }

    #[test]
    fn members_not_scanned_or_unreadable() {
        let view = guardduty_org_view("ALL", "ALL", vec![guardduty_member(MEMBER, "Enabled")]);
        let mut inv = org_with_admin(view.clone());
        inv.accounts.retain(|a| a.account_id != MEMBER);
        let r = member_result(&inv);
        assert_eq!(r.status, Status::NotAssessed);
        assert_reason(&r, ReasonCode::OutsideScan);

        let mut inv = org_with_admin(view.clone());
        *account_guardduty(&mut inv, MEMBER) = Collected::Failed(denied("ListDetectors"));
        let r = member_result(&inv);
        assert_eq!(r.status, Status::NotAssessed);
        assert_reason(&r, ReasonCode::CollectionFailed);

        // No administrator: nothing to reconcile.
        let mut inv = org_with_admin(view);
        org_mut(&mut inv).delegated_administrators = Collected::Ok(vec![]);
        assert_statuses(&inv, CHECK.id, &[Status::NotApplicable]);
        // The administrator without a detector: nothing to reconcile there.
        let mut inv = org_with_admin(guardduty_org_view("ALL", "ALL", vec![]));
        *account_guardduty(&mut inv, ADMIN) = Collected::Ok(GuardDuty::default());
        assert_statuses(&inv, CHECK.id, &[Status::NotApplicable]);
    }
}
