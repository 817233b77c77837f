use super::iam_users::for_each_user;
use super::{CheckDef, Input, Results};

pub const CHECK: CheckDef = CheckDef {
    id: "iam-user-initial-access-key-unused",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("iam-user-initial-access-key-unused");
        for_each_user(ctx, &mut out, |out, acct, u| {
            let id = &acct.account_id;
            let active: Vec<_> = u.keys.iter().filter(|k| k.active).collect();
            if !u.password_enabled || active.is_empty() {
                out.not_applicable(
                    id,
                    None,
                    &u.arn,
                    format!(
                        "user {} is not a console user with an active access key",
                        u.name
                    ),
                );
                return;
            }
            let never_used: Vec<&str> = active
                .iter()
                .filter(|k| k.last_used.is_none())
                .map(|k| k.label.as_str())
                .collect();
            if never_used.is_empty() {
                out.pass(
                    id,
                    None,
                    &u.arn,
                    format!(
                        "every active access key of console user {} has been used",
                        u.name
                    ),
                );
            } else {
                out.fail(
                    id,
                    None,
                    &u.arn,
                    format!(
                        "console user {} has active access keys that were never used: {}",
                        u.name,
                        never_used.join(", ")
                    ),
                );
            }
            out.evidence("source", &u.source);
        });
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn never_used_key_of_console_user() {
        let inv = inventory_with_report(&[
            "a,arn:aws:iam::111111111111:user/a,2026-01-01T00:00:00Z,true,N/A,2026-01-01T00:00:00Z,N/A,false,true,2026-01-01T00:00:00Z,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "b,arn:aws:iam::111111111111:user/b,2026-01-01T00:00:00Z,true,N/A,2026-01-01T00:00:00Z,N/A,false,true,2026-01-01T00:00:00Z,2026-11-01T00:00:00Z,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            "c,arn:aws:iam::111111111111:user/c,2026-01-01T00:00:00Z,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00Z,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(
            statuses(&inv, "iam-user-initial-access-key-unused"),
            vec![Status::Fail, Status::Pass, Status::NotApplicable]
        );
    }
}
