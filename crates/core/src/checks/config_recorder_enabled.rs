use super::shared::config::{RecorderState, recorder_state};
use crate::check::Check;

/// AWS Config records in every region of every account: the customer managed configuration
/// recorder exists and is recording (DescribeConfigurationRecorders,
/// DescribeConfigurationRecorderStatus). The coverage probe "config" reads the same judgement.
pub const CHECK: Check = Check {
    id: "config-recorder-enabled",
    run: |ctx, out| {
        for c in out.config(ctx) {
            let region = c.region.unwrap_or_default();
            match recorder_state(&c) {
                Ok(RecorderState::Recording(rec, _)) => {
                    out.pass(
                        &c,
                        format!(
                            "AWS Config records in {region}: recorder {} is recording",
                            rec.name
                        ),
                    );
                    out.evidence("ConfigurationRecorderStatus.recording", true);
                }
                Ok(RecorderState::Stopped(rec, status)) => {
                    out.fail(
                        &c,
                        format!(
                            "AWS Config does not record in {region}: recorder {} is stopped",
                            rec.name
                        ),
                    );
                    out.evidence("ConfigurationRecorderStatus.recording", false);
                    if let Some(s) = &status.last_status {
                        out.evidence("ConfigurationRecorderStatus.lastStatus", s);
                    }
                }
                Ok(RecorderState::Absent) => {
                    out.fail(
                        &c,
                        format!(
                            "AWS Config is off in {region}: there is no configuration recorder"
                        ),
                    );
                    out.evidence("ConfigurationRecorders", "(none)");
                }
                Err(reason) => {
                    out.not_assessed(&c, reason);
                }
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

    #[test]
    fn recording_stopped_absent() {
        let inv = base_inventory();
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Pass,
            &["recorder default is recording"],
        );

        let mut inv = base_inventory();
        if let Collected::Ok(s) = &mut config_mut(&mut inv).recorder_statuses {
            s[0].recording = false;
        }
        assert_result(&results(&inv, CHECK.id)[0], Status::Fail, &["stopped"]);

        let mut inv = base_inventory();
        config_mut(&mut inv).recorders.clear();
        assert_result(
            &results(&inv, CHECK.id)[0],
            Status::Fail,
            &["no configuration recorder"],
        );
    }

    /// A service-linked recorder (INTERNAL scope) is not the account's recorder.
    #[test]
    fn service_linked_recorder_does_not_count() {
        let mut inv = base_inventory();
        config_mut(&mut inv).recorders[0].recording_scope = Some("INTERNAL".into());
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
    }

    #[test]
    fn failures_are_not_assessed() {
        let mut inv = base_inventory();
        region_mut(&mut inv).config = Collected::Failed(denied("DescribeConfigurationRecorders"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);

        let mut inv = base_inventory();
        config_mut(&mut inv).recorder_statuses =
            Collected::Failed(denied("DescribeConfigurationRecorderStatus"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);

        let mut inv = base_inventory();
        config_mut(&mut inv).recorder_statuses = Collected::Ok(vec![]);
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        // No recorder: the status call does not matter.
        let mut inv = base_inventory();
        config_mut(&mut inv).recorders.clear();
        config_mut(&mut inv).recorder_statuses =
            Collected::Failed(denied("DescribeConfigurationRecorderStatus"));
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
    }

    /// An inventory saved before posture collected Config: not assessed, never "off".
    #[test]
    fn older_inventory_is_not_assessed() {
        let inv = edit_json(&base_inventory(), |doc| {
            for r in doc["accounts"][0]["regional"]
                .as_object_mut()
                .unwrap()
                .values_mut()
            {
                r.as_object_mut().unwrap().remove("config");
            }
        });
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }
}
