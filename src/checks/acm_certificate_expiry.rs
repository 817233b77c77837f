use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "acm-certificate-expiry",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let limit = ctx.thresholds.certificate_expiry_days;
        let mut out = Results::new("acm-certificate-expiry");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(acm) = out.collected(&data.acm, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for c in &acm.certificates {
                let name = c.domain_name.as_deref().unwrap_or(&c.arn);
                match c.not_after {
                    None => {
                        out.not_applicable(
                            id,
                            Some(region),
                            &c.arn,
                            format!(
                                "certificate for {name} has no expiry date yet (status {})",
                                c.status.as_deref().unwrap_or("unknown")
                            ),
                        );
                    }
                    Some(not_after) => {
                        let left = (not_after - ctx.now).num_days();
                        if not_after <= ctx.now {
                            out.fail(
                                id,
                                Some(region),
                                &c.arn,
                                format!("certificate for {name} expired {} days ago", -left),
                            );
                        } else if left < limit {
                            out.fail(id, Some(region), &c.arn, format!("certificate for {name} expires in {left} days (threshold {limit})"));
                        } else {
                            out.pass(
                                id,
                                Some(region),
                                &c.arn,
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
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;

    #[test]
    fn expiry() {
        let mut inv = base_inventory();
        acm_mut(&mut inv).certificates = vec![
            cert("a", Some(200)),
            cert("b", Some(10)),
            cert("c", Some(-3)),
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
}
