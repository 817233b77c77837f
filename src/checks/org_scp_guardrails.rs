use super::org_scope::organization;
use super::{CheckDef, Input, Results};

pub const CHECK: CheckDef = CheckDef {
    id: "org-scp-guardrails",
    input: Input::AllAccounts,
    evaluate: |ctx| {
        let mut out = Results::new("org-scp-guardrails");
        let Some(org) = organization(ctx, &mut out) else {
            return out.items;
        };
        let mgmt = &org.management_account_id;
        let Some(attachments) = out.collected(&org.scp_attachments, mgmt, None, &org.arn) else {
            return out.items;
        };
        // Guardrails at the root or on OUs; policies on single accounts are not organization-wide.
        let structural: Vec<&String> = org
            .roots
            .iter()
            .map(|r| &r.id)
            .chain(org.organizational_units.iter().map(|o| &o.id))
            .collect();
        let mut found = Vec::new();
        for target in structural {
            for p in attachments.get(target).into_iter().flatten() {
                if p.name != "FullAWSAccess" && p.id != "p-FullAWSAccess" {
                    found.push(format!("{} on {}", p.name, org.path_of(target)));
                }
            }
        }
        if found.is_empty() {
            out.fail(mgmt, None, &org.arn, "no service control policy other than FullAWSAccess is attached to the root or an OU");
        } else {
            out.pass(
                mgmt,
                None,
                &org.arn,
                format!(
                    "{} guardrail SCP attachment(s) on the root or OUs",
                    found.len()
                ),
            )
            .with("scp_attachments", found.join("; "));
        }
        out.items
    },
};

#[cfg(test)]
mod tests {
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, PolicyRef};

    #[test]
    fn guardrails() {
        let mut inv = org_inventory();
        assert_eq!(statuses(&inv, "org-scp-guardrails"), vec![Status::Fail]);
        org_mut(&mut inv).scp_attachments = Collected::Ok(
            [(
                "ou-sec".to_string(),
                vec![PolicyRef {
                    id: "p-1".into(),
                    name: "DenyLeave".into(),
                    aws_managed: false,
                }],
            )]
            .into(),
        );
        assert_eq!(statuses(&inv, "org-scp-guardrails"), vec![Status::Pass]);
        assert_eq!(
            statuses(&base_inventory(), "org-scp-guardrails"),
            vec![Status::NotAssessed]
        );
    }
}
