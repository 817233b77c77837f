use super::shared::apigateway::allows_old_tls;
use crate::check::{Check, Reason};

pub const CHECK: Check = Check {
    id: "apigatewayv2-domain-tls",
    run: |ctx, out| {
        for d in out.http_domain_names(ctx) {
            let name = &d.domain_name;
            let policies: Vec<Option<&str>> = d
                .configurations
                .iter()
                .map(|c| c.security_policy.as_deref())
                .collect();
            let old: Vec<&str> = policies
                .iter()
                .flatten()
                .copied()
                .filter(|p| allows_old_tls(p))
                .collect();
            if !old.is_empty() {
                out.fail(
                    &d,
                    format!(
                        "custom domain {name} accepts TLS below 1.2 ({})",
                        old.join(", ")
                    ),
                );
            } else if policies.is_empty() || policies.iter().any(Option::is_none) {
                out.not_assessed(
                    &d,
                    Reason::not_reported(format!(
                        "API Gateway did not report the security policy of every endpoint of {name}"
                    )),
                );
            } else {
                let all: Vec<&str> = policies.iter().flatten().copied().collect();
                out.pass(
                    &d,
                    format!(
                        "custom domain {name} requires TLS 1.2 or later ({})",
                        all.join(", ")
                    ),
                );
            }
            for c in &d.configurations {
                out.evidence(
                    "domainNameConfigurations.securityPolicy",
                    format!(
                        "{}: {}",
                        c.endpoint_type.as_deref().unwrap_or("unknown endpoint"),
                        c.security_policy.as_deref().unwrap_or("unknown")
                    ),
                );
                if let Some(cert) = &c.certificate_arn {
                    out.evidence("domainNameConfigurations.certificateArn", cert.as_str());
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{HttpDomainConfiguration, HttpDomainName};

    fn domain(name: &str, policies: &[Option<&str>]) -> HttpDomainName {
        HttpDomainName {
            domain_name: name.into(),
            configurations: policies
                .iter()
                .map(|p| HttpDomainConfiguration {
                    endpoint_type: Some("REGIONAL".into()),
                    security_policy: p.map(str::to_string),
                    certificate_arn: Some(
                        "arn:aws:acm:us-east-1:111111111111:certificate/x".into(),
                    ),
                })
                .collect(),
            api_mappings: crate::inventory::Collected::Ok(vec![]),
            tags: None,
        }
    }

    #[test]
    fn domain_tls() {
        let mut inv = base_inventory();
        apigwv2_mut(&mut inv).domain_names = vec![
            domain("a.example.com", &[Some("TLS_1_0")]),
            domain("b.example.com", &[Some("TLS_1_2")]),
            domain("c.example.com", &[Some("SecurityPolicy_TLS13_1_3_2025_09")]),
            domain("d.example.com", &[None]),
            domain("e.example.com", &[None, Some("TLS_1_0")]),
        ];
        let r = results(&inv, CHECK.id);
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![
                Status::Fail,
                Status::Pass,
                Status::Pass,
                Status::NotAssessed,
                Status::Fail
            ],
            "{r:#?}"
        );
        assert!(r[0].resource.ends_with("::/domainnames/a.example.com"));
    }
}
