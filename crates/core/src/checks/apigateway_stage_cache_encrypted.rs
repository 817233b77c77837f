use super::shared::apigateway::{stage_default, stage_message};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-cache-encrypted",
    run: |ctx, out| {
        for (api, stage) in out.stages(ctx) {
            if !stage.cache_cluster_enabled {
                out.not_applicable(
                    &stage,
                    stage_message(&api, &stage, "the stage has no cache"),
                );
                out.evidence("cacheClusterEnabled", "false");
                continue;
            }
            let enc = stage_default(&stage).is_some_and(|m| m.cache_data_encrypted);
            let what = if enc {
                "cached responses are encrypted"
            } else {
                "the cache holds responses unencrypted"
            };
            out.verdict(&stage, enc, stage_message(&api, &stage, what));
            out.evidence("methodSettings.*/*.cacheDataEncrypted", enc);
        }
    },
};
