use super::shared::acm::certificate_name;
use crate::check::Check;
use crate::inventory::Certificate;

/// Is the certificate certainly unused? `InUseBy` lists the AWS resources that use it, and it is
/// authoritative only for an ACM-issued public certificate that cannot be exported: that one
/// can serve TLS nowhere else. Private and imported certificates, and exportable ones, may be
/// installed outside AWS, where ACM cannot see them.
fn certainly_unused(c: &Certificate) -> bool {
    c.in_use_by.is_empty()
        && c.cert_type.as_deref() == Some("AMAZON_ISSUED")
        && c.export.as_deref() != Some("ENABLED")
}

pub const CHECK: Check = Check {
    id: "acm-certificate-expiry",
    run: |ctx, out| {
        let limit = ctx.thresholds.certificate_expiry_days;
        for c in out.certificates(ctx) {
            let name = certificate_name(&c);
            match c.not_after {
                None => {
                    out.not_applicable(
                        &c,
                        format!(
                            "certificate for {name} has no expiry date yet (status {})",
                            c.status.as_deref().unwrap_or("unknown")
                        ),
                    );
                }
                Some(not_after) => {
                    let left = (not_after - ctx.now).num_days();
                    let expired = not_after <= ctx.now;
                    // An expired or expiring certificate that nothing uses cannot take a
                    // service down (and ACM renews only certificates in use): hygiene, not an
                    // outage.
                    if (expired || left < limit) && certainly_unused(&c) {
                        let when = if expired {
                            format!("expired {} days ago", -left)
                        } else {
                            format!("expires in {left} days")
                        };
                        out.not_applicable(
                            &c,
                            format!("certificate for {name} {when} but is not in use (InUseBy is empty and it cannot be exported), so it cannot cause an outage; delete it if it is no longer needed"),
                        )
                        .with("InUseBy", "none")
                        .with("Type", "AMAZON_ISSUED");
                    } else if expired {
                        out.fail(
                            &c,
                            format!("certificate for {name} expired {} days ago", -left),
                        );
                    } else if left < limit {
                        out.fail(
                            &c,
                            format!(
                                "certificate for {name} expires in {left} days (threshold {limit})"
                            ),
                        );
                    } else {
                        out.pass(
                            &c,
                            format!("certificate for {name} is valid for {left} more days"),
                        );
                    }
                    out.evidence("NotAfter", not_after.to_rfc3339());
                }
            }
            if !c.in_use_by.is_empty() {
                out.evidence("InUseBy", c.in_use_by.join(", "));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn expiry() {
        let mut inv = base_inventory();
        let in_use = |mut c: crate::inventory::Certificate| {
            c.in_use_by = vec!["arn:aws:cloudfront::111111111111:distribution/E1".into()];
            c
        };
        acm_mut(&mut inv).certificates = vec![
            in_use(cert("a", Some(200))),
            in_use(cert("b", Some(10))),
            in_use(cert("c", Some(-3))),
            cert("d", None),
        ];
        assert_eq!(
            statuses(&inv, "acm-certificate-expiry"),
            vec![
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::NotApplicable
            ]
        );
        // 180 days later, the first one is within 30 days too.
        assert_eq!(
            statuses_at(&inv, "acm-certificate-expiry", 180)[0],
            Status::Fail
        );
    }

    /// Audit finding 20: an expired or expiring ACM-issued certificate that nothing uses
    /// cannot cause an outage (and ACM renews only certificates in use): not applicable, with
    /// the reason; one in use still fails.
    #[test]
    fn expired_unused_certificates_are_hygiene_not_outages() {
        let mut inv = base_inventory();
        let mut used = cert("used", Some(-3));
        used.in_use_by = vec![
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/app/web/1".into(),
        ];
        let mut imported = cert("imported", Some(-3));
        imported.cert_type = Some("IMPORTED".into());
        acm_mut(&mut inv).certificates = vec![
            cert("expired-unused", Some(-3)),
            cert("expiring-unused", Some(10)),
            imported,
            used,
        ];
        let r = results(&inv, "acm-certificate-expiry");
        assert_eq!(
            r.iter().map(|r| r.status).collect::<Vec<_>>(),
            vec![
                Status::NotApplicable,
                Status::NotApplicable,
                Status::Fail,
                Status::Fail
            ],
            "{r:#?}"
        );
        assert!(r[0].message.contains("not in use"), "{}", r[0].message);
    }
}
