use crate::check::{Check, Reason};
use crate::policy;

pub const CHECK: Check = Check {
    id: "vpc-s3-gateway-endpoint-full-access",
    run: |ctx, out| {
        let s3_gateways = out.vpc_endpoints(ctx).into_iter().filter(|e| {
            e.endpoint_type.eq_ignore_ascii_case("gateway") && e.service_name.ends_with(".s3")
        });
        for ep in s3_gateways {
            let id = &ep.vpc_endpoint_id;
            match ep.policy.as_deref().map(policy::parse) {
                None => {
                    out.fail(&ep, format!("S3 gateway endpoint {id} has no policy: every principal can reach every bucket through it"));
                }
                Some(Err(e)) => {
                    out.not_assessed(&ep, Reason::unparseable("the endpoint policy", e));
                }
                Some(Ok(p)) => match policy::is_full_access_endpoint_policy(&p) {
                    Some(statement) => {
                        out.fail(&ep, format!("S3 gateway endpoint {id} has a full-access policy: workloads can reach any bucket, including buckets outside the organization"))
                            .with(format!("policy.{statement}"), "Allow * on * to * with no condition");
                    }
                    None => {
                        out.pass(
                            &ep,
                            format!("S3 gateway endpoint {id} has a restricted policy"),
                        );
                    }
                },
            }
            out.evidence("vpc_id", &ep.vpc_id)
                .evidence("route_tables", ep.route_table_ids.join(", "));
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn endpoint_policies() {
        let mut inv = base_inventory();
        let ep = |id: &str, service: &str, policy: Option<&str>| {
            gateway_endpoint(id, service, Some("available"), policy, &["rtb-1"])
        };
        let full = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;
        let narrow = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*"}]}"#;
        ec2_mut(&mut inv).vpc_endpoints = vec![
            ep("vpce-1", S3_SERVICE, Some(full)),
            ep("vpce-2", S3_SERVICE, Some(narrow)),
            ep("vpce-3", S3_SERVICE, None),
            ep("vpce-4", "com.amazonaws.us-east-1.dynamodb", None),
        ];
        let want = [Status::Fail, Status::Pass, Status::Fail];
        assert_statuses(&inv, "vpc-s3-gateway-endpoint-full-access", &want);
    }
}
