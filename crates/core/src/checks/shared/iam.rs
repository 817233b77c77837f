//! IAM: one view of IAM users (the credential report reconciled with ListUsers), the account
//! password policy, and role trust policies.
//!
//! The credential report may be up to four hours old: users created since are missing from it
//! (the collector fetched their details from the IAM API), and users deleted since are still in
//! it (dropped here when ListUsers succeeded). When the report predates the scan, the collector
//! also read every user's password, MFA devices and access keys from the IAM API: those live
//! details win over the report's row. Every result built from a report row carries the report's
//! generation time and age as evidence, the root user's included.

use chrono::{DateTime, Utc};

use crate::check::{
    AccountDigest, At, CheckResult, Context, Findings, IamDigest, Identity, OrgContext, Owner,
    Place, Reason, RootReport,
};
use crate::inventory::credential_report::{Cell, CredentialReport, CredentialReportRow};
use crate::inventory::{Collected, Iam, IamRole, IamUser, IamUserDetails, PasswordPolicy};
use crate::policy::{self, TrustAnalysis};

// ------------------------------------------------------------------------ users

#[derive(Debug, Clone)]
pub struct KeyView {
    /// `access_key_1` / `access_key_2` in the report, or the key id from the API.
    pub label: String,
    pub active: bool,
    pub created: Option<DateTime<Utc>>,
    pub last_used: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone)]
pub struct UserView {
    pub name: String,
    pub arn: String,
    pub created: Option<DateTime<Utc>>,
    pub password_enabled: bool,
    /// When the password was set (report: last changed; API: login profile creation).
    pub password_set: Option<DateTime<Utc>>,
    pub password_last_used: Option<DateTime<Utc>>,
    pub mfa_active: bool,
    pub keys: Vec<KeyView>,
    /// `credential report` or `IAM API ...`, for evidence.
    pub source: String,
    /// Built from a credential report row (its age then belongs in the evidence).
    pub from_report: bool,
}

impl UserView {
    /// The user's active access keys.
    pub fn active_keys(&self) -> impl Iterator<Item = &KeyView> {
        self.keys.iter().filter(|k| k.active)
    }
}

impl Identity for UserView {
    fn arn(&self, _: &Place) -> String {
        self.arn.clone()
    }
}

/// Named under its user ([`At::part`]): `<user ARN>/<label>`.
impl Identity for KeyView {
    fn arn(&self, at: &Place) -> String {
        format!("{}/{}", at.parent.unwrap_or_default(), self.label)
    }
}

/// The users of one account: those that can be judged, and those whose details are missing.
struct Users<'i> {
    users: Vec<UserView>,
    unassessed: Vec<(&'i IamUser, Reason)>,
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
        source: "credential report".into(),
        from_report: true,
    }
}

fn from_api(user: &IamUser, d: &IamUserDetails, source: String) -> UserView {
    UserView {
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
        source,
        from_report: false,
    }
}

/// Evidence of the credential report's age on a result that used it: AWS serves a report up to
/// four hours old, so a reader must see when the facts were true.
fn report_evidence(
    r: &mut CheckResult,
    generated_at: Option<DateTime<Utc>>,
    scan_started: DateTime<Utc>,
) {
    match generated_at {
        Some(t) => {
            let age = scan_started - t;
            let age = if age.num_minutes() <= 0 {
                "generated during the scan".to_string()
            } else {
                format!(
                    "{}h{:02}m before the scan started",
                    age.num_hours(),
                    age.num_minutes() % 60
                )
            };
            r.with("credential_report.generated_at", t.to_rfc3339())
                .with("credential_report.age", age);
        }
        None => {
            r.with("credential_report.generated_at", "unknown");
        }
    }
}

/// All users of an account, or why none could be assessed.
fn users(iam: &Iam) -> Result<Users<'_>, Reason> {
    let (report, listed) = match (&iam.credential_report, &iam.users) {
        (Collected::Failed(report), Collected::Failed(listed)) => {
            return Err(Reason::collection(listed).after(format!("{report}; ")));
        }
        // Cannot reconcile: use the report as it is.
        (Collected::Ok(report), Collected::Failed(_)) => {
            return Ok(Users {
                users: report
                    .rows
                    .iter()
                    .filter(|r| !r.is_root())
                    .map(from_row)
                    .collect(),
                unassessed: Vec::new(),
            });
        }
        (report, Collected::Ok(listed)) => (report.as_ref().ok(), listed),
    };
    let mut out = Users {
        users: Vec::new(),
        unassessed: Vec::new(),
    };
    for user in listed {
        let row = report.and_then(|r| r.user(&user.user_name));
        match (row, &user.details) {
            // The report predates the scan and the IAM API confirmed the user's credentials:
            // the live details win.
            (Some(_), Some(Collected::Ok(d))) => out.users.push(from_api(
                user,
                d,
                format!(
                    "IAM API (confirmed live: the credential report of {} predates the scan)",
                    report
                        .and_then(|r| r.generated_at)
                        .map(|t| t.to_rfc3339())
                        .unwrap_or_else(|| "unknown time".into())
                ),
            )),
            (Some(row), Some(Collected::Failed(e))) => {
                let mut v = from_row(row);
                v.source = format!("credential report (the live confirmation failed: {e})");
                out.users.push(v);
            }
            (Some(row), None) => out.users.push(from_row(row)),
            (None, Some(Collected::Ok(d))) => out.users.push(from_api(
                user,
                d,
                "IAM API (user not in the credential report yet)".into(),
            )),
            (None, Some(Collected::Failed(e))) => out.unassessed.push((
                user,
                Reason::collection_as("user is not in the credential report and ", e),
            )),
            (None, None) => out.unassessed.push((
                user,
                Reason::inconsistent(
                    "user is not in the credential report and its details were not collected",
                ),
            )),
        }
    }
    Ok(out)
}

/// Judge every user of every accessible account with `judge`; records the users (or accounts)
/// that cannot be assessed, and adds the credential report's age to every result built from a
/// report row.
pub fn each_user(
    ctx: &Context,
    out: &mut Findings,
    mut judge: impl FnMut(&mut Findings, &At<UserView>),
) {
    for iam in out.iam(ctx) {
        let users = match users(&iam) {
            Ok(users) => users,
            Err(reason) => {
                out.not_assessed(&iam, reason);
                continue;
            }
        };
        for (user, reason) in users.unassessed {
            out.not_assessed(&iam.at(user), reason);
        }
        for u in &users.users {
            let report = match (u.from_report, &iam.credential_report) {
                (true, Collected::Ok(report)) => Some(report),
                _ => None,
            };
            out.amending(
                |out| judge(out, &iam.at(u)),
                |r| {
                    if let Some(report) = report {
                        report_evidence(r, report.generated_at, ctx.scan.started_at);
                    }
                },
            );
        }
    }
}

// ------------------------------------------------------------------------ root user

/// The root row of a credential report, and when the report was generated: an account's whole
/// report, or the root report of its digest.
pub trait RootRow {
    fn generated_at(&self) -> Option<DateTime<Utc>>;
    fn root(&self) -> Option<&CredentialReportRow>;
}

impl RootRow for CredentialReport {
    fn generated_at(&self) -> Option<DateTime<Utc>> {
        self.generated_at
    }
    fn root(&self) -> Option<&CredentialReportRow> {
        CredentialReport::root(self)
    }
}

impl RootRow for RootReport {
    fn generated_at(&self) -> Option<DateTime<Utc>> {
        self.generated_at
    }
    fn root(&self) -> Option<&CredentialReportRow> {
        self.root.as_ref()
    }
}

/// Judge the root row of each account's credential report (`report` of its IAM data); records
/// the account as not assessed when the report failed or has no root row, and adds the report's
/// age to every result that read it.
fn judge_roots<T: Identity, A: Owner, R: RootRow>(
    out: &mut Findings,
    accounts: Vec<At<T, A>>,
    report: fn(&T) -> &Collected<R>,
    scan_started: DateTime<Utc>,
    mut judge: impl FnMut(&mut Findings, &At<T, A>, &CredentialReportRow),
) {
    for iam in &accounts {
        let Some(report) = out.collected(iam, report(iam.item)) else {
            continue;
        };
        out.amending(
            |out| match report.root() {
                Some(root) => judge(out, iam, root),
                None => {
                    let why = "the credential report has no <root_account> row";
                    out.not_assessed(iam, Reason::inconsistent(why));
                }
            },
            |r| report_evidence(r, report.generated_at(), scan_started),
        );
    }
}

/// Judge the root user of every accessible account with `judge`, on the account.
pub fn each_root(
    ctx: &Context,
    out: &mut Findings,
    judge: impl FnMut(&mut Findings, &At<Iam>, &CredentialReportRow),
) {
    let accounts = out.iam(ctx);
    judge_roots(
        out,
        accounts,
        |i| &i.credential_report,
        ctx.scan.started_at,
        judge,
    );
}

/// [`each_root`] over every account's digest, for checks of the organization.
pub fn each_digest_root(
    ctx: &OrgContext,
    out: &mut Findings,
    judge: impl FnMut(&mut Findings, &At<IamDigest, AccountDigest>, &CredentialReportRow),
) {
    let accounts = out.digest_iam(ctx);
    judge_roots(
        out,
        accounts,
        |i| &i.credential_report,
        ctx.scan.started_at,
        judge,
    );
}

// ------------------------------------------------------------------------ password policy

/// A setting of the account password policy that must be at least `min`; an account without a
/// password policy fails.
pub fn password_policy_at_least(
    ctx: &Context,
    out: &mut Findings,
    setting: &str,
    min: i64,
    value: fn(&PasswordPolicy) -> Option<i32>,
) {
    for iam in out.iam(ctx) {
        let Some(policy) = out.collected(&iam, &iam.password_policy) else {
            continue;
        };
        match policy {
            None => {
                out.fail(&iam, "the account has no IAM password policy")
                    .with("GetAccountPasswordPolicy", "NoSuchEntity");
            }
            Some(p) => {
                let v = value(p).map(i64::from);
                let shown = v.map(|v| v.to_string()).unwrap_or_else(|| "unset".into());
                out.verdict(
                    &iam,
                    v.is_some_and(|v| v >= min),
                    format!("{setting} is {shown} (required >= {min})"),
                );
            }
        }
    }
}

// ------------------------------------------------------------------------ role trust

/// Judge the trust policy of every role of every accessible account with `judge`; records the
/// roles whose trust policy is missing or cannot be analysed.
pub fn each_role_trust(
    ctx: &Context,
    out: &mut Findings,
    mut judge: impl FnMut(&mut Findings, &At<IamRole>, &TrustAnalysis),
) {
    for role in out.roles(ctx) {
        let name = &role.role_name;
        let Some(text) = &role.trust_policy else {
            let why = format!("IAM returned no trust policy for role {name}");
            out.not_assessed(&role, Reason::not_reported(why));
            continue;
        };
        match policy::parse(text) {
            Ok(p) => judge(out, &role, &policy::trust(&p, ctx.boundary())),
            Err(e) => {
                let what = format!("the trust policy of {name}");
                out.not_assessed(&role, Reason::unparseable(what, e));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{AccessKey, Collected, IamUserDetails, PasswordPolicy};

    /// A console user without MFA, with one key never used.
    fn alice() -> String {
        let key = Some(("2026-01-01", None));
        user_row("alice", "2026-01-01", Some("2026-11-01"), false, key)
    }

    /// Audit finding 12: when the report predates the scan, the collector confirms each user's
    /// password, MFA and keys through the IAM API; those live details win over the report row
    /// (MFA added since: no false fail; a second key created since: no false pass).
    #[test]
    fn live_details_win_over_an_old_report_row() {
        let mut inv = inventory_with_report(&[&alice()]);
        let key = |id: &str| AccessKey {
            access_key_id: id.into(),
            active: true,
            created: days_ago(1),
            last_used: None,
        };
        if let Collected::Ok(users) = &mut iam_mut(&mut inv).users {
            users[0].details = Some(Collected::Ok(IamUserDetails {
                login_profile_created: Some(days_ago(300)),
                mfa_devices: 1,
                access_keys: vec![key("AKIAONE"), key("AKIATWO")],
            }));
        }
        let r = results(&inv, "iam-user-console-mfa");
        assert_result(&r[0], Status::Pass, &[]);
        let source = r[0].evidence.iter().find(|e| e.path == "source").unwrap();
        assert!(source.value.contains("confirmed live"), "{}", source.value);
        assert_statuses(&inv, "iam-user-multiple-active-keys", &[Status::Fail]);
    }

    /// Audit finding 12: a result built from a report row says how old the report was.
    #[test]
    fn user_results_carry_the_report_age() {
        let inv = inventory_with_report(&[&alice()]);
        for check in [
            "iam-user-console-mfa",
            "iam-user-multiple-active-keys",
            "iam-access-key-rotation",
            "iam-user-unused-credentials",
        ] {
            for r in results(&inv, check) {
                assert_evidence(&r, "credential_report.generated_at", |v| {
                    v == "2026-11-22T00:00:00+00:00"
                });
                assert_evidence(&r, "credential_report.age", |v| {
                    v == "generated during the scan"
                });
            }
        }
    }

    #[test]
    fn absent_weak_and_strong_policies() {
        let mut inv = base_inventory();
        assert_statuses(&inv, "iam-password-policy-length", &[Status::Fail]);
        assert_statuses(&inv, "iam-password-policy-reuse", &[Status::Fail]);
        iam_mut(&mut inv).password_policy = Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(14),
            password_reuse_prevention: Some(5),
            ..Default::default()
        }));
        assert_statuses(&inv, "iam-password-policy-length", &[Status::Pass]);
        assert_statuses(&inv, "iam-password-policy-reuse", &[Status::Fail]);
        iam_mut(&mut inv).password_policy = Collected::Failed(denied("GetAccountPasswordPolicy"));
        assert_statuses(&inv, "iam-password-policy-length", &[Status::NotAssessed]);
    }

    #[test]
    fn trust_checks() {
        let mut inv = org_inventory();
        iam_mut(&mut inv).roles = Collected::Ok(vec![
            role(
                "ec2",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
            ),
            role(
                "vendor",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::333333333333:root"},"Action":"sts:AssumeRole"}]}"#,
            ),
            role(
                "open",
                r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}"#,
            ),
        ]);
        assert_statuses(
            &inv,
            "iam-role-trust-public",
            &[Status::Pass, Status::Pass, Status::Fail],
        );
        assert_statuses(
            &inv,
            "iam-role-trust-external-without-external-id",
            &[Status::Pass, Status::Fail, Status::Pass],
        );
        iam_mut(&mut inv).roles = Collected::Failed(denied("ListRoles"));
        assert_statuses(&inv, "iam-role-trust-public", &[Status::NotAssessed]);
    }

    #[test]
    fn root_keys_mfa_and_use() {
        let inv = inventory_with_report(&[
            "<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00Z,not_supported,2026-11-20T00:00:00Z,not_supported,not_supported,false,true,2020-01-01T00:00:00Z,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_statuses(&inv, "iam-root-access-keys", &[Status::Fail]);
        assert_statuses(&inv, "iam-root-mfa", &[Status::Fail]);
        assert_statuses(&inv, "iam-root-recent-use", &[Status::Fail]);
        // 200 days later, the last use is old.
        assert_statuses_at(&inv, "iam-root-recent-use", 200, &[Status::Pass]);

        let good = inventory_with_report(&[&root_row(true)]);
        assert_statuses(&good, "iam-root-access-keys", &[Status::Pass]);
        assert_statuses(&good, "iam-root-mfa", &[Status::Pass]);
        assert_statuses(&good, "iam-root-recent-use", &[Status::Pass]);
    }

    /// Audit finding 2: the other root checks already pass a root user without credentials.
    #[test]
    fn other_root_checks_pass_a_root_without_credentials() {
        let inv = inventory_with_report(&[&root_row(false)]);
        assert_statuses(&inv, "iam-root-access-keys", &[Status::Pass]);
        assert_statuses(&inv, "iam-root-recent-use", &[Status::Pass]);
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
}
