//! SRA pattern B: an API Gateway custom domain's ACM certificate must be issued, not close to
//! expiry, and renewed by ACM. Chain: domain → certificate ARN → the certificate in ACM.

use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::Collected;

pub const CHECK: CheckDef = CheckDef {
    id: "sra-app-api-domain-certificate",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let limit = ctx.thresholds.certificate_expiry_days;
        let mut out = Results::new("sra-app-api-domain-certificate");
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
                let Some(cert_arn) = d
                    .regional_certificate_arn
                    .as_ref()
                    .or(d.certificate_arn.as_ref())
                else {
                    out.not_assessed(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "not assessed: API Gateway reported no certificate for {}",
                            d.domain_name
                        ),
                    );
                    continue;
                };
                let chain = format!("domain {} → certificate {cert_arn}", d.domain_name);
                // Edge-optimized domains use certificates in us-east-1: look in the ARN's region.
                let cert_region = cert_arn.split(':').nth(3).unwrap_or(region);
                let cert = match acct.regional.get(cert_region).map(|r| &r.acm) {
                    None => {
                        out.not_assessed(
                            id,
                            Some(region),
                            &arn,
                            format!(
                                "not assessed: certificate region {cert_region} was not scanned"
                            ),
                        )
                        .with("chain", chain);
                        continue;
                    }
                    Some(Collected::Failed(e)) => {
                        out.not_assessed(id, Some(region), &arn, format!("not assessed: {e}"))
                            .with("chain", chain);
                        continue;
                    }
                    Some(Collected::Ok(acm)) => {
                        acm.certificates.iter().find(|c| &c.arn == cert_arn)
                    }
                };
                let Some(cert) = cert else {
                    out.fail(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "custom domain {} uses certificate {cert_arn}, which is not in ACM",
                            d.domain_name
                        ),
                    )
                    .with("chain", chain);
                    continue;
                };
                let mut problems = Vec::new();
                if cert.status.as_deref() != Some("ISSUED") {
                    problems.push(format!(
                        "status {}",
                        cert.status.as_deref().unwrap_or("unknown")
                    ));
                }
                match cert.not_after {
                    Some(t) if t <= ctx.now => {
                        problems.push(format!("expired {} days ago", (ctx.now - t).num_days()))
                    }
                    Some(t) if (t - ctx.now).num_days() < limit => {
                        problems.push(format!("expires in {} days", (t - ctx.now).num_days()))
                    }
                    Some(_) => {}
                    None => problems.push("no expiry date".into()),
                }
                if cert.cert_type.as_deref() == Some("IMPORTED") {
                    problems.push("imported, so ACM cannot renew it".into());
                }
                if problems.is_empty() {
                    out.pass(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "custom domain {} is served with an issued, ACM-renewed certificate",
                            d.domain_name
                        ),
                    );
                } else {
                    out.fail(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "the certificate of custom domain {} is {}",
                            d.domain_name,
                            problems.join(", ")
                        ),
                    );
                }
                out.evidence("chain", chain)
                    .evidence(
                        "certificate.Status",
                        cert.status.as_deref().unwrap_or("unknown"),
                    )
                    .evidence("certificate.NotAfter", super::show_date(cert.not_after))
                    .evidence(
                        "certificate.Type",
                        cert.cert_type.as_deref().unwrap_or("unknown"),
                    );
            }
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::DomainName;

    #[test]
    fn domain_certificate_chain() {
        let mut inv = base_inventory();
        let good = cert(
            "arn:aws:acm:us-east-1:111111111111:certificate/good",
            Some(200),
        );
        let mut imported = cert(
            "arn:aws:acm:us-east-1:111111111111:certificate/imp",
            Some(10),
        );
        imported.cert_type = Some("IMPORTED".into());
        acm_mut(&mut inv).certificates = vec![good, imported];
        let d = |name: &str, c: &str| DomainName {
            tags: None,
            domain_name: name.into(),
            certificate_arn: None,
            regional_certificate_arn: Some(c.into()),
            security_policy: Some("TLS_1_2".into()),
            endpoint_types: vec!["REGIONAL".into()],
        };
        apigw_mut(&mut inv).domain_names = vec![
            d(
                "a.example.com",
                "arn:aws:acm:us-east-1:111111111111:certificate/good",
            ),
            d(
                "b.example.com",
                "arn:aws:acm:us-east-1:111111111111:certificate/imp",
            ),
            d(
                "c.example.com",
                "arn:aws:acm:eu-west-1:111111111111:certificate/x",
            ),
        ];
        assert_eq!(
            statuses(&inv, "sra-app-api-domain-certificate"),
            vec![Status::Pass, Status::Fail, Status::NotAssessed]
        );
        let r = &results(&inv, "sra-app-api-domain-certificate")[1];
        assert!(
            r.message.contains("expires in 10 days") && r.message.contains("imported"),
            "{}",
            r.message
        );
    }
}
