//! Differences between two scan results: new, resolved and persisting failures, and score
//! changes. Findings are matched by their stable id.

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::catalog::Severity;
pub use crate::result::{Diff, DiffEntry, ScoreChange};
use crate::result::{Finding, ScanResult};

/// A failure that counts: failed and not suppressed.
pub fn is_open_failure(f: &Finding) -> bool {
    f.is_open_failure()
}

fn entry(f: &Finding) -> DiffEntry {
    DiffEntry {
        id: f.id.clone(),
        check_id: f.check_id.clone(),
        severity: f.severity,
        account_id: f.account_id.clone(),
        region: f.region.clone(),
        resource: f.resource.clone(),
        message: f.message.clone(),
    }
}

/// Compare two results; only their open failures are held in memory.
pub fn diff(old: &ScanResult, new: &ScanResult) -> anyhow::Result<Diff> {
    let old_failures = old.findings.filtered(is_open_failure)?;
    let new_failures = new.findings.filtered(is_open_failure)?;
    let old_fail: BTreeMap<&str, &Finding> =
        old_failures.iter().map(|f| (f.id.as_str(), f)).collect();
    let new_fail: BTreeMap<&str, &Finding> =
        new_failures.iter().map(|f| (f.id.as_str(), f)).collect();
    let mut added: Vec<DiffEntry> = new_fail
        .iter()
        .filter(|(id, _)| !old_fail.contains_key(*id))
        .map(|(_, f)| entry(f))
        .collect();
    let mut resolved: Vec<DiffEntry> = old_fail
        .iter()
        .filter(|(id, _)| !new_fail.contains_key(*id))
        .map(|(_, f)| entry(f))
        .collect();
    for v in [&mut added, &mut resolved] {
        v.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.check_id.cmp(&b.check_id))
                .then(a.resource.cmp(&b.resource))
        });
    }
    let persisting = new_fail
        .keys()
        .filter(|id| old_fail.contains_key(*id))
        .count();
    let mut scores = Vec::new();
    for nf in &new.frameworks {
        let of = old.frameworks.iter().find(|f| f.framework == nf.framework);
        scores.push(ScoreChange {
            framework: nf.framework.clone(),
            account_id: None,
            before: of.and_then(|f| f.overall.score),
            after: nf.overall.score,
        });
        for a in &nf.accounts {
            let before = of
                .and_then(|f| f.accounts.iter().find(|x| x.account_id == a.account_id))
                .and_then(|x| x.summary.score);
            if before != a.summary.score {
                scores.push(ScoreChange {
                    framework: nf.framework.clone(),
                    account_id: Some(a.account_id.clone()),
                    before,
                    after: a.summary.score,
                });
            }
        }
    }
    Ok(Diff {
        baseline_evaluated_at: old.evaluated_at,
        new: added,
        resolved,
        persisting,
        scores,
    })
}

impl Diff {
    pub fn new_at_or_above(&self, s: Severity) -> usize {
        self.new.iter().filter(|e| e.severity >= s).count()
    }

    /// A plain-text rendering for the terminal.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let pct = |v: Option<f64>| {
            v.map(|v| format!("{v:.1}%"))
                .unwrap_or_else(|| "n/a".into())
        };
        let _ = writeln!(
            out,
            "Compared with the scan evaluated at {}: {} new failure(s), {} resolved, {} persisting.",
            self.baseline_evaluated_at.to_rfc3339(),
            self.new.len(),
            self.resolved.len(),
            self.persisting
        );
        for (label, list) in [("NEW", &self.new), ("RESOLVED", &self.resolved)] {
            for e in list {
                let _ = writeln!(
                    out,
                    "  {label:<8} {:<8} {:<38} {} {} {}",
                    e.severity.as_str(),
                    e.check_id,
                    e.account_id,
                    e.region.as_deref().unwrap_or("global"),
                    e.resource
                );
            }
        }
        for s in &self.scores {
            let _ = writeln!(
                out,
                "  score {}{}: {} -> {}",
                s.framework,
                s.account_id
                    .as_ref()
                    .map(|a| format!(" account {a}"))
                    .unwrap_or_default(),
                pct(s.before),
                pct(s.after)
            );
        }
        out
    }
}
