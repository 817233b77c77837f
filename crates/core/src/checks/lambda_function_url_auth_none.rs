//! Lambda function URLs with `AuthType` `NONE`: anyone on the internet who knows the URL can
//! invoke the function, unless its resource policy refuses them (then the URL answers 403).

use crate::check::Check;

pub const CHECK: Check = Check {
    id: "lambda-function-url-auth-none",
    run: |ctx, out| {
        for f in out.lambda_functions(ctx) {
            let Some(urls) = out.collected(&f, &f.urls) else {
                continue;
            };
            let name = &f.name;
            if urls.is_empty() {
                out.not_applicable(&f, format!("function {name} has no function URL"));
                continue;
            }
            let open: Vec<&str> = urls
                .iter()
                .filter(|u| u.auth_type == "NONE")
                .map(|u| u.url.as_str())
                .collect();
            out.pass_unless_any(
                &f,
                &open,
                format!("every function URL of {name} requires IAM authentication (AWS_IAM)"),
                |open| {
                    format!(
                        "function {name} has {} function URL(s) without authentication (AuthType NONE)",
                        open.len()
                    )
                },
            );
            for u in urls {
                out.evidence(
                    format!("FunctionUrlConfigs[{}].AuthType", u.url),
                    &u.auth_type,
                );
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, FunctionUrl};

    fn url(f: &str, auth: &str) -> FunctionUrl {
        FunctionUrl {
            url: format!("https://{f}.lambda-url.{REGION}.on.aws/"),
            auth_type: auth.into(),
        }
    }

    #[test]
    fn urls_without_authentication_fail() {
        let mut inv = base_inventory();
        let mut open = lambda_function("open", "python3.12");
        open.urls = Collected::Ok(vec![url("a", "AWS_IAM"), url("b", "NONE")]);
        let mut iam = lambda_function("iam", "python3.12");
        iam.urls = Collected::Ok(vec![url("c", "AWS_IAM")]);
        let none = lambda_function("none", "python3.12");
        let mut denied_fn = lambda_function("denied", "python3.12");
        denied_fn.urls = Collected::Failed(denied("ListFunctionUrlConfigs"));
        lambda_mut(&mut inv).functions = vec![open, iam, none, denied_fn];
        assert_statuses(
            &inv,
            CHECK.id,
            &[
                Status::Fail,
                Status::Pass,
                Status::NotApplicable,
                Status::NotAssessed,
            ],
        );
        let r = results(&inv, CHECK.id);
        assert_evidence_value(&r[0], "NONE");
    }
}
