//! Security Hub, per region: the account's hub (DescribeHub), its enabled standards
//! (GetEnabledStandards) and, in the account Organizations lists as Security Hub's delegated
//! administrator, the organization configuration (DescribeOrganizationConfiguration) and the
//! members (ListMembers). Read-only.

use aws_sdk_securityhub::Client;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::util::paginate;
use crate::aws::collection_error;
use crate::inventory::*;

/// DescribeHub's answer for an account that has not enabled Security Hub in the region:
/// InvalidAccessException "Account <id> is not subscribed to AWS Security Hub" (API reference,
/// DescribeHub "Errors"; moto answers the same). Any other failure is a collection error.
fn not_subscribed(code: Option<&str>, message: Option<&str>) -> bool {
    code == Some("InvalidAccessException")
        && message.is_some_and(|m| m.to_ascii_lowercase().contains("not subscribed"))
}

pub async fn collect(client: &Client, region: &str, administrator: bool) -> Collected<SecurityHub> {
    let r = Some(region);
    let hub = match client.describe_hub().send().await {
        Ok(out) => Some(Hub {
            arn: out.hub_arn().unwrap_or_default().to_string(),
            subscribed_at: out.subscribed_at().map(str::to_string),
            auto_enable_controls: out.auto_enable_controls(),
            control_finding_generator: out
                .control_finding_generator()
                .map(|g| g.as_str().to_string()),
        }),
        Err(e) => {
            let svc = e.as_service_error();
            if not_subscribed(svc.and_then(|s| s.code()), svc.and_then(|s| s.message())) {
                None
            } else {
                return Collected::Failed(collection_error(
                    "securityhub",
                    "DescribeHub",
                    r,
                    None,
                    &e,
                ));
            }
        }
    };
    let standards = match &hub {
        Some(_) => standards(client, r).await,
        None => Collected::Ok(Vec::new()),
    };
    let organization = if administrator {
        let (configuration, members) = tokio::join!(configuration(client, r), members(client, r));
        Some(SecurityHubOrganization {
            configuration,
            members,
        })
    } else {
        None
    };
    Collected::Ok(SecurityHub {
        hub,
        standards,
        organization,
    })
}

async fn standards(client: &Client, r: Option<&str>) -> Collected<Vec<StandardsSubscription>> {
    let mut out = Vec::new();
    let pages = paginate!(
        client.get_enabled_standards(),
        "securityhub",
        "GetEnabledStandards",
        r,
        |page| {
            for s in page.standards_subscriptions() {
                out.push(StandardsSubscription {
                    standards_arn: s.standards_arn().unwrap_or_default().to_string(),
                    subscription_arn: s
                        .standards_subscription_arn()
                        .unwrap_or_default()
                        .to_string(),
                    status: s
                        .standards_status()
                        .map(|v| v.as_str().to_string())
                        .unwrap_or_default(),
                    status_reason: s
                        .standards_status_reason()
                        .and_then(|x| x.status_reason_code())
                        .map(|c| c.as_str().to_string()),
                });
            }
        }
    );
    match pages {
        Ok(()) => Collected::Ok(out),
        Err(e) => Collected::Failed(e),
    }
}

async fn configuration(client: &Client, r: Option<&str>) -> Collected<SecurityHubOrgConfiguration> {
    match client.describe_organization_configuration().send().await {
        Ok(out) => {
            let oc = out.organization_configuration();
            Collected::Ok(SecurityHubOrgConfiguration {
                auto_enable: out.auto_enable().unwrap_or(false),
                auto_enable_standards: out.auto_enable_standards().map(|v| v.as_str().to_string()),
                member_account_limit_reached: out.member_account_limit_reached().unwrap_or(false),
                configuration_type: oc
                    .and_then(|c| c.configuration_type())
                    .map(|v| v.as_str().to_string()),
                configuration_status: oc.and_then(|c| c.status()).map(|v| v.as_str().to_string()),
                configuration_status_message: oc
                    .and_then(|c| c.status_message())
                    .map(str::to_string),
            })
        }
        Err(e) => Collected::Failed(collection_error(
            "securityhub",
            "DescribeOrganizationConfiguration",
            r,
            None,
            &e,
        )),
    }
}

async fn members(client: &Client, r: Option<&str>) -> Collected<Vec<SecurityHubMember>> {
    let mut out = Vec::new();
    let pages = paginate!(
        client.list_members().only_associated(false),
        "securityhub",
        "ListMembers",
        r,
        |page| {
            for m in page.members() {
                if let Some(id) = m.account_id() {
                    out.push(SecurityHubMember {
                        account_id: id.to_string(),
                        member_status: m.member_status().unwrap_or_default().to_string(),
                        administrator_id: m.administrator_id().map(str::to_string),
                    });
                }
            }
        }
    );
    match pages {
        Ok(()) => Collected::Ok(out),
        Err(e) => Collected::Failed(e),
    }
}

#[cfg(test)]
mod tests {
    use super::not_subscribed;
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::*;

    fn json(body: &str) -> Reply {
        Reply::new(200, body).header("content-type", "application/json")
    }

    fn error(status: u16, code: &str, message: &str) -> Reply {
        Reply::new(
            status,
            format!("{{\"Code\":\"{code}\",\"Message\":\"{message}\"}}"),
        )
        .header("content-type", "application/json")
        .header("x-amzn-errortype", code.to_string())
    }

    fn run(fake: &FakeAws, administrator: bool) -> Collected<SecurityHub> {
        let client = aws_sdk_securityhub::Client::new(&fake.config("eu-west-1"));
        tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, "eu-west-1", administrator))
    }

    /// The element names of the four answers as the API reference gives them: GET /accounts,
    /// POST /standards/get (two pages), GET /organization/configuration, GET /members.
    #[test]
    fn an_administrator_hub_with_standards_and_members() {
        let fake = FakeAws::new(|req| {
            let path = req.uri.split("amazonaws.com").nth(1).unwrap_or("");
            if path.starts_with("/accounts") {
                json(
                    r#"{"HubArn":"arn:aws:securityhub:eu-west-1:111111111111:hub/default","SubscribedAt":"2025-03-01T10:00:00.000Z","AutoEnableControls":true,"ControlFindingGenerator":"SECURITY_CONTROL"}"#,
                )
            } else if path.starts_with("/standards/get") && !req.body.contains("NextToken") {
                json(
                    r#"{"StandardsSubscriptions":[{"StandardsSubscriptionArn":"arn:aws:securityhub:eu-west-1:111111111111:subscription/aws-foundational-security-best-practices/v/1.0.0","StandardsArn":"arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0","StandardsInput":{},"StandardsStatus":"READY","StandardsControlsUpdatable":"READY_FOR_UPDATES"}],"NextToken":"p2"}"#,
                )
            } else if path.starts_with("/standards/get") {
                json(
                    r#"{"StandardsSubscriptions":[{"StandardsSubscriptionArn":"arn:aws:securityhub:eu-west-1:111111111111:subscription/cis-aws-foundations-benchmark/v/1.2.0","StandardsArn":"arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0","StandardsInput":{},"StandardsStatus":"INCOMPLETE","StandardsStatusReason":{"StatusReasonCode":"INTERNAL_ERROR"}}]}"#,
                )
            } else if path.starts_with("/organization/configuration") {
                json(
                    r#"{"AutoEnable":false,"MemberAccountLimitReached":false,"AutoEnableStandards":"NONE","OrganizationConfiguration":{"ConfigurationType":"CENTRAL","Status":"ENABLED"}}"#,
                )
            } else if path.starts_with("/members") {
                json(
                    r#"{"Members":[{"AccountId":"222222222222","Email":"a@example.com","MasterId":"111111111111","AdministratorId":"111111111111","MemberStatus":"Enabled","InvitedAt":"2025-03-01T10:00:00.000Z","UpdatedAt":"2025-03-01T10:00:00.000Z"},{"AccountId":"333333333333","MemberStatus":"Resigned"}]}"#,
                )
            } else {
                error(404, "ResourceNotFoundException", "unexpected")
            }
        });
        let sh = match run(&fake, true) {
            Collected::Ok(sh) => sh,
            Collected::Failed(e) => panic!("{e}"),
        };
        let hub = sh.hub.expect("subscribed");
        assert_eq!(
            hub.arn,
            "arn:aws:securityhub:eu-west-1:111111111111:hub/default"
        );
        assert_eq!(
            hub.control_finding_generator.as_deref(),
            Some("SECURITY_CONTROL")
        );
        let standards = sh.standards.as_ref().unwrap();
        assert_eq!(standards.len(), 2);
        assert_eq!(standards[1].status, "INCOMPLETE");
        assert_eq!(
            standards[1].status_reason.as_deref(),
            Some("INTERNAL_ERROR")
        );
        let org = sh.organization.expect("the administrator view");
        let c = org.configuration.as_ref().unwrap();
        assert_eq!(c.configuration_type.as_deref(), Some("CENTRAL"));
        assert_eq!(c.configuration_status.as_deref(), Some("ENABLED"));
        assert!(!c.auto_enable);
        let m = org.members.as_ref().unwrap();
        assert_eq!(m.len(), 2);
        assert!(m[0].enabled() && !m[1].enabled());
        let seen = fake.requests();
        assert!(
            seen.iter()
                .any(|r| r.uri.contains("/members") && r.uri.contains("OnlyAssociated=false")),
            "ListMembers must ask for every member: {seen:?}"
        );
    }

    /// Not subscribed is data (hub None, no GetEnabledStandards call); AccessDenied is a failure.
    #[test]
    fn not_subscribed_is_off_and_access_denied_is_a_failure() {
        let fake = FakeAws::new(|_| {
            error(
                401,
                "InvalidAccessException",
                "Account 111111111111 is not subscribed to AWS Security Hub",
            )
        });
        match run(&fake, false) {
            Collected::Ok(sh) => {
                assert!(sh.hub.is_none());
                assert_eq!(sh.standards, Collected::Ok(vec![]));
                assert!(sh.organization.is_none());
            }
            Collected::Failed(e) => panic!("{e}"),
        }
        assert_eq!(fake.requests().len(), 1);

        let denied = FakeAws::new(|_| {
            error(
                403,
                "AccessDeniedException",
                "User is not authorized to perform: securityhub:DescribeHub",
            )
        });
        match run(&denied, false) {
            Collected::Failed(e) => {
                assert_eq!(e.kind, ErrorKind::AccessDenied);
                assert_eq!(e.operation, "DescribeHub");
            }
            Collected::Ok(sh) => panic!("AccessDenied read as data: {sh:?}"),
        }
    }

    #[test]
    fn only_the_not_subscribed_answer_is_off() {
        assert!(not_subscribed(
            Some("InvalidAccessException"),
            Some("Account 111111111111 is not subscribed to AWS Security Hub")
        ));
        assert!(!not_subscribed(
            Some("InvalidAccessException"),
            Some("The account is not an administrator")
        ));
        assert!(!not_subscribed(
            Some("AccessDeniedException"),
            Some("User is not authorized to perform: securityhub:DescribeHub")
        ));
        assert!(!not_subscribed(None, None));
    }
}
