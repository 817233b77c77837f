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
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    /// A console user's never-used key fails; a used one, or a key of a user without a
    /// password, does not.
    #[test]
    fn never_used_key_of_console_user() {
        let (unused, used) = (("2026-01-01", None), ("2026-01-01", Some("2026-11-01")));
        let console = Some("N/A");
        let inv = inventory_with_report(&[
            &user_row("a", "2026-01-01", console, false, Some(unused)),
            &user_row("b", "2026-01-01", console, false, Some(used)),
            &user_row("c", "2026-01-01", None, false, Some(unused)),
        ]);
        assert_statuses(
            &inv,
            CHECK.id,
            &[Status::Fail, Status::Pass, Status::NotApplicable],
        );
    }
}
