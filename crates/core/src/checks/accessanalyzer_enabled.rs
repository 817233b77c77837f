use super::shared::accessanalyzer::{cover, others_described};
use crate::check::{OrgCheck, Reason};
use crate::inventory::Collected;

/// Every account and Region is watched by an active external access analyzer: its own (type
/// ACCOUNT), or an ORGANIZATION analyzer of the organization, which lives in the management
/// account or Access Analyzer's delegated administrator and is invisible from the members. An
/// organization check: the organization analyzer is another account's data.
pub const CHECK: OrgCheck = OrgCheck {
    id: "accessanalyzer-enabled",
    run: |ctx, out| {
        // Where an organization analyzer can live: the management account and the delegated
        // administrator (known only in organization mode).
        let mut admins_unknown = None;
        let hosts: Option<Vec<String>> = match ctx.organization {
            Some(Collected::Ok(org)) => {
                let mut h = vec![org.management_account_id.clone()];
                admins_unknown = org.delegated_administrators.error();
                if let Collected::Ok(admins) = &org.delegated_administrators {
                    h.extend(
                        admins
                            .iter()
                            .filter(|a| {
                                a.service_principals
                                    .iter()
                                    .any(|p| p == "access-analyzer.amazonaws.com")
                            })
                            .map(|a| a.account_id.clone()),
                    );
                }
                Some(h)
            }
            _ => None,
        };
        for d in out.digest_analyzers(ctx) {
            let region = d.region.unwrap_or_default();
            let Some(own) = out.collected_at(&d, &d.item.accessanalyzer) else {
                continue;
            };
            let others = ctx
                .accounts
                .iter()
                .filter(|a| a.account_id != d.account.account_id)
                .filter_map(|a| {
                    let aa = a.analyzers.get(region)?.accessanalyzer.as_ref().ok()?;
                    Some((a.account_id.as_str(), aa))
                });
            if let Some(c) = cover(own.item, others) {
                out.pass(&own, format!("{} in {region}", c.describe()));
                out.evidence("Analyzer", c.describe());
                continue;
            }
            // No analyzer seen: a host of the organization analyzer that was not scanned, or
            // whose analyzers could not be listed in this Region, could still cover it.
            let unseen: Vec<String> = hosts
                .iter()
                .flatten()
                .filter(|h| **h != d.account.account_id)
                .filter(|h| {
                    ctx.accounts
                        .iter()
                        .find(|a| &a.account_id == *h)
                        .and_then(|a| a.analyzers.get(region))
                        .is_none_or(|r| r.accessanalyzer.error().is_some())
                })
                .cloned()
                .collect();
            if !unseen.is_empty() {
                out.not_assessed(
                    &own,
                    Reason::outside_scan(format!(
                        "the account has no active external access analyzer in {region}, and the analyzers of {} (where an organization analyzer can live) were not read there",
                        unseen.join(", ")
                    )),
                );
                continue;
            }
            if let Some(e) = admins_unknown {
                // The delegated administrator, where the organization analyzer would be, is
                // unknown.
                out.not_assessed(
                    &own,
                    Reason::collection(e).after(format!(
                        "the account has no active external access analyzer in {region}, and the delegated administrator that could hold the organization analyzer is unknown: "
                    )),
                );
                continue;
            }
            let ignored = others_described(own.item);
            let mut msg = format!(
                "no active external access analyzer covers the account in {region}: none of its own"
            );
            match &hosts {
                Some(_) => msg.push_str(", and no organization analyzer in the management account or the delegated administrator"),
                None => msg.push_str(" (an organization analyzer of another account counts only in a scan with --org)"),
            }
            out.fail(&own, msg);
            if !ignored.is_empty() {
                out.evidence("AnalyzersNotCounted", ignored.join("; "));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{AccessAnalyzer, Analyzer, Collected};

    const SECURITY: &str = "222222222222";
    const MEMBER: &str = "333333333333";

    fn analyzers(v: Vec<Analyzer>) -> Collected<AccessAnalyzer> {
        Collected::Ok(AccessAnalyzer { analyzers: v })
    }

    #[test]
    fn own_analyzer_none_and_denied() {
        for (aa, want) in [
            (
                analyzers(vec![analyzer("a", Analyzer::ACCOUNT, "ACTIVE")]),
                Status::Pass,
            ),
            (
                analyzers(vec![analyzer("a", Analyzer::ACCOUNT, "DISABLED")]),
                Status::Fail,
            ),
            (
                analyzers(vec![analyzer("u", "ACCOUNT_UNUSED_ACCESS", "ACTIVE")]),
                Status::Fail,
            ),
            (analyzers(vec![]), Status::Fail),
            (
                Collected::Failed(denied("ListAnalyzers")),
                Status::NotAssessed,
            ),
        ] {
            let mut inv = base_inventory();
            region_mut(&mut inv).accessanalyzer = aa;
            assert_statuses(&inv, "accessanalyzer-enabled", &[want]);
        }
    }

    /// The management account, the security account (delegated administrator, with the
    /// organization analyzer) and a member without analyzers of its own.
    fn organization(org_analyzer_status: &str) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        region_mut(&mut inv).accessanalyzer = analyzers(vec![]);
        let sec = add_member(&mut inv, SECURITY, "security-tooling");
        let member = add_member(&mut inv, MEMBER, "workload");
        region_of(&mut inv, sec).accessanalyzer = analyzers(vec![analyzer(
            "org",
            Analyzer::ORGANIZATION,
            org_analyzer_status,
        )]);
        region_of(&mut inv, member).accessanalyzer = analyzers(vec![]);
        delegate(&mut inv, SECURITY, "access-analyzer.amazonaws.com");
        inv
    }

    #[test]
    fn the_organization_analyzer_covers_every_account() {
        let inv = organization("ACTIVE");
        let r = results(&inv, "accessanalyzer-enabled");
        assert_eq!(r.len(), 3);
        for res in &r {
            assert_eq!(res.status, Status::Pass, "{res:?}");
        }
        let member = r.iter().find(|x| x.account_id == MEMBER).unwrap();
        assert_result(
            member,
            Status::Pass,
            &["organization analyzer org", SECURITY],
        );
    }

    #[test]
    fn an_inactive_organization_analyzer_covers_nobody() {
        let inv = organization("CREATING");
        assert_statuses(
            &inv,
            "accessanalyzer-enabled",
            &[Status::Fail, Status::Fail, Status::Fail],
        );
    }

    #[test]
    fn an_unscanned_or_unread_administrator_leaves_members_not_assessed() {
        let mut inv = organization("ACTIVE");
        region_of(&mut inv, 1).accessanalyzer = Collected::Failed(denied("ListAnalyzers"));
        let r = results(&inv, "accessanalyzer-enabled");
        let member = r.iter().find(|x| x.account_id == MEMBER).unwrap();
        assert_eq!(member.status, Status::NotAssessed);
        assert_reason(member, crate::check::ReasonCode::OutsideScan);

        // No organization analyzer seen, and the delegated administrator is unknown.
        let mut inv = organization("CREATING");
        org_mut(&mut inv).delegated_administrators =
            Collected::Failed(denied("ListDelegatedAdministrators"));
        let r = results(&inv, "accessanalyzer-enabled");
        let member = r.iter().find(|x| x.account_id == MEMBER).unwrap();
        assert_reason(member, crate::check::ReasonCode::CollectionFailed);

        let mut inv = organization("ACTIVE");
        inv.accounts.remove(1);
        let r = results(&inv, "accessanalyzer-enabled");
        assert!(r.iter().all(|x| x.status == Status::NotAssessed), "{r:?}");
    }
}
