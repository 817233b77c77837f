//! Frameworks: the Well-Architected security pillar and posture's SRA rubric, as data files in
//! `checks/frameworks/` (embedded at build time) that map each requirement to check ids.

use std::sync::OnceLock;

use anyhow::{Context as _, anyhow, bail};
use serde::{Deserialize, Serialize};

use crate::catalog::sources::FRAMEWORK_SOURCES;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ReqScope {
    /// Assessed once for the whole organization.
    Organization,
    /// Every-account settings.
    Account,
    /// Resources inside accounts.
    Workload,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: String,
    pub title: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Requirement {
    pub id: String,
    pub section: String,
    pub title: String,
    pub url: String,
    pub scope: ReqScope,
    #[serde(default)]
    pub checks: Vec<String>,
    #[serde(default = "yes")]
    pub assessable: bool,
    #[serde(default)]
    pub reason: Option<String>,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    pub id: String,
    pub name: String,
    pub version: String,
    pub url: String,
    #[serde(rename = "section")]
    pub sections: Vec<Section>,
    #[serde(rename = "requirement")]
    pub requirements: Vec<Requirement>,
}

/// Parse and validate the embedded framework files; errors name the file and the problem.
pub fn parse_all() -> anyhow::Result<Vec<Framework>> {
    let mut out = Vec::new();
    for (file, text) in FRAMEWORK_SOURCES {
        let f: Framework =
            toml::from_str(text).with_context(|| format!("checks/frameworks/{file}"))?;
        for r in &f.requirements {
            if !f.sections.iter().any(|s| s.id == r.section) {
                bail!(
                    "checks/frameworks/{file}: requirement {} names unknown section {}",
                    r.id,
                    r.section
                );
            }
            if r.assessable && r.checks.is_empty() {
                bail!(
                    "checks/frameworks/{file}: requirement {} maps no check and is not marked `assessable = false`",
                    r.id
                );
            }
            if !r.assessable && r.reason.as_deref().is_none_or(|s| s.trim().is_empty()) {
                bail!(
                    "checks/frameworks/{file}: requirement {} is not assessable but gives no reason",
                    r.id
                );
            }
        }
        out.push(f);
    }
    Ok(out)
}

pub fn frameworks() -> anyhow::Result<&'static [Framework]> {
    static F: OnceLock<anyhow::Result<Vec<Framework>>> = OnceLock::new();
    F.get_or_init(parse_all)
        .as_ref()
        .map(|v| v.as_slice())
        // The cached error is shared: each caller gets its message.
        .map_err(|e| anyhow!("{e:#}"))
}

/// Requirement ids (of every framework) that a check gives evidence for.
pub fn requirements_of(check_id: &str) -> Vec<String> {
    frameworks()
        .map(|fs| {
            fs.iter()
                .flat_map(|f| f.requirements.iter())
                .filter(|r| r.checks.iter().any(|c| c == check_id))
                .map(|r| r.id.clone())
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::checks::REGISTRY;

    #[test]
    fn frameworks_agree_with_the_registry() {
        let fs = parse_all().unwrap();
        let ids: Vec<&str> = fs.iter().map(|f| f.id.as_str()).collect();
        assert!(
            ids.contains(&"well-architected-security") && ids.contains(&"sra"),
            "{ids:?}"
        );
        let checks: BTreeSet<&str> = REGISTRY.iter().map(|c| c.id()).collect();
        let mut mapped = BTreeSet::new();
        for f in &fs {
            let mut seen = BTreeSet::new();
            for r in &f.requirements {
                assert!(
                    seen.insert(&r.id),
                    "{}: duplicate requirement {}",
                    f.id,
                    r.id
                );
                for c in &r.checks {
                    assert!(
                        checks.contains(c.as_str()),
                        "{}: requirement {} names unknown check {c}",
                        f.id,
                        r.id
                    );
                    mapped.insert(c.as_str());
                }
            }
        }
        let unmapped: Vec<&&str> = checks.difference(&mapped).collect();
        assert!(
            unmapped.is_empty(),
            "checks mapped to no requirement: {unmapped:?}"
        );
    }

    #[test]
    fn the_pillar_is_complete() {
        let fs = parse_all().unwrap();
        let wa = fs
            .iter()
            .find(|f| f.id == "well-architected-security")
            .unwrap();
        assert_eq!(wa.sections.len(), 11);
        assert_eq!(wa.requirements.len(), 63);
    }
}
