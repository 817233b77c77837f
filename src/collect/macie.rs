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

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::{Collected, ErrorKind, Macie};

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Runtime::new().unwrap().block_on(f)
    }

    fn denied(message: &'static str) -> FakeAws {
        FakeAws::new(move |_| {
            Reply::new(403, format!("{{\"message\":\"{message}\"}}"))
                .header("content-type", "application/json")
                .header("x-amzn-errortype", "AccessDeniedException")
        })
    }

    /// "Macie is not enabled" is the account's state; any other AccessDeniedException is a
    /// failed call.
    #[test]
    fn not_enabled_is_data_and_access_denied_is_a_failure() {
        let fake = denied("Macie is not enabled.");
        let client = aws_sdk_macie2::Client::new(&fake.config("us-east-1"));
        assert_eq!(
            run(super::collect(&client, "us-east-1")),
            Collected::Ok(Macie::NotEnabled)
        );
        let fake = denied(
            "User: arn:aws:sts::111111111111:assumed-role/r/s is not authorized to perform: macie2:GetMacieSession",
        );
        let client = aws_sdk_macie2::Client::new(&fake.config("us-east-1"));
        let Collected::Failed(e) = run(super::collect(&client, "us-east-1")) else {
            panic!("a permission denial must not read as Macie off")
        };
        assert_eq!(e.kind, ErrorKind::AccessDenied);
        assert_eq!(e.operation, "GetMacieSession");
    }

    /// The session's and the organization view's element names; ListMembers asks for every
    /// member and follows nextToken.
    #[test]
    fn session_and_organization_view() {
        let fake = FakeAws::new(|req| {
            let body = if req.uri.contains("/admin/configuration") {
                r#"{"autoEnable":false,"maxAccountLimitReached":false}"#
            } else if req.uri.contains("/members") && req.uri.contains("nextToken=p2") {
                r#"{"members":[{"accountId":"333333333333","relationshipStatus":"Removed"}]}"#
            } else if req.uri.contains("/members") {
                assert!(req.uri.contains("onlyAssociated=false"), "{}", req.uri);
                r#"{"members":[{"accountId":"222222222222","relationshipStatus":"Enabled"}],"nextToken":"p2"}"#
            } else {
                r#"{"status":"PAUSED","findingPublishingFrequency":"ONE_HOUR"}"#
            };
            Reply::new(200, body).header("content-type", "application/json")
        });
        let client = aws_sdk_macie2::Client::new(&fake.config("us-east-1"));
        assert_eq!(
            run(super::collect(&client, "us-east-1")),
            Collected::Ok(Macie::Session {
                status: "PAUSED".into(),
                finding_publishing_frequency: Some("ONE_HOUR".into()),
            })
        );
        let Collected::Ok(o) = run(super::organization(&client, "us-east-1")) else {
            panic!()
        };
        assert!(!o.auto_enable);
        let got: Vec<(&str, &str)> = o
            .members
            .iter()
            .map(|m| (m.account_id.as_str(), m.relationship_status.as_str()))
            .collect();
        assert_eq!(
            got,
            [("222222222222", "Enabled"), ("333333333333", "Removed")]
        );
    }
}
