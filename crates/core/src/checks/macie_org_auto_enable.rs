use super::shared::inspector2::administrator_of;
use crate::check::{OrgCheck, Reason, Subject};

/// Macie's delegated administrator enables Macie in the accounts that join the organization, in
/// every Region (DescribeOrganizationConfiguration AutoEnable).
pub const CHECK: OrgCheck = OrgCheck {
    id: "macie-org-auto-enable",
    run: |ctx, out| {
        let Some((org, admins)) = out.organization_part(ctx, |o| &o.delegated_administrators)
        else {
            return;
        };
        let Some(admin) = administrator_of(admins, "macie.amazonaws.com") else {
            out.fail(
                org,
                "Macie has no delegated administrator: nothing enables it in the accounts that join the organization",
            );
            return;
        };
        let host = admin.account_id.as_str();
        let Some(regions) = out.digest_analyzers_of(ctx, host) else {
            out.not_assessed(
                &Subject::account(host),
                Reason::outside_scan(format!(
                    "account {host}, Macie's delegated administrator, was not scanned"
                )),
            );
            return;
        };
        for d in regions {
            let region = d.region.unwrap_or_default();
            let Some(view) = &d.item.macie_organization else {
                out.not_assessed(
                    &d,
                    Reason::not_reported(format!(
                        "Macie's organization configuration was not read in account {host} in {region}"
                    )),
                );
                continue;
            };
            let Some(o) = out.collected_at(&d, view) else {
                continue;
            };
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
