use super::shared::apigateway::stage_message;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-tracing",
    run: |ctx, out| {
        for (api, stage) in out.stages(ctx) {
            let on = stage.tracing_enabled;
            let what = if on {
                "X-Ray tracing is on"
            } else {
                "X-Ray tracing is off"
            };
            out.verdict(&stage, on, stage_message(&api, &stage, what));
            out.evidence("tracingEnabled", on);
        }
    },
};
