//! IAM: the credential report (generated, polled, parsed), users reconciled with it, the password
//! policy and the account summary.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use aws_sdk_iam::Client;
use futures::StreamExt;

use super::util::{error_code, paginate, time};
use crate::aws::collection_error;
use crate::inventory::*;

/// How long to wait for AWS to generate a credential report.
const REPORT_DEADLINE: Duration = Duration::from_secs(120);

/// A credential report generated more than this before the collection started was served from
/// AWS's cache (it reuses a report for up to four hours) rather than generated for this scan.
const REPORT_FRESHNESS: chrono::TimeDelta = chrono::TimeDelta::minutes(5);

pub async fn collect(client: &Client, concurrency: usize) -> Iam {
    let started = chrono::Utc::now();
    let (report, users, password_policy, account_summary, roles, features) = tokio::join!(
        credential_report(client),
        list_users(client),
        password_policy(client),
        account_summary(client),
        list_roles(client, concurrency),
        organizations_features(client),
    );
    // Users the report does not list (created after it was generated, or every user when the
    // report failed) are assessed from the IAM API instead. When AWS served a report older than
    // this scan, every user's password, MFA devices and access keys are read from the API too:
    // a report up to four hours old would otherwise hide a key created or an MFA device removed
    // since, and keep failing a user already fixed (3 calls per user plus one per key, only on
    // scans within four hours of an earlier report).
    let users = match users {
        Ok(mut list) => {
            let in_report: HashSet<&str> = match &report {
                Ok(r) if !report_predates(r, started) => {
                    r.rows.iter().map(|row| row.user.as_str()).collect()
                }
                _ => HashSet::new(),
            };
            let missing: Vec<usize> = (0..list.len())
                .filter(|i| !in_report.contains(list[*i].user_name.as_str()))
                .collect();
            let details: Vec<(usize, Collected<IamUserDetails>)> = futures::stream::iter(missing)
                .map(|i| {
                    let name = list[i].user_name.clone();
                    async move { (i, user_details(client, &name).await.into()) }
                })
                .buffer_unordered(concurrency)
                .collect()
                .await;
            for (i, d) in details {
                list[i].details = Some(d);
            }
            Collected::Ok(list)
        }
        Err(e) => Collected::Failed(e),
    };
    Iam {
        credential_report: report.into(),
        users,
        password_policy: password_policy.into(),
        account_summary: account_summary.into(),
        roles: roles.into(),
        organizations_features: Some(features.into()),
    }
}

/// Centralized root access: whether the organization removes member accounts' root credentials
/// and blocks their recovery. Only the management account and IAM's delegated administrator can
/// answer; the codes below are AWS's documented answers for the other cases.
async fn organizations_features(client: &Client) -> Result<OrganizationsFeatures, CollectionError> {
    match client.list_organizations_features().send().await {
        Ok(out) => Ok(OrganizationsFeatures::Known {
            organization_id: out.organization_id().map(str::to_string),
            features: out
                .enabled_features()
                .iter()
                .map(|f| f.as_str().to_string())
                .collect(),
        }),
        Err(e) => match error_code(&e) {
            Some("AccountNotManagementOrDelegatedAdministratorException") => {
                Ok(OrganizationsFeatures::NotAnswerable)
            }
            // No organization, not all features, or IAM trusted access off: centralized root
            // access cannot be on.
            Some(
                "OrganizationNotFoundException"
                | "OrganizationNotInAllFeaturesModeException"
                | "ServiceAccessNotEnabledException",
            ) => Ok(OrganizationsFeatures::Known {
                organization_id: None,
                features: Vec::new(),
            }),
            _ => Err(collection_error(
                "iam",
                "ListOrganizationsFeatures",
                None,
                None,
                &e,
            )),
        },
    }
}

/// Was the report generated before this collection began (served from AWS's cache)? A report
/// without a generation time counts as old.
fn report_predates(report: &CredentialReport, started: chrono::DateTime<chrono::Utc>) -> bool {
    report
        .generated_at
        .is_none_or(|t| t < started - REPORT_FRESHNESS)
}

async fn list_roles(client: &Client, concurrency: usize) -> Result<Vec<IamRole>, CollectionError> {
    let mut roles = Vec::new();
    paginate!(
        client.list_roles().max_items(1000),
        "iam",
        "ListRoles",
        None,
        |page| {
            for r in page.roles() {
                roles.push(IamRole {
                    role_name: r.role_name().to_string(),
                    arn: r.arn().to_string(),
                    path: r.path().to_string(),
                    // IAM returns policy documents URL-encoded.
                    trust_policy: r.assume_role_policy_document().map(|d| {
                        percent_encoding::percent_decode_str(d)
                            .decode_utf8_lossy()
                            .into_owned()
                    }),
                    tags: None,
                });
            }
        }
    )?;
    // ListRoles does not return tags; each role's are read on their own (one call per role).
    let tags: Vec<Option<std::collections::BTreeMap<String, String>>> =
        futures::stream::iter(roles.iter().map(|r| r.role_name.clone()))
            .map(|name| async move { role_tags(client, &name).await })
            .buffered(concurrency)
            .collect()
            .await;
    for (role, tags) in roles.iter_mut().zip(tags) {
        role.tags = tags;
    }
    Ok(roles)
}

/// A role's tags. They feed RCP `aws:ResourceTag/…` conditions and suppressions: a failure
/// (or an answer cut short) leaves them unknown, so an exemption by tag is never ruled out on a
/// guess, and it assesses nothing itself. A role has at most 50 tags, one page.
async fn role_tags(
    client: &Client,
    name: &str,
) -> Option<std::collections::BTreeMap<String, String>> {
    let out = client
        .list_role_tags()
        .role_name(name)
        .max_items(100)
        .send()
        .await
        .ok()?;
    if out.is_truncated() {
        return None;
    }
    Some(
        out.tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    )
}

async fn credential_report(client: &Client) -> Result<CredentialReport, CollectionError> {
    let started = Instant::now();
    let mut delay = Duration::from_millis(250);
    // GenerateCredentialReport is the one write posture makes: AWS requires it to build the
    // report, and it returns at once when a report less than four hours old exists.
    client
        .generate_credential_report()
        .send()
        .await
        .map_err(|e| collection_error("iam", "GenerateCredentialReport", None, None, &e))?;
    loop {
        match client.get_credential_report().send().await {
            Ok(out) => {
                let bytes = out
                    .content()
                    .map(|b| b.as_ref().to_vec())
                    .unwrap_or_default();
                let generated = out.generated_time().and_then(time);
                return credential_report::parse(&bytes, generated).map_err(|e| CollectionError {
                    service: "iam".into(),
                    operation: "GetCredentialReport".into(),
                    region: None,
                    resource: None,
                    kind: ErrorKind::Other,
                    code: Some("MalformedCredentialReport".into()),
                    message: e.to_string(),
                });
            }
            Err(e) => {
                let code = error_code(&e).unwrap_or("");
                let retry = matches!(
                    code,
                    "ReportInProgress" | "ReportNotPresent" | "ReportExpired"
                );
                if !retry || started.elapsed() > REPORT_DEADLINE {
                    let mut err = collection_error("iam", "GetCredentialReport", None, None, &e);
                    if retry {
                        err.message = format!(
                            "report still not ready after {}s: {}",
                            REPORT_DEADLINE.as_secs(),
                            err.message
                        );
                    }
                    return Err(err);
                }
                if code != "ReportInProgress" {
                    client
                        .generate_credential_report()
                        .send()
                        .await
                        .map_err(|e| {
                            collection_error("iam", "GenerateCredentialReport", None, None, &e)
                        })?;
                }
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(5));
            }
        }
    }
}

async fn list_users(client: &Client) -> Result<Vec<IamUser>, CollectionError> {
    let mut users = Vec::new();
    paginate!(
        client.list_users().max_items(1000),
        "iam",
        "ListUsers",
        None,
        |page| {
            for u in page.users() {
                users.push(IamUser {
                    user_name: u.user_name().to_string(),
                    arn: u.arn().to_string(),
                    created: time(u.create_date()).unwrap_or_default(),
                    password_last_used: u.password_last_used().and_then(time),
                    details: None,
                });
            }
        }
    )?;
    Ok(users)
}

async fn user_details(client: &Client, user: &str) -> Result<IamUserDetails, CollectionError> {
    let res = Some(user);
    let login_profile_created = match client.get_login_profile().user_name(user).send().await {
        Ok(out) => out.login_profile().and_then(|p| time(p.create_date())),
        Err(e) if error_code(&e) == Some("NoSuchEntity") => None,
        Err(e) => return Err(collection_error("iam", "GetLoginProfile", None, res, &e)),
    };
    let mut mfa_devices = 0;
    paginate!(
        client.list_mfa_devices().user_name(user),
        "iam",
        "ListMFADevices",
        None,
        |page| {
            mfa_devices += page.mfa_devices().len();
        }
    )?;
    let mut access_keys = Vec::new();
    paginate!(
        client.list_access_keys().user_name(user),
        "iam",
        "ListAccessKeys",
        None,
        |page| {
            for k in page.access_key_metadata() {
                access_keys.push((
                    k.access_key_id().unwrap_or_default().to_string(),
                    k.status().map(|s| s.as_str() == "Active").unwrap_or(false),
                    k.create_date().and_then(time),
                ));
            }
        }
    )?;
    let mut keys = Vec::new();
    for (id, active, created) in access_keys {
        let last_used = client
            .get_access_key_last_used()
            .access_key_id(&id)
            .send()
            .await
            .map_err(|e| collection_error("iam", "GetAccessKeyLastUsed", None, res, &e))?
            .access_key_last_used()
            .and_then(|u| u.last_used_date())
            .and_then(time);
        keys.push(AccessKey {
            access_key_id: id,
            active,
            created: created.unwrap_or_default(),
            last_used,
        });
    }
    Ok(IamUserDetails {
        login_profile_created,
        mfa_devices,
        access_keys: keys,
    })
}

async fn password_policy(client: &Client) -> Result<Option<PasswordPolicy>, CollectionError> {
    match client.get_account_password_policy().send().await {
        Ok(out) => Ok(out.password_policy().map(|p| PasswordPolicy {
            minimum_password_length: p.minimum_password_length(),
            require_symbols: p.require_symbols(),
            require_numbers: p.require_numbers(),
            require_uppercase_characters: p.require_uppercase_characters(),
            require_lowercase_characters: p.require_lowercase_characters(),
            allow_users_to_change_password: p.allow_users_to_change_password(),
            max_password_age: p.max_password_age(),
            password_reuse_prevention: p.password_reuse_prevention(),
            hard_expiry: p.hard_expiry(),
        })),
        // No policy is a fact about the account, not a failure to read it.
        Err(e) if error_code(&e) == Some("NoSuchEntity") => Ok(None),
        Err(e) => Err(collection_error(
            "iam",
            "GetAccountPasswordPolicy",
            None,
            None,
            &e,
        )),
    }
}

async fn account_summary(client: &Client) -> Result<BTreeMap<String, i64>, CollectionError> {
    let out = client
        .get_account_summary()
        .send()
        .await
        .map_err(|e| collection_error("iam", "GetAccountSummary", None, None, &e))?;
    Ok(out
        .summary_map()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str().to_string(), i64::from(*v)))
                .collect()
        })
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use crate::aws::fake::{FakeAws, Reply};
    use crate::inventory::Collected;

    const NS: &str = "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"";

    /// IAM answering as AWS does for an account with one console user, alice, whose report
    /// row (generated `report_age` ago) says she has no MFA; the IAM API says she has one.
    fn iam(report_age: chrono::TimeDelta) -> FakeAws {
        let generated = (chrono::Utc::now() - report_age)
            .format("%Y-%m-%dT%H:%M:%SZ")
            .to_string();
        let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n<root_account>,arn:aws:iam::111111111111:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\nalice,arn:aws:iam::111111111111:user/alice,2026-01-01T00:00:00+00:00,true,2026-11-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,N/A,false,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A";
        let content = aws_smithy_types::base64::encode(csv);
        FakeAws::new(move |req| {
            let ok = |op: &str, inner: &str| {
                Reply::xml(format!(
                    "<{op}Response {NS}><{op}Result>{inner}</{op}Result><ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ResponseMetadata></{op}Response>"
                ))
            };
            match req.action() {
                "GenerateCredentialReport" => {
                    ok("GenerateCredentialReport", "<State>COMPLETE</State>")
                }
                "GetCredentialReport" => ok(
                    "GetCredentialReport",
                    &format!(
                        "<Content>{content}</Content><ReportFormat>text/csv</ReportFormat><GeneratedTime>{generated}</GeneratedTime>"
                    ),
                ),
                "ListUsers" => ok(
                    "ListUsers",
                    "<IsTruncated>false</IsTruncated><Users><member><Path>/</Path><UserName>alice</UserName><UserId>AIDAEXAMPLEALICE0001</UserId><Arn>arn:aws:iam::111111111111:user/alice</Arn><CreateDate>2026-01-01T00:00:00Z</CreateDate><PasswordLastUsed>2026-11-01T00:00:00Z</PasswordLastUsed></member></Users>",
                ),
                "GetLoginProfile" => ok(
                    "GetLoginProfile",
                    "<LoginProfile><UserName>alice</UserName><CreateDate>2026-01-01T00:00:00Z</CreateDate><PasswordResetRequired>false</PasswordResetRequired></LoginProfile>",
                ),
                "ListMFADevices" => ok(
                    "ListMFADevices",
                    "<IsTruncated>false</IsTruncated><MFADevices><member><UserName>alice</UserName><SerialNumber>arn:aws:iam::111111111111:mfa/alice</SerialNumber><EnableDate>2026-11-29T00:00:00Z</EnableDate></member></MFADevices>",
                ),
                "ListAccessKeys" => ok(
                    "ListAccessKeys",
                    "<IsTruncated>false</IsTruncated><AccessKeyMetadata/>",
                ),
                "GetAccountPasswordPolicy" => Reply::query_error(
                    404,
                    "NoSuchEntity",
                    "The Password Policy with domain name 111111111111 cannot be found.",
                ),
                "GetAccountSummary" => ok(
                    "GetAccountSummary",
                    "<SummaryMap><entry><key>AccountMFAEnabled</key><value>1</value></entry><entry><key>AccountPasswordPresent</key><value>1</value></entry><entry><key>AccountAccessKeysPresent</key><value>0</value></entry></SummaryMap>",
                ),
                "ListRoles" => ok("ListRoles", "<IsTruncated>false</IsTruncated><Roles/>"),
                "ListOrganizationsFeatures" => Reply::query_error(
                    400,
                    "AccountNotManagementOrDelegatedAdministratorException",
                    "The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.",
                ),
                other => Reply::query_error(400, "InvalidAction", &format!("unexpected {other}")),
            }
        })
    }

    fn alice_details(fake: &FakeAws) -> Option<Collected<crate::inventory::IamUserDetails>> {
        let client = aws_sdk_iam::Client::new(&fake.config("us-east-1"));
        let iam = tokio::runtime::Runtime::new()
            .unwrap()
            .block_on(super::collect(&client, 4));
        assert!(
            matches!(iam.credential_report, Collected::Ok(_)),
            "{:?}",
            iam.credential_report
        );
        match iam.users {
            Collected::Ok(users) => users[0].details.clone(),
            Collected::Failed(e) => panic!("{e}"),
        }
    }

    /// Audit finding 12: AWS served a report three hours old, so alice's password, MFA devices
    /// and keys are confirmed through the IAM API.
    #[test]
    fn an_old_report_is_confirmed_through_the_iam_api() {
        let fake = iam(chrono::TimeDelta::hours(3));
        match alice_details(&fake) {
            Some(Collected::Ok(d)) => {
                assert_eq!(d.mfa_devices, 1);
                assert!(d.login_profile_created.is_some());
            }
            other => panic!("alice was not confirmed: {other:?}"),
        }
    }

    /// Audit finding 12: a report generated for this scan costs no per-user call.
    #[test]
    fn a_fresh_report_needs_no_confirmation() {
        let fake = iam(chrono::TimeDelta::seconds(10));
        assert_eq!(alice_details(&fake), None);
        assert!(
            !fake
                .requests()
                .iter()
                .any(|r| r.action() == "ListMFADevices"),
            "{:?}",
            fake.requests()
        );
    }
}
