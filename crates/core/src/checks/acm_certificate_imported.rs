use super::shared::acm::certificate_name;
use crate::check::{Check, Reason};

pub const CHECK: Check = Check {
    id: "acm-certificate-imported",
    run: |ctx, out| {
        for c in out.certificates(ctx) {
            let name = certificate_name(&c);
            match c.cert_type.as_deref() {
                Some("IMPORTED") => {
                    out.fail(
                        &c,
                        format!("certificate for {name} is imported: ACM cannot renew it"),
                    );
                }
                Some(t) => {
                    out.pass(
                        &c,
                        format!("certificate for {name} is {t} and renewed by ACM"),
                    );
                }
                None => {
                    out.not_assessed(
                        &c,
                        Reason::not_reported(format!("ACM did not report the type of {name}")),
                    );
                }
            }
            out.evidence("Type", c.cert_type.as_deref().unwrap_or("unknown"))
                .evidence(
                    "RenewalEligibility",
                    c.renewal_eligibility.as_deref().unwrap_or("unknown"),
                );
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn imported() {
        let mut inv = base_inventory();
        let mut a = cert("a", Some(100));
        a.cert_type = Some("IMPORTED".into());
        let b = cert("b", Some(100));
        acm_mut(&mut inv).certificates = vec![a, b];
        assert_eq!(
            statuses(&inv, "acm-certificate-imported"),
            vec![Status::Fail, Status::Pass]
        );
    }
}
