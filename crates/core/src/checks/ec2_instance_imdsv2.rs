use crate::check::Check;

pub const CHECK: Check = Check {
    id: "ec2-instance-imdsv2",
    run: |ctx, out| {
        for i in out.instances(ctx) {
            let m = &i.metadata_options;
            let id = &i.instance_id;
            if !m.endpoint_enabled() {
                out.pass(
                    &i,
                    format!("instance {id} has the metadata service disabled"),
                );
            } else if m.tokens_required() {
                out.pass(&i, format!("instance {id} requires IMDSv2 session tokens"));
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
}
