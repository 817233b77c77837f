//! Amazon Macie: whether it runs in an account and region. Shared by `macie-enabled` and the
//! coverage probe, so that they agree.

use crate::inventory::Macie;

pub use super::inspector2::Verdict;

/// On when Macie is enabled; off when it is paused or not enabled.
pub fn running(m: &Macie) -> Verdict {
    let (on, detail) = match m {
        Macie::Session { status, .. } if status == "ENABLED" => (true, "Macie is enabled".into()),
        Macie::Session { status, .. } if status == "PAUSED" => (
            false,
            "Macie is paused: it runs no sensitive data discovery".into(),
        ),
        Macie::Session { status, .. } => (false, format!("Macie reports the status {status}")),
        Macie::NotEnabled => (false, "Macie is not enabled".into()),
    };
    Verdict { on, detail }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_enabled_runs() {
        let s = |status: &str| Macie::Session {
            status: status.into(),
            finding_publishing_frequency: None,
        };
        assert!(running(&s("ENABLED")).on);
        let paused = running(&s("PAUSED"));
        assert!(!paused.on && paused.detail.contains("paused"));
        assert!(!running(&Macie::NotEnabled).on);
    }
}
