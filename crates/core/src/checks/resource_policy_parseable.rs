//! Resource policies that posture cannot analyse are findings in their own right: no other check
//! can vouch for them, and AWS may read them differently from their author's intent.

use super::s3_buckets::{bucket_region, for_each_bucket};
use super::{CheckDef, Input, Results};
use crate::inventory::Collected;
use crate::policy;

pub const CHECK: CheckDef = CheckDef {
    id: "resource-policy-parseable",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("resource-policy-parseable");
        for_each_bucket(ctx, &mut out, |out, acct, _, b, arn| {
            let id = &acct.account_id;
            let region = bucket_region(b);
            match &b.policy {
                Collected::Failed(e) => {
                    out.not_assessed(id, region, arn, format!("not assessed: {e}"));
                }
                Collected::Ok(None) => {
                    out.not_applicable(id, region, arn, format!("bucket {} has no policy", b.name));
                }
                Collected::Ok(Some(text)) => match policy::parse(text) {
                    Ok(_) => {
                        out.pass(
                            id,
                            region,
                            arn,
                            format!("the policy of bucket {} is a valid policy document", b.name),
                        );
                    }
                    Err(e) => {
                        out.fail(
                            id,
                            region,
                            arn,
                            format!("the policy of bucket {} could not be analysed", b.name),
                        )
                        .with("policy", e.to_string());
                    }
                },
            }
        });
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) =
                out.collected(&data.ec2, id, Some(region), &super::account_resource(id))
            else {
                continue;
            };
            for ep in &ec2.vpc_endpoints {
                let res = format!(
                    "arn:{}:ec2:{region}:{id}:vpc-endpoint/{}",
                    ctx.partition(),
                    ep.vpc_endpoint_id
                );
                match &ep.policy {
                    None => {
                        out.not_applicable(
                            id,
                            Some(region),
                            &res,
                            format!("endpoint {} has no policy document", ep.vpc_endpoint_id),
                        );
                    }
                    Some(text) => match policy::parse(text) {
                        Ok(_) => {
                            out.pass(
                                id,
                                Some(region),
                                &res,
                                format!(
                                    "the policy of endpoint {} is a valid policy document",
                                    ep.vpc_endpoint_id
                                ),
                            );
                        }
                        Err(e) => {
                            out.fail(
                                id,
                                Some(region),
                                &res,
                                format!(
                                    "the policy of endpoint {} could not be analysed",
                                    ep.vpc_endpoint_id
                                ),
                            )
                            .with("policy", e.to_string());
                        }
                    },
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
    use crate::inventory::Collected;

    #[test]
    fn malformed_policy_is_a_finding() {
        let mut inv = base_inventory();
        let mut b = bucket("b");
        b.policy = Collected::Ok(Some(r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualz":{"a":"b"}}}]}"#.into()));
        s3_mut(&mut inv).buckets = Collected::Ok(vec![b, bucket("none")]);
        let r = results(&inv, "resource-policy-parseable");
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![Status::Fail, Status::NotApplicable]
        );
        assert!(
            r[0].evidence[0].value.contains("StringEqualz"),
            "{:?}",
            r[0].evidence
        );
    }
}
