//! VPC endpoint policies that let principals outside the organization use the endpoint, or let
//! workloads reach S3 buckets owned outside the organization (a data exfiltration path).
//!
//! Evaluated once at the end of the scan, when every scanned account's VPCs and endpoints are
//! known.

use super::shared::boundary::decisions;
use crate::check::{OrgCheck, Reason};
use crate::policy::{self, outside_accounts, resources_outside_boundary};

pub const CHECK: OrgCheck = OrgCheck {
    id: "vpc-endpoint-policy-outside-org",
    run: |ctx, out| {
        let boundary = ctx.boundary();
        for ep in out.digest_vpc_endpoints(ctx) {
            let id = &ep.vpc_endpoint_id;
            let is_s3 = ep.service_name.ends_with(".s3");
            let Some(text) = &ep.policy else {
                if is_s3 {
                    out.fail(&ep, format!("endpoint {id} has no policy: anyone in the VPC can reach any bucket, in any account"));
                } else {
                    out.not_applicable(&ep, format!("endpoint {id} has no policy document"));
                }
                continue;
            };
            let p = match policy::parse(text) {
                Ok(p) => p,
                Err(e) => {
                    out.not_assessed(&ep, Reason::unparseable("the endpoint policy", e));
                    continue;
                }
            };
            let decisions = decisions(&p, boundary);
            let principals = &decisions.outside;
            let resources = if is_s3 {
                resources_outside_boundary(&p, boundary)
            } else {
                vec![]
            };
            let mut problems = Vec::new();
            let who = outside_accounts(principals);
            if !who.is_empty() {
                problems.push(format!(
                    "principals outside the organization ({})",
                    who.join(", ")
                ));
            }
            if !resources.is_empty() {
                problems.push("buckets outside the organization".to_string());
            }
            let pass =
                format!("endpoint {id} is limited to the organization's principals and resources");
            out.pass_unless_any(&ep, &problems, pass, |problems| {
                format!("endpoint {id} allows {}", problems.join(" and "))
            });
            for g in principals {
                out.evidence(
                    format!("policy.{}.principals", g.statement),
                    g.who.join(", "),
                );
            }
            decisions.reading_evidence(out);
            for s in &resources {
                out.evidence(
                    format!("policy.{s}.resources"),
                    "bucket wildcard without aws:ResourceOrgID / s3:ResourceAccount condition",
                );
            }
            out.evidence("service", &ep.service_name);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn endpoint_boundaries() {
        let mut inv = org_inventory();
        let ep = |id: &str, policy: &str| gateway_endpoint(id, S3_SERVICE, None, Some(policy), &[]);
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
        let want = [Status::Fail, Status::Pass];
        assert_statuses(&inv, "vpc-endpoint-policy-outside-org", &want);
    }
}
