use crate::check::{OrgCheck, Reason};
use crate::inventory::Collected;

pub const CHECK: OrgCheck = OrgCheck {
    id: "org-scp-guardrails",
    run: |ctx, out| {
        let Some((org, attachments)) = out.organization_part(ctx, |o| &o.scp_attachments) else {
            return;
        };
        // Guardrails at the root or on OUs; policies on single accounts are not organization-wide.
        let structural: Vec<&String> = org
            .roots
            .iter()
            .map(|r| &r.id)
            .chain(org.organizational_units.iter().map(|o| &o.id))
            .collect();
        let mut found = Vec::new();
        for target in &structural {
            for p in attachments.get(*target).into_iter().flatten() {
                if p.name != "FullAWSAccess" && p.id != "p-FullAWSAccess" {
                    found.push(format!("SCP {} on {}", p.name, org.path_of(target)));
                }
            }
        }
        // Resource control policies and declarative policies are guardrails too: a data
        // perimeter, enforced IMDSv2 or Block Public Access hold whatever a member account does.
        let other_layers = match &org.policies {
            Collected::Ok(policies) => {
                for p in policies {
                    let kind = match p.policy_type.as_str() {
                        "RESOURCE_CONTROL_POLICY" if !p.aws_managed => "RCP",
                        "DECLARATIVE_POLICY_EC2" => "EC2 declarative policy",
                        "S3_POLICY" => "S3 policy",
                        _ => continue,
                    };
                    for t in p.targets.as_ref().into_iter().flatten() {
                        if structural.contains(&t) {
                            found.push(format!("{kind} {} on {}", p.name, org.path_of(t)));
                        }
                    }
                }
                None
            }
            Collected::Failed(e) => Some(e),
        };
        match (found.is_empty(), other_layers) {
            (false, _) => {
                let (n, found) = (found.len(), found.join("; "));
                out.pass(
                    org,
                    format!("{n} guardrail policy attachment(s) on the root or OUs: {found}"),
                )
                .with("guardrail_attachments", found);
            }
            (true, None) => {
                out.fail(org, "no service control policy other than FullAWSAccess, resource control policy or declarative policy is attached to the root or an OU");
            }
            (true, Some(e)) => {
                let clause = "no SCP guardrail is attached to the root or an OU, and whether resource control or declarative policies are is unknown: ";
                out.not_assessed(org, Reason::collection_as(clause, e));
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::check::ReasonCode;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, ErrorKind, OrgPolicy, PolicyRef};

    #[test]
    fn guardrails() {
        // Not in organization mode: no policies to read.
        assert_statuses(&base_inventory(), CHECK.id, &[Status::NotAssessed]);
        let mut inv = org_inventory();
        assert_statuses(&inv, CHECK.id, &[Status::Fail]);
        let deny_leave = PolicyRef {
            id: "p-1".into(),
            name: "DenyLeave".into(),
            aws_managed: false,
        };
        org_mut(&mut inv).scp_attachments =
            Collected::Ok([("ou-sec".to_string(), vec![deny_leave])].into());
        assert_statuses(&inv, CHECK.id, &[Status::Pass]);
    }

    #[test]
    fn resource_control_and_declarative_policies_are_guardrails() {
        let rcp = |ty: &str, name: &str, managed: bool| OrgPolicy {
            id: format!("p-{name}"),
            name: name.into(),
            policy_type: ty.into(),
            aws_managed: managed,
            content: Collected::Ok("{}".into()),
            targets: Collected::Ok(vec!["r-root".into()]),
        };
        let rcp_type = "RESOURCE_CONTROL_POLICY";
        for (ty, name, managed, want) in [
            (rcp_type, "DataPerimeter", false, Status::Pass),
            (rcp_type, "RCPFullAWSAccess", true, Status::Fail),
            (
                "DECLARATIVE_POLICY_EC2",
                "RequireIMDSv2",
                false,
                Status::Pass,
            ),
            ("S3_POLICY", "BlockPublicAccess", false, Status::Pass),
        ] {
            let mut inv = org_inventory();
            if let Collected::Ok(list) = &mut org_mut(&mut inv).policies {
                list.push(rcp(ty, name, managed));
            }
            assert_eq!(statuses(&inv, CHECK.id), vec![want], "{name}");
        }
        // Policy layers unknown and no SCP guardrail: not a fail.
        let mut inv = org_inventory();
        org_mut(&mut inv).policies = Collected::Failed(organizations_error(
            "ListPolicies",
            ErrorKind::AccessDenied,
            "AccessDeniedException",
            "denied",
        ));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// Policy layers unknown and no SCP guardrail: a not-assessed sentence like every other,
    /// with the failed call as the reason.
    #[test]
    fn unknown_policy_layers_are_not_assessed_with_the_failed_call() {
        let mut inv = org_inventory();
        org_mut(&mut inv).policies = Collected::Failed(denied("ListPolicies"));
        let r = &results(&inv, CHECK.id)[0];
        assert_eq!(r.status, Status::NotAssessed);
        assert!(
            r.message.starts_with("not assessed: no SCP guardrail"),
            "{}",
            r.message
        );
        assert_reason(r, ReasonCode::CollectionFailed);
    }
}
