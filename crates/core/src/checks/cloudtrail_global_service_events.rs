use super::shared::cloudtrail::{Listings, TrailState, organization_cover};
use crate::check::{OrgCheck, Reason};

/// Each account's global service events (IAM, STS, CloudFront, Route 53: recorded in
/// us-east-1) are recorded by a trail that is logging management write events with
/// `IncludeGlobalServiceEvents`; the organization trail counts, from the account's own
/// listing or the management account's. Trails that leave them out on purpose, so that they
/// are not recorded twice, are fine as long as one trail records them.
pub const CHECK: OrgCheck = OrgCheck {
    id: "cloudtrail-global-service-events",
    run: |ctx, out| {
        let cover = organization_cover(ctx.organization, ctx.accounts)
            .filter(|c| c.trail.include_global_service_events);
        for acct in out.digests(ctx) {
            if out.collected(&acct, &acct.item.regions).is_none() {
                continue;
            }
            let listings = Listings::of_digest(acct.item);
            let trails = listings.distinct();
            let mut recording = Vec::new();
            let mut unknown = None;
            for t in trails.iter().filter(|t| t.include_global_service_events) {
                match listings.state(t) {
                    s if s.records_writes() => recording.push(*t),
                    TrailState::Unknown(r) => {
                        unknown.get_or_insert(
                            r.after(format!("the state of trail {} is unknown: ", t.name)),
                        );
                    }
                    _ => {}
                }
            }
            if let Some(t) = recording.first() {
                out.pass(
                    &acct,
                    format!(
                        "global service events are recorded by trail {} ({})",
                        t.name, t.arn
                    ),
                );
                for t in &recording {
                    out.evidence("Trail.TrailARN", &t.arn);
                }
                continue;
            }
            if let Some(c) = cover
                .as_ref()
                .filter(|c| c.covers_account(acct.account_id()))
            {
                out.pass(
                    &acct,
                    format!(
                        "global service events are recorded by the organization trail {} ({}), as the management account lists it",
                        c.trail.name, c.trail.arn
                    ),
                );
                out.evidence("Trail.TrailARN", &c.trail.arn);
                continue;
            }
            if let Some(r) = unknown {
                out.not_assessed(&acct, r);
                continue;
            }
            if let Some((region, e)) = listings.first_failure() {
                out.not_assessed(
                    &acct,
                    Reason::collection_as(
                        format!(
                            "no trail read records global service events, and the trails of {region} are unknown: "
                        ),
                        e,
                    ),
                );
                continue;
            }
            let without: Vec<&str> = trails
                .iter()
                .filter(|t| !t.include_global_service_events)
                .map(|t| t.name.as_str())
                .collect();
            let with_stopped: Vec<&str> = trails
                .iter()
                .filter(|t| t.include_global_service_events)
                .map(|t| t.name.as_str())
                .collect();
            let detail = match (trails.is_empty(), with_stopped.is_empty()) {
                (true, _) => "the account has no trail".to_string(),
                (false, true) => format!(
                    "no trail includes them (IncludeGlobalServiceEvents false: {})",
                    without.join(", ")
                ),
                (false, false) => format!(
                    "the trails that include them do not log management events: {}",
                    with_stopped.join(", ")
                ),
            };
            out.fail(
                &acct,
                format!("global service events (IAM, STS, CloudFront) are not recorded: {detail}"),
            );
            for t in &trails {
                out.evidence(
                    format!("Trail[{}].IncludeGlobalServiceEvents", t.name),
                    t.include_global_service_events,
                );
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    const ID: &str = "cloudtrail-global-service-events";

    #[test]
    fn one_logging_trail_with_global_events_is_enough() {
        let mut without = trail("regional", true, true);
        without.include_global_service_events = false;
        let with = trail("main", true, true);
        let r = results(&inventory_with_trails(vec![without.clone(), with]), ID);
        assert_result(&r[0], Status::Pass, &["main"]);
        let r = results(&inventory_with_trails(vec![without]), ID);
        assert_result(
            &r[0],
            Status::Fail,
            &["IncludeGlobalServiceEvents false: regional"],
        );
        let r = results(&inventory_with_trails(vec![trail("main", true, false)]), ID);
        assert_result(&r[0], Status::Fail, &["do not log"]);
        let r = results(&inventory_with_trails(vec![]), ID);
        assert_result(&r[0], Status::Fail, &["no trail"]);
    }

    #[test]
    fn unknown_state_or_listing_is_not_assessed() {
        let mut t = trail("main", true, true);
        t.status = Some(Collected::Failed(denied("GetTrailStatus")));
        assert_statuses(&inventory_with_trails(vec![t]), ID, &[Status::NotAssessed]);
        let mut inv = base_inventory();
        region_mut(&mut inv).cloudtrail = Collected::Failed(denied("DescribeTrails"));
        assert_statuses(&inv, ID, &[Status::NotAssessed]);
    }
}
