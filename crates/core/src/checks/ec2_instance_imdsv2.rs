use super::shared::ec2::{ImdsSource, defaults_evidence};
use crate::check::Check;

pub const CHECK: Check = Check {
    id: "ec2-instance-imdsv2",
    run: |ctx, out| {
        for ec2 in out.ec2(ctx) {
            let region = ec2.region.unwrap_or_default();
            // The Region's defaults do not change a running instance, but enforcement keeps
            // one that requires IMDSv2 from being switched back: evidence, never the verdict.
            let defaults = ec2.instance_metadata_defaults.as_ref().ok();
            let source = defaults.map(|d| ImdsSource::of(ctx, &ec2.account.account_id, d));
            let enforced = defaults.is_some_and(|d| d.tokens_enforced());
            for i in ec2.instances.iter().map(|i| ec2.at(i)) {
                if i.state.as_deref() == Some("terminated") {
                    continue;
                }
                let m = &i.metadata_options;
                let id = &i.instance_id;
                let by = source.as_ref().map_or("", |s| s.label.as_str());
                if !m.endpoint_enabled() {
                    out.pass(
                        &i,
                        format!("instance {id} has the metadata service disabled"),
                    );
                } else if m.tokens_required() {
                    out.pass(&i, format!("instance {id} requires IMDSv2 session tokens"));
                } else if enforced {
                    out.fail(
                        &i,
                        format!("instance {id} accepts IMDSv1 requests without a session token; IMDSv2 enforcement in {region} ({by}) refuses new IMDSv1 launches but does not change running instances"),
                    );
                } else {
                    out.fail(
                        &i,
                        format!("instance {id} accepts IMDSv1 requests without a session token"),
                    );
                }
                out.evidence(
                    "MetadataOptions.HttpTokens",
                    m.http_tokens
                        .as_deref()
                        .unwrap_or("(absent: AWS default optional)"),
                )
                .evidence(
                    "MetadataOptions.HttpEndpoint",
                    m.http_endpoint.as_deref().unwrap_or("(absent: enabled)"),
                );
                if let Some(p) = &i.instance_profile_arn {
                    out.evidence("IamInstanceProfile", p);
                }
                if let (Some(d), Some(source)) = (defaults, &source) {
                    defaults_evidence(out, d);
                    source.evidence(out, region, d);
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::Collected;

    #[test]
    fn imds_tokens() {
        let mut inv = inventory_with_instances(vec![
            instance("i-1", Some("required"), "running"),
            instance("i-2", Some("optional"), "running"),
            instance("i-3", None, "stopped"),
            instance("i-4", None, "terminated"),
        ]);
        assert_statuses(&inv, CHECK.id, &[Status::Pass, Status::Fail, Status::Fail]);
        region_mut(&mut inv).ec2 = Collected::Failed(denied("DescribeInstances"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// IMDSv2 enforcement refuses launches and modifications to `optional`
    /// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html:
    /// "an attempt to set httpTokens to optional will result in an UnsupportedOperation
    /// exception"), but it does not change an instance already running with IMDSv1 (account
    /// defaults "do not reset existing instances",
    /// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html):
    /// that instance still fails, and the message and evidence name the enforcement's source.
    #[test]
    fn enforcement_does_not_fix_running_instances() {
        let mut inv = org_with_policy(
            "p-d3c1",
            "RequireIMDSv2",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"instance_metadata_defaults":{"http_tokens":{"@@assign":"required"},"http_tokens_enforced":{"@@assign":"enabled"}}}}"#,
            &["ou-wl"],
        );
        set_imds_defaults(
            &mut inv,
            Some("required"),
            Some("enabled"),
            Some("declarative-policy"),
        );
        ec2_mut(&mut inv).instances = vec![
            instance("i-1", Some("required"), "running"),
            instance("i-2", Some("optional"), "running"),
        ];
        let r = results(&inv, "ec2-instance-imdsv2");
        let st: Vec<_> = r.iter().map(|r| r.status).collect();
        assert_eq!(st, vec![Status::Pass, Status::Fail], "{r:#?}");
        assert!(
            r[1].message.contains("does not change running instances")
                && r[1].message.contains("RequireIMDSv2 (p-d3c1)"),
            "{r:#?}"
        );
        for r in &r {
            assert_evidence(r, "InstanceMetadataDefaults.HttpTokensEnforced", |v| {
                v == "enabled"
            });
        }
        // The defaults could not be read: the instance's own options still decide.
        ec2_mut(&mut inv).instance_metadata_defaults =
            Collected::Failed(denied("GetInstanceMetadataDefaults"));
        assert_eq!(
            statuses(&inv, "ec2-instance-imdsv2"),
            vec![Status::Pass, Status::Fail]
        );
    }
}
