use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "acm-certificate-imported",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("acm-certificate-imported");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(acm) = out.collected(&data.acm, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for c in &acm.certificates {
                let name = c.domain_name.as_deref().unwrap_or(&c.arn);
                match c.cert_type.as_deref() {
                    Some("IMPORTED") => {
                        out.fail(
                            id,
                            Some(region),
                            &c.arn,
                            format!("certificate for {name} is imported: ACM cannot renew it"),
                        );
                    }
                    Some(t) => {
                        out.pass(
                            id,
                            Some(region),
                            &c.arn,
                            format!("certificate for {name} is {t} and renewed by ACM"),
                        );
                    }
                    None => {
                        out.not_assessed(
                            id,
                            Some(region),
                            &c.arn,
                            format!("not assessed: ACM did not report the type of {name}"),
                        );
                    }
                }
                out.evidence("Type", c.cert_type.as_deref().unwrap_or("unknown"))
                    .evidence(
                        "RenewalEligibility",
                        c.renewal_eligibility.as_deref().unwrap_or("unknown"),
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
