//! SRA pattern B: an API Gateway custom domain's ACM certificate must be issued, not close to
//! expiry, and renewed by ACM. Chain: domain → certificate ARN → the certificate in ACM.

use super::shared::apigateway::domain_certificate;
use super::show_date;
use crate::check::{Check, Reason};
use crate::inventory::Collected;

pub const CHECK: Check = Check {
    id: "sra-app-api-domain-certificate",
    run: |ctx, out| {
        let limit = ctx.thresholds.certificate_expiry_days;
        for d in out.domain_names(ctx) {
            let name = &d.domain_name;
            let Some(cert_arn) = domain_certificate(&d) else {
                out.not_assessed(
                    &d,
                    Reason::not_reported(format!("API Gateway reported no certificate for {name}")),
                );
                continue;
            };
            let chain = format!("domain {name} → certificate {cert_arn}");
            // Edge-optimized domains use certificates in us-east-1: look in the ARN's region.
            let region = d.region.unwrap_or_default();
            let cert_region = cert_arn.split(':').nth(3).unwrap_or(region);
            let acm = match d.account.regional.get(cert_region).map(|r| &r.acm) {
                None => Err(Reason::outside_scan(format!(
                    "certificate region {cert_region} was not scanned"
                ))),
                Some(Collected::Failed(e)) => Err(Reason::collection(e)),
                Some(Collected::Ok(acm)) => Ok(acm),
            };
            let acm = match acm {
                Ok(acm) => acm,
                Err(reason) => {
                    out.not_assessed(&d, reason).with("chain", chain);
                    continue;
                }
            };
            let Some(cert) = acm.certificates.iter().find(|c| c.arn == cert_arn) else {
                out.fail(
                    &d,
                    format!(
                        "custom domain {name} uses certificate {cert_arn}, which is not in ACM"
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
            let pass =
                format!("custom domain {name} is served with an issued, ACM-renewed certificate");
            out.pass_unless_any(&d, &problems, pass, |problems| {
                format!(
                    "the certificate of custom domain {name} is {}",
                    problems.join(", ")
                )
            })
            .with("chain", chain)
            .with(
                "certificate.Status",
                cert.status.as_deref().unwrap_or("unknown"),
            )
            .with("certificate.NotAfter", show_date(cert.not_after))
            .with(
                "certificate.Type",
                cert.cert_type.as_deref().unwrap_or("unknown"),
            );
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn domain_certificate_chain() {
        let arn = |id: &str| format!("arn:aws:acm:us-east-1:111111111111:certificate/{id}");
        let mut inv = base_inventory();
        let mut imported = cert(&arn("imp"), Some(10));
        imported.cert_type = Some("IMPORTED".into());
        acm_mut(&mut inv).certificates = vec![cert(&arn("good"), Some(200)), imported];
        let other_region = "arn:aws:acm:eu-west-1:111111111111:certificate/x";
        let tls12 = Some("TLS_1_2");
        apigw_mut(&mut inv).domain_names = vec![
            domain_name("a.example.com", &arn("good"), tls12),
            domain_name("b.example.com", &arn("imp"), tls12),
            domain_name("c.example.com", other_region, tls12),
        ];
        let want = [Status::Pass, Status::Fail, Status::NotAssessed];
        assert_statuses(&inv, CHECK.id, &want);
        let r = &results(&inv, CHECK.id)[1];
        assert_result(r, Status::Fail, &["expires in 10 days", "imported"]);
    }
}
