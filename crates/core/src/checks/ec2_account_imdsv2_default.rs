use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::MetadataDefaults;

/// The account's IMDS defaults as evidence of the last result: HttpTokens, whether it is
/// enforced, and who manages it (the account or a declarative policy).
pub(super) fn defaults_evidence(out: &mut Results, d: &MetadataDefaults) {
    out.evidence(
        "InstanceMetadataDefaults.HttpTokens",
        d.http_tokens.as_deref().unwrap_or("(no preference)"),
    );
    if let Some(e) = &d.http_tokens_enforced {
        out.evidence("InstanceMetadataDefaults.HttpTokensEnforced", e);
    }
    if let Some(m) = &d.managed_by {
        out.evidence("InstanceMetadataDefaults.ManagedBy", m);
    }
}

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
            if d.tokens_required() {
                out.pass(
                    id,
                    Some(region),
                    &res,
                    format!(
                        "new instances in {region} require IMDSv2 by default ({})",
                        d.source()
                    ),
                );
            } else if d.tokens_enforced() {
                out.pass(
                    id,
                    Some(region),
                    &res,
                    format!(
                        "IMDSv2 is enforced in {region} ({}): instances launch only when they require IMDSv2",
                        d.source()
                    ),
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
            defaults_evidence(&mut out, d);
            if let Some(m) = &d.managed_exception_message {
                out.evidence("InstanceMetadataDefaults.ManagedExceptionMessage", m);
            }
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
        // Enforcement without a default: no instance launches unless it requires IMDSv2. Set
        // by a declarative policy, which the evidence names.
        ec2_mut(&mut inv).instance_metadata_defaults = Collected::Ok(MetadataDefaults {
            http_tokens_enforced: Some("enabled".into()),
            managed_by: Some("declarative-policy".into()),
            ..Default::default()
        });
        let r = &results(&inv, "ec2-account-imdsv2-default")[0];
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert!(r.message.contains("declarative policy"), "{r:?}");
        assert!(
            r.evidence
                .iter()
                .any(|e| e.path == "InstanceMetadataDefaults.ManagedBy"),
            "{r:?}"
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
