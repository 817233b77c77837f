use super::shared::inspector2::{NoAdministrator, administrator_views};
use crate::check::OrgCheck;

/// Macie's delegated administrator enables Macie in the accounts that join the organization, in
/// every Region (DescribeOrganizationConfiguration AutoEnable).
pub const CHECK: OrgCheck = OrgCheck {
    id: "macie-org-auto-enable",
    run: |ctx, out| {
        let views = administrator_views(
            ctx,
            out,
            "macie.amazonaws.com",
            "Macie's organization configuration was",
            NoAdministrator::Fail(
                "Macie has no delegated administrator: nothing enables it in the accounts that join the organization",
            ),
            |d| &d.macie_organization,
        );
        for (o, _) in views {
            let region = o.region.unwrap_or_default();
            out.verdict(
                &o,
                o.auto_enable,
                if o.auto_enable {
                    format!("Macie is enabled automatically in new accounts in {region}")
                } else {
                    format!("Macie is not enabled automatically in new accounts in {region}")
                },
            );
            out.evidence("AutoEnable", o.auto_enable);
            if let Some(m) = o.max_account_limit_reached {
                out.evidence("MaxAccountLimitReached", m);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, MacieOrganization};

    const SECURITY: &str = "222222222222";

    fn with_admin(view: Option<Collected<MacieOrganization>>) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let sec = add_member(&mut inv, SECURITY, "security-tooling");
        region_of(&mut inv, sec).macie_organization = view;
        delegate(&mut inv, SECURITY, "macie.amazonaws.com");
        inv
    }

    fn view(auto_enable: bool) -> Option<Collected<MacieOrganization>> {
        Some(Collected::Ok(MacieOrganization {
            auto_enable,
            max_account_limit_reached: None,
            members: vec![],
        }))
    }

    #[test]
    fn auto_enable_on_off_and_unknown() {
        assert_statuses(
            &with_admin(view(true)),
            "macie-org-auto-enable",
            &[Status::Pass],
        );
        assert_statuses(
            &with_admin(view(false)),
            "macie-org-auto-enable",
            &[Status::Fail],
        );
        let r = results(
            &with_admin(Some(Collected::Failed(denied(
                "DescribeOrganizationConfiguration",
            )))),
            "macie-org-auto-enable",
        );
        assert_reason(&r[0], ReasonCode::CollectionFailed);
        let r = results(&with_admin(None), "macie-org-auto-enable");
        assert_reason(&r[0], ReasonCode::NotReported);
        let r = results(&org_inventory(), "macie-org-auto-enable");
        assert_result(&r[0], Status::Fail, &["no delegated administrator"]);
    }
}
