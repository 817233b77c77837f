//! SRA pattern A: the data buckets a private workload reaches through its S3 gateway endpoint
//! must only be reachable through that path (endpoint, VPC or organization).
//! Chain: endpoint policy → the buckets it names → each bucket's policy.

use std::collections::BTreeSet;

use super::s3_buckets::{bucket_arn, bucket_policy, bucket_region};
use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::{Bucket, Collected};
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

pub const CHECK: CheckDef = CheckDef {
    id: "sra-app-data-bucket-restricted",
    input: Input::AllAccounts,
    evaluate: |ctx| {
        let mut out = Results::new("sra-app-data-bucket-restricted");
        // Buckets of every scanned account: workloads may use a bucket of another account.
        let all_buckets: Vec<(&str, &Bucket)> = ctx
            .accounts
            .iter()
            .filter_map(|a| match &a.s3 {
                Collected::Ok(s3) => match &s3.buckets {
                    Collected::Ok(b) => Some(b.iter().map(move |b| (a.account_id.as_str(), b))),
                    Collected::Failed(_) => None,
                },
                Collected::Failed(_) => None,
            })
            .flatten()
            .collect();
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for ep in ec2.vpc_endpoints.iter().filter(|e| {
                e.service_name.ends_with(".s3") && e.endpoint_type.eq_ignore_ascii_case("gateway")
            }) {
                let ep_arn = format!(
                    "arn:{}:ec2:{region}:{id}:vpc-endpoint/{}",
                    ctx.partition(),
                    ep.vpc_endpoint_id
                );
                let names = match ep.policy.as_deref().map(policy::parse) {
                    Some(Ok(p)) => named_buckets(&p),
                    Some(Err(e)) => {
                        out.not_assessed(
                            id,
                            Some(region),
                            &ep_arn,
                            format!("not assessed: the endpoint policy could not be analysed: {e}"),
                        );
                        continue;
                    }
                    None => BTreeSet::new(),
                };
                if names.is_empty() {
                    out.not_applicable(id, Some(region), &ep_arn, format!("the policy of endpoint {} names no bucket, so the workload's data buckets cannot be identified (see vpc-s3-gateway-endpoint-full-access)", ep.vpc_endpoint_id));
                    continue;
                }
                for name in names {
                    let arn = bucket_arn(ctx, &name);
                    let chain = format!(
                        "endpoint {} → policy names bucket {name}",
                        ep.vpc_endpoint_id
                    );
                    let Some((owner, b)) = all_buckets.iter().find(|(_, b)| b.name == name) else {
                        out.not_assessed(id, Some(region), &arn, format!("not assessed: bucket {name}, named by endpoint {}, is not in any scanned account", ep.vpc_endpoint_id))
                            .with("chain", chain);
                        continue;
                    };
                    let breg = bucket_region(b);
                    match bucket_policy(b) {
                        Err(reason) => {
                            out.not_assessed(owner, breg, &arn, reason);
                        }
                        Ok(None) => {
                            out.fail(owner, breg, &arn, format!("data bucket {name} used through endpoint {} has no policy restricting it to that path", ep.vpc_endpoint_id));
                        }
                        Ok(Some(p)) => match restricted_to_private_path(&p, &arn, ctx.boundary()) {
                            Verdict::Holds(statements) => {
                                out.pass(owner, breg, &arn, format!("data bucket {name} is reachable only through the endpoint, VPC or organization"))
                                    .with("policy", statements.join(", "));
                            }
                            Verdict::DoesNotHold(why) => {
                                out.fail(owner, breg, &arn, format!("data bucket {name} used through endpoint {} can be reached from anywhere its policy allows", ep.vpc_endpoint_id))
                                    .with("policy", why);
                            }
                        },
                    }
                    out.evidence("chain", chain);
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
