//! Amazon Inspector: whether an account scans EC2, ECR and Lambda in a region. Shared by
//! `inspector-enabled` and the coverage probe, so that they agree.

use crate::inventory::{DelegatedAdministrator, Inspector2};

/// The account Organizations lists as the delegated administrator of `principal`
/// (`inspector2.amazonaws.com`, `macie.amazonaws.com`, `access-analyzer.amazonaws.com`).
pub fn administrator_of<'a>(
    admins: &'a [DelegatedAdministrator],
    principal: &str,
) -> Option<&'a DelegatedAdministrator> {
    admins
        .iter()
        .find(|a| a.service_principals.iter().any(|p| p == principal))
}

/// Whether the service is on, with the sentence that says so.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub on: bool,
    pub detail: String,
}

/// On when the account is enabled with EC2, ECR and Lambda scanning; off, naming what is off,
/// otherwise.
pub fn scanning(i: &Inspector2) -> Verdict {
    if !i.is_enabled() {
        return Verdict {
            on: false,
            detail: format!("Inspector is {} for the account", i.status),
        };
    }
    let off: Vec<String> = i
        .scan_types()
        .iter()
        .filter(|(_, s)| *s != Some(Inspector2::ENABLED))
        .map(|(t, s)| format!("{t} ({})", s.unwrap_or("not reported")))
        .collect();
    if off.is_empty() {
        Verdict {
            on: true,
            detail: "Inspector scans EC2, ECR and Lambda".into(),
        }
    } else {
        Verdict {
            on: false,
            detail: format!("Inspector is enabled but does not scan {}", off.join(", ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::{inspector2_disabled, inspector2_enabled};

    #[test]
    fn all_three_scan_types_are_needed() {
        assert!(scanning(&inspector2_enabled()).on);
        let off = scanning(&inspector2_disabled());
        assert!(!off.on && off.detail.contains("DISABLED"), "{off:?}");
        let mut partial = inspector2_enabled();
        partial.ecr = Some("DISABLED".into());
        partial.lambda = None;
        let v = scanning(&partial);
        assert!(!v.on);
        let msg = v.detail;
        assert!(
            msg.contains("ECR (DISABLED)") && msg.contains("Lambda (not reported)"),
            "{msg}"
        );
    }
}
