//! The finished scan result: what every report renders, and nothing else. The data model only:
//! it is built by `crate::evaluate`, scored by `crate::score`, compared by `crate::diff`, and
//! read by `crate::report`; none of those is imported here.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalog::Severity;

use crate::check::{CheckResult, Evidence, ReasonRecord, Status};
use crate::config::Thresholds;
use crate::inventory::CollectionError;

mod changes;
mod findings;
mod scores;
pub use changes::{Diff, DiffEntry, ScoreChange};
pub use findings::{Findings, Spool, report_order};
pub use scores::{
    AccountScore, FrameworkScore, ReqStatus, RequirementScore, SectionScore, Summary,
};

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
    pub findings: Findings,
    pub collection_errors: Vec<AccountError>,
    /// Scores against the Well-Architected security pillar and the SRA rubric.
    pub frameworks: Vec<FrameworkScore>,
    /// The accounts recognised as the SRA's Security Tooling and Log Archive accounts, and why
    /// a role is unknown.
    #[serde(default)]
    pub sra_accounts: crate::check::SraAccounts,
    /// The security services' coverage: on, off or unknown in each account and region.
    #[serde(default)]
    pub coverage: crate::coverage::Coverage,
    /// With `--suppressions`: what was suppressed, and entries that expired or matched nothing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressions: Option<crate::suppress::SuppressionReport>,
    /// With `--baseline`: new, resolved and persisting failures and score changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diff: Option<Diff>,
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
    /// Regions not scanned on purpose, with the reason (denied by an SCP, not enabled).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub skipped_regions: BTreeMap<String, String>,
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
    pub fn add(&mut self, s: Status) {
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
    /// For a `not_assessed` result: the stable code of its reason and the failed call, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_assessed_reason: Option<ReasonRecord>,
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

impl Finding {
    /// A failure that counts: failed and not suppressed.
    pub fn is_open_failure(&self) -> bool {
        self.status == Status::Fail && self.suppressed.is_none()
    }
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

/// Read a scan result written by `--format json`; errors name the file and the problem.
pub fn load(path: &std::path::Path) -> anyhow::Result<ScanResult> {
    use anyhow::{Context as _, anyhow, bail};
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("could not read scan result {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow!(
            "{} is not valid JSON (line {}, column {}): {e}\n  what to do: pass a file written by `posture scan --format json`",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    match value.get("schema").and_then(|v| v.as_str()) {
        Some(SCHEMA) => {}
        Some(other) => bail!(
            "{} is a `{other}` document; this posture reads `{SCHEMA}`\n  what to do: re-run the scan with this version of posture",
            path.display()
        ),
        None => bail!(
            "{} is not a posture scan result (no `schema` field)\n  what to do: pass a file written by `posture scan --format json`",
            path.display()
        ),
    }
    serde_json::from_value(value).map_err(|e| {
        anyhow!(
            "{} is not a valid posture scan result: {e}\n  what to do: pass an unmodified file written by `posture scan --format json`",
            path.display()
        )
    })
}

impl ScanResult {
    /// Failed findings at or above `severity`.
    pub fn failures_at_or_above(&self, severity: Severity) -> anyhow::Result<usize> {
        let mut n = 0;
        self.findings.for_each(|f| {
            if f.is_open_failure() && f.severity >= severity {
                n += 1;
            }
            Ok(())
        })?;
        Ok(n)
    }
}
