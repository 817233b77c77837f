//! Root user checks, from the `<root_account>` row of the credential report.

use std::collections::BTreeMap;

use super::iam_users::report_evidence;
use super::{CheckDef, Context, Input, Results, account_resource};
use crate::inventory::credential_report::{Cell, CredentialReportRow};
use crate::inventory::{AccountInventory, Collected, Iam, OrganizationsFeatures};

pub const ACCESS_KEYS: CheckDef = CheckDef {
    id: "iam-root-access-keys",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_root(ctx, "iam-root-access-keys", |out, acct, res, _, root| {
            let id = &acct.account_id;
            let active: Vec<String> = root
                .access_keys
                .iter()
                .enumerate()
                .filter(|(_, k)| k.active.is_true())
                .map(|(i, _)| format!("access_key_{}", i + 1))
                .collect();
            if active.is_empty() {
                out.pass(id, None, res, "the root user has no active access keys");
            } else {
                out.fail(
                    id,
                    None,
                    res,
                    format!("the root user has {} active access key(s)", active.len()),
                )
                .with(
                    "credential_report.<root_account>.active_keys",
                    active.join(", "),
                );
            }
        })
    },
};

pub const MFA: CheckDef = CheckDef {
    id: "iam-root-mfa",
    // A member account's root user without credentials is judged with the organization's
    // centralized root access, which only the management account (or IAM's delegated
    // administrator) can read: so this check sees every account at once.
    input: Input::AllAccounts,
    evaluate: |ctx| {
        let central = central_root_access(ctx);
        // Why the features are unknown, when an account's call failed (e.g. the management
        // account's role lacks iam:ListOrganizationsFeatures).
        let features_error = ctx.accounts.iter().find_map(|a| match &a.iam {
            Collected::Ok(iam) => iam
                .organizations_features
                .as_ref()
                .and_then(|f| f.error())
                .map(|e| format!("{}: {e}", a.account_id)),
            Collected::Failed(_) => None,
        });
        let management = match ctx.organization {
            Some(Collected::Ok(org)) => Some(org.management_account_id.clone()),
            _ => None,
        };
        per_root(ctx, "iam-root-mfa", |out, acct, res, iam, root| {
            let id = &acct.account_id;
            let summary = iam.account_summary.as_ref().ok();
            // GetAccountSummary is read live; the report may be hours old.
            let live_mfa = summary.and_then(|s| s.get(SUMMARY_MFA)).copied();
            let mfa = match live_mfa {
                Some(v) => v > 0,
                None => root.mfa_active.is_true(),
            };
            let no_credentials = summary.and_then(root_without_credentials);
            if mfa {
                out.pass(id, None, res, "MFA is enabled for the root user");
            } else if let Some(absent) = &no_credentials {
                let is_management = management.as_deref() == Some(id.as_str());
                match (&central, is_management) {
                    (Some((_, who, features)), false)
                        if features
                            .iter()
                            .any(|f| f == OrganizationsFeatures::ROOT_CREDENTIALS_MANAGEMENT) =>
                    {
                        out.pass(
                            id,
                            None,
                            res,
                            "the root user has no password, access keys or signing certificates, and the organization's centralized root access (RootCredentialsManagement) blocks their recovery: there is no root sign-in for MFA to protect",
                        )
                        .with("ListOrganizationsFeatures.EnabledFeatures", features.join(", "))
                        .with("ListOrganizationsFeatures.answered_by", who);
                    }
                    (Some((_, who, features)), _) => {
                        out.fail(
                            id,
                            None,
                            res,
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
                        let why = match &features_error {
                            Some(e) => format!("reading it failed: {e}"),
                            None => "iam:ListOrganizationsFeatures answers only in the management account or IAM's delegated administrator: scan it too, e.g. with --org".to_string(),
                        };
                        out.not_assessed(
                            id,
                            None,
                            res,
                            format!("not assessed: the root user has no password, access keys or signing certificates and no MFA; whether the organization's centralized root access blocks recovery of a root password is unknown ({why})"),
                        );
                    }
                }
                for (key, value) in absent {
                    out.evidence(format!("GetAccountSummary.{key}"), value);
                }
            } else {
                out.fail(id, None, res, "MFA is not enabled for the root user");
            }
            if let Some(v) = live_mfa {
                out.evidence(format!("GetAccountSummary.{SUMMARY_MFA}"), v);
            }
            out.evidence(
                "credential_report.<root_account>.mfa_active",
                show(&root.mfa_active),
            );
        })
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
/// read them (the management account or IAM's delegated administrator): (organization id,
/// answering account, features).
fn central_root_access(ctx: &Context) -> Option<(Option<String>, String, Vec<String>)> {
    let mut found = None;
    for acct in ctx.accounts {
        let Collected::Ok(iam) = &acct.iam else {
            continue;
        };
        if let Some(Collected::Ok(OrganizationsFeatures::Known {
            organization_id,
            features,
        })) = &iam.organizations_features
        {
            let answer = (
                organization_id.clone(),
                acct.account_id.clone(),
                features.clone(),
            );
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

pub const RECENT_USE: CheckDef = CheckDef {
    id: "iam-root-recent-use",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let days = ctx.thresholds.root_recent_use_days;
        per_root(ctx, "iam-root-recent-use", |out, acct, res, _, root| {
            let id = &acct.account_id;
            let mut uses = Vec::new();
            if let Some(t) = root.password_last_used.value() {
                uses.push(("password_last_used", *t));
            }
            for (i, k) in root.access_keys.iter().enumerate() {
                if let Some(t) = k.last_used_date.value() {
                    uses.push((
                        if i == 0 {
                            "access_key_1_last_used_date"
                        } else {
                            "access_key_2_last_used_date"
                        },
                        *t,
                    ));
                }
            }
            let recent: Vec<_> = uses
                .iter()
                .filter(|(_, t)| ctx.days_since(*t) < days)
                .collect();
            if recent.is_empty() {
                out.pass(
                    id,
                    None,
                    res,
                    format!("the root user was not used in the last {days} days"),
                );
            } else {
                out.fail(
                    id,
                    None,
                    res,
                    format!("the root user was used within the last {days} days"),
                );
            }
            for (path, t) in &uses {
                out.evidence(
                    format!("credential_report.<root_account>.{path}"),
                    t.to_rfc3339(),
                );
            }
        })
    },
};

fn show<T: std::fmt::Debug>(c: &Cell<T>) -> String {
    match c {
        Cell::Value(v) => format!("{v:?}"),
        Cell::NotApplicable => "N/A".into(),
        Cell::NoInformation => "no_information".into(),
        Cell::NotSupported => "not_supported".into(),
    }
}

fn per_root(
    ctx: &Context,
    check: &'static str,
    mut f: impl FnMut(&mut Results, &AccountInventory, &str, &Iam, &CredentialReportRow),
) -> Vec<super::CheckResult> {
    let mut out = Results::new(check);
    for acct in out.accessible_accounts(ctx) {
        let id = &acct.account_id;
        let res = account_resource(id);
        let Some(iam) = out.collected(&acct.iam, id, None, &res) else {
            continue;
        };
        let Some(report) = out.collected(&iam.credential_report, id, None, &res) else {
            continue;
        };
        let first = out.items.len();
        match report.root() {
            Some(root) => f(&mut out, acct, &res, iam, root),
            None => {
                out.not_assessed(
                    id,
                    None,
                    &res,
                    "not assessed: the credential report has no <root_account> row",
                );
            }
        }
        // Every result read the report: say how old it was.
        for r in &mut out.items[first..] {
            report_evidence(r, report, ctx.scan.started_at);
        }
    }
    out.items
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn root_keys_mfa_and_use() {
        let inv = inventory_with_report(&[
            "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00Z,not_supported,2026-11-20T00:00:00Z,not_supported,not_supported,false,true,2020-01-01T00:00:00Z,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(statuses(&inv, "iam-root-access-keys"), vec![Status::Fail]);
        assert_eq!(statuses(&inv, "iam-root-mfa"), vec![Status::Fail]);
        assert_eq!(statuses(&inv, "iam-root-recent-use"), vec![Status::Fail]);
        // 200 days later, the last use is old.
        assert_eq!(
            statuses_at(&inv, "iam-root-recent-use", 200),
            vec![Status::Pass]
        );

        let good = inventory_with_report(&[
            "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00Z,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(statuses(&good, "iam-root-access-keys"), vec![Status::Pass]);
        assert_eq!(statuses(&good, "iam-root-mfa"), vec![Status::Pass]);
        assert_eq!(statuses(&good, "iam-root-recent-use"), vec![Status::Pass]);
    }

    #[test]
    fn no_root_row_is_not_assessed() {
        let inv = inventory_with_report(&[]);
        assert_eq!(statuses(&inv, "iam-root-mfa"), vec![Status::NotAssessed]);
    }

    #[test]
    fn failed_report_is_not_assessed() {
        let mut inv = inventory_with_report(&[]);
        fail_credential_report(&mut inv);
        assert_eq!(
            statuses(&inv, "iam-root-access-keys"),
            vec![Status::NotAssessed]
        );
        let r = results(&inv, "iam-root-access-keys");
        assert!(r[0].message.contains("AccessDenied"), "{}", r[0].message);
    }

    /// Audit finding 2: a member account whose root credentials centralized root access removed
    /// is the goal state, not a critical failure. The management account answers
    /// ListOrganizationsFeatures for the organization.
    #[test]
    fn root_without_credentials_under_centralized_root_access_passes() {
        let inv = two_accounts(
            serde_json::json!({"ok": {"answer": "known", "organization_id": "o-test", "features": ["RootCredentialsManagement", "RootSessions"]}}),
        );
        let r = results(&inv, "iam-root-mfa");
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
        let r = results(&inv, "iam-root-mfa");
        assert_eq!(r[1].status, Status::Fail);
        assert!(r[1].message.contains("recovered"), "{}", r[1].message);
    }

    /// Audit finding 2: when no scanned account can say whether recovery is blocked, a root
    /// user without credentials is not assessed (neither the old false fail nor a guess).
    #[test]
    fn root_without_credentials_and_unknown_recovery_is_not_assessed() {
        let mut inv = inventory_with_report(&[&root_row(false)]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(0, 0, 0, 0));
        let r = results(&inv, "iam-root-mfa");
        assert_eq!(r[0].status, Status::NotAssessed, "{r:#?}");
        assert!(r[0].message.contains("ListOrganizationsFeatures"));
        // A failed call says why.
        iam_mut(&mut inv).organizations_features =
            Some(Collected::Failed(denied("ListOrganizationsFeatures")));
        let r = results(&inv, "iam-root-mfa");
        assert_eq!(r[0].status, Status::NotAssessed);
        assert!(r[0].message.contains("AccessDenied"), "{}", r[0].message);
    }

    /// Audit finding 2: the other root checks already pass a root user without credentials.
    #[test]
    fn other_root_checks_pass_a_root_without_credentials() {
        let inv = inventory_with_report(&[&root_row(false)]);
        assert_eq!(statuses(&inv, "iam-root-access-keys"), vec![Status::Pass]);
        assert_eq!(statuses(&inv, "iam-root-recent-use"), vec![Status::Pass]);
    }

    /// Audit finding 12: GetAccountSummary is read live and wins over a report hours old.
    #[test]
    fn live_account_summary_mfa_wins_over_an_old_report() {
        let mut inv = inventory_with_report(&[&root_row(false)]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(1, 1, 0, 0));
        assert_eq!(statuses(&inv, "iam-root-mfa"), vec![Status::Pass]);
        iam_mut(&mut inv).account_summary = Collected::Ok(root_summary(0, 1, 0, 0));
        assert_eq!(statuses(&inv, "iam-root-mfa"), vec![Status::Fail]);
    }

    /// Audit finding 12: every root result says when the report it read was generated.
    #[test]
    fn root_results_carry_the_report_age() {
        let mut inv = inventory_with_report(&[&root_row(true)]);
        if let Collected::Ok(r) = &mut iam_mut(&mut inv).credential_report {
            r.generated_at = Some(fixture_now() - chrono::Duration::minutes(135));
        }
        for check in [
            "iam-root-mfa",
            "iam-root-access-keys",
            "iam-root-recent-use",
        ] {
            let r = results(&inv, check);
            let ev = |p: &str| {
                r[0].evidence
                    .iter()
                    .find(|e| e.path == p)
                    .map(|e| e.value.clone())
                    .unwrap_or_default()
            };
            assert_eq!(
                ev("credential_report.generated_at"),
                "2026-11-21T21:45:00+00:00",
                "{check}"
            );
            assert_eq!(
                ev("credential_report.age"),
                "2h15m before the scan started",
                "{check}"
            );
        }
    }

    const MEMBER: &str = "222222222222";

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
