use crate::check::{Check, Reason};
use crate::inventory::Collected;

/// `OPTIONS …` routes answer CORS preflight requests, which carry no credentials by design.
fn is_preflight(route_key: &str) -> bool {
    route_key.starts_with("OPTIONS ")
}

pub const CHECK: Check = Check {
    id: "apigatewayv2-route-authorization",
    run: |ctx, out| {
        let apis = out.http_apis(ctx);
        for (api, routes) in out.each_collected(apis, |api| &api.routes) {
            let api_name = api.name.as_deref().unwrap_or(&api.api_id);
            // GetStages answered with none: nothing is deployed, no route can be invoked.
            let undeployed = matches!(&api.stages, Collected::Ok(s) if s.is_empty());
            for route in routes.iter().filter(|r| !is_preflight(&r.route_key)) {
                let route = api.part(route);
                let what = format!("route {} of HTTP API {api_name}", route.route_key);
                match route.authorization_type.as_deref() {
                    None => {
                        out.not_assessed(
                            &route,
                            Reason::not_reported(format!(
                                "API Gateway did not report the authorization type of {what}"
                            )),
                        );
                    }
                    Some(_) if undeployed => {
                        out.not_applicable(
                            &route,
                            format!("{what} cannot be invoked: the API has no stage"),
                        )
                        .with("stages", "none");
                    }
                    Some("NONE") if route.route_key == "$default" => {
                        out.fail(
                            &route,
                            format!("{what} can be called by anyone: no authorizer on the route that catches every request no other route matches"),
                        );
                    }
                    Some("NONE") => {
                        out.fail(
                            &route,
                            format!("{what} can be called by anyone: no authorizer"),
                        );
                    }
                    Some(t) => {
                        out.pass(&route, format!("{what} requires {t} authorization"));
                    }
                }
                out.evidence("routeKey", route.route_key.as_str()).evidence(
                    "authorizationType",
                    route.authorization_type.as_deref().unwrap_or("unknown"),
                );
            }
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
    fn routes() {
        let mut inv = base_inventory();
        let api = http_api(
            "h1",
            &[
                ("GET /orders", "NONE"),
                ("$default", "NONE"),
                ("POST /orders", "JWT"),
                ("DELETE /orders/{id}", "AWS_IAM"),
                ("GET /admin", "CUSTOM"),
                ("OPTIONS /{proxy+}", "NONE"),
            ],
            true,
        );
        apigwv2_mut(&mut inv).apis = vec![api];
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![
                Status::Fail,
                Status::Fail,
                Status::Pass,
                Status::Pass,
                Status::Pass
            ],
            "{r:#?}"
        );
        assert_result(&r[1], Status::Fail, &["$default", "catches every request"]);
        assert!(
            r[0].resource
                .ends_with(":apigateway:us-east-1::/apis/h1/routes/r0"),
            "{}",
            r[0].resource
        );
    }

    #[test]
    fn undeployed_unreported_and_uncollected() {
        let mut inv = base_inventory();
        let mut undeployed = http_api("h1", &[("GET /a", "NONE")], false);
        undeployed.stages = Collected::Ok(vec![]);
        let mut unreported = http_api("h2", &[("GET /a", "NONE")], false);
        if let Collected::Ok(routes) = &mut unreported.routes {
            routes[0].authorization_type = None;
        }
        let mut failed = http_api("h3", &[], false);
        failed.routes = Collected::Failed(denied("GetRoutes"));
        apigwv2_mut(&mut inv).apis = vec![undeployed, unreported, failed];
        let r = results(&inv, CHECK.id);
        assert_eq!(r.len(), 3, "{r:#?}");
        assert_eq!(status_of(&r, "/apis/h1/routes/r0"), Status::NotApplicable);
        assert_eq!(status_of(&r, "/apis/h2/routes/r0"), Status::NotAssessed);
        assert_eq!(status_of(&r, "/apis/h3"), Status::NotAssessed);
    }
}
