//! ACM, per region: every certificate (all key types) with its description.

use aws_sdk_acm::Client;
use aws_sdk_acm::types::{Filters, KeyAlgorithm};
use futures::StreamExt;

use super::util::{paginate, time};
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
    let described: Vec<Result<Certificate, CollectionError>> = futures::stream::iter(arns)
        .map(|arn| async move {
            let out = client
                .describe_certificate()
                .certificate_arn(&arn)
                .send()
                .await
                .map_err(|e| collection_error("acm", "DescribeCertificate", r, Some(&arn), &e))?;
            let c = out.certificate();
            Ok(Certificate {
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
            })
        })
        .buffered(concurrency)
        .collect()
        .await;
    // All-or-nothing: a certificate that could not be described must not look like "no
    // certificates" to the checks.
    described
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .map(|certificates| Acm { certificates })
        .into()
}
