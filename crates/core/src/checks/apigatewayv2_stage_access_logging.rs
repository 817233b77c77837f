use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigatewayv2-stage-access-logging",
    run: |ctx, out| {
        for (api, stage) in out.http_stages(ctx) {
            let api_name = api.name.as_deref().unwrap_or(&api.api_id);
            let what = format!("stage {} of HTTP API {api_name}", stage.stage_name);
            let dest = stage.access_log_destination.as_deref();
            match dest {
                Some(d) => out.pass(&stage, format!("{what} writes access logs to {d}")),
                None => out.fail(&stage, format!("{what} writes no access logs")),
            }
            .with("accessLogSettings.destinationArn", dest.unwrap_or("none"));
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn stages() {
        let mut inv = base_inventory();
        let mut failed = http_api("h3", &[], true);
        failed.stages = Collected::Failed(denied("GetStages"));
        apigwv2_mut(&mut inv).apis = vec![
            http_api("h1", &[], true),
            http_api("h2", &[], false),
            failed,
        ];
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 3, "{r:#?}");
        assert_eq!(status_of(&r, "::/apis/h1/stages/prod"), Status::Pass);
        assert_eq!(status_of(&r, "::/apis/h2/stages/prod"), Status::Fail);
        assert_eq!(status_of(&r, "::/apis/h3"), Status::NotAssessed);
    }
}
