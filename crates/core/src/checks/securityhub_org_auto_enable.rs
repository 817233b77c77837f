//! Security Hub enables the organization's new accounts by itself: central configuration in
//! effect (configuration policies decide, the SRA's recommended option), or AutoEnable in the
//! local configuration. Read in the delegated administrator, one result per region.

use super::shared::securityhub::{Administrator, administrator, administrator_parts};
use crate::check::OrgCheck;

pub const CHECK: OrgCheck = OrgCheck {
    id: "securityhub-org-auto-enable",
    run: |ctx, out| {
        let admin = match administrator(out, ctx) {
            None => return,
            Some(Administrator::None(org)) => {
                out.fail(
                    org,
                    "Security Hub has no delegated administrator: nothing enables the organization's new accounts",
                );
                return;
            }
            Some(Administrator::Scanned(_, admin)) => admin,
        };
        for (sh, c) in administrator_parts(out, ctx, admin, "organization configuration", |v| {
            &v.configuration
        }) {
            let region = sh.region.unwrap_or_default();
            let kind = c.configuration_type.as_deref().unwrap_or("LOCAL");
            let status = c.configuration_status.as_deref();
            if kind.eq_ignore_ascii_case("CENTRAL") {
                let ok = status.is_some_and(|s| s.eq_ignore_ascii_case("ENABLED"));
                let msg = if ok {
                    format!(
                        "central configuration is in effect in {region}: configuration policies enable Security Hub in the organization's accounts"
                    )
                } else {
                    format!(
                        "central configuration is not in effect in {region} (status {}{})",
                        status.unwrap_or("unknown"),
                        c.configuration_status_message
                            .as_deref()
                            .map(|m| format!(": {m}"))
                            .unwrap_or_default()
                    )
                };
                out.verdict(&sh, ok, msg);
            } else if c.auto_enable {
                out.pass(
                    &sh,
                    format!("local configuration with AutoEnable in {region}: new organization accounts are enabled automatically"),
                );
            } else {
                out.fail(
                    &sh,
                    format!("local configuration without AutoEnable in {region}: new organization accounts are not enabled"),
                );
            }
            out.evidence("OrganizationConfiguration.ConfigurationType", kind)
                .evidence("AutoEnable", c.auto_enable)
                .evidence(
                    "AutoEnableStandards",
                    c.auto_enable_standards.as_deref().unwrap_or("(absent)"),
                )
                .evidence("MemberAccountLimitReached", c.member_account_limit_reached);
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

    #[test]
    fn auto_enable_or_central_configuration_passes() {
        let r = results(&securityhub_administered(true, "LOCAL"), CHECK.id);
        assert_result(&r[0], Status::Pass, &["AutoEnable", REGION]);
        let r = results(&securityhub_administered(false, "CENTRAL"), CHECK.id);
        assert_result(&r[0], Status::Pass, &["central configuration"]);
        assert_evidence_value(&r[0], "CENTRAL");
    }

    #[test]
    fn neither_fails() {
        let r = results(&securityhub_administered(false, "LOCAL"), CHECK.id);
        assert_result(&r[0], Status::Fail, &["without AutoEnable"]);
        let mut inv = securityhub_administered(false, "CENTRAL");
        if let Some(o) = &mut securityhub_mut(&mut inv).organization
            && let Collected::Ok(c) = &mut o.configuration
        {
            c.configuration_status = Some("FAILED".into());
            c.configuration_status_message = Some("home region mismatch".into());
        }
        let r = results(&inv, CHECK.id);
        assert_result(
            &r[0],
            Status::Fail,
            &["not in effect", "FAILED", "home region mismatch"],
        );
    }

    #[test]
    fn no_administrator_fails_unscanned_or_unread_is_not_assessed() {
        let r = results(&org_inventory(), CHECK.id);
        assert_result(&r[0], Status::Fail, &["no delegated administrator"]);

        let mut elsewhere = securityhub_administered(true, "LOCAL");
        if let Collected::Ok(d) = &mut org_mut(&mut elsewhere).delegated_administrators {
            d[0].account_id = "999999999999".into();
        }
        let r = results(&elsewhere, CHECK.id);
        assert_reason(&r[0], ReasonCode::OutsideScan);

        let mut unread = securityhub_administered(true, "LOCAL");
        if let Some(o) = &mut securityhub_mut(&mut unread).organization {
            o.configuration = Collected::Failed(denied("DescribeOrganizationConfiguration"));
        }
        assert_statuses(&unread, CHECK.id, &[Status::NotAssessed]);

        let mut not_read = securityhub_administered(true, "LOCAL");
        securityhub_mut(&mut not_read).organization = None;
        assert_reason(&results(&not_read, CHECK.id)[0], ReasonCode::Inconsistent);

        let mut base = base_inventory();
        securityhub_mut(&mut base).organization = None;
        assert_reason(
            &results(&base, CHECK.id)[0],
            ReasonCode::NotOrganizationMode,
        );
    }
}
