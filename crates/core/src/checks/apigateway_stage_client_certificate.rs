use super::shared::apigateway::stage_message;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-stage-client-certificate",
    run: |ctx, out| {
        for (api, stage) in out.stages(ctx) {
            let c = stage.client_certificate_id.as_deref();
            let what = if c.is_some() {
                "back ends can authenticate API Gateway with a client certificate"
            } else {
                "no client certificate for back-end authentication"
            };
            out.verdict(&stage, c.is_some(), stage_message(&api, &stage, what));
            out.evidence("clientCertificateId", c.unwrap_or("none"));
        }
    },
};
