//! The management account should run no workloads. posture sees only part of a workload
//! estate: EC2 instances, Lambda functions, API Gateway REST APIs and custom domains, and
//! whatever uses an ACM certificate (load balancers, CloudFront distributions, ...). It does not
//! collect ECS/EKS, RDS, DynamoDB or API Gateway HTTP/WebSocket APIs, so a pass says what was
//! examined and what was not.

use crate::check::{OrgCheck, Reason, Subject};
use crate::inventory::Collected;

const EXAMINED: &str = "EC2 instances, Lambda functions, API Gateway REST APIs or custom domains, or resources using ACM certificates (load balancers, CloudFront distributions)";
const NOT_EXAMINED: &str =
    "ECS/EKS, RDS, DynamoDB, API Gateway HTTP/WebSocket APIs and other services";

pub const CHECK: OrgCheck = OrgCheck {
    id: "org-management-account-no-workloads",
    run: |ctx, out| {
        let Some(org) = out.organization(ctx) else {
            return;
        };
        let account = Subject::account(&org.management_account_id);
        let Some(acct) = ctx.management else {
            let why = "the management account was not scanned";
            out.not_assessed(&account, Reason::outside_scan(why));
            return;
        };
        let mut workloads = Vec::new();
        let mut gaps = Vec::new();
        for (region, data) in &acct.regional {
            match &data.ec2 {
                Collected::Ok(ec2) => workloads.extend(
                    ec2.instances
                        .iter()
                        .filter(|i| i.state.as_deref() != Some("terminated"))
                        .map(|i| format!("EC2 instance {} in {region}", i.instance_id)),
                ),
                Collected::Failed(e) => gaps.push(e),
            }
            match &data.lambda {
                Collected::Ok(lambda) => workloads.extend(
                    lambda
                        .functions
                        .iter()
                        .map(|f| format!("Lambda function {} in {region}", f.name)),
                ),
                Collected::Failed(e) => gaps.push(e),
            }
            match &data.apigateway {
                Collected::Ok(gw) => {
                    workloads.extend(gw.rest_apis.iter().map(|a| {
                        format!(
                            "REST API {} in {region}",
                            a.name.as_deref().unwrap_or(&a.id)
                        )
                    }));
                    workloads.extend(
                        gw.domain_names
                            .iter()
                            .map(|d| format!("API custom domain {} in {region}", d.domain_name)),
                    );
                }
                Collected::Failed(e) => gaps.push(e),
            }
            // A certificate in use names the resource serving it: a load balancer, a CloudFront
            // distribution, ... (API Gateway domains are counted above).
            match &data.acm {
                Collected::Ok(acm) => workloads.extend(
                    acm.certificates
                        .iter()
                        .flat_map(|c| c.in_use_by.iter())
                        .filter(|user| !user.contains(":apigateway:"))
                        .map(|user| format!("{user} (uses an ACM certificate)")),
                ),
                Collected::Failed(e) => gaps.push(e),
            }
        }
        if let Collected::Failed(e) = &acct.regions {
            gaps.push(e);
        }
        if !workloads.is_empty() {
            let n = workloads.len();
            out.fail(
                &account,
                format!("the management account runs {n} workload resource(s)"),
            )
            .with("workloads", workloads.join("; "));
        } else if let Some((last, before)) = gaps.split_last() {
            let before: String = before.iter().map(|e| format!("{e}; ")).collect();
            out.not_assessed(&account, Reason::collection(last).after(before));
        } else {
            out.pass(
                &account,
                format!("the management account runs no {EXAMINED} in the scanned regions; posture does not collect {NOT_EXAMINED}, so those were not examined"),
            )
            .with("examined", EXAMINED)
            .with("not_examined", NOT_EXAMINED);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn management_account() {
        let mut with_api = org_inventory();
        apigw_mut(&mut with_api).rest_apis = vec![rest_api("a", &[])];
        let mut with_function = org_inventory();
        lambda_mut(&mut with_function).functions = vec![lambda_function("f", "python3.13")];
        let mut lambda_unread = org_inventory();
        region_mut(&mut lambda_unread).lambda =
            crate::inventory::Collected::Failed(denied("ListFunctions"));
        for (inv, want) in [
            (org_inventory(), Status::Pass),
            (with_api, Status::Fail),
            (with_function, Status::Fail),
            (lambda_unread, Status::NotAssessed),
        ] {
            assert_statuses(&inv, CHECK.id, &[want]);
        }
    }

    /// Audit finding 18: a load balancer or CloudFront distribution (seen through the ACM
    /// certificate it uses) and an API custom domain are workloads too.
    #[test]
    fn certificate_users_and_api_domains_are_workloads() {
        let mut inv = org_inventory();
        let mut c = cert("c", Some(200));
        c.in_use_by = vec![
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/1".into(),
        ];
        acm_mut(&mut inv).certificates = vec![c];
        let r = results(&inv, CHECK.id);
        assert_eq!(r[0].status, Status::Fail, "{r:#?}");
        assert!(r[0].evidence[0].value.contains("loadbalancer/app/web"));
    }

    /// Audit finding 18: a pass says what was examined and what posture does not collect.
    #[test]
    fn pass_says_what_was_not_examined() {
        let r = &results(&org_inventory(), CHECK.id)[0];
        assert_result(r, Status::Pass, &["Lambda"]);
        assert_evidence_path(r, "not_examined");
    }

    /// A management account that was not scanned is outside the scan, on that account.
    #[test]
    fn unscanned_management_account_is_not_assessed() {
        let mut inv = org_inventory();
        org_mut(&mut inv).management_account_id = "999999999999".into();
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::NotAssessed, "{r:#?}");
        assert_eq!(r.account_id, "999999999999");
        assert_eq!(r.resource, "AWS::::Account:999999999999");
        assert_eq!(
            r.message,
            "not assessed: the management account was not scanned"
        );
        assert_reason(r, ReasonCode::OutsideScan);
    }
}
