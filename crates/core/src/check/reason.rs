//! Why a result is "not assessed": a stable code for machines and one sentence for people,
//! rendered here and nowhere else.

use serde::{Deserialize, Serialize};

use crate::inventory::{CollectionError, ErrorKind};

/// The stable code of a [`Reason`], in the JSON result as `not_assessed_reason.code`.
/// Codes are never renamed or reused: pipelines group and alert on them.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum ReasonCode {
    /// An API call that would have produced the data failed (`error` says which and how).
    CollectionFailed,
    /// posture could not assume its role in the account.
    AccountNotAccessible,
    /// The check judges the organization and the scan did not run with `--org`.
    NotOrganizationMode,
    /// A policy document could not be parsed or analysed.
    UnparseableDocument,
    /// AWS answered without a field the judgement needs.
    NotReported,
    /// The judgement needs an account, region or resource outside what was scanned.
    OutsideScan,
    /// The data is there but a condition or grant cannot be decided from it.
    Undecidable,
    /// The collected data contradicts itself or lacks a record it should have.
    Inconsistent,
}

impl ReasonCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ReasonCode::CollectionFailed => "collection-failed",
            ReasonCode::AccountNotAccessible => "account-not-accessible",
            ReasonCode::NotOrganizationMode => "not-organization-mode",
            ReasonCode::UnparseableDocument => "unparseable-document",
            ReasonCode::NotReported => "not-reported",
            ReasonCode::OutsideScan => "outside-scan",
            ReasonCode::Undecidable => "undecidable",
            ReasonCode::Inconsistent => "inconsistent",
        }
    }
}

/// The failed call behind a [`ReasonCode::CollectionFailed`] reason, without its message (which
/// is in the sentence).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FailedCall {
    pub service: String,
    pub operation: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub kind: ErrorKind,
    /// The AWS error code (`AccessDenied`, `Throttling`, …) when AWS sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_code: Option<String>,
}

/// Why a check could not judge a resource.
#[derive(Debug, Clone, PartialEq)]
pub struct Reason {
    pub code: ReasonCode,
    /// What was missing, as a clause: the sentence is "not assessed: {detail}".
    pub detail: String,
    pub call: Option<Box<FailedCall>>,
}

/// The structured part of a reason, as the JSON result carries it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ReasonRecord {
    pub code: ReasonCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<FailedCall>,
}

impl Reason {
    fn new(code: ReasonCode, detail: impl Into<String>) -> Reason {
        Reason {
            code,
            detail: detail.into(),
            call: None,
        }
    }

    /// The data came from a call that failed.
    pub fn collection(e: &CollectionError) -> Reason {
        Reason::collection_as(String::new(), e)
    }

    /// The data came from a call that failed; `what` names the data first ("bucket Block
    /// Public Access unknown: ").
    pub fn collection_as(what: impl Into<String>, e: &CollectionError) -> Reason {
        Reason {
            code: ReasonCode::CollectionFailed,
            detail: format!("{}{e}", what.into()),
            call: Some(Box::new(FailedCall {
                service: e.service.clone(),
                operation: e.operation.clone(),
                region: e.region.clone(),
                kind: e.kind,
                error_code: e.code.clone(),
            })),
        }
    }

    /// posture could not enter the account.
    pub fn account_not_accessible(role_arn: &str, e: &CollectionError) -> Reason {
        let mut r = Reason::collection(e);
        r.code = ReasonCode::AccountNotAccessible;
        r.detail = format!("could not assume {role_arn}: {}", e.message);
        r
    }

    pub fn not_organization_mode() -> Reason {
        Reason::new(
            ReasonCode::NotOrganizationMode,
            "the scan did not run in organization mode (--org)",
        )
    }

    /// `document` ("the bucket policy") could not be analysed.
    pub fn unparseable(document: impl std::fmt::Display, error: impl std::fmt::Display) -> Reason {
        Reason::new(
            ReasonCode::UnparseableDocument,
            format!("{document} could not be analysed: {error}"),
        )
    }

    pub fn not_reported(detail: impl Into<String>) -> Reason {
        Reason::new(ReasonCode::NotReported, detail)
    }

    pub fn outside_scan(detail: impl Into<String>) -> Reason {
        Reason::new(ReasonCode::OutsideScan, detail)
    }

    pub fn undecidable(detail: impl Into<String>) -> Reason {
        Reason::new(ReasonCode::Undecidable, detail)
    }

    pub fn inconsistent(detail: impl Into<String>) -> Reason {
        Reason::new(ReasonCode::Inconsistent, detail)
    }

    /// The same reason with a clause in front ("the ACL has public grants, and "): the code and
    /// the failed call are kept.
    pub fn after(mut self, clause: impl std::fmt::Display) -> Reason {
        self.detail = format!("{clause}{}", self.detail);
        self
    }

    /// The sentence of the result's message.
    pub fn sentence(&self) -> String {
        format!("not assessed: {}", self.detail)
    }

    pub fn record(&self) -> ReasonRecord {
        ReasonRecord {
            code: self.code,
            call: self.call.as_deref().cloned(),
        }
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.detail)
    }
}
