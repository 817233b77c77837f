use super::shared::cloudtrail::Listings;
use crate::check::{Check, Reason};
use crate::inventory::Collected;

/// Each trail of the account is logging (GetTrailStatus `IsLogging`) and its last delivery of
/// log files to S3 did not fail (`LatestDeliveryError` empty).
pub const CHECK: Check = Check {
    id: "cloudtrail-logging",
    run: |ctx, out| {
        for t in out.trails(ctx) {
            let listings = Listings::of_account(t.account);
            let name = &t.name;
            let s = match listings.status(t.item) {
                Some(Collected::Ok(s)) => s,
                Some(Collected::Failed(e)) => {
                    out.not_assessed(&t, Reason::collection(e));
                    continue;
                }
                None => {
                    out.not_assessed(
                        &t,
                        Reason::not_reported(format!(
                            "the status of trail {name} was not read in any scanned region"
                        )),
                    );
                    continue;
                }
            };
            let bucket = t.s3_bucket_name.as_deref().unwrap_or("(none)");
            if !s.is_logging {
                out.fail(&t, format!("trail {name} is not logging"));
            } else if let Some(e) = &s.latest_delivery_error {
                out.fail(
                    &t,
                    format!("trail {name} is logging but its last delivery to bucket {bucket} failed: {e}"),
                );
            } else {
                out.pass(
                    &t,
                    format!("trail {name} is logging and delivering to bucket {bucket}"),
                );
            }
            out.evidence("GetTrailStatus.IsLogging", s.is_logging);
            out.evidence(
                "GetTrailStatus.LatestDeliveryError",
                s.latest_delivery_error.as_deref().unwrap_or("(none)"),
            );
            if let Some(time) = s.latest_delivery_time {
                out.evidence("GetTrailStatus.LatestDeliveryTime", time.to_rfc3339());
            }
            if let Some(time) = s.stop_logging_time {
                out.evidence("GetTrailStatus.StopLoggingTime", time.to_rfc3339());
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, TrailStatus};

    const ID: &str = "cloudtrail-logging";

    #[test]
    fn logging_stopped_and_delivery_errors() {
        assert_statuses(
            &inventory_with_trails(vec![trail("t", true, true)]),
            ID,
            &[Status::Pass],
        );
        assert_statuses(
            &inventory_with_trails(vec![trail("t", true, false)]),
            ID,
            &[Status::Fail],
        );
        let mut t = trail("t", true, true);
        t.status = Some(Collected::Ok(TrailStatus {
            is_logging: true,
            latest_delivery_error: Some("AccessDenied".into()),
            ..Default::default()
        }));
        let r = results(&inventory_with_trails(vec![t]), ID);
        assert_result(&r[0], Status::Fail, &["last delivery", "AccessDenied"]);
        let mut t = trail("t", true, true);
        t.status = Some(Collected::Failed(denied("GetTrailStatus")));
        let r = results(&inventory_with_trails(vec![t]), ID);
        assert_reason(&r[0], ReasonCode::CollectionFailed);
    }

    /// An organization trail listed in a member is judged in the account that owns it.
    #[test]
    fn trails_of_other_accounts_are_not_judged_here() {
        let mut t = trail("org", true, false);
        t.arn = "arn:aws:cloudtrail:us-east-1:999999999999:trail/org".into();
        assert_statuses(&inventory_with_trails(vec![t]), ID, &[]);
    }
}
