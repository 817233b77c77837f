//! Which regions a service control policy forbids the scanner: the region guardrail that mature
//! organizations deploy ("deny everything outside these regions, except global services"), read
//! so that posture scans only the regions an account may use and records the others as denied by
//! policy instead of collecting dozens of AccessDenied errors.
//!
//! The prediction is deliberately one-sided. A region is called denied only when a Deny
//! statement certainly applies to every regional call posture makes there: every condition of
//! the statement is one posture can evaluate for its own request (`aws:RequestedRegion`, and
//! `aws:PrincipalArn` against the scanner's role). Any other condition key, a resource other
//! than `*`, or an action list that leaves one of posture's calls out makes posture scan the
//! region anyway — an AccessDenied there is still recorded as a collection error, so a wrong
//! guess can cost an error, never data.

use std::collections::BTreeMap;

use super::document::{Effect, Policy, Statement};
use super::wildcard::wildcard_match;

/// Why a region is not scanned in an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegionDenial {
    pub policy_id: String,
    pub policy_name: String,
    /// `Statement[1] (Sid "DenyOutsideAllowedRegions")`.
    pub statement: String,
    /// The regions the statement leaves allowed, when it names them literally
    /// (`StringNotEquals` on `aws:RequestedRegion`).
    pub allowed: Vec<String>,
}

impl std::fmt::Display for RegionDenial {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "denied by SCP {} ({}), {}",
            self.policy_id, self.policy_name, self.statement
        )
    }
}

/// An SCP that applies to the account.
pub struct AppliedScp<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub policy: &'a Policy,
}

/// The regions among `candidates` in which SCPs deny every one of `actions` to `principal_arn`.
pub fn denied_regions(
    scps: &[AppliedScp<'_>],
    principal_arn: &str,
    actions: &[&str],
    candidates: &[String],
) -> BTreeMap<String, RegionDenial> {
    let mut out = BTreeMap::new();
    for region in candidates {
        'policies: for scp in scps {
            for st in &scp.policy.statements {
                if denies_all(st, principal_arn, actions, region) {
                    let allowed = st
                        .conditions
                        .iter()
                        .filter(|c| {
                            c.key_is("aws:RequestedRegion") && c.operator.base == "StringNotEquals"
                        })
                        .flat_map(|c| c.values.iter().cloned())
                        .collect();
                    out.insert(
                        region.clone(),
                        RegionDenial {
                            policy_id: scp.id.to_string(),
                            policy_name: scp.name.to_string(),
                            statement: st.label(),
                            allowed,
                        },
                    );
                    break 'policies;
                }
            }
        }
    }
    out
}

/// True when `st` certainly denies every action in `actions` to `principal_arn` in `region`.
fn denies_all(st: &Statement, principal_arn: &str, actions: &[&str], region: &str) -> bool {
    if st.effect != Effect::Deny || st.principal.is_some() || st.not_principal.is_some() {
        return false;
    }
    if st.not_resource.is_some() {
        return false;
    }
    let any_resource = st
        .resource
        .as_ref()
        .is_some_and(|r| r.0.iter().any(|v| v == "*"));
    if !any_resource {
        return false;
    }
    let covers = |action: &str| match (&st.action, &st.not_action) {
        (Some(list), None) => list.0.iter().any(|p| wildcard_match(p, action, true)),
        (None, Some(list)) => !list.0.iter().any(|p| wildcard_match(p, action, true)),
        _ => false,
    };
    if !actions.iter().all(|a| covers(a)) {
        return false;
    }
    let mut about_region = false;
    for c in &st.conditions {
        if c.operator.set_qualifier.is_some() {
            return false;
        }
        let values = &c.values;
        let any_like = |v: &str| values.iter().any(|p| wildcard_match(p, v, false));
        let any_equal = |v: &str| values.iter().any(|p| p == v);
        let holds = if c.key_is("aws:RequestedRegion") {
            about_region = true;
            match c.operator.base.as_str() {
                "StringNotEquals" => !any_equal(region),
                "StringNotLike" => !any_like(region),
                "StringEquals" => any_equal(region),
                "StringLike" => any_like(region),
                _ => return false,
            }
        } else if c.key_is("aws:PrincipalArn") {
            // Exemptions for break-glass or automation roles: evaluated against the scanner's
            // own role. ARN operators match field by field, which `*` globbing over the whole
            // ARN approximates for the usual `arn:aws:iam::*:role/Name` patterns.
            match c.operator.base.as_str() {
                "ArnNotLike" | "StringNotLike" => !any_like(principal_arn),
                "ArnNotEquals" | "StringNotEquals" => !any_equal(principal_arn),
                "ArnLike" | "StringLike" => any_like(principal_arn),
                "ArnEquals" | "StringEquals" => any_equal(principal_arn),
                _ => return false,
            }
        } else {
            // A key posture cannot evaluate for its own request: no prediction.
            return false;
        };
        if !holds {
            return false;
        }
    }
    about_region
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::policy::parse;

    const ROLE: &str = "arn:aws:iam::222222222222:role/PostureReadOnly";
    const ACTIONS: &[&str] = &["ec2:DescribeVpcs", "acm:ListCertificates", "apigateway:GET"];

    fn regions() -> Vec<String> {
        ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    }

    fn denied(doc: &str) -> Vec<String> {
        let p = parse(doc).expect("valid policy");
        let scps = [AppliedScp {
            id: "p-region",
            name: "RegionGuardrail",
            policy: &p,
        }];
        denied_regions(&scps, ROLE, ACTIONS, &regions())
            .into_keys()
            .collect()
    }

    // The example of the AWS Organizations user guide ("Deny access to AWS based on the
    // requested AWS Region"): NotAction exempts global services, an ArnNotLike exempts a role.
    const GUIDE: &str = r#"{
      "Version": "2012-10-17",
      "Statement": [{
        "Sid": "DenyAllOutsideEU",
        "Effect": "Deny",
        "NotAction": ["a4b:*", "acm:*", "aws-marketplace-management:*", "budgets:*", "ce:*",
          "cloudfront:*", "iam:*", "organizations:*", "route53:*", "sts:*", "support:*"],
        "Resource": "*",
        "Condition": {
          "StringNotEquals": {"aws:RequestedRegion": ["eu-central-1", "eu-west-1"]},
          "ArnNotLike": {"aws:PrincipalARN": ["arn:aws:iam::*:role/Role1AllowedToBypassThisSCP"]}
        }
      }]
    }"#;

    #[test]
    fn the_guide_example_leaves_acm_allowed_so_no_region_is_skipped() {
        // acm:* is exempt: ACM still answers in every region, so the regions are scanned.
        assert!(denied(GUIDE).is_empty());
    }

    #[test]
    fn a_region_guardrail_without_exemptions_for_posture_calls() {
        let doc = GUIDE.replace(r#""acm:*", "#, "");
        assert_eq!(denied(&doc), vec!["ap-southeast-2", "us-east-1"]);
        let p = parse(&doc).unwrap();
        let scps = [AppliedScp {
            id: "p-region",
            name: "RegionGuardrail",
            policy: &p,
        }];
        let d = denied_regions(&scps, ROLE, ACTIONS, &regions());
        assert_eq!(d["us-east-1"].allowed, vec!["eu-central-1", "eu-west-1"]);
    }

    #[test]
    fn an_exempt_scanner_role_is_not_denied() {
        let doc = GUIDE
            .replace(r#""acm:*", "#, "")
            .replace("Role1AllowedToBypassThisSCP", "Posture*");
        assert!(denied(&doc).is_empty());
    }

    #[test]
    fn unknown_conditions_resources_and_partial_actions_predict_nothing() {
        let base = GUIDE.replace(r#""acm:*", "#, "");
        let with_tag = base.replace(
            r#""ArnNotLike""#,
            r#""StringEquals": {"aws:PrincipalTag/team": "x"}, "ArnNotLike""#,
        );
        assert!(denied(&with_tag).is_empty(), "unknown key");
        let bucket = base.replace(r#""Resource": "*""#, r#""Resource": "arn:aws:s3:::b""#);
        assert!(denied(&bucket).is_empty(), "not every resource");
        let only_ec2 = r#"{"Statement":[{"Effect":"Deny","Action":"ec2:*","Resource":"*",
            "Condition":{"StringNotEquals":{"aws:RequestedRegion":"eu-west-1"}}}]}"#;
        assert!(
            denied(only_ec2).is_empty(),
            "ACM and API Gateway still allowed"
        );
        let no_region = r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}"#;
        assert!(
            denied(no_region).is_empty(),
            "a deny of everything is not a region guardrail"
        );
        let allow = base.replace(r#""Effect": "Deny""#, r#""Effect": "Allow""#);
        assert!(denied(&allow).is_empty());
    }

    #[test]
    fn like_patterns_and_deny_lists() {
        let like = r#"{"Statement":[{"Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringNotLike":{"aws:RequestedRegion":["eu-*"]}}}]}"#;
        assert_eq!(denied(like), vec!["ap-southeast-2", "us-east-1"]);
        let deny_list = r#"{"Statement":[{"Sid":"NoSydney","Effect":"Deny","Action":"*","Resource":"*",
            "Condition":{"StringEquals":{"aws:RequestedRegion":"ap-southeast-2"}}}]}"#;
        assert_eq!(denied(deny_list), vec!["ap-southeast-2"]);
        let p = parse(deny_list).unwrap();
        let scps = [AppliedScp {
            id: "p-1",
            name: "NoSydney",
            policy: &p,
        }];
        let d = denied_regions(&scps, ROLE, ACTIONS, &regions());
        assert!(d["ap-southeast-2"].allowed.is_empty());
        assert_eq!(
            d["ap-southeast-2"].to_string(),
            "denied by SCP p-1 (NoSydney), Statement[0] (Sid \"NoSydney\")"
        );
    }
}
