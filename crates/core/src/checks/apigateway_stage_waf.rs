use super::shared::apigateway::stage_message;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-waf",
    run: |ctx, out| {
        for (api, stage) in out.stages(ctx) {
            let w = stage.web_acl_arn.as_deref();
            let what = if w.is_some() {
                "an AWS WAF web ACL protects the stage"
            } else {
                "no AWS WAF web ACL is associated"
            };
            out.verdict(&stage, w.is_some(), stage_message(&api, &stage, what));
            out.evidence("webAclArn", w.unwrap_or("none"));
        }
    },
};
