use super::shared::iam::each_user;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-user-multiple-active-keys",
    run: |ctx, out| {
        each_user(ctx, out, |out, u| {
            let name = &u.name;
            let active: Vec<&str> = u.active_keys().map(|k| k.label.as_str()).collect();
            match active.len() {
                0 => out.not_applicable(u, format!("user {name} has no active access key")),
                1 => out.pass(u, format!("user {name} has one active access key")),
                n => out.fail(u, format!("user {name} has {n} active access keys")),
            };
            out.evidence("active_keys", active.join(", "));
        });
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
