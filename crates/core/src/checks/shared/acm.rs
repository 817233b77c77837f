//! ACM: how certificate results name a certificate.

use crate::inventory::Certificate;

/// The certificate's domain name, or its ARN when ACM reported none.
pub fn certificate_name(c: &Certificate) -> &str {
    c.domain_name.as_deref().unwrap_or(&c.arn)
}
