use super::shared::cloudtrail::Listings;
use crate::check::{Check, Reason};
use crate::inventory::Collected;

/// Each trail of the account also delivers to a CloudWatch Logs log group (for metric filters
/// and alarms), and its last delivery there did not fail.
pub const CHECK: Check = Check {
    id: "cloudtrail-cloudwatch-logs",
    run: |ctx, out| {
        for t in out.trails(ctx) {
            let name = &t.name;
            let Some(group) = &t.cloudwatch_logs_log_group_arn else {
                out.fail(
                    &t,
                    format!("trail {name} does not deliver to CloudWatch Logs"),
                );
                out.evidence("Trail.CloudWatchLogsLogGroupArn", "(none)");
                continue;
            };
            let listings = Listings::of_account(t.account);
            match listings.status(t.item) {
                Some(Collected::Ok(s)) => {
                    match &s.latest_cloudwatch_logs_delivery_error {
                        Some(e) => {
                            out.fail(
                                &t,
                                format!("trail {name} delivers to log group {group}, but its last delivery failed: {e}"),
                            );
                        }
                        None => {
                            out.pass(
                                &t,
                                format!(
                                    "trail {name} delivers to CloudWatch Logs log group {group}"
                                ),
                            );
                        }
                    }
                    out.evidence("Trail.CloudWatchLogsLogGroupArn", group);
                    out.evidence(
                        "GetTrailStatus.LatestCloudWatchLogsDeliveryError",
                        s.latest_cloudwatch_logs_delivery_error
                            .as_deref()
                            .unwrap_or("(none)"),
                    );
                }
                Some(Collected::Failed(e)) => {
                    out.not_assessed(
                        &t,
                        Reason::collection_as(
                            format!("trail {name} delivers to log group {group}; whether delivery works is unknown: "),
                            e,
                        ),
                    );
                }
                None => {
                    out.not_assessed(
                        &t,
                        Reason::not_reported(format!(
                            "the status of trail {name} was not read in any scanned region"
                        )),
                    );
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, TrailStatus};

    const ID: &str = "cloudtrail-cloudwatch-logs";

    #[test]
    fn log_group_delivery_errors_and_unknown_status() {
        assert_statuses(
            &inventory_with_trails(vec![trail("t", true, true)]),
            ID,
            &[Status::Pass],
        );
        let mut none = trail("t", true, true);
        none.cloudwatch_logs_log_group_arn = None;
        // No log group: failed without needing the status.
        none.status = Some(Collected::Failed(denied("GetTrailStatus")));
        assert_statuses(&inventory_with_trails(vec![none]), ID, &[Status::Fail]);
        let mut broken = trail("t", true, true);
        broken.status = Some(Collected::Ok(TrailStatus {
            is_logging: true,
            latest_cloudwatch_logs_delivery_error: Some("Access denied for LogGroup".into()),
            ..Default::default()
        }));
        let r = results(&inventory_with_trails(vec![broken]), ID);
        assert_result(&r[0], Status::Fail, &["last delivery failed"]);
        let mut unknown = trail("t", true, true);
        unknown.status = Some(Collected::Failed(denied("GetTrailStatus")));
        assert_statuses(
            &inventory_with_trails(vec![unknown]),
            ID,
            &[Status::NotAssessed],
        );
    }
}
