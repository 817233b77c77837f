use super::org_scope::organization;
use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::Collected;

pub const CHECK: CheckDef = CheckDef {
    id: "org-management-account-no-workloads",
    input: Input::AllAccounts,
    evaluate: |ctx| {
        let mut out = Results::new("org-management-account-no-workloads");
        let Some(org) = organization(ctx, &mut out) else {
            return out.items;
        };
        let mgmt = &org.management_account_id;
        let res = account_resource(mgmt);
        let Some(acct) = ctx.accounts.iter().find(|a| &a.account_id == mgmt) else {
            out.not_assessed(
                mgmt,
                None,
                &res,
                "not assessed: the management account was not scanned",
            );
            return out.items;
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
                Collected::Failed(e) => gaps.push(e.to_string()),
            }
            match &data.apigateway {
                Collected::Ok(gw) => workloads.extend(gw.rest_apis.iter().map(|a| {
                    format!(
                        "REST API {} in {region}",
                        a.name.as_deref().unwrap_or(&a.id)
                    )
                })),
                Collected::Failed(e) => gaps.push(e.to_string()),
            }
        }
        if let Collected::Failed(e) = &acct.regions {
            gaps.push(e.to_string());
        }
        if !workloads.is_empty() {
            out.fail(
                mgmt,
                None,
                &res,
                format!(
                    "the management account runs {} workload resource(s)",
                    workloads.len()
                ),
            )
            .with("workloads", workloads.join("; "));
        } else if !gaps.is_empty() {
            out.not_assessed(
                mgmt,
                None,
                &res,
                format!("not assessed: {}", gaps.join("; ")),
            );
        } else {
            out.pass(
                mgmt,
                None,
                &res,
                "the management account runs no EC2 instances or REST APIs in the scanned regions",
            );
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn management_account() {
        let mut inv = org_inventory();
        assert_eq!(
            statuses(&inv, "org-management-account-no-workloads"),
            vec![Status::Pass]
        );
        apigw_mut(&mut inv).rest_apis = vec![rest_api("a", &[])];
        assert_eq!(
            statuses(&inv, "org-management-account-no-workloads"),
            vec![Status::Fail]
        );
    }
}
