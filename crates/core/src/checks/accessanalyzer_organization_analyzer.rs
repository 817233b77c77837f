use super::shared::accessanalyzer::others_described;
use super::shared::inspector2::administrator_of;
use crate::check::{OrgCheck, Reason, Subject};

/// An active analyzer with the organization as zone of trust in every Region, in Access
/// Analyzer's delegated administrator (or, when none is registered, the management account,
/// the only other place one can be created; the message says which).
pub const CHECK: OrgCheck = OrgCheck {
    id: "accessanalyzer-organization-analyzer",
    run: |ctx, out| {
        let Some((org, admins)) = out.organization_part(ctx, |o| &o.delegated_administrators)
        else {
            return;
        };
        let (host, role) = match administrator_of(admins, "access-analyzer.amazonaws.com") {
            Some(a) => (a.account_id.as_str(), "the delegated administrator"),
            None => (
                org.management_account_id.as_str(),
                "the management account (Access Analyzer has no delegated administrator)",
            ),
        };
        let Some(regions) = out.digest_analyzers_of(ctx, host) else {
            out.not_assessed(
                &Subject::account(host),
                Reason::outside_scan(format!(
                    "account {host}, {role}, was not scanned: scan it to see its organization analyzers"
                )),
            );
            return;
        };
        for d in regions {
            let region = d.region.unwrap_or_default();
            let Some(aa) = out.collected_at(&d, &d.item.accessanalyzer) else {
                continue;
            };
            match aa
                .analyzers
                .iter()
                .find(|a| a.is_organization() && a.is_active())
            {
                Some(a) => {
                    out.pass(
                        &aa,
                        format!(
                            "organization analyzer {} is active in {region} in account {host}, {role}",
                            a.name
                        ),
                    );
                    out.evidence("Analyzer.Arn", &a.arn);
                }
                None => {
                    out.fail(
                        &aa,
                        format!(
                            "no active organization analyzer in {region} in account {host}, {role}"
                        ),
                    );
                    let others = others_described(aa.item);
                    if !others.is_empty() {
                        out.evidence("AnalyzersNotCounted", others.join("; "));
                    }
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{AccessAnalyzer, Analyzer, Collected};

    const SECURITY: &str = "222222222222";

    fn with_security(status: Option<&str>) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let sec = add_member(&mut inv, SECURITY, "security-tooling");
        region_of(&mut inv, sec).accessanalyzer = Collected::Ok(AccessAnalyzer {
            analyzers: status
                .map(|s| analyzer("org", Analyzer::ORGANIZATION, s))
                .into_iter()
                .collect(),
        });
        delegate(&mut inv, SECURITY, "access-analyzer.amazonaws.com");
        inv
    }

    #[test]
    fn in_the_delegated_administrator() {
        let r = results(
            &with_security(Some("ACTIVE")),
            "accessanalyzer-organization-analyzer",
        );
        assert_eq!(r.len(), 1);
        assert_result(
            &r[0],
            Status::Pass,
            &["org", SECURITY, "delegated administrator"],
        );
        assert_eq!(r[0].account_id, SECURITY);
        for status in [Some("DISABLED"), None] {
            assert_statuses(
                &with_security(status),
                "accessanalyzer-organization-analyzer",
                &[Status::Fail],
            );
        }
    }

    #[test]
    fn without_delegation_the_management_account_is_looked_at() {
        let mut inv = org_inventory();
        region_mut(&mut inv).accessanalyzer = Collected::Ok(AccessAnalyzer {
            analyzers: vec![analyzer("org", Analyzer::ORGANIZATION, "ACTIVE")],
        });
        let r = results(&inv, "accessanalyzer-organization-analyzer");
        assert_result(&r[0], Status::Pass, &["management account"]);
    }

    #[test]
    fn unscanned_unread_or_no_organization_is_not_assessed() {
        let mut inv = with_security(Some("ACTIVE"));
        inv.accounts.remove(1);
        let r = results(&inv, "accessanalyzer-organization-analyzer");
        assert_reason(&r[0], ReasonCode::OutsideScan);

        let mut inv = with_security(Some("ACTIVE"));
        region_of(&mut inv, 1).accessanalyzer = Collected::Failed(denied("ListAnalyzers"));
        assert_statuses(
            &inv,
            "accessanalyzer-organization-analyzer",
            &[Status::NotAssessed],
        );

        let r = results(&base_inventory(), "accessanalyzer-organization-analyzer");
        assert_reason(&r[0], ReasonCode::NotOrganizationMode);
    }
}
