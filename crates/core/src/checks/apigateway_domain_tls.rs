use super::shared::apigateway::{allows_old_tls, domain_certificate};
use crate::check::{Check, Reason};

pub const CHECK: Check = Check {
    id: "apigateway-domain-tls",
    run: |ctx, out| {
        for d in out.domain_names(ctx) {
            let name = &d.domain_name;
            match d.security_policy.as_deref() {
                None => {
                    out.not_assessed(
                        &d,
                        Reason::not_reported(format!(
                            "API Gateway did not report the security policy of {name}"
                        )),
                    );
                }
                Some(p) if allows_old_tls(p) => {
                    out.fail(
                        &d,
                        format!("custom domain {name} accepts TLS below 1.2 ({p})"),
                    );
                }
                Some(p) => {
                    out.pass(
                        &d,
                        format!("custom domain {name} requires TLS 1.2 or later ({p})"),
                    );
                }
            }
            out.evidence(
                "securityPolicy",
                d.security_policy.as_deref().unwrap_or("unknown"),
            );
            if let Some(c) = domain_certificate(&d) {
                out.evidence("certificateArn", c);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::checks::shared::apigateway::allows_old_tls;

    #[test]
    fn domain_tls() {
        assert!(allows_old_tls("TLS_1_0"));
        assert!(!allows_old_tls("TLS_1_2"));
        assert!(!allows_old_tls("SecurityPolicy_TLS13_1_3_2025_09"));
        let mut inv = base_inventory();
        let d = |name: &str, p: Option<&str>| {
            domain_name(name, "arn:aws:acm:us-east-1:1:certificate/x", p)
        };
        apigw_mut(&mut inv).domain_names = vec![
            d("a.example.com", Some("TLS_1_0")),
            d("b.example.com", Some("TLS_1_2")),
            d("c.example.com", None),
        ];
        let want = [Status::Fail, Status::Pass, Status::NotAssessed];
        assert_statuses(&inv, "apigateway-domain-tls", &want);
    }
}
