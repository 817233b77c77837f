use super::{CheckDef, Input, Results, account_resource};
use crate::inventory::Collected;

pub const CHECK: CheckDef = CheckDef {
    id: "ec2-launch-template-imdsv2",
    input: Input::OneAccount,
    evaluate: |ctx| {
        let mut out = Results::new("ec2-launch-template-imdsv2");
        for (acct, region, data) in out.regions(ctx) {
            let id = &acct.account_id;
            let Some(ec2) = out.collected(&data.ec2, id, Some(region), &account_resource(id))
            else {
                continue;
            };
            for lt in &ec2.launch_templates {
                let arn = format!(
                    "arn:{}:ec2:{region}:{id}:launch-template/{}",
                    ctx.partition(),
                    lt.launch_template_id
                );
                let version = lt
                    .default_version
                    .map(|v| v.to_string())
                    .unwrap_or_else(|| "?".into());
                match &lt.default_version_metadata {
                    Collected::Failed(e) => {
                        out.not_assessed(id, Some(region), &arn, format!("not assessed: {e}"));
                    }
                    Collected::Ok(Some(m)) if m.tokens_required() || !m.endpoint_enabled() => {
                        out.pass(
                            id,
                            Some(region),
                            &arn,
                            format!(
                                "launch template {} (default version {version}) requires IMDSv2",
                                lt.name
                            ),
                        );
                    }
                    Collected::Ok(m) => {
                        out.fail(id, Some(region), &arn, format!("launch template {} (default version {version}) does not require IMDSv2", lt.name))
                            .with(
                                "LaunchTemplateData.MetadataOptions.HttpTokens",
                                m.as_ref().and_then(|m| m.http_tokens.clone()).unwrap_or_else(|| "(absent: instances get the account default or optional)".into()),
                            );
                    }
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
    use crate::inventory::{Collected, LaunchTemplate, MetadataOptions};

    #[test]
    fn launch_templates() {
        let mut inv = base_inventory();
        let lt = |id: &str, m: Collected<Option<MetadataOptions>>| LaunchTemplate {
            tags: None,
            launch_template_id: id.into(),
            name: id.into(),
            default_version: Some(1),
            default_version_metadata: m,
            latest_version: None,
            latest_version_metadata: None,
        };
        ec2_mut(&mut inv).launch_templates = vec![
            lt(
                "lt-1",
                Collected::Ok(Some(MetadataOptions {
                    http_tokens: Some("required".into()),
                    ..Default::default()
                })),
            ),
            lt("lt-2", Collected::Ok(None)),
            lt(
                "lt-3",
                Collected::Failed(denied("DescribeLaunchTemplateVersions")),
            ),
        ];
        assert_eq!(
            statuses(&inv, "ec2-launch-template-imdsv2"),
            vec![Status::Pass, Status::Fail, Status::NotAssessed]
        );
    }
}
