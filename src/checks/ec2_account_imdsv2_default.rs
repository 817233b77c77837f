use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "ec2-account-imdsv2-default",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("ec2-account-imdsv2-default");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let res = account_resource(id);
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &res) else {
                continue;
            };
            let Some(d) = out.collected(&ec2.instance_metadata_defaults, id, Some(region), &res)
            else {
                continue;
            };
            if d.http_tokens.as_deref() == Some("required") {
                out.pass(
                    id,
                    Some(region),
                    &res,
                    format!("new instances in {region} require IMDSv2 by default"),
                );
            } else {
                out.fail(
                    id,
                    Some(region),
                    &res,
                    format!(
                        "the account default in {region} does not require IMDSv2 for new instances"
                    ),
                );
            }
            out.evidence(
                "InstanceMetadataDefaults.HttpTokens",
                d.http_tokens.as_deref().unwrap_or("(no preference)"),
            );
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, ErrorKind, MetadataDefaults};

    #[test]
    fn account_default() {
        let mut inv = base_inventory();
        assert_eq!(
            statuses(&inv, "ec2-account-imdsv2-default"),
            vec![Status::Pass]
        );
        ec2_mut(&mut inv).instance_metadata_defaults = Collected::Ok(MetadataDefaults::default());
        assert_eq!(
            statuses(&inv, "ec2-account-imdsv2-default"),
            vec![Status::Fail]
        );
        let mut e = denied("GetInstanceMetadataDefaults");
        e.kind = ErrorKind::NotImplemented;
        ec2_mut(&mut inv).instance_metadata_defaults = Collected::Failed(e);
        assert_eq!(
            statuses(&inv, "ec2-account-imdsv2-default"),
            vec![Status::NotAssessed]
        );
    }
}
