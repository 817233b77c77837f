use super::shared::detective::{Use, describe, region_use};
use crate::check::{Check, Reason};

/// Informational: whether Amazon Detective is in use in each Region of each account (the
/// account administers a behavior graph or is an enabled member of one). The SRA lists
/// Detective as optional, so "not in use" is not applicable, never a failure.
pub const CHECK: Check = Check {
    id: "detective-in-use",
    run: |ctx, out| {
        for d in out.detective(ctx) {
            let region = d.region.unwrap_or_default();
            let u = match region_use(d.item) {
                Ok(u) => u,
                Err(e) => {
                    out.not_assessed(&d, Reason::collection(e));
                    continue;
                }
            };
            let message = describe(&u, region);
            match &u {
                Use::Administrator(arn) => {
                    out.pass(&d, message)
                        .with("GraphArn", arn)
                        .with("Role", "administrator");
                }
                Use::Member { graph_arn, .. } => {
                    out.pass(&d, message)
                        .with("GraphArn", graph_arn)
                        .with("Role", "member (ENABLED)");
                }
                Use::NotInUse { .. } => {
                    out.not_applicable(&d, message);
                }
            }
        }
    },
};

#[cfg(test)]
mod tests {
    use super::CHECK;
    use crate::checks::Status;
    use crate::checks::fixtures::*;
    use crate::inventory::{Collected, DetectiveGraph, DetectiveMembership};

    fn membership(status: &str) -> DetectiveMembership {
        DetectiveMembership {
            graph_arn:
                "arn:aws:detective:us-east-1:333333333333:graph:027c7c4610ea4aacaf0b883093cab899"
                    .into(),
            status: Some(status.into()),
            administrator_id: Some("333333333333".into()),
        }
    }

    #[test]
    fn use_per_region() {
        // No graph, no membership: not in use, informational.
        let inv = base_inventory();
        assert_statuses(&inv, CHECK.id, &[Status::NotApplicable]);

        let mut inv = base_inventory();
        detective_mut(&mut inv).graphs = vec![DetectiveGraph {
            arn: "arn:aws:detective:us-east-1:111111111111:graph:0123456789abcdef0123456789abcdef"
                .into(),
        }];
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Pass,
            &["administers the Detective behavior graph"],
        );
        assert_eq!(
            r.resource,
            "arn:aws:detective:us-east-1:111111111111:graph:0123456789abcdef0123456789abcdef"
        );

        let mut inv = base_inventory();
        detective_mut(&mut inv).memberships = Collected::Ok(vec![membership("ENABLED")]);
        let r = &results(&inv, CHECK.id)[0];
        assert_result(
            r,
            Status::Pass,
            &["enabled member", "administrator 333333333333"],
        );

        let mut inv = base_inventory();
        detective_mut(&mut inv).memberships = Collected::Ok(vec![membership("INVITED")]);
        let r = &results(&inv, CHECK.id)[0];
        assert_result(r, Status::NotApplicable, &["(INVITED)"]);
    }

    #[test]
    fn failures_are_not_assessed() {
        let mut inv = base_inventory();
        region_mut(&mut inv).detective = Collected::Failed(denied("ListGraphs"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
        let mut inv = base_inventory();
        detective_mut(&mut inv).memberships = Collected::Failed(denied("ListInvitations"));
        assert_statuses(&inv, CHECK.id, &[Status::NotAssessed]);
    }

    /// The coverage probe makes the check's judgement: in use is on, not in use is off (the
    /// check says not applicable), a failed call is unknown.
    #[test]
    fn the_coverage_probe_agrees_with_the_check() {
        use crate::coverage::{PROBES, State};
        let probe = PROBES.iter().find(|p| p.service == "detective").unwrap();
        let mut inv = base_inventory();
        let cell = |inv: &crate::inventory::Inventory| {
            let a = &inv.accounts[0];
            (probe.region)(a, REGION, &a.regional[REGION])
        };
        assert_eq!(cell(&inv).state, State::Off);
        detective_mut(&mut inv).memberships = Collected::Ok(vec![membership("ENABLED")]);
        assert_eq!(cell(&inv).state, State::On);
        region_mut(&mut inv).detective = Collected::Failed(denied("ListGraphs"));
        assert_eq!(cell(&inv).state, State::Unknown);
        assert!(cell(&inv).detail.contains("ListGraphs"));
    }
}
