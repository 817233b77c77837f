//! AWS Organizations: the organization, its roots and OU tree, every account with its parent,
//! SCP attachments on roots and OUs, and delegated administrators.

use std::collections::BTreeMap;

use aws_sdk_organizations::Client;
use aws_sdk_organizations::types::PolicyType;

use futures::StreamExt;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

/// Root and OU listings run this many at a time (Organizations' quotas are low).
const TREE_CONCURRENCY: usize = 4;

/// Policy types posture reads, when enabled on the root: the authorization policies (SCPs,
/// RCPs) and the declarative policies that enforce settings (EC2, S3).
const POLICY_TYPES: &[PolicyType] = &[
    PolicyType::ServiceControlPolicy,
    PolicyType::ResourceControlPolicy,
    PolicyType::DeclarativePolicyEc2,
    PolicyType::S3Policy,
];

/// Collect the organization. `Err` only when the organization or its accounts cannot be read
/// (nothing to scan); a failed OU walk or policy listing is recorded and the scan goes on.
pub async fn collect(client: &Client) -> Result<Organization, CollectionError> {
    let org =
        client.describe_organization().send().await.map_err(|e| {
            collection_error("organizations", "DescribeOrganization", None, None, &e)
        })?;
    let o = org.organization();
    // ListAccounts alone is enough to scan; the tree and the policies only add to it.
    let (accounts, tree) = tokio::join!(list_accounts(client), hierarchy(client));
    let mut accounts = accounts?;
    let (roots, ous, parent_of, hierarchy_error) = match tree {
        Ok((roots, ous, parents)) => (roots, ous, parents, None),
        Err(e) => (Vec::new(), Vec::new(), BTreeMap::new(), Some(e)),
    };
    for a in &mut accounts {
        a.parent_id = parent_of.get(&a.id).cloned();
    }
    let enabled: Vec<&str> = roots
        .iter()
        .flat_map(|r| r.enabled_policy_types.iter().map(String::as_str))
        .collect();
    let policies: Collected<Vec<OrgPolicy>> = if hierarchy_error.is_some() {
        // Which policy types are enabled is read from the root: without it, say so.
        Collected::Failed(CollectionError::not_read(
            "organizations",
            "ListPolicies",
            "not listed: the organization's root could not be read, so the enabled policy types are unknown",
        ))
    } else {
        policies(client, &enabled).await.into()
    };
    let scp_attachments = match &policies {
        Collected::Ok(list) => scp_attachments(list),
        Collected::Failed(e) => Collected::Failed(e.clone()),
    };
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
        hierarchy_error,
        accounts,
        scp_attachments,
        policies,
        delegated_administrators,
    })
}

/// Every account of the organization with its state. AWS retired `Account.Status` on
/// 2026-09-09 in favour of `State`; `Status` is read only when `State` is absent (older
/// endpoints and emulators), and an account that carries neither is `UNKNOWN`.
async fn list_accounts(client: &Client) -> Result<Vec<OrgAccount>, CollectionError> {
    let mut accounts = Vec::new();
    paginate!(
        client.list_accounts(),
        "organizations",
        "ListAccounts",
        None,
        |page| {
            for a in page.accounts() {
                #[allow(deprecated)]
                let legacy = a.status().map(|s| s.as_str().to_string());
                let state = a.state().map(|s| s.as_str().to_string()).or(legacy);
                accounts.push(OrgAccount {
                    id: a.id().unwrap_or_default().to_string(),
                    name: a.name().unwrap_or_default().to_string(),
                    email: a.email().map(str::to_string),
                    state: state.unwrap_or_else(|| "UNKNOWN".into()),
                    parent_id: None,
                });
            }
        }
    )?;
    Ok(accounts)
}

type Tree = (
    Vec<OrgRoot>,
    Vec<OrganizationalUnit>,
    BTreeMap<String, String>,
);

/// A parent's child OUs and accounts, or why they could not be listed.
type Children = Result<(String, Vec<OrganizationalUnit>, Vec<String>), CollectionError>;

/// The roots, the OU tree (level by level, a few parents at a time) and each account's parent.
async fn hierarchy(client: &Client) -> Result<Tree, CollectionError> {
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
    let mut ous = Vec::new();
    let mut parent_of = BTreeMap::new();
    let mut level: Vec<String> = roots.iter().map(|r| r.id.clone()).collect();
    // Bounded: Organizations allows five levels of OUs below the root.
    for _ in 0..16 {
        if level.is_empty() {
            break;
        }
        let children: Vec<Children> = futures::stream::iter(level.iter().cloned())
            .map(|parent| async move {
                let (ous, accounts) = tokio::join!(
                    children_ous(client, &parent),
                    children_accounts(client, &parent)
                );
                Ok((parent, ous?, accounts?))
            })
            .buffer_unordered(TREE_CONCURRENCY)
            .collect()
            .await;
        let mut next = Vec::new();
        for c in children {
            let (parent, child_ous, accounts) = c?;
            for a in accounts {
                parent_of.insert(a, parent.clone());
            }
            next.extend(child_ous.iter().map(|o| o.id.clone()));
            ous.extend(child_ous);
        }
        next.sort();
        level = next;
    }
    Ok((roots, ous, parent_of))
}

async fn children_ous(
    client: &Client,
    parent: &str,
) -> Result<Vec<OrganizationalUnit>, CollectionError> {
    let mut out = Vec::new();
    paginate!(
        client
            .list_organizational_units_for_parent()
            .parent_id(parent),
        "organizations",
        "ListOrganizationalUnitsForParent",
        None,
        |page| {
            for ou in page.organizational_units() {
                out.push(OrganizationalUnit {
                    id: ou.id().unwrap_or_default().to_string(),
                    name: ou.name().unwrap_or_default().to_string(),
                    parent_id: parent.to_string(),
                });
            }
        }
    )?;
    Ok(out)
}

async fn children_accounts(client: &Client, parent: &str) -> Result<Vec<String>, CollectionError> {
    let mut out = Vec::new();
    paginate!(
        client.list_accounts_for_parent().parent_id(parent),
        "organizations",
        "ListAccountsForParent",
        None,
        |page| {
            out.extend(
                page.accounts()
                    .iter()
                    .filter_map(|a| a.id().map(str::to_string)),
            );
        }
    )?;
    Ok(out)
}

/// The policies of each enabled type, with documents and targets: 1 + 2 calls per policy
/// (instead of one call per root, OU and account).
async fn policies(client: &Client, enabled: &[&str]) -> Result<Vec<OrgPolicy>, CollectionError> {
    let mut summaries = Vec::new();
    for t in POLICY_TYPES
        .iter()
        .filter(|t| enabled.contains(&t.as_str()))
    {
        paginate!(
            client.list_policies().filter(t.clone()),
            "organizations",
            "ListPolicies",
            None,
            |page| {
                for p in page.policies() {
                    summaries.push(OrgPolicy {
                        id: p.id().unwrap_or_default().to_string(),
                        name: p.name().unwrap_or_default().to_string(),
                        policy_type: t.as_str().to_string(),
                        aws_managed: p.aws_managed(),
                        content: Collected::Ok(String::new()),
                        targets: Collected::Ok(Vec::new()),
                    });
                }
            }
        )?;
    }
    let detailed = futures::stream::iter(summaries)
        .map(|mut p| async move {
            let (content, targets) = tokio::join!(document(client, &p.id), targets(client, &p.id));
            p.content = content.into();
            p.targets = targets.into();
            p
        })
        .buffered(TREE_CONCURRENCY)
        .collect()
        .await;
    Ok(detailed)
}

async fn document(client: &Client, id: &str) -> Result<String, CollectionError> {
    let out = client
        .describe_policy()
        .policy_id(id)
        .send()
        .await
        .map_err(|e| collection_error("organizations", "DescribePolicy", None, Some(id), &e))?;
    Ok(out
        .policy()
        .and_then(|p| p.content())
        .unwrap_or_default()
        .to_string())
}

async fn targets(client: &Client, id: &str) -> Result<Vec<String>, CollectionError> {
    let mut out = Vec::new();
    paginate!(
        client.list_targets_for_policy().policy_id(id),
        "organizations",
        "ListTargetsForPolicy",
        None,
        |page| {
            out.extend(
                page.targets()
                    .iter()
                    .filter_map(|t| t.target_id().map(str::to_string)),
            );
        }
    )?;
    Ok(out)
}

/// SCP references by target, as the guardrail checks read them; unknown when the targets of
/// any SCP could not be listed (a missing guardrail must not look absent).
fn scp_attachments(policies: &[OrgPolicy]) -> Collected<BTreeMap<String, Vec<PolicyRef>>> {
    let mut out: BTreeMap<String, Vec<PolicyRef>> = BTreeMap::new();
    for p in policies
        .iter()
        .filter(|p| p.policy_type == "SERVICE_CONTROL_POLICY")
    {
        let targets = match &p.targets {
            Collected::Ok(t) => t,
            Collected::Failed(e) => return Collected::Failed(e.clone()),
        };
        for t in targets {
            out.entry(t.clone()).or_default().push(PolicyRef {
                id: p.id.clone(),
                name: p.name.clone(),
                aws_managed: p.aws_managed,
            });
        }
    }
    Collected::Ok(out)
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
