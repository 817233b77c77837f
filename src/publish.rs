//! What happens to a finished evaluation, for the command line and for any other caller: the
//! inputs an evaluation reads besides the inventory (suppressions, baseline, S3 target, checked
//! up front), the report (file, S3 or standard output) with the summary for people, Security Hub
//! delivery, and the exit code a scheduler understands. `cli` only parses arguments into a
//! [`Request`] and dispatches.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context as _, anyhow, bail};
use chrono::{DateTime, Utc};

use crate::aws::{Aws, ConnectOptions, RetryMode};
use crate::catalog::{self, Severity};
use crate::config::Thresholds;
use crate::evaluate;
use crate::output::AtomicFile;
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

/// What to evaluate and where the result goes: the settings of `posture scan`, `evaluate` and
/// `merge` after parsing.
#[derive(Debug, Clone)]
pub struct Request {
    pub format: Format,
    /// A file path or an `s3://` URL; standard output when `None`.
    pub output: Option<String>,
    pub quiet: bool,
    /// Security Hub delivery: region and account.
    pub security_hub: Option<String>,
    pub security_hub_account: Option<String>,
    pub output_kms_key: Option<String>,
    pub asff_product_arn: Option<String>,
    pub suppressions: Option<PathBuf>,
    pub baseline: Option<PathBuf>,
    /// With a baseline: the exit code reflects only new failures of this severity or higher
    /// (`Some(None)`: never).
    pub fail_on_new: Option<Option<Severity>>,
    /// Failures of this severity or higher set the exit code (`None`: never).
    pub fail_on: Option<Severity>,
    /// Run only these checks.
    pub checks: Vec<String>,
    pub trusted_accounts: Vec<String>,
    /// The SRA role accounts given with `--security-account` / `--log-archive-account`.
    pub sra_accounts: crate::check::Given,
    pub now: Option<DateTime<Utc>>,
    pub thresholds: Thresholds,
}

/// Every id of `ids` is a known check.
pub fn validate_checks(ids: &[String]) -> anyhow::Result<()> {
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
pub struct Inputs {
    pub suppressions: Option<crate::suppress::Suppressions>,
    pub baseline: Option<ScanResult>,
    pub s3_target: Option<crate::deliver::S3Target>,
    pub thresholds: Thresholds,
    pub now: DateTime<Utc>,
}

impl Inputs {
    pub fn load(opts: &Request) -> anyhow::Result<Inputs> {
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
        Ok(Inputs {
            suppressions,
            baseline,
            s3_target,
            thresholds: opts.thresholds.clone(),
            now: opts.now.unwrap_or_else(Utc::now),
        })
    }

    pub fn build_options<'a>(&'a self, opts: &'a Request) -> evaluate::BuildOptions<'a> {
        evaluate::BuildOptions {
            thresholds: &self.thresholds,
            now: self.now,
            only_checks: (!opts.checks.is_empty()).then_some(opts.checks.as_slice()),
            trusted_accounts: &opts.trusted_accounts,
            sra_accounts: &opts.sra_accounts,
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
pub async fn finish(
    result: &ScanResult,
    opts: &Request,
    inputs: &Inputs,
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

/// The exit code of a finished result: failures at or above `fail_on` (or, with a baseline and
/// `fail_on_new`, new failures), and whether the scan was incomplete.
pub fn exit_code(result: &ScanResult, opts: &Request) -> anyhow::Result<u8> {
    let failing = match (opts.fail_on_new, &result.diff) {
        // Alert only on what is new since the baseline.
        (Some(sev), Some(d)) => sev.is_some_and(|s| d.new_at_or_above(s) > 0),
        _ => match opts.fail_on {
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
