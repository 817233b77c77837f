use super::shared::apigateway::{attached, stage_setting};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-access-logging",
    run: |ctx, out| {
        let said = ["access logs are delivered", "no access log destination"];
        let path = "accessLogSettings.destinationArn";
        stage_setting(
            ctx,
            out,
            path,
            |s| attached(&s.access_log_destination),
            said,
        )
    },
};
