//! The root user has MFA. A member account's root user without credentials is judged with the
//! organization's centralized root access, which only the management account (or IAM's
//! delegated administrator) can read: so this check sees every account at once.

use std::collections::BTreeMap;

use super::shared::iam::each_digest_root;
use crate::check::{AccountDigest, OrgCheck, Reason};
use crate::inventory::credential_report::Cell;
use crate::inventory::{Collected, OrganizationsFeatures};

pub const CHECK: OrgCheck = OrgCheck {
    id: "iam-root-mfa",
    run: |ctx, out| {
        let central = central_root_access(ctx.accounts);
        let management = ctx.management_account_id();
        each_digest_root(ctx, out, |out, iam, root| {
            let summary = iam.account_summary.as_ref().ok();
            // GetAccountSummary is read live; the report may be hours old.
            let live_mfa = summary.and_then(|s| s.get(SUMMARY_MFA)).copied();
            let mfa = match live_mfa {
                Some(v) => v > 0,
                None => root.mfa_active.is_true(),
            };
            let no_credentials = summary.and_then(root_without_credentials);
            if mfa {
                out.pass(iam, "MFA is enabled for the root user");
            } else if let Some(absent) = &no_credentials {
                let is_management = management == Some(iam.account_id());
                match (central, is_management) {
                    (Some((who, features)), false)
                        if features
                            .iter()
                            .any(|f| f == OrganizationsFeatures::ROOT_CREDENTIALS_MANAGEMENT) =>
                    {
                        out.pass(
                            iam,
                            "the root user has no password, access keys or signing certificates, and the organization's centralized root access (RootCredentialsManagement) blocks their recovery: there is no root sign-in for MFA to protect",
                        )
                        .with("ListOrganizationsFeatures.EnabledFeatures", features.join(", "))
                        .with("ListOrganizationsFeatures.answered_by", who);
                    }
                    (Some((who, features)), _) => {
                        out.fail(
                            iam,
                            if is_management {
                                "MFA is not enabled for the root user; it has no password now, but the management account's root password can always be recovered through the account's email address (centralized root access covers member accounts only)"
                            } else {
                                "MFA is not enabled for the root user; it has no password now, but one can be recovered through the account's email address: centralized root access (RootCredentialsManagement) is not enabled to block recovery"
                            },
                        )
                        .with(
                            "ListOrganizationsFeatures.EnabledFeatures",
                            if features.is_empty() { "none".to_string() } else { features.join(", ") },
                        )
                        .with("ListOrganizationsFeatures.answered_by", who);
                    }
                    (None, _) => {
                        out.not_assessed(iam, recovery_unknown(ctx.accounts));
                    }
                }
                for (key, value) in absent {
                    out.evidence(format!("GetAccountSummary.{key}"), value);
                }
            } else {
                out.fail(iam, "MFA is not enabled for the root user");
            }
            if let Some(v) = live_mfa {
                out.evidence(format!("GetAccountSummary.{SUMMARY_MFA}"), v);
            }
            out.evidence(
                "credential_report.<root_account>.mfa_active",
                show(&root.mfa_active),
            );
        });
    },
};

const SUMMARY_MFA: &str = "AccountMFAEnabled";

/// GetAccountSummary's root credential flags, when all of them say the root user has none (no
/// password, no access keys, no signing certificates), as evidence; `None` otherwise or when a
/// flag is missing.
fn root_without_credentials(summary: &BTreeMap<String, i64>) -> Option<Vec<(&'static str, i64)>> {
    [
        "AccountPasswordPresent",
        "AccountAccessKeysPresent",
        "AccountSigningCertificatesPresent",
    ]
    .into_iter()
    .map(|k| match summary.get(k) {
        Some(0) => Some((k, 0)),
        _ => None,
    })
    .collect()
}

/// The organization's centralized root access features, from the scanned account that could
/// read them (the management account or IAM's delegated administrator): (answering account,
/// features).
fn central_root_access(accounts: &[AccountDigest]) -> Option<(&str, &[String])> {
    let mut found = None;
    for acct in accounts {
        let Collected::Ok(iam) = &acct.iam else {
            continue;
        };
        if let Some(Collected::Ok(OrganizationsFeatures::Known {
            organization_id,
            features,
        })) = &iam.organizations_features
        {
            let answer = (acct.account_id.as_str(), features.as_slice());
            // An answer that names the organization beats "no organization" from an account
            // outside it.
            if organization_id.is_some() {
                return Some(answer);
            }
            found.get_or_insert(answer);
        }
    }
    found
}

/// Why whether recovery of a root password is blocked is unknown: the call that failed in a
/// scanned account (e.g. the management account's role lacks iam:ListOrganizationsFeatures),
/// or no scanned account that can answer.
fn recovery_unknown(accounts: &[AccountDigest]) -> Reason {
    let what = "the root user has no password, access keys or signing certificates and no MFA; whether the organization's centralized root access blocks recovery of a root password is unknown";
    let failed = accounts.iter().find_map(|a| match &a.iam {
        Collected::Ok(iam) => iam
            .organizations_features
            .as_ref()
            .and_then(|f| f.error())
            .map(|e| (&a.account_id, e)),
        Collected::Failed(_) => None,
    });
    match failed {
        Some((account, e)) => Reason {
            detail: format!("{what} (reading it failed: {account}: {e})"),
            ..Reason::collection(e)
        },
        None => Reason::outside_scan(format!(
            "{what} (iam:ListOrganizationsFeatures answers only in the management account or IAM's delegated administrator: scan it too, e.g. with --org)"
        )),
    }
}

fn show<T: std::fmt::Debug>(c: &Cell<T>) -> String {
    match c {
        Cell::Value(v) => format!("{v:?}"),
        Cell::NotApplicable => "N/A".into(),
        Cell::NoInformation => "no_information".into(),
        Cell::NotSupported => "not_supported".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn no_root_row_is_not_assessed() {
        let inv = inventory_with_report(&[]);
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// Audit finding 2: a member account whose root credentials centralized root access removed
    /// is the goal state, not a critical failure. The management account answers
    /// ListOrganizationsFeatures for the organization.
    #[test]
    fn root_without_credentials_under_centralized_root_access_passes() {
        let inv = two_accounts(
            serde_json::json!({"ok": {"answer": "known", "organization_id": "o-test", "features": ["RootCredentialsManagement", "RootSessions"]}}),
        );
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![Status::Pass, Status::Pass],
            "{r:#?}"
        );
        let member = &r[1];
        assert_eq!(member.account_id, MEMBER);
        assert!(member.message.contains("no password"), "{}", member.message);
        let has = |p: &str| member.evidence.iter().any(|e| e.path == p);
        assert!(has("GetAccountSummary.AccountPasswordPresent"));
        assert!(has("ListOrganizationsFeatures.EnabledFeatures"));
    }

    /// Audit finding 2: without centralized root access, a root user with no password can
    /// still recover one through the account's email: that is still a failure.
    #[test]
    fn root_without_credentials_but_recoverable_fails() {
        let inv = two_accounts(
            serde_json::json!({"ok": {"answer": "known", "organization_id": "o-test", "features": []}}),
        );
        assert_result(&results(&inv, CHECK.id)[1], Status::Fail, &["recovered"]);
    }

    /// Audit finding 2: when no scanned account can say whether recovery is blocked, a root
    /// user without credentials is not assessed (neither the old false fail nor a guess).
    #[test]
    fn root_without_credentials_and_unknown_recovery_is_not_assessed() {
        let mut inv = inventory_with_report(&[&root_row(false)]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(0, 0, 0, 0));
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::NotAssessed, &["ListOrganizationsFeatures"]);
        // A failed call says why.
        fail_organizations_features(&mut inv);
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::NotAssessed, &["AccessDenied"]);
    }

    /// Audit finding 12: GetAccountSummary is read live and wins over a report hours old.
    #[test]
    fn live_account_summary_mfa_wins_over_an_old_report() {
        let mut inv = inventory_with_report(&[&root_row(false)]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(1, 1, 0, 0));
        assert_statuses(&inv, CHECK.id, &[Status::Pass]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(0, 1, 0, 0));
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
    }

    /// The reason of an unknown recovery: no scanned account can answer (outside the scan), or
    /// the call failed (collection, with the call).
    #[test]
    fn unknown_recovery_reasons() {
        let mut inv = inventory_with_report(&[&root_row(false)]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(0, 0, 0, 0));
        assert_reason(&results(&inv, CHECK.id)[0], ReasonCode::OutsideScan);
        fail_organizations_features(&mut inv);
        let r = results(&inv, CHECK.id);
        let reason = assert_reason(&r[0], ReasonCode::CollectionFailed);
        let call = reason.call.as_ref().expect("the failed call");
        assert_eq!(call.operation, "ListOrganizationsFeatures");
        assert!(
            r[0].message
                .starts_with("not assessed: the root user has no password")
                && r[0].message.ends_with(")"),
            "{}",
            r[0].message
        );
    }

    const MEMBER: &str = "222222222222";

    fn fail_organizations_features(inv: &mut crate::inventory::Inventory) {
        iam_mut(inv).organizations_features =
            Some(Collected::Failed(denied("ListOrganizationsFeatures")));
    }

    /// The organization's management account (root with MFA, answering ListOrganizationsFeatures
    /// with `features`) and a member account whose root user has no credentials at all.
    fn two_accounts(features: serde_json::Value) -> crate::inventory::Inventory {
        let mut inv = org_inventory();
        let report = inventory_with_report(&[&root_row(false)]);
        inv.accounts[0].iam = report.accounts[0].iam.clone();
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(1, 1, 0, 0));
        let mut member = inv.accounts[0].clone();
        member.account_id = MEMBER.into();
        if let Collected::Ok(iam) = &mut member.iam {
            iam.account_summary = Collected::Ok(root_summary(0, 0, 0, 0));
        }
        inv.accounts.push(member);
        edit_json(&inv, |v| {
            v["accounts"][0]["iam"]["ok"]["organizations_features"] = features;
            v["accounts"][1]["iam"]["ok"]["organizations_features"] =
                serde_json::json!({"ok": {"answer": "not_answerable"}});
        })
    }
}
