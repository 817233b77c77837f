use super::shared::iam::each_user;
use super::show_date;
use crate::check::{Check, Reason};

pub const CHECK: Check = Check {
    id: "iam-access-key-rotation",
    run: |ctx, out| {
        let max = ctx.thresholds.access_key_max_age_days;
        each_user(ctx, out, |out, u| {
            let name = &u.name;
            if u.active_keys().next().is_none() {
                out.not_applicable(u, format!("user {name} has no active access key"));
                return;
            }
            for k in u.active_keys() {
                let key = u.part(k);
                let label = &k.label;
                match k.created {
                    None => {
                        let why = format!("no rotation date for {label} of {name}");
                        out.not_assessed(&key, Reason::not_reported(why));
                    }
                    Some(created) => {
                        let age = ctx.days_since(created);
                        let msg = format!("{label} of {name} is {age} days old");
                        if age >= max {
                            out.fail(&key, format!("{msg} (limit {max})"));
                        } else {
                            out.pass(&key, msg);
                        }
                    }
                }
                out.evidence("last_rotated", show_date(k.created))
                    .evidence("source", &u.source);
            }
        });
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
