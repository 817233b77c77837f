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
pub fn build(
    inventory: &Inventory,
    thresholds: &Thresholds,
    now: DateTime<Utc>,
    only_checks: Option<&[String]>,
    trusted_accounts: &[String],
) -> Result<ScanResult, String> {
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
    })
}

impl ScanResult {
    /// Failed findings at or above `severity`.
    pub fn failures_at_or_above(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.status == Status::Fail && f.severity >= severity)
            .count()
    }
}
