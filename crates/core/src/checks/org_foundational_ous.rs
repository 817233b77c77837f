use crate::check::{OrgCheck, Reason};

/// OU names the SRA recommends directly under the root (matched case-insensitively as a word
/// of the OU name, so `Security`, `security-ou` and `Workloads-Prod` count).
const REQUIRED: &[&str] = &["security", "workloads"];

pub const CHECK: OrgCheck = OrgCheck {
    id: "org-foundational-ous",
    run: |ctx, out| {
        let Some(org) = out.organization(ctx) else {
            return;
        };
        let (roots, ous) = match org.hierarchy() {
            Ok(tree) => tree,
            Err(e) => {
                out.not_assessed(org, Reason::collection(e));
                return;
            }
        };
        let top: Vec<&str> = ous
            .iter()
            .filter(|o| roots.iter().any(|r| r.id == o.parent_id))
            .map(|o| o.name.as_str())
            .collect();
        let missing: Vec<&str> = REQUIRED
            .iter()
            .copied()
            .filter(|want| {
                !top.iter().any(|name| {
                    name.to_ascii_lowercase()
                        .split(|c: char| !c.is_ascii_alphanumeric())
                        .any(|w| w == *want)
                })
            })
            .collect();
        let pass = "the root has Security and Workloads OUs";
        out.pass_unless_any(org, &missing, pass, |missing| {
            format!("the root lacks foundational OUs: {}", missing.join(", "))
        })
        .with("top_level_ous", top.join(", "));
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{ErrorKind, Organization};

    /// An edit of the organization and the status after it.
    type Step = (fn(&mut Organization), Status);

    /// Each step edits the organization further: both OUs, then no Workloads OU, then a tree
    /// that could not be walked (unknown, not "lacks the OUs").
    #[test]
    fn ous() {
        let steps: [Step; 3] = [
            (|_| {}, Status::Pass),
            (
                |o| o.organizational_units.retain(|o| o.name != "Workloads"),
                Status::Fail,
            ),
            (
                |o| {
                    o.hierarchy_error = Some(organizations_error(
                        "ListOrganizationalUnitsForParent",
                        ErrorKind::Throttled,
                        "TooManyRequestsException",
                        "rate exceeded",
                    ))
                },
                Status::NotAssessed,
            ),
        ];
        let mut inv = org_inventory();
        for (step, want) in steps {
            step(org_mut(&mut inv));
            assert_statuses(&inv, CHECK.id, &[want]);
        }
    }
}
