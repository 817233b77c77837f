use super::shared::guardduty::{RegionState, describe, region_state};
use crate::check::{Check, Reason};

/// GuardDuty is on in every scanned Region of every account: a detector whose status is
/// `ENABLED`. No detector, or a suspended one (`DISABLED`), is a gap in threat detection.
pub const CHECK: Check = Check {
    id: "guardduty-enabled",
    run: |ctx, out| {
        for gd in out.guardduty(ctx) {
            let region = gd.region.unwrap_or_default();
            let state = match region_state(gd.item) {
                Ok(s) => s,
                Err(e) => {
                    out.not_assessed(&gd, Reason::collection(e));
                    continue;
                }
            };
            let message = describe(&state, region);
            match state {
                RegionState::On(d, details) => {
                    out.pass(&gd, message)
                        .with("DetectorId", &d.detector_id)
                        .with("Status", "ENABLED");
                    if let Some(f) = &details.finding_publishing_frequency {
                        out.evidence("FindingPublishingFrequency", f);
                    }
                }
                RegionState::Suspended(d, _) => {
                    out.fail(&gd, message)
                        .with("DetectorId", &d.detector_id)
                        .with("Status", "DISABLED");
                }
                RegionState::NoDetector => {
                    out.fail(&gd, message).with("DetectorIds", "(none)");
                }
                RegionState::Unreported(d, status) => {
                    let reason = match status {
                        Some(_) => Reason::undecidable(message),
                        None => Reason::not_reported(message),
                    };
                    out.not_assessed(&gd, reason)
                        .with("DetectorId", &d.detector_id);
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, GuardDuty};

    #[test]
    fn detector_states() {
        for (gd, want, needle) in [
            (guardduty_on(&[]), Status::Pass, "is enabled in us-east-1"),
            (
                guardduty_detector("DISABLED", &[]),
                Status::Fail,
                "is suspended",
            ),
            (GuardDuty::default(), Status::Fail, "lists no detector"),
            (
                guardduty_detector("PAUSED", &[]),
                Status::NotAssessed,
                "reports the status PAUSED",
            ),
        ] {
            let mut inv = base_inventory();
            *guardduty_mut(&mut inv) = gd;
            let r = results(&inv, CHECK.id);
            assert_eq!(r.len(), 1);
            assert_result(&r[0], want, &[needle]);
        }
    }

    /// The detector's ARN names the result; a Region without one is named by the account.
    #[test]
    fn resource_names_the_detector() {
        let inv = base_inventory();
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(
            r.resource,
            "arn:aws:guardduty:us-east-1:111111111111:detector/12abc34d567e8fa901bc2d34e56789f0"
        );
        assert_eq!(r.region.as_deref(), Some("us-east-1"));
        let mut inv = base_inventory();
        *guardduty_mut(&mut inv) = GuardDuty::default();
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.resource, "AWS::::Account:111111111111");
        assert_eq!(r.region.as_deref(), Some("us-east-1"));
    }

    /// ListDetectors or GetDetector denied: not assessed with the failed call, never a pass or
    /// a fail; an inventory saved before posture collected GuardDuty likewise.
    #[test]
    fn failures_are_not_assessed() {
        let mut inv = base_inventory();
        region_mut(&mut inv).guardduty = Collected::Failed(denied("ListDetectors"));
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::NotAssessed);
        assert_reason(r, ReasonCode::CollectionFailed);

        let mut inv = base_inventory();
        guardduty_mut(&mut inv).detector.as_mut().unwrap().details =
            Collected::Failed(denied("GetDetector"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);

        let inv = edit_json(&base_inventory(), |doc| {
            let region = doc["accounts"][0]["regional"]["us-east-1"]
                .as_object_mut()
                .unwrap();
            region.remove("guardduty");
        });
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// The coverage probe makes the check's judgement: pass is on, fail is off, not assessed
    /// is unknown, Region by Region.
    #[test]
    fn the_coverage_probe_agrees_with_the_check() {
        use crate::coverage::{PROBES, State};
        let probe = PROBES.iter().find(|p| p.service == "guardduty").unwrap();
        for (gd, want) in [
            (Collected::Ok(guardduty_on(&[])), State::On),
            (
                Collected::Ok(guardduty_detector("DISABLED", &[])),
                State::Off,
            ),
            (Collected::Ok(GuardDuty::default()), State::Off),
            (
                Collected::Ok(guardduty_detector("PAUSED", &[])),
                State::Unknown,
            ),
            (Collected::Failed(denied("ListDetectors")), State::Unknown),
        ] {
            let mut inv = base_inventory();
            region_mut(&mut inv).guardduty = gd;
            let status = results(&inv, CHECK.id)[0].status;
            let a = &inv.accounts[0];
            let cell = (probe.region)(a, REGION, &a.regional[REGION]);
            assert_eq!(cell.state, want, "{cell:?}");
            let agrees = match status {
                Status::Pass => State::On,
                Status::Fail => State::Off,
                _ => State::Unknown,
            };
            assert_eq!(cell.state, agrees, "{status:?} vs {cell:?}");
        }
    }
}
