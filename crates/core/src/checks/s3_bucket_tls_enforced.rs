use super::shared::s3::bucket_policy;
use crate::check::Check;
use crate::policy::{Verdict, tls_enforced};

pub const CHECK: Check = Check {
    id: "s3-bucket-tls-enforced",
    run: |ctx, out| {
        for (b, _) in out.buckets(ctx) {
            match bucket_policy(&b) {
                Err(reason) => {
                    out.not_assessed(&b, reason);
                }
                Ok(None) => {
                    out.fail(
                        &b,
                        format!(
                            "bucket {} has no policy, so requests over plain HTTP are allowed",
                            b.name
                        ),
                    );
                }
                Ok(Some(policy)) => match tls_enforced(&policy, &b.arn()) {
                    Verdict::Holds(statements) => {
                        out.pass(
                            &b,
                            format!("the policy of {} denies requests without TLS", b.name),
                        )
                        .with("policy", statements.join(", "));
                    }
                    Verdict::DoesNotHold(why) => {
                        out.fail(
                            &b,
                            format!(
                                "the policy of {} does not deny requests without TLS",
                                b.name
                            ),
                        )
                        .with("policy", why);
                    }
                },
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn tls_policy() {
        let mut inv = base_inventory();
        let mut good = bucket("good");
        good.policy = Collected::Ok(Some(r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::good","arn:aws:s3:::good/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#.into()));
        let none = bucket("none");
        s3_mut(&mut inv).buckets = Collected::Ok(vec![good, none]);
        assert_eq!(
            statuses(&inv, "s3-bucket-tls-enforced"),
            vec![Status::Pass, Status::Fail]
        );
    }
}
