use super::shared::iam::each_user;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-user-console-mfa",
    run: |ctx, out| {
        each_user(ctx, out, |out, u| {
            let name = &u.name;
            if !u.password_enabled {
                out.not_applicable(u, format!("user {name} has no console password"));
            } else {
                let what = if u.mfa_active {
                    "has MFA"
                } else {
                    "has no MFA device"
                };
                out.verdict(u, u.mfa_active, format!("console user {name} {what}"));
            }
            out.evidence("source", &u.source)
                .evidence("password_enabled", u.password_enabled)
                .evidence("mfa_active", u.mfa_active);
        });
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
