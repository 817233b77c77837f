//! Lambda functions whose resource-based policy lets anyone invoke or manage them: a wildcard
//! principal without a condition that pins the caller (`aws:SourceArn`, `aws:SourceAccount`,
//! `aws:PrincipalOrgID`, ...), read by the same engine as bucket policies. Lambda is not among the
//! services resource control policies cover, so no RCP can confine such a grant.

use super::shared::layers::public_grant_evidence;
use crate::check::{Check, Reason};
use crate::policy::{self, grants_public_access};

/// Why no RCP layer is read for a function, for the evidence.
const NO_RCP: &str = "Lambda is not among the services resource control policies cover";

pub const CHECK: Check = Check {
    id: "lambda-function-policy-public",
    run: |ctx, out| {
        for f in out.lambda_functions(ctx) {
            let Some(text) = out.collected(&f, &f.policy) else {
                continue;
            };
            let name = &f.name;
            let Some(text) = text else {
                out.pass(&f, format!("function {name} has no resource-based policy"));
                continue;
            };
            let policy = match policy::parse(text) {
                Ok(p) => p,
                Err(e) => {
                    out.not_assessed(
                        &f,
                        Reason::unparseable(format!("the resource policy of function {name}"), e),
                    );
                    continue;
                }
            };
            let found = grants_public_access(&policy, None);
            if found.is_empty() {
                out.pass(
                    &f,
                    format!("the resource policy of function {name} grants no public access"),
                );
                continue;
            }
            out.fail(
                &f,
                format!("the resource policy of function {name} lets anyone invoke or manage it"),
            );
            public_grant_evidence(out, &found);
            out.evidence("rcp", NO_RCP);
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    fn policy(principal: &str, condition: &str) -> Option<String> {
        Some(format!(
            r#"{{"Version":"2012-10-17","Id":"default","Statement":[{{"Sid":"s","Effect":"Allow","Principal":{principal},"Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111111111111:function:f"{condition}}}]}}"#
        ))
    }

    #[test]
    fn wildcard_invokers_fail_unless_pinned() {
        let cases = [
            (None, Status::Pass),
            (policy(r#""*""#, ""), Status::Fail),
            (policy(r#"{"AWS":"*"}"#, ""), Status::Fail),
            // The S3 trigger AWS writes: a service principal, pinned to the bucket and account.
            (
                policy(
                    r#"{"Service":"s3.amazonaws.com"}"#,
                    r#","Condition":{"StringEquals":{"AWS:SourceAccount":"111111111111"},"ArnLike":{"AWS:SourceArn":"arn:aws:s3:::uploads"}}"#,
                ),
                Status::Pass,
            ),
            // A fixed source ARN pins the caller; one with a wildcard does not (the engine's
            // rule for every resource policy: a wildcard is not a fixed value).
            (
                policy(
                    r#""*""#,
                    r#","Condition":{"ArnEquals":{"AWS:SourceArn":"arn:aws:sns:us-east-1:111111111111:topic"}}"#,
                ),
                Status::Pass,
            ),
            (
                policy(
                    r#""*""#,
                    r#","Condition":{"ArnLike":{"AWS:SourceArn":"arn:aws:execute-api:us-east-1:111111111111:abc123/*"}}"#,
                ),
                Status::Fail,
            ),
            (
                policy(
                    r#""*""#,
                    r#","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-test"}}"#,
                ),
                Status::Pass,
            ),
            // A public function URL: the condition names the URL's auth type, not the caller.
            (
                policy(
                    r#""*""#,
                    r#","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}"#,
                ),
                Status::Fail,
            ),
        ];
        let mut inv = base_inventory();
        lambda_mut(&mut inv).functions = cases
            .iter()
            .enumerate()
            .map(|(i, (p, _))| {
                let mut f = lambda_function(&format!("f{i}"), "python3.12");
                f.policy = Collected::Ok(p.clone());
                f
            })
            .collect();
        let want: Vec<Status> = cases.iter().map(|c| c.1).collect();
        assert_statuses(&inv, CHECK.id, &want);
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r[1].resource,
            format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:f1")
        );
        assert_evidence_value(&r[1], "resource control policies");
    }

    #[test]
    fn unreadable_policies_are_not_assessed() {
        let mut inv = base_inventory();
        let mut f = lambda_function("f", "python3.12");
        f.policy = Collected::Failed(denied("GetPolicy"));
        let mut bad = lambda_function("bad", "python3.12");
        bad.policy = Collected::Ok(Some("{".into()));
        lambda_mut(&mut inv).functions = vec![f, bad];
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed, Status::NotAssessed]);
        region_mut(&mut inv).lambda = Collected::Failed(denied("ListFunctions"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }
}
