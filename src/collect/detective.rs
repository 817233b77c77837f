//! Amazon Detective, per Region: the behavior graphs the account administers (ListGraphs) and
//! the graphs it is invited to or a member of (ListInvitations). No graph is an answer ("not in
//! use"), not a failure.

use aws_sdk_detective::Client;

use super::util::paginate;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str) -> Collected<Detective> {
    let r = Some(region);
    let mut graphs = Vec::new();
    let pages = paginate!(client.list_graphs(), "detective", "ListGraphs", r, |page| {
        graphs.extend(page.graph_list().iter().filter_map(|g| {
            Some(DetectiveGraph {
                arn: g.arn()?.to_string(),
            })
        }));
    });
    if let Err(e) = pages {
        return Collected::Failed(e);
    }
    let mut memberships = Vec::new();
    let pages = paginate!(
        client.list_invitations(),
        "detective",
        "ListInvitations",
        r,
        |page| {
            memberships.extend(page.invitations().iter().filter_map(|m| {
                Some(DetectiveMembership {
                    graph_arn: m.graph_arn()?.to_string(),
                    status: m.status().map(|s| s.as_str().to_string()),
                    administrator_id: m.administrator_id().map(str::to_string),
                })
            }));
        }
    );
    Collected::Ok(Detective {
        graphs,
        memberships: pages.map(|()| memberships).into(),
    })
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::{Collected, ErrorKind};

    /// ListGraphs and ListInvitations (POST, PascalCase element names), the latter denied.
    #[test]
    fn graphs_and_invitations() {
        let fake = FakeAws::new(|req| {
            if req.uri.ends_with("/graphs/list") {
                Reply::new(200, r#"{"GraphList":[{"Arn":"arn:aws:detective:us-east-1:111111111111:graph:027c7c4610ea4aacaf0b883093cab899","CreatedTime":"2024-05-01T10:00:00Z"}]}"#)
                    .header("content-type", "application/json")
            } else {
                Reply::new(403, r#"{"Message":"not authorized"}"#)
                    .header("content-type", "application/json")
                    .header("x-amzn-errortype", "AccessDeniedException")
            }
        });
        let client = aws_sdk_detective::Client::new(&fake.config("us-east-1"));
        let got = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1"));
        let Collected::Ok(d) = got else {
            panic!("{got:?}")
        };
        assert_eq!(d.graphs.len(), 1);
        let Collected::Failed(e) = &d.memberships else {
            panic!("{d:?}")
        };
        assert_eq!(e.operation, "ListInvitations");
        assert_eq!(e.kind, ErrorKind::AccessDenied);
    }
}
