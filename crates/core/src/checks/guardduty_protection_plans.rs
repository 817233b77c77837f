use super::shared::guardduty::{
    PROTECTION_PLANS, RegionState, plan_status, region_state, s3_protection,
};
use crate::check::{Check, Reason};

/// Where GuardDuty runs, S3 Protection (S3 data events) is on. S3 is used by every account,
/// and S3 Protection is what lets GuardDuty see data access to buckets (exfiltration, access
/// from known-bad IPs); the other protection plans (EKS, Malware Protection for EC2, RDS,
/// Lambda, Runtime Monitoring) protect workloads an account may not run, so they are reported
/// in the evidence and the message, not judged.
pub const CHECK: Check = Check {
    id: "guardduty-protection-plans",
    run: |ctx, out| {
        for gd in out.guardduty(ctx) {
            let region = gd.region.unwrap_or_default();
            let details = match region_state(gd.item) {
                Ok(RegionState::On(_, details)) => details,
                Ok(RegionState::Suspended(..) | RegionState::NoDetector) => {
                    out.not_applicable(
                        &gd,
                        format!("GuardDuty is not enabled in {region}: no protection plan runs (guardduty-enabled reports it)"),
                    );
                    continue;
                }
                Ok(RegionState::Unreported(d, s)) => {
                    out.not_assessed(
                        &gd,
                        Reason::not_reported(format!(
                            "GetDetector reports the status {} for detector {} in {region}",
                            s.unwrap_or("(absent)"),
                            d.detector_id
                        )),
                    );
                    continue;
                }
                Err(e) => {
                    out.not_assessed(&gd, Reason::collection(e));
                    continue;
                }
            };
            let plans: Vec<(&str, Option<&str>)> = PROTECTION_PLANS
                .iter()
                .map(|(plan, features)| (*plan, plan_status(details, features)))
                .collect();
            let on: Vec<&str> = plans
                .iter()
                .filter(|(_, s)| *s == Some("ENABLED"))
                .map(|(p, _)| *p)
                .collect();
            let others = if on.is_empty() {
                "no protection plan is on".to_string()
            } else {
                format!("on: {}", on.join(", "))
            };
            match s3_protection(details) {
                Some(("ENABLED", _)) => {
                    out.pass(
                        &gd,
                        format!("GuardDuty S3 Protection is on in {region} ({others})"),
                    );
                }
                Some(("DISABLED", _)) => {
                    out.fail(
                        &gd,
                        format!("GuardDuty S3 Protection is off in {region}: data access to S3 buckets is not monitored ({others})"),
                    );
                }
                Some((other, field)) => {
                    out.not_assessed(
                        &gd,
                        Reason::undecidable(format!(
                            "GetDetector in {region} reports the unknown status {other} for S3 Protection ({field})"
                        )),
                    );
                }
                None => {
                    out.not_assessed(
                        &gd,
                        Reason::not_reported(format!(
                            "GetDetector in {region} lists neither the S3_DATA_EVENTS feature nor DataSources.S3Logs"
                        )),
                    );
                }
            }
            if let Some((status, field)) = s3_protection(details) {
                out.evidence(field, status);
            }
            for (plan, status) in plans {
                out.evidence(plan, status.unwrap_or("(not reported)"));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, GuardDuty};

    #[test]
    fn s3_protection_decides() {
        for (gd, want, needle) in [
            (
                guardduty_on(&[
                    ("S3_DATA_EVENTS", "ENABLED"),
                    ("EKS_RUNTIME_MONITORING", "DISABLED"),
                    ("RUNTIME_MONITORING", "ENABLED"),
                ]),
                Status::Pass,
                "on: S3 Protection, Runtime Monitoring",
            ),
            (
                guardduty_on(&[
                    ("S3_DATA_EVENTS", "DISABLED"),
                    ("RDS_LOGIN_EVENTS", "ENABLED"),
                ]),
                Status::Fail,
                "S3 Protection is off in us-east-1",
            ),
            (
                guardduty_on(&[("CLOUD_TRAIL", "ENABLED")]),
                Status::NotAssessed,
                "lists neither",
            ),
            (
                guardduty_detector("DISABLED", &[("S3_DATA_EVENTS", "ENABLED")]),
                Status::NotApplicable,
                "not enabled",
            ),
            (GuardDuty::default(), Status::NotApplicable, "not enabled"),
        ] {
            let mut inv = base_inventory();
            *guardduty_mut(&mut inv) = gd;
            let r = results(&inv, CHECK.id);
            assert_eq!(r.len(), 1);
            assert_result(&r[0], want, &[needle]);
        }
    }

    /// Every plan is in the evidence; a detector without features falls back to the older
    /// DataSources.S3Logs (emulators answer that way).
    #[test]
    fn evidence_and_data_sources_fallback() {
        let mut inv = base_inventory();
        let r = &results(&inv, CHECK.id)[0];
        assert_evidence(r, "Features[S3_DATA_EVENTS].Status", |v| v == "ENABLED");
        assert_evidence(r, "Lambda Protection", |v| v == "(not reported)");
        *guardduty_mut(&mut inv) = guardduty_on(&[]);
        if let Some(d) = guardduty_mut(&mut inv).detector.as_mut()
            && let Collected::Ok(details) = &mut d.details
        {
            details.s3_logs = Some("DISABLED".into());
        }
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::Fail);
        assert_evidence(r, "DataSources.S3Logs.Status", |v| v == "DISABLED");
    }

    #[test]
    fn failures_are_not_assessed() {
        let mut inv = base_inventory();
        region_mut(&mut inv).guardduty = Collected::Failed(denied("ListDetectors"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }
}
