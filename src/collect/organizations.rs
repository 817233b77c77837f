//! AWS Organizations: the organization, its roots and OU tree, every account with its parent,
//! SCP attachments on roots and OUs, and delegated administrators.

use std::collections::BTreeMap;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::PolicyType;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

/// Collect the organization. `Err` only when the accounts cannot be listed (nothing to scan).
pub async fn collect(client: &Client) -> Result<Organization, CollectionError> {
    let org =
        client.describe_organization().send().await.map_err(|e| {
            collection_error("organizations", "DescribeOrganization", None, None, &e)
        })?;
    let o = org.organization();
    let mut roots = Vec::new();
    paginate!(
        client.list_roots(),
        "organizations",
        "ListRoots",
        None,
        |page| {
            for r in page.roots() {
                roots.push(OrgRoot {
                    id: r.id().unwrap_or_default().to_string(),
                    name: r.name().unwrap_or_default().to_string(),
                    enabled_policy_types: r
                        .policy_types()
                        .iter()
                        .filter(|p| p.status().map(|s| s.as_str() == "ENABLED").unwrap_or(false))
                        .filter_map(|p| p.r#type().map(|t| t.as_str().to_string()))
                        .collect(),
                });
            }
        }
    )?;
    // Walk the OU tree breadth-first, recording each account's parent on the way.
    let mut ous = Vec::new();
    let mut parent_of: BTreeMap<String, String> = BTreeMap::new();
    let mut queue: Vec<String> = roots.iter().map(|r| r.id.clone()).collect();
    while let Some(parent) = queue.pop() {
        paginate!(
            client
                .list_organizational_units_for_parent()
                .parent_id(&parent),
            "organizations",
            "ListOrganizationalUnitsForParent",
            None,
            |page| {
                for ou in page.organizational_units() {
                    let id = ou.id().unwrap_or_default().to_string();
                    ous.push(OrganizationalUnit {
                        id: id.clone(),
                        name: ou.name().unwrap_or_default().to_string(),
                        parent_id: parent.clone(),
                    });
                    queue.push(id);
                }
            }
        )?;
        paginate!(
            client.list_accounts_for_parent().parent_id(&parent),
            "organizations",
            "ListAccountsForParent",
            None,
            |page| {
                for a in page.accounts() {
                    if let Some(id) = a.id() {
                        parent_of.insert(id.to_string(), parent.clone());
                    }
                }
            }
        )?;
    }
    let mut accounts = Vec::new();
    paginate!(
        client.list_accounts(),
        "organizations",
        "ListAccounts",
        None,
        |page| {
            for a in page.accounts() {
                let id = a.id().unwrap_or_default().to_string();
                #[allow(deprecated)]
                let status = a.status().map(|s| s.as_str().to_string());
                accounts.push(OrgAccount {
                    parent_id: parent_of.get(&id).cloned(),
                    id,
                    name: a.name().unwrap_or_default().to_string(),
                    email: a.email().map(str::to_string),
                    status: status.unwrap_or_else(|| "UNKNOWN".into()),
                });
            }
        }
    )?;
    let targets: Vec<String> = roots
        .iter()
        .map(|r| r.id.clone())
        .chain(ous.iter().map(|o| o.id.clone()))
        .collect();
    let scp_attachments = scps(client, &targets).await.into();
    let delegated_administrators = delegated(client).await.into();
    Ok(Organization {
        id: o.and_then(|o| o.id()).unwrap_or_default().to_string(),
        arn: o.and_then(|o| o.arn()).unwrap_or_default().to_string(),
        management_account_id: o
            .and_then(|o| o.master_account_id())
            .unwrap_or_default()
            .to_string(),
        feature_set: o
            .and_then(|o| o.feature_set())
            .map(|f| f.as_str().to_string()),
        roots,
        organizational_units: ous,
        accounts,
        scp_attachments,
        delegated_administrators,
    })
}

async fn scps(
    client: &Client,
    targets: &[String],
) -> Result<BTreeMap<String, Vec<PolicyRef>>, CollectionError> {
    let mut out = BTreeMap::new();
    for t in targets {
        let mut list = Vec::new();
        paginate!(
            client
                .list_policies_for_target()
                .target_id(t)
                .filter(PolicyType::ServiceControlPolicy),
            "organizations",
            "ListPoliciesForTarget",
            None,
            |page| {
                for p in page.policies() {
                    list.push(PolicyRef {
                        id: p.id().unwrap_or_default().to_string(),
                        name: p.name().unwrap_or_default().to_string(),
                        aws_managed: p.aws_managed(),
                    });
                }
            }
        )?;
        out.insert(t.clone(), list);
    }
    Ok(out)
}

async fn delegated(client: &Client) -> Result<Vec<DelegatedAdministrator>, CollectionError> {
    let mut admins = Vec::new();
    paginate!(
        client.list_delegated_administrators(),
        "organizations",
        "ListDelegatedAdministrators",
        None,
        |page| {
            for a in page.delegated_administrators() {
                admins.push((
                    a.id().unwrap_or_default().to_string(),
                    a.name().map(str::to_string),
                ));
            }
        }
    )?;
    let mut out = Vec::new();
    for (id, name) in admins {
        let mut services = Vec::new();
        paginate!(
            client.list_delegated_services_for_account().account_id(&id),
            "organizations",
            "ListDelegatedServicesForAccount",
            None,
            |page| {
                for s in page.delegated_services() {
                    if let Some(p) = s.service_principal() {
                        services.push(p.to_string());
                    }
                }
            }
        )?;
        out.push(DelegatedAdministrator {
            account_id: id,
            account_name: name,
            service_principals: services,
        });
    }
    Ok(out)
}
