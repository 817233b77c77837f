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
        let key_in_use = Some(("2026-01-01", Some("2026-11-01")));
        let inv = inventory_with_report(&[
            &user_row("alice", "2026-01-01", Some("2026-11-01"), false, None),
            &user_row("bob", "2026-01-01", Some("2026-11-01"), true, None),
            &user_row("svc", "2026-01-01", None, false, key_in_use),
        ]);
        let want = [Status::Fail, Status::Pass, Status::NotApplicable];
        assert_statuses(&inv, "iam-user-console-mfa", &want);
    }
}
