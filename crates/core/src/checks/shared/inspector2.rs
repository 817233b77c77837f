//! Amazon Inspector: whether an account scans EC2, ECR and Lambda in a region. Shared by
//! `inspector-enabled` and the coverage probe, so that they agree.

use crate::check::{AccountDigest, AnalyzersDigest, At, Findings, OrgContext, Reason, Subject};
use crate::inventory::{Collected, DelegatedAdministrator, Inspector2};

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

/// What an organization check of Inspector or Macie says when the service has no delegated
/// administrator: a failure (nothing auto-enables it) or not applicable (no member list).
pub enum NoAdministrator {
    Fail(&'static str),
    NotApplicable(&'static str),
}

/// The organization view `pick` reads (Inspector's or Macie's configuration and members) in
/// every scanned region of the service's delegated administrator, with the administrator's
/// account id. Records the rest itself: no delegated administrator (`none`), the administrator
/// not scanned (`outside-scan`), a region where the view was not read (`not-reported`, naming
/// `what`) or its call failed.
pub fn administrator_views<'i, V>(
    ctx: &OrgContext<'i>,
    out: &mut Findings,
    principal: &str,
    what: &str,
    none: NoAdministrator,
    pick: fn(&AnalyzersDigest) -> &Option<Collected<V>>,
) -> Vec<(At<'i, V, AccountDigest>, &'i str)> {
    let mut views = Vec::new();
    let Some((org, admins)) = out.organization_part(ctx, |o| &o.delegated_administrators) else {
        return views;
    };
    let Some(admin) = administrator_of(admins, principal) else {
        match none {
            NoAdministrator::Fail(why) => out.fail(org, why),
            NoAdministrator::NotApplicable(why) => out.not_applicable(org, why),
        };
        return views;
    };
    let Some(host) = ctx
        .accounts
        .iter()
        .find(|a| a.account_id == admin.account_id)
        .map(|a| a.account_id.as_str())
    else {
        let host = &admin.account_id;
        out.not_assessed(
            &Subject::account(host),
            Reason::outside_scan(format!(
                "account {host}, the delegated administrator of {principal}, was not scanned"
            )),
        );
        return views;
    };
    let Some(regions) = out.digest_analyzers_of(ctx, host) else {
        return views;
    };
    for d in regions {
        let region = d.region.unwrap_or_default();
        let Some(view) = pick(d.item) else {
            out.not_assessed(
                &d,
                Reason::not_reported(format!("{what} not read in account {host} in {region}")),
            );
            continue;
        };
        if let Some(v) = out.collected_at(&d, view) {
            views.push((v, host));
        }
    }
    views
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
