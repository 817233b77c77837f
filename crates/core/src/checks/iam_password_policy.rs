//! Account password policy strength. A missing policy is a failure, not an error.

use super::{CheckDef, CheckResult, Context, Input, Results, account_resource};
use crate::inventory::PasswordPolicy;

pub const LENGTH: CheckDef = CheckDef {
    id: "iam-password-policy-length",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let min = ctx.thresholds.password_min_length;
        per_account(ctx, "iam-password-policy-length", |p| {
            let v = p.minimum_password_length.map(i64::from);
            (
                v.is_some_and(|v| v >= min),
                format!("MinimumPasswordLength is {} (required >= {min})", show(v)),
            )
        })
    },
};

pub const REUSE: CheckDef = CheckDef {
    id: "iam-password-policy-reuse",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let min = ctx.thresholds.password_reuse_prevention;
        per_account(ctx, "iam-password-policy-reuse", |p| {
            let v = p.password_reuse_prevention.map(i64::from);
            (
                v.is_some_and(|v| v >= min),
                format!("PasswordReusePrevention is {} (required >= {min})", show(v)),
            )
        })
    },
};

fn show(v: Option<i64>) -> String {
    v.map(|v| v.to_string()).unwrap_or_else(|| "unset".into())
}

fn per_account(
    ctx: &Context,
    check: &'static str,
    judge: impl Fn(&PasswordPolicy) -> (bool, String),
) -> Vec<CheckResult> {
    let mut out = Results::new(check);
    for acct in out.accessible_accounts(ctx) {
        let id = &acct.account_id;
        let res = account_resource(id);
        let Some(iam) = out.collected(&acct.iam, id, None, &res) else {
            continue;
        };
        let Some(policy) = out.collected(&iam.password_policy, id, None, &res) else {
            continue;
        };
        match policy {
            None => {
                out.fail(id, None, &res, "the account has no IAM password policy")
                    .with("GetAccountPasswordPolicy", "NoSuchEntity");
            }
            Some(p) => {
                let (ok, detail) = judge(p);
                if ok {
                    out.pass(id, None, &res, detail);
                } else {
                    out.fail(id, None, &res, detail);
                }
            }
        }
    }
    out.items
}

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, PasswordPolicy};

    #[test]
    fn absent_weak_and_strong_policies() {
        let mut inv = base_inventory();
        assert_eq!(
            statuses(&inv, "iam-password-policy-length"),
            vec![Status::Fail]
        );
        assert_eq!(
            statuses(&inv, "iam-password-policy-reuse"),
            vec![Status::Fail]
        );
        iam_mut(&mut inv).password_policy = Collected::Ok(Some(PasswordPolicy {
            minimum_password_length: Some(14),
            password_reuse_prevention: Some(5),
            ..Default::default()
        }));
        assert_eq!(
            statuses(&inv, "iam-password-policy-length"),
            vec![Status::Pass]
        );
        assert_eq!(
            statuses(&inv, "iam-password-policy-reuse"),
            vec![Status::Fail]
        );
        iam_mut(&mut inv).password_policy = Collected::Failed(denied("GetAccountPasswordPolicy"));
        assert_eq!(
            statuses(&inv, "iam-password-policy-length"),
            vec![Status::NotAssessed]
        );
    }
}
