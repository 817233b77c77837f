//! The finished scan result: what every report renders. Built once from the inventory and the
//! check results; renderers only read it.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::{self, Severity};
use crate::checks::{self, CheckResult, Context, Evidence, Status};
use crate::config::Thresholds;
use crate::inventory::{AccountAccess, CollectionError, Inventory};

/// Identifies the JSON document format; bump the suffix on incompatible changes.
pub const SCHEMA: &str = "posture.scan-result/v1";

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScanResult {
    pub schema: String,
    pub posture_version: String,
    pub scan: crate::inventory::ScanInfo,
    /// The "now" checks used (differs from the scan time when re-evaluated).
    pub evaluated_at: DateTime<Utc>,
    pub thresholds: Thresholds,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// True when something could not be collected: some results are not assessed.
    pub incomplete: bool,
    pub accounts: Vec<AccountSummary>,
    pub findings: Vec<Finding>,
    pub collection_errors: Vec<AccountError>,
    /// Scores against the Well-Architected security pillar and the SRA rubric.
    pub frameworks: Vec<crate::score::FrameworkScore>,
    /// With `--suppressions`: what was suppressed, and entries that expired or matched nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<crate::suppress::SuppressionReport>,
    /// With `--baseline`: new, resolved and persisting failures and score changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<crate::diff::Diff>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountError {
    pub account_id: String,
    #[serde(flatten)]
    pub error: CollectionError,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountSummary {
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ou_path: Option<String>,
    /// `caller`, `assumed_role` or `denied`.
    pub access: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub regions: Vec<String>,
    pub counts: Counts,
    /// Failed results by severity.
    pub failed_by_severity: BTreeMap<Severity, usize>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct Counts {
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub not_assessed: usize,
}

impl Counts {
    fn add(&mut self, s: Status) {
        match s {
            Status::Pass => self.pass += 1,
            Status::Fail => self.fail += 1,
            Status::NotApplicable => self.not_applicable += 1,
            Status::NotAssessed => self.not_assessed += 1,
        }
    }
}

/// One check result with its catalog metadata and a stable id.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// Stable across scans: same check, account, region and resource give the same id.
    pub id: String,
    pub check_id: String,
    pub title: String,
    pub severity: Severity,
    pub service: String,
    pub resource_type: String,
    pub status: Status,
    pub account_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub resource: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<Evidence>,
    pub remediation: String,
    pub remediation_url: String,
    /// Framework requirement ids this result is evidence for (e.g. `SEC02-BP01`, `SRA-BASE-2`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requirements: Vec<String>,
    /// The resource's tags, when posture collects them for this resource type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// Set when a suppression entry accepted this failure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<crate::suppress::Suppressed>,
    /// With a baseline: when this finding was first seen (carried from scan to scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_seen: Option<DateTime<Utc>>,
    /// With a baseline: this evaluation's time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<DateTime<Utc>>,
}

/// The recipe for finding ids: SHA-256 over `check|account|region|resource`, hex, first 32
/// characters, prefixed with `posture-`.
pub fn finding_id(r: &CheckResult) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(r.check_id.as_bytes());
    h.update(b"|");
    h.update(r.account_id.as_bytes());
    h.update(b"|");
    h.update(r.region.as_deref().unwrap_or("").as_bytes());
    h.update(b"|");
    h.update(r.resource.as_bytes());
    let hex: String = h.finalize().iter().map(|b| format!("{b:02x}")).collect();
    format!("posture-{}", &hex[..32])
}

/// Evaluate the inventory and assemble the result.
/// What an evaluation needs besides the inventory.
pub struct BuildOptions<'a> {
    pub thresholds: &'a Thresholds,
    /// "Now" for age computations.
    pub now: DateTime<Utc>,
    /// Run only these checks.
    pub only_checks: Option<&'a [String]>,
    pub trusted_accounts: &'a [String],
    pub suppressions: Option<&'a crate::suppress::Suppressions>,
    /// A previous result: first/last seen times and the diff.
    pub baseline: Option<&'a ScanResult>,
}

pub fn build(inventory: &Inventory, opts: &BuildOptions) -> Result<ScanResult, String> {
    let (thresholds, now, only_checks, trusted_accounts) = (
        opts.thresholds,
        opts.now,
        opts.only_checks,
        opts.trusted_accounts,
    );
    catalog::catalog()?;
    crate::frameworks::frameworks()?;
    let ctx = Context {
        inventory,
        thresholds,
        now,
        trusted_accounts,
    };
    let names: BTreeMap<&str, Option<&String>> = inventory
        .accounts
        .iter()
        .map(|a| (a.account_id.as_str(), a.name.as_ref()))
        .collect();
    let results = checks::evaluate(&ctx, only_checks);
    let mut findings = Vec::with_capacity(results.len());
    for r in results {
        let meta = catalog::find(&r.check_id)
            .ok_or_else(|| format!("check {} has no catalog entry in checks/", r.check_id))?;
        findings.push(Finding {
            id: finding_id(&r),
            title: meta.title.clone(),
            severity: meta.severity,
            service: meta.service.clone(),
            resource_type: meta.resource_type.clone(),
            account_name: names.get(r.account_id.as_str()).copied().flatten().cloned(),
            remediation: meta.remediation.summary.trim().to_string(),
            remediation_url: meta.remediation.url.clone(),
            requirements: crate::frameworks::requirements_of(&r.check_id),
            tags: None,
            suppressed: None,
            first_seen: None,
            last_seen: None,
            check_id: r.check_id,
            status: r.status,
            account_id: r.account_id,
            region: r.region,
            resource: r.resource,
            message: r.message,
            evidence: r.evidence,
        });
    }
    let mut accounts: Vec<AccountSummary> = inventory
        .accounts
        .iter()
        .map(|a| AccountSummary {
            account_id: a.account_id.clone(),
            name: a.name.clone(),
            ou_path: a.ou_path.clone(),
            access: match &a.access {
                AccountAccess::Caller => "caller",
                AccountAccess::AssumedRole { .. } => "assumed_role",
                AccountAccess::Denied { .. } => "denied",
            }
            .to_string(),
            regions: a.regions.as_ref().cloned().unwrap_or_default(),
            counts: Counts::default(),
            failed_by_severity: BTreeMap::new(),
        })
        .collect();
    for f in &findings {
        if let Some(s) = accounts.iter_mut().find(|s| s.account_id == f.account_id) {
            s.counts.add(f.status);
            if f.status == Status::Fail {
                *s.failed_by_severity.entry(f.severity).or_default() += 1;
            }
        }
    }
    let collection_errors: Vec<AccountError> = inventory
        .collection_errors()
        .into_iter()
        .map(|(account_id, error)| AccountError { account_id, error })
        .collect();
    // Tags, for suppressions and for SIEM consumers.
    let tags = inventory.resource_tags(ctx.partition());
    for f in &mut findings {
        f.tags = tags.get(&f.resource).cloned().or_else(|| {
            // API methods inherit their API's tags.
            f.resource
                .split_once("/resources/")
                .and_then(|(api, _)| tags.get(api).cloned())
        });
    }
    let suppressions = opts
        .suppressions
        .map(|s| apply_suppressions(s, &mut findings, &accounts, now));
    let frameworks = crate::score::score(crate::frameworks::frameworks()?, &findings, &accounts);
    let incomplete =
        !collection_errors.is_empty() || findings.iter().any(|f| f.status == Status::NotAssessed);
    Ok(ScanResult {
        schema: SCHEMA.to_string(),
        posture_version: env!("CARGO_PKG_VERSION").to_string(),
        scan: inventory.scan.clone(),
        evaluated_at: now,
        thresholds: thresholds.clone(),
        organization_id: match &inventory.organization {
            Some(crate::inventory::Collected::Ok(o)) => Some(o.id.clone()),
            _ => None,
        },
        incomplete,
        accounts,
        findings,
        collection_errors,
        frameworks,
        suppressions,
        diff: None,
    })
    .map(|mut result| {
        if let Some(old) = opts.baseline {
            carry_first_seen(old, &mut result);
            result.diff = Some(crate::diff::diff(old, &result));
        }
        result
    })
}

fn apply_suppressions(
    s: &crate::suppress::Suppressions,
    findings: &mut [Finding],
    accounts: &[AccountSummary],
    now: DateTime<Utc>,
) -> crate::suppress::SuppressionReport {
    let today = now.date_naive();
    let ou_of: BTreeMap<&str, Option<&str>> = accounts
        .iter()
        .map(|a| (a.account_id.as_str(), a.ou_path.as_deref()))
        .collect();
    let mut used = vec![false; s.entries.len()];
    let mut suppressed = 0;
    for f in findings.iter_mut().filter(|f| f.status == Status::Fail) {
        let subject = crate::suppress::Subject {
            check_id: &f.check_id,
            account_id: &f.account_id,
            ou_path: ou_of.get(f.account_id.as_str()).copied().flatten(),
            region: f.region.as_deref(),
            resource: &f.resource,
            tags: f.tags.as_ref(),
        };
        if let Some((i, e)) = s
            .entries
            .iter()
            .enumerate()
            .find(|(_, e)| !e.expired(today) && e.matches(&subject))
        {
            used[i] = true;
            suppressed += 1;
            f.suppressed = Some(crate::suppress::Suppressed {
                reason: e.reason.clone(),
                expires: e.expires,
                entry: format!("{}:{}", s.file, e.line),
            });
        }
    }
    crate::suppress::SuppressionReport {
        file: s.file.clone(),
        suppressed,
        expired: s
            .entries
            .iter()
            .filter(|e| e.expired(today))
            .map(|e| s.entry_ref(e))
            .collect(),
        unmatched: s
            .entries
            .iter()
            .zip(&used)
            .filter(|(e, u)| !**u && !e.expired(today))
            .map(|(e, _)| s.entry_ref(e))
            .collect(),
    }
}

/// First seen: carried from the baseline (or the baseline's time when it had the finding without
/// a first-seen time); last seen: now.
fn carry_first_seen(old: &ScanResult, new: &mut ScanResult) {
    let seen: BTreeMap<&str, DateTime<Utc>> = old
        .findings
        .iter()
        .map(|f| (f.id.as_str(), f.first_seen.unwrap_or(old.evaluated_at)))
        .collect();
    let now = new.evaluated_at;
    for f in &mut new.findings {
        f.first_seen = Some(seen.get(f.id.as_str()).copied().unwrap_or(now));
        f.last_seen = Some(now);
    }
}

/// Read a scan result written by `--format json`; errors name the file and the problem.
pub fn load(path: &std::path::Path) -> Result<ScanResult, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("could not read scan result {}: {e}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not valid JSON (line {}, column {}): {e}\n  what to do: pass a file written by `posture scan --format json`",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match value.get("schema").and_then(|v| v.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => {
            return Err(format!(
                "{} is a `{other}` document; this posture reads `{SCHEMA}`\n  what to do: re-run the scan with this version of posture",
                path.display()
            ));
        }
        None => {
            return Err(format!(
                "{} is not a posture scan result (no `schema` field)\n  what to do: pass a file written by `posture scan --format json`",
                path.display()
            ));
        }
    }
    serde_json::from_value(value).map_err(|e| {
        format!(
            "{} is not a valid posture scan result: {e}\n  what to do: pass an unmodified file written by `posture scan --format json`",
            path.display()
        )
    })
}

impl ScanResult {
    /// Failed findings at or above `severity`.
    pub fn failures_at_or_above(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| crate::diff::is_open_failure(f) && f.severity >= severity)
            .count()
    }
}
