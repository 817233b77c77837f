//! Checks: pure, synchronous functions of the inventory, one file per check.
//!
//! Each check returns results with one of four statuses. A check never guesses: when the data it
//! needs was not collected, the result is `NotAssessed` with the collection error as the reason.
//! The registry below is the one list of checks in code; `checks/<id>.toml` holds each check's
//! metadata, and a test asserts that the two agree.

use chrono::{DateTime, Utc};

use crate::inventory::{AccountAccess, AccountInventory, Collected, RegionInventory};

pub use crate::check::{
    AccountDigest, Check, CheckResult, Context, Evidence, Input, OrgCheck, OrgContext, Pass,
    SplitCheck, Status, account_resource, partition_of,
};

mod acm_certificate_expiry;
mod acm_certificate_imported;
mod acm_certificate_rsa_key_length;
mod apigateway_domain_tls;
mod apigateway_method_authorization;
mod apigateway_stage_access_logging;
mod apigateway_stage_cache_encrypted;
mod apigateway_stage_client_certificate;
mod apigateway_stage_execution_logging;
mod apigateway_stage_tracing;
mod apigateway_stage_waf;
mod ec2_account_imdsv2_default;
mod ec2_instance_imdsv2;
mod ec2_launch_template_imdsv2;
mod iam_access_key_rotation;
mod iam_password_policy_length;
mod iam_password_policy_reuse;
mod iam_role_trust_external_without_external_id;
mod iam_role_trust_public;
mod iam_root_access_keys;
mod iam_root_mfa;
mod iam_root_recent_use;
mod iam_user_console_mfa;
mod iam_user_initial_access_key_unused;
mod iam_user_multiple_active_keys;
mod iam_user_unused_credentials;
mod org_delegated_admin_security;
mod org_foundational_ous;
mod org_management_account_no_workloads;
mod org_scp_guardrails;
mod resource_policy_parseable;
mod s3_account_block_public_access;
mod s3_bucket_access_logging;
mod s3_bucket_acl_public;
mod s3_bucket_acls_disabled;
mod s3_bucket_block_public_access;
mod s3_bucket_default_encryption;
mod s3_bucket_policy_outside_org;
mod s3_bucket_policy_public;
mod s3_bucket_policy_public_write;
mod s3_bucket_tls_enforced;
mod s3_bucket_versioning;
mod sra_app_api_domain_certificate;
mod sra_app_data_bucket_restricted;
mod sra_app_private_instance_imdsv2;
mod sra_app_private_subnet_s3_path;
mod vpc_endpoint_policy_outside_org;
mod vpc_s3_gateway_endpoint_full_access;

pub mod shared;

/// Inventories for tests: this crate's own, and the scanner crate's through the `fixtures`
/// feature (a dev-dependency feature, never in a release build).
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

/// A check on the plumbing that predates the check API (`crate::check`); removed once every
/// check is ported.
pub struct CheckDef {
    pub id: &'static str,
    pub input: Input,
    pub evaluate: fn(&Context) -> Vec<CheckResult>,
}

/// A registered check.
pub enum Entry {
    /// Judges one account at a time.
    Check(&'static Check),
    /// Judges the organization, or resources across accounts, at the end.
    Organization(&'static OrgCheck),
    /// Judges each account's own resources as it finishes and the cross-account ones at the end.
    Split(&'static SplitCheck),
    Legacy(&'static CheckDef),
}

impl Entry {
    pub fn id(&self) -> &'static str {
        match self {
            Entry::Check(c) => c.id,
            Entry::Organization(c) => c.id,
            Entry::Split(c) => c.id,
            Entry::Legacy(c) => c.id,
        }
    }

    /// What the check needs to see at once.
    pub fn input(&self) -> Input {
        match self {
            Entry::Check(_) => Input::OneAccount,
            Entry::Organization(_) => Input::AllAccounts,
            Entry::Split(_) => Input::Split,
            Entry::Legacy(c) => c.input,
        }
    }

    /// The results on one account (`ctx.accounts` holds it): account checks, and the account
    /// part of split checks.
    pub fn evaluate_account(&self, ctx: &Context) -> Vec<CheckResult> {
        match self {
            Entry::Check(c) => c.evaluate(ctx),
            Entry::Split(c) => c.evaluate_account(ctx),
            Entry::Legacy(c) if c.input.runs_in(Input::OneAccount) => (c.evaluate)(ctx),
            _ => Vec::new(),
        }
    }

    /// The results at the end: organization checks, and the cross-account part of split
    /// checks. (`legacy` is what checks on the old plumbing read.)
    pub fn evaluate_organization(&self, ctx: &OrgContext, legacy: &Context) -> Vec<CheckResult> {
        match self {
            Entry::Organization(c) => c.evaluate(ctx),
            Entry::Split(c) => c.evaluate_organization(ctx),
            Entry::Legacy(c) if c.input.runs_in(Input::AllAccounts) => (c.evaluate)(legacy),
            _ => Vec::new(),
        }
    }
}

/// Every check posture runs. Order here is the order of evaluation only; reports sort results.
pub static REGISTRY: &[Entry] = &[
    Entry::Check(&iam_root_access_keys::CHECK),
    Entry::Organization(&iam_root_mfa::CHECK),
    Entry::Check(&iam_root_recent_use::CHECK),
    Entry::Check(&iam_user_console_mfa::CHECK),
    Entry::Check(&iam_user_unused_credentials::CHECK),
    Entry::Check(&iam_access_key_rotation::CHECK),
    Entry::Check(&iam_user_multiple_active_keys::CHECK),
    Entry::Check(&iam_user_initial_access_key_unused::CHECK),
    Entry::Check(&iam_password_policy_length::CHECK),
    Entry::Check(&iam_password_policy_reuse::CHECK),
    Entry::Check(&iam_role_trust_public::CHECK),
    Entry::Check(&iam_role_trust_external_without_external_id::CHECK),
    Entry::Check(&s3_account_block_public_access::CHECK),
    Entry::Check(&s3_bucket_block_public_access::CHECK),
    Entry::Check(&s3_bucket_policy_public::CHECK),
    Entry::Check(&s3_bucket_policy_public_write::CHECK),
    Entry::Organization(&s3_bucket_policy_outside_org::CHECK),
    Entry::Check(&s3_bucket_acl_public::CHECK),
    Entry::Check(&s3_bucket_tls_enforced::CHECK),
    Entry::Check(&s3_bucket_acls_disabled::CHECK),
    Entry::Check(&s3_bucket_default_encryption::CHECK),
    Entry::Check(&s3_bucket_versioning::CHECK),
    Entry::Check(&s3_bucket_access_logging::CHECK),
    Entry::Check(&resource_policy_parseable::CHECK),
    Entry::Check(&ec2_instance_imdsv2::CHECK),
    Entry::Check(&ec2_launch_template_imdsv2::CHECK),
    Entry::Check(&ec2_account_imdsv2_default::CHECK),
    Entry::Check(&vpc_s3_gateway_endpoint_full_access::CHECK),
    Entry::Organization(&vpc_endpoint_policy_outside_org::CHECK),
    Entry::Split(&sra_app_private_instance_imdsv2::CHECK),
    Entry::Split(&sra_app_private_subnet_s3_path::CHECK),
    Entry::Organization(&sra_app_data_bucket_restricted::CHECK),
    Entry::Check(&sra_app_api_domain_certificate::CHECK),
    Entry::Check(&acm_certificate_expiry::CHECK),
    Entry::Check(&acm_certificate_rsa_key_length::CHECK),
    Entry::Check(&acm_certificate_imported::CHECK),
    Entry::Check(&apigateway_method_authorization::CHECK),
    Entry::Check(&apigateway_stage_execution_logging::CHECK),
    Entry::Check(&apigateway_stage_access_logging::CHECK),
    Entry::Check(&apigateway_stage_waf::CHECK),
    Entry::Check(&apigateway_stage_tracing::CHECK),
    Entry::Check(&apigateway_stage_client_certificate::CHECK),
    Entry::Check(&apigateway_stage_cache_encrypted::CHECK),
    Entry::Check(&apigateway_domain_tls::CHECK),
    Entry::Organization(&org_scp_guardrails::CHECK),
    Entry::Organization(&org_foundational_ous::CHECK),
    Entry::Organization(&org_delegated_admin_security::CHECK),
    Entry::Organization(&org_management_account_no_workloads::CHECK),
];

fn selected(only: Option<&[String]>) -> impl Iterator<Item = &'static Entry> + '_ {
    REGISTRY
        .iter()
        .filter(move |c| only.is_none_or(|ids| ids.iter().any(|i| i == c.id())))
}

/// The results on one account as it finishes (`ctx.accounts` holds it), restricted to `only`
/// when given, in a stable order.
pub fn evaluate_account(ctx: &Context, only: Option<&[String]>) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = selected(only)
        .flat_map(|c| c.evaluate_account(ctx))
        .collect();
    sort_results(&mut results);
    results
}

/// The results at the end of the scan, over every account's digest.
pub fn evaluate_organization(
    ctx: &OrgContext,
    legacy: &Context,
    only: Option<&[String]>,
) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = selected(only)
        .flat_map(|c| c.evaluate_organization(ctx, legacy))
        .collect();
    sort_results(&mut results);
    results
}

/// Every check over a whole inventory, as a scan evaluates it: each account as it would finish,
/// then the organization over the digests. For tests and tools; `crate::evaluate` is the scan's
/// streaming version.
pub fn evaluate_inventory(
    inventory: &crate::inventory::Inventory,
    boundary: &crate::policy::Boundary,
    thresholds: &crate::config::Thresholds,
    now: DateTime<Utc>,
    only: Option<&[String]>,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for entry in selected(only) {
        results.extend(entry_on_inventory(
            entry, inventory, boundary, thresholds, now,
        ));
    }
    sort_results(&mut results);
    results
}

/// One check over a whole inventory, each account as it would finish, then the organization;
/// the results in the order the check produced them.
pub fn entry_on_inventory(
    entry: &Entry,
    inventory: &crate::inventory::Inventory,
    boundary: &crate::policy::Boundary,
    thresholds: &crate::config::Thresholds,
    now: DateTime<Utc>,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for acct in &inventory.accounts {
        let ctx = Context {
            scan: &inventory.scan,
            pass: Pass::Account,
            organization: inventory.organization.as_ref(),
            accounts: std::slice::from_ref(acct),
            thresholds,
            now,
            boundary,
        };
        results.extend(entry.evaluate_account(&ctx));
    }
    let digests: Vec<AccountDigest> = inventory.accounts.iter().map(AccountDigest::of).collect();
    let org = OrgContext {
        scan: &inventory.scan,
        organization: inventory.organization.as_ref(),
        accounts: &digests,
        management: management_of(inventory.organization.as_ref(), &inventory.accounts),
        thresholds,
        now,
        boundary,
    };
    let summaries: Vec<AccountInventory> = inventory
        .accounts
        .iter()
        .map(|a| summary(a, org.management_account_id()))
        .collect();
    let legacy = Context {
        scan: &inventory.scan,
        pass: Pass::Organization,
        organization: inventory.organization.as_ref(),
        accounts: &summaries,
        thresholds,
        now,
        boundary,
    };
    results.extend(entry.evaluate_organization(&org, &legacy));
    results
}

/// The management account among `accounts`, when the organization was read and it was scanned.
pub fn management_of<'a>(
    organization: Option<&Collected<crate::inventory::Organization>>,
    accounts: &'a [AccountInventory],
) -> Option<&'a AccountInventory> {
    let Some(Collected::Ok(org)) = organization else {
        return None;
    };
    accounts
        .iter()
        .find(|a| a.account_id == org.management_account_id)
}

/// The order of results within a report: check, account, region, resource.
pub fn sort_results(results: &mut [CheckResult]) {
    results.sort_by(|a, b| {
        (&a.check_id, &a.account_id, &a.region, &a.resource).cmp(&(
            &b.check_id,
            &b.account_id,
            &b.region,
            &b.resource,
        ))
    });
}

/// What `AllAccounts` checks (and the cross-account part of `Split` checks) need of one
/// account, kept until the end of the scan in place of the whole account: its access and
/// regions, its buckets' names, regions, tags, policies and Block Public Access settings
/// (bucket and account), its VPC endpoints and route tables (a VPC it owns may be shared with
/// other accounts), the subnets it sees in other accounts' VPCs with the non-terminated
/// instances in them, its root user (the report's root row, the account summary and the
/// centralized root access features), and, for the management account, everything. Dropped
/// data is marked, never faked
/// as empty where the type allows it (`Collected::Failed` with "not kept"); the lists that cannot
/// be marked (instances, subnets, …) are emptied, so an `AllAccounts` check must only read the
/// fields named here. `summary_tests` evaluates every such check on summaries and on the full
/// inventory and asserts the same results.
pub fn summary(acct: &AccountInventory, management_account: Option<&str>) -> AccountInventory {
    use crate::inventory::{CollectionError, CredentialReport, Ec2, ErrorKind, Iam, S3};
    if management_account == Some(acct.account_id.as_str()) {
        return acct.clone();
    }
    let not_kept = || CollectionError {
        service: "posture".into(),
        operation: "summary".into(),
        region: None,
        resource: None,
        kind: ErrorKind::Other,
        code: None,
        message: "not kept in the organization summary".into(),
    };
    let s3 = match &acct.s3 {
        Collected::Ok(s3) => Collected::Ok(S3 {
            account_public_access_block: s3.account_public_access_block.clone(),
            buckets: match &s3.buckets {
                Collected::Ok(buckets) => Collected::Ok(
                    buckets
                        .iter()
                        .map(|b| crate::inventory::Bucket {
                            name: b.name.clone(),
                            region: b.region.clone(),
                            policy: b.policy.clone(),
                            public_access_block: b.public_access_block.clone(),
                            acl_grants: Collected::Failed(not_kept()),
                            object_ownership: Collected::Failed(not_kept()),
                            default_encryption: Collected::Failed(not_kept()),
                            versioning: Collected::Failed(not_kept()),
                            logging_target: Collected::Failed(not_kept()),
                            tags: b.tags.clone(),
                        })
                        .collect(),
                ),
                Collected::Failed(e) => Collected::Failed(e.clone()),
            },
        }),
        Collected::Failed(e) => Collected::Failed(e.clone()),
    };
    let iam = match &acct.iam {
        Collected::Ok(iam) => Collected::Ok(Iam {
            credential_report: match &iam.credential_report {
                Collected::Ok(r) => Collected::Ok(CredentialReport {
                    generated_at: r.generated_at,
                    rows: r.root().cloned().into_iter().collect(),
                }),
                Collected::Failed(e) => Collected::Failed(e.clone()),
            },
            users: Collected::Failed(not_kept()),
            password_policy: Collected::Failed(not_kept()),
            account_summary: iam.account_summary.clone(),
            roles: Collected::Failed(not_kept()),
            organizations_features: iam.organizations_features.clone(),
        }),
        Collected::Failed(e) => Collected::Failed(e.clone()),
    };
    let regional = acct
        .regional
        .iter()
        .map(|(region, r)| {
            let ec2 = match &r.ec2 {
                Collected::Ok(ec2) => {
                    let shared_in: Vec<_> = ec2
                        .subnets
                        .iter()
                        .filter(|s| s.owned_by_other(&acct.account_id))
                        .cloned()
                        .collect();
                    let instances = ec2
                        .instances
                        .iter()
                        .filter(|i| i.state.as_deref() != Some("terminated"))
                        .filter(|i| {
                            shared_in
                                .iter()
                                .any(|s| i.subnet_id.as_deref() == Some(s.subnet_id.as_str()))
                        })
                        .cloned()
                        .collect();
                    Collected::Ok(Ec2 {
                        vpc_endpoints: ec2.vpc_endpoints.clone(),
                        route_tables: ec2.route_tables.clone(),
                        subnets: shared_in,
                        instances,
                        instance_metadata_defaults: Collected::Failed(not_kept()),
                        vpcs: Vec::new(),
                        launch_templates: Vec::new(),
                    })
                }
                Collected::Failed(e) => Collected::Failed(e.clone()),
            };
            (
                region.clone(),
                RegionInventory {
                    ec2,
                    acm: Collected::Failed(not_kept()),
                    apigateway: Collected::Failed(not_kept()),
                },
            )
        })
        .collect();
    AccountInventory {
        account_id: acct.account_id.clone(),
        name: acct.name.clone(),
        ou_path: acct.ou_path.clone(),
        access: acct.access.clone(),
        regions: acct.regions.clone(),
        skipped_regions: acct.skipped_regions.clone(),
        iam,
        s3,
        regional,
    }
}

// ------------------------------------------------------------------ helpers shared by checks

/// Results of one check, with constructors that fill in the check id.
pub(crate) struct Results {
    check: &'static str,
    pub items: Vec<CheckResult>,
}

// Removed with the legacy plumbing; the ported checks no longer use all of it.
#[allow(dead_code)]
impl Results {
    pub fn new(check: &'static str) -> Self {
        Results {
            check,
            items: Vec::new(),
        }
    }

    fn make(
        &self,
        status: Status,
        account: &str,
        region: Option<&str>,
        resource: &str,
        message: String,
    ) -> CheckResult {
        CheckResult {
            check_id: self.check.to_string(),
            status,
            account_id: account.to_string(),
            region: region.map(str::to_string),
            resource: resource.to_string(),
            message,
            evidence: Vec::new(),
            tags: None,
            reason: None,
        }
    }

    pub fn pass(
        &mut self,
        account: &str,
        region: Option<&str>,
        resource: &str,
        msg: impl Into<String>,
    ) -> &mut CheckResult {
        let r = self.make(Status::Pass, account, region, resource, msg.into());
        self.push(r)
    }

    pub fn fail(
        &mut self,
        account: &str,
        region: Option<&str>,
        resource: &str,
        msg: impl Into<String>,
    ) -> &mut CheckResult {
        let r = self.make(Status::Fail, account, region, resource, msg.into());
        self.push(r)
    }

    pub fn not_applicable(
        &mut self,
        account: &str,
        region: Option<&str>,
        resource: &str,
        msg: impl Into<String>,
    ) -> &mut CheckResult {
        let r = self.make(Status::NotApplicable, account, region, resource, msg.into());
        self.push(r)
    }

    pub fn not_assessed(
        &mut self,
        account: &str,
        region: Option<&str>,
        resource: &str,
        reason: impl Into<String>,
    ) -> &mut CheckResult {
        let r = self.make(
            Status::NotAssessed,
            account,
            region,
            resource,
            reason.into(),
        );
        self.push(r)
    }

    fn push(&mut self, r: CheckResult) -> &mut CheckResult {
        self.items.push(r);
        self.items.last_mut().expect("just pushed")
    }

    /// Add evidence to the last result.
    pub fn evidence(&mut self, path: impl Into<String>, value: impl ToString) -> &mut Self {
        if let Some(last) = self.items.last_mut() {
            last.evidence.push(Evidence {
                path: path.into(),
                value: value.to_string(),
            });
        }
        self
    }

    /// Unwrap collected data, or record `NotAssessed` for `resource` and return `None`.
    pub fn collected<'d, T>(
        &mut self,
        data: &'d Collected<T>,
        account: &str,
        region: Option<&str>,
        resource: &str,
    ) -> Option<&'d T> {
        match data {
            Collected::Ok(v) => Some(v),
            Collected::Failed(e) => {
                self.not_assessed(account, region, resource, format!("not assessed: {e}"));
                None
            }
        }
    }

    /// Accounts posture could enter; for the others, record `NotAssessed` on `resource_of`.
    pub fn accessible_accounts<'i>(&mut self, ctx: &Context<'i>) -> Vec<&'i AccountInventory> {
        let mut out = Vec::new();
        for acct in ctx.accounts {
            match &acct.access {
                AccountAccess::Denied { role_arn, error } => {
                    let resource = account_resource(&acct.account_id);
                    self.not_assessed(
                        &acct.account_id,
                        None,
                        &resource,
                        format!(
                            "not assessed: could not assume {role_arn}: {}",
                            error.message
                        ),
                    );
                }
                _ => out.push(acct),
            }
        }
        out
    }

    /// Every (account, region, regional data) posture collected; records `NotAssessed` for
    /// accounts it could not enter or whose regions could not be listed.
    pub fn regions<'i>(
        &mut self,
        ctx: &Context<'i>,
    ) -> Vec<(&'i AccountInventory, &'i str, &'i RegionInventory)> {
        let mut out = Vec::new();
        for acct in self.accessible_accounts(ctx) {
            let resource = account_resource(&acct.account_id);
            if self
                .collected(&acct.regions, &acct.account_id, None, &resource)
                .is_some()
            {
                for (region, data) in &acct.regional {
                    out.push((acct, region.as_str(), data));
                }
            }
        }
        out
    }
}

/// Render an optional date for evidence.
pub(crate) fn show_date(d: Option<DateTime<Utc>>) -> String {
    d.map(|d| d.to_rfc3339()).unwrap_or_else(|| "never".into())
}

#[cfg(test)]
mod registry_tests {
    use super::REGISTRY;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_kebab_case() {
        let mut seen = HashSet::new();
        for c in REGISTRY {
            assert!(seen.insert(c.id()), "duplicate check id {}", c.id());
            assert!(
                c.id()
                    .chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{} is not kebab-case",
                c.id()
            );
        }
        assert!(REGISTRY.len() >= 30);
    }
}
