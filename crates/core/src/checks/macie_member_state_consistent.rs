use super::shared::inspector2::{NoAdministrator, administrator_views};
use crate::check::OrgCheck;

/// The administrator's member list agrees with each member's own Macie session: a member listed
/// `Enabled` whose own Macie is paused or not enabled (or the reverse) means the organization
/// view and the account disagree. A member not scanned is not assessed.
pub const CHECK: OrgCheck = OrgCheck {
    id: "macie-member-state-consistent",
    run: |ctx, out| {
        let views = administrator_views(
            ctx,
            out,
            "macie.amazonaws.com",
            "Macie's members were",
            NoAdministrator::NotApplicable(
                "Macie has no delegated administrator: there is no member list to reconcile",
            ),
            |d| &d.macie_organization,
        );
        for (o, host) in views {
            let region = o.region.unwrap_or_default();
            for m in o.members.iter().filter(|m| m.account_id != host) {
                let Some(md) = out.digest_analyzers_at(ctx, &m.account_id, region) else {
                    continue;
                };
                let Some(own) = out.collected_at(&md, &md.item.macie) else {
                    continue;
                };
                let said = format!(
                    "the administrator {host} lists account {} as {} in {region}, and its own Macie is {}",
                    m.account_id,
                    m.relationship_status,
                    own.status()
                );
                out.verdict(&own, m.is_enabled() == own.is_enabled(), said);
                out.evidence("Member.RelationshipStatus", &m.relationship_status)
                    .evidence("MacieSession.Status", own.status());
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Macie, MacieMember, MacieOrganization};

    const SECURITY: &str = "222222222222";
    const MEMBER: &str = "333333333333";

    fn organization(listed: &str, own: Macie) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let sec = add_member(&mut inv, SECURITY, "security-tooling");
        let member = add_member(&mut inv, MEMBER, "workload");
        region_of(&mut inv, sec).macie_organization = Some(Collected::Ok(MacieOrganization {
            members: vec![MacieMember {
                account_id: MEMBER.into(),
                relationship_status: listed.into(),
            }],
            ..Default::default()
        }));
        region_of(&mut inv, member).macie = Collected::Ok(own);
        delegate(&mut inv, SECURITY, "macie.amazonaws.com");
        inv
    }

    fn session(status: &str) -> Macie {
        Macie::Session {
            status: status.into(),
            finding_publishing_frequency: None,
        }
    }

    #[test]
    fn listed_and_own_states_agree_or_not() {
        for (listed, own, want) in [
            ("Enabled", session("ENABLED"), Status::Pass),
            ("Enabled", session("PAUSED"), Status::Fail),
            ("Enabled", Macie::NotEnabled, Status::Fail),
            ("Removed", session("ENABLED"), Status::Fail),
            ("Paused", session("PAUSED"), Status::Pass),
        ] {
            let inv = organization(listed, own);
            assert_statuses(&inv, "macie-member-state-consistent", &[want]);
        }
        let r = results(
            &organization("Enabled", Macie::NotEnabled),
            "macie-member-state-consistent",
        );
        assert_result(&r[0], Status::Fail, &["as Enabled", "not enabled"]);
        assert_eq!(r[0].account_id, MEMBER);
    }

    #[test]
    fn unscanned_members_and_no_administrator() {
        let mut inv = organization("Enabled", session("ENABLED"));
        inv.accounts.remove(2);
        let r = results(&inv, "macie-member-state-consistent");
        assert_reason(&r[0], ReasonCode::OutsideScan);
        assert_statuses(
            &org_inventory(),
            "macie-member-state-consistent",
            &[Status::NotApplicable],
        );
    }
}
