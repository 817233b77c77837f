use super::shared::iam::each_root;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "iam-root-recent-use",
    run: |ctx, out| {
        let days = ctx.thresholds.root_recent_use_days;
        each_root(ctx, out, |out, iam, root| {
            let mut uses = Vec::new();
            if let Some(t) = root.password_last_used.value() {
                uses.push(("password_last_used", *t));
            }
            for (i, k) in root.access_keys.iter().enumerate() {
                if let Some(t) = k.last_used_date.value() {
                    uses.push((
                        if i == 0 {
                            "access_key_1_last_used_date"
                        } else {
                            "access_key_2_last_used_date"
                        },
                        *t,
                    ));
                }
            }
            let recent = uses.iter().any(|(_, t)| ctx.days_since(*t) < days);
            if recent {
                out.fail(
                    iam,
                    format!("the root user was used within the last {days} days"),
                );
            } else {
                out.pass(
                    iam,
                    format!("the root user was not used in the last {days} days"),
                );
            }
            for (path, t) in &uses {
                out.evidence(
                    format!("credential_report.<root_account>.{path}"),
                    t.to_rfc3339(),
                );
            }
        });
    },
};
