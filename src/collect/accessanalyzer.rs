//! IAM Access Analyzer, per region: every analyzer of the account (ListAnalyzers, paginated,
//! all types). An organization analyzer appears only in the account that owns it (the
//! management account or Access Analyzer's delegated administrator).

use aws_sdk_accessanalyzer::Client;

use super::util::paginate;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str) -> Collected<AccessAnalyzer> {
    let mut analyzers = Vec::new();
    let pages = paginate!(
        client.list_analyzers(),
        "access-analyzer",
        "ListAnalyzers",
        Some(region),
        |page| {
            analyzers.extend(page.analyzers().iter().map(|a| Analyzer {
                arn: a.arn().to_string(),
                name: a.name().to_string(),
                analyzer_type: a.r#type().as_str().to_string(),
                status: a.status().as_str().to_string(),
                status_reason: a.status_reason().map(|r| r.code().as_str().to_string()),
            }));
        }
    );
    match pages {
        Ok(()) => Collected::Ok(AccessAnalyzer { analyzers }),
        Err(e) => Collected::Failed(e),
    }
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    /// Every page and every type, with the element names of the service model.
    #[test]
    fn analyzers_of_every_page() {
        let fake = FakeAws::new(|req| {
            let body = if req.uri.contains("nextToken=p2") {
                r#"{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:111111111111:analyzer/unused","name":"unused","type":"ACCOUNT_UNUSED_ACCESS","createdAt":"2025-01-10T12:00:00Z","status":"FAILED","statusReason":{"code":"SERVICE_LINKED_ROLE_CREATION_FAILED"}}]}"#
            } else {
                r#"{"analyzers":[{"arn":"arn:aws:access-analyzer:us-east-1:111111111111:analyzer/org","name":"org","type":"ORGANIZATION","createdAt":"2025-01-10T12:00:00Z","status":"ACTIVE"}],"nextToken":"p2"}"#
            };
            Reply::new(200, body).header("content-type", "application/json")
        });
        let client = aws_sdk_accessanalyzer::Client::new(&fake.config("us-east-1"));
        let got = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "us-east-1"));
        let Collected::Ok(aa) = got else {
            panic!("{got:?}")
        };
        assert_eq!(aa.analyzers.len(), 2);
        assert!(aa.analyzers[0].is_organization() && aa.analyzers[0].is_active());
        assert_eq!(
            aa.analyzers[1].status_reason.as_deref(),
            Some("SERVICE_LINKED_ROLE_CREATION_FAILED")
        );
    }
}
