//! The organization's management policies that set a value in an account rather than allow or
//! deny calls: EC2 declarative policies (`DECLARATIVE_POLICY_EC2`, the Region's instance
//! metadata defaults) and S3 policies (`S3_POLICY`, account-level Block Public Access).
//!
//! AWS applies them itself and reports the result through the account's own API
//! (GetInstanceMetadataDefaults with `ManagedBy = declarative-policy`; S3 Control
//! GetPublicAccessBlock, which "returns the effective account-level configuration, which may
//! inherit from organization-level policies":
//! <https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_GetPublicAccessBlock.html>).
//! So the checks judge what the account reports, and read the policies only to name the
//! source of a setting, or to say that a policy's value is not (yet) what the account reports.
//! A policy document alone never makes a pass.
//!
//! Syntax: both types use the management-policy syntax with `@@assign`
//! (<https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html>,
//! <https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_s3_syntax.html>):
//! `{"ec2_attributes":{"instance_metadata_defaults":{"http_tokens":{"@@assign":"required"}}}}`,
//! `{"s3_attributes":{"public_access_block_configuration":{"@@assign":"all"}}}`. Posture does
//! not compute the inheritance of several such policies (`@@operators_allowed_for_child_policies`):
//! it lists every one attached along the account's path and names as the source those whose
//! value is the one the account reports.

use serde_json::Value;

use crate::check::Findings;
use crate::inventory::{Collected, OrgPolicy, Organization, PublicAccessBlock};

/// One policy attached along an account's path that assigns some of the attributes asked for.
#[derive(Debug, Clone)]
pub struct Assigned<'o> {
    pub policy: &'o OrgPolicy,
    /// Where along the path it is attached: the account, an OU or the root.
    pub target: String,
    /// The attributes it assigns, with their `@@assign` values.
    pub values: Vec<(&'static str, String)>,
}

impl Assigned<'_> {
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// `Name (p-…)`, for messages.
    pub fn label(&self) -> String {
        format!("{} ({})", self.policy.name, self.policy.id)
    }

    /// `http_tokens=required, …; attached to r-…`, for evidence.
    pub fn describe(&self) -> String {
        let values: Vec<String> = self
            .values
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        format!("{}; attached to {}", values.join(", "), self.target)
    }
}

/// What the organization's policies of one type along an account's path assign.
#[derive(Debug, Clone)]
pub enum PathPolicies<'o> {
    /// Not scanned in organization mode, or the organization could not be read.
    NoOrganization,
    /// The policies, their documents or their targets could not be read: why.
    Unknown(String),
    /// The policies that assign at least one of the attributes (possibly none).
    Known(Vec<Assigned<'o>>),
}

/// The policies of `policy_type` attached to the account, its OUs or the root whose document
/// assigns any of `keys` in the object at `section` (`["ec2_attributes",
/// "instance_metadata_defaults"]`).
pub fn along_path<'o>(
    organization: Option<&'o Collected<Organization>>,
    account_id: &str,
    policy_type: &str,
    section: &[&str],
    keys: &[&'static str],
) -> PathPolicies<'o> {
    let Some(Collected::Ok(org)) = organization else {
        return PathPolicies::NoOrganization;
    };
    // A policy type that is not enabled on the root applies to no account
    // (https://docs.aws.amazon.com/organizations/latest/userguide/enable-policy-type.html).
    if let Ok((roots, _)) = org.hierarchy()
        && !roots.is_empty()
        && !roots
            .iter()
            .any(|r| r.enabled_policy_types.iter().any(|t| t == policy_type))
    {
        return PathPolicies::Known(Vec::new());
    }
    let policies = match &org.policies {
        Collected::Ok(p) => p,
        Collected::Failed(e) => {
            return PathPolicies::Unknown(format!(
                "the organization's policies could not be listed ({}:{})",
                e.service, e.operation
            ));
        }
    };
    if org.hierarchy().is_err() {
        return PathPolicies::Unknown(
            "the organization's root/OU tree could not be walked, so the account's path is unknown"
                .into(),
        );
    }
    let mut path = vec![account_id.to_string()];
    path.extend(org.ancestors_of(account_id));
    let mut out = Vec::new();
    for p in policies.iter().filter(|p| p.policy_type == policy_type) {
        let targets = match &p.targets {
            Collected::Ok(t) => t,
            Collected::Failed(_) => {
                return PathPolicies::Unknown(format!(
                    "the targets of {} ({}) could not be listed",
                    p.name, p.id
                ));
            }
        };
        // Nearest the account first.
        let Some(target) = path.iter().find(|t| targets.contains(t)) else {
            continue;
        };
        let text = match &p.content {
            Collected::Ok(t) => t,
            Collected::Failed(_) => {
                return PathPolicies::Unknown(format!(
                    "the document of {} ({}) could not be read",
                    p.name, p.id
                ));
            }
        };
        let Ok(doc) = serde_json::from_str::<Value>(text) else {
            return PathPolicies::Unknown(format!(
                "the document of {} ({}) is not valid JSON",
                p.name, p.id
            ));
        };
        let values = assigned(&doc, section, keys);
        if !values.is_empty() {
            out.push(Assigned {
                policy: p,
                target: target.clone(),
                values,
            });
        }
    }
    // Nearest the account first (the account, then its OUs upwards, then the root).
    out.sort_by_key(|a| path.iter().position(|t| *t == a.target));
    PathPolicies::Known(out)
}

/// The `@@assign` values of `keys` in the object at `section` of a management policy.
fn assigned(doc: &Value, section: &[&str], keys: &[&'static str]) -> Vec<(&'static str, String)> {
    let mut node = doc;
    for s in section {
        match node.get(s) {
            Some(n) => node = n,
            None => return Vec::new(),
        }
    }
    keys.iter()
        .filter_map(|k| {
            let v = node.get(k)?.get("@@assign")?;
            let v = match v {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            Some((*k, v))
        })
        .collect()
}

/// The organization's S3 policies along an account's path, which enforce account-level Block
/// Public Access (`public_access_block_configuration`: `all` turns the four settings on,
/// `none` off). GetPublicAccessBlock already reports the enforced settings, so they only name
/// the source of what the account reports.
pub struct S3PolicyLayer<'o> {
    policies: PathPolicies<'o>,
}

const S3_KEY: &str = "public_access_block_configuration";

impl<'o> S3PolicyLayer<'o> {
    pub fn of(organization: Option<&'o Collected<Organization>>, account_id: &str) -> Self {
        S3PolicyLayer {
            policies: along_path(
                organization,
                account_id,
                "S3_POLICY",
                &["s3_attributes"],
                &[S3_KEY],
            ),
        }
    }

    /// The S3 policies that assign `all`, nearest the account first.
    fn assigning_all(&self) -> Vec<&Assigned<'o>> {
        match &self.policies {
            PathPolicies::Known(ps) => ps
                .iter()
                .filter(|p| p.value(S3_KEY) == Some("all"))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// When the account reports all four settings on and an S3 policy along its path assigns
    /// `all`: "S3 policy Name (p-…)", the source of the account-level settings.
    pub fn enforcing(&self, reported: Option<&PublicAccessBlock>) -> Option<String> {
        if !reported.is_some_and(PublicAccessBlock::all_enabled) {
            return None;
        }
        let named: Vec<String> = self
            .assigning_all()
            .iter()
            .map(|p| format!("S3 policy {}", p.label()))
            .collect();
        (!named.is_empty()).then(|| named.join(" or "))
    }

    /// The S3 policies along the path as evidence of the last result; a policy that assigns
    /// `all` while the account does not report the four settings on is not in effect (yet).
    pub fn evidence(&self, out: &mut Findings, reported: Option<&PublicAccessBlock>) {
        match &self.policies {
            PathPolicies::NoOrganization => {}
            PathPolicies::Unknown(why) => {
                out.evidence(
                    "S3_POLICY",
                    format!("the organization's S3 policies cannot be read: {why}"),
                );
            }
            PathPolicies::Known(ps) => {
                for p in ps {
                    out.evidence(format!("S3_POLICY {}", p.label()), p.describe());
                }
                if !reported.is_some_and(PublicAccessBlock::all_enabled) {
                    for p in self.assigning_all() {
                        out.evidence(
                            format!("S3_POLICY {} not in effect", p.policy.id),
                            "the policy assigns public_access_block_configuration=all but GetPublicAccessBlock does not report the four settings on: not propagated yet, overridden by another policy, or not applied to this account; posture judges by what the account reports",
                        );
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::fixtures::*;

    fn policies(inv: &mut crate::inventory::Inventory) -> &mut Vec<OrgPolicy> {
        match &mut org_mut(inv).policies {
            Collected::Ok(p) => p,
            Collected::Failed(_) => panic!("fixture policies"),
        }
    }

    fn policy(id: &str, kind: &str, content: &str, targets: &[&str]) -> OrgPolicy {
        OrgPolicy {
            id: id.into(),
            name: format!("name-{id}"),
            policy_type: kind.into(),
            aws_managed: false,
            content: Collected::Ok(content.into()),
            targets: Collected::Ok(targets.iter().map(|t| t.to_string()).collect()),
        }
    }

    /// The S3 policy syntax of
    /// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_s3_syntax.html
    /// and the declarative policy syntax of
    /// https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_declarative_syntax.html
    /// The S3 policies along the path that set the account's Block Public Access.
    fn s3_bpa(inv: &crate::inventory::Inventory) -> PathPolicies<'_> {
        along_path(
            inv.organization.as_ref(),
            ACCOUNT,
            "S3_POLICY",
            &["s3_attributes"],
            &["public_access_block_configuration"],
        )
    }

    #[test]
    fn policies_along_the_path() {
        let mut inv = org_inventory();
        org_mut(&mut inv).accounts[0].parent_id = Some("ou-wl".into());
        org_mut(&mut inv).roots[0]
            .enabled_policy_types
            .extend(["S3_POLICY".into(), "DECLARATIVE_POLICY_EC2".into()]);
        let ps = policies(&mut inv);
        ps.push(policy(
            "p-s3root",
            "S3_POLICY",
            r#"{"s3_attributes":{"public_access_block_configuration":{"@@assign":"all"}}}"#,
            &["r-root"],
        ));
        // Attached elsewhere: not on the path.
        ps.push(policy(
            "p-s3sec",
            "S3_POLICY",
            r#"{"s3_attributes":{"public_access_block_configuration":{"@@assign":"none"}}}"#,
            &["ou-sec"],
        ));
        ps.push(policy(
            "p-imds",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"instance_metadata_defaults":{"http_tokens":{"@@assign":"required"},"http_put_response_hop_limit":{"@@assign":2}}}}"#,
            &["ou-wl"],
        ));
        // A declarative policy of another attribute: not listed.
        ps.push(policy(
            "p-snap",
            "DECLARATIVE_POLICY_EC2",
            r#"{"ec2_attributes":{"snapshot_block_public_access":{"state":{"@@assign":"block_all_sharing"}}}}"#,
            &["r-root"],
        ));
        let s3 = s3_bpa(&inv);
        let PathPolicies::Known(s3) = s3 else {
            panic!("{s3:?}")
        };
        assert_eq!(s3.len(), 1);
        assert_eq!(s3[0].policy.id, "p-s3root");
        assert_eq!(
            s3[0].value("public_access_block_configuration"),
            Some("all")
        );
        assert_eq!(s3[0].target, "r-root");
        let imds = along_path(
            inv.organization.as_ref(),
            ACCOUNT,
            "DECLARATIVE_POLICY_EC2",
            &["ec2_attributes", "instance_metadata_defaults"],
            &["http_tokens", "http_tokens_enforced"],
        );
        let PathPolicies::Known(imds) = imds else {
            panic!("{imds:?}")
        };
        assert_eq!(imds.len(), 1);
        assert_eq!(
            imds[0].describe(),
            "http_tokens=required; attached to ou-wl"
        );

        // Without an organization there is nothing to name; with unreadable targets the
        // source is unknown.
        assert!(matches!(
            along_path(None, ACCOUNT, "S3_POLICY", &["s3_attributes"], &["x"]),
            PathPolicies::NoOrganization
        ));
        // A type not enabled on the root: no policy of it applies.
        org_mut(&mut inv).roots[0].enabled_policy_types = vec!["SERVICE_CONTROL_POLICY".into()];
        assert!(matches!(
            s3_bpa(&inv),
            PathPolicies::Known(v) if v.is_empty()
        ));
        org_mut(&mut inv).roots[0]
            .enabled_policy_types
            .push("S3_POLICY".into());
        policies(&mut inv)[1].targets = Collected::Failed(denied("ListTargetsForPolicy"));
        assert!(matches!(s3_bpa(&inv), PathPolicies::Unknown(_)));
    }
}
