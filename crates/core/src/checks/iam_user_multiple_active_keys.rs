use super::iam_users::for_each_user;
use super::{CheckDef, Input, Results};

pub const CHECK: CheckDef = CheckDef {
    id: "iam-user-multiple-active-keys",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("iam-user-multiple-active-keys");
        for_each_user(ctx, &mut out, |out, acct, u| {
            let id = &acct.account_id;
            let active: Vec<&str> = u
                .keys
                .iter()
                .filter(|k| k.active)
                .map(|k| k.label.as_str())
                .collect();
            match active.len() {
                0 => out.not_applicable(
                    id,
                    None,
                    &u.arn,
                    format!("user {} has no active access key", u.name),
                ),
                1 => out.pass(
                    id,
                    None,
                    &u.arn,
                    format!("user {} has one active access key", u.name),
                ),
                n => out.fail(
                    id,
                    None,
                    &u.arn,
                    format!("user {} has {n} active access keys", u.name),
                ),
            };
            out.evidence("active_keys", active.join(", "));
        });
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn two_active_keys_fail() {
        let inv = inventory_with_report(&[
            "a,arn:aws:iam::111111111111:user/a,2026-01-01T00:00:00Z,false,N/A,N/A,N/A,false,true,2026-11-01T00:00:00Z,N/A,N/A,N/A,true,2026-11-01T00:00:00Z,N/A,N/A,N/A,false,N/A,false,N/A",
            "b,arn:aws:iam::111111111111:user/b,2026-01-01T00:00:00Z,false,N/A,N/A,N/A,false,true,2026-11-01T00:00:00Z,N/A,N/A,N/A,false,2026-11-01T00:00:00Z,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(
            statuses(&inv, "iam-user-multiple-active-keys"),
            vec![Status::Fail, Status::Pass]
        );
    }
}
