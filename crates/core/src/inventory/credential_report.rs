//! The IAM credential report: a CSV document with one row per user, `<root_account>` first.
//!
//! Every documented column is parsed by header name (AWS may append columns; unknown ones are
//! ignored). Cell values other than data are kept as what they mean: `N/A` (not applicable,
//! e.g. a key that never existed or a password never used), `no_information` (not used since
//! IAM began tracking in October 2014) and `not_supported` (root-only cells).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A cell that holds a value or one of the report's documented placeholders.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Cell<T> {
    Value(T),
    /// `N/A`
    NotApplicable,
    /// `no_information`
    NoInformation,
    /// `not_supported`
    NotSupported,
}

impl<T> Cell<T> {
    pub fn value(&self) -> Option<&T> {
        match self {
            Cell::Value(v) => Some(v),
            _ => None,
        }
    }
}

impl Cell<bool> {
    /// `true` only when the report says `true`.
    pub fn is_true(&self) -> bool {
        matches!(self, Cell::Value(true))
    }
}

/// One access key slot (the report has two per user).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportAccessKey {
    pub active: Cell<bool>,
    pub last_rotated: Cell<DateTime<Utc>>,
    pub last_used_date: Cell<DateTime<Utc>>,
    pub last_used_region: Cell<String>,
    pub last_used_service: Cell<String>,
}

/// One X.509 signing certificate slot.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReportSigningCert {
    pub active: Cell<bool>,
    pub last_rotated: Cell<DateTime<Utc>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CredentialReportRow {
    pub user: String,
    pub arn: String,
    pub user_creation_time: Cell<DateTime<Utc>>,
    pub password_enabled: Cell<bool>,
    pub password_last_used: Cell<DateTime<Utc>>,
    pub password_last_changed: Cell<DateTime<Utc>>,
    pub password_next_rotation: Cell<DateTime<Utc>>,
    pub mfa_active: Cell<bool>,
    pub access_keys: [ReportAccessKey; 2],
    pub certs: [ReportSigningCert; 2],
}

impl CredentialReportRow {
    pub fn is_root(&self) -> bool {
        self.user == ROOT_USER
    }
}

pub const ROOT_USER: &str = "<root_account>";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct CredentialReport {
    /// When AWS generated the report (it may be up to four hours old).
    pub generated_at: Option<DateTime<Utc>>,
    pub rows: Vec<CredentialReportRow>,
}

impl CredentialReport {
    pub fn root(&self) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| r.is_root())
    }
    pub fn user(&self, name: &str) -> Option<&CredentialReportRow> {
        self.rows.iter().find(|r| !r.is_root() && r.user == name)
    }
}

/// What was wrong with a report, and where.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ReportParseError {
    #[error("credential report is not valid CSV at line {line}: {message}")]
    Csv { line: u64, message: String },
    #[error("credential report lacks the documented column `{0}`")]
    MissingColumn(&'static str),
    #[error("credential report line {line}, column `{column}`: {message} (value {value:?})")]
    BadValue {
        line: u64,
        column: &'static str,
        value: String,
        message: String,
    },
}

const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];

/// Parse the CSV bytes of a credential report.
pub fn parse(
    bytes: &[u8],
    generated_at: Option<DateTime<Utc>>,
) -> Result<CredentialReport, ReportParseError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ReportParseError::Csv {
            line: 1,
            message: e.to_string(),
        })?
        .clone();
    let mut index = [0usize; COLUMNS.len()];
    for (i, name) in COLUMNS.iter().enumerate() {
        index[i] = headers
            .iter()
            .position(|h| h.trim() == *name)
            .ok_or(ReportParseError::MissingColumn(name))?;
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| ReportParseError::Csv {
            line: e.position().map(|p| p.line()).unwrap_or(0),
            message: e.to_string(),
        })?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let cell = |col: usize| -> (&'static str, &str) {
            (COLUMNS[col], record.get(index[col]).unwrap_or("").trim())
        };
        let time = |col: usize| parse_time(line, cell(col));
        let flag = |col: usize| parse_bool(line, cell(col));
        let text = |col: usize| parse_text(cell(col).1);
        let key = |base: usize| -> Result<ReportAccessKey, ReportParseError> {
            Ok(ReportAccessKey {
                active: flag(base)?,
                last_rotated: time(base + 1)?,
                last_used_date: time(base + 2)?,
                last_used_region: text(base + 3),
                last_used_service: text(base + 4),
            })
        };
        let cert = |base: usize| -> Result<ReportSigningCert, ReportParseError> {
            Ok(ReportSigningCert {
                active: flag(base)?,
                last_rotated: time(base + 1)?,
            })
        };
        let user = cell(0).1.to_string();
        if user.is_empty() {
            return Err(ReportParseError::BadValue {
                line,
                column: "user",
                value: String::new(),
                message: "empty user name".into(),
            });
        }
        rows.push(CredentialReportRow {
            user,
            arn: cell(1).1.to_string(),
            user_creation_time: time(2)?,
            password_enabled: flag(3)?,
            password_last_used: time(4)?,
            password_last_changed: time(5)?,
            password_next_rotation: time(6)?,
            mfa_active: flag(7)?,
            access_keys: [key(8)?, key(13)?],
            certs: [cert(18)?, cert(20)?],
        });
    }
    Ok(CredentialReport { generated_at, rows })
}

fn placeholder<T>(value: &str) -> Option<Cell<T>> {
    match value {
        "N/A" | "" => Some(Cell::NotApplicable),
        "no_information" => Some(Cell::NoInformation),
        "not_supported" => Some(Cell::NotSupported),
        _ => None,
    }
}

fn parse_time(
    line: u64,
    (column, value): (&'static str, &str),
) -> Result<Cell<DateTime<Utc>>, ReportParseError> {
    if let Some(p) = placeholder(value) {
        return Ok(p);
    }
    DateTime::parse_from_rfc3339(value)
        .map(|t| Cell::Value(t.with_timezone(&Utc)))
        .map_err(|e| ReportParseError::BadValue {
            line,
            column,
            value: value.to_string(),
            message: format!("not an ISO 8601 timestamp ({e})"),
        })
}

fn parse_bool(
    line: u64,
    (column, value): (&'static str, &str),
) -> Result<Cell<bool>, ReportParseError> {
    if let Some(p) = placeholder(value) {
        return Ok(p);
    }
    match value.to_ascii_lowercase().as_str() {
        "true" => Ok(Cell::Value(true)),
        "false" => Ok(Cell::Value(false)),
        _ => Err(ReportParseError::BadValue {
            line,
            column,
            value: value.to_string(),
            message: "expected true or false".into(),
        }),
    }
}

fn parse_text(value: &str) -> Cell<String> {
    placeholder(value).unwrap_or_else(|| Cell::Value(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated";

    fn report(rows: &[&str]) -> Result<CredentialReport, ReportParseError> {
        let text = std::iter::once(HEADER)
            .chain(rows.iter().copied())
            .collect::<Vec<_>>()
            .join("\n");
        parse(text.as_bytes(), None)
    }

    #[test]
    fn parses_root_row_with_not_supported_cells() {
        let r = report(&["<root_account>,arn:aws:iam::111122223333:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T10:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]).unwrap();
        let root = r.root().unwrap();
        assert_eq!(root.password_enabled, Cell::NotSupported);
        assert!(root.mfa_active.is_true());
        assert_eq!(root.access_keys[0].last_rotated, Cell::NotApplicable);
        assert!(matches!(root.password_last_used, Cell::Value(_)));
    }

    #[test]
    fn parses_user_with_keys_and_no_information() {
        let r = report(&["alice,arn:aws:iam::111122223333:user/alice,2014-01-01T00:00:00Z,true,no_information,2014-01-01T00:00:00Z,N/A,false,true,2014-02-01T00:00:00Z,2026-10-01T00:00:00Z,us-east-1,s3,true,2020-01-01T00:00:00Z,N/A,N/A,N/A,false,N/A,false,N/A"]).unwrap();
        let alice = r.user("alice").unwrap();
        assert_eq!(alice.password_last_used, Cell::NoInformation);
        assert!(alice.access_keys[0].active.is_true());
        assert_eq!(
            alice.access_keys[0].last_used_service,
            Cell::Value("s3".to_string())
        );
        assert_eq!(alice.access_keys[1].last_used_date, Cell::NotApplicable);
        assert!(r.root().is_none());
    }

    #[test]
    fn columns_are_found_by_name_and_extra_columns_ignored() {
        let mut cols: Vec<&str> = HEADER.split(',').collect();
        cols.reverse();
        cols.push("future_column");
        let header = cols.join(",");
        let mut values: Vec<&str> = "bob,arn:aws:iam::1:user/bob,2020-01-01T00:00:00Z,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A".split(',').collect();
        values.reverse();
        values.push("x");
        let text = format!("{header}\n{}", values.join(","));
        let r = parse(text.as_bytes(), None).unwrap();
        assert_eq!(r.rows[0].user, "bob");
        assert_eq!(r.rows[0].password_enabled, Cell::Value(false));
    }

    #[test]
    fn missing_column_is_named() {
        let err = parse(b"user,arn\nbob,arn:x", None).unwrap_err();
        assert_eq!(err, ReportParseError::MissingColumn("user_creation_time"));
    }

    #[test]
    fn bad_timestamp_names_line_and_column() {
        let err = report(&["bob,arn:aws:iam::1:user/bob,yesterday,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]).unwrap_err();
        match err {
            ReportParseError::BadValue { line, column, .. } => {
                assert_eq!(line, 2);
                assert_eq!(column, "user_creation_time");
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn ragged_rows_are_an_error_not_a_panic() {
        let err = report(&["bob,arn"]).unwrap_err();
        assert!(matches!(err, ReportParseError::Csv { .. }), "{err:?}");
    }

    #[test]
    fn bad_boolean_is_an_error() {
        let err = report(&["bob,arn:aws:iam::1:user/bob,2020-01-01T00:00:00Z,maybe,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A"]).unwrap_err();
        assert!(
            matches!(
                err,
                ReportParseError::BadValue {
                    column: "password_enabled",
                    ..
                }
            ),
            "{err:?}"
        );
    }

    #[test]
    fn empty_report_has_no_rows() {
        let r = report(&[]).unwrap();
        assert!(r.rows.is_empty());
    }
}
