use super::shared::apigateway::{stage_default, stage_setting};
use crate::check::Check;
use crate::inventory::Stage;

pub const CHECK: Check = Check {
    id: "apigateway-stage-execution-logging",
    run: |ctx, out| {
        let said = ["execution logging is on", "execution logging is off"];
        let path = "methodSettings.*/*.loggingLevel";
        stage_setting(ctx, out, path, logging_level, said)
    },
};

/// On at ERROR or INFO; OFF, or no stage-wide setting, logs nothing.
fn logging_level(stage: &Stage) -> (bool, String) {
    let level = stage_default(stage).and_then(|m| m.logging_level.as_deref());
    let on = matches!(level, Some("ERROR") | Some("INFO"));
    (on, level.unwrap_or("OFF (unset)").into())
}
