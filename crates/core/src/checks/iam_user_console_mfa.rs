use super::iam_users::for_each_user;
use super::{CheckDef, Input, Results};

pub const CHECK: CheckDef = CheckDef {
    id: "iam-user-console-mfa",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("iam-user-console-mfa");
        for_each_user(ctx, &mut out, |out, acct, u| {
            let id = &acct.account_id;
            if !u.password_enabled {
                out.not_applicable(
                    id,
                    None,
                    &u.arn,
                    format!("user {} has no console password", u.name),
                );
            } else if u.mfa_active {
                out.pass(id, None, &u.arn, format!("console user {} has MFA", u.name));
            } else {
                out.fail(
                    id,
                    None,
                    &u.arn,
                    format!("console user {} has no MFA device", u.name),
                );
            }
            out.evidence("source", &u.source)
                .evidence("password_enabled", u.password_enabled)
                .evidence("mfa_active", u.mfa_active);
        });
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn console_users_need_mfa() {
        let inv = inventory_with_report(&[
            "alice,arn:aws:iam::111111111111:user/alice,2026-01-01T00:00:00Z,true,2026-11-01T00:00:00Z,2026-01-01T00:00:00Z,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "bob,arn:aws:iam::111111111111:user/bob,2026-01-01T00:00:00Z,true,2026-11-01T00:00:00Z,2026-01-01T00:00:00Z,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "svc,arn:aws:iam::111111111111:user/svc,2026-01-01T00:00:00Z,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00Z,2026-11-01T00:00:00Z,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(
            statuses(&inv, "iam-user-console-mfa"),
            vec![Status::Fail, Status::Pass, Status::NotApplicable]
        );
    }
}
