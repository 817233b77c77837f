//! Collection: discover the accounts to scan, enter each one, and run the per-service
//! collectors with bounded concurrency. Failures become recorded collection errors on the
//! (account, region, service) they concern; the scan always goes on.

mod acm;
mod apigateway;
// --- SVC: accessanalyzer, inspector2, macie
mod accessanalyzer;
mod inspector2;
mod macie;
// --- end SVC: accessanalyzer, inspector2, macie
mod apigatewayv2;
mod config;
// --- backbone: guardduty + detective ---
mod detective;
mod guardduty;
// --- end guardduty + detective ---
// --- backbone: cloudtrail
mod cloudtrail;
// --- end backbone: cloudtrail
mod ec2;
mod iam;
mod kms;
mod lambda;
mod organizations;
mod s3;
// --- SVC: securityhub ---
mod securityhub;
// --- end SVC: securityhub ---
mod util;

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::Utc;
use futures::StreamExt;
use indicatif::{ProgressBar, ProgressStyle};

use crate::aws::{Aws, SetupError, identity_of};
use crate::inventory::*;

/// What to scan and how.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub organization: bool,
    pub role_name: String,
    pub external_id: Option<String>,
    pub session_duration: Duration,
    /// Only these accounts (organization mode).
    pub accounts: Vec<String>,
    pub exclude_accounts: Vec<String>,
    /// Regions to scan; empty = every region enabled for each account.
    pub regions: Vec<String>,
    /// Accounts scanned at once.
    pub account_concurrency: usize,
    /// Concurrent per-resource calls within one account and service.
    pub call_concurrency: usize,
    /// Overrides of `call_concurrency` by service (one of [`SERVICES`]).
    pub service_concurrency: BTreeMap<String, usize>,
    /// Regions scanned at once within one account.
    pub region_concurrency: usize,
    pub progress: bool,
    pub profile: Option<String>,
    /// `--shard K/N`: scan only the accounts of shard K (1-based) of N.
    pub shard: Option<(u64, u64)>,
}

/// Services whose per-resource calls `--service-concurrency` can limit.
pub const SERVICES: &[&str] = &[
    "iam",
    "s3",
    "ec2",
    "acm",
    "apigateway",
    "apigatewayv2",
    "kms",
    "lambda",
];

impl ScanOptions {
    /// Concurrent per-resource calls for `service` within one account.
    pub fn calls_for(&self, service: &str) -> usize {
        self.service_concurrency
            .get(service)
            .copied()
            .unwrap_or(self.call_concurrency)
            .max(1)
    }
}

/// The shard (1-based) an account belongs to: its id modulo N, so every shard of every run
/// agrees without coordination.
pub fn shard_of(account_id: &str, shards: u64) -> u64 {
    let n: u64 = account_id
        .bytes()
        .filter(u8::is_ascii_digit)
        .fold(0u64, |acc, d| {
            acc.wrapping_mul(10).wrapping_add(u64::from(d - b'0'))
        });
    n % shards.max(1) + 1
}

/// Who is scanning, the organization and the accounts to scan: everything known before the
/// first account is entered.
pub struct Discovery {
    /// The scan information so far (finish time and call counts are filled by [`finish`]).
    ///
    /// [`finish`]: Discovery::finish
    pub scan: ScanInfo,
    pub organization: Option<Collected<Organization>>,
    targets: Vec<Target>,
    /// The AssumeRole session length: `--session-duration`, capped for a chained caller
    /// ([`session_length_for`](crate::aws::session_length_for)).
    pub session_duration: Duration,
}

impl Discovery {
    /// The ids of the accounts that will be scanned.
    pub fn account_ids(&self) -> impl Iterator<Item = &str> {
        self.targets.iter().map(|(id, _, _)| id.as_str())
    }

    /// The scan information once every account is done.
    pub fn finish(&self, aws: &Aws) -> ScanInfo {
        ScanInfo {
            finished_at: Utc::now(),
            api_calls: Some(aws.stats.summary()),
            ..self.scan.clone()
        }
    }
}

/// Identify the caller and, with `--org`, discover the organization and select the accounts.
/// Errors only when there is nothing to scan.
pub async fn discover(aws: &Aws, opts: &ScanOptions) -> Result<Discovery, SetupError> {
    let started_at = Utc::now();
    let me = aws.identity(opts.profile.as_deref()).await?;
    let (session_duration, warning) = if opts.organization {
        crate::aws::session_length_for(&me.arn, opts.session_duration)
    } else {
        (opts.session_duration, None)
    };
    if let Some(w) = warning {
        eprintln!("warning: {w}");
    }
    let (organization, targets) = if opts.organization {
        let org = organizations::collect(&aws.organizations(&aws.base))
            .await
            .map_err(|e| SetupError::OrgDiscovery {
                caller: me.arn.clone(),
                cause: e.to_string(),
            })?;
        let targets = select_accounts(&org, opts)?;
        (Some(Collected::Ok(org)), targets)
    } else {
        (None, vec![(me.account_id.clone(), None, None)])
    };
    Ok(Discovery {
        scan: ScanInfo {
            posture_version: env!("CARGO_PKG_VERSION").to_string(),
            started_at,
            finished_at: started_at,
            mode: if opts.organization {
                "organization"
            } else {
                "current-account"
            }
            .to_string(),
            caller_account_id: me.account_id,
            caller_arn: me.arn,
            requested_regions: opts.regions.clone(),
            api_calls: None,
        },
        organization,
        targets,
        session_duration,
    })
}

/// Scan every discovered account, `account_concurrency` at a time, and hand each account's
/// inventory to `done` as soon as it is complete, so the caller can evaluate, save and drop it:
/// memory holds the accounts in flight, not the organization. Stops at `done`'s first error
/// (a full disk, say); a failed AWS call never stops it (it is recorded in the inventory).
pub async fn collect(
    aws: &Aws,
    opts: &ScanOptions,
    discovery: &Discovery,
    mut done: impl FnMut(AccountInventory) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let opts = &ScanOptions {
        session_duration: discovery.session_duration,
        ..opts.clone()
    };
    let bar = progress_bar(opts.progress, discovery.targets.len() as u64);
    let caller_account = discovery.scan.caller_account_id.as_str();
    let caller_arn = discovery.scan.caller_arn.as_str();
    let organization = discovery
        .organization
        .as_ref()
        .and_then(|o| o.as_ref().ok());
    let mut in_flight = futures::stream::iter(discovery.targets.iter().cloned())
        .map(|(id, name, ou)| {
            let bar = bar.clone();
            async move {
                let label = name.clone().unwrap_or_else(|| id.clone());
                bar.set_message(format!("scanning {label}"));
                scan_account(
                    aws,
                    opts,
                    caller_account,
                    caller_arn,
                    organization,
                    id,
                    name,
                    ou,
                )
                .await
            }
        })
        .buffer_unordered(opts.account_concurrency.max(1));
    while let Some(inv) = in_flight.next().await {
        let outcome = done(inv);
        bar.inc(1);
        bar.set_message(format!(
            "{} API calls, {} error responses",
            aws.stats.attempts(),
            aws.stats.errors()
        ));
        if let Err(e) = outcome {
            bar.finish_and_clear();
            return Err(e);
        }
    }
    bar.finish_and_clear();
    Ok(())
}

fn progress_bar(enabled: bool, total: u64) -> ProgressBar {
    use std::io::IsTerminal;
    if !enabled || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} [{elapsed_precise}] accounts {pos}/{len} {wide_msg}",
    ) {
        bar.set_style(style);
    }
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

type Target = (String, Option<String>, Option<String>);

/// Accounts posture enters: ACTIVE ones, and ones whose state AWS did not send (`UNKNOWN`):
/// trying to assume a role in those costs one call and reports the outcome, where skipping
/// them would leave them out of the scan without a word.
fn scannable(a: &OrgAccount) -> bool {
    a.state == "ACTIVE" || a.state == "UNKNOWN"
}

/// `3 ACTIVE, 1 SUSPENDED`.
fn states_summary(accounts: &[OrgAccount]) -> String {
    let mut by: BTreeMap<&str, usize> = BTreeMap::new();
    for a in accounts {
        *by.entry(a.state.as_str()).or_default() += 1;
    }
    by.iter()
        .map(|(s, n)| format!("{n} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// ACTIVE accounts of the organization after `--accounts` / `--exclude-accounts`.
fn select_accounts(org: &Organization, opts: &ScanOptions) -> Result<Vec<Target>, SetupError> {
    let unknown: Vec<&String> = opts
        .accounts
        .iter()
        .chain(opts.exclude_accounts.iter())
        .filter(|id| !org.accounts.iter().any(|a| &a.id == *id))
        .collect();
    if !unknown.is_empty() {
        return Err(SetupError::Targets(format!(
            "account(s) {} given to --accounts/--exclude-accounts are not in organization {}\n  what to do: list the organization's accounts with `aws organizations list-accounts` and pass their 12-digit ids",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            org.id
        )));
    }
    let inactive: Vec<&OrgAccount> = org.accounts.iter().filter(|a| !scannable(a)).collect();
    if !org.accounts.is_empty() && inactive.len() == org.accounts.len() {
        // Every shard must see this too: an organization with no account to scan is an error,
        // not N empty shards.
        return Err(SetupError::Targets(format!(
            "no account of organization {} is ACTIVE (states: {})\n  what to do: check `aws organizations list-accounts` — if the accounts are active there, report this as a posture bug",
            org.id,
            states_summary(&org.accounts)
        )));
    }
    let targets: Vec<Target> = org
        .accounts
        .iter()
        .filter(|a| scannable(a))
        .filter(|a| opts.accounts.is_empty() || opts.accounts.contains(&a.id))
        .filter(|a| !opts.exclude_accounts.contains(&a.id))
        .filter(|a| opts.shard.is_none_or(|(k, n)| shard_of(&a.id, n) == k))
        .map(|a| {
            (
                a.id.clone(),
                Some(a.name.clone()),
                a.parent_id.as_ref().map(|p| org.path_of(p)),
            )
        })
        .collect();
    if targets.is_empty() && opts.shard.is_none() {
        return Err(SetupError::Targets(
            "no ACTIVE account of the organization is left to scan after --accounts/--exclude-accounts".into(),
        ));
    }
    Ok(targets)
}

#[allow(clippy::too_many_arguments)]
async fn scan_account(
    aws: &Aws,
    opts: &ScanOptions,
    caller_account: &str,
    caller_arn: &str,
    organization: Option<&Organization>,
    account_id: String,
    name: Option<String>,
    ou_path: Option<String>,
) -> AccountInventory {
    let role_arn = format!(
        "arn:{}:iam::{account_id}:role/{}",
        partition_of(&aws.home_region),
        opts.role_name
    );
    let (conf, access) = if account_id == caller_account {
        (aws.base.clone(), AccountAccess::Caller)
    } else {
        let creds = aws
            .assume_role(
                &role_arn,
                opts.external_id.as_deref(),
                opts.session_duration,
            )
            .await;
        let conf = aws.with_credentials(creds);
        // Prove the role works (and that it lands in the right account) before collecting.
        match identity_of(aws, &conf).await {
            Ok(id) if id.account_id == account_id => {
                (conf, AccountAccess::AssumedRole { role_arn })
            }
            Ok(id) => {
                let error = CollectionError {
                    service: "sts".into(),
                    operation: "AssumeRole".into(),
                    region: None,
                    resource: Some(role_arn.clone()),
                    kind: ErrorKind::Credentials,
                    code: None,
                    message: format!(
                        "the assumed role acts in account {}, not {account_id}",
                        id.account_id
                    ),
                };
                return denied_account(account_id, name, ou_path, role_arn, error);
            }
            Err(mut error) => {
                error.operation = "AssumeRole".into();
                error.resource = Some(role_arn.clone());
                return denied_account(account_id, name, ou_path, role_arn, error);
            }
        }
    };

    let home = aws.home_region.clone();
    let principal = match &access {
        AccountAccess::AssumedRole { role_arn } => role_arn.clone(),
        _ => principal_of(caller_arn),
    };
    let (regions, skipped_regions) = plan_regions(
        aws,
        opts,
        &conf,
        &account_id,
        &home,
        organization,
        &principal,
    )
    .await;
    let iam_client = aws.iam(&conf, &account_id);
    let iam_fut = iam::collect(&iam_client, opts.calls_for("iam"));
    let s3_fut = s3::collect(aws, &conf, &account_id, &home, opts.calls_for("s3"));
    let region_list = match &regions {
        Collected::Ok(r) => r.clone(),
        Collected::Failed(_) => Vec::new(),
    };
    let account = account_id.as_str();
    // --- backbone: guardduty + detective ---
    // The organization view is read only in the account Organizations lists as GuardDuty's
    // delegated administrator (elsewhere the calls would be refused).
    let guardduty_admin = organization.is_some_and(|o| {
        posture_core::checks::shared::guardduty::is_delegated_admin(o, account) == Some(true)
    });
    // --- end guardduty + detective ---
    let scanned_regions = &region_list.clone();
    // --- SVC: accessanalyzer, inspector2, macie
    let inspector2_admin = delegated_admin_of(organization, account, "inspector2.amazonaws.com");
    let macie_admin = delegated_admin_of(organization, account, "macie.amazonaws.com");
    // --- end SVC: accessanalyzer, inspector2, macie
    // --- SVC: securityhub ---
    // The organization view is read only in Security Hub's delegated administrator.
    let securityhub_admin = organization.is_some_and(|o| {
        o.delegated_administrators.as_ref().is_ok_and(|admins| {
            admins.iter().any(|a| {
                a.account_id == account_id
                    && a.service_principals
                        .iter()
                        .any(|p| p == "securityhub.amazonaws.com")
            })
        })
    });
    // --- end SVC: securityhub ---
    let regional_fut = futures::stream::iter(region_list)
        .map(|region| {
            let conf = conf.clone();
            async move {
                // --- backbone: cloudtrail
                let cloudtrail_client = aws.cloudtrail(&conf, account, &region);
                let cloudtrail = cloudtrail::collect(&cloudtrail_client, &region, scanned_regions);
                // --- end backbone: cloudtrail
                let ec2_client = aws.ec2(&conf, account, &region);
                let acm_client = aws.acm(&conf, account, &region);
                let gw_client = aws.apigateway(&conf, account, &region);
                let gw2_client = aws.apigatewayv2(&conf, account, &region);
                let kms_client = aws.kms(&conf, account, &region);
                let lambda_client = aws.lambda(&conf, account, &region);
                let config_client = aws.config(&conf, account, &region);
                // --- SVC: securityhub ---
                let securityhub_client = aws.securityhub(&conf, account, &region);
                let securityhub_fut =
                    securityhub::collect(&securityhub_client, &region, securityhub_admin);
                // --- end SVC: securityhub ---
                let (
                    ec2,
                    acm,
                    apigateway,
                    apigatewayv2,
                    kms,
                    lambda,
                    config,
                    securityhub,
                    cloudtrail,
                ) = tokio::join!(
                    ec2::collect(&ec2_client, &region, opts.calls_for("ec2")),
                    acm::collect(&acm_client, &region, opts.calls_for("acm")),
                    apigateway::collect(&gw_client, &region, opts.calls_for("apigateway")),
                    apigatewayv2::collect(&gw2_client, &region, opts.calls_for("apigatewayv2")),
                    kms::collect(&kms_client, &region, opts.calls_for("kms")),
                    lambda::collect(&lambda_client, &region, opts.calls_for("lambda")),
                    config::collect(&config_client, &region),
                    securityhub_fut,
                    cloudtrail,
                );
                // --- SVC: accessanalyzer, inspector2, macie
                let aa_client = aws.accessanalyzer(&conf, account, &region);
                let inspector_client = aws.inspector2(&conf, account, &region);
                let macie_client = aws.macie2(&conf, account, &region);
                let (
                    accessanalyzer,
                    inspector2,
                    inspector2_organization,
                    macie,
                    macie_organization,
                ) = tokio::join!(
                    accessanalyzer::collect(&aa_client, &region),
                    inspector2::collect(&inspector_client, account, &region),
                    async {
                        if inspector2_admin {
                            Some(inspector2::organization(&inspector_client, &region).await)
                        } else {
                            None
                        }
                    },
                    macie::collect(&macie_client, &region),
                    async {
                        if macie_admin {
                            Some(macie::organization(&macie_client, &region).await)
                        } else {
                            None
                        }
                    },
                );
                // --- end SVC: accessanalyzer, inspector2, macie
                // --- backbone: guardduty + detective ---
                let guardduty_client = aws.guardduty(&conf, account, &region);
                let detective_client = aws.detective(&conf, account, &region);
                let (guardduty, detective) = tokio::join!(
                    guardduty::collect(&guardduty_client, &region, guardduty_admin),
                    detective::collect(&detective_client, &region),
                );
                // --- end guardduty + detective ---
                (
                    region,
                    RegionInventory {
                        ec2,
                        acm,
                        apigateway,
                        apigatewayv2,
                        kms,
                        lambda,
                        config,
                        // --- SVC: accessanalyzer, inspector2, macie
                        accessanalyzer,
                        inspector2,
                        inspector2_organization,
                        macie,
                        macie_organization,
                        // --- end SVC: accessanalyzer, inspector2, macie
                        guardduty,
                        detective,
                        securityhub,
                        cloudtrail,
                    },
                )
            }
        })
        .buffer_unordered(opts.region_concurrency.max(1))
        .collect::<BTreeMap<String, RegionInventory>>();
    let account_client = aws.account(&conf, &account_id);
    let contact_fut = config::security_contact(&account_client);
    let (iam, s3, regional, security_contact) =
        tokio::join!(iam_fut, s3_fut, regional_fut, contact_fut);
    AccountInventory {
        account_id,
        name,
        ou_path,
        access,
        regions,
        skipped_regions,
        iam: Collected::Ok(iam),
        s3: Collected::Ok(s3),
        regional,
        security_contact,
    }
}

// --- SVC: accessanalyzer, inspector2, macie
/// Whether Organizations lists `account` as the delegated administrator of `principal`: only
/// there does posture read the service's organization view (elsewhere the calls would fail).
fn delegated_admin_of(organization: Option<&Organization>, account: &str, principal: &str) -> bool {
    organization.is_some_and(|org| match &org.delegated_administrators {
        Collected::Ok(admins) => admins.iter().any(|a| {
            a.account_id == account && a.service_principals.iter().any(|p| p == principal)
        }),
        Collected::Failed(_) => false,
    })
}
// --- end SVC: accessanalyzer, inspector2, macie

fn denied_account(
    account_id: String,
    name: Option<String>,
    ou_path: Option<String>,
    role_arn: String,
    error: CollectionError,
) -> AccountInventory {
    AccountInventory {
        account_id,
        name,
        ou_path,
        access: AccountAccess::Denied {
            role_arn,
            error: error.clone(),
        },
        regions: Collected::Failed(error.clone()),
        skipped_regions: BTreeMap::new(),
        iam: Collected::Failed(error.clone()),
        s3: Collected::Failed(error.clone()),
        regional: BTreeMap::new(),
        security_contact: Collected::Failed(error),
    }
}

/// The regional calls posture makes in every scanned region (IAM actions).
fn regional_actions() -> Vec<&'static str> {
    crate::aws::permissions::MEMBER_ACTIONS
        .iter()
        .copied()
        .filter(|a| {
            (a.starts_with("ec2:") && *a != "ec2:DescribeRegions")
                || a.starts_with("acm:")
                || a.starts_with("apigateway:")
                || a.starts_with("kms:")
                || a.starts_with("lambda:")
                || a.starts_with("config:")
                // --- backbone: guardduty + detective ---
                || a.starts_with("guardduty:")
                || a.starts_with("detective:")
            // --- end guardduty + detective ---
                || a.starts_with("cloudtrail:")
                // --- SVC: accessanalyzer, inspector2, macie
                || a.starts_with("access-analyzer:")
                || a.starts_with("inspector2:")
                || a.starts_with("macie2:")
            // --- end SVC: accessanalyzer, inspector2, macie
                || a.starts_with("securityhub:")
        })
        .collect()
}

/// The IAM principal ARN of the caller, as `aws:PrincipalArn` sees it: the role of an
/// assumed-role session, or the user.
fn principal_of(caller_arn: &str) -> String {
    // arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION → arn:PARTITION:iam::ACCOUNT:role/NAME
    let parts: Vec<&str> = caller_arn.splitn(6, ':').collect();
    if let [arn, partition, "sts", _, account, resource] = parts.as_slice()
        && let Some(rest) = resource.strip_prefix("assumed-role/")
    {
        let role = rest.split('/').next().unwrap_or(rest);
        return format!("{arn}:{partition}:iam::{account}:role/{role}");
    }
    caller_arn.to_string()
}

/// The regions to scan in an account and those skipped on purpose, with the reason.
///
/// Starts from the regions enabled for the account (DescribeRegions), or `--regions` less the
/// ones the account has not enabled (opt-in regions answer AuthFailure), then leaves out the
/// regions the SCPs that apply to the account deny to the scanner (never in the management
/// account, which SCPs do not restrict).
async fn plan_regions(
    aws: &Aws,
    opts: &ScanOptions,
    conf: &aws_config::SdkConfig,
    account: &str,
    home: &str,
    organization: Option<&Organization>,
    principal: &str,
) -> (Collected<Vec<String>>, BTreeMap<String, String>) {
    let mut skipped = BTreeMap::new();
    let scps = organization.filter(|o| o.management_account_id != account);
    // A region guardrail often denies the home region too: ask DescribeRegions in a region the
    // guardrail leaves allowed.
    let ask = scps
        .and_then(|org| {
            let home = [home.to_string()];
            let d = scp_denied_regions(org, account, principal, &home, &["ec2:DescribeRegions"]);
            let allowed = d.get(home[0].as_str())?.allowed.clone();
            allowed.into_iter().find(|r| {
                scp_denied_regions(
                    org,
                    account,
                    principal,
                    std::slice::from_ref(r),
                    &["ec2:DescribeRegions"],
                )
                .is_empty()
            })
        })
        .unwrap_or_else(|| home.to_string());
    let enabled = discover_regions(aws, conf, account, &ask).await;
    let mut regions = match (&enabled, opts.regions.is_empty()) {
        (_, true) => match enabled {
            Collected::Ok(r) => r,
            Collected::Failed(e) => return (Collected::Failed(e), skipped),
        },
        (Collected::Ok(on), false) => {
            let mut keep = Vec::new();
            for r in &opts.regions {
                if on.contains(r) {
                    keep.push(r.clone());
                } else {
                    skipped.insert(
                        r.clone(),
                        "not enabled for this account (an opt-in region that ec2:DescribeRegions does not list)".to_string(),
                    );
                }
            }
            keep
        }
        // Region discovery failed: scan what was asked for (a region that is not enabled then
        // answers with errors, which are recorded).
        (Collected::Failed(_), false) => opts.regions.clone(),
    };
    if let Some(org) = scps {
        let denied = scp_denied_regions(org, account, principal, &regions, &regional_actions());
        regions.retain(|r| !denied.contains_key(r));
        skipped.extend(denied.into_iter().map(|(r, d)| (r, d.to_string())));
    }
    (Collected::Ok(regions), skipped)
}

/// Regions in which the SCPs applying to `account` deny every one of `actions` to `principal`.
fn scp_denied_regions(
    org: &Organization,
    account: &str,
    principal: &str,
    regions: &[String],
    actions: &[&str],
) -> BTreeMap<String, crate::policy::RegionDenial> {
    let Collected::Ok(policies) = &org.policies else {
        return BTreeMap::new();
    };
    let mut along: Vec<String> = org.ancestors_of(account);
    along.push(account.to_string());
    let parsed: Vec<(&OrgPolicy, crate::policy::Policy)> = policies
        .iter()
        .filter(|p| p.policy_type == "SERVICE_CONTROL_POLICY")
        .filter(|p| {
            p.targets
                .as_ref()
                .is_ok_and(|t| t.iter().any(|t| along.contains(t)))
        })
        .filter_map(|p| {
            let doc = p.content.as_ref().ok()?;
            crate::policy::parse(doc).ok().map(|d| (p, d))
        })
        .collect();
    let applied: Vec<crate::policy::AppliedScp> = parsed
        .iter()
        .map(|(p, d)| crate::policy::AppliedScp {
            id: &p.id,
            name: &p.name,
            policy: d,
        })
        .collect();
    crate::policy::denied_regions(&applied, principal, actions, regions)
}

/// Regions enabled for the account (DescribeRegions without AllRegions lists only those).
async fn discover_regions(
    aws: &Aws,
    conf: &aws_config::SdkConfig,
    account: &str,
    home: &str,
) -> Collected<Vec<String>> {
    let client = aws.ec2(conf, account, home);
    match client.describe_regions().send().await {
        Ok(out) => {
            let mut r: Vec<String> = out
                .regions()
                .iter()
                .filter(|r| r.opt_in_status() != Some("not-opted-in"))
                .filter_map(|r| r.region_name().map(str::to_string))
                .collect();
            r.sort();
            Collected::Ok(r)
        }
        Err(e) => Collected::Failed(crate::aws::collection_error(
            "ec2",
            "DescribeRegions",
            Some(home),
            None,
            &e,
        )),
    }
}

fn partition_of(region: &str) -> &'static str {
    crate::aws::partition::of_region(region)
}

/// Combine the inventories of shards of one organization into one.
pub fn merge(parts: Vec<(String, Inventory)>) -> anyhow::Result<Inventory> {
    let mut iter = parts.into_iter();
    let (first_name, mut merged) = iter
        .next()
        .ok_or_else(|| anyhow::anyhow!("nothing to merge"))?;
    let org_id = |inv: &Inventory| match &inv.organization {
        Some(Collected::Ok(o)) => Some(o.id.clone()),
        _ => None,
    };
    let expected = org_id(&merged);
    let mut calls = merged.scan.api_calls.take().unwrap_or_default();
    for (name, inv) in iter {
        if org_id(&inv) != expected {
            anyhow::bail!(
                "{name} is from organization {:?}, {first_name} from {:?}: only shards of one organization can be merged",
                org_id(&inv),
                expected
            );
        }
        if merged
            .organization
            .as_ref()
            .is_some_and(|o| o.error().is_some())
        {
            merged.organization = inv.organization.clone();
        }
        for a in inv.accounts {
            if merged.accounts.iter().any(|m| m.account_id == a.account_id) {
                anyhow::bail!(
                    "account {} is in {name} and in another input: were the shards overlapping?",
                    a.account_id
                );
            }
            merged.accounts.push(a);
        }
        merged.scan.started_at = merged.scan.started_at.min(inv.scan.started_at);
        merged.scan.finished_at = merged.scan.finished_at.max(inv.scan.finished_at);
        if let Some(c) = inv.scan.api_calls {
            calls.attempts += c.attempts;
            calls.error_responses += c.error_responses;
            calls.throttled_responses += c.throttled_responses;
            for (k, v) in c.by_operation {
                *calls.by_operation.entry(k).or_default() += v;
            }
        }
    }
    merged
        .accounts
        .sort_by(|a, b| a.account_id.cmp(&b.account_id));
    merged.scan.api_calls = Some(calls);
    Ok(merged)
}

#[cfg(test)]
mod tests {
    use super::shard_of;

    #[test]
    fn shards_partition_the_accounts() {
        let ids: Vec<String> = (0..1000u64)
            .map(|i| format!("{:012}", 100_000_000_000 + i * 7919))
            .collect();
        for n in [1u64, 2, 3, 7] {
            let mut counts = vec![0; n as usize];
            for id in &ids {
                let k = shard_of(id, n);
                assert!((1..=n).contains(&k));
                counts[(k - 1) as usize] += 1;
            }
            assert_eq!(counts.iter().sum::<usize>(), ids.len());
            assert!(
                counts.iter().all(|c| *c > 1000 / n as usize / 2),
                "{counts:?}"
            );
        }
    }
}
