use super::shared::ec2::defaults_evidence;
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "ec2-account-imdsv2-default",
    run: |ctx, out| {
        let regions = out.ec2(ctx);
        for (ec2, d) in out.each_collected(regions, |ec2| &ec2.instance_metadata_defaults) {
            let region = ec2.region.unwrap_or_default();
            if d.tokens_required() {
                out.pass(
                    &ec2,
                    format!(
                        "new instances in {region} require IMDSv2 by default ({})",
                        d.source()
                    ),
                );
            } else if d.tokens_enforced() {
                out.pass(
                    &ec2,
                    format!(
                        "IMDSv2 is enforced in {region} ({}): instances launch only when they require IMDSv2",
                        d.source()
                    ),
                );
            } else {
                out.fail(
                    &ec2,
                    format!(
                        "the account default in {region} does not require IMDSv2 for new instances"
                    ),
                );
            }
            defaults_evidence(out, d);
            if let Some(m) = &d.managed_exception_message {
                out.evidence("InstanceMetadataDefaults.ManagedExceptionMessage", m);
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, ErrorKind, Inventory, MetadataDefaults};

    fn with_defaults(defaults: Collected<MetadataDefaults>) -> Inventory {
        let mut inv = base_inventory();
        ec2_mut(&mut inv).instance_metadata_defaults = defaults;
        inv
    }

    /// Tokens required by default (the base inventory's), no default, not readable.
    #[test]
    fn account_default() {
        let required = MetadataDefaults {
            http_tokens: Some("required".into()),
            ..Default::default()
        };
        let mut not_implemented = denied("GetInstanceMetadataDefaults");
        not_implemented.kind = ErrorKind::NotImplemented;
        for (defaults, want) in [
            (Collected::Ok(required), Status::Pass),
            (Collected::Ok(MetadataDefaults::default()), Status::Fail),
            (Collected::Failed(not_implemented), Status::NotAssessed),
        ] {
            assert_statuses(&with_defaults(defaults), CHECK.id, &[want]);
        }
    }

    /// Enforcement without a default: no instance launches unless it requires IMDSv2. Set by
    /// a declarative policy, which the evidence names.
    #[test]
    fn enforcement_by_declarative_policy() {
        let inv = with_defaults(Collected::Ok(MetadataDefaults {
            http_tokens_enforced: Some("enabled".into()),
            managed_by: Some("declarative-policy".into()),
            ..Default::default()
        }));
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::Pass, &["declarative policy"]);
        assert_evidence_path(r, "InstanceMetadataDefaults.ManagedBy");
    }
}
