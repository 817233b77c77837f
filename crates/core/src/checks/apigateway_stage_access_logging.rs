use super::shared::apigateway::stage_message;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-access-logging",
    run: |ctx, out| {
        for (api, stage) in out.stages(ctx) {
            let d = stage.access_log_destination.as_deref();
            let what = if d.is_some() {
                "access logs are delivered"
            } else {
                "no access log destination"
            };
            out.verdict(&stage, d.is_some(), stage_message(&api, &stage, what));
            out.evidence("accessLogSettings.destinationArn", d.unwrap_or("none"));
        }
    },
};
