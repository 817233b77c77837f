//! Launch templates: the `HttpTokens` that instances launched from a template get, for its
//! default version and, when it differs, its latest version.

use super::shared::ec2::{ImdsSource, defaults_evidence};
use crate::check::{Check, Reason};
use crate::inventory::{Collected, MetadataDefaults, MetadataOptions};

/// What an instance launched from one template version gets.
enum Outcome {
    /// IMDSv2 is required (or the metadata endpoint is off); `why` says by what.
    Required { why: String },
    /// IMDSv1 stays allowed; `why` says by what.
    Allowed { why: String },
    /// It depends on data that could not be collected.
    Unknown { reason: Reason },
}

/// AWS's order of precedence for each metadata option: the launch parameters (here the
/// template), then the Region's account-level default (set in the account or by an EC2
/// declarative policy), then the AMI (`ImdsSupport`, which posture does not read). With
/// IMDSv2 enforcement (`HttpTokensEnforced`), a launch that does not resolve to `required` is
/// refused, so no IMDSv1 instance can come from the template.
fn resolve(
    template: Option<&MetadataOptions>,
    defaults: &Collected<MetadataDefaults>,
    source: &str,
    region: &str,
) -> Outcome {
    let d = defaults.as_ref().ok();
    let endpoint = template
        .and_then(|m| m.http_endpoint.as_deref())
        .map(|e| (e, "the template"))
        .or_else(|| d.and_then(|d| d.http_endpoint.as_deref().map(|e| (e, source))));
    if let Some(("disabled", by)) = endpoint {
        return Outcome::Required {
            why: format!("the metadata endpoint is disabled by {by}"),
        };
    }
    let enforced = d.is_some_and(MetadataDefaults::tokens_enforced);
    match template.and_then(|m| m.http_tokens.as_deref()) {
        Some("required") => Outcome::Required {
            why: "HttpTokens=required is set by the template".into(),
        },
        Some(t) if enforced => Outcome::Required {
            why: format!(
                "the template sets HttpTokens={t}, but IMDSv2 enforcement in {region} ({source}) refuses every launch that does not resolve to required, so no instance launched from it accepts IMDSv1"
            ),
        },
        Some(t) => Outcome::Allowed {
            why: format!("the template sets HttpTokens={t}, which overrides any account default"),
        },
        None => match defaults {
            Collected::Failed(e) => Outcome::Unknown {
                reason: Reason::collection_as(
                    format!(
                        "the template sets no HttpTokens, so the account-level default of {region} decides, and it could not be read: "
                    ),
                    e,
                ),
            },
            Collected::Ok(d) if d.tokens_required() => Outcome::Required {
                why: format!(
                    "the template sets no HttpTokens; {source} of {region} requires IMDSv2"
                ),
            },
            Collected::Ok(d) if d.tokens_enforced() => Outcome::Required {
                why: format!(
                    "the template sets no HttpTokens; IMDSv2 enforcement in {region} ({source}) refuses launches that do not resolve to required"
                ),
            },
            Collected::Ok(d) => Outcome::Allowed {
                why: match d.http_tokens.as_deref() {
                    Some(t) => {
                        format!("the template sets no HttpTokens; {source} of {region} is {t}")
                    }
                    None => format!(
                        "the template sets no HttpTokens and {region} has no account-level preference, so each launch's AMI decides (ImdsSupport), which the template does not fix"
                    ),
                },
            },
        },
    }
}

pub const CHECK: Check = Check {
    id: "ec2-launch-template-imdsv2",
    run: |ctx, out| {
        for ec2 in out.ec2(ctx) {
            let region = ec2.region.unwrap_or_default();
            let defaults = &ec2.instance_metadata_defaults;
            let source = defaults
                .as_ref()
                .ok()
                .map(|d| ImdsSource::of(ctx, &ec2.account.account_id, d));
            let label = source.as_ref().map_or("", |s| s.label.as_str());
            for lt in ec2.launch_templates.iter().map(|lt| ec2.at(lt)) {
                let number =
                    |n: Option<i64>| n.map(|v| v.to_string()).unwrap_or_else(|| "?".into());
                // The default version, and the latest one when it differs: Auto Scaling groups
                // and fleets often launch `$Latest`.
                let mut versions = vec![(
                    format!("default version {}", number(lt.default_version)),
                    &lt.default_version_metadata,
                )];
                if let Some(m) = &lt.latest_version_metadata {
                    versions.push((format!("latest version {}", number(lt.latest_version)), m));
                }
                let judged: Vec<(String, Outcome, Option<&MetadataOptions>)> = versions
                    .into_iter()
                    .map(|(name, m)| match m {
                        Collected::Failed(e) => (
                            name,
                            Outcome::Unknown {
                                reason: Reason::collection(e),
                            },
                            None,
                        ),
                        Collected::Ok(m) => (
                            name,
                            resolve(m.as_ref(), defaults, label, region),
                            m.as_ref(),
                        ),
                    })
                    .collect();
                let named = |pred: fn(&Outcome) -> bool| {
                    judged
                        .iter()
                        .filter(|(_, o, _)| pred(o))
                        .map(|(n, _, _)| n.as_str())
                        .collect::<Vec<_>>()
                        .join(" and ")
                };
                let allowed = named(|o| matches!(o, Outcome::Allowed { .. }));
                let unknown = judged.iter().find_map(|(n, o, _)| match o {
                    Outcome::Unknown { reason } => Some(
                        reason
                            .clone()
                            .after(format!("launch template {}, {n}: ", lt.name)),
                    ),
                    _ => None,
                });
                if !allowed.is_empty() {
                    out.fail(
                        &lt,
                        format!(
                            "launch template {} does not require IMDSv2 in its {allowed}",
                            lt.name
                        ),
                    );
                } else if let Some(reason) = unknown {
                    out.not_assessed(&lt, reason);
                } else {
                    out.pass(
                        &lt,
                        format!(
                            "launch template {} requires IMDSv2 in its {}",
                            lt.name,
                            named(|_| true)
                        ),
                    );
                }
                for (name, outcome, m) in &judged {
                    let why = match outcome {
                        Outcome::Required { why } | Outcome::Allowed { why } => why.as_str(),
                        Outcome::Unknown { .. } => continue,
                    };
                    out.evidence(
                        format!("{name}: LaunchTemplateData.MetadataOptions.HttpTokens"),
                        format!(
                            "{} ({why})",
                            m.and_then(|m| m.http_tokens.as_deref())
                                .unwrap_or("(absent)")
                        ),
                    );
                }
                if let (Collected::Ok(d), Some(source)) = (defaults, &source) {
                    defaults_evidence(out, d);
                    source.evidence(out, region, d);
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, LaunchTemplate, MetadataDefaults, MetadataOptions};

    fn template(
        id: &str,
        default: Collected<Option<MetadataOptions>>,
        latest: Option<Collected<Option<MetadataOptions>>>,
    ) -> LaunchTemplate {
        LaunchTemplate {
            tags: None,
            launch_template_id: id.into(),
            name: id.into(),
            default_version: Some(1),
            default_version_metadata: default,
            latest_version: latest.as_ref().map(|_| 2),
            latest_version_metadata: latest,
        }
    }

    fn tokens(t: &str) -> Collected<Option<MetadataOptions>> {
        Collected::Ok(Some(MetadataOptions {
            http_tokens: Some(t.into()),
            ..Default::default()
        }))
    }

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
            lt(
                "lt-2",
                Collected::Ok(Some(MetadataOptions {
                    http_tokens: Some("optional".into()),
                    ..Default::default()
                })),
            ),
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
    /// A template without metadata options gets the Region's account-level default (audit
    /// finding 10: it failed even when that default requires IMDSv2).
    #[test]
    fn template_without_options_follows_the_account_default() {
        let mut inv = base_inventory();
        ec2_mut(&mut inv).launch_templates = vec![
            template("lt-none", Collected::Ok(None), None),
            // Options without HttpTokens: HttpTokens still comes from the account default.
            template(
                "lt-hop",
                Collected::Ok(Some(MetadataOptions {
                    http_put_response_hop_limit: Some(2),
                    ..Default::default()
                })),
                None,
            ),
            // An explicit `optional` in the template overrides the account default.
            template("lt-optional", tokens("optional"), None),
        ];
        // The fixture's account default requires IMDSv2.
        let r = results(&inv, "ec2-launch-template-imdsv2");
        let st: Vec<_> = r.iter().map(|r| r.status).collect();
        assert_eq!(st, vec![Status::Pass, Status::Pass, Status::Fail], "{r:#?}");
        assert_evidence_value(&r[0], "account default");

        // The same default set by a declarative policy: the evidence says so.
        set_imds_defaults(&mut inv, Some("required"), None, Some("declarative-policy"));
        let r = results(&inv, "ec2-launch-template-imdsv2");
        assert_eq!(r[0].status, Status::Pass);
        assert_evidence_value(&r[0], "declarative policy");

        // No account preference: the AMI decides, which the template does not fix.
        ec2_mut(&mut inv).instance_metadata_defaults = Collected::Ok(MetadataDefaults::default());
        assert_eq!(
            statuses(&inv, "ec2-launch-template-imdsv2"),
            vec![Status::Fail, Status::Fail, Status::Fail]
        );

        // IMDSv2 enforcement: no instance launches unless IMDSv2 is required, so neither
        // template can start an IMDSv1 instance, not even the explicit `optional` one.
        set_imds_defaults(&mut inv, None, Some("enabled"), None);
        assert_eq!(
            statuses(&inv, "ec2-launch-template-imdsv2"),
            vec![Status::Pass, Status::Pass, Status::Pass]
        );

        // The account default could not be read: the templates that defer to it are not
        // assessed; the explicit `optional` still fails.
        ec2_mut(&mut inv).instance_metadata_defaults =
            Collected::Failed(denied("GetInstanceMetadataDefaults"));
        let r = results(&inv, "ec2-launch-template-imdsv2");
        let st: Vec<_> = r.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            vec![Status::NotAssessed, Status::NotAssessed, Status::Fail],
            "{r:#?}"
        );
        assert!(
            r[0].message.contains("GetInstanceMetadataDefaults"),
            "{r:#?}"
        );
    }
    /// `$Latest` is judged as well as `$Default` when they differ (audit finding 16).
    #[test]
    fn latest_version_is_judged_too() {
        let mut inv = base_inventory();
        ec2_mut(&mut inv).instance_metadata_defaults = Collected::Ok(MetadataDefaults::default());
        ec2_mut(&mut inv).launch_templates = vec![
            template("lt-1", tokens("required"), Some(tokens("optional"))),
            template("lt-2", tokens("optional"), Some(tokens("required"))),
            template("lt-3", tokens("required"), Some(tokens("required"))),
            template(
                "lt-4",
                tokens("required"),
                Some(Collected::Failed(denied("DescribeLaunchTemplateVersions"))),
            ),
        ];
        let r = results(&inv, "ec2-launch-template-imdsv2");
        let st: Vec<_> = r.iter().map(|r| r.status).collect();
        assert_eq!(
            st,
            vec![
                Status::Fail,
                Status::Fail,
                Status::Pass,
                Status::NotAssessed
            ],
            "{r:#?}"
        );
        assert!(r[0].message.contains("latest version 2"), "{r:#?}");
        assert!(r[1].message.contains("default version 1"), "{r:#?}");
        assert!(r[2].message.contains("latest version 2"), "{r:#?}");
    }

    /// IMDSv2 enforcement set by an EC2 declarative policy: "When enforcement is enabled, the
    /// instance can't launch unless IMDSv2 (HttpTokens) is set to required"
    /// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataDefaultsResponse.html).
    /// Launch parameters (the template) override the account default, but no launch that
    /// resolves to `optional` succeeds
    /// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html#instance-metadata-options-order-of-precedence),
    /// so a template that sets `optional` cannot start an IMDSv1 instance: it passes, and the
    /// evidence names the policy that enforces it.
    #[test]
    fn enforcement_by_a_declarative_policy_is_named() {
        let mut inv = org_with_policy(
            "p-d3c1",
            "RequireIMDSv2",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"instance_metadata_defaults":{"http_tokens_enforced":{"@@assign":"enabled"}}}}"#,
            &["r-root"],
        );
        set_imds_defaults(
            &mut inv,
            Some("optional"),
            Some("enabled"),
            Some("declarative-policy"),
        );
        ec2_mut(&mut inv).launch_templates = vec![
            template("lt-optional", tokens("optional"), None),
            template("lt-none", Collected::Ok(None), None),
        ];
        let r = results(&inv, "ec2-launch-template-imdsv2");
        let st: Vec<_> = r.iter().map(|r| r.status).collect();
        assert_eq!(st, vec![Status::Pass, Status::Pass], "{r:#?}");
        for r in &r {
            assert!(
                r.evidence
                    .iter()
                    .any(|e| e.value.contains("IMDSv2 enforcement")
                        && e.value
                            .contains("EC2 declarative policy RequireIMDSv2 (p-d3c1)")),
                "{r:#?}"
            );
        }
        // The same enforcement set in the account: the account default is the source.
        set_imds_defaults(&mut inv, None, Some("enabled"), Some("account"));
        let r = results(&inv, "ec2-launch-template-imdsv2");
        assert_eq!(r[0].status, Status::Pass, "{r:#?}");
        assert_evidence(&r[0], "InstanceMetadataDefaults.Source", |v| {
            v == "the account default"
        });
        // The policy document alone (enforcement not reported by the Region) passes nothing:
        // the explicit `optional` fails, with the policy as evidence that it is not in effect.
        set_imds_defaults(&mut inv, Some("optional"), None, Some("account"));
        let r = results(&inv, "ec2-launch-template-imdsv2");
        assert_eq!(r[0].status, Status::Fail, "{r:#?}");
        assert_evidence_path(&r[0], "DECLARATIVE_POLICY_EC2 p-d3c1 not in effect");
    }
}
