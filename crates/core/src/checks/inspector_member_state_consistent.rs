use super::shared::inspector2::{NoAdministrator, administrator_views};
use crate::check::OrgCheck;

/// The administrator's member list agrees with each member's own Inspector status: a member
/// listed ENABLED whose own status is not ENABLED (or the reverse) means the organization view
/// and the account disagree about whether it is scanned. A member not scanned is not assessed.
pub const CHECK: OrgCheck = OrgCheck {
    id: "inspector-member-state-consistent",
    run: |ctx, out| {
        let views = administrator_views(
            ctx,
            out,
            "inspector2.amazonaws.com",
            "Inspector's members were",
            NoAdministrator::NotApplicable(
                "Inspector has no delegated administrator: there is no member list to reconcile",
            ),
            |d| &d.inspector2_organization,
        );
        for (o, host) in views {
            let region = o.region.unwrap_or_default();
            for m in o.members.iter().filter(|m| m.account_id != host) {
                let Some(md) = out.digest_analyzers_at(ctx, &m.account_id, region) else {
                    continue;
                };
                let Some(own) = out.collected_at(&md, &md.item.inspector2) else {
                    continue;
                };
                let said = format!(
                    "the administrator {host} lists account {} as {} in {region}, and its own Inspector status is {}",
                    m.account_id, m.relationship_status, own.status
                );
                out.verdict(&own, m.is_enabled() == own.is_enabled(), said);
                out.evidence("Member.RelationshipStatus", &m.relationship_status)
                    .evidence("State.Status", &own.status);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Inspector2Member, Inspector2Organization};

    const SECURITY: &str = "222222222222";
    const MEMBER: &str = "333333333333";

    fn organization(listed: &str, own_enabled: bool) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let sec = add_member(&mut inv, SECURITY, "security-tooling");
        let member = add_member(&mut inv, MEMBER, "workload");
        region_of(&mut inv, sec).inspector2_organization =
            Some(Collected::Ok(Inspector2Organization {
                members: [ACCOUNT, MEMBER]
                    .iter()
                    .map(|id| Inspector2Member {
                        account_id: id.to_string(),
                        relationship_status: if *id == MEMBER { listed } else { "ENABLED" }.into(),
                    })
                    .collect(),
                ..Default::default()
            }));
        region_of(&mut inv, member).inspector2 = Collected::Ok(if own_enabled {
            inspector2_enabled()
        } else {
            inspector2_disabled()
        });
        delegate(&mut inv, SECURITY, "inspector2.amazonaws.com");
        inv
    }

    fn member_result(inv: &crate::inventory::Inventory) -> crate::checks::CheckResult {
        results(inv, "inspector-member-state-consistent")
            .into_iter()
            .find(|r| r.account_id == MEMBER)
            .unwrap()
    }

    #[test]
    fn listed_and_own_states_agree_or_not() {
        assert_eq!(
            member_result(&organization("ENABLED", true)).status,
            Status::Pass
        );
        let r = member_result(&organization("ENABLED", false));
        assert_result(
            &r,
            Status::Fail,
            &["lists account 333333333333 as ENABLED", "DISABLED"],
        );
        assert_eq!(
            member_result(&organization("REMOVED", true)).status,
            Status::Fail
        );
        assert_eq!(
            member_result(&organization("REMOVED", false)).status,
            Status::Pass
        );
        // The management account is listed ENABLED and enabled.
        assert_statuses(
            &organization("ENABLED", true),
            "inspector-member-state-consistent",
            &[Status::Pass, Status::Pass],
        );
    }

    #[test]
    fn unscanned_members_and_no_administrator() {
        let mut inv = organization("ENABLED", true);
        inv.accounts.remove(2);
        let r = member_result(&inv);
        assert_reason(&r, ReasonCode::OutsideScan);

        let mut inv = organization("ENABLED", true);
        region_of(&mut inv, 2).inspector2 = Collected::Failed(denied("BatchGetAccountStatus"));
        assert_reason(&member_result(&inv), ReasonCode::CollectionFailed);

        assert_statuses(
            &org_inventory(),
            "inspector-member-state-consistent",
            &[Status::NotApplicable],
        );
    }
}
