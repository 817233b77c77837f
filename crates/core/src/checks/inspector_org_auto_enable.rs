use super::shared::inspector2::{NoAdministrator, administrator_views};
use crate::check::OrgCheck;

/// Inspector's delegated administrator turns on EC2, ECR and Lambda scanning for the accounts
/// that join the organization, in every Region (DescribeOrganizationConfiguration AutoEnable;
/// Inspector auto-enables new accounts only, so there is no ALL/NEW choice to make here).
pub const CHECK: OrgCheck = OrgCheck {
    id: "inspector-org-auto-enable",
    run: |ctx, out| {
        let views = administrator_views(
            ctx,
            out,
            "inspector2.amazonaws.com",
            "Inspector's organization configuration was",
            NoAdministrator::Fail(
                "Inspector has no delegated administrator: nothing enables it in the accounts that join the organization",
            ),
            |d| &d.inspector2_organization,
        );
        for (o, _) in views {
            let region = o.region.unwrap_or_default();
            let a = &o.auto_enable;
            let off: Vec<&str> = [("EC2", a.ec2), ("ECR", a.ecr), ("Lambda", a.lambda)]
                .into_iter()
                .filter(|(_, on)| !on)
                .map(|(t, _)| t)
                .collect();
            out.pass_unless_any(
                &o,
                &off,
                format!(
                    "Inspector enables EC2, ECR and Lambda scanning in new accounts in {region}"
                ),
                |off| {
                    format!(
                        "Inspector does not enable {} scanning in new accounts in {region}",
                        off.join(", ")
                    )
                },
            );
            out.evidence("AutoEnable.Ec2", a.ec2)
                .evidence("AutoEnable.Ecr", a.ecr)
                .evidence("AutoEnable.Lambda", a.lambda)
                .evidence("AutoEnable.LambdaCode", a.lambda_code);
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
    use crate::inventory::{Collected, Inspector2AutoEnable, Inspector2Organization};

    const SECURITY: &str = "222222222222";

    fn with_admin(view: Option<Collected<Inspector2Organization>>) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let sec = add_member(&mut inv, SECURITY, "security-tooling");
        region_of(&mut inv, sec).inspector2_organization = view;
        delegate(&mut inv, SECURITY, "inspector2.amazonaws.com");
        inv
    }

    fn view(ec2: bool, ecr: bool, lambda: bool) -> Option<Collected<Inspector2Organization>> {
        Some(Collected::Ok(Inspector2Organization {
            auto_enable: Inspector2AutoEnable {
                ec2,
                ecr,
                lambda,
                lambda_code: false,
            },
            max_account_limit_reached: Some(false),
            members: vec![],
        }))
    }

    #[test]
    fn auto_enable_of_the_three_scan_types() {
        assert_statuses(
            &with_admin(view(true, true, true)),
            "inspector-org-auto-enable",
            &[Status::Pass],
        );
        let r = results(
            &with_admin(view(true, false, false)),
            "inspector-org-auto-enable",
        );
        assert_result(&r[0], Status::Fail, &["ECR, Lambda", REGION]);
        assert_eq!(r[0].account_id, SECURITY);
    }

    #[test]
    fn no_administrator_fails_and_unknowns_are_not_assessed() {
        let r = results(&org_inventory(), "inspector-org-auto-enable");
        assert_result(&r[0], Status::Fail, &["no delegated administrator"]);

        let r = results(
            &with_admin(Some(Collected::Failed(denied(
                "DescribeOrganizationConfiguration",
            )))),
            "inspector-org-auto-enable",
        );
        assert_reason(&r[0], ReasonCode::CollectionFailed);

        let r = results(&with_admin(None), "inspector-org-auto-enable");
        assert_reason(&r[0], ReasonCode::NotReported);

        let mut inv = with_admin(view(true, true, true));
        inv.accounts.remove(1);
        let r = results(&inv, "inspector-org-auto-enable");
        assert_reason(&r[0], ReasonCode::OutsideScan);
    }
}
