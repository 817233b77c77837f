//! Amazon Inspector, per region: the account's own status (BatchGetAccountStatus with its own
//! account id; AWS answers DISABLED for an account that never enabled Inspector) and, in
//! Inspector's delegated administrator only, the organization configuration
//! (DescribeOrganizationConfiguration) and the members (ListMembers, all of them).

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types::State;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, account_id: &str, region: &str) -> Collected<Inspector2> {
    let r = Some(region);
    let out = match client
        .batch_get_account_status()
        .account_ids(account_id)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            return Collected::Failed(collection_error(
                "inspector2",
                "BatchGetAccountStatus",
                r,
                None,
                &e,
            ));
        }
    };
    let status = |s: Option<&State>| s.map(|s| s.status().as_str().to_string());
    if let Some(a) = out.accounts().iter().find(|a| a.account_id() == account_id) {
        let rs = a.resource_state();
        return match status(a.state()) {
            Some(st) => Collected::Ok(Inspector2 {
                status: st,
                ec2: status(rs.and_then(|r| r.ec2())),
                ecr: status(rs.and_then(|r| r.ecr())),
                lambda: status(rs.and_then(|r| r.lambda())),
                lambda_code: status(rs.and_then(|r| r.lambda_code())),
            }),
            None => Collected::Failed(not_answered(region, "the answer has no State")),
        };
    }
    // The account is listed as failed (or not at all): its status is unknown.
    let why = match out
        .failed_accounts()
        .iter()
        .find(|f| f.account_id() == account_id)
    {
        Some(f) => format!(
            "the account is listed in failedAccounts: {} {}",
            f.error_code().as_str(),
            f.error_message()
        ),
        None => "the answer does not list the account".to_string(),
    };
    Collected::Failed(not_answered(region, &why))
}

fn not_answered(region: &str, why: &str) -> CollectionError {
    CollectionError {
        service: "inspector2".into(),
        operation: "BatchGetAccountStatus".into(),
        region: Some(region.into()),
        resource: None,
        kind: ErrorKind::Other,
        code: None,
        message: why.into(),
    }
}

/// The organization view, read only in Inspector's delegated administrator.
pub async fn organization(client: &Client, region: &str) -> Collected<Inspector2Organization> {
    let r = Some(region);
    let config = match client.describe_organization_configuration().send().await {
        Ok(c) => c,
        Err(e) => {
            return Collected::Failed(collection_error(
                "inspector2",
                "DescribeOrganizationConfiguration",
                r,
                None,
                &e,
            ));
        }
    };
    let auto_enable = config
        .auto_enable()
        .map(|a| Inspector2AutoEnable {
            ec2: a.ec2(),
            ecr: a.ecr(),
            lambda: a.lambda().unwrap_or(false),
            lambda_code: a.lambda_code().unwrap_or(false),
        })
        .unwrap_or_default();
    let mut members = Vec::new();
    let pages = paginate!(
        client.list_members().only_associated(false),
        "inspector2",
        "ListMembers",
        r,
        |page| {
            members.extend(page.members().iter().filter_map(|m| {
                Some(Inspector2Member {
                    account_id: m.account_id()?.to_string(),
                    relationship_status: m
                        .relationship_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                })
            }));
        }
    );
    if let Err(e) = pages {
        return Collected::Failed(e);
    }
    Collected::Ok(Inspector2Organization {
        auto_enable,
        max_account_limit_reached: config.max_account_limit_reached(),
        members,
    })
}
