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
