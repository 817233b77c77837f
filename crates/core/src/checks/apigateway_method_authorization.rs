use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::{Collected, RestApi};
use crate::policy::{grants_public_access, parse};

/// Who can reach an API's methods at all, before any authorizer: this decides whether a method
/// without an authorizer "can be called by anyone".
enum Reach {
    /// No stage: nothing is deployed, no method can be invoked.
    NotDeployed,
    /// A private API without a resource policy: API Gateway refuses every invocation.
    PrivateWithoutPolicy,
    /// The resource policy grants `execute-api:Invoke` to no one unpinned: only the accounts,
    /// VPCs, endpoints or addresses it names get through.
    RestrictedByPolicy,
    /// Anyone who can reach the endpoint (no resource policy, or one that lets anyone invoke).
    Open(String),
    /// The resource policy could not be analysed.
    Unknown(String),
}

fn reach(api: &RestApi) -> Reach {
    if let Collected::Ok(stages) = &api.stages
        && stages.is_empty()
    {
        return Reach::NotDeployed;
    }
    let private = api.endpoint_types.iter().any(|t| t == "PRIVATE");
    match &api.policy {
        None if private => Reach::PrivateWithoutPolicy,
        None => Reach::Open("no resource policy".into()),
        Some(text) => match parse(text) {
            Err(e) => Reach::Unknown(format!("its resource policy could not be analysed: {e}")),
            Ok(policy) => {
                let public = grants_public_access(&policy, Some(&["execute-api:Invoke"]));
                if public.is_empty() {
                    Reach::RestrictedByPolicy
                } else {
                    Reach::Open(
                        public
                            .iter()
                            .map(|g| format!("resource policy {}: {}", g.statement, g.why))
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                }
            }
        },
    }
}

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
                let reach = reach(api);
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
                        let auth = m.authorization_type.as_deref();
                        match (auth, &reach) {
                            (None, _) => {
                                out.not_assessed(id, Some(region), &arn, format!("not assessed: API Gateway did not report the authorization type of {what}"));
                            }
                            (Some(_), Reach::NotDeployed) => {
                                out.not_applicable(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!(
                                        "{what} cannot be invoked: the API has no deployed stage"
                                    ),
                                )
                                .with("stages", "none");
                            }
                            (Some(_), Reach::PrivateWithoutPolicy) => {
                                out.not_applicable(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!("{what} cannot be invoked: a private API without a resource policy refuses every call"),
                                )
                                .with("endpointConfiguration.types", "PRIVATE")
                                .with("policy", "none");
                            }
                            (Some("NONE"), Reach::Unknown(why)) => {
                                out.not_assessed(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!("not assessed: {what} has no authorizer and {why}"),
                                );
                            }
                            (Some("NONE"), Reach::RestrictedByPolicy) => {
                                out.pass(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!("{what} has no authorizer, but the API's resource policy lets only the accounts, networks or endpoints it names invoke it"),
                                )
                                .with("policy", "no statement grants execute-api:Invoke to anyone unpinned");
                            }
                            (Some("NONE"), Reach::Open(why)) if m.api_key_required => {
                                out.fail(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!(
                                        "{what} has no authorizer; an API key is not authentication"
                                    ),
                                )
                                .with("reachable_by", why);
                            }
                            (Some("NONE"), Reach::Open(why)) => {
                                out.fail(
                                    id,
                                    Some(region),
                                    &arn,
                                    format!("{what} can be called by anyone: no authorizer"),
                                )
                                .with("reachable_by", why);
                            }
                            (Some(t), _) => {
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
        let mut api = rest_api(
            "a1",
            &[("GET", "NONE"), ("POST", "AWS_IAM"), ("OPTIONS", "NONE")],
        );
        api.stages = crate::inventory::Collected::Ok(vec![stage("prod")]);
        apigw_mut(&mut inv).rest_apis = vec![api];
        assert_eq!(
            statuses(&inv, "apigateway-method-authorization"),
            vec![Status::Fail, Status::Pass]
        );
    }

    fn stage(name: &str) -> crate::inventory::Stage {
        crate::inventory::Stage {
            name: name.into(),
            tracing_enabled: false,
            web_acl_arn: None,
            client_certificate_id: None,
            cache_cluster_enabled: false,
            access_log_destination: None,
            method_settings: Default::default(),
            tags: None,
        }
    }

    /// Audit finding 19: a method of an API with no deployed stage cannot be called.
    #[test]
    fn undeployed_api_is_not_applicable() {
        let mut inv = base_inventory();
        apigw_mut(&mut inv).rest_apis = vec![rest_api("a1", &[("GET", "NONE")])];
        let r = results(&inv, "apigateway-method-authorization");
        assert_eq!(r[0].status, Status::NotApplicable, "{r:#?}");
        assert!(r[0].message.contains("no deployed stage"));
    }

    /// Audit finding 19: the REST API's resource policy decides who reaches a method without
    /// an authorizer: a private API limited to one VPC endpoint is not open to anyone, a
    /// private API without a policy refuses every call, and a policy that lets anyone invoke
    /// still fails.
    #[test]
    fn resource_policy_decides_reachability() {
        let mut inv = base_inventory();
        let mut api = rest_api("a1", &[("GET", "NONE")]);
        api.stages = crate::inventory::Collected::Ok(vec![stage("prod")]);
        api.endpoint_types = vec!["PRIVATE".into()];
        apigw_mut(&mut inv).rest_apis = vec![api.clone(), api.clone(), api];
        let vpce = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}]}"#;
        let open = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#;
        let inv = edit_json(&inv, |v| {
            let apis =
                &mut v["accounts"][0]["regional"]["us-east-1"]["apigateway"]["ok"]["rest_apis"];
            apis[0]["policy"] = vpce.into();
            apis[2]["policy"] = open.into();
        });
        let r = results(&inv, "apigateway-method-authorization");
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::NotApplicable, Status::Fail],
            "{r:#?}"
        );
        assert!(r[0].message.contains("resource policy"), "{}", r[0].message);
    }
}
