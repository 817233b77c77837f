//! EC2: the account's instance metadata defaults, where they come from, and their evidence.
//!
//! AWS's order of precedence for each instance metadata option
//! (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html#instance-metadata-options-order-of-precedence>):
//! the launch parameters (a launch template's `MetadataOptions` are launch parameters), then
//! the Region's account-level default (GetInstanceMetadataDefaults; set in the account, or by
//! an EC2 declarative policy, which the API reports as `ManagedBy = declarative-policy`), then
//! the AMI's `ImdsSupport`. Above that order, IMDSv2 enforcement (`HttpTokensEnforced =
//! enabled`, set by the account or a declarative policy): "When enforcement is enabled, the
//! instance can't launch unless IMDSv2 (`HttpTokens`) is set to `required`"
//! (<https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_InstanceMetadataDefaultsResponse.html>),
//! and "an attempt to set httpTokens to optional will result in an UnsupportedOperation
//! exception" on an existing instance
//! (<https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-existing-instances.html>).
//! Neither the account default nor enforcement changes an instance that is already running
//! ("Setting the account-level default does not reset existing instances",
//! <https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-IMDS-new-instances.html>).

use super::org_policies::{Assigned, PathPolicies, along_path};
use crate::check::{Context, Findings, Reason};
use crate::inventory::{Collected, Ec2, MetadataDefaults, SharingBlock};

/// The account's IMDS defaults as evidence of the last result: HttpTokens, whether it is
/// enforced, and who manages it (the account or a declarative policy).
pub fn defaults_evidence(out: &mut Findings, d: &MetadataDefaults) {
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

/// Where a Region's IMDS defaults come from: the account, or an EC2 declarative policy of the
/// organization, named when the policies attached along the account's path identify it.
pub struct ImdsSource<'o> {
    /// For messages: "the account default", "EC2 declarative policy RequireIMDSv2
    /// (p-…)", or "the organization's EC2 declarative policy" when it cannot be named.
    pub label: String,
    policies: PathPolicies<'o>,
    managed_by_policy: bool,
}

const SECTION: &[&str] = &["ec2_attributes", "instance_metadata_defaults"];
/// The declarative policy's attributes for `HttpTokens` and `HttpTokensEnforced` (the
/// policy's attribute names are the API's in snake case).
const KEYS: &[&str] = &["http_tokens", "http_tokens_enforced"];

impl<'o> ImdsSource<'o> {
    /// The source of `d`, the defaults of one Region of `account_id`.
    pub fn of(ctx: &Context<'o>, account_id: &str, d: &MetadataDefaults) -> ImdsSource<'o> {
        let policies = along_path(
            ctx.organization,
            account_id,
            "DECLARATIVE_POLICY_EC2",
            SECTION,
            KEYS,
        );
        let managed_by_policy = d.managed_by.as_deref() == Some("declarative-policy");
        let label = if managed_by_policy {
            let named: Vec<String> = match &policies {
                PathPolicies::Known(ps) => ps
                    .iter()
                    .filter(|p| agrees(p, d))
                    .map(|p| format!("EC2 declarative policy {}", p.label()))
                    .collect(),
                _ => Vec::new(),
            };
            if named.is_empty() {
                d.source().to_string()
            } else {
                named.join(" or ")
            }
        } else {
            d.source().to_string()
        };
        ImdsSource {
            label,
            policies,
            managed_by_policy,
        }
    }

    /// The source and the declarative policies along the account's path as evidence of the
    /// last result. A policy whose value the Region does not report (not propagated yet, or
    /// overridden) is evidence that it is not in effect, never a reason to pass.
    pub fn evidence(&self, out: &mut Findings, region: &str, d: &MetadataDefaults) {
        out.evidence("InstanceMetadataDefaults.Source", &self.label);
        match &self.policies {
            PathPolicies::NoOrganization => {}
            PathPolicies::Unknown(why) if self.managed_by_policy => {
                out.evidence(
                    "DECLARATIVE_POLICY_EC2",
                    format!("the declarative policy cannot be named: {why}"),
                );
            }
            PathPolicies::Unknown(_) => {}
            PathPolicies::Known(ps) => {
                for p in ps {
                    out.evidence(
                        format!("DECLARATIVE_POLICY_EC2 {}", p.label()),
                        p.describe(),
                    );
                    for (key, reported) in disagreements(p, d) {
                        out.evidence(
                            format!("DECLARATIVE_POLICY_EC2 {} not in effect", p.policy.id),
                            format!(
                                "the policy assigns {key}={} but GetInstanceMetadataDefaults in {region} reports {reported}: not propagated yet, or overridden by another policy; posture judges by what the Region reports",
                                p.value(key).unwrap_or_default()
                            ),
                        );
                    }
                }
            }
        }
    }
}

/// The defaults' value of a policy attribute.
fn reported<'d>(d: &'d MetadataDefaults, key: &str) -> Option<&'d str> {
    match key {
        "http_tokens" => d.http_tokens.as_deref(),
        "http_tokens_enforced" => d.http_tokens_enforced.as_deref(),
        _ => None,
    }
}

/// The policy assigns what the Region reports (for every attribute it assigns).
fn agrees(p: &Assigned, d: &MetadataDefaults) -> bool {
    disagreements(p, d).is_empty()
}

/// The attributes the policy assigns and the Region reports otherwise, with what it reports.
fn disagreements(p: &Assigned, d: &MetadataDefaults) -> Vec<(&'static str, String)> {
    p.values
        .iter()
        .filter(|(k, v)| {
            // `no-preference` in a policy leaves the account's value.
            v != "no-preference" && reported(d, k) != Some(v.as_str())
        })
        .map(|(k, _)| (*k, reported(d, k).unwrap_or("(none)").to_string()))
        .collect()
}

/// Where one of a Region's account-level block public access settings comes from (VPC Block
/// Public Access, block public access for snapshots or AMIs): the account, or an EC2
/// declarative policy of the organization, which the API reports as `ManagedBy =
/// declarative-policy`. As for IMDS, the Region's answer decides; the policies along the
/// account's path only name the source, or are evidence that a policy is not (yet) in effect.
///
/// Declarative policies spell the values with underscores (`block_all_sharing`,
/// `block_ingress`) where the EC2 API uses hyphens (`block-all-sharing`, `block-ingress`)
/// (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html>).
pub struct SettingSource<'o> {
    /// For messages: "the account", "EC2 declarative policy Name (p-…)", or "the
    /// organization's EC2 declarative policy" when it cannot be named.
    pub label: String,
    policies: PathPolicies<'o>,
    managed_by_policy: bool,
    key: &'static str,
    reported: Option<String>,
}

/// The API's spelling of a declarative policy value.
fn api_spelling(policy_value: &str) -> String {
    policy_value.replace('_', "-")
}

impl<'o> SettingSource<'o> {
    /// The source of a setting of `account_id` whose Region reports `reported` and
    /// `managed_by`; `section` and `key` locate the attribute in an EC2 declarative policy
    /// (`["ec2_attributes", "snapshot_block_public_access"]`, `"state"`).
    pub fn of(
        ctx: &Context<'o>,
        account_id: &str,
        section: &[&str],
        key: &'static str,
        reported: Option<&str>,
        managed_by: Option<&str>,
    ) -> SettingSource<'o> {
        let policies = along_path(
            ctx.organization,
            account_id,
            "DECLARATIVE_POLICY_EC2",
            section,
            &[key],
        );
        let managed_by_policy = managed_by == Some("declarative-policy");
        let agrees = |p: &&Assigned| {
            p.value(key)
                .is_some_and(|v| reported == Some(api_spelling(v).as_str()))
        };
        let label = if managed_by_policy {
            let named: Vec<String> = match &policies {
                PathPolicies::Known(ps) => ps
                    .iter()
                    .filter(agrees)
                    .map(|p| format!("EC2 declarative policy {}", p.label()))
                    .collect(),
                _ => Vec::new(),
            };
            if named.is_empty() {
                "the organization's EC2 declarative policy".to_string()
            } else {
                named.join(" or ")
            }
        } else {
            "the account".to_string()
        };
        SettingSource {
            label,
            policies,
            managed_by_policy,
            key,
            reported: reported.map(str::to_string),
        }
    }

    /// `{prefix}.Source`, and the declarative policies along the account's path, as evidence
    /// of the last result; `operation` is the call whose answer decided (for the "not in
    /// effect" note).
    pub fn evidence(&self, out: &mut Findings, prefix: &str, region: &str, operation: &str) {
        out.evidence(format!("{prefix}.Source"), &self.label);
        match &self.policies {
            PathPolicies::NoOrganization => {}
            PathPolicies::Unknown(why) if self.managed_by_policy => {
                out.evidence(
                    "DECLARATIVE_POLICY_EC2",
                    format!("the declarative policy cannot be named: {why}"),
                );
            }
            PathPolicies::Unknown(_) => {}
            PathPolicies::Known(ps) => {
                for p in ps {
                    out.evidence(
                        format!("DECLARATIVE_POLICY_EC2 {}", p.label()),
                        p.describe(),
                    );
                    let Some(v) = p.value(self.key) else { continue };
                    if self.reported.as_deref() != Some(api_spelling(v).as_str()) {
                        out.evidence(
                            format!("DECLARATIVE_POLICY_EC2 {} not in effect", p.policy.id),
                            format!(
                                "the policy assigns {}={v} but {operation} in {region} reports {}: not propagated yet, or overridden by another policy; posture judges by what the Region reports",
                                self.key,
                                self.reported.as_deref().unwrap_or("(none)")
                            ),
                        );
                    }
                }
            }
        }
    }
}
/// One of EC2's account-level sharing blocks (EBS snapshots, AMIs), as its check judges it in
/// every Region: the verdict of each known state, the source of the setting (the account or a
/// declarative policy), and the evidence paths of its results.
pub struct SharingSetting {
    pub field: fn(&Ec2) -> &Collected<SharingBlock>,
    /// The declarative policy attribute: `snapshot_block_public_access`.
    pub attribute: &'static str,
    /// The call that reads it: `GetSnapshotBlockPublicAccessState`.
    pub api: &'static str,
    /// The evidence prefix: `SnapshotBlockPublicAccess`.
    pub evidence: &'static str,
    /// The evidence path of the state.
    pub state_path: &'static str,
    /// A known state's verdict (pass or fail, the message) in `region`, the setting coming from
    /// `source`; `None` for a state posture does not know (not assessed).
    pub judge: fn(state: &str, region: &str, source: &str) -> Option<(bool, String)>,
}

/// Judge `setting` in every Region of the account.
pub fn judge_sharing_setting(ctx: &Context, out: &mut Findings, setting: &SharingSetting) {
    let regions = out.ec2(ctx);
    for (ec2, b) in out.each_collected(regions, setting.field) {
        let region = ec2.region.unwrap_or_default();
        let state = b.state.as_deref();
        let source = SettingSource::of(
            ctx,
            &ec2.account.account_id,
            &["ec2_attributes", setting.attribute],
            "state",
            state,
            b.managed_by.as_deref(),
        );
        let api = setting.api;
        match state.map(|s| (s, (setting.judge)(s, region, &source.label))) {
            Some((_, Some((true, message)))) => {
                out.pass(&ec2, message);
            }
            Some((_, Some((false, message)))) => {
                out.fail(&ec2, message);
            }
            Some((other, None)) => {
                out.not_assessed(
                    &ec2,
                    Reason::undecidable(format!(
                        "{api} in {region} reports the unknown state {other}"
                    )),
                );
            }
            None => {
                out.not_assessed(
                    &ec2,
                    Reason::not_reported(format!("{api} in {region} reports no state")),
                );
            }
        }
        out.evidence(setting.state_path, state.unwrap_or("(absent)"));
        if let Some(m) = &b.managed_by {
            out.evidence(format!("{}.ManagedBy", setting.evidence), m);
        }
        source.evidence(out, setting.evidence, region, api);
    }
}
