use super::shared::apigateway::{PolicyReach, describe_grants, is_private, policy_reach};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "apigateway-rest-api-policy-public",
    run: |ctx, out| {
        for api in out.rest_apis(ctx) {
            let name = api.name.as_deref().unwrap_or(&api.id);
            let private = is_private(&api);
            match policy_reach(&api) {
                PolicyReach::NoPolicy if private => {
                    out.pass(
                        &api,
                        format!("private API {name} has no resource policy: API Gateway refuses every invocation"),
                    )
                    .with("policy", "none");
                }
                PolicyReach::NoPolicy => {
                    out.not_applicable(
                        &api,
                        format!("API {name} has no resource policy: whether anyone can call it is decided by its methods' authorization (apigateway-method-authorization)"),
                    )
                    .with("policy", "none");
                }
                PolicyReach::Unknown(why) => {
                    out.not_assessed(&api, why.after(format!("API {name}: ")));
                }
                PolicyReach::Restricted => {
                    out.pass(
                        &api,
                        format!("the resource policy of API {name} lets only the accounts, organization, VPCs, VPC endpoints or address ranges it names invoke it"),
                    )
                    .with("policy", "no statement grants execute-api:Invoke to anyone unpinned");
                }
                PolicyReach::Public(grants) if private => {
                    out.fail(
                        &api,
                        format!("the resource policy of private API {name} lets anyone invoke it through a VPC endpoint of any AWS account"),
                    )
                    .with("public_grants", describe_grants(&grants));
                }
                PolicyReach::Public(grants) => {
                    out.fail(
                        &api,
                        format!("the resource policy of API {name} lets anyone on the internet invoke it"),
                    )
                    .with("public_grants", describe_grants(&grants));
                }
            }
            out.evidence("endpointConfiguration.types", api.endpoint_types.join(","));
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::RestApi;

    const VPCE_ONLY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}]}"#;
    const OPEN: &str = r#"{"Version":"2012-10-17","Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:us-east-1:111111111111:a1/*"}]}"#;
    /// The allow-then-deny form of AWS's examples: Allow `*`, Deny every caller not from the
    /// endpoint.
    const DENY_UNLESS_VPCE: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0123456789abcdef0"}}}]}"#;
    /// An allow-list of addresses that is the whole internet pins nothing.
    const ANY_ADDRESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:*","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}"#;
    const NARROW_ADDRESS: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#;
    /// Another account by name is not public (the outside-organization question is not this
    /// check's).
    const ACCOUNT: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::222222222222:root"},"Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#;
    /// A public grant of another action than Invoke does not open the API to callers.
    const OTHER_ACTION: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:InvalidateCache","Resource":"execute-api:/*"}]}"#;

    fn api(id: &str, endpoint: &str, policy: Option<&str>) -> RestApi {
        let mut a = rest_api(id, &[("GET", "NONE")]);
        a.endpoint_types = vec![endpoint.into()];
        a.policy = policy.map(str::to_string);
        a
    }

    #[test]
    fn the_resource_policy_decides() {
        let cases = [
            (api("open", "REGIONAL", Some(OPEN)), Status::Fail),
            (api("edge", "EDGE", Some(ANY_ADDRESS)), Status::Fail),
            (api("ip", "REGIONAL", Some(NARROW_ADDRESS)), Status::Pass),
            (api("acct", "REGIONAL", Some(ACCOUNT)), Status::Pass),
            (api("other", "REGIONAL", Some(OTHER_ACTION)), Status::Pass),
            (api("vpce", "PRIVATE", Some(VPCE_ONLY)), Status::Pass),
            (api("deny", "PRIVATE", Some(DENY_UNLESS_VPCE)), Status::Pass),
            (api("privopen", "PRIVATE", Some(OPEN)), Status::Fail),
            (api("privnone", "PRIVATE", None), Status::Pass),
            (api("none", "REGIONAL", None), Status::NotApplicable),
            (
                api("broken", "REGIONAL", Some("{not json")),
                Status::NotAssessed,
            ),
        ];
        let mut inv = base_inventory();
        let (apis, want): (Vec<_>, Vec<_>) = cases.into_iter().unzip();
        apigw_mut(&mut inv).rest_apis = apis;
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            want,
            "{r:#?}"
        );
        assert_result(&r[0], Status::Fail, &["anyone on the internet"]);
        assert_result(&r[7], Status::Fail, &["VPC endpoint of any AWS account"]);
        assert_result(
            &r[9],
            Status::NotApplicable,
            &["apigateway-method-authorization"],
        );
    }

    #[test]
    fn evidence_names_the_statement() {
        let mut inv = base_inventory();
        apigw_mut(&mut inv).rest_apis = vec![api("open", "REGIONAL", Some(OPEN))];
        let r = &results(&inv, CHECK.id)[0];
        let evidence = format!("{:?}", r.evidence);
        assert!(evidence.contains("Statement[0]"), "{evidence}");
        assert!(evidence.contains("REGIONAL"), "{evidence}");
    }
}
