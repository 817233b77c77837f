use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "apigateway-method-authorization",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("apigateway-method-authorization");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(gw) = out.collected(&data.apigateway, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for api in &gw.rest_apis {
                let api_arn = format!(
                    "arn:{}:apigateway:{region}::/restapis/{}",
                    ctx.partition(),
                    api.id
                );
                let Some(resources) = out.collected(&api.resources, id, Some(region), &api_arn)
                else {
                    continue;
                };
                for r in resources {
                    // CORS preflight (OPTIONS) requests carry no credentials by design.
                    for m in r.methods.iter().filter(|m| m.http_method != "OPTIONS") {
                        let arn = format!("{api_arn}/resources/{}/methods/{}", r.id, m.http_method);
                        let what = format!(
                            "{} {} of API {}",
                            m.http_method,
                            r.path,
                            api.name.as_deref().unwrap_or(&api.id)
                        );
                        match m.authorization_type.as_deref() {
                            None => {
                                out.not_assessed(id, Some(region), &arn, format!("not assessed: API Gateway did not report the authorization type of {what}"));
                            }
                            Some("NONE") if m.api_key_required => {
                                out.fail(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!(
                                        "{what} has no authorizer; an API key is not authentication"
                                    ),
                                );
                            }
                            Some("NONE") => {
                                out.fail(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!("{what} can be called by anyone: no authorizer"),
                                );
                            }
                            Some(t) => {
                                out.pass(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!("{what} requires {t} authorization"),
                                );
                            }
                        }
                        out.evidence(
                            "authorizationType",
                            m.authorization_type.as_deref().unwrap_or("unknown"),
                        )
                        .evidence("apiKeyRequired", m.api_key_required);
                    }
                }
            }
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn methods() {
        let mut inv = base_inventory();
        apigw_mut(&mut inv).rest_apis = vec![rest_api(
            "a1",
            &[("GET", "NONE"), ("POST", "AWS_IAM"), ("OPTIONS", "NONE")],
        )];
        assert_eq!(
            statuses(&inv, "apigateway-method-authorization"),
            vec![Status::Fail, Status::Pass]
        );
    }
}
