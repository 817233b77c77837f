//! Suppressions: accepted risks, each with a reason and an optional expiry date, read from a
//! TOML file. Suppressed findings stay in every output, marked as suppressed; they no longer
//! count toward the exit code. Expired entries and entries that matched nothing are reported.
//!
//! ```toml
//! [[suppress]]
//! check = "s3-bucket-versioning"          # check id or glob (required)
//! reason = "log buckets are write-once"   # required
//! expires = 2027-01-31                    # optional; from that day the entry no longer applies
//! accounts = ["123456789012"]             # optional filters; all given filters must match
//! ous = ["Root/Sandbox"]                  # OU path, or any OU below it
//! regions = ["eu-west-1"]                 # "global" for results without a region
//! resource = "arn:aws:s3:::logs-*"        # glob on the resource ARN / identifier
//! tags = { Environment = "sandbox" }      # every tag must be on the resource
//! ```

use std::collections::BTreeMap;
use std::path::Path;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    suppress: Vec<Spanned<RawEntry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    check: String,
    reason: String,
    #[serde(default)]
    expires: Option<toml::value::Datetime>,
    #[serde(default)]
    accounts: Vec<String>,
    #[serde(default)]
    ous: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    resource: Option<String>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    /// 1-based line of the `[[suppress]]` entry in the file.
    pub line: usize,
    pub check: glob::Pattern,
    pub reason: String,
    pub expires: Option<NaiveDate>,
    pub accounts: Vec<String>,
    pub ous: Vec<String>,
    pub regions: Vec<String>,
    pub resource: Option<glob::Pattern>,
    pub tags: BTreeMap<String, String>,
}

#[derive(Debug, Clone)]
pub struct Suppressions {
    pub file: String,
    pub entries: Vec<Entry>,
}

/// A configuration error: the file, the line, what is wrong and what to do.
#[derive(Debug, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct SuppressionError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

impl Suppressions {
    pub fn load(path: &Path) -> Result<Suppressions, SuppressionError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| SuppressionError {
            file: file.clone(),
            line: 0,
            message: format!("cannot read the suppression file: {e}"),
        })?;
        Self::parse(&file, &text)
    }

    pub fn parse(file: &str, text: &str) -> Result<Suppressions, SuppressionError> {
        let err = |line: usize, message: String| SuppressionError {
            file: file.to_string(),
            line,
            message,
        };
        let parsed: File = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            err(line, e.message().to_string())
        })?;
        let known = crate::catalog::catalog().map_err(|e| err(0, format!("{e:#}")))?;
        let mut entries = Vec::new();
        for spanned in parsed.suppress {
            let line = line_of(text, spanned.span().start);
            let raw = spanned.into_inner();
            if raw.reason.trim().is_empty() {
                return Err(err(
                    line,
                    "`reason` is empty: say why this risk is accepted".into(),
                ));
            }
            let check = glob::Pattern::new(&raw.check)
                .map_err(|e| err(line, format!("`check` is not a valid glob: {e}")))?;
            if !known.iter().any(|m| check.matches(&m.id)) {
                return Err(err(
                    line,
                    format!(
                        "`check = {:?}` matches no check id (see `posture checks`)",
                        raw.check
                    ),
                ));
            }
            let expires = match raw.expires {
                None => None,
                Some(d) => match (d.date, d.time) {
                    (Some(date), None) => NaiveDate::from_ymd_opt(
                        i32::from(date.year),
                        u32::from(date.month),
                        u32::from(date.day),
                    ),
                    _ => None,
                }
                .map(Some)
                .ok_or_else(|| {
                    err(
                        line,
                        format!("`expires = {d}` must be a date such as 2027-01-31"),
                    )
                })?,
            };
            for a in &raw.accounts {
                if a.len() != 12 || !a.bytes().all(|c| c.is_ascii_digit()) {
                    return Err(err(
                        line,
                        format!("`accounts` entry {a:?} is not a 12-digit account id"),
                    ));
                }
            }
            let resource = raw
                .resource
                .as_deref()
                .map(glob::Pattern::new)
                .transpose()
                .map_err(|e| err(line, format!("`resource` is not a valid glob: {e}")))?;
            entries.push(Entry {
                line,
                check,
                reason: raw.reason,
                expires,
                accounts: raw.accounts,
                ous: raw.ous,
                regions: raw.regions,
                resource,
                tags: raw.tags,
            });
        }
        Ok(Suppressions {
            file: file.to_string(),
            entries,
        })
    }
}

/// What a finding needs for matching.
pub struct Subject<'a> {
    pub check_id: &'a str,
    pub account_id: &'a str,
    pub ou_path: Option<&'a str>,
    pub region: Option<&'a str>,
    pub resource: &'a str,
    pub tags: Option<&'a BTreeMap<String, String>>,
}

impl Entry {
    pub fn expired(&self, today: NaiveDate) -> bool {
        self.expires.is_some_and(|d| d <= today)
    }

    pub fn matches(&self, s: &Subject) -> bool {
        let ou_ok = self.ous.is_empty()
            || s.ou_path.is_some_and(|p| {
                self.ous
                    .iter()
                    .any(|ou| p == ou || p.starts_with(&format!("{}/", ou.trim_end_matches('/'))))
            });
        let region = s.region.unwrap_or("global");
        self.check.matches(s.check_id)
            && (self.accounts.is_empty() || self.accounts.iter().any(|a| a == s.account_id))
            && ou_ok
            && (self.regions.is_empty() || self.regions.iter().any(|r| r == region))
            && self.resource.as_ref().is_none_or(|p| p.matches(s.resource))
            && (self.tags.is_empty()
                || s.tags
                    .is_some_and(|t| self.tags.iter().all(|(k, v)| t.get(k) == Some(v))))
    }
}

/// How a finding was suppressed (kept on the finding).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Suppressed {
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
    /// `file:line` of the entry.
    pub entry: String,
}

/// An entry reported back to the user.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct EntryRef {
    pub entry: String,
    pub check: String,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<NaiveDate>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct SuppressionReport {
    pub file: String,
    /// Failed findings marked as suppressed.
    pub suppressed: usize,
    /// Entries past their expiry date: no longer applied.
    pub expired: Vec<EntryRef>,
    /// Live entries that matched no failed finding.
    pub unmatched: Vec<EntryRef>,
}

impl Suppressions {
    pub fn entry_ref(&self, e: &Entry) -> EntryRef {
        EntryRef {
            entry: format!("{}:{}", self.file, e.line),
            check: e.check.as_str().to_string(),
            reason: e.reason.clone(),
            expires: e.expires,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_matches() {
        let s = Suppressions::parse(
            "s.toml",
            r#"
[[suppress]]
check = "s3-bucket-*"
reason = "sandbox"
ous = ["Root/Sandbox"]
tags = { env = "dev" }

[[suppress]]
check = "iam-root-mfa"
reason = "break-glass account"
accounts = ["111111111111"]
expires = 2020-01-01
"#,
        )
        .unwrap();
        assert_eq!(s.entries[0].line, 2);
        assert_eq!(s.entries[1].line, 8);
        let tags: BTreeMap<String, String> = [("env".to_string(), "dev".to_string())].into();
        let subject = Subject {
            check_id: "s3-bucket-versioning",
            account_id: "222222222222",
            ou_path: Some("Root/Sandbox/Team-a"),
            region: Some("eu-west-1"),
            resource: "arn:aws:s3:::x",
            tags: Some(&tags),
        };
        assert!(s.entries[0].matches(&subject));
        assert!(!s.entries[0].matches(&Subject {
            ou_path: Some("Root/Sandboxes"),
            ..subject
        }));
        assert!(!s.entries[0].matches(&Subject {
            tags: None,
            ..subject
        }));
        assert!(s.entries[1].expired(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap()));
    }

    #[test]
    fn errors_point_at_the_line() {
        let cases = [
            (
                "[[suppress]]\ncheck = \"iam-root-mfa\"\nreason = \"\"\n",
                1,
                "`reason` is empty",
            ),
            ("[[suppress]]\ncheck = \"iam-root-mfa\"\n", 1, "reason"),
            (
                "\n\n[[suppress]]\ncheck = \"no-such-check\"\nreason = \"x\"\n",
                3,
                "matches no check",
            ),
            (
                "[[suppress]]\ncheck = \"iam-root-mfa\"\nreason = \"x\"\nexpires = \"soon\"\n",
                4,
                "",
            ),
            (
                "[[suppress]]\ncheck = \"iam-root-mfa\"\nreason = \"x\"\ncolour = \"red\"\n",
                4,
                "colour",
            ),
            (
                "[[suppress]]\ncheck = \"iam-root-mfa\"\nreason = \"x\"\naccounts = [\"12\"]\n",
                1,
                "12-digit",
            ),
            ("[[suppress]\n", 1, ""),
        ];
        for (text, line, needle) in cases {
            let e = Suppressions::parse("s.toml", text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
            assert!(e.to_string().starts_with("s.toml:"), "{e}");
        }
    }
}
