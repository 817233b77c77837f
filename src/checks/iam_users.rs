//! One view of IAM users, reconciling the credential report with ListUsers.
//!
//! The credential report may be up to four hours old: users created since are missing from it
//! (the collector fetched their details from the IAM API), and users deleted since are still in
//! it (dropped here when ListUsers succeeded).

use chrono::{DateTime, Utc};

use crate::inventory::credential_report::{Cell, CredentialReportRow};
use crate::inventory::{AccountInventory, Collected, Iam};

#[derive(Debug, Clone)]
pub(crate) struct KeyView {
    /// `access_key_1` / `access_key_2` in the report, or the key id from the API.
    pub label: String,
    pub active: bool,
    pub created: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub(crate) struct UserView {
    pub name: String,
    pub arn: String,
    pub created: Option<DateTime<Utc>>,
    pub password_enabled: bool,
    /// When the password was set (report: last changed; API: login profile creation).
    pub password_set: Option<DateTime<Utc>>,
    pub password_last_used: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    pub keys: Vec<KeyView>,
    /// `credential report` or `IAM API`, for evidence.
    pub source: &'static str,
}

/// A user whose details could not be collected.
pub(crate) struct UnassessedUser {
    pub arn: String,
    pub reason: String,
}

pub(crate) struct Users {
    pub users: Vec<UserView>,
    pub unassessed: Vec<UnassessedUser>,
}

fn time(cell: &Cell<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    cell.value().copied()
}

fn from_row(row: &CredentialReportRow) -> UserView {
    let keys = row
        .access_keys
        .iter()
        .enumerate()
        .filter(|(_, k)| {
            !matches!(k.active, Cell::NotApplicable) || k.last_rotated.value().is_some()
        })
        .map(|(i, k)| KeyView {
            label: format!("access_key_{}", i + 1),
            active: k.active.is_true(),
            created: time(&k.last_rotated),
            last_used: time(&k.last_used_date),
        })
        .collect();
    UserView {
        name: row.user.clone(),
        arn: row.arn.clone(),
        created: time(&row.user_creation_time),
        password_enabled: row.password_enabled.is_true(),
        password_set: time(&row.password_last_changed).or(time(&row.user_creation_time)),
        password_last_used: time(&row.password_last_used),
        mfa_active: row.mfa_active.is_true(),
        keys,
        source: "credential report",
    }
}

/// All users of an account, or why none could be assessed.
pub(crate) fn users(iam: &Iam) -> Result<Users, String> {
    let report = match &iam.credential_report {
        Collected::Ok(r) => Some(r),
        Collected::Failed(_) => None,
    };
    let listed = match &iam.users {
        Collected::Ok(u) => Some(u),
        Collected::Failed(_) => None,
    };
    let mut out = Users {
        users: Vec::new(),
        unassessed: Vec::new(),
    };
    match (report, listed) {
        (None, None) => {
            let e = iam
                .credential_report
                .error()
                .map(|e| e.to_string())
                .unwrap_or_default();
            let e2 = iam.users.error().map(|e| e.to_string()).unwrap_or_default();
            return Err(format!("not assessed: {e}; {e2}"));
        }
        (Some(report), None) => {
            // Cannot reconcile: use the report as it is.
            out.users = report
                .rows
                .iter()
                .filter(|r| !r.is_root())
                .map(from_row)
                .collect();
        }
        (report, Some(listed)) => {
            for user in listed {
                if let Some(row) = report.and_then(|r| r.user(&user.user_name)) {
                    out.users.push(from_row(row));
                    continue;
                }
                match &user.details {
                    Some(Collected::Ok(d)) => out.users.push(UserView {
                        name: user.user_name.clone(),
                        arn: user.arn.clone(),
                        created: Some(user.created),
                        password_enabled: d.login_profile_created.is_some(),
                        password_set: d.login_profile_created,
                        password_last_used: user.password_last_used,
                        mfa_active: d.mfa_devices > 0,
                        keys: d
                            .access_keys
                            .iter()
                            .map(|k| KeyView {
                                label: k.access_key_id.clone(),
                                active: k.active,
                                created: Some(k.created),
                                last_used: k.last_used,
                            })
                            .collect(),
                        source: "IAM API (user not in the credential report yet)",
                    }),
                    Some(Collected::Failed(e)) => out.unassessed.push(UnassessedUser {
                        arn: user.arn.clone(),
                        reason: format!("not assessed: user is not in the credential report and {e}"),
                    }),
                    None => out.unassessed.push(UnassessedUser {
                        arn: user.arn.clone(),
                        reason: "not assessed: user is not in the credential report and its details were not collected".into(),
                    }),
                }
            }
        }
    }
    Ok(out)
}

/// Run `per_user` for every user of every accessible account; handles not-assessed cases.
pub(crate) fn for_each_user(
    ctx: &super::Context,
    out: &mut super::Results,
    mut per_user: impl FnMut(&mut super::Results, &AccountInventory, &UserView),
) {
    for acct in out.accessible_accounts(ctx) {
        let id = &acct.account_id;
        let resource = super::account_resource(id);
        let Some(iam) = out.collected(&acct.iam, id, None, &resource) else {
            continue;
        };
        match users(iam) {
            Err(reason) => {
                out.not_assessed(id, None, &resource, reason);
            }
            Ok(users) => {
                for u in &users.unassessed {
                    out.not_assessed(id, None, &u.arn, u.reason.clone());
                }
                for u in &users.users {
                    per_user(out, acct, u);
                }
            }
        }
    }
}
