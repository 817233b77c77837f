//! Command-line interface: argument parsing, command dispatch, output and exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::aws::{Aws, ConnectOptions, RetryMode};
use crate::catalog::{self, Severity};
use crate::collect::{self, ScanOptions};
use crate::config::Thresholds;
use crate::evaluate;
use crate::inventory::{INVENTORY_FORMAT_VERSION, Inventory};
use crate::output::{AtomicFile, write_atomic};
use crate::report::{self, Format};
use crate::result::{self, ScanResult};

/// Exit codes (documented in the README and in `--help`).
pub mod exit {
    /// Scan complete; no failed finding at or above `--fail-on`.
    pub const OK: u8 = 0;
    /// posture could not run (bad input, no credentials, unreadable file).
    pub const ERROR: u8 = 1;
    /// Invalid command line (clap's own code).
    pub const USAGE: u8 = 2;
    /// Failed findings at or above `--fail-on`; the scan was complete.
    pub const FINDINGS: u8 = 3;
    /// Some data could not be collected (not assessed), and no failed finding at or above `--fail-on`.
    pub const INCOMPLETE: u8 = 4;
    /// Both: failed findings at or above `--fail-on`, and the scan was incomplete.
    pub const FINDINGS_AND_INCOMPLETE: u8 = 5;
}

/// `posture --version`: the package version and the git commit it was built from.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (commit ",
    env!("POSTURE_COMMIT"),
    ")"
);

const AFTER_HELP: &str = "\
Exit codes:
  0  scan complete, no failed finding at or above --fail-on
  1  error: posture could not run (bad input, credentials, unreadable file)
  2  invalid command line
  3  failed findings at or above --fail-on (scan complete)
  4  scan incomplete: something could not be assessed (no failed finding at or above --fail-on)
  5  failed findings at or above --fail-on, and the scan was incomplete

Endpoints: posture uses the standard AWS configuration, so AWS_ENDPOINT_URL and
AWS_ENDPOINT_URL_<SERVICE> (e.g. AWS_ENDPOINT_URL_ORGANIZATIONS) redirect it to emulators.";

#[derive(Parser, Debug)]
#[command(name = "posture", version = VERSION, about = "AWS security posture scanner for whole AWS Organizations", after_help = AFTER_HELP)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Scan the current account, or every account of the organization with --org.
    Scan(Box<ScanArgs>),
    /// Evaluate a saved inventory again, offline (no AWS access).
    Evaluate(EvaluateArgs),
    /// List the checks posture runs.
    Checks,
    /// Compare two scan results (JSON): new, resolved and persisting failures, score changes.
    Diff(DiffArgs),
    /// Combine the inventories of `scan --shard K/N` runs and report on the whole organization.
    Merge(MergeArgs),
    /// Print the IAM policy posture needs (member role; --scanner for the scanning identity).
    Permissions {
        /// The scanning identity's policy: the member actions plus Organizations, sts:AssumeRole,
        /// S3 delivery and Security Hub delivery.
        #[arg(long)]
        scanner: bool,
    },
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// The earlier result (`posture scan --format json`).
    pub old: PathBuf,
    /// The later result.
    pub new: PathBuf,
    /// `table` prints a summary; `json` prints the diff document.
    #[arg(long, value_enum, default_value_t = DiffFormat::Table)]
    pub format: DiffFormat,
    /// Exit with code 3 when a new failure of this severity or higher appeared; `none` never does.
    #[arg(long, default_value = "low", value_parser = parse_fail_on, value_name = "SEVERITY")]
    pub fail_on_new: FailOn,
}

#[derive(Args, Debug)]
pub struct MergeArgs {
    /// Inventory files written by `posture scan --shard K/N --save-inventory FILE`.
    #[arg(required = true, num_args = 1..)]
    pub inventories: Vec<PathBuf>,
    /// Also write the merged inventory to FILE.
    #[arg(long, value_name = "FILE")]
    pub save_inventory: Option<PathBuf>,
    #[command(flatten)]
    pub eval: EvalOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum DiffFormat {
    Table,
    Json,
}

#[derive(Args, Debug)]
pub struct ScanArgs {
    /// Named profile from the AWS config files (SSO, assume-role and credential_process profiles work).
    #[arg(long, env = "AWS_PROFILE")]
    pub profile: Option<String>,
    /// Region for global services and region discovery [default: the configured region, else us-east-1].
    #[arg(long)]
    pub region: Option<String>,
    /// Scan every ACTIVE account of the organization (run from the management account or a delegated administrator).
    #[arg(long)]
    pub org: bool,
    /// Role to assume in each member account with --org.
    #[arg(
        long,
        default_value = "OrganizationAccountAccessRole",
        value_name = "NAME"
    )]
    pub role_name: String,
    /// External id to pass when assuming the role (can come from the environment, so it stays out of process listings).
    #[arg(
        long,
        env = "POSTURE_EXTERNAL_ID",
        hide_env_values = true,
        value_name = "ID"
    )]
    pub external_id: Option<String>,
    /// Session duration of assumed roles, in seconds (900-43200; role chaining caps it at 3600).
    #[arg(long, default_value_t = 3600, value_parser = clap::value_parser!(u64).range(900..=43200), value_name = "SECONDS")]
    pub session_duration: u64,
    /// Only these accounts (comma-separated 12-digit ids; --org only).
    #[arg(long, value_delimiter = ',', value_parser = parse_account_id, value_name = "IDS")]
    pub accounts: Vec<String>,
    /// Skip these accounts (comma-separated 12-digit ids; --org only).
    #[arg(long, value_delimiter = ',', value_parser = parse_account_id, value_name = "IDS")]
    pub exclude_accounts: Vec<String>,
    /// Regions to scan (comma-separated) [default: every region enabled for each account]. In
    /// each account, regions it has not enabled and regions its SCPs deny to the scanner are
    /// skipped and listed in the result's `skipped_regions`, not scanned.
    #[arg(long, value_delimiter = ',', value_parser = parse_region, value_name = "REGIONS")]
    pub regions: Vec<String>,
    /// Accounts scanned at the same time.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=256), value_name = "N")]
    pub concurrency: u16,
    /// Concurrent per-resource calls within one account and service.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..=64), value_name = "N")]
    pub call_concurrency: u16,
    /// Per-service override of --call-concurrency, e.g. `s3=16,iam=4` (services: iam, s3, ec2,
    /// acm, apigateway). Lower a service that your accounts throttle; raise one with many
    /// resources and high limits.
    #[arg(long, value_delimiter = ',', value_parser = parse_service_limit, value_name = "SERVICE=N")]
    pub service_concurrency: Vec<(String, usize)>,
    /// Regions scanned at the same time within one account.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=64), value_name = "N")]
    pub region_concurrency: u16,
    /// Attempts per API call, including the first, for throttling and transient errors.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=20), value_name = "N")]
    pub max_attempts: u32,
    /// How retries pace themselves: `adaptive` also lowers the send rate of an account's
    /// service while AWS throttles it; `standard` only backs off.
    #[arg(long, value_enum, default_value_t = RetryMode::Adaptive, value_name = "MODE")]
    pub retry_mode: RetryMode,
    /// Pace API calls at this fraction of AWS's published per-account, per-Region
    /// control-plane quotas (API Gateway, EC2, ACM: see the README, "API quotas"), so that AWS
    /// does not throttle the scan; `off` sends as fast as the concurrency limits allow. The
    /// default 0.9 leaves a tenth of each quota to other callers of the same account.
    #[arg(long, default_value = "0.9", value_parser = crate::aws::pace::parse_pace, value_name = "FRACTION|off")]
    pub api_pace: crate::aws::pace::Pace,
    /// Write the collected inventory (JSON) to FILE, for `posture evaluate`.
    #[arg(long, value_name = "FILE")]
    pub save_inventory: Option<PathBuf>,
    /// Do not show the progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
    /// Scan only shard K of N (1-based; accounts by account id modulo N; --org only). Save each
    /// shard's inventory and combine them with `posture merge`.
    #[arg(long, value_parser = parse_shard, value_name = "K/N")]
    pub shard: Option<(u64, u64)>,
    #[command(flatten)]
    pub eval: EvalOptions,
}

#[derive(Args, Debug)]
pub struct EvaluateArgs {
    /// Inventory file written by `posture scan --save-inventory`.
    pub inventory: PathBuf,
    #[command(flatten)]
    pub eval: EvalOptions,
}

#[derive(Args, Debug)]
pub struct EvalOptions {
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
    /// Write the report to FILE (atomically) or to s3://BUCKET/PREFIX/ (server-side encrypted,
    /// key posture-<scan time>-<account>.<ext>) instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE|S3-URL")]
    pub output: Option<String>,
    /// Print no summary and no progress messages, only warnings and errors (for schedulers; the
    /// exit code is unchanged). Without it, a report format other than `table` keeps standard
    /// output for the report alone and prints the summary on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also import the findings into AWS Security Hub in this region (BatchImportFindings, 100
    /// per call; failures resolved since --baseline are archived). Needs --security-hub-account.
    #[arg(long, value_parser = parse_region, value_name = "REGION", requires = "security_hub_account")]
    pub security_hub: Option<String>,
    /// The account whose Security Hub receives the findings; the credentials must belong to it
    /// (BatchImportFindings writes into the caller's account).
    #[arg(long, value_parser = parse_account_id, value_name = "ID", requires = "security_hub")]
    pub security_hub_account: Option<String>,
    /// KMS key for S3 delivery (default: SSE-S3, AES256).
    #[arg(long, value_name = "KEY-ID")]
    pub output_kms_key: Option<String>,
    /// Security Hub product ARN for ASFF output [default: arn:aws:securityhub:<region>:<account>:product/<account>/default].
    #[arg(long, value_name = "ARN")]
    pub asff_product_arn: Option<String>,
    /// Suppression file (TOML): accepted risks with a reason and an optional expiry date.
    #[arg(long, value_name = "FILE")]
    pub suppressions: Option<PathBuf>,
    /// A previous result (JSON): adds first/last seen times and the diff to the output.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
    /// With --baseline: exit with code 3 (or 5) only for NEW failures of this severity or higher.
    #[arg(long, value_parser = parse_fail_on, value_name = "SEVERITY", requires = "baseline")]
    pub fail_on_new: Option<FailOn>,
    /// Exit with code 3 (or 5) when a finding of this severity or higher fails; `none` never does.
    #[arg(long, default_value = "low", value_parser = parse_fail_on, value_name = "SEVERITY")]
    pub fail_on: FailOn,
    /// Run only these checks (comma-separated ids; see `posture checks`).
    #[arg(long, value_delimiter = ',', value_name = "IDS")]
    pub checks: Vec<String>,
    /// Accounts outside the organization to treat as inside the trust boundary (comma-separated 12-digit ids).
    #[arg(long, value_delimiter = ',', value_parser = parse_account_id, value_name = "IDS")]
    pub trusted_accounts: Vec<String>,
    /// Evaluate as of this time: RFC 3339 (2027-01-31T00:00:00Z) or an offset from now (+120d, -7d).
    #[arg(long, value_parser = parse_now, value_name = "TIME")]
    pub now: Option<DateTime<Utc>>,
    /// Credentials unused for this many days fail.
    #[arg(long, default_value_t = Thresholds::default().unused_credentials_days, value_parser = days, value_name = "DAYS")]
    pub unused_credentials_days: i64,
    /// Active access keys older than this many days fail.
    #[arg(long, default_value_t = Thresholds::default().access_key_max_age_days, value_parser = days, value_name = "DAYS")]
    pub access_key_max_age_days: i64,
    /// Root user activity within this many days fails.
    #[arg(long, default_value_t = Thresholds::default().root_recent_use_days, value_parser = days, value_name = "DAYS")]
    pub root_recent_use_days: i64,
    /// Certificates expiring within this many days fail.
    #[arg(long, default_value_t = Thresholds::default().certificate_expiry_days, value_parser = days, value_name = "DAYS")]
    pub certificate_expiry_days: i64,
    /// Minimum password length the account password policy must require.
    #[arg(long, default_value_t = Thresholds::default().password_min_length, value_parser = clap::value_parser!(i64).range(6..=128), value_name = "N")]
    pub password_min_length: i64,
    /// Number of previous passwords the policy must prevent reusing.
    #[arg(long, default_value_t = Thresholds::default().password_reuse_prevention, value_parser = clap::value_parser!(i64).range(1..=24), value_name = "N")]
    pub password_reuse_prevention: i64,
}

impl EvalOptions {
    fn thresholds(&self) -> Thresholds {
        Thresholds {
            unused_credentials_days: self.unused_credentials_days,
            access_key_max_age_days: self.access_key_max_age_days,
            root_recent_use_days: self.root_recent_use_days,
            certificate_expiry_days: self.certificate_expiry_days,
            password_min_length: self.password_min_length,
            password_reuse_prevention: self.password_reuse_prevention,
        }
    }
}

/// A command-line value a parser below rejects: what is wrong with it and what to give instead.
/// Clap shows it after the flag's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadValue(String);

/// A [`BadValue`] with a formatted message.
macro_rules! bad {
    ($($arg:tt)*) => {
        BadValue(format!($($arg)*))
    };
}

fn days(s: &str) -> Result<i64, BadValue> {
    let v: i64 = s
        .parse()
        .map_err(|_| bad!("`{s}` is not a whole number of days"))?;
    if !(1..=3650).contains(&v) {
        return Err(bad!("{v} is out of range: use 1 to 3650 days"));
    }
    Ok(v)
}

fn parse_account_id(s: &str) -> Result<String, BadValue> {
    let s = s.trim();
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err(bad!("`{s}` is not a 12-digit AWS account id"))
    }
}

fn parse_shard(s: &str) -> Result<(u64, u64), BadValue> {
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| bad!("`{s}` is not K/N (for example 2/8)"))?;
    let k: u64 = k
        .trim()
        .parse()
        .map_err(|_| bad!("`{s}`: K must be a whole number"))?;
    let n: u64 = n
        .trim()
        .parse()
        .map_err(|_| bad!("`{s}`: N must be a whole number"))?;
    if n == 0 || k == 0 || k > n || n > 100_000 {
        return Err(bad!("`{s}`: need 1 <= K <= N <= 100000"));
    }
    Ok((k, n))
}

fn parse_service_limit(s: &str) -> Result<(String, usize), BadValue> {
    let (service, n) = s
        .split_once('=')
        .ok_or_else(|| bad!("`{s}` is not SERVICE=N (for example s3=16)"))?;
    let service = service.trim().to_ascii_lowercase();
    if !collect::SERVICES.contains(&service.as_str()) {
        return Err(bad!(
            "`{service}` is not a service posture calls per resource; use one of {}",
            collect::SERVICES.join(", ")
        ));
    }
    let n: usize = n
        .trim()
        .parse()
        .ok()
        .filter(|n| (1..=64).contains(n))
        .ok_or_else(|| bad!("`{s}`: N must be a whole number from 1 to 64"))?;
    Ok((service, n))
}

fn parse_region(s: &str) -> Result<String, BadValue> {
    let s = s.trim();
    let ok = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && s.split('-').count() >= 3;
    if ok {
        Ok(s.to_string())
    } else {
        Err(bad!(
            "`{s}` is not an AWS region name (for example us-east-1)"
        ))
    }
}

/// `--fail-on`: the lowest severity that makes failed findings fail the run, or none.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FailOn(pub Option<Severity>);

fn parse_fail_on(s: &str) -> Result<FailOn, BadValue> {
    let sev = match s.to_ascii_lowercase().as_str() {
        "none" => None,
        "informational" | "info" => Some(Severity::Informational),
        "low" => Some(Severity::Low),
        "medium" => Some(Severity::Medium),
        "high" => Some(Severity::High),
        "critical" => Some(Severity::Critical),
        _ => {
            return Err(bad!(
                "`{s}` is not a severity: use informational, low, medium, high, critical or none"
            ));
        }
    };
    Ok(FailOn(sev))
}

fn parse_now(s: &str) -> Result<DateTime<Utc>, BadValue> {
    let t = s.trim();
    let offset = t
        .strip_suffix('d')
        .filter(|n| n.starts_with('+') || n.starts_with('-'))
        .and_then(|n| n.parse::<i64>().ok());
    if let Some(days) = offset {
        if days.abs() > 36500 {
            return Err(bad!("offset {days}d is too large"));
        }
        return Ok(Utc::now() + chrono::Duration::days(days));
    }
    DateTime::parse_from_rfc3339(t)
        .map(|d| d.with_timezone(&Utc))
        .map_err(|e| bad!("`{s}` is neither an RFC 3339 time (2027-01-31T00:00:00Z) nor an offset like +120d: {e}"))
}

/// Run the CLI; returns the process exit code.
pub async fn run(cli: Cli) -> u8 {
    match dispatch(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            exit::ERROR
        }
    }
}

async fn dispatch(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Checks => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED);
            t.set_header(vec!["Check", "Severity", "Service", "Title"]);
            for m in catalog::catalog()? {
                t.add_row(vec![
                    m.id.as_str(),
                    m.severity.as_str(),
                    m.service.as_str(),
                    m.title.as_str(),
                ]);
            }
            emit(&format!("{t}\n"));
            Ok(exit::OK)
        }
        Command::Evaluate(args) => {
            let inputs = EvalInputs::load(&args.eval)?;
            let inventory = load_inventory(&args.inventory)?;
            let result = evaluate::build(&inventory, &inputs.build_options(&args.eval))?;
            drop(inventory);
            finish(&result, &args.eval, &inputs, None).await
        }
        Command::Permissions { scanner } => {
            use crate::aws::permissions as p;
            let mut policy = p::member_policy();
            if scanner {
                let extra: Vec<&str> = p::ORGANIZATION_ACTIONS
                    .iter()
                    .chain(p::DELIVERY_ACTIONS)
                    .chain(p::SECURITY_HUB_ACTIONS)
                    .copied()
                    .collect();
                if let Some(st) = policy["Statement"].as_array_mut() {
                    st.push(serde_json::json!({"Sid": "PostureOrganizationAndDelivery", "Effect": "Allow", "Action": extra, "Resource": "*"}));
                }
            }
            emit(&format!(
                "{}\n",
                serde_json::to_string_pretty(&policy).context("could not serialise the policy")?
            ));
            Ok(exit::OK)
        }
        Command::Merge(args) => {
            let mut parts = Vec::new();
            for p in &args.inventories {
                parts.push((p.display().to_string(), load_inventory(p)?));
            }
            let merged = crate::collect::merge(parts)?;
            if let Some(path) = &args.save_inventory {
                let text = serde_json::to_string_pretty(&merged)
                    .context("could not serialise the inventory")?;
                write_atomic(path, text.as_bytes())?;
            }
            let inputs = EvalInputs::load(&args.eval)?;
            let result = evaluate::build(&merged, &inputs.build_options(&args.eval))?;
            finish(&result, &args.eval, &inputs, None).await
        }
        Command::Diff(args) => {
            let old = result::load(&args.old)?;
            let new = result::load(&args.new)?;
            let d = crate::diff::diff(&old, &new)?;
            match args.format {
                DiffFormat::Table => emit(&d.render()),
                DiffFormat::Json => emit(&format!(
                    "{}\n",
                    serde_json::to_string_pretty(&d).context("could not serialise the diff")?
                )),
            }
            let failing = args.fail_on_new.0.is_some_and(|s| d.new_at_or_above(s) > 0);
            Ok(if failing { exit::FINDINGS } else { exit::OK })
        }
        Command::Scan(args) => {
            validate_checks(&args.eval.checks)?;
            if !args.org && args.shard.is_some() {
                bail!("--shard splits the accounts of an organization: add --org");
            }
            if !args.org && (!args.accounts.is_empty() || !args.exclude_accounts.is_empty()) {
                bail!(
                    "--accounts and --exclude-accounts select accounts of an organization: add --org"
                );
            }
            let aws = Aws::load(&ConnectOptions {
                profile: args.profile.clone(),
                region: args.region.clone(),
                pace: args.api_pace,
                max_attempts: args.max_attempts,
                retry_mode: args.retry_mode,
                ..Default::default()
            })
            .await;
            let opts = ScanOptions {
                organization: args.org,
                role_name: args.role_name.clone(),
                external_id: args.external_id.clone(),
                session_duration: Duration::from_secs(args.session_duration),
                accounts: args.accounts.clone(),
                exclude_accounts: args.exclude_accounts.clone(),
                regions: args.regions.clone(),
                account_concurrency: usize::from(args.concurrency),
                call_concurrency: usize::from(args.call_concurrency),
                service_concurrency: args.service_concurrency.iter().cloned().collect(),
                region_concurrency: usize::from(args.region_concurrency),
                progress: !args.no_progress && !args.eval.quiet,
                profile: args.profile.clone(),
                shard: args.shard,
            };
            // Bad suppressions, baseline or output are reported before a long scan, not after.
            let inputs = EvalInputs::load(&args.eval)?;
            let build = inputs.build_options(&args.eval);
            let result = crate::scan::run(
                &aws,
                &opts,
                &build,
                &args.eval.trusted_accounts,
                args.save_inventory.as_deref(),
            )
            .await?;
            if let Some(path) = &args.save_inventory
                && !args.eval.quiet
            {
                eprintln!("inventory written to {}", path.display());
            }
            finish(&result, &args.eval, &inputs, Some(&aws)).await
        }
    }
}

fn validate_checks(ids: &[String]) -> anyhow::Result<()> {
    let unknown: Vec<&String> = ids
        .iter()
        .filter(|id| catalog::find(id).is_none())
        .collect();
    if !unknown.is_empty() {
        bail!(
            "unknown check id(s) given to --checks: {}\n  what to do: run `posture checks` to list the ids",
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(())
}

/// What an evaluation reads besides the inventory, loaded and checked up front.
struct EvalInputs {
    suppressions: Option<crate::suppress::Suppressions>,
    baseline: Option<ScanResult>,
    s3_target: Option<crate::deliver::S3Target>,
    thresholds: Thresholds,
    now: DateTime<Utc>,
}

impl EvalInputs {
    fn load(opts: &EvalOptions) -> anyhow::Result<EvalInputs> {
        validate_checks(&opts.checks)?;
        let suppressions = opts
            .suppressions
            .as_deref()
            .map(crate::suppress::Suppressions::load)
            .transpose()
            .map_err(|e| {
                anyhow!("{e}\n  what to do: fix the suppression file (format in the README)")
            })?;
        let baseline = opts.baseline.as_deref().map(result::load).transpose()?;
        let s3_target = match opts
            .output
            .as_deref()
            .and_then(crate::deliver::parse_s3_url)
        {
            Some(t) => Some(t?),
            None => None,
        };
        Ok(EvalInputs {
            suppressions,
            baseline,
            s3_target,
            thresholds: opts.thresholds(),
            now: opts.now.unwrap_or_else(Utc::now),
        })
    }

    fn build_options<'a>(&'a self, opts: &'a EvalOptions) -> evaluate::BuildOptions<'a> {
        evaluate::BuildOptions {
            thresholds: &self.thresholds,
            now: self.now,
            only_checks: (!opts.checks.is_empty()).then_some(opts.checks.as_slice()),
            trusted_accounts: &opts.trusted_accounts,
            suppressions: self.suppressions.as_ref(),
            baseline: self.baseline.as_ref(),
        }
    }
}

/// Report a finished result: warnings, the document (file, S3 or standard output), Security
/// Hub, the exit code.
///
/// Standard output carries the report and nothing else when it is the report's destination or
/// the format is not `table`: the summary for people goes to standard error (none with
/// `--quiet`), so a scheduled job's log and a piped document stay clean.
async fn finish(
    result: &ScanResult,
    opts: &EvalOptions,
    inputs: &EvalInputs,
    aws: Option<&Aws>,
) -> anyhow::Result<u8> {
    if let Some(rep) = &result.suppressions {
        for e in &rep.expired {
            eprintln!(
                "warning: suppression {} ({}) expired on {}: no longer applied",
                e.entry,
                e.check,
                e.expires.map(|d| d.to_string()).unwrap_or_default()
            );
        }
        for e in &rep.unmatched {
            eprintln!(
                "warning: suppression {} ({}) matched no failed finding",
                e.entry, e.check
            );
        }
    }
    let no_color = std::env::var_os("NO_COLOR").is_some();
    let stdout_tty = std::io::stdout().is_terminal() && !no_color;
    let render_opts = report::RenderOptions {
        color: opts.output.is_none() && stdout_tty,
        asff_product_arn: opts.asff_product_arn.clone(),
        home_region: aws
            .map(|a| a.home_region.clone())
            .unwrap_or_else(|| crate::aws::DEFAULT_HOME_REGION.to_string()),
    };
    // The table report includes the diff against the baseline; the other formats carry it in
    // their own fields (JSON) or not at all.
    let render = |out: &mut dyn Write| -> anyhow::Result<()> {
        report::render(result, opts.format, &render_opts, out)?;
        if let Some(d) = &result.diff
            && opts.format == Format::Table
        {
            out.write_all(format!("\n{}", d.render()).as_bytes())
                .context("could not write the diff")?;
        }
        Ok(())
    };
    let code = exit_code(result, opts)?;
    let note = |message: String| {
        if !opts.quiet {
            eprintln!("{message}");
        }
    };
    let loaded;
    let aws = match aws {
        Some(a) => Some(a),
        None if inputs.s3_target.is_some() || opts.security_hub.is_some() => {
            loaded = Aws::load(&ConnectOptions {
                profile: None,
                region: None,
                max_attempts: 8,
                retry_mode: RetryMode::Standard,
                ..Default::default()
            })
            .await;
            Some(&loaded)
        }
        None => None,
    };
    match (&opts.output, &inputs.s3_target, aws) {
        (Some(_), Some(target), Some(aws)) => {
            let ext = opts.format.extension();
            let key = crate::deliver::key_for(
                target,
                result.scan.started_at,
                &result.scan.caller_account_id,
                ext,
            );
            // Rendered next to where the fallback copy would go, then uploaded from disk.
            let local = PathBuf::from(key.rsplit('/').next().unwrap_or(&key));
            let mut file = AtomicFile::create(&local)?;
            render(file.writer())?;
            let rendered = file.flush()?.to_path_buf();
            match crate::deliver::upload(
                aws,
                target,
                &key,
                &rendered,
                ext,
                opts.output_kms_key.as_deref(),
            )
            .await
            {
                Ok(uri) => note(format!("report written to {uri}")),
                Err(e) => {
                    // Never lose the report: keep a local copy and say where.
                    file.commit()?;
                    bail!(
                        "S3 delivery failed: {e:#}\n  the report was written to {} instead\n  what to do: check that the bucket exists and that this identity may call s3:ListBucket (HeadBucket) and s3:PutObject on it",
                        local.display()
                    );
                }
            }
        }
        (Some(path), _, _) => {
            let path = Path::new(path);
            let mut file = AtomicFile::create(path)?;
            render(file.writer())?;
            file.commit()?;
            note(format!("report written to {}", path.display()));
        }
        (None, _, _) => {
            let mut out = crate::output::Stdout::new();
            render(&mut out)?;
            out.flush().context("could not write to standard output")?;
        }
    }
    if opts.format != Format::Table && !opts.quiet {
        let stderr_tty = std::io::stderr().is_terminal() && !no_color;
        let summary = report::terminal(result, stderr_tty)?;
        let mut err = std::io::stderr().lock();
        let _ = err.write_all(summary.as_bytes()).and_then(|_| err.flush());
    }
    if let (Some(region), Some(account), Some(aws)) =
        (&opts.security_hub, &opts.security_hub_account, aws)
    {
        let target = crate::deliver::security_hub::HubTarget {
            account: account.clone(),
            region: region.clone(),
        };
        let outcome = crate::deliver::security_hub::deliver(
            aws,
            &target,
            result,
            inputs.baseline.as_ref(),
            opts.asff_product_arn.as_deref(),
        )
        .await
        .context("Security Hub delivery failed")?;
        for (other, n) in &outcome.other_accounts {
            eprintln!(
                "warning: {n} finding(s) of account {other} were not sent to Security Hub: with the default product, BatchImportFindings accepts only findings of the importing account {account}; run posture with credentials of {other}, or name an allow-listed product with --asff-product-arn"
            );
        }
        note(format!(
            "Security Hub ({account}, {region}): {} finding(s) imported, {} resolved finding(s) archived, in {} BatchImportFindings call(s)",
            outcome.imported, outcome.archived, outcome.calls
        ));
        if !outcome.failed.is_empty() {
            let shown: Vec<String> = outcome
                .failed
                .iter()
                .take(10)
                .map(|(id, code, msg)| format!("  {id}: {code}: {msg}"))
                .collect();
            bail!(
                "Security Hub refused {} finding(s):\n{}{}\n  what to do: fix the cause above; the report itself was written",
                outcome.failed.len(),
                shown.join("\n"),
                if outcome.failed.len() > 10 {
                    format!("\n  … and {} more", outcome.failed.len() - 10)
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(code)
}

/// Write to standard output; a closed pipe (`posture ... | head`) is not an error worth a
/// message, and never a panic.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
}

pub fn exit_code(result: &ScanResult, opts: &EvalOptions) -> anyhow::Result<u8> {
    let failing = match (opts.fail_on_new, &result.diff) {
        // Alert only on what is new since the baseline.
        (Some(FailOn(sev)), Some(d)) => sev.is_some_and(|s| d.new_at_or_above(s) > 0),
        _ => match opts.fail_on.0 {
            Some(s) => result.failures_at_or_above(s)? > 0,
            None => false,
        },
    };
    Ok(match (failing, result.incomplete) {
        (false, false) => exit::OK,
        (true, false) => exit::FINDINGS,
        (false, true) => exit::INCOMPLETE,
        (true, true) => exit::FINDINGS_AND_INCOMPLETE,
    })
}

/// Read and validate a saved inventory, with errors that name the file and the problem.
pub fn load_inventory(path: &Path) -> anyhow::Result<Inventory> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read inventory file {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{} is not valid JSON (line {}, column {}): {e}\n  what to do: pass a file written by `posture scan --save-inventory`",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match value.get("format_version").and_then(|v| v.as_u64()) {
        Some(v) if v == u64::from(INVENTORY_FORMAT_VERSION) => {}
        Some(v) => bail!(
            "{} has inventory format version {v}; this posture reads version {INVENTORY_FORMAT_VERSION}\n  what to do: re-run the scan with this version of posture",
            path.display()
        ),
        None => bail!(
            "{} is not a posture inventory (no `format_version`)\n  what to do: pass a file written by `posture scan --save-inventory`",
            path.display()
        ),
    }
    serde_json::from_value(value).map_err(|e| {
        anyhow!(
            "{} is not a valid posture inventory: {e}\n  what to do: pass an unmodified file written by `posture scan --save-inventory`",
            path.display()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
        // Every subcommand parses with its defaults.
        Cli::try_parse_from(["posture", "scan"]).unwrap();
        Cli::try_parse_from(["posture", "evaluate", "inv.json"]).unwrap();
    }

    #[test]
    fn parsers() {
        assert!(parse_account_id("123456789012").is_ok());
        assert!(parse_account_id("12345").is_err());
        assert!(parse_region("eu-west-1").is_ok());
        assert!(parse_region("EU").is_err());
        assert_eq!(parse_fail_on("none").unwrap(), FailOn(None));
        assert_eq!(parse_fail_on("HIGH").unwrap(), FailOn(Some(Severity::High)));
        assert!(parse_fail_on("severe").is_err());
        assert!(parse_now("+120d").unwrap() > Utc::now() + chrono::Duration::days(119));
        assert!(parse_now("2027-01-01T00:00:00Z").is_ok());
        assert!(parse_now("tomorrow").is_err());
        assert!(days("0").is_err());
        assert!(days("x").is_err());
        assert_eq!(parse_service_limit("S3=16").unwrap(), ("s3".into(), 16));
        assert!(parse_service_limit("s3").is_err());
        assert!(parse_service_limit("lambda=4").is_err());
        assert!(parse_service_limit("iam=0").is_err());
        assert!(parse_service_limit("iam=65").is_err());
    }
}
