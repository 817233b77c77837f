//! Amazon Macie, per region: the account's Macie session (GetMacieSession; "Macie is not
//! enabled" is the account's state, not a failure) and, in Macie's delegated administrator only,
//! the organization configuration (DescribeOrganizationConfiguration) and every member
//! (ListMembers with onlyAssociated=false).

use aws_sdk_macie2::Client;
use aws_sdk_macie2::error::ProvideErrorMetadata;
use aws_smithy_runtime_api::client::result::SdkError;

use super::util::{error_code, paginate};
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, region: &str) -> Collected<Macie> {
    match client.get_macie_session().send().await {
        Ok(out) => match out.status() {
            Some(status) => Collected::Ok(Macie::Session {
                status: status.as_str().to_string(),
                finding_publishing_frequency: out
                    .finding_publishing_frequency()
                    .map(|f| f.as_str().to_string()),
            }),
            None => Collected::Failed(CollectionError {
                service: "macie2".into(),
                operation: "GetMacieSession".into(),
                region: Some(region.into()),
                resource: None,
                kind: ErrorKind::Other,
                code: None,
                message: "the answer has no status".into(),
            }),
        },
        Err(e) if not_enabled(&e) => Collected::Ok(Macie::NotEnabled),
        Err(e) => Collected::Failed(collection_error(
            "macie2",
            "GetMacieSession",
            Some(region),
            None,
            &e,
        )),
    }
}

/// Macie answers an account without Macie with AccessDeniedException (HTTP 403) and the
/// message "Macie is not enabled" (as for a real permission denial, only the message tells
/// the two apart).
fn not_enabled<E: ProvideErrorMetadata, R>(e: &SdkError<E, R>) -> bool {
    error_code(e) == Some("AccessDeniedException")
        && matches!(e, SdkError::ServiceError(ctx)
            if ctx.err().message().is_some_and(|m| m.to_ascii_lowercase().contains("macie is not enabled")))
}

/// The organization view, read only in Macie's delegated administrator.
pub async fn organization(client: &Client, region: &str) -> Collected<MacieOrganization> {
    let r = Some(region);
    let config = match client.describe_organization_configuration().send().await {
        Ok(c) => c,
        Err(e) => {
            return Collected::Failed(collection_error(
                "macie2",
                "DescribeOrganizationConfiguration",
                r,
                None,
                &e,
            ));
        }
    };
    let mut members = Vec::new();
    let pages = paginate!(
        client.list_members().only_associated("false"),
        "macie2",
        "ListMembers",
        r,
        |page| {
            members.extend(page.members().iter().filter_map(|m| {
                Some(MacieMember {
                    account_id: m.account_id()?.to_string(),
                    relationship_status: m
                        .relationship_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                })
            }));
        }
    );
    if let Err(e) = pages {
        return Collected::Failed(e);
    }
    Collected::Ok(MacieOrganization {
        auto_enable: config.auto_enable().unwrap_or(false),
        max_account_limit_reached: config.max_account_limit_reached(),
        members,
    })
}
