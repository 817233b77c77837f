use super::shared::apigateway::{stage_default, stage_message};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-execution-logging",
    run: |ctx, out| {
        for (api, stage) in out.stages(ctx) {
            let level = stage_default(&stage).and_then(|m| m.logging_level.as_deref());
            let on = matches!(level, Some("ERROR") | Some("INFO"));
            let what = if on {
                "execution logging is on"
            } else {
                "execution logging is off"
            };
            out.verdict(&stage, on, stage_message(&api, &stage, what));
            out.evidence(
                "methodSettings.*/*.loggingLevel",
                level.unwrap_or("OFF (unset)"),
            );
        }
    },
};
