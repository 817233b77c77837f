use super::shared::apigateway::{attached, stage_setting};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-waf",
    run: |ctx, out| {
        let said = [
            "an AWS WAF web ACL protects the stage",
            "no AWS WAF web ACL is associated",
        ];
        stage_setting(ctx, out, "webAclArn", |s| attached(&s.web_acl_arn), said)
    },
};
