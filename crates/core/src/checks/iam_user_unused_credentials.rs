use super::shared::iam::each_user;
use super::show_date;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-user-unused-credentials",
    run: |ctx, out| {
        let days = ctx.thresholds.unused_credentials_days;
        each_user(ctx, out, |out, u| {
            let name = &u.name;
            // Each enabled credential: (label, last used, or when it was created if never used).
            let mut creds = Vec::new();
            if u.password_enabled {
                creds.push((
                    "password".to_string(),
                    u.password_last_used,
                    u.password_set.or(u.created),
                ));
            }
            for k in u.active_keys() {
                creds.push((k.label.clone(), k.last_used, k.created));
            }
            if creds.is_empty() {
                let msg = format!("user {name} has no enabled password or active access key");
                out.not_applicable(u, msg);
                return;
            }
            let stale: Vec<&str> = creds
                .iter()
                .filter(|(_, used, created)| match used.or(*created) {
                    Some(t) => ctx.days_since(t) >= days,
                    // Neither a use nor a creation date: the report gave no dates at all.
                    None => true,
                })
                .map(|(label, _, _)| label.as_str())
                .collect();
            let pass = format!("every credential of {name} was used in the last {days} days");
            out.pass_unless_any(u, &stale, pass, |stale| {
                let stale = stale.join(", ");
                format!("{name} has credentials unused for {days}+ days: {stale}")
            });
            out.evidence("source", &u.source);
            for (label, used, created) in &creds {
                out.evidence(format!("{label}.last_used"), show_date(*used));
                out.evidence(format!("{label}.created"), show_date(*created));
            }
        });
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn unused_password_and_keys() {
        let inv = inventory_with_report(&[
            // password used yesterday, key never used but created 10 days ago
            &user_row(
                "a",
                "2026-11-01",
                Some("2026-11-21"),
                true,
                Some(("2026-11-12", None)),
            ),
            // password never used, created 100 days ago
            &user_row("b", "2026-08-01", Some("no_information"), true, None),
            // nothing enabled
            &user_row("c", "2026-08-01", None, false, None),
        ]);
        let want = [Status::Pass, Status::Fail, Status::NotApplicable];
        assert_statuses(&inv, CHECK.id, &want);
        // Fifty days on, user a's key (never used, created 60 days before) is stale too.
        assert_eq!(statuses_at(&inv, CHECK.id, 50)[0], Status::Fail);
    }
}
