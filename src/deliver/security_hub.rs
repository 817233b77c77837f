//! `--security-hub`: import the findings into AWS Security Hub with BatchImportFindings, at most
//! 100 per call, in the account and region the user names. The findings are the ASFF documents
//! of `--format asff` (one renderer), converted to the SDK's types field by field; a field the
//! converter does not know is an error, never dropped. Failures that resolved since the
//! baseline are sent again as `RecordState ARCHIVED` / `Workflow RESOLVED`, so Security Hub does
//! not keep stale failures active.
//!
//! BatchImportFindings writes into the account of the caller. With the account's `default`
//! product, AWS accepts only findings whose `AwsAccountId` is that account; the others are not
//! sent and are counted per account (an allow-listed partner product, `--asff-product-arn`,
//! may send every account's findings).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Seek, SeekFrom, Write};

use anyhow::{Context as _, anyhow, bail};
use aws_sdk_securityhub::types::{
    AwsSecurityFinding, Compliance, ComplianceStatus, Note, Partition, Recommendation, RecordState,
    Remediation, Resource, Severity, SeverityLabel, Workflow, WorkflowStatus,
};
use serde_json::Value;

use crate::aws::Aws;
use crate::report::asff;
use crate::result::ScanResult;

/// Where findings are imported: the user names both, and posture checks that the credentials
/// belong to that account before sending anything.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HubTarget {
    pub account: String,
    pub region: String,
}

/// What a delivery did.
#[derive(Debug, Default, PartialEq)]
pub struct Outcome {
    /// Findings of this scan Security Hub accepted.
    pub imported: usize,
    /// Failures resolved since the baseline, accepted as archived.
    pub archived: usize,
    /// Calls made.
    pub calls: usize,
    /// Findings Security Hub refused: (finding id, error code, message).
    pub failed: Vec<(String, String, String)>,
    /// Findings of other accounts not sent (default product), by account.
    pub other_accounts: BTreeMap<String, usize>,
}

/// Send the findings of `result` (and archive the failures resolved since `baseline`).
pub async fn deliver(
    aws: &Aws,
    target: &HubTarget,
    result: &ScanResult,
    baseline: Option<&ScanResult>,
    product_arn: Option<&str>,
) -> anyhow::Result<Outcome> {
    let sts_conf = aws
        .base
        .to_builder()
        .region(aws_config::Region::new(target.region.clone()))
        .build();
    let me = crate::aws::identity_of(aws, &sts_conf)
        .await
        .map_err(|e| anyhow!("could not identify the credentials (sts:GetCallerIdentity): {e}"))?;
    if me.account_id != target.account {
        bail!(
            "the credentials belong to account {} ({}), not to account {} named by --security-hub-account; BatchImportFindings imports into the caller's own account\n  what to do: run with credentials of account {} or name account {}",
            me.account_id,
            me.arn,
            target.account,
            target.account,
            me.account_id
        );
    }
    let partition = me.arn.split(':').nth(1).unwrap_or("aws").to_string();
    let default_product = asff::default_product_arn(&partition, &target.region, &target.account);
    let product = product_arn.unwrap_or(&default_product).to_string();
    let only_account = product_arn.is_none().then_some(target.account.as_str());

    let (mut spool, counts) =
        spool_findings(result, baseline, &product, &aws.home_region, only_account)?;
    let client = aws.securityhub(&aws.base, &target.account, &target.region);
    let mut outcome = Outcome {
        other_accounts: counts.other_accounts,
        ..Outcome::default()
    };
    spool
        .seek(SeekFrom::Start(0))
        .context("could not read the findings back")?;
    let mut batch: Vec<AwsSecurityFinding> = Vec::with_capacity(asff::BATCH);
    let mut archived_in_batch = BTreeSet::new();
    let mut lines = BufReader::new(spool).lines();
    loop {
        let line = lines
            .next()
            .transpose()
            .context("could not read the findings back")?;
        if let Some(line) = &line {
            let v: Value = serde_json::from_str(line)
                .context("internal error: spooled finding is not JSON")?;
            let f = to_sdk(&v)?;
            if f.record_state() == Some(&RecordState::Archived)
                && let Some(id) = f.id()
            {
                archived_in_batch.insert(id.to_string());
            }
            batch.push(f);
        }
        if batch.len() == asff::BATCH || (line.is_none() && !batch.is_empty()) {
            send(
                &client,
                &mut batch,
                &mut archived_in_batch,
                target,
                &mut outcome,
            )
            .await?;
        }
        if line.is_none() {
            break;
        }
    }
    Ok(outcome)
}

async fn send(
    client: &aws_sdk_securityhub::Client,
    batch: &mut Vec<AwsSecurityFinding>,
    archived: &mut BTreeSet<String>,
    target: &HubTarget,
    outcome: &mut Outcome,
) -> anyhow::Result<()> {
    let n = batch.len();
    // Throttling (TooManyRequestsException, 429) is retried by the client's retry policy.
    let out = client
        .batch_import_findings()
        .set_findings(Some(std::mem::take(batch)))
        .send()
        .await
        .map_err(|e| {
            let err = crate::aws::collection_error(
                "securityhub",
                "BatchImportFindings",
                Some(&target.region),
                None,
                &e,
            );
            anyhow!(
                "BatchImportFindings in account {} region {} failed after {} finding(s) were imported: {}{}",
                target.account,
                target.region,
                outcome.imported + outcome.archived,
                err.code.map(|c| format!("{c}: ")).unwrap_or_default(),
                err.message
            )
        })?;
    outcome.calls += 1;
    let refused: BTreeSet<&str> = out
        .failed_findings()
        .iter()
        .filter_map(|f| f.id())
        .collect();
    for f in out.failed_findings() {
        outcome.failed.push((
            f.id().unwrap_or("?").to_string(),
            f.error_code().unwrap_or("?").to_string(),
            f.error_message().unwrap_or("").to_string(),
        ));
    }
    let archived_ok = archived
        .iter()
        .filter(|id| !refused.contains(id.as_str()))
        .count();
    outcome.archived += archived_ok;
    outcome.imported += n.saturating_sub(out.failed_findings().len() + archived_ok);
    archived.clear();
    Ok(())
}

struct SpoolCounts {
    other_accounts: BTreeMap<String, usize>,
}

/// One ASFF finding per line in an unnamed temporary file: this scan's findings, then the
/// baseline's failures that resolved, archived. Memory holds one finding at a time.
fn spool_findings(
    result: &ScanResult,
    baseline: Option<&ScanResult>,
    product: &str,
    home_region: &str,
    only_account: Option<&str>,
) -> anyhow::Result<(std::fs::File, SpoolCounts)> {
    let file =
        tempfile::tempfile().context("could not create a temporary file for the findings")?;
    let mut out = std::io::BufWriter::new(file);
    let mut other_accounts: BTreeMap<String, usize> = BTreeMap::new();
    let mut keep = |v: &Value| -> bool {
        let account = v["AwsAccountId"].as_str().unwrap_or_default();
        match only_account {
            Some(a) if a != account => {
                *other_accounts.entry(account.to_string()).or_default() += 1;
                false
            }
            _ => true,
        }
    };
    let write = |out: &mut std::io::BufWriter<std::fs::File>, v: &Value| {
        (|| -> anyhow::Result<()> {
            serde_json::to_writer(&mut *out, v)?;
            out.write_all(b"\n")?;
            Ok(())
        })()
        .context("could not write the findings to a temporary file")
    };
    asff::for_each(result, Some(product), home_region, |v| {
        if keep(&v) {
            write(&mut out, &v)?;
        }
        Ok(())
    })?;
    if let (Some(diff), Some(base)) = (&result.diff, baseline) {
        let resolved: BTreeSet<&str> = diff.resolved.iter().map(|e| e.id.as_str()).collect();
        let updated = result
            .evaluated_at
            .format("%Y-%m-%dT%H:%M:%S%.3fZ")
            .to_string();
        asff::for_each(base, Some(product), home_region, |mut v| {
            let id = v["Id"].as_str().unwrap_or_default();
            if !resolved.contains(id) || !keep(&v) {
                return Ok(());
            }
            archive(&mut v, &updated);
            write(&mut out, &v)
        })?;
    }
    let file = out
        .into_inner()
        .map_err(|e| anyhow!("could not write the findings to a temporary file: {e}"))?;
    Ok((file, SpoolCounts { other_accounts }))
}

/// A baseline failure that is no longer failing: archived and resolved, updated now.
pub fn archive(v: &mut Value, updated_at: &str) {
    v["RecordState"] = Value::from("ARCHIVED");
    v["Workflow"] = serde_json::json!({"Status": "RESOLVED"});
    v["UpdatedAt"] = Value::from(updated_at);
}

fn text(v: &Value, key: &str) -> anyhow::Result<Option<String>> {
    match v.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => bail!("ASFF member {key} is not a string: {other}"),
    }
}

fn string_map(v: &Value, key: &str) -> anyhow::Result<Option<HashMap<String, String>>> {
    let Some(obj) = v.get(key) else {
        return Ok(None);
    };
    let obj = obj
        .as_object()
        .ok_or_else(|| anyhow!("ASFF member {key} is not an object"))?;
    obj.iter()
        .map(|(k, x)| {
            x.as_str()
                .map(|s| (k.clone(), s.to_string()))
                .ok_or_else(|| anyhow!("ASFF member {key}.{k} is not a string"))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

fn strings(v: &Value, key: &str) -> anyhow::Result<Option<Vec<String>>> {
    let Some(list) = v.get(key) else {
        return Ok(None);
    };
    list.as_array()
        .ok_or_else(|| anyhow!("ASFF member {key} is not an array"))?
        .iter()
        .map(|x| {
            x.as_str()
                .map(str::to_string)
                .ok_or_else(|| anyhow!("ASFF member {key} holds a non-string"))
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

fn only_keys(v: &Value, what: &str, known: &[&str]) -> anyhow::Result<()> {
    let obj = v
        .as_object()
        .ok_or_else(|| anyhow!("ASFF {what} is not an object"))?;
    match obj.keys().find(|k| !known.contains(&k.as_str())) {
        Some(k) => bail!(
            "internal error: ASFF member {what}.{k} has no conversion to the Security Hub SDK"
        ),
        None => Ok(()),
    }
}

/// The SDK's finding for one ASFF document as posture renders it.
pub fn to_sdk(v: &Value) -> anyhow::Result<AwsSecurityFinding> {
    only_keys(
        v,
        "finding",
        &[
            "SchemaVersion",
            "Id",
            "ProductArn",
            "GeneratorId",
            "AwsAccountId",
            "Types",
            "CreatedAt",
            "UpdatedAt",
            "FirstObservedAt",
            "LastObservedAt",
            "Severity",
            "Title",
            "Description",
            "Remediation",
            "Resources",
            "Compliance",
            "Workflow",
            "RecordState",
            "ProductFields",
            "Note",
        ],
    )?;
    let mut f = AwsSecurityFinding::builder()
        .set_schema_version(text(v, "SchemaVersion")?)
        .set_id(text(v, "Id")?)
        .set_product_arn(text(v, "ProductArn")?)
        .set_generator_id(text(v, "GeneratorId")?)
        .set_aws_account_id(text(v, "AwsAccountId")?)
        .set_types(strings(v, "Types")?)
        .set_created_at(text(v, "CreatedAt")?)
        .set_updated_at(text(v, "UpdatedAt")?)
        .set_first_observed_at(text(v, "FirstObservedAt")?)
        .set_last_observed_at(text(v, "LastObservedAt")?)
        .set_title(text(v, "Title")?)
        .set_description(text(v, "Description")?)
        .set_product_fields(string_map(v, "ProductFields")?)
        .set_record_state(text(v, "RecordState")?.map(|s| RecordState::from(s.as_str())));
    if let Some(s) = v.get("Severity") {
        only_keys(s, "Severity", &["Label", "Original"])?;
        f = f.severity(
            Severity::builder()
                .set_label(text(s, "Label")?.map(|l| SeverityLabel::from(l.as_str())))
                .set_original(text(s, "Original")?)
                .build(),
        );
    }
    if let Some(r) = v.get("Remediation") {
        only_keys(r, "Remediation", &["Recommendation"])?;
        if let Some(rec) = r.get("Recommendation") {
            only_keys(rec, "Remediation.Recommendation", &["Text", "Url"])?;
            f = f.remediation(
                Remediation::builder()
                    .recommendation(
                        Recommendation::builder()
                            .set_text(text(rec, "Text")?)
                            .set_url(text(rec, "Url")?)
                            .build(),
                    )
                    .build(),
            );
        }
    }
    for r in v
        .get("Resources")
        .and_then(Value::as_array)
        .ok_or_else(|| anyhow!("ASFF member Resources is not an array"))?
    {
        only_keys(
            r,
            "Resources[]",
            &["Type", "Id", "Partition", "Region", "Tags"],
        )?;
        f = f.resources(
            Resource::builder()
                .set_type(text(r, "Type")?)
                .set_id(text(r, "Id")?)
                .set_partition(text(r, "Partition")?.map(|p| Partition::from(p.as_str())))
                .set_region(text(r, "Region")?)
                .set_tags(string_map(r, "Tags")?)
                .build(),
        );
    }
    if let Some(c) = v.get("Compliance") {
        only_keys(c, "Compliance", &["Status", "RelatedRequirements"])?;
        f = f.compliance(
            Compliance::builder()
                .set_status(text(c, "Status")?.map(|s| ComplianceStatus::from(s.as_str())))
                .set_related_requirements(strings(c, "RelatedRequirements")?)
                .build(),
        );
    }
    if let Some(w) = v.get("Workflow") {
        only_keys(w, "Workflow", &["Status"])?;
        f = f.workflow(
            Workflow::builder()
                .set_status(text(w, "Status")?.map(|s| WorkflowStatus::from(s.as_str())))
                .build(),
        );
    }
    if let Some(n) = v.get("Note") {
        only_keys(n, "Note", &["Text", "UpdatedBy", "UpdatedAt"])?;
        f = f.note(
            Note::builder()
                .set_text(text(n, "Text")?)
                .set_updated_by(text(n, "UpdatedBy")?)
                .set_updated_at(text(n, "UpdatedAt")?)
                .build(),
        );
    }
    Ok(f.build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::base_inventory;

    fn fixture_result() -> ScanResult {
        let inv = base_inventory();
        let thresholds = crate::config::Thresholds::default();
        crate::evaluate::build(
            &inv,
            &crate::evaluate::BuildOptions {
                thresholds: &thresholds,
                now: inv.scan.started_at,
                only_checks: None,
                trusted_accounts: &[],
                sra_accounts: &Default::default(),
                suppressions: None,
                baseline: None,
            },
        )
        .expect("build")
    }

    /// Every finding posture renders converts to the SDK's type without losing a field.
    #[test]
    fn every_rendered_finding_converts_field_by_field() {
        let r = fixture_result();
        let mut n = 0;
        asff::for_each(&r, None, "us-east-1", |v| {
            let f = to_sdk(&v)?;
            n += 1;
            assert_eq!(f.id(), v["Id"].as_str());
            assert_eq!(f.aws_account_id(), v["AwsAccountId"].as_str());
            assert_eq!(f.product_arn(), v["ProductArn"].as_str());
            assert_eq!(
                f.severity().and_then(|s| s.label()).map(|l| l.as_str()),
                v["Severity"]["Label"].as_str()
            );
            assert_eq!(
                f.compliance().and_then(|c| c.status()).map(|s| s.as_str()),
                v["Compliance"]["Status"].as_str()
            );
            assert_eq!(
                f.resources()[0].partition().map(|p| p.as_str()),
                v["Resources"][0]["Partition"].as_str()
            );
            assert_eq!(
                f.product_fields().map(|m| m.len()),
                v["ProductFields"].as_object().map(|o| o.len())
            );
            assert_eq!(f.record_state(), Some(&RecordState::Active));
            Ok(())
        })
        .expect("convert");
        assert!(n > 10, "only {n} findings");
    }

    #[test]
    fn an_unknown_member_is_an_error_not_a_silent_drop() {
        let r = fixture_result();
        let mut first = None;
        asff::for_each(&r, None, "us-east-1", |v| {
            first.get_or_insert(v);
            Ok(())
        })
        .expect("render");
        let mut v = first.expect("a finding");
        v["Confidence"] = Value::from(80);
        assert!(to_sdk(&v).unwrap_err().to_string().contains("Confidence"));
    }

    #[test]
    fn resolved_failures_are_archived_and_resolved() {
        let mut v = serde_json::json!({"RecordState": "ACTIVE", "Workflow": {"Status": "NEW"}, "UpdatedAt": "x"});
        archive(&mut v, "2026-12-01T00:00:00.000Z");
        assert_eq!(v["RecordState"], "ARCHIVED");
        assert_eq!(v["Workflow"]["Status"], "RESOLVED");
        assert_eq!(v["UpdatedAt"], "2026-12-01T00:00:00.000Z");
    }
}
