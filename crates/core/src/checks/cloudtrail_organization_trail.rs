use super::shared::cloudtrail::{OrgTrails, TrailState};
use crate::check::OrgCheck;

/// The organization has an organization trail (`IsOrganizationTrail`) that is multi-region and
/// logging management write events. Read from the management account's listings first (it
/// owns every organization trail, also those a delegated administrator created), then from the
/// members', which AWS lists it in.
pub const CHECK: OrgCheck = OrgCheck {
    id: "cloudtrail-organization-trail",
    run: |ctx, out| {
        let Some(org) = out.organization(ctx) else {
            return;
        };
        let management = org.management_account_id.as_str();
        let trails = OrgTrails::read(ctx.accounts, management);
        if let Some((t, state, seen_in)) = trails.recording() {
            let events = match state {
                TrailState::Logging(_, m) => m.label(),
                _ => "",
            };
            out.pass(
                org,
                format!(
                    "organization trail {} is multi-region and logging {events} to bucket {}",
                    t.name,
                    t.s3_bucket_name.as_deref().unwrap_or("(none)")
                ),
            );
            out.evidence("Trail.TrailARN", &t.arn);
            out.evidence(
                "Trail.HomeRegion",
                t.home_region.as_deref().unwrap_or("(absent)"),
            );
            out.evidence(
                "Trail.S3BucketName",
                t.s3_bucket_name.as_deref().unwrap_or("(none)"),
            );
            out.evidence("read in account", seen_in);
            return;
        }
        let found = &trails.found;
        if let Some((t, TrailState::Unknown(r), _)) = found
            .iter()
            .find(|(t, s, _)| t.is_multi_region && matches!(s, TrailState::Unknown(_)))
        {
            out.not_assessed(
                org,
                r.clone().after(format!(
                    "organization trail {} is multi-region, but whether it logs is unknown: ",
                    t.name
                )),
            );
            return;
        }
        if !found.is_empty() {
            let problems: Vec<String> = found
                .iter()
                .map(|(t, s, _)| {
                    let mut p = Vec::new();
                    if !t.is_multi_region {
                        p.push("single-region".to_string());
                    }
                    if let Some(gap) = s.gap() {
                        p.push(gap);
                    }
                    if matches!(s, TrailState::Unknown(_)) {
                        p.push("logging state unknown".to_string());
                    }
                    format!("{} ({})", t.name, p.join(", "))
                })
                .collect();
            out.fail(
                org,
                format!(
                    "no organization trail is both multi-region and logging: {}",
                    problems.join("; ")
                ),
            );
            for (t, _, _) in found {
                out.evidence("Trail.TrailARN", &t.arn);
                out.evidence("Trail.IsMultiRegionTrail", t.is_multi_region);
            }
            return;
        }
        match trails.absence(management) {
            Ok(sentence) => {
                out.fail(org, sentence);
                out.evidence("IsOrganizationTrail", "(no trail)");
            }
            Err(reason) => {
                out.not_assessed(org, reason);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Inventory, Trail};

    const ID: &str = "cloudtrail-organization-trail";

    fn org_trail(multi_region: bool, logging: bool) -> Trail {
        let mut t = trail("org", multi_region, logging);
        t.is_organization_trail = true;
        t
    }

    fn org_with(trails: Vec<Trail>) -> Inventory {
        let mut inv = org_inventory();
        cloudtrail_mut(&mut inv).trails = trails;
        inv
    }

    #[test]
    fn a_multi_region_logging_organization_trail_passes() {
        let r = results(&org_with(vec![org_trail(true, true)]), ID);
        assert_result(
            &r[0],
            Status::Pass,
            &["organization trail org", "trail-logs"],
        );
        assert_evidence_value(&r[0], "arn:aws:cloudtrail:us-east-1:111111111111:trail/org");
    }

    #[test]
    fn missing_single_region_or_stopped_fails() {
        // An account trail is not an organization trail.
        let r = results(&org_with(vec![trail("local", true, true)]), ID);
        assert_result(&r[0], Status::Fail, &["no organization trail"]);
        let r = results(&org_with(vec![org_trail(false, true)]), ID);
        assert_result(&r[0], Status::Fail, &["org (single-region)"]);
        let r = results(&org_with(vec![org_trail(true, false)]), ID);
        assert_result(&r[0], Status::Fail, &["is not logging"]);
    }

    #[test]
    fn unknown_is_not_assessed() {
        let mut t = org_trail(true, true);
        t.status = Some(Collected::Failed(denied("GetTrailStatus")));
        let r = results(&org_with(vec![t]), ID);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
        let mut inv = org_inventory();
        region_mut(&mut inv).cloudtrail = Collected::Failed(denied("DescribeTrails"));
        let r = results(&inv, ID);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
        let r = results(&inventory_with_trails(vec![org_trail(true, true)]), ID);
        assert_reason(&r[0], ReasonCode::NotOrganizationMode);
    }

    /// A member's listing of the organization trail stands in for a management account that
    /// was not scanned.
    #[test]
    fn a_member_listing_is_read_when_the_management_account_is_not_scanned() {
        let mut inv = org_with(vec![org_trail(true, true)]);
        org_mut(&mut inv).management_account_id = "999999999999".into();
        assert_statuses(&inv, ID, &[Status::Pass]);
        let mut inv = org_with(vec![]);
        org_mut(&mut inv).management_account_id = "999999999999".into();
        let r = results(&inv, ID);
        assert_result(&r[0], Status::Fail, &["no scanned account lists one"]);
    }
}
