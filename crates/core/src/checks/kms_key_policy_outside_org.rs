//! Customer-managed KMS keys whose key policy lets principals outside the organization (and the
//! trusted accounts) use or manage the key, read against the scan's trust boundary by the same
//! engine as bucket policies; an RCP above a member account that denies every caller outside the
//! organization removes such a grant.

use super::shared::boundary::decisions;
use super::shared::kms::key_policy;
use super::shared::layers::{Attached, account_rcps};
use crate::check::Check;
use crate::policy::outside_accounts;

pub const CHECK: Check = Check {
    id: "kms-key-policy-outside-org",
    run: |ctx, out| {
        for (k, d) in out.kms_keys(ctx) {
            let Some(policy) = key_policy(out, &k, d) else {
                continue;
            };
            let id = &k.key_id;
            let decisions = decisions(&policy, ctx.boundary());
            let mut grants = decisions.outside.clone();
            let rcps = account_rcps(
                ctx.organization,
                k.account_id(),
                &policy,
                grants.iter().map(|g| g.statement.as_str()),
                &Attached::kms_key(&k.arn),
                ctx.boundary(),
            );
            let confined = outside_accounts(&grants);
            grants.retain(|g| !rcps.confines(&g.statement));
            let who = outside_accounts(&grants);
            if who.is_empty() && !confined.is_empty() {
                out.pass(
                    &k,
                    format!(
                        "the policy of key {id} grants access outside the organization ({}); {}",
                        confined.join(", "),
                        rcps.confined_by()
                    ),
                );
            } else if who.is_empty() {
                out.pass(
                    &k,
                    format!("the policy of key {id} grants nothing outside the organization and trusted accounts"),
                );
            } else {
                let shown: Vec<&str> = who
                    .iter()
                    .map(|w| match w.as_str() {
                        "*" => "any AWS account",
                        w => w,
                    })
                    .collect();
                out.fail(
                    &k,
                    format!(
                        "the policy of key {id} grants access outside the organization: {}",
                        shown.join(", ")
                    ),
                );
            }
            for g in &grants {
                out.evidence(format!("policy.{}", g.statement), g.who.join(", "));
            }
            decisions.reading_evidence(out);
            rcps.evidence(out);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    fn grant(principal: &str, condition: &str) -> String {
        format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":{principal},"Action":"kms:Decrypt","Resource":"*"{condition}}}]}}"#
        )
    }

    #[test]
    fn grants_to_outside_accounts_fail() {
        let cases = [
            // The default key policy: the account itself.
            (
                grant(r#"{"AWS":"arn:aws:iam::111111111111:root"}"#, ""),
                Status::Pass,
            ),
            (
                grant(r#"{"AWS":"arn:aws:iam::333333333333:root"}"#, ""),
                Status::Fail,
            ),
            (grant(r#"{"AWS":"*"}"#, ""), Status::Fail),
            // kms:CallerAccount limits a wildcard principal to the callers of one account.
            (
                grant(
                    r#"{"AWS":"*"}"#,
                    r#","Condition":{"StringEquals":{"kms:CallerAccount":"111111111111"}}"#,
                ),
                Status::Pass,
            ),
            (
                grant(
                    r#"{"AWS":"*"}"#,
                    r#","Condition":{"StringEquals":{"kms:CallerAccount":"333333333333"}}"#,
                ),
                Status::Fail,
            ),
            (
                grant(
                    r#""*""#,
                    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}"#,
                ),
                Status::Pass,
            ),
            (
                grant(r#"{"Service":"logs.us-east-1.amazonaws.com"}"#, ""),
                Status::Pass,
            ),
        ];
        let mut inv = org_inventory();
        kms_mut(&mut inv).keys = cases
            .iter()
            .enumerate()
            .map(|(i, (p, _))| kms_key(&format!("k{i}"), p, true))
            .collect();
        let want: Vec<Status> = cases.iter().map(|c| c.1).collect();
        assert_statuses(&inv, CHECK.id, &want);
        let r = results(&inv, CHECK.id);
        assert!(r[1].message.ends_with("333333333333"), "{}", r[1].message);
        assert!(
            r[2].message.ends_with("any AWS account"),
            "{}",
            r[2].message
        );
    }
}
