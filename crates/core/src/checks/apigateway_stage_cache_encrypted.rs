use super::shared::apigateway::{stage_default, stage_message, stage_verdict};
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
            let said = [
                "cached responses are encrypted",
                "the cache holds responses unencrypted",
            ];
            stage_verdict(out, &api, &stage, enc, said)
                .with("methodSettings.*/*.cacheDataEncrypted", enc);
        }
    },
};
