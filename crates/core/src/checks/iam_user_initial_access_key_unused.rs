use super::shared::iam::each_user;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-user-initial-access-key-unused",
    run: |ctx, out| {
        each_user(ctx, out, |out, u| {
            let name = &u.name;
            if !u.password_enabled || u.active_keys().next().is_none() {
                let msg = format!("user {name} is not a console user with an active access key");
                out.not_applicable(u, msg);
                return;
            }
            let never_used: Vec<&str> = u
                .active_keys()
                .filter(|k| k.last_used.is_none())
                .map(|k| k.label.as_str())
                .collect();
            let pass = format!("every active access key of console user {name} has been used");
            out.pass_unless_any(u, &never_used, pass, |keys| {
                let keys = keys.join(", ");
                format!("console user {name} has active access keys that were never used: {keys}")
            });
            out.evidence("source", &u.source);
        });
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
