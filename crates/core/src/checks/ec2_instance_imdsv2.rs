use super::{CheckDef, Input, Results, account_resource};

pub const CHECK: CheckDef = CheckDef {
    id: "ec2-instance-imdsv2",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("ec2-instance-imdsv2");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for i in ec2
                .instances
                .iter()
                .filter(|i| i.state.as_deref() != Some("terminated"))
            {
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:instance/{}",
                    ctx.partition(),
                    i.instance_id
                );
                let m = &i.metadata_options;
                if !m.endpoint_enabled() {
                    out.pass(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "instance {} has the metadata service disabled",
                            i.instance_id
                        ),
                    );
                } else if m.tokens_required() {
                    out.pass(
                        id,
                        Some(region),
                        &arn,
                        format!("instance {} requires IMDSv2 session tokens", i.instance_id),
                    );
                } else {
                    out.fail(
                        id,
                        Some(region),
                        &arn,
                        format!(
                            "instance {} accepts IMDSv1 requests without a session token",
                            i.instance_id
                        ),
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
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, Instance, MetadataOptions};

    fn instance(id: &str, tokens: Option<&str>, state: &str) -> Instance {
        Instance {
            tags: None,
            instance_id: id.into(),
            state: Some(state.into()),
            subnet_id: None,
            vpc_id: None,
            instance_profile_arn: None,
            public_ip: None,
            metadata_options: MetadataOptions {
                http_tokens: tokens.map(str::to_string),
                http_endpoint: None,
                http_put_response_hop_limit: Some(1),
            },
        }
    }

    #[test]
    fn imds_tokens() {
        let mut inv = base_inventory();
        ec2_mut(&mut inv).instances = vec![
            instance("i-1", Some("required"), "running"),
            instance("i-2", Some("optional"), "running"),
            instance("i-3", None, "stopped"),
            instance("i-4", None, "terminated"),
        ];
        assert_eq!(
            statuses(&inv, "ec2-instance-imdsv2"),
            vec![Status::Pass, Status::Fail, Status::Fail]
        );
        region_mut(&mut inv).ec2 = Collected::Failed(denied("DescribeInstances"));
        assert_eq!(
            statuses(&inv, "ec2-instance-imdsv2"),
            vec![Status::NotAssessed]
        );
    }
}
