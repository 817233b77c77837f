use super::shared::acm::certificate_name;
use crate::check::{Check, Reason};

pub const CHECK: Check = Check {
    id: "acm-certificate-rsa-key-length",
    run: |ctx, out| {
        for c in out.certificates(ctx) {
            let name = certificate_name(&c);
            let Some(alg) = c.key_algorithm.as_deref() else {
                out.not_assessed(
                    &c,
                    Reason::not_reported(format!("ACM did not report the key algorithm of {name}")),
                )
                .with("KeyAlgorithm", "unknown");
                continue;
            };
            let bits = alg
                .strip_prefix("RSA_")
                .or_else(|| alg.strip_prefix("RSA-"))
                .map(str::parse::<u32>);
            match bits {
                Some(Ok(bits)) if bits < 2048 => {
                    out.fail(
                        &c,
                        format!("certificate for {name} uses a {bits}-bit RSA key"),
                    );
                }
                Some(Ok(_)) => {
                    out.pass(&c, format!("certificate for {name} uses {alg}"));
                }
                Some(Err(_)) => {
                    out.not_assessed(
                        &c,
                        Reason::undecidable(format!("unrecognised key algorithm {alg}")),
                    );
                }
                None => {
                    out.not_applicable(
                        &c,
                        format!("certificate for {name} uses a non-RSA key ({alg})"),
                    );
                }
            }
            out.evidence("KeyAlgorithm", alg);
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn key_lengths() {
        let mut inv = base_inventory();
        let mut certs = Vec::new();
        for alg in ["RSA_1024", "RSA_2048", "EC_prime256v1"] {
            let mut c = cert(alg, Some(100));
            c.key_algorithm = Some(alg.into());
            certs.push(c);
        }
        acm_mut(&mut inv).certificates = certs;
        assert_eq!(
            statuses(&inv, "acm-certificate-rsa-key-length"),
            vec![Status::Fail, Status::Pass, Status::NotApplicable]
        );
    }
}
