use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "apigateway-domain-tls",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("apigateway-domain-tls");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(gw) = out.collected(&data.apigateway, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for d in &gw.domain_names {
                let arn = format!(
                    "arn:{}:apigateway:{region}::/domainnames/{}",
                    ctx.partition(),
                    d.domain_name
                );
                match d.security_policy.as_deref() {
                    None => {
                        out.not_assessed(id, Some(region), &arn, format!("not assessed: API Gateway did not report the security policy of {}", d.domain_name));
                    }
                    Some(p) if allows_old_tls(p) => {
                        out.fail(
                            id,
                            Some(region),
                            &arn,
                            format!(
                                "custom domain {} accepts TLS below 1.2 ({p})",
                                d.domain_name
                            ),
                        );
                    }
                    Some(p) => {
                        out.pass(
                            id,
                            Some(region),
                            &arn,
                            format!(
                                "custom domain {} requires TLS 1.2 or later ({p})",
                                d.domain_name
                            ),
                        );
                    }
                }
                out.evidence(
                    "securityPolicy",
                    d.security_policy.as_deref().unwrap_or("unknown"),
                );
                if let Some(c) = d
                    .regional_certificate_arn
                    .as_ref()
                    .or(d.certificate_arn.as_ref())
                {
                    out.evidence("certificateArn", c);
                }
            }
        }
        out.items
    },
};

/// `TLS_1_0` and the enhanced policies that still allow TLS 1.0/1.1 (names with `TLS_1_0` or
/// `TLS_1_1` in them). `TLS_1_2` and `SecurityPolicy_TLS13_*` / `*_TLS12_*` require 1.2+.
fn allows_old_tls(policy: &str) -> bool {
    let p = policy.to_ascii_uppercase();
    p.contains("TLS_1_0") || p.contains("TLS_1_1") || p.contains("TLS10") || p.contains("TLS11")
}

#[cfg(test)]
mod tests {
    use super::allows_old_tls;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::DomainName;

    #[test]
    fn domain_tls() {
        assert!(allows_old_tls("TLS_1_0"));
        assert!(!allows_old_tls("TLS_1_2"));
        assert!(!allows_old_tls("SecurityPolicy_TLS13_1_3_2025_09"));
        let mut inv = base_inventory();
        let d = |name: &str, p: Option<&str>| DomainName {
            tags: None,
            domain_name: name.into(),
            certificate_arn: None,
            regional_certificate_arn: Some("arn:aws:acm:us-east-1:1:certificate/x".into()),
            security_policy: p.map(str::to_string),
            endpoint_types: vec!["REGIONAL".into()],
        };
        apigw_mut(&mut inv).domain_names = vec![
            d("a.example.com", Some("TLS_1_0")),
            d("b.example.com", Some("TLS_1_2")),
            d("c.example.com", None),
        ];
        assert_eq!(
            statuses(&inv, "apigateway-domain-tls"),
            vec![Status::Fail, Status::Pass, Status::NotAssessed]
        );
    }
}
