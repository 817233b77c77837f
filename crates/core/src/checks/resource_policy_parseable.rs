//! Resource policies that posture cannot analyse are findings in their own right: no other check
//! can vouch for them, and AWS may read them differently from their author's intent.

use crate::check::{Check, Findings, Resource};
use crate::policy;

pub const CHECK: Check = Check {
    id: "resource-policy-parseable",
    run: |ctx, out| {
        for (b, _) in out.buckets(ctx) {
            let Some(policy) = out.collected(&b, &b.policy) else {
                continue;
            };
            judge(
                out,
                &b,
                policy.as_deref(),
                &format!("bucket {}", b.name),
                "policy",
            );
        }
        for ep in out.vpc_endpoints(ctx) {
            let what = format!("endpoint {}", ep.vpc_endpoint_id);
            judge(out, &ep, ep.policy.as_deref(), &what, "policy document");
        }
        for (k, d) in out.kms_keys(ctx) {
            let Some(policy) = out.collected(&k, &d.policy) else {
                continue;
            };
            let what = format!("key {}", k.key_id);
            judge(out, &k, Some(policy), &what, "key policy");
        }
    },
};

/// Not applicable without a policy; pass when it parses; fail with the parse error otherwise.
/// `what` names the resource ("bucket b"), `none` what it lacks when it has no policy.
fn judge(out: &mut Findings, on: &impl Resource, text: Option<&str>, what: &str, none: &str) {
    match text.map(policy::parse) {
        None => {
            out.not_applicable(on, format!("{what} has no {none}"));
        }
        Some(Ok(_)) => {
            out.pass(
                on,
                format!("the policy of {what} is a valid policy document"),
            );
        }
        Some(Err(e)) => {
            out.fail(on, format!("the policy of {what} could not be analysed"))
                .with("policy", e.to_string());
        }
    }
}
#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn malformed_policy_is_a_finding() {
        let inv = inventory_with_buckets(vec![
            bucket_with_policy(
                "b",
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Condition":{"StringEqualz":{"a":"b"}}}]}"#,
            ),
            bucket("none"),
        ]);
        assert_statuses(
            &inv,
            "resource-policy-parseable",
            &[Status::Fail, Status::NotApplicable],
        );
        let r = results(&inv, "resource-policy-parseable");
        assert!(
            r[0].evidence[0].value.contains("StringEqualz"),
            "{:?}",
            r[0].evidence
        );
    }

    #[test]
    fn kms_key_policies_are_parsed_too() {
        let mut inv = base_inventory();
        kms_mut(&mut inv).keys = vec![
            kms_key("bad", r#"{"Statement":{"Effect":"Permit"}}"#, true),
            kms_key(
                "good",
                r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:root"},"Action":"kms:*","Resource":"*"}}"#,
                true,
            ),
        ];
        assert_statuses(
            &inv,
            "resource-policy-parseable",
            &[Status::Fail, Status::Pass],
        );
    }
}
