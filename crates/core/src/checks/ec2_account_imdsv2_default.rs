use super::shared::ec2::{ImdsSource, defaults_evidence};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "ec2-account-imdsv2-default",
    run: |ctx, out| {
        let regions = out.ec2(ctx);
        for (ec2, d) in out.each_collected(regions, |ec2| &ec2.instance_metadata_defaults) {
            let region = ec2.region.unwrap_or_default();
            let source = ImdsSource::of(ctx, &ec2.account.account_id, d);
            if d.tokens_required() {
                out.pass(
                    &ec2,
                    format!(
                        "new instances in {region} require IMDSv2 by default ({})",
                        source.label
                    ),
                );
            } else if d.tokens_enforced() {
                out.pass(
                    &ec2,
                    format!(
                        "IMDSv2 is enforced in {region} ({}): instances launch only when they require IMDSv2",
                        source.label
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
            source.evidence(out, region, d);
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

    const REQUIRE_IMDSV2: &str = r#"{"ec2_attributes":{"instance_metadata_defaults":{"http_tokens":{"@@assign":"required"},"http_tokens_enforced":{"@@assign":"enabled"}}}}"#;

    /// GetInstanceMetadataDefaults reports `ManagedBy = declarative-policy` when an EC2
    /// declarative policy sets the defaults
    /// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataDefaultsResponse.html);
    /// the policy attached along the account's path that assigns those values is named as the
    /// source (syntax:
    /// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html).
    #[test]
    fn declarative_policy_is_named() {
        let mut inv = org_with_policy(
            "p-d3c1",
            "RequireIMDSv2",
            "DECLARATIVE_POLICY_EC2",
            REQUIRE_IMDSV2,
            &["ou-wl"],
        );
        set_imds_defaults(
            &mut inv,
            Some("required"),
            Some("enabled"),
            Some("declarative-policy"),
        );
        let r = &results(&inv, "ec2-account-imdsv2-default")[0];
        assert_eq!(r.status, Status::Pass, "{r:?}");
        assert!(r.message.contains("RequireIMDSv2 (p-d3c1)"), "{r:?}");
        assert_evidence(r, "InstanceMetadataDefaults.Source", |v| {
            v == "EC2 declarative policy RequireIMDSv2 (p-d3c1)"
        });
        assert_evidence(r, "DECLARATIVE_POLICY_EC2 RequireIMDSv2 (p-d3c1)", |v| {
            v.contains("attached to ou-wl")
        });
    }

    /// A declarative policy that assigns `required` while the Region still reports the
    /// account's own `optional` (declarative policies take effect asynchronously, and the
    /// account-level API is what EC2 applies at launch): evidence that it is not in effect,
    /// never a pass.
    #[test]
    fn declarative_policy_not_in_effect_is_evidence_not_a_pass() {
        let mut inv = org_with_policy(
            "p-d3c1",
            "RequireIMDSv2",
            "DECLARATIVE_POLICY_EC2",
            REQUIRE_IMDSV2,
            &["r-root"],
        );
        set_imds_defaults(&mut inv, Some("optional"), None, Some("account"));
        let r = &results(&inv, "ec2-account-imdsv2-default")[0];
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert_evidence(r, "InstanceMetadataDefaults.Source", |v| {
            v == "the account default"
        });
        assert_evidence(r, "DECLARATIVE_POLICY_EC2 p-d3c1 not in effect", |v| {
            v.contains("http_tokens=required") && v.contains("reports optional")
        });
        // Managed by a declarative policy that cannot be identified (the policy along the
        // path assigns other values): the generic source, still judged on the reported values.
        set_imds_defaults(&mut inv, Some("optional"), None, Some("declarative-policy"));
        let r = &results(&inv, "ec2-account-imdsv2-default")[0];
        assert_eq!(r.status, Status::Fail, "{r:?}");
        assert_evidence(r, "InstanceMetadataDefaults.Source", |v| {
            v == "the organization's EC2 declarative policy"
        });
    }
}
