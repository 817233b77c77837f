use super::shared::cloudtrail::{Coverage, Listings, gaps_sentence, names, region_coverage};
use crate::check::Check;

/// Every scanned region of every account is logged by a multi-region trail that is logging
/// management write events (the organization trail counts: DescribeTrails lists it in the
/// members). A region logged only by single-region trails fails: a region added later, or one
/// posture did not scan, has no such trail.
pub const CHECK: Check = Check {
    id: "cloudtrail-multi-region",
    run: |ctx, out| {
        for ct in out.cloudtrail(ctx) {
            let listings = Listings::of_account(ct.account);
            let region = ct.region.unwrap_or_default();
            match region_coverage(&listings, region, ct.item) {
                Coverage::Logged(trails) => {
                    let multi: Vec<_> = trails
                        .iter()
                        .copied()
                        .filter(|t| t.is_multi_region)
                        .collect();
                    if let Some(t) = multi.first() {
                        let kind = if t.is_organization_trail {
                            "organization trail"
                        } else {
                            "multi-region trail"
                        };
                        out.pass(
                            &ct,
                            format!("{region} is logged by the {kind} {} ({})", t.name, t.arn),
                        );
                    } else {
                        out.fail(
                            &ct,
                            format!(
                                "{region} is logged only by single-region trail(s) {}: no multi-region trail covers it",
                                names(&trails)
                            ),
                        );
                    }
                    for t in &trails {
                        out.evidence("Trail.TrailARN", &t.arn);
                        out.evidence("Trail.IsMultiRegionTrail", t.is_multi_region);
                        out.evidence("Trail.IsOrganizationTrail", t.is_organization_trail);
                    }
                }
                Coverage::NotLogged(gaps) if gaps.is_empty() => {
                    out.fail(&ct, format!("no trail covers {region}"));
                    out.evidence("DescribeTrails.trailList", "(no trail covers the region)");
                }
                Coverage::NotLogged(gaps) => {
                    out.fail(
                        &ct,
                        format!(
                            "no trail logs management events in {region}: {}",
                            gaps_sentence(&gaps)
                        ),
                    );
                    for (t, _) in &gaps {
                        out.evidence("Trail.TrailARN", &t.arn);
                    }
                }
                Coverage::Unknown(reason) => {
                    out.not_assessed(&ct, reason);
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
    use crate::inventory::{Collected, ManagementEvents, Trail};

    const ID: &str = "cloudtrail-multi-region";

    /// The fixture account with a second scanned region listing `trails` (shadows: no status).
    fn with_second_region(inv: &mut crate::inventory::Inventory, trails: Vec<Trail>) {
        let acct = &mut inv.accounts[0];
        let mut other = acct.regional[REGION].clone();
        other.cloudtrail = Collected::Ok(crate::inventory::CloudTrail { trails });
        acct.regional.insert("eu-west-1".into(), other);
        acct.regions = Collected::Ok(vec![REGION.into(), "eu-west-1".into()]);
    }

    fn shadow(t: &Trail) -> Trail {
        Trail {
            status: None,
            management_events: None,
            ..t.clone()
        }
    }

    #[test]
    fn a_logging_multi_region_trail_passes_single_region_and_stopped_fail() {
        assert_statuses(&inventory_with_trails(vec![]), ID, &[Status::Fail]);
        assert_statuses(
            &inventory_with_trails(vec![trail("main", true, true)]),
            ID,
            &[Status::Pass],
        );
        let r = results(
            &inventory_with_trails(vec![trail("local", false, true)]),
            ID,
        );
        assert_result(&r[0], Status::Fail, &["only by single-region", "local"]);
        let r = results(&inventory_with_trails(vec![trail("main", true, false)]), ID);
        assert_result(&r[0], Status::Fail, &["main is not logging"]);
    }

    #[test]
    fn a_shadow_region_uses_the_status_read_in_the_home_region() {
        let main = trail("main", true, true);
        let local = trail("local", false, true);
        let mut inv = inventory_with_trails(vec![main.clone(), local]);
        with_second_region(&mut inv, vec![shadow(&main)]);
        assert_statuses(&inv, ID, &[Status::Pass, Status::Pass]);
        // A single-region trail does not cover the other region.
        let mut inv = inventory_with_trails(vec![trail("local", false, true)]);
        with_second_region(&mut inv, vec![]);
        assert_statuses(&inv, ID, &[Status::Fail, Status::Fail]);
    }

    #[test]
    fn an_organization_trail_of_the_management_account_covers_a_member() {
        let mut org = trail("org", true, true);
        org.is_organization_trail = true;
        org.arn = "arn:aws:cloudtrail:us-east-1:999999999999:trail/org".into();
        let r = results(&inventory_with_trails(vec![org]), ID);
        assert_result(&r[0], Status::Pass, &["organization trail org"]);
    }

    #[test]
    fn selectors_decide_whether_management_events_are_logged() {
        let mut t = trail("main", true, true);
        t.has_custom_event_selectors = true;
        for (events, want) in [
            (Collected::Ok(ManagementEvents::ALL), Status::Pass),
            (
                Collected::Ok(ManagementEvents {
                    read: false,
                    write: true,
                }),
                Status::Pass,
            ),
            (Collected::Ok(ManagementEvents::default()), Status::Fail),
            (
                Collected::Failed(denied("GetEventSelectors")),
                Status::NotAssessed,
            ),
        ] {
            t.management_events = Some(events);
            assert_statuses(&inventory_with_trails(vec![t.clone()]), ID, &[want]);
        }
    }

    #[test]
    fn unknown_status_or_listing_is_not_assessed() {
        let mut t = trail("main", true, true);
        t.status = Some(Collected::Failed(denied("GetTrailStatus")));
        let r = results(&inventory_with_trails(vec![t]), ID);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
        // A stopped single-region trail and an unknown one: unknown wins over "not logged".
        let mut unknown = trail("other", true, true);
        unknown.status = Some(Collected::Failed(denied("GetTrailStatus")));
        let inv = inventory_with_trails(vec![trail("local", false, false), unknown]);
        assert_statuses(&inv, ID, &[Status::NotAssessed]);
        let mut inv = base_inventory();
        region_mut(&mut inv).cloudtrail = Collected::Failed(denied("DescribeTrails"));
        let r = results(&inv, ID);
        assert_eq!(r.len(), 1);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
    }
}
