//! What the Detective check and its coverage probe share: whether Detective is in use in one
//! Region of one account.

use crate::inventory::{Collected, CollectionError, Detective};

/// How Detective is used in a Region.
#[derive(Debug, Clone, PartialEq)]
pub enum Use {
    /// The account administers this behavior graph.
    Administrator(String),
    /// The account's data feeds another account's behavior graph (membership `ENABLED`).
    Member {
        graph_arn: String,
        administrator: Option<String>,
    },
    /// Neither (invitations not accepted or disabled memberships are listed).
    NotInUse { pending: Vec<String> },
}

/// Detective's use in a Region; the failed call when ListInvitations failed and the account
/// administers no graph (a graph it administers answers without it).
pub fn region_use(d: &Detective) -> Result<Use, &CollectionError> {
    if let Some(g) = d.graphs.first() {
        return Ok(Use::Administrator(g.arn.clone()));
    }
    let memberships = d.memberships.as_ref()?;
    if let Some(m) = memberships.iter().find(|m| m.enabled()) {
        return Ok(Use::Member {
            graph_arn: m.graph_arn.clone(),
            administrator: m.administrator_id.clone(),
        });
    }
    Ok(Use::NotInUse {
        pending: memberships
            .iter()
            .map(|m| {
                format!(
                    "{} ({})",
                    m.graph_arn,
                    m.status.as_deref().unwrap_or("no status")
                )
            })
            .collect(),
    })
}

/// A sentence for the use (the check's message and the probe's detail).
pub fn describe(u: &Use, region: &str) -> String {
    match u {
        Use::Administrator(arn) => {
            format!("this account administers the Detective behavior graph {arn} in {region}")
        }
        Use::Member {
            graph_arn,
            administrator,
        } => match administrator {
            Some(a) => format!(
                "this account is an enabled member of the Detective behavior graph {graph_arn} (administrator {a}) in {region}"
            ),
            None => format!(
                "this account is an enabled member of the Detective behavior graph {graph_arn} in {region}"
            ),
        },
        Use::NotInUse { pending } if pending.is_empty() => format!(
            "Detective is not in use in {region}: the account administers no behavior graph and is a member of none"
        ),
        Use::NotInUse { pending } => format!(
            "Detective is not in use in {region}: the account administers no behavior graph and no membership is enabled ({})",
            pending.join(", ")
        ),
    }
}

/// The coverage matrix's reading of Detective in one Region (`crate::coverage::PROBES`), the
/// judgement of `detective-in-use`: `Some(true)` in use, `Some(false)` not in use, `None`
/// unknown (a failed call); with the sentence that says why.
pub fn region_coverage(data: &Collected<Detective>, region: &str) -> (Option<bool>, String) {
    let d = match data {
        Collected::Ok(d) => d,
        Collected::Failed(e) => return (None, e.to_string()),
    };
    match region_use(d) {
        Err(e) => (None, e.to_string()),
        Ok(u) => (
            Some(!matches!(u, Use::NotInUse { .. })),
            describe(&u, region),
        ),
    }
}
