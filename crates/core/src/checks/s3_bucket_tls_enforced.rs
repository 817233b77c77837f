use super::s3_buckets::{bucket_policy, bucket_region, for_each_bucket};
use super::{CheckDef, Input, Results};
use crate::policy::tls_enforced;

pub const CHECK: CheckDef = CheckDef {
    id: "s3-bucket-tls-enforced",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("s3-bucket-tls-enforced");
        for_each_bucket(ctx, &mut out, |out, acct, _, b, arn| {
            let id = &acct.account_id;
            let region = bucket_region(b);
            match bucket_policy(b) {
                Err(reason) => {
                    out.not_assessed(id, region, arn, reason);
                }
                Ok(None) => {
                    out.fail(
                        id,
                        region,
                        arn,
                        format!(
                            "bucket {} has no policy, so requests over plain HTTP are allowed",
                            b.name
                        ),
                    );
                }
                Ok(Some(policy)) => match tls_enforced(&policy, arn) {
                    Ok(statements) => {
                        out.pass(
                            id,
                            region,
                            arn,
                            format!("the policy of {} denies requests without TLS", b.name),
                        )
                        .with("policy", statements.join(", "));
                    }
                    Err(why) => {
                        out.fail(
                            id,
                            region,
                            arn,
                            format!(
                                "the policy of {} does not deny requests without TLS",
                                b.name
                            ),
                        )
                        .with("policy", why);
                    }
                },
            }
        });
        out.items
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
