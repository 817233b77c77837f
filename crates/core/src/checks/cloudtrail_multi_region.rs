use super::shared::cloudtrail::{
    Coverage, Listings, gaps_sentence, names, organization_cover, region_coverage,
};
use crate::check::{OrgCheck, Reason};
use crate::inventory::Collected;

/// Every scanned region of every account is logged by a multi-region trail that is logging
/// management write events. The organization trail counts: DescribeTrails lists it in the
/// members, and the management account's listing of it stands for a member whose listing does
/// not show it or could not be read (an organization trail records every account of the
/// organization). A region logged only by single-region trails fails: a region added later,
/// or one posture did not scan, has no such trail. Judged at the end of the scan, on every
/// account's trail listings.
pub const CHECK: OrgCheck = OrgCheck {
    id: "cloudtrail-multi-region",
    run: |ctx, out| {
        let cover = organization_cover(ctx.organization, ctx.accounts);
        for (at, listing) in out.digest_cloudtrail_regions(ctx) {
            let region = at.region.unwrap_or_default();
            let own = match listing {
                Collected::Ok(ct) => Ok(region_coverage(&Listings::of_digest(at.item), region, ct)),
                Collected::Failed(e) => Err(Reason::collection(e)),
            };
            if let Ok(Coverage::Logged(trails)) = &own
                && let Some(t) = trails.iter().find(|t| t.is_multi_region)
            {
                let kind = if t.is_organization_trail {
                    "organization trail"
                } else {
                    "multi-region trail"
                };
                out.pass(
                    &at,
                    format!("{region} is logged by the {kind} {} ({})", t.name, t.arn),
                );
                for t in trails {
                    out.evidence("Trail.TrailARN", &t.arn);
                    out.evidence("Trail.IsMultiRegionTrail", t.is_multi_region);
                    out.evidence("Trail.IsOrganizationTrail", t.is_organization_trail);
                }
                continue;
            }
            if let Some(c) = cover.as_ref().filter(|c| c.covers_account(at.account_id())) {
                out.pass(
                    &at,
                    format!(
                        "{region} is logged by the organization trail {} ({}), as the management account lists it",
                        c.trail.name, c.trail.arn
                    ),
                );
                out.evidence("Trail.TrailARN", &c.trail.arn);
                out.evidence("Trail.IsOrganizationTrail", true);
                out.evidence("management events", c.events.label());
                continue;
            }
            match own {
                Ok(Coverage::Logged(trails)) => {
                    out.fail(
                        &at,
                        format!(
                            "{region} is logged only by single-region trail(s) {}: no multi-region trail covers it",
                            names(&trails)
                        ),
                    );
                    for t in &trails {
                        out.evidence("Trail.TrailARN", &t.arn);
                        out.evidence("Trail.IsMultiRegionTrail", t.is_multi_region);
                    }
                }
                Ok(Coverage::NotLogged(gaps)) if gaps.is_empty() => {
                    out.fail(&at, format!("no trail covers {region}"));
                    out.evidence("DescribeTrails.trailList", "(no trail covers the region)");
                }
                Ok(Coverage::NotLogged(gaps)) => {
                    out.fail(
                        &at,
                        format!(
                            "no trail logs management events in {region}: {}",
                            gaps_sentence(&gaps)
                        ),
                    );
                    for (t, _) in &gaps {
                        out.evidence("Trail.TrailARN", &t.arn);
                    }
                }
                Ok(Coverage::Unknown(reason)) | Err(reason) => {
                    out.not_assessed(&at, reason);
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

    /// A member whose listing does not show the organization trail (moto lists it only in the
    /// management account), or could not be read, is covered by the management account's.
    #[test]
    fn the_management_accounts_organization_trail_covers_the_members() {
        let mut org_trail = trail("org", true, true);
        org_trail.is_organization_trail = true;
        let mut inv = org_inventory();
        cloudtrail_mut(&mut inv).trails = vec![org_trail.clone()];
        let mut member = inv.accounts[0].clone();
        member.account_id = "222222222222".into();
        member.regional.get_mut(REGION).unwrap().cloudtrail =
            Collected::Ok(crate::inventory::CloudTrail::default());
        let mut unreadable = member.clone();
        unreadable.account_id = "333333333333".into();
        unreadable.regional.get_mut(REGION).unwrap().cloudtrail =
            Collected::Failed(denied("DescribeTrails"));
        let mut outsider = member.clone();
        outsider.account_id = "444444444444".into();
        inv.accounts.extend([member, unreadable, outsider]);
        for id in ["222222222222", "333333333333"] {
            org_mut(&mut inv)
                .accounts
                .push(crate::inventory::OrgAccount {
                    id: id.into(),
                    name: id.into(),
                    email: None,
                    state: "ACTIVE".into(),
                    parent_id: Some("ou-wl".into()),
                });
        }
        let r = results(&inv, ID);
        let of = |account: &str| r.iter().find(|x| x.account_id == account).unwrap();
        assert_result(of(ACCOUNT), Status::Pass, &["organization trail org"]);
        assert_result(
            of("222222222222"),
            Status::Pass,
            &["as the management account lists it"],
        );
        assert_result(
            of("333333333333"),
            Status::Pass,
            &["as the management account lists it"],
        );
        // Not an account of the organization: its own listing decides.
        assert_result(of("444444444444"), Status::Fail, &["no trail covers"]);
        // A stopped organization trail covers no one.
        for a in &mut inv.accounts {
            for data in a.regional.values_mut() {
                if let Collected::Ok(ct) = &mut data.cloudtrail {
                    for t in &mut ct.trails {
                        t.status = Some(Collected::Ok(crate::inventory::TrailStatus::default()));
                    }
                }
            }
        }
        let r = results(&inv, ID);
        assert_eq!(
            r.iter().filter(|x| x.status == Status::Pass).count(),
            0,
            "{r:#?}"
        );
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
