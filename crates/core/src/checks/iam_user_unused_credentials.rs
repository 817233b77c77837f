use super::iam_users::for_each_user;
use super::{CheckDef, Input, Results, show_date};

pub const CHECK: CheckDef = CheckDef {
    id: "iam-user-unused-credentials",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let days = ctx.thresholds.unused_credentials_days;
        let mut out = Results::new("iam-user-unused-credentials");
        for_each_user(ctx, &mut out, |out, acct, u| {
            let id = &acct.account_id;
            // Each enabled credential: (label, last used, or when it was created if never used).
            let mut creds = Vec::new();
            if u.password_enabled {
                creds.push((
                    "password".to_string(),
                    u.password_last_used,
                    u.password_set.or(u.created),
                ));
            }
            for k in u.keys.iter().filter(|k| k.active) {
                creds.push((k.label.clone(), k.last_used, k.created));
            }
            if creds.is_empty() {
                out.not_applicable(
                    id,
                    None,
                    &u.arn,
                    format!(
                        "user {} has no enabled password or active access key",
                        u.name
                    ),
                );
                return;
            }
            let stale: Vec<String> = creds
                .iter()
                .filter(|(_, used, created)| match used.or(*created) {
                    Some(t) => ctx.days_since(t) >= days,
                    // Neither a use nor a creation date: the report gave no dates at all.
                    None => true,
                })
                .map(|(label, _, _)| label.clone())
                .collect();
            if stale.is_empty() {
                out.pass(
                    id,
                    None,
                    &u.arn,
                    format!(
                        "every credential of {} was used in the last {days} days",
                        u.name
                    ),
                );
            } else {
                out.fail(
                    id,
                    None,
                    &u.arn,
                    format!(
                        "{} has credentials unused for {days}+ days: {}",
                        u.name,
                        stale.join(", ")
                    ),
                );
            }
            out.evidence("source", &u.source);
            for (label, used, created) in &creds {
                out.evidence(format!("{label}.last_used"), show_date(*used));
                out.evidence(format!("{label}.created"), show_date(*created));
            }
        });
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn unused_password_and_keys() {
        let inv = inventory_with_report(&[
            // password used yesterday, key never used but created 10 days ago
            "a,arn:aws:iam::111111111111:user/a,2026-11-01T00:00:00Z,true,2026-11-21T00:00:00Z,2026-11-01T00:00:00Z,N/A,true,true,2026-11-12T00:00:00Z,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            // password never used, created 100 days ago
            "b,arn:aws:iam::111111111111:user/b,2026-08-01T00:00:00Z,true,no_information,2026-08-01T00:00:00Z,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
            // nothing enabled
            "c,arn:aws:iam::111111111111:user/c,2026-08-01T00:00:00Z,false,N/A,N/A,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(
            statuses(&inv, "iam-user-unused-credentials"),
            vec![Status::Pass, Status::Fail, Status::NotApplicable]
        );
        // Fifty days on, user a's key (never used, created 60 days before) is stale too.
        assert_eq!(
            statuses_at(&inv, "iam-user-unused-credentials", 50)[0],
            Status::Fail
        );
    }
}
