use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "acm-certificate-rsa-key-length",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("acm-certificate-rsa-key-length");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(acm) = out.collected(&data.acm, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for c in &acm.certificates {
                let name = c.domain_name.as_deref().unwrap_or(&c.arn);
                match c.key_algorithm.as_deref() {
                    None => {
                        out.not_assessed(
                            id,
                            Some(region),
                            &c.arn,
                            format!("not assessed: ACM did not report the key algorithm of {name}"),
                        );
                    }
                    Some(alg) => match alg
                        .strip_prefix("RSA_")
                        .or_else(|| alg.strip_prefix("RSA-"))
                        .map(|b| b.parse::<u32>())
                    {
                        Some(Ok(bits)) if bits < 2048 => {
                            out.fail(
                                id,
                                Some(region),
                                &c.arn,
                                format!("certificate for {name} uses a {bits}-bit RSA key"),
                            );
                        }
                        Some(Ok(_)) => {
                            out.pass(
                                id,
                                Some(region),
                                &c.arn,
                                format!("certificate for {name} uses {alg}"),
                            );
                        }
                        Some(Err(_)) => {
                            out.not_assessed(
                                id,
                                Some(region),
                                &c.arn,
                                format!("not assessed: unrecognised key algorithm {alg}"),
                            );
                        }
                        None => {
                            out.not_applicable(
                                id,
                                Some(region),
                                &c.arn,
                                format!("certificate for {name} uses a non-RSA key ({alg})"),
                            );
                        }
                    },
                }
                out.evidence(
                    "KeyAlgorithm",
                    c.key_algorithm.as_deref().unwrap_or("unknown"),
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
