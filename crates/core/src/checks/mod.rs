//! Checks: pure, synchronous functions of the inventory, one file per check.
//!
//! Each check returns results with one of four statuses. A check never guesses: when the data it
//! needs was not collected, the result is `NotAssessed` with the collection error as the reason.
//! The registry below is the one list of checks in code; `checks/<id>.toml` holds each check's
//! metadata, and a test asserts that the two agree.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use std::collections::BTreeSet;

use crate::config::Thresholds;
use crate::inventory::{
    AccountAccess, AccountInventory, Collected, Inventory, Organization, RegionInventory, ScanInfo,
};
use crate::policy::Boundary;

mod acm_certificate_expiry;
mod acm_certificate_imported;
mod acm_certificate_rsa_key_length;
mod apigateway_domain_tls;
mod apigateway_method_authorization;
mod apigateway_stage;
mod ec2_account_imdsv2_default;
mod ec2_instance_imdsv2;
mod ec2_launch_template_imdsv2;
mod iam_access_key_rotation;
mod iam_password_policy;
mod iam_role_trust;
mod iam_root;
mod iam_user_console_mfa;
mod iam_user_initial_access_key_unused;
mod iam_user_multiple_active_keys;
mod iam_user_unused_credentials;
mod iam_users;
mod org_delegated_admin_security;
mod org_foundational_ous;
mod org_management_account_no_workloads;
mod org_scope;
mod org_scp_guardrails;
mod resource_policy_parseable;
mod s3_account_block_public_access;
mod s3_bucket_acl_public;
mod s3_bucket_block_public_access;
mod s3_bucket_policy_outside_org;
mod s3_bucket_policy_public;
mod s3_bucket_settings;
mod s3_bucket_tls_enforced;
mod s3_buckets;
mod sra_app_api_domain_certificate;
mod sra_app_data_bucket_restricted;
mod sra_app_network;
mod vpc_endpoint_policy_outside_org;
mod vpc_s3_gateway_endpoint_full_access;

/// Inventories for tests: this crate's own, and the scanner crate's through the `fixtures`
/// feature (a dev-dependency feature, never in a release build).
#[cfg(any(test, feature = "fixtures"))]
pub mod fixtures;

/// Outcome of one check on one resource.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    /// There was nothing to check (e.g. no cache on the stage).
    NotApplicable,
    /// The inputs were not collected; `reason` says why. Never a pass.
    NotAssessed,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not_applicable",
            Status::NotAssessed => "not_assessed",
        }
    }
}

/// One fact that decided a result: where it is (a path in the inventory or document) and what
/// it was.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Evidence {
    pub path: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CheckResult {
    pub check_id: String,
    pub status: Status,
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// ARN where the resource has one, otherwise a stable identifier.
    pub resource: String,
    /// One sentence: what was found.
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
}

impl CheckResult {
    pub fn with(&mut self, path: impl Into<String>, value: impl ToString) -> &mut Self {
        self.evidence.push(Evidence {
            path: path.into(),
            value: value.to_string(),
        });
        self
    }
}

/// What a check reads: the accounts it is evaluated on, the organization, and the settings.
///
/// Checks whose [`Input`] is `OneAccount` are evaluated on one account at a time while the scan
/// runs (`accounts` holds that account); `AllAccounts` checks run once at the end on every
/// account's [`summary`] (see [`Evaluator`](crate::result::Evaluator)); `Split` checks run in
/// both, and read [`pass`](Self::pass) to know which part to judge.
pub struct Context<'a> {
    pub scan: &'a ScanInfo,
    /// Which evaluation is running.
    pub pass: Pass,
    pub organization: Option<&'a Collected<Organization>>,
    pub accounts: &'a [AccountInventory],
    pub thresholds: &'a Thresholds,
    /// "Now" for age computations; injectable so tests (and `evaluate --now`) can age data.
    pub now: DateTime<Utc>,
    /// The trust boundary, computed once for the whole scan ([`Boundary::of_scan`]).
    pub boundary: &'a Boundary,
}

impl<'a> Context<'a> {
    /// A context over a whole inventory (every account at once).
    pub fn of_inventory(
        inventory: &'a Inventory,
        boundary: &'a Boundary,
        thresholds: &'a Thresholds,
        now: DateTime<Utc>,
    ) -> Self {
        Context {
            scan: &inventory.scan,
            pass: Pass::Whole,
            organization: inventory.organization.as_ref(),
            accounts: &inventory.accounts,
            thresholds,
            now,
            boundary,
        }
    }

    /// The trust boundary: the organization's accounts (or, without `--org`, the scanned
    /// accounts) plus the trusted external accounts.
    pub fn boundary(&self) -> &'a Boundary {
        self.boundary
    }

    /// The ARN partition of the scanned accounts (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn partition(&self) -> &str {
        partition_of(self.scan)
    }

    pub fn days_since(&self, t: DateTime<Utc>) -> i64 {
        (self.now - t).num_days()
    }
}

/// The ARN partition of the scanned accounts, from the caller's ARN.
pub fn partition_of(scan: &ScanInfo) -> &str {
    scan.caller_arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

impl Boundary {
    /// The organization's accounts and management account (or, outside organization mode, the
    /// scanned accounts and the caller's) plus the accounts the user trusts.
    pub fn of_scan<'s>(
        scan: &ScanInfo,
        organization: Option<&Collected<Organization>>,
        scanned_accounts: impl IntoIterator<Item = &'s str>,
        trusted_accounts: &[String],
    ) -> Boundary {
        let mut accounts: BTreeSet<String> = trusted_accounts.iter().cloned().collect();
        let mut org_id = None;
        match organization {
            Some(Collected::Ok(org)) => {
                org_id = Some(org.id.clone());
                accounts.extend(org.accounts.iter().map(|a| a.id.clone()));
                accounts.insert(org.management_account_id.clone());
            }
            _ => {
                accounts.extend(scanned_accounts.into_iter().map(str::to_string));
                accounts.insert(scan.caller_account_id.clone());
            }
        }
        Boundary {
            org_id,
            accounts,
            ..Default::default()
        }
    }

    /// The boundary of a whole inventory (a saved file, a test fixture): [`of_scan`](Self::of_scan)
    /// plus every account's networks.
    pub fn of_inventory(inventory: &Inventory, trusted_accounts: &[String]) -> Boundary {
        let mut b = Boundary::of_scan(
            &inventory.scan,
            inventory.organization.as_ref(),
            inventory.accounts.iter().map(|a| a.account_id.as_str()),
            trusted_accounts,
        );
        for acct in &inventory.accounts {
            b.learn_networks(acct);
        }
        b.note_unscanned_accounts(inventory.accounts.iter().map(|a| a.account_id.as_str()));
        b
    }

    /// Add the VPC and VPC endpoint ids of one scanned account, so that a network condition
    /// naming them counts as inside; record where they could not be read.
    pub fn learn_networks(&mut self, acct: &AccountInventory) {
        if let AccountAccess::Denied { .. } = acct.access {
            self.network_gaps
                .insert(format!("account {} (not accessible)", acct.account_id));
            return;
        }
        for (region, r) in &acct.regional {
            match &r.ec2 {
                Collected::Ok(ec2) => {
                    self.networks
                        .extend(ec2.vpcs.iter().map(|v| v.vpc_id.clone()));
                    for e in &ec2.vpc_endpoints {
                        self.networks.insert(e.vpc_endpoint_id.clone());
                        self.networks.insert(e.vpc_id.clone());
                    }
                }
                Collected::Failed(_) => {
                    self.network_gaps
                        .insert(format!("account {} region {region}", acct.account_id));
                }
            }
        }
    }

    /// Accounts of the boundary that were not scanned (excluded, another shard): their networks
    /// are unknown, which the evidence of a network verdict says.
    pub fn note_unscanned_accounts<'s>(&mut self, scanned: impl IntoIterator<Item = &'s str>) {
        let scanned: BTreeSet<&str> = scanned.into_iter().collect();
        let missing: Vec<String> = self
            .accounts
            .iter()
            .filter(|a| !scanned.contains(a.as_str()))
            .cloned()
            .collect();
        for a in missing {
            self.network_gaps
                .insert(format!("account {a} (not scanned)"));
        }
    }
}

/// What a check needs to see at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One account's inventory: evaluated as each account finishes, then the account's data is
    /// dropped. Most checks.
    OneAccount,
    /// Several accounts or the organization (a workload's bucket in another account, the
    /// management account, SCPs): evaluated once, at the end, on every account's [`summary`].
    AllAccounts,
    /// Mostly one account, but some resources depend on another account's data: a subnet of
    /// a VPC shared through RAM is routed by the owner's route tables. Evaluated with
    /// `OneAccount` for what the account holds itself, and once more at the end, on the
    /// summaries, for the resources that need another account (see [`Pass`]). Each result
    /// must come from exactly one of the two passes.
    Split,
}

/// Which evaluation a [`Context`] is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// Every check once, over a whole inventory ([`Context::of_inventory`]): a `Split` check
    /// judges all its resources.
    Whole,
    /// One account as it finishes: `OneAccount` checks, and the account's own part of `Split`
    /// checks.
    Account,
    /// The end of the scan, over every account's [`summary`]: `AllAccounts` checks, and the
    /// cross-account part of `Split` checks.
    Organization,
}

impl Input {
    /// Whether a check with this input runs in the evaluation of `pass`.
    fn runs_in(self, pass: Input) -> bool {
        self == pass || self == Input::Split
    }
}

/// A check as registered in code.
pub struct CheckDef {
    pub id: &'static str,
    pub input: Input,
    pub evaluate: fn(&Context) -> Vec<CheckResult>,
}

/// Every check posture runs. Order here is the order of evaluation only; reports sort results.
pub static REGISTRY: &[CheckDef] = &[
    iam_root::ACCESS_KEYS,
    iam_root::MFA,
    iam_root::RECENT_USE,
    iam_user_console_mfa::CHECK,
    iam_user_unused_credentials::CHECK,
    iam_access_key_rotation::CHECK,
    iam_user_multiple_active_keys::CHECK,
    iam_user_initial_access_key_unused::CHECK,
    iam_password_policy::LENGTH,
    iam_password_policy::REUSE,
    iam_role_trust::PUBLIC,
    iam_role_trust::EXTERNAL_WITHOUT_EXTERNAL_ID,
    s3_account_block_public_access::CHECK,
    s3_bucket_block_public_access::CHECK,
    s3_bucket_policy_public::PUBLIC,
    s3_bucket_policy_public::PUBLIC_WRITE,
    s3_bucket_policy_outside_org::CHECK,
    s3_bucket_acl_public::CHECK,
    s3_bucket_tls_enforced::CHECK,
    s3_bucket_settings::ACLS_DISABLED,
    s3_bucket_settings::DEFAULT_ENCRYPTION,
    s3_bucket_settings::VERSIONING,
    s3_bucket_settings::ACCESS_LOGGING,
    resource_policy_parseable::CHECK,
    ec2_instance_imdsv2::CHECK,
    ec2_launch_template_imdsv2::CHECK,
    ec2_account_imdsv2_default::CHECK,
    vpc_s3_gateway_endpoint_full_access::CHECK,
    vpc_endpoint_policy_outside_org::CHECK,
    sra_app_network::PRIVATE_INSTANCE_IMDSV2,
    sra_app_network::PRIVATE_SUBNET_S3_PATH,
    sra_app_data_bucket_restricted::CHECK,
    sra_app_api_domain_certificate::CHECK,
    acm_certificate_expiry::CHECK,
    acm_certificate_rsa_key_length::CHECK,
    acm_certificate_imported::CHECK,
    apigateway_method_authorization::CHECK,
    apigateway_stage::EXECUTION_LOGGING,
    apigateway_stage::ACCESS_LOGGING,
    apigateway_stage::WAF,
    apigateway_stage::TRACING,
    apigateway_stage::CLIENT_CERTIFICATE,
    apigateway_stage::CACHE_ENCRYPTED,
    apigateway_domain_tls::CHECK,
    org_scp_guardrails::CHECK,
    org_foundational_ous::CHECK,
    org_delegated_admin_security::CHECK,
    org_management_account_no_workloads::CHECK,
];

/// Run the checks with `input` (or every check when `None`), restricted to `only` when given,
/// in a stable order.
pub fn evaluate(ctx: &Context, input: Option<Input>, only: Option<&[String]>) -> Vec<CheckResult> {
    let mut results: Vec<CheckResult> = REGISTRY
        .iter()
        .filter(|c| input.is_none_or(|i| c.input.runs_in(i)))
        .filter(|c| only.is_none_or(|ids| ids.iter().any(|i| i == c.id)))
        .flat_map(|c| (c.evaluate)(ctx))
        .collect();
    sort_results(&mut results);
    results
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

/// The identifier used for account-scope results.
pub fn account_resource(account_id: &str) -> String {
    format!("AWS::::Account:{account_id}")
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
            assert!(seen.insert(c.id), "duplicate check id {}", c.id);
            assert!(
                c.id.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{} is not kebab-case",
                c.id
            );
        }
        assert!(REGISTRY.len() >= 30);
    }
}
