//! CSV: one row per finding, the same fields as the JSON findings (lists joined with `; `).

use std::io::Write;

use anyhow::anyhow;

use crate::result::ScanResult;

pub const COLUMNS: [&str; 19] = [
    "id",
    "check_id",
    "title",
    "severity",
    "status",
    "suppressed",
    "suppression_reason",
    "account_id",
    "account_name",
    "region",
    "resource",
    "resource_type",
    "service",
    "message",
    "evidence",
    "requirements",
    "remediation_url",
    "first_seen",
    "last_seen",
];

pub fn render(r: &ScanResult, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record(COLUMNS).map_err(once)?;
    r.findings.for_each(|f| {
        let evidence: Vec<String> = f
            .evidence
            .iter()
            .map(|e| format!("{}: {}", e.path, e.value))
            .collect();
        w.write_record([
            f.id.as_str(),
            &f.check_id,
            &f.title,
            f.severity.as_str(),
            f.status.as_str(),
            if f.suppressed.is_some() {
                "true"
            } else {
                "false"
            },
            f.suppressed
                .as_ref()
                .map(|s| s.reason.as_str())
                .unwrap_or(""),
            &f.account_id,
            f.account_name.as_deref().unwrap_or(""),
            f.region.as_deref().unwrap_or(""),
            &f.resource,
            &f.resource_type,
            &f.service,
            &f.message,
            &evidence.join("; "),
            &f.requirements.join("; "),
            &f.remediation_url,
            &f.first_seen.map(|t| t.to_rfc3339()).unwrap_or_default(),
            &f.last_seen.map(|t| t.to_rfc3339()).unwrap_or_default(),
        ])
        .map_err(once)
    })?;
    w.flush()?;
    Ok(())
}

/// A csv error whose message appears once: csv's I/O error displays its cause and also gives it
/// as its source, which the CLI's `{:#}` would print twice.
fn once(e: csv::Error) -> anyhow::Error {
    anyhow!("{e}")
}
