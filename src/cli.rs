//! The command line: argument parsing (with `--help`) and dispatch. What happens to a finished
//! evaluation (report, delivery, exit code) is `crate::publish`; the scan itself `crate::scan`.

use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context as _, bail};
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};

use crate::aws::{Aws, ConnectOptions, RetryMode};
use crate::catalog::{self, Severity};
use crate::collect::{self, ScanOptions};
use crate::config::Thresholds;
use crate::evaluate;
use crate::output::{load_inventory, write_atomic};
use crate::publish::{Inputs, Request, finish, validate_checks};
use crate::report::Format;
use crate::result;

pub use crate::publish::exit;

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
    /// acm, apigateway, kms, lambda). Lower a service that your accounts throttle; raise one with many
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
    /// control-plane quotas (API Gateway, EC2, ACM, Lambda: see the README, "API quotas"), so that AWS
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
    /// The SRA Security Tooling account (the security services' delegated administrator).
    /// Without it posture recognises it in the organization: an account of the Security OU
    /// named "Security Tooling" or "Audit"; when none or several match, what depends on it is
    /// not assessed.
    #[arg(long, value_parser = parse_account_id, value_name = "ID")]
    pub security_account: Option<String>,
    /// The SRA Log Archive account (where the organization trail and Config deliver). Without
    /// it posture recognises an account of the Security OU named "Log Archive" or "Logging".
    #[arg(long, value_parser = parse_account_id, value_name = "ID")]
    pub log_archive_account: Option<String>,
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
    /// The parsed settings, for [`publish`].
    pub fn request(&self) -> Request {
        Request {
            format: self.format,
            output: self.output.clone(),
            quiet: self.quiet,
            security_hub: self.security_hub.clone(),
            security_hub_account: self.security_hub_account.clone(),
            output_kms_key: self.output_kms_key.clone(),
            asff_product_arn: self.asff_product_arn.clone(),
            suppressions: self.suppressions.clone(),
            baseline: self.baseline.clone(),
            fail_on_new: self.fail_on_new.map(|f| f.0),
            fail_on: self.fail_on.0,
            checks: self.checks.clone(),
            trusted_accounts: self.trusted_accounts.clone(),
            sra_accounts: crate::check::Given {
                security_tooling: self.security_account.clone(),
                log_archive: self.log_archive_account.clone(),
            },
            now: self.now,
            thresholds: self.thresholds(),
        }
    }

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
            let request = args.eval.request();
            let inputs = Inputs::load(&request)?;
            let inventory = load_inventory(&args.inventory)?;
            let result = evaluate::build(&inventory, &inputs.build_options(&request))?;
            drop(inventory);
            finish(&result, &request, &inputs, None).await
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
            let request = args.eval.request();
            let inputs = Inputs::load(&request)?;
            let result = evaluate::build(&merged, &inputs.build_options(&request))?;
            finish(&result, &request, &inputs, None).await
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
            let request = args.eval.request();
            let inputs = Inputs::load(&request)?;
            let build = inputs.build_options(&request);
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
            finish(&result, &request, &inputs, Some(&aws)).await
        }
    }
}

/// Write to standard output; a closed pipe (`posture ... | head`) is not an error worth a
/// message, and never a panic.
fn emit(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout
        .write_all(text.as_bytes())
        .and_then(|_| stdout.flush());
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
        assert_eq!(
            parse_service_limit("lambda=4").unwrap(),
            ("lambda".into(), 4)
        );
        assert!(parse_service_limit("rds=4").is_err());
        assert!(parse_service_limit("iam=0").is_err());
        assert!(parse_service_limit("iam=65").is_err());
    }
}
