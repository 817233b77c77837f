use super::shared::apigateway::{attached, stage_setting};
use crate::check::Check;
use crate::inventory::Stage;

pub const CHECK: Check = Check {
    id: "apigateway-stage-client-certificate",
    run: |ctx, out| {
        let read = |s: &Stage| attached(&s.client_certificate_id);
        let said = [
            "back ends can authenticate API Gateway with a client certificate",
            "no client certificate for back-end authentication",
        ];
        stage_setting(ctx, out, "clientCertificateId", read, said)
    },
};
