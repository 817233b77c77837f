use crate::check::{Check, Reason};
use crate::checks::shared::apigateway::{PolicyReach, describe_grants, is_private, policy_reach};
use crate::inventory::{Collected, RestApi};

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
    Unknown(Reason),
}

fn reach(api: &RestApi) -> Reach {
    if let Collected::Ok(stages) = &api.stages
        && stages.is_empty()
    {
        return Reach::NotDeployed;
    }
    match policy_reach(api) {
        PolicyReach::NoPolicy if is_private(api) => Reach::PrivateWithoutPolicy,
        PolicyReach::NoPolicy => Reach::Open("no resource policy".into()),
        PolicyReach::Unknown(why) => Reach::Unknown(why),
        PolicyReach::Restricted => Reach::RestrictedByPolicy,
        PolicyReach::Public(grants) => Reach::Open(describe_grants(&grants)),
    }
}

pub const CHECK: Check = Check {
    id: "apigateway-method-authorization",
    run: |ctx, out| {
        let apis = out.rest_apis(ctx);
        for (api, resources) in out.each_collected(apis, |api| &api.resources) {
            let reach = reach(&api);
            let api_name = api.name.as_deref().unwrap_or(&api.id);
            for r in resources.iter().map(|r| api.part(r)) {
                // CORS preflight (OPTIONS) requests carry no credentials by design.
                for m in r.methods.iter().filter(|m| m.http_method != "OPTIONS") {
                    let m = r.part(m);
                    let what = format!("{} {} of API {api_name}", m.http_method, r.path);
                    match (m.authorization_type.as_deref(), &reach) {
                        (None, _) => {
                            out.not_assessed(
                                &m,
                                Reason::not_reported(format!(
                                    "API Gateway did not report the authorization type of {what}"
                                )),
                            );
                        }
                        (Some(_), Reach::NotDeployed) => {
                            out.not_applicable(
                                &m,
                                format!("{what} cannot be invoked: the API has no deployed stage"),
                            )
                            .with("stages", "none");
                        }
                        (Some(_), Reach::PrivateWithoutPolicy) => {
                            out.not_applicable(
                                &m,
                                format!("{what} cannot be invoked: a private API without a resource policy refuses every call"),
                            )
                            .with("endpointConfiguration.types", "PRIVATE")
                            .with("policy", "none");
                        }
                        (Some("NONE"), Reach::Unknown(why)) => {
                            out.not_assessed(
                                &m,
                                why.clone().after(format!("{what} has no authorizer and ")),
                            );
                        }
                        (Some("NONE"), Reach::RestrictedByPolicy) => {
                            out.pass(
                                &m,
                                format!("{what} has no authorizer, but the API's resource policy lets only the accounts, networks or endpoints it names invoke it"),
                            )
                            .with("policy", "no statement grants execute-api:Invoke to anyone unpinned");
                        }
                        (Some("NONE"), Reach::Open(why)) if m.api_key_required => {
                            out.fail(
                                &m,
                                format!(
                                    "{what} has no authorizer; an API key is not authentication"
                                ),
                            )
                            .with("reachable_by", why);
                        }
                        (Some("NONE"), Reach::Open(why)) => {
                            out.fail(&m, format!("{what} can be called by anyone: no authorizer"))
                                .with("reachable_by", why);
                        }
                        (Some(t), _) => {
                            out.pass(&m, format!("{what} requires {t} authorization"));
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
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
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
        assert_statuses(&inv, CHECK.id, &[Status::Fail, Status::Pass]);
    }

    /// Audit finding 19: a method of an API with no deployed stage cannot be called.
    #[test]
    fn undeployed_api_is_not_applicable() {
        let mut inv = base_inventory();
        apigw_mut(&mut inv).rest_apis = vec![rest_api("a1", &[("GET", "NONE")])];
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::NotApplicable, &["no deployed stage"]);
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
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::NotApplicable, Status::Fail],
            "{r:#?}"
        );
        assert!(r[0].message.contains("resource policy"), "{}", r[0].message);
    }
}
