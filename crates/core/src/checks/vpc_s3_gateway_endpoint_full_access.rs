use super::{CheckDef, Input, Results, account_resource};
use crate::policy;

pub const CHECK: CheckDef = CheckDef {
    id: "vpc-s3-gateway-endpoint-full-access",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("vpc-s3-gateway-endpoint-full-access");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            let s3_gateways = ec2.vpc_endpoints.iter().filter(|e| {
                e.endpoint_type.eq_ignore_ascii_case("gateway") && e.service_name.ends_with(".s3")
            });
            for ep in s3_gateways {
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:vpc-endpoint/{}",
                    ctx.partition(),
                    ep.vpc_endpoint_id
                );
                match &ep.policy {
                    None => {
                        out.fail(id, Some(region), &arn, format!("S3 gateway endpoint {} has no policy: every principal can reach every bucket through it", ep.vpc_endpoint_id));
                    }
                    Some(text) => {
                        match policy::parse(text) {
                            Err(e) => {
                                out.not_assessed(id, Some(region), &arn, format!("not assessed: the endpoint policy could not be analysed: {e}"));
                            }
                            Ok(p) => match policy::is_full_access_endpoint_policy(&p) {
                                Some(statement) => {
                                    out.fail(id, Some(region), &arn, format!("S3 gateway endpoint {} has a full-access policy: workloads can reach any bucket, including buckets outside the organization", ep.vpc_endpoint_id))
                                    .with(format!("policy.{statement}"), "Allow * on * to * with no condition");
                                }
                                None => {
                                    out.pass(
                                        id,
                                        Some(region),
                                        &arn,
                                        format!(
                                            "S3 gateway endpoint {} has a restricted policy",
                                            ep.vpc_endpoint_id
                                        ),
                                    );
                                }
                            },
                        }
                    }
                }
                out.evidence("vpc_id", &ep.vpc_id)
                    .evidence("route_tables", ep.route_table_ids.join(", "));
            }
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::VpcEndpoint;

    #[test]
    fn endpoint_policies() {
        let mut inv = base_inventory();
        let ep = |id: &str, service: &str, policy: Option<&str>| VpcEndpoint {
            tags: None,
            vpc_endpoint_id: id.into(),
            vpc_id: "vpc-1".into(),
            service_name: service.into(),
            endpoint_type: "Gateway".into(),
            state: Some("available".into()),
            policy: policy.map(str::to_string),
            route_table_ids: vec!["rtb-1".into()],
        };
        ec2_mut(&mut inv).vpc_endpoints = vec![
            ep(
                "vpce-1",
                "com.amazonaws.us-east-1.s3",
                Some(
                    r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
                ),
            ),
            ep(
                "vpce-2",
                "com.amazonaws.us-east-1.s3",
                Some(
                    r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}"#,
                ),
            ),
            ep("vpce-3", "com.amazonaws.us-east-1.s3", None),
            ep("vpce-4", "com.amazonaws.us-east-1.dynamodb", None),
        ];
        assert_eq!(
            statuses(&inv, "vpc-s3-gateway-endpoint-full-access"),
            vec![Status::Fail, Status::Pass, Status::Fail]
        );
    }
}
