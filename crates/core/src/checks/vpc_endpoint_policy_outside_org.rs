//! VPC endpoint policies that let principals outside the organization use the endpoint, or let
//! workloads reach S3 buckets owned outside the organization (a data exfiltration path).
//!
//! Evaluated once at the end of the scan (`AllAccounts`), when every scanned account's VPCs and
//! endpoints are known.

use super::{CheckDef, Input, Results, account_resource};
use crate::policy::{self, boundary_decisions, outside_accounts, resources_outside_boundary};

pub const CHECK: CheckDef = CheckDef {
    id: "vpc-endpoint-policy-outside-org",
    input: Input::AllAccounts,
    evaluate: |ctx| {
        let boundary = ctx.boundary();
        let mut out = Results::new("vpc-endpoint-policy-outside-org");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for ep in &ec2.vpc_endpoints {
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:vpc-endpoint/{}",
                    ctx.partition(),
                    ep.vpc_endpoint_id
                );
                let is_s3 = ep.service_name.ends_with(".s3");
                let Some(text) = &ep.policy else {
                    if is_s3 {
                        out.fail(id, Some(region), &arn, format!("endpoint {} has no policy: anyone in the VPC can reach any bucket, in any account", ep.vpc_endpoint_id));
                    } else {
                        out.not_applicable(
                            id,
                            Some(region),
                            &arn,
                            format!("endpoint {} has no policy document", ep.vpc_endpoint_id),
                        );
                    }
                    continue;
                };
                let p = match policy::parse(text) {
                    Ok(p) => p,
                    Err(e) => {
                        out.not_assessed(
                            id,
                            Some(region),
                            &arn,
                            format!("not assessed: the endpoint policy could not be analysed: {e}"),
                        );
                        continue;
                    }
                };
                let decisions = boundary_decisions(&p, boundary);
                let principals: Vec<_> = decisions
                    .iter()
                    .filter(|g| !g.who.is_empty())
                    .cloned()
                    .collect();
                let resources = if is_s3 {
                    resources_outside_boundary(&p, boundary)
                } else {
                    vec![]
                };
                let mut problems = Vec::new();
                let who = outside_accounts(&principals);
                if !who.is_empty() {
                    problems.push(format!(
                        "principals outside the organization ({})",
                        who.join(", ")
                    ));
                }
                if !resources.is_empty() {
                    problems.push("buckets outside the organization".to_string());
                }
                if problems.is_empty() {
                    out.pass(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "endpoint {} is limited to the organization's principals and resources",
                            ep.vpc_endpoint_id
                        ),
                    );
                } else {
                    out.fail(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "endpoint {} allows {}",
                            ep.vpc_endpoint_id,
                            problems.join(" and ")
                        ),
                    );
                }
                for g in &principals {
                    out.evidence(
                        format!("policy.{}.principals", g.statement),
                        g.who.join(", "),
                    );
                }
                for g in decisions.iter().filter(|g| !g.notes.is_empty()) {
                    out.evidence(
                        format!("policy.{}.reading", g.statement),
                        g.notes.join("; "),
                    );
                }
                for s in &resources {
                    out.evidence(
                        format!("policy.{s}.resources"),
                        "bucket wildcard without aws:ResourceOrgID / s3:ResourceAccount condition",
                    );
                }
                out.evidence("service", &ep.service_name);
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
    fn endpoint_boundaries() {
        let mut inv = org_inventory();
        let ep = |id: &str, policy: &str| VpcEndpoint {
            tags: None,
            vpc_endpoint_id: id.into(),
            vpc_id: "vpc-1".into(),
            service_name: "com.amazonaws.us-east-1.s3".into(),
            endpoint_type: "Gateway".into(),
            state: None,
            policy: Some(policy.into()),
            route_table_ids: vec![],
        };
        ec2_mut(&mut inv).vpc_endpoints = vec![
            ep(
                "vpce-1",
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#,
            ),
            ep(
                "vpce-2",
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::data/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}}]}"#,
            ),
        ];
        assert_eq!(
            statuses(&inv, "vpc-endpoint-policy-outside-org"),
            vec![Status::Fail, Status::Pass]
        );
    }
}
