//! The check catalog: metadata for every check, from `checks/<id>.toml` (embedded at build time).

use std::sync::OnceLock;

use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::check::Status;

pub(crate) mod sources {
    include!(concat!(env!("OUT_DIR"), "/catalog_sources.rs"));
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Informational,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Informational,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Informational => "informational",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    Organization,
    Account,
    Region,
    Resource,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    pub summary: String,
    pub cli: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloudformation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform: Option<String>,
    pub url: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct References {
    pub prowler: Vec<String>,
    pub fsbp: Vec<String>,
    pub cis_aws_v5: Vec<String>,
    pub well_architected: Vec<String>,
    pub sra: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckMeta {
    pub id: String,
    pub title: String,
    pub service: String,
    pub resource_type: String,
    pub scope: Scope,
    pub severity: Severity,
    /// The statuses the check produces, as its description states them: a test ties this list
    /// to the description's wording, and every check test to the code.
    pub statuses: Vec<Status>,
    pub description: String,
    pub risk: String,
    pub remediation: Remediation,
    pub references: References,
}

/// Parse the embedded catalog. Errors name the file.
pub fn parse_all() -> anyhow::Result<Vec<CheckMeta>> {
    let mut out = Vec::new();
    for (file, text) in sources::SOURCES {
        let meta: CheckMeta = toml::from_str(text).with_context(|| format!("checks/{file}"))?;
        if format!("{}.toml", meta.id) != *file {
            bail!(
                "checks/{file}: id `{}` does not match the file name",
                meta.id
            );
        }
        out.push(meta);
    }
    Ok(out)
}

/// The catalog, parsed once. The build embeds files that a test parses, so failure here means a
/// broken build; it is still reported as an error, not a panic.
pub fn catalog() -> anyhow::Result<&'static [CheckMeta]> {
    static CATALOG: OnceLock<anyhow::Result<Vec<CheckMeta>>> = OnceLock::new();
    CATALOG
        .get_or_init(parse_all)
        .as_ref()
        .map(|v| v.as_slice())
        // The cached error is shared: each caller gets its message.
        .map_err(|e| anyhow!("{e:#}"))
}

pub fn find(id: &str) -> Option<&'static CheckMeta> {
    catalog().ok()?.iter().find(|m| m.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::REGISTRY;

    #[test]
    fn catalog_parses_and_matches_the_registry() {
        let cat = parse_all().unwrap();
        let mut in_catalog: Vec<&str> = cat.iter().map(|m| m.id.as_str()).collect();
        let mut in_code: Vec<&str> = REGISTRY.iter().map(|c| c.id()).collect();
        in_catalog.sort();
        in_code.sort();
        assert_eq!(
            in_catalog, in_code,
            "checks/*.toml and the registry in src/checks/mod.rs disagree"
        );
    }

    #[test]
    fn every_check_has_remediation() {
        for m in parse_all().unwrap() {
            assert!(m.remediation.url.starts_with("https://"), "{}", m.id);
            assert!(!m.remediation.cli.trim().is_empty(), "{}", m.id);
        }
    }

    /// `references.well_architected` and `references.sra` repeat the framework files for readers
    /// of one check file; they must say exactly what `checks/frameworks/` says.
    #[test]
    fn framework_references_match_the_framework_files() {
        let fws = crate::frameworks::parse_all().unwrap();
        for m in parse_all().unwrap() {
            for (field, fw_id) in [
                (&m.references.well_architected, "well-architected-security"),
                (&m.references.sra, "sra"),
            ] {
                let fw = fws.iter().find(|f| f.id == fw_id).unwrap();
                let mapped: Vec<&str> = fw
                    .requirements
                    .iter()
                    .filter(|r| r.checks.contains(&m.id))
                    .map(|r| r.id.as_str())
                    .collect();
                let listed: Vec<&str> = field.iter().map(String::as_str).collect();
                assert_eq!(
                    listed, mapped,
                    "checks/{}.toml references for {fw_id}",
                    m.id
                );
            }
        }
    }
}
