//! IAM Access Analyzer: which analyzer covers an account in a region. Shared by
//! `accessanalyzer-enabled` and the coverage probe, so that they agree.

use crate::inventory::{AccessAnalyzer, Analyzer};

/// The analyzer that watches an account's resources for external access in one region.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cover<'a> {
    /// An active external access analyzer of the account itself (type ACCOUNT, or ORGANIZATION
    /// when the account is the organization's analyzer host).
    Own(&'a Analyzer),
    /// An active ORGANIZATION analyzer of another scanned account of the organization (the
    /// management account or Access Analyzer's delegated administrator): it covers every account
    /// of the organization in its region.
    Organization {
        account_id: &'a str,
        analyzer: &'a Analyzer,
    },
}

impl Cover<'_> {
    /// A sentence for messages and coverage cells.
    pub fn describe(&self) -> String {
        match self {
            Cover::Own(a) => format!(
                "{} analyzer {} of the account is active",
                a.analyzer_type, a.name
            ),
            Cover::Organization {
                account_id,
                analyzer,
            } => format!(
                "organization analyzer {} of account {account_id} covers it",
                analyzer.name
            ),
        }
    }
}

/// Which analyzer covers the account whose own analyzers are `own`; `others` are the analyzers
/// of the other scanned accounts of the organization in the same region.
pub fn cover<'a>(
    own: &'a AccessAnalyzer,
    others: impl IntoIterator<Item = (&'a str, &'a AccessAnalyzer)>,
) -> Option<Cover<'a>> {
    if let Some(a) = own
        .analyzers
        .iter()
        .find(|a| a.is_active() && a.is_external_access())
    {
        return Some(Cover::Own(a));
    }
    others.into_iter().find_map(|(account_id, aa)| {
        aa.analyzers
            .iter()
            .find(|a| a.is_active() && a.is_organization())
            .map(|analyzer| Cover::Organization {
                account_id,
                analyzer,
            })
    })
}

/// Names and states of analyzers that do not count (inactive, or not external access), for
/// messages: `name (TYPE, STATUS)`.
pub fn others_described(aa: &AccessAnalyzer) -> Vec<String> {
    aa.analyzers
        .iter()
        .filter(|a| !(a.is_active() && a.is_external_access()))
        .map(|a| format!("{} ({}, {})", a.name, a.analyzer_type, a.status))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::analyzer;

    #[test]
    fn own_then_organization_analyzers_cover() {
        let none = AccessAnalyzer::default();
        let own = AccessAnalyzer {
            analyzers: vec![analyzer("mine", Analyzer::ACCOUNT, "ACTIVE")],
        };
        let org = AccessAnalyzer {
            analyzers: vec![analyzer("org", Analyzer::ORGANIZATION, "ACTIVE")],
        };
        let unused = AccessAnalyzer {
            analyzers: vec![
                analyzer("unused", "ORGANIZATION_UNUSED_ACCESS", "ACTIVE"),
                analyzer("org-off", Analyzer::ORGANIZATION, "DISABLED"),
            ],
        };
        assert!(matches!(cover(&own, []), Some(Cover::Own(_))));
        assert!(matches!(
            cover(&none, [("222222222222", &org)]),
            Some(Cover::Organization {
                account_id: "222222222222",
                ..
            })
        ));
        // Another account's ACCOUNT analyzer watches that account only.
        assert_eq!(cover(&none, [("222222222222", &own)]), None);
        assert_eq!(cover(&unused, [("222222222222", &unused)]), None);
        assert_eq!(others_described(&unused).len(), 2);
    }
}
