//! SRA pattern A: the data buckets a private workload reaches through its S3 gateway endpoint
//! must only be reachable through that path (endpoint, VPC or organization).
//! Chain: endpoint policy → the buckets it names → each bucket's policy (the bucket may be in
//! another scanned account).

use std::collections::BTreeSet;

use super::shared::s3::{bucket_policy, buckets_by_name};
use crate::check::{OrgCheck, Reason, Subject, bucket_arn};
use crate::policy::{self, Effect, NameList, Verdict, restricted_to_private_path};

/// Bucket names an endpoint policy's Allow statements name explicitly (no wildcard).
fn named_buckets(p: &policy::Policy) -> BTreeSet<String> {
    p.statements
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .filter_map(|s| s.resource.as_ref())
        .flat_map(|NameList(r)| r.iter())
        .filter_map(|r| r.strip_prefix("arn:").and_then(|x| x.split(":::").nth(1)))
        .map(|rest| rest.split('/').next().unwrap_or("").to_string())
        .filter(|b| !b.is_empty() && !b.contains('*') && !b.contains('?'))
        .collect()
}

pub const CHECK: OrgCheck = OrgCheck {
    id: "sra-app-data-bucket-restricted",
    run: |ctx, out| {
        let buckets = buckets_by_name(ctx);
        for ep in out.digest_vpc_endpoints(ctx) {
            if !ep.is_s3_gateway() {
                continue;
            }
            let vpce = &ep.vpc_endpoint_id;
            let names = match ep.policy.as_deref().map(policy::parse) {
                Some(Ok(p)) => named_buckets(&p),
                Some(Err(e)) => {
                    out.not_assessed(&ep, Reason::unparseable("the endpoint policy", e));
                    continue;
                }
                None => BTreeSet::new(),
            };
            if names.is_empty() {
                out.not_applicable(&ep, format!("the policy of endpoint {vpce} names no bucket, so the workload's data buckets cannot be identified (see vpc-s3-gateway-endpoint-full-access)"));
                continue;
            }
            for name in names {
                let chain = format!("endpoint {vpce} → policy names bucket {name}");
                let Some(b) = buckets.iter().find(|b| b.name == name) else {
                    let named = Subject::named(
                        ep.account_id(),
                        ep.region,
                        bucket_arn(ctx.partition(), &name),
                    );
                    out.not_assessed(
                        &named,
                        Reason::outside_scan(format!(
                            "bucket {name}, named by endpoint {vpce}, is not in any scanned account"
                        )),
                    )
                    .with("chain", chain);
                    continue;
                };
                match bucket_policy(b) {
                    Err(reason) => {
                        out.not_assessed(b, reason);
                    }
                    Ok(None) => {
                        out.fail(b, format!("data bucket {name} used through endpoint {vpce} has no policy restricting it to that path"));
                    }
                    Ok(Some(p)) => match restricted_to_private_path(&p, &b.arn(), ctx.boundary()) {
                        Verdict::Holds(statements) => {
                            out.pass(b, format!("data bucket {name} is reachable only through the endpoint, VPC or organization"))
                                .with("policy", statements.join(", "));
                        }
                        Verdict::DoesNotHold(why) => {
                            out.fail(b, format!("data bucket {name} used through endpoint {vpce} can be reached from anywhere its policy allows"))
                                .with("policy", why);
                        }
                    },
                }
                out.evidence("chain", chain);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, VpcEndpoint};

    #[test]
    fn data_bucket_chain() {
        let mut inv = base_inventory();
        let mut good = bucket("good");
        good.policy = Collected::Ok(Some(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::good","arn:aws:s3:::good/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}"#.into()));
        // Restricted, but to an endpoint no scanned account owns: whoever owns it reads the data.
        let mut foreign = bucket("foreign");
        foreign.policy = Collected::Ok(Some(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::foreign","arn:aws:s3:::foreign/*"],"Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0bad0bad"}}}]}"#.into()));
        let mut open = bucket("open");
        open.policy = Collected::Ok(Some(r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"s3:*","Resource":"arn:aws:s3:::open/*"}]}"#.into()));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![good, foreign, open]);
        ec2_mut(&mut inv).vpc_endpoints = vec![VpcEndpoint {
            tags: None,
            vpc_endpoint_id: "vpce-1".into(),
            vpc_id: "vpc-1".into(),
            service_name: "com.amazonaws.us-east-1.s3".into(),
            endpoint_type: "Gateway".into(),
            state: None,
            policy: Some(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::good/*","arn:aws:s3:::foreign/*","arn:aws:s3:::open/*","arn:aws:s3:::missing/*"]}]}"#.into()),
            route_table_ids: vec![],
        }];
        assert_eq!(
            statuses(&inv, "sra-app-data-bucket-restricted"),
            vec![
                Status::Fail,
                Status::Pass,
                Status::NotAssessed,
                Status::Fail
            ]
        );
    }
}
