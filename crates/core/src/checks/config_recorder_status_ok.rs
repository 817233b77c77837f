use super::shared::config::{RecorderState, recorder_state};
use crate::check::{Check, Reason};

/// The last recording attempt of each region's Config recorder did not fail
/// (DescribeConfigurationRecorderStatus `lastStatus`).
pub const CHECK: Check = Check {
    id: "config-recorder-status-ok",
    run: |ctx, out| {
        for c in out.config(ctx) {
            let region = c.region.unwrap_or_default();
            let (rec, status) = match recorder_state(&c) {
                Ok(RecorderState::Recording(rec, s) | RecorderState::Stopped(rec, s)) => (rec, s),
                Ok(RecorderState::Absent) => {
                    out.not_applicable(
                        &c,
                        format!("there is no configuration recorder in {region} (config-recorder-enabled fails it)"),
                    );
                    continue;
                }
                Err(reason) => {
                    out.not_assessed(&c, reason);
                    continue;
                }
            };
            match status.last_status.as_deref() {
                Some("Failure") => {
                    out.fail(
                        &c,
                        format!(
                            "the last recording of recorder {} in {region} failed: {}",
                            rec.name,
                            status
                                .last_error_message
                                .as_deref()
                                .or(status.last_error_code.as_deref())
                                .unwrap_or("AWS gave no error")
                        ),
                    );
                }
                Some("NotApplicable") | None => {
                    out.not_applicable(
                        &c,
                        format!(
                            "recorder {} in {region} has no recording to judge (last status {})",
                            rec.name,
                            status
                                .last_status
                                .as_deref()
                                .unwrap_or("absent: it never recorded")
                        ),
                    );
                }
                Some(s @ ("Success" | "Pending")) => {
                    out.pass(
                        &c,
                        format!(
                            "the last recording status of recorder {} in {region} is {s}",
                            rec.name
                        ),
                    );
                }
                Some(other) => {
                    out.not_assessed(
                        &c,
                        Reason::undecidable(format!(
                            "DescribeConfigurationRecorderStatus in {region} reports the unknown last status {other}"
                        )),
                    );
                }
            }
            out.evidence(
                "ConfigurationRecorderStatus.lastStatus",
                status.last_status.as_deref().unwrap_or("(absent)"),
            );
            if let Some(e) = &status.last_error_code {
                out.evidence("ConfigurationRecorderStatus.lastErrorCode", e);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    fn set(inv: &mut crate::inventory::Inventory, last: Option<&str>) {
        if let Collected::Ok(s) = &mut config_mut(inv).recorder_statuses {
            s[0].last_status = last.map(str::to_string);
            s[0].last_error_code = Some("NoSuchBucket".into());
            s[0].last_error_message = Some("The specified bucket does not exist".into());
        }
    }

    #[test]
    fn statuses_of_the_last_recording() {
        for (last, want) in [
            (Some("Success"), Status::Pass),
            (Some("Pending"), Status::Pass),
            (Some("Failure"), Status::Fail),
            (Some("NotApplicable"), Status::NotApplicable),
            (None, Status::NotApplicable),
            (Some("Paused"), Status::NotAssessed),
        ] {
            let mut inv = base_inventory();
            set(&mut inv, last);
            assert_statuses(&inv, CHECK.id, &[want]);
        }
        let mut inv = base_inventory();
        set(&mut inv, Some("Failure"));
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Fail,
            &["bucket does not exist"],
        );
    }

    #[test]
    fn absent_or_unknown() {
        let mut inv = base_inventory();
        config_mut(&mut inv).recorders.clear();
        assert_statuses(&inv, CHECK.id, &[Status::NotApplicable]);
        let mut inv = base_inventory();
        config_mut(&mut inv).recorder_statuses =
            Collected::Failed(denied("DescribeConfigurationRecorderStatus"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }
}
