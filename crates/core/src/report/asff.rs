//! AWS Security Hub findings (ASFF, schema 2018-10-08). `asff` writes a JSON array of findings;
//! `asff-batches` writes one `BatchImportFindings` request body (`{"Findings": [...]}`, at most
//! 100 findings) per line. Validated in the test suite by `tests/validate_asff.py` (botocore's
//! Security Hub model); `--security-hub` sends the same documents (`posture::deliver::security_hub` in the scanner crate).

use std::io::Write;

use serde_json::{Value, json};

use crate::catalog::Severity;
use crate::checks::Status;
use crate::result::{Finding, ScanResult};

/// BatchImportFindings accepts at most this many findings per call.
pub const BATCH: usize = 100;

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn ts(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Informational => "INFORMATIONAL",
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::Critical => "CRITICAL",
    }
}

/// The default product ARN: the account's own "default" product in the finding's region.
pub fn default_product_arn(partition: &str, region: &str, account: &str) -> String {
    format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default")
}

fn finding(r: &ScanResult, f: &Finding, product_arn: Option<&str>, home_region: &str) -> Value {
    let partition = r
        .scan
        .caller_arn
        .split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();
    let region = f.region.clone().unwrap_or_else(|| home_region.to_string());
    let product = product_arn
        .map(str::to_string)
        .unwrap_or_else(|| default_product_arn(&partition, &region, &r.scan.caller_account_id));
    let created = f.first_seen.unwrap_or(r.evaluated_at);
    let compliance_status = match f.status {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::NotAssessed => "WARNING",
        Status::NotApplicable => "NOT_AVAILABLE",
    };
    let mut product_fields = serde_json::Map::new();
    product_fields.insert("posture/check".into(), json!(f.check_id));
    product_fields.insert("posture/status".into(), json!(f.status.as_str()));
    if let Some(n) = &f.account_name {
        product_fields.insert("posture/account-name".into(), json!(truncate(n, 2048)));
    }
    for (i, e) in f.evidence.iter().take(20).enumerate() {
        product_fields.insert(
            format!("posture/evidence/{i}"),
            json!(truncate(&format!("{}: {}", e.path, e.value), 2048)),
        );
    }
    let mut resource = json!({
        "Type": f.resource_type,
        "Id": f.resource,
        "Partition": partition,
        "Region": region,
    });
    if let Some(tags) = &f.tags
        && !tags.is_empty()
    {
        resource["Tags"] = json!(tags);
    }
    let mut out = json!({
        "SchemaVersion": "2018-10-08",
        "Id": f.id,
        "ProductArn": product,
        "GeneratorId": format!("posture/{}", f.check_id),
        "AwsAccountId": f.account_id,
        "Types": ["Software and Configuration Checks/AWS Security Best Practices"],
        "CreatedAt": ts(created),
        "UpdatedAt": ts(r.evaluated_at),
        "FirstObservedAt": ts(created),
        "LastObservedAt": ts(f.last_seen.unwrap_or(r.evaluated_at)),
        "Severity": {"Label": label(f.severity), "Original": f.severity.as_str()},
        "Title": truncate(&f.title, 256),
        "Description": truncate(&f.message, 1024),
        "Remediation": {"Recommendation": {"Text": truncate(&f.remediation, 512), "Url": f.remediation_url}},
        "Resources": [resource],
        "Compliance": {"Status": compliance_status},
        "Workflow": {"Status": if f.suppressed.is_some() { "SUPPRESSED" } else { "NEW" }},
        "RecordState": "ACTIVE",
        "ProductFields": product_fields,
    });
    if !f.requirements.is_empty() {
        out["Compliance"]["RelatedRequirements"] =
            json!(f.requirements.iter().take(32).collect::<Vec<_>>());
    }
    if let Some(s) = &f.suppressed {
        out["Note"] = json!({"Text": truncate(&format!("Suppressed ({}): {}", s.entry, s.reason), 512), "UpdatedBy": "posture", "UpdatedAt": ts(r.evaluated_at)});
    }
    out
}

/// Every finding in ASFF, in report order.
pub fn for_each(
    r: &ScanResult,
    product_arn: Option<&str>,
    home_region: &str,
    mut visit: impl FnMut(Value) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    r.findings
        .for_each(|f| visit(finding(r, f, product_arn, home_region)))
}

/// A JSON array of findings, one per line after the opening bracket.
pub fn render(
    r: &ScanResult,
    product_arn: Option<&str>,
    home_region: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    out.write_all(b"[")?;
    let mut first = true;
    for_each(r, product_arn, home_region, |v| {
        out.write_all(if first { b"\n  " } else { b",\n  " })?;
        first = false;
        serde_json::to_writer(&mut *out, &v)?;
        Ok(())
    })?;
    out.write_all(if first { b"]\n" } else { b"\n]\n" })?;
    Ok(())
}

/// BatchImportFindings request bodies: `{"Findings": [...]}` with at most [`BATCH`] per line.
pub fn render_batches(
    r: &ScanResult,
    product_arn: Option<&str>,
    home_region: &str,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let mut batch = Vec::with_capacity(BATCH);
    let flush = |batch: &mut Vec<Value>, out: &mut dyn Write| -> anyhow::Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        serde_json::to_writer(&mut *out, &json!({"Findings": batch}))?;
        out.write_all(b"\n")?;
        batch.clear();
        Ok(())
    };
    for_each(r, product_arn, home_region, |v| {
        batch.push(v);
        if batch.len() == BATCH {
            flush(&mut batch, out)?;
        }
        Ok(())
    })?;
    flush(&mut batch, out)
}
