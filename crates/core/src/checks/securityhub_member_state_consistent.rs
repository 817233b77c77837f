//! The administrator's member list agrees with each member's own Security Hub: a member the
//! administrator lists as Enabled has its hub on in that region, and a member whose hub is on is
//! not listed in another state (its findings would not reach the administrator). One result
//! per member the administrator lists, in each region the administrator was scanned in.

use super::shared::securityhub::{Administrator, administrator, administrator_parts};
use crate::check::{At, OrgCheck, Reason, Subject};
use crate::inventory::{AccountAccess, Collected};

pub const CHECK: OrgCheck = OrgCheck {
    id: "securityhub-member-state-consistent",
    run: |ctx, out| {
        let admin = match administrator(out, ctx) {
            None => return,
            Some(Administrator::None(org)) => {
                out.not_applicable(
                    org,
                    "Security Hub has no delegated administrator: there is no member list to reconcile",
                );
                return;
            }
            Some(Administrator::Scanned(_, admin)) => admin,
        };
        for (sh, members) in administrator_parts(out, ctx, admin, "members", |v| &v.members) {
            let region = sh.region.unwrap_or_default();
            for m in members.iter().filter(|m| m.account_id != admin.account_id) {
                let id = &m.account_id;
                let listed = &m.member_status;
                let Some(member) = ctx.accounts.iter().find(|a| a.account_id == *id) else {
                    let mut s = Subject::account(id);
                    s.region = Some(region.to_string());
                    out.not_assessed(
                        &s,
                        Reason::outside_scan(format!(
                            "the administrator lists {id} as {listed} in {region}, but {id} was not scanned"
                        )),
                    );
                    continue;
                };
                let member_at = At::new(ctx.partition(), member, sh.region, member);
                if let AccountAccess::Denied { role_arn, error } = &member.access {
                    out.not_assessed(&member_at, Reason::account_not_accessible(role_arn, error));
                    continue;
                }
                let own = match member.securityhub.get(region) {
                    None => {
                        out.not_assessed(
                            &member_at,
                            Reason::outside_scan(format!(
                                "the administrator lists {id} as {listed} in {region}, a region not scanned in {id}"
                            )),
                        );
                        continue;
                    }
                    Some(Collected::Failed(e)) => {
                        out.not_assessed(&member_at, Reason::collection(e));
                        continue;
                    }
                    Some(Collected::Ok(own)) => At::new(ctx.partition(), member, sh.region, own),
                };
                let on = own.hub.is_some();
                let (ok, msg) = match (m.enabled(), on) {
                    (true, true) => (
                        true,
                        format!("{id} is an enabled member in {region} and its own hub is on"),
                    ),
                    (true, false) => (
                        false,
                        format!(
                            "the administrator lists {id} as Enabled in {region}, but {id} is not subscribed to Security Hub there"
                        ),
                    ),
                    (false, true) => (
                        false,
                        format!(
                            "{id}'s own hub is on in {region}, but the administrator lists it as {listed}: its findings do not reach the administrator"
                        ),
                    ),
                    (false, false) => (
                        true,
                        format!(
                            "the administrator lists {id} as {listed} in {region} and its hub is off there (securityhub-all-accounts-members reports the gap)"
                        ),
                    ),
                };
                out.verdict(&own, ok, msg)
                    .with("ListMembers.MemberStatus", listed)
                    .with(
                        "member DescribeHub",
                        if on { "subscribed" } else { "not subscribed" },
                    );
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
    use crate::inventory::Collected;

    const ON: &str = "222222222222";
    const OFF: &str = "333333333333";

    fn org() -> crate::inventory::Inventory {
        let mut inv = securityhub_administered(true, "LOCAL");
        add_securityhub_member(
            &mut inv,
            ON,
            Collected::Ok(securityhub_hub(ON, REGION, &[FSBP])),
        );
        add_securityhub_member(&mut inv, OFF, Collected::Ok(securityhub_off()));
        inv
    }

    #[test]
    fn agreement_passes_either_way() {
        let mut inv = org();
        set_securityhub_members(&mut inv, &[(ON, "Enabled"), (OFF, "Removed")]);
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 2);
        assert_eq!(status_of(&r, &format!("{ON}:hub/default")), Status::Pass);
        assert_eq!(status_of(&r, &format!("{OFF}:hub/default")), Status::Pass);
        // The result is on the member's hub, in the member's account.
        assert!(r.iter().any(|x| x.account_id == ON));
    }

    #[test]
    fn disagreement_fails_both_ways() {
        let mut inv = org();
        set_securityhub_members(&mut inv, &[(ON, "Resigned"), (OFF, "Enabled")]);
        let r = results(&inv, CHECK.id);
        let on = r.iter().find(|x| x.account_id == ON).unwrap();
        assert_result(on, Status::Fail, &["Resigned", "do not reach"]);
        let off = r.iter().find(|x| x.account_id == OFF).unwrap();
        assert_result(off, Status::Fail, &["Enabled", "not subscribed"]);
    }

    #[test]
    fn members_not_scanned_or_unread_are_not_assessed() {
        let mut inv = org();
        set_securityhub_members(&mut inv, &[("444444444444", "Enabled"), (ON, "Enabled")]);
        inv.accounts[1]
            .regional
            .get_mut(REGION)
            .unwrap()
            .securityhub = Collected::Failed(denied("DescribeHub"));
        let r = results(&inv, CHECK.id);
        let outside = r.iter().find(|x| x.account_id == "444444444444").unwrap();
        assert_reason(outside, ReasonCode::OutsideScan);
        assert_eq!(outside.region.as_deref(), Some(REGION));
        let failed = r.iter().find(|x| x.account_id == ON).unwrap();
        assert_reason(failed, ReasonCode::CollectionFailed);
    }

    #[test]
    fn no_administrator_is_not_applicable() {
        assert_statuses(&org_inventory(), CHECK.id, &[Status::NotApplicable]);
    }
}
