//! OCSF 1.8.0 (NDJSON): one Compliance Finding (class 2003) per check result, and one per
//! framework requirement per account (and per organization-scope requirement), with the cloud
//! profile. Validated in the test suite by `tests/validate_ocsf.py` against the OCSF 1.8.0
//! schema carried in `tests/schemas/ocsf-1.8.0/`.

use std::io::Write;

use serde_json::{Value, json};

use crate::catalog::Severity;
use crate::checks::Status;
use crate::result::{Finding, ScanResult};
use crate::score::{ReqStatus, RequirementScore};

pub const OCSF_VERSION: &str = "1.8.0";

fn severity(s: Severity) -> (u8, &'static str) {
    match s {
        Severity::Informational => (1, "Informational"),
        Severity::Low => (2, "Low"),
        Severity::Medium => (3, "Medium"),
        Severity::High => (4, "High"),
        Severity::Critical => (5, "Critical"),
    }
}

fn millis(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp_millis()
}

fn base(
    r: &ScanResult,
    uid: &str,
    sev: Severity,
    suppressed: bool,
) -> serde_json::Map<String, Value> {
    let (sev_id, sev_name) = severity(sev);
    let (status_id, status) = if suppressed {
        (3, "Suppressed")
    } else {
        (1, "New")
    };
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("activity_id", json!(1)),
        ("activity_name", json!("Create")),
        ("category_uid", json!(2)),
        ("category_name", json!("Findings")),
        ("class_uid", json!(2003)),
        ("class_name", json!("Compliance Finding")),
        ("type_uid", json!(200301)),
        ("type_name", json!("Compliance Finding: Create")),
        ("severity_id", json!(sev_id)),
        ("severity", json!(sev_name)),
        ("status_id", json!(status_id)),
        ("status", json!(status)),
        ("time", json!(millis(r.evaluated_at))),
        (
            "metadata",
            json!({
                "version": OCSF_VERSION,
                "profiles": ["cloud"],
                "product": {"name": "posture", "vendor_name": "posture", "version": r.posture_version},
                "uid": uid,
            }),
        ),
    ] {
        m.insert(k.into(), v);
    }
    m
}

fn cloud(r: &ScanResult, account_id: &str, region: Option<&str>) -> Value {
    let name = r
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .and_then(|a| a.name.clone());
    let ou = r
        .accounts
        .iter()
        .find(|a| a.account_id == account_id)
        .and_then(|a| a.ou_path.clone());
    let mut account = json!({"uid": account_id, "type_id": 10, "type": "AWS Account"});
    if let Some(n) = name {
        account["name"] = json!(n);
    }
    let mut c = json!({"provider": "AWS", "account": account});
    if let Some(reg) = region {
        c["region"] = json!(reg);
    }
    if let Some(org) = &r.organization_id {
        let mut o = json!({"uid": org});
        if let Some(ou) = ou {
            o["ou_name"] = json!(ou);
        }
        c["org"] = o;
    }
    c
}

fn framework_names(requirements: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    if let Ok(fws) = crate::frameworks::frameworks() {
        for f in fws {
            if requirements
                .iter()
                .any(|id| f.requirements.iter().any(|x| &x.id == id))
            {
                names.push(f.name.clone());
            }
        }
    }
    names
}

fn check_event(r: &ScanResult, f: &Finding) -> Value {
    let mut m = base(r, &f.id, f.severity, f.suppressed.is_some());
    let (cs_id, cs) = match f.status {
        Status::Pass => (1, "Pass"),
        Status::Fail => (3, "Fail"),
        // "did not yield a result due to missing information"
        Status::NotAssessed => (2, "Warning"),
        Status::NotApplicable => (99, "Not applicable"),
    };
    m.insert("message".into(), json!(f.message));
    let mut info = json!({
        "uid": f.id,
        "title": f.title,
        "desc": f.message,
        "types": [format!("posture/{}", f.service)],
        "created_time": millis(r.evaluated_at),
    });
    if let Some(t) = f.first_seen {
        info["first_seen_time"] = json!(millis(t));
    }
    if let Some(t) = f.last_seen {
        info["last_seen_time"] = json!(millis(t));
    }
    m.insert("finding_info".into(), info);
    let mut compliance = json!({
        "control": f.check_id,
        "status_id": cs_id,
        "status": cs,
        "status_detail": f.message,
        "requirements": f.requirements,
        "standards": framework_names(&f.requirements),
    });
    if f.requirements.is_empty() {
        compliance.as_object_mut().map(|o| o.remove("requirements"));
    }
    m.insert("compliance".into(), compliance);
    m.insert("cloud".into(), cloud(r, &f.account_id, f.region.as_deref()));
    let mut resource = json!({"uid": f.resource, "type": f.resource_type, "cloud_partition": partition(&r.scan.caller_arn)});
    if let Some(reg) = &f.region {
        resource["region"] = json!(reg);
    }
    if let Some(tags) = &f.tags
        && !tags.is_empty()
    {
        resource["tags"] = json!(
            tags.iter()
                .map(|(k, v)| json!({"name": k, "value": v}))
                .collect::<Vec<_>>()
        );
    }
    m.insert("resources".into(), json!([resource]));
    m.insert(
        "remediation".into(),
        json!({"desc": f.remediation, "references": [f.remediation_url]}),
    );
    m.insert(
        "unmapped".into(),
        json!({"posture": {"evidence": f.evidence, "suppressed": f.suppressed, "account_name": f.account_name}}),
    );
    Value::Object(m)
}

fn partition(arn: &str) -> String {
    arn.split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string()
}

fn requirement_event(
    r: &ScanResult,
    framework: &str,
    framework_name: &str,
    account_id: &str,
    req: &RequirementScore,
) -> Value {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(format!("{framework}|{}|{account_id}", req.id).as_bytes());
    let hex: String = h
        .finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect();
    let uid = format!("posture-req-{hex}");
    let sev = match req.weight {
        w if w >= 10.0 => Severity::Critical,
        w if w >= 5.0 => Severity::High,
        w if w >= 3.0 => Severity::Medium,
        w if w >= 1.0 => Severity::Low,
        _ => Severity::Informational,
    };
    let mut m = base(r, &uid, sev, false);
    let title = crate::frameworks::frameworks()
        .ok()
        .and_then(|fs| {
            fs.iter()
                .find(|f| f.id == framework)
                .and_then(|f| f.requirements.iter().find(|x| x.id == req.id))
                .map(|x| x.title.clone())
        })
        .unwrap_or_else(|| req.id.clone());
    let (cs_id, cs) = match req.status {
        ReqStatus::Met => (1, "Pass"),
        ReqStatus::NotMet | ReqStatus::PartiallyMet => (3, "Fail"),
        ReqStatus::NotAssessed => (2, "Warning"),
        ReqStatus::NotApplicable => (99, "Not applicable"),
        ReqStatus::NotAssessable => (99, "Not assessable by automation"),
    };
    let detail = format!(
        "{:?}: {} passed, {} failed, {} not assessed{}",
        req.status,
        req.passed,
        req.failed,
        req.not_assessed,
        req.score
            .map(|s| format!(", score {s:.1}%"))
            .unwrap_or_default()
    );
    m.insert(
        "message".into(),
        json!(format!("{} {}: {}", req.id, title, detail)),
    );
    m.insert("finding_info".into(), json!({"uid": uid, "title": format!("{} {}", req.id, title), "types": [format!("posture/framework/{framework}")]}));
    m.insert(
        "compliance".into(),
        json!({"control": req.id, "requirements": [req.id], "standards": [framework_name], "status_id": cs_id, "status": cs, "status_detail": detail}),
    );
    m.insert("cloud".into(), cloud(r, account_id, None));
    m.insert(
        "resources".into(),
        json!([{"uid": format!("AWS::::Account:{account_id}"), "type": "AwsAccount"}]),
    );
    Value::Object(m)
}

pub fn render(r: &ScanResult, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut push = |v: Value| -> anyhow::Result<()> {
        serde_json::to_writer(&mut *out, &v)?;
        out.write_all(b"\n")?;
        Ok(())
    };
    r.findings.for_each(|f| push(check_event(r, f)))?;
    let management = r
        .accounts
        .iter()
        .find(|a| a.access == "caller")
        .map(|a| a.account_id.clone())
        .unwrap_or_else(|| r.scan.caller_account_id.clone());
    for fw in &r.frameworks {
        for req in &fw.organization_requirements {
            push(requirement_event(
                r,
                &fw.framework,
                &fw.name,
                &management,
                req,
            ))?;
        }
        for a in &fw.accounts {
            for req in &a.requirements {
                push(requirement_event(
                    r,
                    &fw.framework,
                    &fw.name,
                    &a.account_id,
                    req,
                ))?;
            }
        }
    }
    Ok(())
}
