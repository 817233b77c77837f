//! Amazon Inspector, per region: the account's own status (BatchGetAccountStatus with its own
//! account id; AWS answers DISABLED for an account that never enabled Inspector) and, in
//! Inspector's delegated administrator only, the organization configuration
//! (DescribeOrganizationConfiguration) and the members (ListMembers, all of them).

use aws_sdk_inspector2::Client;
use aws_sdk_inspector2::types::State;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

pub async fn collect(client: &Client, account_id: &str, region: &str) -> Collected<Inspector2> {
    let r = Some(region);
    let out = match client
        .batch_get_account_status()
        .account_ids(account_id)
        .send()
        .await
    {
        Ok(out) => out,
        Err(e) => {
            return Collected::Failed(collection_error(
                "inspector2",
                "BatchGetAccountStatus",
                r,
                None,
                &e,
            ));
        }
    };
    let status = |s: Option<&State>| s.map(|s| s.status().as_str().to_string());
    if let Some(a) = out.accounts().iter().find(|a| a.account_id() == account_id) {
        let rs = a.resource_state();
        return match status(a.state()) {
            Some(st) => Collected::Ok(Inspector2 {
                status: st,
                ec2: status(rs.and_then(|r| r.ec2())),
                ecr: status(rs.and_then(|r| r.ecr())),
                lambda: status(rs.and_then(|r| r.lambda())),
                lambda_code: status(rs.and_then(|r| r.lambda_code())),
            }),
            None => Collected::Failed(not_answered(region, "the answer has no State")),
        };
    }
    // The account is listed as failed (or not at all): its status is unknown.
    let why = match out
        .failed_accounts()
        .iter()
        .find(|f| f.account_id() == account_id)
    {
        Some(f) => format!(
            "the account is listed in failedAccounts: {} {}",
            f.error_code().as_str(),
            f.error_message()
        ),
        None => "the answer does not list the account".to_string(),
    };
    Collected::Failed(not_answered(region, &why))
}

fn not_answered(region: &str, why: &str) -> CollectionError {
    CollectionError {
        service: "inspector2".into(),
        operation: "BatchGetAccountStatus".into(),
        region: Some(region.into()),
        resource: None,
        kind: ErrorKind::Other,
        code: None,
        message: why.into(),
    }
}

/// The organization view, read only in Inspector's delegated administrator.
pub async fn organization(client: &Client, region: &str) -> Collected<Inspector2Organization> {
    let r = Some(region);
    let config = match client.describe_organization_configuration().send().await {
        Ok(c) => c,
        Err(e) => {
            return Collected::Failed(collection_error(
                "inspector2",
                "DescribeOrganizationConfiguration",
                r,
                None,
                &e,
            ));
        }
    };
    let auto_enable = config
        .auto_enable()
        .map(|a| Inspector2AutoEnable {
            ec2: a.ec2(),
            ecr: a.ecr(),
            lambda: a.lambda().unwrap_or(false),
            lambda_code: a.lambda_code().unwrap_or(false),
        })
        .unwrap_or_default();
    let mut members = Vec::new();
    let pages = paginate!(
        client.list_members().only_associated(false),
        "inspector2",
        "ListMembers",
        r,
        |page| {
            members.extend(page.members().iter().filter_map(|m| {
                Some(Inspector2Member {
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
    Collected::Ok(Inspector2Organization {
        auto_enable,
        max_account_limit_reached: config.max_account_limit_reached(),
        members,
    })
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    fn run<T>(f: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Runtime::new().unwrap().block_on(f)
    }

    fn answering(body: &'static str) -> FakeAws {
        FakeAws::new(move |_| Reply::new(200, body).header("content-type", "application/json"))
    }

    /// The account's own state and scan types, asked for by id; an account listed as failed,
    /// or not listed, is a failed collection, never "disabled".
    #[test]
    fn own_status_by_account_id() {
        let fake = answering(
            r#"{"accounts":[{"accountId":"111111111111","state":{"status":"ENABLED"},"resourceState":{"ec2":{"status":"ENABLED"},"ecr":{"status":"DISABLED"},"lambda":{"status":"ENABLED"},"lambdaCode":{"status":"DISABLED"}}}],"failedAccounts":[]}"#,
        );
        let client = aws_sdk_inspector2::Client::new(&fake.config("us-east-1"));
        let Collected::Ok(i) = run(super::collect(&client, "111111111111", "us-east-1")) else {
            panic!()
        };
        assert_eq!(i.status, "ENABLED");
        assert_eq!(i.ecr.as_deref(), Some("DISABLED"));
        assert_eq!(i.lambda_code.as_deref(), Some("DISABLED"));
        assert!(
            fake.requests()[0]
                .body
                .contains("\"accountIds\":[\"111111111111\"]")
        );

        let fake = answering(
            r#"{"accounts":[],"failedAccounts":[{"accountId":"111111111111","errorCode":"ACCESS_DENIED","errorMessage":"denied"}]}"#,
        );
        let client = aws_sdk_inspector2::Client::new(&fake.config("us-east-1"));
        let Collected::Failed(e) = run(super::collect(&client, "111111111111", "us-east-1")) else {
            panic!()
        };
        assert!(e.message.contains("ACCESS_DENIED"), "{e:?}");
    }

    #[test]
    fn organization_view_follows_next_token() {
        let fake = FakeAws::new(|req| {
            let body = if req.uri.contains("/organizationconfiguration/describe") {
                r#"{"autoEnable":{"ec2":true,"ecr":false,"lambda":true},"maxAccountLimitReached":false}"#
            } else if req.body.contains("p2") {
                r#"{"members":[{"accountId":"333333333333","relationshipStatus":"DISABLED"}]}"#
            } else {
                assert!(
                    req.body.contains("\"onlyAssociated\":false"),
                    "{}",
                    req.body
                );
                r#"{"members":[{"accountId":"222222222222","relationshipStatus":"ENABLED","delegatedAdminAccountId":"444444444444"}],"nextToken":"p2"}"#
            };
            Reply::new(200, body).header("content-type", "application/json")
        });
        let client = aws_sdk_inspector2::Client::new(&fake.config("us-east-1"));
        let Collected::Ok(o) = run(super::organization(&client, "us-east-1")) else {
            panic!()
        };
        assert!(o.auto_enable.ec2 && !o.auto_enable.ecr && o.auto_enable.lambda);
        assert!(!o.auto_enable.lambda_code);
        assert_eq!(o.members.len(), 2);
        assert!(o.members[0].is_enabled() && !o.members[1].is_enabled());
    }
}
