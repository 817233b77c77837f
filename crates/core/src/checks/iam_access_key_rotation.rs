use super::iam_users::for_each_user;
use super::{CheckDef, Input, Results, show_date};

pub const CHECK: CheckDef = CheckDef {
    id: "iam-access-key-rotation",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let max = ctx.thresholds.access_key_max_age_days;
        let mut out = Results::new("iam-access-key-rotation");
        for_each_user(ctx, &mut out, |out, acct, u| {
            let id = &acct.account_id;
            let active: Vec<_> = u.keys.iter().filter(|k| k.active).collect();
            if active.is_empty() {
                out.not_applicable(
                    id,
                    None,
                    &u.arn,
                    format!("user {} has no active access key", u.name),
                );
                return;
            }
            for k in active {
                let resource = format!("{}/{}", u.arn, k.label);
                match k.created {
                    None => {
                        out.not_assessed(
                            id,
                            None,
                            &resource,
                            format!(
                                "not assessed: no rotation date for {} of {}",
                                k.label, u.name
                            ),
                        );
                    }
                    Some(created) => {
                        let age = ctx.days_since(created);
                        if age >= max {
                            out.fail(
                                id,
                                None,
                                &resource,
                                format!(
                                    "{} of {} is {age} days old (limit {max})",
                                    k.label, u.name
                                ),
                            );
                        } else {
                            out.pass(
                                id,
                                None,
                                &resource,
                                format!("{} of {} is {age} days old", k.label, u.name),
                            );
                        }
                    }
                }
                out.evidence("last_rotated", show_date(k.created))
                    .evidence("source", &u.source);
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
    fn key_age() {
        let inv = inventory_with_report(&[
            "a,arn:aws:iam::111111111111:user/a,2026-01-01T00:00:00Z,false,N/A,N/A,N/A,false,true,2026-01-01T00:00:00Z,2026-11-20T00:00:00Z,us-east-1,s3,true,2026-11-01T00:00:00Z,N/A,N/A,N/A,false,N/A,false,N/A",
        ]);
        assert_eq!(
            statuses(&inv, "iam-access-key-rotation"),
            vec![Status::Fail, Status::Pass]
        );
        let r = results(&inv, "iam-access-key-rotation");
        assert!(r[0].resource.ends_with("user/a/access_key_1"));
        assert_eq!(
            statuses_at(&inv, "iam-access-key-rotation", 100),
            vec![Status::Fail, Status::Fail]
        );
    }
}
