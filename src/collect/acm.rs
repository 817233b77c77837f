//! ACM, per region: every certificate (all key types) with its description.

use aws_sdk_acm::Client;
use aws_sdk_acm::types::{Filters, KeyAlgorithm};
use futures::StreamExt;

use super::util::{error_code, paginate, time};
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str, concurrency: usize) -> Collected<Acm> {
    let r = Some(region);
    // ListCertificates returns only RSA_1024 and RSA_2048 certificates unless asked for more.
    let all_keys = Filters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values()
                .iter()
                .map(|v| KeyAlgorithm::from(*v))
                .collect(),
        ))
        .build();
    let mut arns = Vec::new();
    let listed = paginate!(
        client
            .list_certificates()
            .includes(all_keys)
            .max_items(1000),
        "acm",
        "ListCertificates",
        r,
        |page| {
            for c in page.certificate_summary_list() {
                if let Some(a) = c.certificate_arn() {
                    arns.push(a.to_string());
                }
            }
        }
    );
    if let Err(e) = listed {
        return Collected::Failed(e);
    }
    let described: Vec<Result<Option<Certificate>, CollectionError>> = futures::stream::iter(arns)
        .map(|arn| async move {
            let out = match client
                .describe_certificate()
                .certificate_arn(&arn)
                .send()
                .await
            {
                Ok(out) => out,
                // Deleted between ListCertificates and DescribeCertificate: gone, not unknown.
                Err(e) if error_code(&e) == Some("ResourceNotFoundException") => return Ok(None),
                Err(e) => {
                    return Err(collection_error(
                        "acm",
                        "DescribeCertificate",
                        r,
                        Some(&arn),
                        &e,
                    ));
                }
            };
            let c = out.certificate();
            Ok(Some(Certificate {
                arn: arn.clone(),
                domain_name: c.and_then(|c| c.domain_name()).map(str::to_string),
                cert_type: c.and_then(|c| c.r#type()).map(|t| t.as_str().to_string()),
                status: c.and_then(|c| c.status()).map(|s| s.as_str().to_string()),
                not_after: c.and_then(|c| c.not_after()).and_then(time),
                not_before: c.and_then(|c| c.not_before()).and_then(time),
                renewal_eligibility: c
                    .and_then(|c| c.renewal_eligibility())
                    .map(|s| s.as_str().to_string()),
                key_algorithm: c
                    .and_then(|c| c.key_algorithm())
                    .map(|k| k.as_str().to_string()),
                in_use_by: c.map(|c| c.in_use_by().to_vec()).unwrap_or_default(),
                // Absent means DISABLED, AWS's default.
                export: Some(
                    c.and_then(|c| c.options())
                        .and_then(|o| o.export())
                        .map(|x| x.as_str().to_string())
                        .unwrap_or_else(|| "DISABLED".to_string()),
                ),
            }))
        })
        .buffered(concurrency)
        .collect()
        .await;
    // All-or-nothing: a certificate that could not be described must not look like "no
    // certificates" to the checks.
    described
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map(|certificates| Acm {
            certificates: certificates.into_iter().flatten().collect(),
        })
        .into()
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    /// Audit finding 15: a certificate deleted between ListCertificates and
    /// DescribeCertificate (`ResourceNotFoundException`) is gone; the region's other
    /// certificates are kept.
    #[test]
    fn a_certificate_deleted_between_list_and_describe_is_gone() {
        let arn = |id: &str| format!("arn:aws:acm:us-east-1:111111111111:certificate/{id}");
        let (kept, deleted) = (arn("kept"), arn("deleted"));
        let (k, d) = (kept.clone(), deleted.clone());
        let fake = FakeAws::new(move |req| {
            let json = |body: String| {
                Reply::new(200, body).header("content-type", "application/x-amz-json-1.1")
            };
            if req.body.contains(&d) {
                Reply::json_error(
                    400,
                    "ResourceNotFoundException",
                    &format!("Could not find certificate {d}."),
                )
            } else if req.body.contains(&k) {
                json(format!(
                    r#"{{"Certificate":{{"CertificateArn":"{k}","DomainName":"api.example.com","Type":"AMAZON_ISSUED","Status":"ISSUED","NotAfter":1.8e9,"KeyAlgorithm":"RSA-2048","InUseBy":[],"RenewalEligibility":"INELIGIBLE","Options":{{"CertificateTransparencyLoggingPreference":"ENABLED","Export":"DISABLED"}}}}}}"#
                ))
            } else {
                json(format!(
                    r#"{{"CertificateSummaryList":[{{"CertificateArn":"{k}","DomainName":"api.example.com"}},{{"CertificateArn":"{d}","DomainName":"old.example.com"}}]}}"#
                ))
            }
        });
        let client = aws_sdk_acm::Client::new(&fake.config("us-east-1"));
        let acm = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1", 4));
        match acm {
            Collected::Ok(acm) => {
                let arns: Vec<&str> = acm.certificates.iter().map(|c| c.arn.as_str()).collect();
                assert_eq!(arns, vec![kept.as_str()]);
            }
            Collected::Failed(e) => panic!("the region's ACM data was discarded: {e}"),
        }
    }
}
