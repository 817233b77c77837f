//! Root user checks, from the `<root_account>` row of the credential report.

use super::{CheckDef, Context, Input, Results, account_resource};
use crate::inventory::credential_report::{Cell, CredentialReportRow};

pub const ACCESS_KEYS: CheckDef = CheckDef {
    id: "iam-root-access-keys",
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_root(ctx, "iam-root-access-keys", |out, id, res, root| {
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
    input: Input::OneAccount,
    evaluate: |ctx| {
        per_root(ctx, "iam-root-mfa", |out, id, res, root| {
            if root.mfa_active.is_true() {
                out.pass(id, None, res, "MFA is enabled for the root user");
            } else {
                out.fail(id, None, res, "MFA is not enabled for the root user");
            }
            out.evidence(
                "credential_report.<root_account>.mfa_active",
                show(&root.mfa_active),
            );
        })
    },
};

pub const RECENT_USE: CheckDef = CheckDef {
    id: "iam-root-recent-use",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let days = ctx.thresholds.root_recent_use_days;
        per_root(ctx, "iam-root-recent-use", |out, id, res, root| {
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
    mut f: impl FnMut(&mut Results, &str, &str, &CredentialReportRow),
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
        match report.root() {
            Some(root) => f(&mut out, id, &res, root),
            None => {
                out.not_assessed(
                    id,
                    None,
                    &res,
                    "not assessed: the credential report has no <root_account> row",
                );
            }
        }
    }
    out.items
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

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
}
