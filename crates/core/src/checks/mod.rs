//! The checks: one file per check, named after its id (`s3-bucket-versioning` is
//! `s3_bucket_versioning.rs`), written on the check-author API of `crate::check`; judgements
//! shared by several checks of a service in `shared/`. This module is the registry — the one list
//! of checks in code (`checks/<id>.toml` holds each check's metadata; a test asserts the two
//! agree) — and runs them: each account as it finishes, then the organization.

use chrono::{DateTime, Utc};

use crate::inventory::{AccountInventory, Collected};

pub use crate::check::{
    AccountDigest, Check, CheckResult, Context, Evidence, Input, OrgCheck, OrgContext, SplitCheck,
    Status, account_resource, partition_of,
};

mod account_security_contact;
mod acm_certificate_expiry;
mod acm_certificate_imported;
mod acm_certificate_rsa_key_length;
mod apigateway_domain_tls;
mod apigateway_method_authorization;
mod apigateway_rest_api_policy_public;
mod apigateway_stage_access_logging;
mod apigateway_stage_cache_encrypted;
mod apigateway_stage_client_certificate;
mod apigateway_stage_execution_logging;
mod apigateway_stage_tracing;
mod apigateway_stage_waf;
mod apigatewayv2_domain_tls;
mod apigatewayv2_route_authorization;
mod apigatewayv2_stage_access_logging;
mod config_delivery_log_archive;
mod config_organization_aggregator;
mod config_recorder_all_resources;
mod config_recorder_enabled;
mod config_recorder_status_ok;
// --- backbone: cloudtrail
mod cloudtrail_cloudwatch_logs;
mod cloudtrail_global_service_events;
mod cloudtrail_kms_encryption;
mod cloudtrail_log_archive_delivery;
mod cloudtrail_log_file_validation;
mod cloudtrail_logging;
mod cloudtrail_multi_region;
mod cloudtrail_organization_trail;
// --- end backbone: cloudtrail
mod ec2_account_imdsv2_default;
mod ec2_ebs_encryption_default;
mod ec2_image_block_public_access;
mod ec2_instance_imdsv2;
mod ec2_launch_template_imdsv2;
mod ec2_snapshot_block_public_access;
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
mod kms_key_policy_outside_org;
mod kms_key_policy_public;
mod kms_key_rotation;
mod lambda_function_policy_public;
mod lambda_function_url_auth_none;
mod lambda_runtime_deprecated;
// --- SVC: securityhub ---
mod securityhub_all_accounts_members;
mod securityhub_enabled;
mod securityhub_member_state_consistent;
mod securityhub_org_auto_enable;
mod securityhub_standards;
// --- end SVC: securityhub ---
mod org_delegated_admin_security;
mod org_foundational_ous;
mod org_management_account_no_workloads;
mod org_scp_guardrails;
mod org_security_accounts_in_security_ou;
mod org_security_services_delegated;
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
mod sra_app_api_backend_exposed;
mod sra_app_api_domain_certificate;
mod sra_app_data_bucket_restricted;
mod sra_app_private_instance_imdsv2;
mod sra_app_private_subnet_s3_path;
mod vpc_block_public_access;
// --- SVC: accessanalyzer, inspector2, macie
mod accessanalyzer_enabled;
mod accessanalyzer_organization_analyzer;
mod inspector_enabled;
mod inspector_member_state_consistent;
mod inspector_org_auto_enable;
mod macie_enabled;
mod macie_member_state_consistent;
mod macie_org_auto_enable;
// --- end SVC: accessanalyzer, inspector2, macie
mod vpc_endpoint_policy_outside_org;
mod vpc_s3_gateway_endpoint_full_access;
// --- backbone: guardduty + detective ---
mod detective_in_use;
mod guardduty_all_accounts_members;
mod guardduty_enabled;
mod guardduty_member_state_consistent;
mod guardduty_org_auto_enable;
mod guardduty_protection_plans;
// --- end guardduty + detective ---

pub mod shared;

/// Inventories for tests: this crate's own, and the scanner crate's through the `fixtures`
/// feature (a dev-dependency feature, never in a release build).
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

/// A registered check.
pub enum Entry {
    /// Judges one account at a time.
    Check(&'static Check),
    /// Judges the organization, or resources across accounts, at the end.
    Organization(&'static OrgCheck),
    /// Judges each account's own resources as it finishes and the cross-account ones at the end.
    Split(&'static SplitCheck),
}

impl Entry {
    pub fn id(&self) -> &'static str {
        match self {
            Entry::Check(c) => c.id,
            Entry::Organization(c) => c.id,
            Entry::Split(c) => c.id,
        }
    }

    /// What the check needs to see at once.
    pub fn input(&self) -> Input {
        match self {
            Entry::Check(_) => Input::OneAccount,
            Entry::Organization(_) => Input::AllAccounts,
            Entry::Split(_) => Input::Split,
        }
    }

    /// The results on one account (`ctx.accounts` holds it): account checks, and the account
    /// part of split checks.
    pub fn evaluate_account(&self, ctx: &Context) -> Vec<CheckResult> {
        match self {
            Entry::Check(c) => c.evaluate(ctx),
            Entry::Split(c) => c.evaluate_account(ctx),
            _ => Vec::new(),
        }
    }

    /// The results at the end: organization checks, and the cross-account part of split
    /// checks.
    pub fn evaluate_organization(&self, ctx: &OrgContext) -> Vec<CheckResult> {
        match self {
            Entry::Organization(c) => c.evaluate(ctx),
            Entry::Split(c) => c.evaluate_organization(ctx),
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
    // Account-level block public access settings of each Region.
    Entry::Check(&ec2_snapshot_block_public_access::CHECK),
    Entry::Check(&ec2_image_block_public_access::CHECK),
    Entry::Check(&vpc_block_public_access::CHECK),
    Entry::Check(&vpc_s3_gateway_endpoint_full_access::CHECK),
    Entry::Organization(&vpc_endpoint_policy_outside_org::CHECK),
    Entry::Split(&sra_app_private_instance_imdsv2::CHECK),
    Entry::Split(&sra_app_private_subnet_s3_path::CHECK),
    Entry::Organization(&sra_app_data_bucket_restricted::CHECK),
    Entry::Check(&sra_app_api_domain_certificate::CHECK),
    Entry::Check(&sra_app_api_backend_exposed::CHECK),
    Entry::Check(&acm_certificate_expiry::CHECK),
    Entry::Check(&acm_certificate_rsa_key_length::CHECK),
    Entry::Check(&acm_certificate_imported::CHECK),
    Entry::Check(&apigateway_method_authorization::CHECK),
    Entry::Check(&apigateway_rest_api_policy_public::CHECK),
    Entry::Check(&apigateway_stage_execution_logging::CHECK),
    Entry::Check(&apigateway_stage_access_logging::CHECK),
    Entry::Check(&apigateway_stage_waf::CHECK),
    Entry::Check(&apigateway_stage_tracing::CHECK),
    Entry::Check(&apigateway_stage_client_certificate::CHECK),
    Entry::Check(&apigateway_stage_cache_encrypted::CHECK),
    Entry::Check(&apigateway_domain_tls::CHECK),
    Entry::Check(&apigatewayv2_route_authorization::CHECK),
    Entry::Check(&apigatewayv2_stage_access_logging::CHECK),
    Entry::Check(&apigatewayv2_domain_tls::CHECK),
    Entry::Check(&kms_key_policy_public::CHECK),
    Entry::Check(&kms_key_policy_outside_org::CHECK),
    Entry::Check(&kms_key_rotation::CHECK),
    Entry::Check(&lambda_function_policy_public::CHECK),
    Entry::Check(&lambda_function_url_auth_none::CHECK),
    Entry::Check(&lambda_runtime_deprecated::CHECK),
    // --- backbone: config ---
    Entry::Check(&config_recorder_enabled::CHECK),
    Entry::Check(&config_recorder_all_resources::CHECK),
    Entry::Check(&config_recorder_status_ok::CHECK),
    Entry::Check(&ec2_ebs_encryption_default::CHECK),
    Entry::Check(&account_security_contact::CHECK),
    Entry::Organization(&config_delivery_log_archive::CHECK),
    Entry::Organization(&config_organization_aggregator::CHECK),
    // --- end backbone: config ---
    // --- backbone: cloudtrail
    Entry::Organization(&cloudtrail_organization_trail::CHECK),
    Entry::Organization(&cloudtrail_log_archive_delivery::CHECK),
    Entry::Organization(&cloudtrail_multi_region::CHECK),
    Entry::Organization(&cloudtrail_global_service_events::CHECK),
    Entry::Check(&cloudtrail_logging::CHECK),
    Entry::Check(&cloudtrail_log_file_validation::CHECK),
    Entry::Check(&cloudtrail_kms_encryption::CHECK),
    Entry::Check(&cloudtrail_cloudwatch_logs::CHECK),
    // --- end backbone: cloudtrail
    // --- SVC: securityhub ---
    Entry::Check(&securityhub_enabled::CHECK),
    Entry::Check(&securityhub_standards::CHECK),
    Entry::Organization(&securityhub_org_auto_enable::CHECK),
    Entry::Organization(&securityhub_member_state_consistent::CHECK),
    Entry::Organization(&securityhub_all_accounts_members::CHECK),
    // --- end SVC: securityhub ---
    Entry::Organization(&org_scp_guardrails::CHECK),
    Entry::Organization(&org_foundational_ous::CHECK),
    Entry::Organization(&org_delegated_admin_security::CHECK),
    Entry::Organization(&org_security_services_delegated::CHECK),
    Entry::Organization(&org_security_accounts_in_security_ou::CHECK),
    Entry::Organization(&org_management_account_no_workloads::CHECK),
    // --- SVC: accessanalyzer, inspector2, macie
    Entry::Organization(&accessanalyzer_enabled::CHECK),
    Entry::Check(&inspector_enabled::CHECK),
    Entry::Check(&macie_enabled::CHECK),
    Entry::Organization(&accessanalyzer_organization_analyzer::CHECK),
    Entry::Organization(&inspector_org_auto_enable::CHECK),
    Entry::Organization(&inspector_member_state_consistent::CHECK),
    Entry::Organization(&macie_org_auto_enable::CHECK),
    Entry::Organization(&macie_member_state_consistent::CHECK),
    // --- end SVC: accessanalyzer, inspector2, macie
    // --- backbone: guardduty + detective ---
    Entry::Check(&guardduty_enabled::CHECK),
    Entry::Check(&guardduty_protection_plans::CHECK),
    Entry::Organization(&guardduty_org_auto_enable::CHECK),
    Entry::Organization(&guardduty_all_accounts_members::CHECK),
    Entry::Organization(&guardduty_member_state_consistent::CHECK),
    Entry::Check(&detective_in_use::CHECK),
    // --- end guardduty + detective ---
];

fn selected(only: Option<&[String]>) -> impl Iterator<Item = &'static Entry> + '_ {
    REGISTRY
        .iter()
        .filter(move |c| only.is_none_or(|ids| ids.iter().any(|i| i == c.id())))
}

/// The results on one account as it finishes (`ctx.accounts` holds it), restricted to `only`
/// when given, in a stable order.
pub fn evaluate_account(ctx: &Context, only: Option<&[String]>) -> Vec<CheckResult> {
    sorted(selected(only).flat_map(|c| c.evaluate_account(ctx)))
}

/// The results at the end of the scan, over every account's digest.
pub fn evaluate_organization(ctx: &OrgContext, only: Option<&[String]>) -> Vec<CheckResult> {
    sorted(selected(only).flat_map(|c| c.evaluate_organization(ctx)))
}

/// The results in a stable order.
fn sorted(results: impl Iterator<Item = CheckResult>) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = results.collect();
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
    let roles = crate::check::SraAccounts::recognise(
        inventory.organization.as_ref(),
        &crate::check::Given::default(),
    );
    for entry in selected(only) {
        results.extend(entry_on_inventory(
            entry, inventory, boundary, thresholds, now, &roles,
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
    roles: &crate::check::SraAccounts,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for acct in &inventory.accounts {
        let ctx = Context {
            scan: &inventory.scan,
            organization: inventory.organization.as_ref(),
            accounts: std::slice::from_ref(acct),
            thresholds,
            now,
            boundary,
            roles,
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
        roles,
    };
    results.extend(entry.evaluate_organization(&org));
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
