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

pub async fn collect(client: &Client, concurrency: usize) -> Iam {
    let (report, users, password_policy, account_summary, roles) = tokio::join!(
        credential_report(client),
        list_users(client),
        password_policy(client),
        account_summary(client),
        list_roles(client),
    );
    // Users the report does not list (created after it was generated, or every user when the
    // report failed) are assessed from the IAM API instead.
    let users = match users {
        Ok(mut list) => {
            let in_report: HashSet<&str> = match &report {
                Ok(r) => r.rows.iter().map(|row| row.user.as_str()).collect(),
                Err(_) => HashSet::new(),
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
    }
}

async fn list_roles(client: &Client) -> Result<Vec<IamRole>, CollectionError> {
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
                });
            }
        }
    )?;
    Ok(roles)
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
