use super::shared::apigateway::stage_setting;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-tracing",
    run: |ctx, out| {
        let said = ["X-Ray tracing is on", "X-Ray tracing is off"];
        // On when enabled; the flag itself is the evidence.
        stage_setting(
            ctx,
            out,
            "tracingEnabled",
            |s| (s.tracing_enabled, s.tracing_enabled),
            said,
        )
    },
};
